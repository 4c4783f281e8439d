//! A workdir and its stage dirs, through the stage-dir conventions every stage follows:
//! `part-NNNNN.parquet` shards, `rejected/part-NNNNN.parquet` ledgers, `_parts/part-NNNNN.json`
//! part manifests and `_manifest.json`. The runner writes these paths, and audit, report, status
//! and takedown read them, all through [`Workdir`] and [`StageDir`].

use std::path::{Path, PathBuf};

use crate::{
    list_parts, part_name, ManifestError, PartManifest, StageManifest, MANIFEST_FILE, PARTS_DIR,
    REJECTED_DIR,
};

/// The directory a run writes, one stage dir each.
#[derive(Debug, Clone)]
pub struct Workdir {
    pub root: PathBuf,
}

impl Workdir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Workdir { root: root.into() }
    }

    /// The dir stage `name` writes (`<workdir>/<name>`), whether or not it exists yet.
    pub fn stage(&self, name: &str) -> StageDir {
        StageDir {
            name: name.to_string(),
            dir: self.root.join(name),
        }
    }

    /// The stage dirs present (those holding `_manifest.json` or `_parts/`), ordered by `order`
    /// (the pipeline's stage names); dirs it does not name follow, sorted by name.
    pub fn stages(&self, order: &[&str]) -> Result<Vec<StageDir>, ManifestError> {
        let rd = std::fs::read_dir(&self.root).map_err(|e| ManifestError::io(&self.root, e))?;
        let mut found: Vec<StageDir> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join(MANIFEST_FILE).exists() || p.join(PARTS_DIR).is_dir())
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                Some(StageDir { name, dir: p })
            })
            .collect();
        let rank = |name: &str| order.iter().position(|s| *s == name).unwrap_or(order.len());
        found.sort_by_key(|s| (rank(&s.name), s.name.clone()));
        Ok(found)
    }
}

/// One stage dir of a workdir.
#[derive(Debug, Clone)]
pub struct StageDir {
    pub name: String,
    pub dir: PathBuf,
}

impl StageDir {
    /// A stage dir at `dir`, named after its last component.
    pub fn at(dir: &Path) -> Self {
        StageDir {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir: dir.to_path_buf(),
        }
    }

    /// `part-NNNNN.parquet`.
    pub fn shard(&self, part: usize) -> PathBuf {
        self.dir.join(format!("{}.parquet", part_name(part)))
    }

    /// `rejected/part-NNNNN.parquet`.
    pub fn ledger(&self, part: usize) -> PathBuf {
        self.dir
            .join(REJECTED_DIR)
            .join(format!("{}.parquet", part_name(part)))
    }

    /// `_parts/part-NNNNN.json`.
    pub fn part_manifest(&self, part: usize) -> PathBuf {
        self.dir
            .join(PARTS_DIR)
            .join(format!("{}.json", part_name(part)))
    }

    /// `_manifest.json`.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join(MANIFEST_FILE)
    }

    /// True once the stage manifest is written (every part done, the input complete).
    pub fn is_complete(&self) -> bool {
        self.manifest_path().exists()
    }

    /// Document shards, by part number.
    pub fn shards(&self) -> Result<Vec<(usize, PathBuf)>, ManifestError> {
        list_parts(&self.dir)
    }

    /// Ledger shards, by part number.
    pub fn ledgers(&self) -> Result<Vec<(usize, PathBuf)>, ManifestError> {
        let d = self.dir.join(REJECTED_DIR);
        if !d.is_dir() {
            return Ok(Vec::new());
        }
        list_parts(&d)
    }

    /// Part manifests, in part order.
    pub fn part_manifests(&self) -> Result<Vec<(PathBuf, PartManifest)>, ManifestError> {
        let d = self.dir.join(PARTS_DIR);
        let Ok(rd) = std::fs::read_dir(&d) else {
            return Ok(Vec::new());
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
        paths
            .into_iter()
            .map(|p| PartManifest::read(&p).map(|m| (p, m)))
            .collect()
    }

    /// The merged stage manifest, if the stage finished.
    pub fn manifest(&self) -> Result<Option<StageManifest>, ManifestError> {
        let p = self.manifest_path();
        if !p.exists() {
            return Ok(None);
        }
        StageManifest::read(&p).map(Some)
    }

    /// True when the stage writes document shards (a per-document stage).
    pub fn has_documents(&self) -> bool {
        self.dir.join(PARTS_DIR).is_dir() && self.shards().map(|s| !s.is_empty()).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_dirs_follow_the_given_order_then_names() {
        let t = tempfile::tempdir().unwrap();
        for d in ["zeta", "langid", "ingest", "alpha"] {
            std::fs::create_dir_all(t.path().join(d).join(PARTS_DIR)).unwrap();
        }
        std::fs::create_dir_all(t.path().join("not-a-stage")).unwrap();
        let w = Workdir::new(t.path());
        let names: Vec<String> = w
            .stages(&["ingest", "langid"])
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["ingest", "langid", "alpha", "zeta"]);
        let s = w.stage("langid");
        assert_eq!(s.shard(7), t.path().join("langid/part-00007.parquet"));
        assert_eq!(
            s.ledger(7),
            t.path().join("langid/rejected/part-00007.parquet")
        );
        assert_eq!(
            s.part_manifest(7),
            t.path().join("langid/_parts/part-00007.json")
        );
        assert!(!s.is_complete());
    }
}
