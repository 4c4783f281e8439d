//! The clusters step (union-find over candidate pairs) and the apply step's lookup.
//!
//! Clusters are the connected components of the pair graph, so they depend only on the set of
//! pairs, not on their order or on how the input was sharded. Each cluster keeps one
//! representative: the best quality signal, then the smallest key (first in input order). A removed
//! document is an exact duplicate when a chain of exact pairs links it to the representative, a
//! MinHash near-duplicate otherwise.

use super::buckets::{DocInfo, Pair, PairKind};
use std::cmp::Ordering;

/// Disjoint sets over `0..n`, with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets (at most `u32::MAX` elements).
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let grand = self.parent[self.parent[x] as usize];
            self.parent[x] = grand;
            x = grand as usize;
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were already one.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra as u32;
        self.size[ra] += self.size[rb];
        true
    }
}

/// Why a document was removed; `as_str` is the ledger's `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DupReason {
    Exact,
    MinHash,
}

impl DupReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DupReason::Exact => "dedup.exact",
            DupReason::MinHash => "dedup.minhash",
        }
    }
}

/// Quality as a totally ordered value: NaN ranks lowest and -0.0 equals 0.0.
fn quality_rank(q: f32) -> f32 {
    if q.is_nan() {
        f32::NEG_INFINITY
    } else if q == 0.0 {
        0.0
    } else {
        q
    }
}

/// `Less` when `a` is the better representative: higher quality, then smaller key.
pub(super) fn better(a: &DocInfo, b: &DocInfo) -> Ordering {
    quality_rank(b.quality)
        .total_cmp(&quality_rank(a.quality))
        .then(a.key.cmp(&b.key))
}

/// The document a cluster keeps: best quality signal, then smallest key. `None` when empty.
pub fn choose_representative(members: &[DocInfo]) -> Option<DocInfo> {
    members.iter().min_by(|a, b| better(a, b)).copied()
}

/// A removed document and the one kept in its place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Removal {
    pub member: DocInfo,
    pub kept: DocInfo,
    pub reason: DupReason,
    /// Verified similarity to `kept` (exact or estimated Jaccard; 1 for exact duplicates);
    /// `None` when pairs were not verified.
    pub similarity: Option<f32>,
}

/// What the apply step does with one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Keep it; it represents a cluster of `cluster_size` documents (1 when it has no duplicate).
    Keep { cluster_size: u32 },
    /// Drop it to the ledger with `reason` and `dup_of = kept.id`.
    Drop {
        reason: DupReason,
        kept: DocInfo,
        similarity: Option<f32>,
    },
}

/// The clusters step's result: every removed document and every representative of a cluster of
/// two or more, each sorted by key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterTable {
    removed: Vec<Removal>,
    kept: Vec<(u64, u32)>,
}

impl ClusterTable {
    /// Builds a table from rows read back from disk (any order).
    pub fn from_rows(mut removed: Vec<Removal>, mut kept: Vec<(u64, u32)>) -> Self {
        removed.sort_unstable_by_key(|r| r.member.key);
        kept.sort_unstable();
        ClusterTable { removed, kept }
    }

    /// Removed documents, by key.
    pub fn removals(&self) -> &[Removal] {
        &self.removed
    }

    /// `(key, cluster size)` of representatives of clusters of two or more, by key.
    pub fn representatives(&self) -> &[(u64, u32)] {
        &self.kept
    }

    /// The rows whose keys fall in `lo..hi`, e.g. one part's for the apply step of that part.
    pub fn key_range(&self, lo: u64, hi: u64) -> ClusterTable {
        let removed = self
            .removed
            .iter()
            .filter(|r| (lo..hi).contains(&r.member.key));
        let kept = self.kept.iter().filter(|k| (lo..hi).contains(&k.0));
        ClusterTable {
            removed: removed.copied().collect(),
            kept: kept.copied().collect(),
        }
    }

