//! The whole dedup in memory, twice: a direct reference, and the four steps composed over shards.
//!
//! [`dedup_in_memory`] states the result directly: documents joined when they share an exact key,
//! or a band key with the smallest-key document of that band bucket (kept only if the pair passes
//! verification); clusters are the connected components; representatives and reasons as in
//! `cluster.rs`. [`dedup_sharded`] runs signatures per shard, buckets per band (merging the shards'
//! sorted runs), clusters once and apply per shard, exactly as the stage does with files. The tests
//! prove both agree for any shard count.

use super::buckets::{
    merge_sorted_runs, sort_entries, BandEntry, BucketPairer, DocInfo, Pair, PairKind,
};
use super::cluster::{choose_representative, ClusterBuilder, Decision, DupReason};
use super::sketch::{DocSketch, Sketcher};
use super::verify::{Fingerprint, Fingerprinter, Verify};
use super::{DedupError, DedupParams};
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;

/// One input document.
#[derive(Debug, Clone, Copy)]
pub struct DocInput<'a> {
    pub doc: DocInfo,
    pub text: &'a str,
    /// Whether near-dup detection applies (the per-language switch); exact dedup always does.
    pub near_dup: bool,
}

fn sketch_all(docs: &[DocInput], params: DedupParams) -> Result<Vec<DocSketch>, DedupError> {
    let mut seen = BTreeSet::new();
    if let Some(d) = docs.iter().find(|d| !seen.insert(d.doc.key)) {
        return Err(DedupError::DuplicateKey { key: d.doc.key });
    }
    let mut sketcher = Sketcher::new(params)?;
    Ok(docs
        .iter()
        .map(|d| sketcher.sketch(d.doc, d.text, d.near_dup))
        .collect())
}

/// Dedup decisions for every document, sorted by key, computed directly in one process.
pub fn dedup_in_memory(
    docs: &[DocInput],
    params: DedupParams,
) -> Result<Vec<(u64, Decision)>, DedupError> {
    let sk = sketch_all(docs, params)?;
    // Buckets of every table: table 0 is exact, table b + 1 is band b.
    let mut buckets: BTreeMap<(usize, u128), Vec<usize>> = BTreeMap::new();
    for (i, s) in sk.iter().enumerate() {
        buckets.entry((0, s.exact)).or_default().push(i);
        for (b, &k) in s.band_keys.iter().enumerate() {
            buckets.entry((b + 1, u128::from(k))).or_default().push(i);
        }
    }
    let mut edges = Vec::new();
    for ((table, _), members) in &buckets {
        let Some(&anchor) = members.iter().min_by_key(|&&i| sk[i].doc.key) else {
            continue;
        };
        for &m in members.iter().filter(|&&m| m != anchor) {
            edges.push((m, anchor, *table == 0));
        }
    }
    if params.verify != Verify::None {
        return verified_in_memory(docs, &sk, &edges, params);
    }
    // Connected components by label propagation (deliberately not union-find).
    let mut label: Vec<usize> = (0..sk.len()).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &(a, b, _) in &edges {
            let l = label[a].min(label[b]);
            if label[a] != l || label[b] != l {
                label[a] = l;
                label[b] = l;
                changed = true;
            }
        }
    }
    let mut members: BTreeMap<usize, Vec<DocInfo>> = BTreeMap::new();
    for (i, s) in sk.iter().enumerate() {
        members.entry(label[i]).or_default().push(s.doc);
    }
    let exact_of: BTreeMap<u64, u128> = sk.iter().map(|s| (s.doc.key, s.exact)).collect();
    let mut out = Vec::with_capacity(sk.len());
    for (i, s) in sk.iter().enumerate() {
        let cluster = &members[&label[i]];
        let Some(rep) = choose_representative(cluster) else {
            continue;
        };
        let decision = if rep.key == s.doc.key {
            Decision::Keep {
                cluster_size: cluster.len() as u32,
            }
        } else {
            let reason = if exact_of.get(&rep.key) == Some(&s.exact) {
                DupReason::Exact
            } else {
                DupReason::MinHash
            };
            Decision::Drop {
                reason,
                kept: rep,
                similarity: None,
            }
        };
        out.push((s.doc.key, decision));
    }
    out.sort_by_key(|d| d.0);
    Ok(out)
}

