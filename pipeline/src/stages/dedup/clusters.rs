//! `minga dedup clusters`: the one reduce task. Reads the pairs of every table, verifies them
//! against the text of the documents they join (read back from the input shards, `text` column
//! only, for documents in a MinHash pair, and spilled to disk as fingerprints that are read back
//! a batch of components at a time) and clusters them (`ClusterBuilder`; memory grows with the
//! pairs, not with the corpus or the documents compared), then writes each input part's slice of
//! the decisions for the apply step.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use minga_filters::dedup::{ClusterBuilder, DocInfo, Verify};
use minga_manifests::PartManifest;

use super::fingerprints::{Spilled, BATCH_DOCS};
use super::records::{write_cluster_part, RecordReader, PAIR_BYTES, PAIR_MAGIC};
use super::signatures::{file_entry, step_manifest};
use super::{clear_dir, DedupConfig, Layout};
use crate::runner::{count, input_parts, now_utc, Counters};

/// Name of the clusters step's manifest in `_dedup/clusters/_parts/`.
pub const MANIFEST: &str = "clusters";

/// Runs the clusters step; returns its manifest.
pub fn run(cfg: &DedupConfig, input: &Path, out: &Path) -> Result<PartManifest> {
    let started = now_utc();
    let clock = Instant::now();
    let part_paths = input_parts(input)?;
    let parts: Vec<usize> = part_paths.iter().map(|(p, _)| *p).collect();
    let layout = Layout::new(out);
    let digest = cfg.digest();
    let mut builder = ClusterBuilder::new();
    let mut inputs = Vec::new();
    let mut counters = Counters::new();
    for table in cfg.tables() {
        let manifest = Layout::step_manifest(&layout.buckets(), &table.name());
        match PartManifest::read(&manifest) {
            Ok(m) if m.config_digest == digest => {}
            _ => bail!(
                "{} is missing or made with another [dedup] config: run `minga dedup buckets` for every table first",
                manifest.display()
            ),
        }
        let file = layout.pairs_file(table);
        let mut r = RecordReader::open(&file, PAIR_MAGIC, PAIR_BYTES)?;
        let mut n = 0u64;
        while let Some(pair) = r.next_pair(table.kind())? {
            builder.add(pair);
            n += 1;
        }
        count(&mut counters, &format!("pairs.{}", table.name()), n);
        inputs.push(file_entry(&file, n, &layout.buckets())?);
    }
    let pairs_in: u64 = inputs.iter().map(|i| i.rows).sum();
    let params = cfg.params()?;
    let table = if params.verify == Verify::None {
        builder.finish()
    } else {
        let wanted = builder.fingerprint_keys();
        let spilled = Spilled::write(params, &part_paths, &wanted, &layout.root)?;
        count(&mut counters, "verified_documents", spilled.len() as u64);
        count(&mut counters, "fingerprint_bytes", spilled.heap_bytes);
        builder
            .finish_verified_in_batches(params.threshold, BATCH_DOCS, |keys| spilled.load(keys))?
    };
    count(&mut counters, "removed", table.removals().len() as u64);
    count(
        &mut counters,
        "clusters",
        table.representatives().len() as u64,
    );
    clear_dir(&layout.clusters())?;
    let (removed, kept) = (table.removals(), table.representatives());
    let mut outputs = Vec::with_capacity(parts.len());
    for &p in &parts {
        let lo = DocInfo::part_row_key(p as u32, 0);
        let hi = lo + (1u64 << 32);
        let r0 = removed.partition_point(|r| r.member.key < lo);
        let r1 = removed.partition_point(|r| r.member.key < hi);
        let k0 = kept.partition_point(|k| k.0 < lo);
        let k1 = kept.partition_point(|k| k.0 < hi);
        let file = write_cluster_part(&layout.cluster_file(p), &removed[r0..r1], &kept[k0..k1])
            .with_context(|| format!("dedup clusters: part {p}"))?;
        outputs.push(file_entry(&file, (r1 - r0) as u64, &layout.clusters())?);
    }
    let m = step_manifest(
        "dedup.clusters",
        MANIFEST.to_string(),
        &digest,
        inputs,
        outputs,
        pairs_in,
        counters,
        started,
        clock,
    );
    Layout::write_step_manifest(&m, &Layout::step_manifest(&layout.clusters(), MANIFEST))?;
    Ok(m)
}