    /// The decision for the document with this key.
    pub fn decision(&self, key: u64) -> Decision {
        if let Ok(i) = self.removed.binary_search_by_key(&key, |r| r.member.key) {
            let r = &self.removed[i];
            return Decision::Drop {
                reason: r.reason,
                kept: r.kept,
                similarity: r.similarity,
            };
        }
        let cluster_size = match self.kept.binary_search_by_key(&key, |k| k.0) {
            Ok(i) => self.kept[i].1,
            Err(_) => 1,
        };
        Decision::Keep { cluster_size }
    }
}

/// Collects candidate pairs and turns them into clusters. Memory is about 88 bytes per pair
/// (its two documents and the edge); documents in no pair cost nothing.
#[derive(Debug, Default)]
pub struct ClusterBuilder {
    docs: Vec<DocInfo>,
    edges: Vec<(u64, u64, PairKind)>,
}

impl ClusterBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one pair, from any table, in any order.
    pub fn add(&mut self, pair: Pair) {
        self.docs.push(pair.member);
        self.docs.push(pair.anchor);
        self.edges
            .push((pair.member.key, pair.anchor.key, pair.kind));
        // Repeated pairs (one per agreeing band) are common: compact when the buffers double.
        if self.edges.len() >= 1 << 16 && self.edges.len().is_power_of_two() {
            self.compact();
        }
    }

    pub fn pair_count(&self) -> usize {
        self.edges.len()
    }

    fn compact(&mut self) {
        self.edges.sort_unstable();
        self.edges.dedup();
        self.docs.sort_unstable_by(|a, b| {
            (a.key, a.id, a.quality.to_bits()).cmp(&(b.key, b.id, b.quality.to_bits()))
        });
        self.docs.dedup_by_key(|d| d.key);
    }

    /// The documents sorted by key and the distinct edges as indices into them.
    pub(super) fn indexed(&mut self) -> (&[DocInfo], Vec<(usize, usize, PairKind)>) {
        self.compact();
        let docs = &self.docs;
        let index = |key: u64| docs.binary_search_by_key(&key, |d| d.key).unwrap_or(0);
        let edges = self
            .edges
            .iter()
            .map(|&(a, b, kind)| (index(a), index(b), kind))
            .collect();
        (docs, edges)
    }

    /// Union-find over all pairs (no verification: clusters chain), one representative per
    /// cluster. [`ClusterBuilder::finish_verified`] is the verified alternative.
    pub fn finish(mut self) -> ClusterTable {
        self.compact();
        let docs = self.docs;
        let index = |key: u64| docs.binary_search_by_key(&key, |d| d.key).unwrap_or(0);
        let mut all = UnionFind::new(docs.len());
        let mut exact = UnionFind::new(docs.len());
        for &(a, b, kind) in &self.edges {
            let (ia, ib) = (index(a), index(b));
            all.union(ia, ib);
            if kind == PairKind::Exact {
                exact.union(ia, ib);
            }
        }
        // Representative and size per root.
        let mut rep: Vec<Option<usize>> = vec![None; docs.len()];
        let mut size = vec![0u32; docs.len()];
        for i in 0..docs.len() {
            let root = all.find(i);
            size[root] += 1;
            rep[root] = match rep[root] {
                Some(r) if better(&docs[r], &docs[i]) != Ordering::Greater => Some(r),
                _ => Some(i),
            };
        }
        let mut table = ClusterTable::default();
        for i in 0..docs.len() {
            let root = all.find(i);
            let Some(r) = rep[root] else { continue };
            if r == i {
                if size[root] > 1 {
                    table.kept.push((docs[i].key, size[root]));
                }
                continue;
            }
            let reason = if exact.find(i) == exact.find(r) {
                DupReason::Exact
            } else {
                DupReason::MinHash
            };
            table.removed.push(Removal {
                member: docs[i],
                kept: docs[r],
                reason,
                similarity: None,
            });
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(key: u64, quality: f32) -> DocInfo {
        DocInfo::new(key, 0xabc0 + key as u128, quality)
    }

    fn pair(a: DocInfo, b: DocInfo, kind: PairKind) -> Pair {
        Pair {
            member: a,
            anchor: b,
            kind,
        }
    }

    #[test]
    fn representative_is_best_quality_then_smallest_key() {
        let m = [d(5, 0.2), d(3, 0.9), d(8, 0.9), d(1, f32::NAN)];
        assert_eq!(choose_representative(&m).map(|r| r.key), Some(3));
        let tie = [d(9, 0.0), d(4, -0.0), d(6, 0.0)];
        assert_eq!(choose_representative(&tie).map(|r| r.key), Some(4));
        assert_eq!(
            choose_representative(&[d(2, f32::NAN), d(7, f32::NAN)])
                .unwrap()
                .key,
            2
        );
        assert_eq!(choose_representative(&[]), None);
    }

    #[test]
    fn union_find_joins_transitively() {
        let mut uf = UnionFind::new(6);
        assert!(uf.union(0, 1));
        assert!(uf.union(2, 1));
        assert!(!uf.union(0, 2));
        assert_eq!(uf.find(0), uf.find(2));
        assert_ne!(uf.find(0), uf.find(3));
    }

    fn sample_pairs() -> Vec<Pair> {
        let (a, b, c, e, f) = (d(1, 0.5), d(2, 0.7), d(3, 0.5), d(10, 0.1), d(11, 0.1));
        vec![
            pair(b, a, PairKind::MinHash),
            pair(c, a, PairKind::Exact),
            pair(c, b, PairKind::MinHash),
            pair(f, e, PairKind::Exact),
            pair(f, e, PairKind::MinHash),
        ]
    }

    #[test]
    fn clusters_reasons_and_sizes() {
        let mut cb = ClusterBuilder::new();
        sample_pairs().into_iter().for_each(|p| cb.add(p));
        let t = cb.finish();
        // {1,2,3}: 2 has the best quality. 1 and 3 are exact copies of each other, not of 2.
        assert_eq!(t.decision(2), Decision::Keep { cluster_size: 3 });
        assert_eq!(
            t.decision(1),
            Decision::Drop {
                reason: DupReason::MinHash,
                kept: d(2, 0.7),
                similarity: None
            }
        );
        assert_eq!(
            t.decision(3),
            Decision::Drop {
                reason: DupReason::MinHash,
                kept: d(2, 0.7),
                similarity: None
            }
        );
        // {10,11}: equal quality, first kept; exact pair links them.
        assert_eq!(t.decision(10), Decision::Keep { cluster_size: 2 });
        assert_eq!(
            t.decision(11),
            Decision::Drop {
                reason: DupReason::Exact,
                kept: d(10, 0.1),
                similarity: None
            }
        );
        assert_eq!(t.decision(99), Decision::Keep { cluster_size: 1 });
        assert_eq!(t.key_range(10, 20).removals().len(), 1);
    }

    #[test]
    fn result_is_independent_of_pair_order_and_repeats() {
        let base = {
            let mut cb = ClusterBuilder::new();
            sample_pairs().into_iter().for_each(|p| cb.add(p));
            cb.finish()
        };
        let pairs = sample_pairs();
        // Every rotation and the reverse, each with all pairs repeated.
        for rot in 0..pairs.len() {
            for rev in [false, true] {
                let mut order = pairs.clone();
                order.rotate_left(rot);
                if rev {
                    order.reverse();
                }
                let mut cb = ClusterBuilder::new();
                for p in order.iter().chain(order.iter()) {
                    cb.add(*p);
                }
                assert_eq!(cb.finish(), base);
            }
        }
    }

    #[test]
    fn reason_strings_match_the_ledger() {
        assert_eq!(DupReason::Exact.as_str(), "dedup.exact");
        assert_eq!(DupReason::MinHash.as_str(), "dedup.minhash");
    }
}
