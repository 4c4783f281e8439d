//! `minga report`: the HTML data card of a workdir (one self-contained `index.html`).

pub mod collect;
pub mod genre;
pub mod html;
pub mod svg;

use std::path::{Path, PathBuf};

use anyhow::Result;

/// Writes `out/index.html` (and `out/stats.json`) for `workdir`; returns the page's path.
pub fn build(workdir: &Path, out: &Path) -> Result<PathBuf> {
    let stats = collect::collect(workdir)?;
    let page = html::render(&stats, "minga data card");
    let path = out.join("index.html");
    minga_manifests::atomic_write(&path, page.as_bytes())?;
    let mut json = serde_json::to_vec_pretty(&stats)?;
    json.push(b'\n');
    minga_manifests::atomic_write(&out.join("stats.json"), &json)?;
    Ok(path)
}
