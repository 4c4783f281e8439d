//! `minga report`: the HTML data card of a workdir (one self-contained `index.html`).

pub mod collect;
pub mod html;
pub mod kept;
pub mod svg;

use std::path::{Path, PathBuf};

use anyhow::Result;

/// The data card as a [`ReduceStage`] of `minga run`: built anew every time, so it is never
/// "current" (it reads every stage's manifests and the per-part figures recorded in them).
pub struct ReportStage<'a> {
    pub workdir: &'a Path,
    pub out: &'a Path,
}

impl crate::runner::ReduceStage for ReportStage<'_> {
    fn name(&self) -> &'static str {
        "report"
    }

    fn waits_for(&self) -> Option<String> {
        None
    }

    fn is_current(&self) -> Result<bool> {
        Ok(false)
    }

    fn run(&mut self) -> Result<()> {
        let page = build(self.workdir, self.out, &[])?;
        eprintln!("report: {}", page.display());
        Ok(())
    }
}

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
