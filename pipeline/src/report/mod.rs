//! `minga report`: the HTML data card of a workdir (one self-contained `index.html`).

pub mod collect;
pub mod genre;
pub mod html;
pub mod svg;

use std::path::{Path, PathBuf};

use anyhow::Result;

/// Writes `out/index.html` (and `out/stats.json`) for `workdir`, restricted to documents under
/// `licences` when that is not empty; returns the page's path.
pub fn build(workdir: &Path, out: &Path, licences: &[String]) -> Result<PathBuf> {
    let stats = collect::collect(workdir, licences)?;
    let page = html::render(&stats, "minga data card");
    let path = out.join("index.html");
    minga_manifests::atomic_write(&path, page.as_bytes())?;
    let mut json = serde_json::to_vec_pretty(&stats)?;
    json.push(b'\n');
    minga_manifests::atomic_write(&out.join("stats.json"), &json)?;
    Ok(path)
}
