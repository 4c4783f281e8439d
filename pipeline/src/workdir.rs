//! The stage dirs of a workdir, in pipeline order, read through the stage-dir conventions
//! (`part-NNNNN.parquet`, `rejected/`, `_parts/`, `_manifest.json`), so any stage is covered.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_manifests::{
    list_parts, PartManifest, StageManifest, MANIFEST_FILE, PARTS_DIR, REJECTED_DIR,
};

/// One stage dir of a workdir.
#[derive(Debug, Clone)]
pub struct StageDir {
    pub name: String,
    pub dir: PathBuf,
}

impl StageDir {
    /// Document shards (`part-NNNNN.parquet`), by part number.
    pub fn shards(&self) -> Result<Vec<(usize, PathBuf)>> {
        Ok(list_parts(&self.dir)?)
    }
    /// Ledger shards.
    pub fn ledgers(&self) -> Result<Vec<(usize, PathBuf)>> {
        let d = self.dir.join(REJECTED_DIR);
        if !d.is_dir() {
            return Ok(Vec::new());
        }
        Ok(list_parts(&d)?)
    }
    /// Part manifests, by part name.
    pub fn part_manifests(&self) -> Result<Vec<(PathBuf, PartManifest)>> {
        let d = self.dir.join(PARTS_DIR);
        let mut out = Vec::new();
        let Ok(rd) = std::fs::read_dir(&d) else {
            return Ok(out);
        };
        let mut paths: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let n = p.file_name().map(|n| n.to_string_lossy().into_owned());
                n.is_some_and(|n| n.starts_with("part-") && n.ends_with(".json"))
            })
            .collect();
        paths.sort();
        for p in paths {
            let m = PartManifest::read(&p)?;
            out.push((p, m));
        }
        Ok(out)
    }
    /// The merged stage manifest, if the stage finished.
    pub fn manifest(&self) -> Result<Option<StageManifest>> {
        let p = self.dir.join(MANIFEST_FILE);
        if !p.exists() {
            return Ok(None);
        }
        Ok(Some(StageManifest::read(&p)?))
    }
    /// True when the stage writes document shards (a per-document stage).
    pub fn has_documents(&self) -> bool {
        self.dir.join(PARTS_DIR).is_dir() && self.shards().map(|s| !s.is_empty()).unwrap_or(false)
    }
}

/// The stage dirs under `workdir` (those holding `_manifest.json` or `_parts/`), in pipeline order.
pub fn stages(workdir: &Path) -> Result<Vec<StageDir>> {
    let rd = std::fs::read_dir(workdir)
        .with_context(|| format!("cannot read workdir {}", workdir.display()))?;
    let mut found: Vec<StageDir> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(MANIFEST_FILE).exists() || p.join(PARTS_DIR).is_dir())
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some(StageDir { name, dir: p })
        })
        .collect();
    found.sort_by_key(|s| (rank(&s.name), s.name.clone()));
    if found.is_empty() {
        anyhow::bail!(
            "{}: no stage dirs (with _manifest.json or _parts/) found",
            workdir.display()
        );
    }
    Ok(found)
}

/// A stage dir's place in pipeline order: that of the first `minga run` stage writing it
/// (`STAGES`, the one list of stages); other dirs follow, sorted by name.
fn rank(name: &str) -> usize {
    let stages = crate::stages::pipeline::STAGES;
    stages
        .iter()
        .position(|s| s.out == name)
        .unwrap_or(stages.len())
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
