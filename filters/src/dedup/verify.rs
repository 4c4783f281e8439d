//! Verified clustering: a document is removed only when it is shown to be similar enough to the
//! document kept in its place.
//!
//! LSH buckets give *candidates*: two documents that agree on one band of rows may still be far
//! apart, and union-find over candidate pairs chains (A≈B, B≈C puts C with A although A and C
//! share little). [`ClusterBuilder::finish_verified`] instead
//!
//! 1. joins exact pairs (same normalised text, or same URL) into exact groups, each led by its best
//!    member (quality, then input order), the group's *head*;
//! 2. maps every MinHash pair to the heads of its two documents and keeps it only when the heads'
//!    [`Fingerprint`]s are at least `threshold` similar (exact Jaccard of the shingle sets, or the
//!    MinHash estimate, as configured);
//! 3. within each connected component of verified pairs, walks the heads best first and keeps a
//!    head unless it is `threshold` similar to a head already kept there, in which case it is
//!    removed for the most similar one. Every removal is thus a direct, verified comparison with
//!    the kept document, never a chain.
//!
//! The result depends only on the pair set, the fingerprints and the qualities, so it is the same
//! for any shard or thread count.

use std::collections::BTreeMap;

use super::buckets::{DocInfo, PairKind};
use super::cluster::{better, ClusterBuilder, ClusterTable, DupReason, Removal, UnionFind};
use super::components::{candidate_components, verify_components, Component};
use super::minhash::{estimated_jaccard, MinHasher};
use super::normalise::normalise_into;
use super::shingles::shingle_hashes_into;
use super::{DedupError, DedupParams};

/// How candidate pairs are checked before a removal (`[dedup] verify = "exact"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verify {
    /// Exact Jaccard similarity of the two documents' shingle sets.
    #[default]
    Exact,
    /// Share of MinHash permutations on which the two signatures agree (an estimate of Jaccard).
    Signature,
    /// No check: every candidate pair joins, and clusters are connected components (chaining).
    None,
}

impl Verify {
    pub fn as_str(self) -> &'static str {
        match self {
            Verify::Exact => "exact",
            Verify::Signature => "signature",
            Verify::None => "none",
        }
    }
}

/// What verification compares for one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Fingerprint {
    /// Sorted, distinct shingle hashes.
    Shingles(Vec<u64>),
    /// MinHash signature.
    Signature(Vec<u32>),
}

impl Fingerprint {
    /// Similarity of two fingerprints of the same kind in `0..=1`; two empty documents are 1.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        match (self, other) {
            (Fingerprint::Shingles(a), Fingerprint::Shingles(b)) => exact_jaccard(a, b),
            (Fingerprint::Signature(a), Fingerprint::Signature(b)) => {
                if a.is_empty() && b.is_empty() {
                    1.0
                } else {
                    estimated_jaccard(a, b)
                }
            }
            _ => 0.0,
        }
    }

    /// Bytes held, for the memory counters.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Fingerprint::Shingles(s) => s.len() * 8,
            Fingerprint::Signature(s) => s.len() * 4,
        }
    }
}

/// `|A ∩ B| / |A ∪ B|` of two sorted, distinct slices; 1 when both are empty.
pub fn exact_jaccard(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = common_count(a, b);
    common as f32 / (a.len() + b.len() - common) as f32
}

/// `|A ∩ B|` of two sorted, distinct slices.
pub fn common_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// Computes fingerprints from text the same way the signatures step shingles it.
pub struct Fingerprinter {
    mode: Verify,
    params: DedupParams,
    hasher: Option<MinHasher>,
    normalised: String,
    starts: Vec<usize>,
    shingles: Vec<u64>,
}

impl Fingerprinter {
    pub fn new(params: DedupParams, mode: Verify) -> Result<Self, DedupError> {
        params.validate()?;
        let hasher = (mode == Verify::Signature).then(|| MinHasher::new(params));
        Ok(Fingerprinter {
            mode,
            params,
            hasher,
            normalised: String::new(),
            starts: Vec::new(),
            shingles: Vec::new(),
        })
    }

    /// The fingerprint of one text; `None` when the mode is [`Verify::None`].
    pub fn fingerprint(&mut self, text: &str) -> Option<Fingerprint> {
        normalise_into(text, &mut self.normalised);
        shingle_hashes_into(
            &self.normalised,
            self.params.ngram,
            &mut self.starts,
            &mut self.shingles,
        );
        match self.mode {
            Verify::Exact => {
                let mut s = self.shingles.clone();
                s.sort_unstable();
                s.dedup();
                Some(Fingerprint::Shingles(s))
            }
            Verify::Signature => {
                let h = self.hasher.as_ref()?;
                let sig = if self.shingles.is_empty() {
                    Vec::new()
                } else {
                    h.signature(&self.shingles)
                };
                Some(Fingerprint::Signature(sig))
            }
            Verify::None => None,
        }
    }
}

