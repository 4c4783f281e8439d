//! `minga dedup buckets`: per table (a job array of one task per table), merges the sorted rows
//! every part wrote for that table and streams them through a `BucketPairer`; memory is one row
//! per part. Needs every part's signatures.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{merge_sorted_runs, BucketPairer};
use minga_manifests::{part_name, PartManifest};

use super::records::{RecordReader, RecordWriter, Rows, PAIR_MAGIC, ROW_BYTES, ROW_MAGIC};
use super::signatures::{file_entry, step_manifest};
use super::{clear_dir, DedupConfig, Layout, Table};
use crate::runner::{count, input_parts, now_utc, Counters, RunOptions};

/// Runs the buckets step for the selected tables (`table index % shard-count == shard-index`);
/// returns how many tables it ran.
pub fn run(cfg: &DedupConfig, input: &Path, out: &Path, opts: &RunOptions) -> Result<usize> {
    let parts: Vec<usize> = input_parts(input)?.into_iter().map(|(p, _)| p).collect();
    let layout = Layout::new(out);
    let digest = cfg.digest();
    require_signatures(&layout, &parts, &digest)?;
    if !opts.resume && opts.shards.count == 1 {
        clear_dir(&layout.buckets())?;
    }
    let mut ran = 0;
    for (i, table) in cfg.tables().into_iter().enumerate() {
        if !opts.shards.selects(i) {
            continue;
        }
        let manifest = Layout::step_manifest(&layout.buckets(), &table.name());
        let current = super::reduce::step_is_current(
            &manifest,
            &digest,
            &layout.signatures(),
            &layout.buckets(),
        );
        if opts.resume && current {
            continue;
        }
        let m = run_table(table, &parts, &layout, &digest)
            .with_context(|| format!("dedup buckets: {}", table.name()))?;
        Layout::write_step_manifest(&m, &manifest)?;
        ran += 1;
    }
    Ok(ran)
}

/// Fails unless every input part has finished its signatures with this config.
fn require_signatures(layout: &Layout, parts: &[usize], digest: &str) -> Result<()> {
    for &p in parts {
        let path = Layout::step_manifest(&layout.signatures(), &part_name(p));
        match PartManifest::read(&path) {
            Ok(m) if m.config_digest == digest => {}
            Ok(_) => bail!(
                "{}: made with another [dedup] config; rerun `minga dedup signatures`",
                path.display()
            ),
            Err(_) => bail!(
                "{} is missing: run `minga dedup signatures` for every part first",
                path.display()
            ),
        }
    }
    Ok(())
}

fn run_table(table: Table, parts: &[usize], layout: &Layout, digest: &str) -> Result<PartManifest> {
    let started = now_utc();
    let clock = Instant::now();
    let mut runs = Vec::with_capacity(parts.len());
    let mut inputs = Vec::with_capacity(parts.len());
    for &p in parts {
        let file = layout.signature_file(p, table);
        runs.push(Rows(RecordReader::open(&file, ROW_MAGIC, ROW_BYTES)?));
        let rows = std::fs::metadata(&file)
            .map(|m| (m.len().saturating_sub(8)) / ROW_BYTES as u64)
            .unwrap_or(0);
        inputs.push(file_entry(&file, rows, &layout.signatures())?);
    }
    let mut pairer = BucketPairer::new(table.kind());
    let out = layout.pairs_file(table);
    let mut w = RecordWriter::create(&out, PAIR_MAGIC)?;
    let mut rows_in = 0u64;
    for entry in merge_sorted_runs(runs) {
        rows_in += 1;
        if let Some(pair) = pairer.push(entry?)? {
            w.pair(&pair)?;
        }
    }
    let pairs = w.records;
    let written = w.finish()?;
    let mut counters = Counters::new();
    count(&mut counters, "pairs", pairs);
    let outputs = vec![file_entry(&written, pairs, &layout.buckets())?];
    Ok(step_manifest(
        "dedup.buckets",
        table.name(),
        digest,
        inputs,
        outputs,
        rows_in,
        counters,
        started,
        clock,
    ))
}