/// The verified path of [`dedup_in_memory`]: the same candidate edges, every document
/// fingerprinted up front.
fn verified_in_memory(
    docs: &[DocInput],
    sk: &[DocSketch],
    edges: &[(usize, usize, bool)],
    params: DedupParams,
) -> Result<Vec<(u64, Decision)>, DedupError> {
    let mut builder = ClusterBuilder::new();
    for &(m, a, exact) in edges {
        let kind = if exact {
            PairKind::Exact
        } else {
            PairKind::MinHash
        };
        builder.add(Pair {
            member: sk[m].doc,
            anchor: sk[a].doc,
            kind,
        });
    }
    let mut fp = Fingerprinter::new(params, params.verify)?;
    let all: BTreeMap<u64, Fingerprint> = docs
        .iter()
        .filter_map(|d| Some((d.doc.key, fp.fingerprint(d.text)?)))
        .collect();
    let table = builder.finish_verified(params.threshold, |k| all.get(&k))?;
    Ok(docs
        .iter()
        .map(|d| (d.doc.key, table.decision(d.doc.key)))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect())
}

/// The four steps over `shards` shards (document in shard `part % shards`, as
/// `--shard-index/--shard-count` pick parts), with everything that would be files kept in memory.
/// Decisions sorted by key.
pub fn dedup_sharded(
    docs: &[DocInput],
    params: DedupParams,
    shards: usize,
) -> Result<Vec<(u64, Decision)>, DedupError> {
    let shards = shards.max(1);
    let tables = params.bands + 1;
    let mut by_shard: Vec<Vec<DocInput>> = vec![Vec::new(); shards];
    for d in docs {
        by_shard[DocInfo::part_of(d.doc.key) as usize % shards].push(*d);
    }
    // 1. signatures, per shard: sorted rows of every table.
    let mut runs: Vec<Vec<Vec<BandEntry>>> = vec![Vec::new(); tables];
    for shard in &by_shard {
        let sk = sketch_all(shard, params)?;
        for (t, run) in runs.iter_mut().enumerate() {
            let mut rows: Vec<BandEntry> = if t == 0 {
                sk.iter().map(|s| s.exact_entry()).collect()
            } else {
                sk.iter().filter_map(|s| s.band_entry(t - 1)).collect()
            };
            sort_entries(&mut rows);
            run.push(rows);
        }
    }
    // 2. buckets, per table: merge the shards' runs and pair.
    let mut pairs: Vec<Vec<Pair>> = Vec::new();
    for (t, shard_runs) in runs.into_iter().enumerate() {
        let kind = if t == 0 {
            PairKind::Exact
        } else {
            PairKind::MinHash
        };
        let mut pairer = BucketPairer::new(kind);
        let iters = shard_runs
            .into_iter()
            .map(|r| r.into_iter().map(Ok::<_, Infallible>))
            .collect();
        let mut out = Vec::new();
        for entry in merge_sorted_runs(iters).flatten() {
            out.extend(pairer.push(entry)?);
        }
        pairs.push(out);
    }
    // 3. clusters: all tables' pairs (last table first: order must not matter), then verification.
    let mut builder = ClusterBuilder::new();
    for table in pairs.into_iter().rev() {
        table.into_iter().for_each(|p| builder.add(p));
    }
    let table = if params.verify == Verify::None {
        builder.finish()
    } else {
        // Only the fingerprints the builder asks for, computed from the shards' text as the
        // stage reads it back.
        let wanted = builder.fingerprint_keys();
        let mut fp = Fingerprinter::new(params, params.verify)?;
        let kept: BTreeMap<u64, Fingerprint> = by_shard
            .iter()
            .flatten()
            .filter(|d| wanted.binary_search(&d.doc.key).is_ok())
            .filter_map(|d| Some((d.doc.key, fp.fingerprint(d.text)?)))
            .collect();
        builder.finish_verified(params.threshold, |k| kept.get(&k))?
    };
    // 4. apply, per shard.
    let mut out: Vec<(u64, Decision)> = by_shard
        .iter()
        .flatten()
        .map(|d| (d.doc.key, table.decision(d.doc.key)))
        .collect();
    out.sort_by_key(|d| d.0);
    Ok(out)
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
