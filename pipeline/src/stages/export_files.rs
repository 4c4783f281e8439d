//! The files of the export stage beside its datasets: the per-document token index, per-part
//! statistics, `export.json`, and clearing an earlier export (layout in docs/export.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_manifests::{blake3_file, part_name, FileEntry, MANIFEST_FILE, PARTS_DIR};
use minga_tokenizer::{ExportStats, ShardStats};
use polars::prelude::*;

use crate::stages::export::{ExportJob, EXPORT_JSON, INDEX_DIR, STATS_DIR};

pub(crate) fn file_entry(out: &Path, rel: &str, rows: u64) -> Result<FileEntry> {
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

/// Rows of a part's token index, dataset by dataset.
#[derive(Default)]
pub(crate) struct IndexRows {
    ids: Vec<String>,
    prefixes: Vec<String>,
    sequences: Vec<u64>,
    offsets: Vec<u64>,
    lengths: Vec<u32>,
}

impl IndexRows {
    pub(crate) fn add(&mut self, prefix: &str, ids: Vec<String>, lengths: &[u32]) {
        let mut at = 0u64;
        for (i, &l) in lengths.iter().enumerate() {
            self.prefixes.push(prefix.to_string());
            self.sequences.push(i as u64);
            self.offsets.push(at);
            at += u64::from(l);
        }
        self.ids.extend(ids);
        self.lengths.extend_from_slice(lengths);
    }
}

/// `index/part-NNNNN.parquet`: one row per exported document, in `.bin` order (dataset by dataset
/// in a grouped export, whose index also names each row's dataset in `prefix`).
pub(crate) fn write_index(
    out: &Path,
    name: &str,
    rows: &IndexRows,
    grouped: bool,
) -> Result<FileEntry> {
    let rel = format!("{INDEX_DIR}/{name}.parquet");
    let path = out.join(&rel);
    let mut columns = vec![Column::new(
        "id".into(),
        rows.ids.iter().map(String::as_str).collect::<Vec<&str>>(),
    )];
    if grouped {
        let prefixes: Vec<&str> = rows.prefixes.iter().map(String::as_str).collect();
        columns.push(Column::new("prefix".into(), prefixes));
    }
    columns.extend([
        Column::new("sequence".into(), rows.sequences.clone()),
        Column::new("token_offset".into(), rows.offsets.clone()),
        Column::new("token_count".into(), rows.lengths.clone()),
    ]);
    let mut df =
        DataFrame::new(columns).with_context(|| format!("index frame for {}", path.display()))?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::empty())
        .finish(&mut df)
        .with_context(|| format!("cannot write {}", path.display()))?;
    minga_manifests::atomic_write(&path, &buf)?;
    file_entry(out, &rel, rows.ids.len() as u64)
}

/// `stats/part-NNNNN.json`: the part's one dataset (`group_by = "part"`), or a list of its
/// datasets.
pub(crate) fn write_stats(
    out: &Path,
    name: &str,
    stats: &[ShardStats],
    single: bool,
    documents: u64,
) -> Result<FileEntry> {
    let rel = format!("{STATS_DIR}/{name}.json");
    let mut bytes = match (single, stats) {
        (true, [one]) => serde_json::to_vec_pretty(one)?,
        _ => serde_json::to_vec_pretty(stats)?,
    };
    bytes.push(b'\n');
    minga_manifests::atomic_write(&out.join(&rel), &bytes)?;
    file_entry(out, &rel, documents)
}

/// The datasets a part's stats file lists.
fn read_stats(path: &Path) -> Result<Vec<ShardStats>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str::<Vec<ShardStats>>(&text)
        .or_else(|_| serde_json::from_str::<ShardStats>(&text).map(|s| vec![s]))
        .with_context(|| format!("invalid {}", path.display()))
}

/// Writes `export.json` from the per-part statistics of `parts` (sorted by part, so the file does
/// not depend on which task finished last).
pub fn write_export_json(job: &ExportJob, out: &Path, parts: &[usize]) -> Result<ExportStats> {
    let mut all = ExportStats::new(&job.tokenizer_json, &job.encoder);
    for &p in parts {
        let path = out.join(STATS_DIR).join(format!("{}.json", part_name(p)));
        for s in read_stats(&path)? {
            all.add(s);
        }
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
    clear_datasets(out, true)
}

/// Removes the datasets and stage files of `dir`, and the dataset directories under it that hold
/// nothing else.
fn clear_datasets(dir: &Path, top: bool) -> Result<()> {
    let rd = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for e in rd.flatten() {
        let p: PathBuf = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            clear_datasets(&p, false)?;
            // Not empty: something that is not ours, left alone.
            let _ = std::fs::remove_dir(&p);
            continue;
        }
        let stage_file = top
            && (name == MANIFEST_FILE
                || name == EXPORT_JSON
                || name == crate::stages::export_blend::BLEND_JSON
                || name == crate::stages::export_blend::DATA_ARGS);
        let ours = stage_file
            || ((name.starts_with("part-") || name.starts_with(".part-"))
                && (name.ends_with(".bin") || name.ends_with(".idx") || name.contains(".tmp")));
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
}
