//! Export: document shards -> Megatron-LM `.bin`/`.idx` pairs (part k in, `part-NNNNN.bin/.idx`
//! out), a per-document token index for the audit, per-part statistics and `export.json`.
//!
//! Layout of `workdir/export/` (docs/export.md):
//! `part-NNNNN.{bin,idx}`, `index/part-NNNNN.parquet` (id, sequence, token_offset, token_count),
//! `stats/part-NNNNN.json` (tokens per language and source), `_parts/part-NNNNN.json` (written
//! last), and `_manifest.json` + `export.json` once every part is done.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use minga_manifests::{
    blake3_file, part_name, FileEntry, PartManifest, ShardReader, MANIFEST_FILE, PARTS_DIR,
};
use minga_tokenizer::{Encoder, ExportConfig, ExportStats, ShardExport, ShardStats};
use polars::prelude::*;

use crate::runner::{count, now_utc, PartPaths};

pub const STAGE: &str = "export";
pub const INDEX_DIR: &str = "index";
pub const STATS_DIR: &str = "stats";
pub const EXPORT_JSON: &str = "export.json";
/// Counters of documents left out by the licence and consent selections (not ledgered: they
/// stay in the stage shards, fit for another export).
pub const NOT_EXPORTED_LICENCE: &str = "not_exported.licence";
pub const NOT_EXPORTED_CONSENT: &str = "not_exported.consent";
pub const NOT_EXPORTED_USE: &str = "not_exported.use";

/// A loaded tokenizer and the export settings: what every part needs.
pub struct ExportJob {
    pub config: ExportConfig,
    pub encoder: Encoder,
    pub tokenizer_json: String,
}

impl ExportJob {
    pub fn load(config: ExportConfig) -> Result<Self> {
        let (encoder, tokenizer_json) = config.encoder()?;
        Ok(ExportJob {
            config,
            encoder,
            tokenizer_json,
        })
    }

    /// The effective config recorded in manifests: the tokenizer by content, not by path, so a
    /// moved workdir still resumes and a retrained tokenizer does not.
    pub fn manifest_config(&self) -> serde_json::Value {
        let mut c = serde_json::json!({
            "tokenizer_blake3": blake3::hash(self.tokenizer_json.as_bytes()).to_hex().to_string(),
            "special_tokens_as_text": self.config.special_tokens_as_text,
            "licences": self.config.licences,
        });
        // Only when set, so exports made before the key existed still resume.
        if !self.config.require_consent.is_empty() {
            c["require_consent"] = self.config.require_consent.clone().into();
        }
        c
    }

    /// Why `d` is left out of the export (the counter it goes to), if it is.
    fn left_out(&self, d: &minga_manifests::Document) -> Option<&'static str> {
        let listed = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        if !listed(&self.config.licences, d.licence.as_deref()) {
            return Some(NOT_EXPORTED_LICENCE);
        }
        if !listed(&self.config.require_consent, d.consent.as_deref()) {
            return Some(NOT_EXPORTED_CONSENT);
        }
        (!allows_pretraining(&d.meta)).then_some(NOT_EXPORTED_USE)
    }
}

/// False when the document's `meta.allowed_uses` (its source's conditions) lacks `pretraining`;
/// true when the source set no conditions.
fn allows_pretraining(meta: &str) -> bool {
    if !meta.contains("\"allowed_uses\"") {
        return true;
    }
    let v: serde_json::Value = serde_json::from_str(meta).unwrap_or_default();
    match v.get("allowed_uses").and_then(|u| u.as_array()) {
        Some(uses) => uses.iter().any(|u| u.as_str() == Some("pretraining")),
        None => true,
    }
}

