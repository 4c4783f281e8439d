//! Verification one component at a time: heads joined by candidate pairs form components that
//! verification and the greedy walk never look across, so the fingerprints of a batch of
//! components are all that needs to be in memory ([`ClusterBuilder::finish_verified_in_batches`]).

use std::collections::BTreeMap;

use super::buckets::{DocInfo, PairKind};
use super::cluster::{better, ClusterBuilder, ClusterTable, UnionFind};
use super::verify::{exact_heads, table_from_fates, Fate, Fingerprint, MAX_COMPARED};
use super::DedupError;

impl ClusterBuilder {
    /// [`ClusterBuilder::finish_verified`] with the fingerprints loaded a batch of components at a
    /// time (`load(keys)` answers for the sorted `keys`; a batch holds about `batch_docs`
    /// documents, more when one component is larger): memory follows the batch, not the corpus.
    /// Components are independent, so the result is the same for any batch size.
    pub fn finish_verified_in_batches<E: From<DedupError>>(
        mut self,
        threshold: f32,
        batch_docs: usize,
        mut load: impl FnMut(&[u64]) -> Result<BTreeMap<u64, Fingerprint>, E>,
    ) -> Result<ClusterTable, E> {
        let (docs, edges) = self.indexed();
        let heads = exact_heads(docs, &edges);
        let components = candidate_components(docs.len(), &heads, &edges);
        let mut fates = vec![None; docs.len()];
        let mut batch: Vec<&Component> = Vec::new();
        let mut in_batch = 0;
        for (i, c) in components.iter().enumerate() {
            batch.push(c);
            in_batch += c.members.len();
            if in_batch < batch_docs && i + 1 < components.len() {
                continue;
            }
            let mut keys: Vec<u64> = batch
                .iter()
                .flat_map(|c| c.members.iter().map(|&m| docs[m].key))
                .collect();
            keys.sort_unstable();
            let loaded = load(&keys)?;
            verify_components(docs, &batch, threshold, &|k| loaded.get(&k), &mut fates)?;
            (batch, in_batch) = (Vec::new(), 0);
        }
        Ok(table_from_fates(docs, &heads, &fates))
    }
}

/// Heads joined by candidate (MinHash) pairs, with those pairs: verification and the greedy walk
/// never look across two of them.
#[derive(Default)]
pub(super) struct Component {
    /// Sorted head indices.
    pub(super) members: Vec<usize>,
    /// Distinct head pairs `(a, b)`, `a < b`, sorted.
    pairs: Vec<(usize, usize)>,
}

pub(super) fn candidate_components(
    n: usize,
    heads: &[usize],
    edges: &[(usize, usize, PairKind)],
) -> Vec<Component> {
    let pairs: std::collections::BTreeSet<(usize, usize)> = edges
        .iter()
        .filter(|e| e.2 == PairKind::MinHash)
        .map(|&(a, b, _)| (heads[a], heads[b]))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let mut uf = UnionFind::new(n);
    for &(a, b) in &pairs {
        uf.union(a, b);
    }
    let mut by_root: BTreeMap<usize, Component> = BTreeMap::new();
    for (a, b) in pairs {
        let c = by_root.entry(uf.find(a)).or_default();
        c.pairs.push((a, b));
        c.members.extend([a, b]);
    }
    let mut out: Vec<Component> = by_root.into_values().collect();
    for c in &mut out {
        c.members.sort_unstable();
        c.members.dedup();
    }
    out
}

/// Verifies the pairs of each component and walks it (see the module docs), setting the fates
/// of its heads.
pub(super) fn verify_components<'f>(
    docs: &[DocInfo],
    components: &[&Component],
    threshold: f32,
    fingerprint: &impl Fn(u64) -> Option<&'f Fingerprint>,
    fates: &mut [Option<Fate>],
) -> Result<(), DedupError> {
    let fp = |i: usize| {
        fingerprint(docs[i].key).ok_or(DedupError::MissingSignature { key: docs[i].key })
    };
    for c in components {
        let mut verified: BTreeMap<(usize, usize), f32> = BTreeMap::new();
        for &(a, b) in &c.pairs {
            let s = fp(a)?.similarity(fp(b)?);
            if s >= threshold {
                verified.insert((a, b), s);
            }
        }
        greedy_fates(docs, &c.members, &verified, threshold, &fp, fates)?;
    }
    Ok(())
}

