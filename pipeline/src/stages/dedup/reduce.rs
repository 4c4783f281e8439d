//! Dedup's reduce step as a [`ReduceStage`]: once every part's signatures are written, the
//! buckets of every table (candidate pairs) and the clusters over all of them. `--resume` keeps
//! them when their manifests were made from the files now in place.

use std::path::Path;

use anyhow::Result;
use minga_manifests::PartManifest;

use super::{buckets, clusters, signatures, DedupConfig, Layout};
use crate::runner::{ReduceStage, RunOptions, ShardSpec};

/// Buckets and clusters over every table and part.
pub struct Clusters<'a> {
    pub cfg: &'a DedupConfig,
    pub input: &'a Path,
    pub out: &'a Path,
    pub resume: bool,
}

impl ReduceStage for Clusters<'_> {
    fn name(&self) -> &'static str {
        "dedup.clusters"
    }

    fn waits_for(&self) -> Option<String> {
        // No input parts is not a wait: the buckets step names that error.
        let missing = signatures::missing(self.cfg, self.input, self.out).ok()?;
        (missing > 0).then(|| format!("the signatures of {missing} more parts"))
    }

    fn is_current(&self) -> Result<bool> {
        let layout = Layout::new(self.out);
        let digest = self.cfg.digest();
        let buckets_current = self.cfg.tables().iter().all(|t| {
            let m = Layout::step_manifest(&layout.buckets(), &t.name());
            step_is_current(&m, &digest, &layout.signatures(), &layout.buckets())
        });
        let m = Layout::step_manifest(&layout.clusters(), clusters::MANIFEST);
        Ok(buckets_current && step_is_current(&m, &digest, &layout.buckets(), &layout.clusters()))
    }

    fn run(&mut self) -> Result<()> {
        let opts = RunOptions {
            resume: self.resume,
            shards: ShardSpec::ALL,
        };
        buckets::run(self.cfg, self.input, self.out, &opts)?;
        clusters::run(self.cfg, self.input, self.out)?;
        Ok(())
    }
}

/// True when a step's manifest was made with `digest` from the files now at its inputs (paths
/// under `input_dir`) and every output it lists (under `output_dir`) is intact.
pub fn step_is_current(manifest: &Path, digest: &str, input_dir: &Path, output_dir: &Path) -> bool {
    let Ok(m) = PartManifest::read(manifest) else {
        return false;
    };
    let intact = |dir: &Path, e: &minga_manifests::FileEntry| {
        minga_manifests::blake3_file(&dir.join(&e.path))
            .is_ok_and(|(b3, bytes)| b3 == e.blake3 && bytes == e.bytes)
    };
    m.config_digest == digest
        && m.inputs.iter().all(|e| intact(input_dir, e))
        && m.outputs.iter().all(|e| intact(output_dir, e))
}