/// Exports one input part; writes its part manifest last and returns it.
pub fn export_part(
    job: &ExportJob,
    input: &Path,
    entry: FileEntry,
    part: usize,
    out: &Path,
    config_digest: &str,
    in_digest: &str,
) -> Result<PartManifest> {
    let clock = Instant::now();
    let started = now_utc();
    let name = part_name(part);
    let paths = PartPaths::for_writing(out, part);
    for sub in [INDEX_DIR, STATS_DIR] {
        crate::runner::remove_stale_temps(&out.join(sub), &name);
    }
    let prefix = out.join(&name);
    let mut shard = ShardExport::create(&prefix, &job.encoder)?.batch_bytes(job.config.batch_bytes);
    let mut counters = BTreeMap::new();
    let mut ids = Vec::new();
    let mut rows_in = 0u64;
    let mut reader = ShardReader::open(input)?;
    while let Some((docs, _)) = reader.next_batch()? {
        for d in docs {
            rows_in += 1;
            if let Some(why) = job.left_out(&d) {
                count(&mut counters, why, 1);
                continue;
            }
            shard.push(d.lang.as_deref().unwrap_or("und"), &d.source, &d.text)?;
            ids.push(d.id);
        }
    }
    let mut stats = shard.finish()?;
    stats.prefix = name.clone();
    let lengths = read_idx_lengths(&prefix.with_extension("idx"))?;
    if lengths.len() != ids.len() {
        bail!(
            "{}: {} sequences for {} documents",
            prefix.display(),
            lengths.len(),
            ids.len()
        );
    }
    let index = write_index(out, &name, &ids, &lengths)?;
    let stats_entry = write_stats(out, &name, &stats)?;
    count(&mut counters, "tokens", stats.tokens);
    let mut outputs = Vec::new();
    for ext in ["bin", "idx"] {
        let rel = format!("{name}.{ext}");
        outputs.push(file_entry(out, &rel, stats.documents)?);
    }
    outputs.push(index);
    outputs.push(stats_entry);
    let m = PartManifest {
        stage: STAGE.into(),
        part: name,
        version: minga_manifests::VERSION.into(),
        config_digest: config_digest.into(),
        input_digest: in_digest.into(),
        inputs: vec![entry],
        outputs,
        rows_in,
        rows_out: stats.documents,
        rows_rejected: 0,
        reasons: BTreeMap::new(),
        counters,
        started,
        finished: now_utc(),
        seconds: clock.elapsed().as_secs_f64(),
    };
    let left_out: u64 = [NOT_EXPORTED_LICENCE, NOT_EXPORTED_CONSENT, NOT_EXPORTED_USE]
        .iter()
        .map(|k| m.counters.get(*k).copied().unwrap_or(0))
        .sum();
    if m.rows_in != m.rows_out + left_out {
        bail!(
            "{}: {} documents in but {} exported + {} left out",
            m.part,
            m.rows_in,
            m.rows_out,
            left_out
        );
    }
    m.write(&paths.manifest)?;
    Ok(m)
}

fn file_entry(out: &Path, rel: &str, rows: u64) -> Result<FileEntry> {
    let (blake3, bytes) = blake3_file(&out.join(rel))?;
    Ok(FileEntry {
        path: rel.to_string(),
        bytes,
        rows,
        blake3,
    })
}

/// Tokens per sequence (EOD included) from an `.idx` file (the layout in docs/export.md).
pub fn read_idx_lengths(path: &Path) -> Result<Vec<u32>> {
    let b = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bad = || anyhow::anyhow!("{}: not a Megatron .idx file", path.display());
    if b.len() < 34 || &b[..9] != minga_tokenizer::IDX_MAGIC {
        return Err(bad());
    }
    let u64_at =
        |o: usize| -> Option<u64> { Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?)) };
    let n = usize::try_from(u64_at(18).ok_or_else(bad)?).map_err(|_| bad())?;
    let start = 34usize;
    let end = n
        .checked_mul(4)
        .and_then(|x| x.checked_add(start))
        .ok_or_else(bad)?;
    let lens = b.get(start..end).ok_or_else(bad)?;
    Ok(lens
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// `index/part-NNNNN.parquet`: one row per exported document, in `.bin` order.
fn write_index(out: &Path, name: &str, ids: &[String], lengths: &[u32]) -> Result<FileEntry> {
    let mut offsets = Vec::with_capacity(lengths.len());
    let mut at = 0u64;
    for &l in lengths {
        offsets.push(at);
        at += u64::from(l);
    }
    let rel = format!("{INDEX_DIR}/{name}.parquet");
    let path = out.join(&rel);
    let mut df = DataFrame::new(vec![
        Column::new(
            "id".into(),
            ids.iter().map(String::as_str).collect::<Vec<&str>>(),
        ),
        Column::new(
            "sequence".into(),
            (0..ids.len() as u64).collect::<Vec<u64>>(),
        ),
        Column::new("token_offset".into(), offsets),
        Column::new("token_count".into(), lengths.to_vec()),
    ])
    .with_context(|| format!("index frame for {}", path.display()))?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::empty())
        .finish(&mut df)
        .with_context(|| format!("cannot write {}", path.display()))?;
    minga_manifests::atomic_write(&path, &buf)?;
    file_entry(out, &rel, ids.len() as u64)
}