/// Heads of the most similar kept documents a head is compared with, beyond its direct
/// neighbours: bounds the work in a large component of mutually dissimilar documents.
pub(super) const MAX_COMPARED: usize = 64;

/// The exact groups of a builder's documents: `head[i]` is the index of the best document joined
/// to `i` by exact pairs.
pub(super) fn exact_heads(docs: &[DocInfo], edges: &[(usize, usize, PairKind)]) -> Vec<usize> {
    let mut uf = UnionFind::new(docs.len());
    for &(a, b, kind) in edges {
        if kind == PairKind::Exact {
            uf.union(a, b);
        }
    }
    let mut best: Vec<usize> = (0..docs.len()).collect();
    for i in 0..docs.len() {
        let root = uf.find(i);
        if better(&docs[i], &docs[best[root]]) == std::cmp::Ordering::Less {
            best[root] = i;
        }
    }
    (0..docs.len()).map(|i| best[uf.find(i)]).collect()
}

/// One head's fate in the greedy walk: kept, or removed for a kept head with a similarity.
#[derive(Clone, Copy)]
pub(super) enum Fate {
    Kept,
    Removed(usize, f32),
}

impl ClusterBuilder {
    /// Keys of the documents whose fingerprints [`ClusterBuilder::finish_verified`] will ask for:
    /// the exact-group heads of every document in a MinHash pair.
    pub fn fingerprint_keys(&mut self) -> Vec<u64> {
        let (docs, edges) = self.indexed();
        let heads = exact_heads(docs, &edges);
        let mut keys: Vec<u64> = edges
            .iter()
            .filter(|e| e.2 == PairKind::MinHash)
            .flat_map(|&(a, b, _)| [docs[heads[a]].key, docs[heads[b]].key])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Clusters with every removal verified against the kept document (see the module docs).
    /// `fingerprint(key)` must answer for every key of [`ClusterBuilder::fingerprint_keys`].
    pub fn finish_verified<'f>(
        mut self,
        threshold: f32,
        fingerprint: impl Fn(u64) -> Option<&'f Fingerprint>,
    ) -> Result<ClusterTable, DedupError> {
        let (docs, edges) = self.indexed();
        let heads = exact_heads(docs, &edges);
        let components = candidate_components(docs.len(), &heads, &edges);
        let mut fates = vec![None; docs.len()];
        let all: Vec<&Component> = components.iter().collect();
        verify_components(docs, &all, threshold, &fingerprint, &mut fates)?;
        Ok(table_from_fates(docs, &heads, &fates))
    }
}

