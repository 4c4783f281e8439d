//! `minga dedup clusters`: the one reduce task. Reads the pairs of every table, runs union-find
//! (`ClusterBuilder`; memory grows with pairs, not documents) and writes each input part's slice
//! of the decisions for the apply step.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{ClusterBuilder, DocInfo};
use minga_manifests::PartManifest;

use super::records::{write_cluster_part, RecordReader, PAIR_BYTES, PAIR_MAGIC};
use super::signatures::{file_entry, step_manifest};
use super::{clear_dir, input_parts, DedupConfig, Layout};
use crate::runner::{count, now_utc, Counters};

/// Name of the clusters step's manifest in `_dedup/clusters/_parts/`.
pub const MANIFEST: &str = "clusters";

/// Runs the clusters step; returns its manifest.
pub fn run(cfg: &DedupConfig, input: &Path, out: &Path) -> Result<PartManifest> {
    let started = now_utc();
    let clock = Instant::now();
    let parts: Vec<usize> = input_parts(input)?.into_iter().map(|(p, _)| p).collect();
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
    let table = builder.finish();
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
