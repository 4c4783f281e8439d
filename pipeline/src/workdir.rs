//! The stage dirs of a workdir in pipeline order (`minga_manifests::Workdir` ordered by
//! `STAGES`), and where the sources a workdir was made from are found again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_manifests::{StageManifest, Workdir, MANIFEST_FILE};

pub use minga_manifests::StageDir;

/// The stage dirs under `workdir`, in `STAGES` order (the one list of stages); other dirs
/// follow, sorted by name. An error when there are none.
pub fn stages(workdir: &Path) -> Result<Vec<StageDir>> {
    let order: Vec<&str> = crate::stages::pipeline::STAGES
        .iter()
        .map(|s| s.out)
        .collect();
    let found = Workdir::new(workdir)
        .stages(&order)
        .with_context(|| format!("cannot read workdir {}", workdir.display()))?;
    if found.is_empty() {
        anyhow::bail!(
            "{}: no stage dirs (with _manifest.json or _parts/) found",
            workdir.display()
        );
    }
    Ok(found)
}

/// The source roots named in the ingest manifest's config, resolved against the candidate bases
/// (a config's dir is not recorded, so the workdir's parent and the current dir are tried).
pub fn source_roots(workdir: &Path, extra_base: Option<&Path>) -> Vec<(String, PathBuf)> {
    let Ok(m) = StageManifest::read(&workdir.join("ingest").join(MANIFEST_FILE)) else {
        return Vec::new();
    };
    let mut bases: Vec<PathBuf> = Vec::new();
    if let Some(b) = extra_base {
        bases.push(b.to_path_buf());
    }
    if let Some(p) = workdir.parent() {
        bases.push(p.to_path_buf());
        bases.push(p.join("samples"));
    }
    bases.push(PathBuf::from("."));
    let mut out = Vec::new();
    let sources = m.config.get("sources").and_then(|s| s.as_array());
    for s in sources.into_iter().flatten() {
        let name = s.get("name").and_then(|v| v.as_str()).unwrap_or_default();
        let Some(path) = s.get("path").and_then(|v| v.as_str()) else {
            continue;
        };
        let p = Path::new(path);
        if p.is_absolute() {
            out.push((name.to_string(), p.to_path_buf()));
            continue;
        }
        // Every base where the path exists, in order: a same-named dir under an earlier base
        // (the repository's own `docs/` beside `samples/docs`) must not hide the real one.
        for cand in bases.iter().map(|b| b.join(p)).filter(|c| c.exists()) {
            out.push((name.to_string(), cand));
        }
    }
    out
}

/// The file a source-relative path names, if it can be found under one of `roots`
/// (`name` preferred when given).
pub fn find_source_file(
    roots: &[(String, PathBuf)],
    source: Option<&str>,
    rel: &str,
) -> Option<PathBuf> {
    let rel = rel.split("#bytes=").next().unwrap_or(rel);
    let ordered = roots
        .iter()
        .filter(|(n, _)| Some(n.as_str()) == source)
        .chain(roots.iter().filter(|(n, _)| Some(n.as_str()) != source));
    for (_, root) in ordered {
        let cand = if root.is_file() {
            root.clone()
        } else {
            root.join(rel)
        };
        if cand.is_file() && (root.is_dir() || cand.ends_with(rel)) {
            return Some(cand);
        }
    }
    None
}