fn write_stats(out: &Path, name: &str, stats: &ShardStats) -> Result<FileEntry> {
    let rel = format!("{STATS_DIR}/{name}.json");
    let mut bytes = serde_json::to_vec_pretty(stats)?;
    bytes.push(b'\n');
    minga_manifests::atomic_write(&out.join(&rel), &bytes)?;
    file_entry(out, &rel, stats.documents)
}

/// Writes `export.json` from the per-part statistics of `parts` (sorted by part, so the file does
/// not depend on which task finished last).
pub fn write_export_json(job: &ExportJob, out: &Path, parts: &[usize]) -> Result<ExportStats> {
    let mut all = ExportStats::new(&job.tokenizer_json, &job.encoder);
    for &p in parts {
        let path = out.join(STATS_DIR).join(format!("{}.json", part_name(p)));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let s: ShardStats =
            serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))?;
        all.add(s);
    }
    all.write_json(&out.join(EXPORT_JSON))?;
    Ok(all)
}

/// Removes an earlier export before a fresh run of all parts.
pub fn clear_export(out: &Path) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    for sub in [INDEX_DIR, STATS_DIR, PARTS_DIR] {
        let d = out.join(sub);
        if d.exists() {
            std::fs::remove_dir_all(&d)
                .with_context(|| format!("cannot remove {}", d.display()))?;
        }
    }
    let rd = std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))?;
    for e in rd.flatten() {
        let p: PathBuf = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name == MANIFEST_FILE
            || name == EXPORT_JSON
            || (name.starts_with("part-")
                && (name.ends_with(".bin") || name.ends_with(".idx") || name.ends_with(".tmp")));
        if ours {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idx_lengths_are_read_back_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut idx = minga_tokenizer::IDX_MAGIC.to_vec();
        idx.extend(1u64.to_le_bytes());
        idx.push(minga_tokenizer::DTYPE_U16);
        idx.extend(2u64.to_le_bytes());
        idx.extend(3u64.to_le_bytes());
        idx.extend(5i32.to_le_bytes());
        idx.extend(1i32.to_le_bytes());
        let p = dir.path().join("a.idx");
        std::fs::write(&p, &idx).unwrap();
        assert_eq!(read_idx_lengths(&p).unwrap(), vec![5, 1]);
        std::fs::write(&p, &idx[..idx.len() - 2]).unwrap();
        assert!(read_idx_lengths(&p).is_err());
        std::fs::write(&p, b"not an index at all, not at all").unwrap();
        assert!(read_idx_lengths(&p).is_err());
    }

    #[test]
    fn licence_consent_and_use_selections() {
        let json = minga_tokenizer::empty_tokenizer(Default::default())
            .to_string(false)
            .unwrap();
        let mut job = ExportJob {
            config: ExportConfig::default(),
            encoder: Encoder::from_json(&json).unwrap(),
            tokenizer_json: json,
        };
        let doc =
            |licence: Option<&str>, consent: Option<&str>, meta: &str| minga_manifests::Document {
                licence: licence.map(String::from),
                consent: consent.map(String::from),
                meta: meta.into(),
                ..Default::default()
            };
        assert_eq!(job.left_out(&doc(None, None, "{}")), None);
        job.config.licences = vec!["CC0-1.0".into()];
        assert_eq!(job.left_out(&doc(Some("CC0-1.0"), None, "{}")), None);
        let by = |l| job.left_out(&doc(l, None, "{}"));
        assert_eq!(by(Some("CC-BY-4.0")), Some(NOT_EXPORTED_LICENCE));
        assert_eq!(by(None), Some(NOT_EXPORTED_LICENCE));
        job.config.licences.clear();
        job.config.require_consent = vec!["community".into()];
        assert_eq!(job.left_out(&doc(None, Some("community"), "{}")), None);
        let web = doc(None, Some("public web"), "{}");
        assert_eq!(job.left_out(&web), Some(NOT_EXPORTED_CONSENT));
        job.config.require_consent.clear();
        let eval_only = r#"{"allowed_uses":["evaluation","research"]}"#;
        assert_eq!(
            job.left_out(&doc(None, None, eval_only)),
            Some(NOT_EXPORTED_USE)
        );
        let with_pretraining = r#"{"allowed_uses":["pretraining"],"attribution":"x"}"#;
        assert_eq!(job.left_out(&doc(None, None, with_pretraining)), None);
    }
}