/// Removals and cluster sizes from the heads' fates; exact-group members follow their head.
pub(super) fn table_from_fates(
    docs: &[DocInfo],
    heads: &[usize],
    fates: &[Option<Fate>],
) -> ClusterTable {
    // The kept document of every document, with reason and similarity.
    let outcome = |i: usize| -> Option<(usize, DupReason, f32)> {
        let h = heads[i];
        match (fates[h], h == i) {
            (Some(Fate::Removed(k, s)), _) => Some((k, DupReason::MinHash, s)),
            (_, true) => None,
            (_, false) => Some((h, DupReason::Exact, 1.0)),
        }
    };
    let mut removed = Vec::new();
    let mut size: BTreeMap<usize, u32> = BTreeMap::new();
    for i in 0..docs.len() {
        if let Some((k, reason, s)) = outcome(i) {
            *size.entry(k).or_insert(1) += 1;
            removed.push(Removal {
                member: docs[i],
                kept: docs[k],
                reason,
                similarity: Some(s),
            });
        }
    }
    let kept = size.into_iter().map(|(k, n)| (docs[k].key, n)).collect();
    ClusterTable::from_rows(removed, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{Decision, Pair};

    fn d(key: u64) -> DocInfo {
        DocInfo::new(key, 0xabc0 + key as u128, 0.5)
    }

    fn pair(a: u64, b: u64, kind: PairKind) -> Pair {
        Pair {
            member: d(a),
            anchor: d(b),
            kind,
        }
    }

    /// Shingle sets `lo..lo + 100`: neighbours 8 apart have J = 92/108, 16 apart 84/116.
    fn fingerprints() -> BTreeMap<u64, Fingerprint> {
        [(1, 0), (2, 8), (3, 16), (4, 8), (9, 500)]
            .into_iter()
            .map(|(k, lo)| (k, Fingerprint::Shingles((lo..lo + 100).collect())))
            .collect()
    }

    fn run(pairs: &[Pair], threshold: f32) -> Result<ClusterTable, DedupError> {
        let fps = fingerprints();
        let mut cb = ClusterBuilder::new();
        pairs.iter().for_each(|p| cb.add(*p));
        let wanted = cb.fingerprint_keys();
        assert!(wanted.iter().all(|k| fps.contains_key(k)));
        cb.finish_verified(threshold, |k| fps.get(&k))
    }

    #[test]
    fn exact_jaccard_of_sorted_sets() {
        assert_eq!(exact_jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(exact_jaccard(&[], &[]), 1.0);
        assert_eq!(exact_jaccard(&[1], &[]), 0.0);
    }

    #[test]
    fn chains_are_cut_and_removals_carry_their_similarity() {
        // 2 ≈ 1 and 3 ≈ 2, but 3 is only 0.72 similar to 1, which is kept for 2.
        let pairs = [pair(2, 1, PairKind::MinHash), pair(3, 2, PairKind::MinHash)];
        let t = run(&pairs, 0.8).unwrap();
        let j12 = 92.0 / 108.0;
        assert_eq!(
            t.decision(2),
            Decision::Drop {
                reason: DupReason::MinHash,
                kept: d(1),
                similarity: Some(j12)
            }
        );
        assert_eq!(t.decision(3), Decision::Keep { cluster_size: 1 });
        assert_eq!(t.decision(1), Decision::Keep { cluster_size: 2 });
        // With a lower threshold 3 goes too, compared with 1 directly although no pair links them.
        let t = run(&pairs, 0.7).unwrap();
        assert!(
            matches!(t.decision(3), Decision::Drop { kept, similarity: Some(s), .. }
            if kept == d(1) && (s - 84.0 / 116.0).abs() < 1e-6)
        );
    }

    #[test]
    fn exact_copies_follow_their_head() {
        // 4 has 2's text (exact pair); 2 is removed for 1, so 4 is too, with 2's similarity.
        let pairs = [pair(4, 2, PairKind::Exact), pair(2, 1, PairKind::MinHash)];
        let t = run(&pairs, 0.8).unwrap();
        for k in [2, 4] {
            assert!(
                matches!(t.decision(k), Decision::Drop { kept, reason: DupReason::MinHash, .. }
                if kept == d(1)),
                "{k}"
            );
        }
        assert_eq!(t.decision(1), Decision::Keep { cluster_size: 3 });
        // Alone, an exact pair is an exact duplicate of the earlier document.
        let t = run(&[pair(4, 2, PairKind::Exact)], 0.8).unwrap();
        assert_eq!(
            t.decision(4),
            Decision::Drop {
                reason: DupReason::Exact,
                kept: d(2),
                similarity: Some(1.0)
            }
        );
    }

    #[test]
    fn dissimilar_candidates_are_kept_and_order_does_not_matter() {
        let mut pairs = vec![
            pair(9, 1, PairKind::MinHash),
            pair(2, 1, PairKind::MinHash),
            pair(3, 2, PairKind::MinHash),
            pair(4, 2, PairKind::Exact),
        ];
        let base = run(&pairs, 0.8).unwrap();
        assert_eq!(base.decision(9), Decision::Keep { cluster_size: 1 });
        for _ in 0..pairs.len() {
            pairs.rotate_left(1);
            assert_eq!(run(&pairs, 0.8).unwrap(), base);
            let twice: Vec<Pair> = pairs.iter().chain(pairs.iter()).copied().collect();
            assert_eq!(run(&twice, 0.8).unwrap(), base);
        }
    }

    #[test]
    fn a_missing_fingerprint_is_an_error() {
        let mut cb = ClusterBuilder::new();
        cb.add(pair(2, 1, PairKind::MinHash));
        let err = cb.finish_verified(0.8, |_| None).unwrap_err();
        assert!(matches!(err, DedupError::MissingSignature { .. }));
    }

    #[test]
    fn fingerprinter_modes() {
        let p = DedupParams::default();
        let text = "uno dos tres cuatro cinco seis siete ocho nueve diez";
        let mut exact = Fingerprinter::new(p, Verify::Exact).unwrap();
        let mut sig = Fingerprinter::new(p, Verify::Signature).unwrap();
        let a = exact.fingerprint(text).unwrap();
        assert!(matches!(&a, Fingerprint::Shingles(s) if s.len() == 6));
        assert_eq!(a.similarity(&a), 1.0);
        let b = sig.fingerprint(text).unwrap();
        assert!(matches!(&b, Fingerprint::Signature(s) if s.len() == 112));
        assert_eq!(a.similarity(&b), 0.0);
        assert!(Fingerprinter::new(p, Verify::None)
            .unwrap()
            .fingerprint(text)
            .is_none());
    }
}