/// Walks each component of verified head pairs among `members` best first (see the module
/// docs).
fn greedy_fates<'f>(
    docs: &[DocInfo],
    members: &[usize],
    verified: &BTreeMap<(usize, usize), f32>,
    threshold: f32,
    fp: &impl Fn(usize) -> Result<&'f Fingerprint, DedupError>,
    fates: &mut [Option<Fate>],
) -> Result<(), DedupError> {
    let local = |g: usize| members.binary_search(&g).unwrap_or(0);
    let mut uf = UnionFind::new(members.len());
    let mut neighbours: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(a, b) in verified.keys() {
        uf.union(local(a), local(b));
        neighbours.entry(a).or_default().push(b);
        neighbours.entry(b).or_default().push(a);
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &m in members {
        components.entry(uf.find(local(m))).or_default().push(m);
    }
    for members in components.values_mut() {
        members.sort_by(|&a, &b| better(&docs[a], &docs[b]));
        let mut kept: Vec<usize> = Vec::new();
        for &m in members.iter() {
            let direct = neighbours.get(&m).map(Vec::as_slice).unwrap_or(&[]);
            let compared = kept
                .iter()
                .copied()
                .enumerate()
                .filter(|&(rank, k)| rank < MAX_COMPARED || direct.contains(&k));
            let mut best: Option<(usize, f32)> = None;
            for (_, k) in compared {
                let s = match verified.get(&(m.min(k), m.max(k))) {
                    Some(&s) => s,
                    None => fp(m)?.similarity(fp(k)?),
                };
                if s >= threshold && best.is_none_or(|(_, b)| s > b) {
                    best = Some((k, s));
                }
            }
            fates[m] = Some(match best {
                Some((k, s)) => Fate::Removed(k, s),
                None => {
                    kept.push(m);
                    Fate::Kept
                }
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Pair;

    /// Documents 1..=40 with shingle sets that overlap by key distance; pairs among neighbours
    /// within each run of five (some exact), so there are several components and chains to cut.
    fn case() -> (Vec<Pair>, BTreeMap<u64, Fingerprint>) {
        let d = |k: u64| DocInfo::new(k, 0x1000 + k as u128, 0.25 + (k % 7) as f32 / 10.0);
        let fps = (1..=40u64)
            .map(|k| {
                let lo = (k / 5) * 1000 + (k % 5) * 6;
                (k, Fingerprint::Shingles((lo..lo + 100).collect()))
            })
            .collect();
        let mut pairs = Vec::new();
        for k in (1..40u64).filter(|k| k % 5 != 4) {
            let kind = if k % 9 == 0 {
                PairKind::Exact
            } else {
                PairKind::MinHash
            };
            pairs.push(Pair {
                member: d(k + 1),
                anchor: d(k),
                kind,
            });
        }
        (pairs, fps)
    }

    #[test]
    fn any_batch_size_gives_the_table_of_one_batch() {
        let (pairs, fps) = case();
        let build = || {
            let mut cb = ClusterBuilder::new();
            pairs.iter().for_each(|p| cb.add(*p));
            cb
        };
        let whole = build().finish_verified(0.8, |k| fps.get(&k)).unwrap();
        assert!(!whole.removals().is_empty());
        for batch in [1, 3, 1000] {
            let mut loads = 0;
            let t = build()
                .finish_verified_in_batches(0.8, batch, |keys| {
                    loads += 1;
                    Ok::<_, DedupError>(keys.iter().map(|k| (*k, fps[k].clone())).collect())
                })
                .unwrap();
            assert_eq!(t.removals(), whole.removals(), "batch {batch}");
            assert_eq!(
                t.representatives(),
                whole.representatives(),
                "batch {batch}"
            );
            assert!(batch > 3 || loads > 1, "batch {batch}: {loads} loads");
        }
    }
}
