//! `minga dedup`: exact and MinHash-LSH near-duplicate removal as four shardable sub-stages over
//! files; the pure core is `minga_filters::dedup` and the algorithm is written up in
//! `docs/dedup.md`.
//!
//! Layout under the output dir `OUT` (records are little-endian; see [`records`]):
//!
//! | step | writes | sharded by |
//! |---|---|---|
//! | `signatures` | `OUT/_dedup/signatures/part-NNNNN/table-TT.bin` (sorted band rows), `_parts/part-NNNNN.json` | input part |
//! | `buckets` | `OUT/_dedup/buckets/table-TT.bin` (candidate pairs), `_parts/table-TT.json` | table |
//! | `clusters` | `OUT/_dedup/clusters/part-NNNNN.bin` (that part's decisions), `_parts/clusters.json` | one task |
//! | `apply` | `OUT/part-NNNNN.parquet`, `OUT/rejected/`, `OUT/_parts/`, `OUT/_manifest.json` | input part |
//!
//! Table 0 holds exact keys of the normalised text, tables `1..=bands` the LSH band keys and, with
//! `url = true`, table `bands + 1` a hash of the URL (an exact duplicate too).

pub mod apply;
pub mod boilerplate;
pub mod buckets;
pub mod clusters;
mod fingerprints;
pub mod records;
pub mod reduce;
pub mod signatures;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{DedupParams, PairKind, Verify, DEFAULT_SEED};
use serde::{Deserialize, Serialize};

use crate::runner::{run_reduce, RunOptions, ShardSpec};

pub const STAGE: &str = "dedup";

/// `[dedup]` in pipeline.toml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Words per shingle.
    pub ngram: usize,
    /// LSH bands.
    pub bands: usize,
    /// Rows (permutations) per band.
    pub rows: usize,
    /// Jaccard similarity of word n-gram sets a removed document must have with the document kept
    /// for it; the banding is tuned for it (`docs/dedup.md`, S-curve).
    pub threshold: f32,
    /// How candidate pairs are checked: `exact` (Jaccard of the shingle sets), `signature`
    /// (MinHash estimate) or `none` (every LSH candidate joins; clusters chain).
    pub verify: Verify,
    /// Permutation seed; default "minga-mh" in ASCII.
    pub seed: u64,
    /// Remove documents whose normalised text equals another's.
    pub exact: bool,
    /// Remove MinHash-LSH near-duplicates.
    pub near: bool,
    /// Also remove documents whose URL equals another's (reason `dedup.exact`).
    pub url: bool,
    /// Remove lines repeated across documents of one site (URL host, else source) within a part:
    /// menus and legal footers that extraction missed (`boilerplate.rs`).
    pub boilerplate_lines: bool,
    /// A line is boilerplate when at least this many documents of its site in the part hold it.
    pub boilerplate_min_docs: u32,
    /// Shorter lines (headings, table cells, code) are never counted as boilerplate.
    pub boilerplate_min_words: usize,
    /// Languages (ISO 639-3) whose near-duplicates are kept; exact dedup still applies to them.
    pub keep_near_duplicates_for: Vec<String>,
    /// The `quality` signal that picks a cluster's representative (higher is better) when the
    /// input has it; otherwise every document scores 0 and the earliest in input order is kept.
    pub quality_signal: Option<String>,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            ngram: 5,
            bands: 14,
            rows: 8,
            threshold: 0.8,
            verify: Verify::Exact,
            seed: DEFAULT_SEED,
            exact: true,
            near: true,
            url: false,
            boilerplate_lines: false,
            boilerplate_min_docs: 10,
            boilerplate_min_words: 3,
            keep_near_duplicates_for: Vec::new(),
            quality_signal: Some("stop_word_count".to_string()),
        }
    }
}

impl DedupConfig {
    pub fn params(&self) -> Result<DedupParams> {
        let p = DedupParams {
            ngram: self.ngram,
            bands: self.bands,
            rows: self.rows,
            threshold: self.threshold,
            seed: self.seed,
            verify: self.verify,
        };
        p.validate()?;
        if self.boilerplate_min_docs < 2 {
            bail!("[dedup] boilerplate_min_docs must be at least 2 (a line in one document is not repeated)");
        }
        Ok(p)
    }

    /// The tables this config fills, in order.
    pub fn tables(&self) -> Vec<Table> {
        let mut t = Vec::new();
        if self.exact {
            t.push(Table::Exact);
        }
        if self.near {
            t.extend((0..self.bands).map(Table::Band));
        }
        if self.url {
            t.push(Table::Url);
        }
        t
    }

    /// What every step's manifest records; its digest keys the steps' consistency checks.
    pub fn manifest_config(&self) -> serde_json::Value {
        serde_json::json!({ "config": self, "version": minga_manifests::VERSION })
    }

    pub fn digest(&self) -> String {
        crate::config::digest_of(&self.manifest_config())
    }
}

/// One table of bucket rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Exact,
    Band(usize),
    Url,
}

impl Table {
    /// File stem: `table-exact`, `table-b03`, `table-url`.
    pub fn name(self) -> String {
        match self {
            Table::Exact => "table-exact".to_string(),
            Table::Band(b) => format!("table-b{b:02}"),
            Table::Url => "table-url".to_string(),
        }
    }

    pub fn kind(self) -> PairKind {
        match self {
            Table::Band(_) => PairKind::MinHash,
            Table::Exact | Table::Url => PairKind::Exact,
        }
    }
}

/// Paths of the working files under `OUT/_dedup`.
pub struct Layout {
    pub root: PathBuf,
}

impl Layout {
    pub fn new(out: &Path) -> Self {
        Layout {
            root: out.join("_dedup"),
        }
    }
    pub fn signatures(&self) -> PathBuf {
        self.root.join("signatures")
    }
    pub fn signature_file(&self, part: usize, table: Table) -> PathBuf {
        self.signatures()
            .join(minga_manifests::part_name(part))
            .join(format!("{}.bin", table.name()))
    }
    pub fn buckets(&self) -> PathBuf {
        self.root.join("buckets")
    }
    pub fn pairs_file(&self, table: Table) -> PathBuf {
        self.buckets().join(format!("{}.bin", table.name()))
    }
    pub fn clusters(&self) -> PathBuf {
        self.root.join("clusters")
    }
    pub fn cluster_file(&self, part: usize) -> PathBuf {
        self.clusters()
            .join(format!("{}.bin", minga_manifests::part_name(part)))
    }
    /// Writes a step manifest, first removing the temps of one a killed run left (each step
    /// manifest has one writer).
    pub fn write_step_manifest(m: &minga_manifests::PartManifest, path: &Path) -> Result<()> {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            crate::runner::remove_stale_temps(dir, &name.to_string_lossy());
        }
        m.write(path)?;
        Ok(())
    }

    /// `<step dir>/_parts/<name>.json`.
    pub fn step_manifest(step_dir: &Path, name: &str) -> PathBuf {
        step_dir
            .join(minga_manifests::PARTS_DIR)
            .join(format!("{name}.json"))
    }
}

/// The 128-bit value of a 32-hex-digit document id (what ingest writes).
pub fn parse_id(id: &str) -> Result<u128> {
    if id.len() != 32 {
        bail!("document id {id:?} is not 32 hex digits");
    }
    u128::from_str_radix(id, 16).map_err(|_| anyhow::anyhow!("document id {id:?} is not hex"))
}

/// The id as written in the `id` and `dup_of` columns.
pub fn format_id(id: u128) -> String {
    format!("{id:032x}")
}

/// Removes a step's working dir before a fresh run of all its shards.
pub fn clear_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// The four steps in one process over every part.
pub fn run_all(cfg: &DedupConfig, input: &Path, out: &Path, resume: bool) -> Result<()> {
    let opts = RunOptions {
        resume,
        shards: ShardSpec::ALL,
    };
    signatures::run(cfg, input, out, &opts)?;
    run_all_after_signatures(cfg, input, out, resume)
}

/// Buckets, clusters and apply over every table and part, once all signatures are written.
pub fn run_all_after_signatures(
    cfg: &DedupConfig,
    input: &Path,
    out: &Path,
    resume: bool,
) -> Result<()> {
    let opts = RunOptions {
        resume,
        shards: ShardSpec::ALL,
    };
    let mut clusters = reduce::Clusters {
        cfg,
        input,
        out,
        resume,
    };
    if run_reduce(&mut clusters, resume)?.done() {
        apply::run(cfg, input, out, &opts)?.print(STAGE, out);
    }
    Ok(())
}

/// `[dedup]` of a pipeline config, checked.
pub fn from_table(table: Option<toml::Table>) -> Result<DedupConfig> {
    let c: DedupConfig = match table {
        Some(t) => t.try_into().context("invalid [dedup] section")?,
        None => DedupConfig::default(),
    };
    c.params()?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parses_and_rejects_unknown_keys() {
        let t: toml::Table =
            toml::from_str("bands = 9\nkeep_near_duplicates_for = [\"que\"]").unwrap();
        let c: DedupConfig = t.try_into().unwrap();
        assert_eq!(c.bands, 9);
        assert_eq!(c.rows, 8);
        assert_eq!(c.keep_near_duplicates_for, vec!["que".to_string()]);
        let bad: toml::Table = toml::from_str("band = 9").unwrap();
        assert!(bad.try_into::<DedupConfig>().is_err());
        let v: toml::Table = toml::from_str("verify = \"signature\"").unwrap();
        assert_eq!(
            v.try_into::<DedupConfig>().unwrap().verify,
            Verify::Signature
        );
        let bad: toml::Table = toml::from_str("verify = \"exakt\"").unwrap();
        assert!(bad.try_into::<DedupConfig>().is_err());
    }

    #[test]
    fn tables_follow_switches() {
        let mut c = DedupConfig::default();
        assert_eq!(c.tables().len(), 15);
        c.near = false;
        c.url = true;
        assert_eq!(c.tables(), vec![Table::Exact, Table::Url]);
    }

    #[test]
    fn ids_round_trip() {
        let id = "00ff00ff00ff00ff00ff00ff00ff00fa";
        assert_eq!(format_id(parse_id(id).unwrap()), id);
        assert!(parse_id("xyz").is_err());
    }
}
