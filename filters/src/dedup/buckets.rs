//! The buckets step: rows of one band table, sorted, turned into candidate pairs.
//!
//! A band table holds one [`BandEntry`] per document: the document's key for that band (or its
//! exact key, for the exact table) and its [`DocInfo`]. Each shard writes its rows sorted by
//! `(bucket, doc.key)`; the band task merges the shards' runs ([`merge_sorted_runs`]) and streams
//! them through a [`BucketPairer`], which pairs every member of a bucket with the bucket's first
//! (smallest-key) member. A bucket of `k` documents thus gives `k - 1` pairs that connect all of
//! them, and the pairs depend only on the set of rows, never on how they were sharded.

use super::DedupError;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// What the clusters step needs to know about a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DocInfo {
    /// Global, shard-count-independent order key; smaller means earlier in the input.
    /// minga uses [`DocInfo::part_row_key`]. Keys must be unique.
    pub key: u64,
    /// The document id (the 128-bit `id` column), reported as `dup_of` in the ledger.
    pub id: u128,
    /// Quality signal used to choose a cluster's representative; higher is better, NaN is worst.
    pub quality: f32,
}

impl DocInfo {
    pub fn new(key: u64, id: u128, quality: f32) -> Self {
        DocInfo { key, id, quality }
    }

    /// Key of row `row` of part `part`: input order, the same for any shard count.
    pub fn part_row_key(part: u32, row: u32) -> u64 {
        (u64::from(part) << 32) | u64::from(row)
    }

    /// The part a [`DocInfo::part_row_key`] key belongs to.
    pub fn part_of(key: u64) -> u32 {
        (key >> 32) as u32
    }
}

/// One row of a band table (or of the exact table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandEntry {
    /// Band key (zero-extended) or exact key.
    pub bucket: u128,
    pub doc: DocInfo,
}

impl BandEntry {
    fn order(&self) -> (u128, u64) {
        (self.bucket, self.doc.key)
    }
}

/// Sorts rows by `(bucket, doc.key)`, the order every run and the merge use.
pub fn sort_entries(entries: &mut [BandEntry]) {
    entries.sort_unstable_by_key(|e| e.order());
}

/// Which table a pair came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PairKind {
    /// Same normalised text.
    Exact,
    /// Same key in at least one LSH band.
    MinHash,
}

/// A candidate pair: `member` shares a bucket whose first document is `anchor`
/// (`anchor.key < member.key`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub member: DocInfo,
    pub anchor: DocInfo,
    pub kind: PairKind,
}

/// Streams sorted rows of one table and emits the pairs of each bucket.
#[derive(Debug)]
pub struct BucketPairer {
    kind: PairKind,
    /// The current bucket and its first document.
    anchor: Option<(u128, DocInfo)>,
    last: Option<(u128, u64)>,
}

impl BucketPairer {
    pub fn new(kind: PairKind) -> Self {
        BucketPairer {
            kind,
            anchor: None,
            last: None,
        }
    }

    /// Takes the next row. Rows must come in `(bucket, doc.key)` order; a row equal to the previous
    /// one (the same document listed twice) gives nothing, and a row out of order is an error.
    pub fn push(&mut self, entry: BandEntry) -> Result<Option<Pair>, DedupError> {
        let order = entry.order();
        if let Some(prev) = self.last {
            match prev.cmp(&order) {
                Ordering::Less => {}
                Ordering::Equal => return Ok(None),
                Ordering::Greater => {
                    return Err(DedupError::Unsorted {
                        prev_bucket: prev.0,
                        prev_key: prev.1,
                        bucket: order.0,
                        key: order.1,
                    })
                }
            }
        }
        self.last = Some(order);
        match self.anchor {
            Some((bucket, anchor)) if bucket == entry.bucket => Ok(Some(Pair {
                member: entry.doc,
                anchor,
                kind: self.kind,
            })),
            _ => {
                self.anchor = Some((entry.bucket, entry.doc));
                Ok(None)
            }
        }
    }
}

/// Sorts one table's rows held in memory and returns its pairs (the in-memory buckets step).
pub fn bucket_pairs(entries: &mut [BandEntry], kind: PairKind) -> Vec<Pair> {
    sort_entries(entries);
    let mut pairer = BucketPairer::new(kind);
    // Sorted just above, so `push` cannot fail.
    entries
        .iter()
        .filter_map(|e| pairer.push(*e).ok().flatten())
        .collect()
}

/// K-way merge of sorted runs (one per shard) into one sorted stream; memory is one row per run.
/// Read errors pass through; ties between runs go to the lower run index.
pub fn merge_sorted_runs<E, I>(runs: Vec<I>) -> MergeSorted<I>
where
    I: Iterator<Item = Result<BandEntry, E>>,
{
    let mut merge = MergeSorted {
        runs,
        heap: BinaryHeap::new(),
        pending_error: None,
    };
    for i in 0..merge.runs.len() {
        merge.refill(i);
    }
    merge
}

/// Iterator returned by [`merge_sorted_runs`].
pub struct MergeSorted<I: Iterator> {
    runs: Vec<I>,
    heap: BinaryHeap<Reverse<HeapItem>>,
    pending_error: Option<I::Item>,
}

/// A run's current row, ordered by `(bucket, doc.key, run)`.
struct HeapItem {
    order: (u128, u64, usize),
    entry: BandEntry,
}

impl PartialEq for HeapItem {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl Eq for HeapItem {}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeapItem {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order.cmp(&other.order)
    }
}

impl<E, I> MergeSorted<I>
where
    I: Iterator<Item = Result<BandEntry, E>>,
{
    fn refill(&mut self, run: usize) {
        match self.runs[run].next() {
            Some(Ok(entry)) => {
                let order = (entry.bucket, entry.doc.key, run);
                self.heap.push(Reverse(HeapItem { order, entry }));
            }
            Some(Err(e)) => self.pending_error = Some(Err(e)),
            None => {}
        }
    }
}

impl<E, I> Iterator for MergeSorted<I>
where
    I: Iterator<Item = Result<BandEntry, E>>,
{
    type Item = Result<BandEntry, E>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(err) = self.pending_error.take() {
            return Some(err);
        }
        let Reverse(top) = self.heap.pop()?;
        self.refill(top.order.2);
        Some(Ok(top.entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn e(bucket: u128, key: u64) -> BandEntry {
        BandEntry {
            bucket,
            doc: DocInfo::new(key, key as u128 * 1000, 0.5),
        }
    }

    fn keys(pairs: &[Pair]) -> Vec<(u64, u64)> {
        pairs.iter().map(|p| (p.member.key, p.anchor.key)).collect()
    }

    #[test]
    fn each_member_pairs_with_the_bucket_minimum() {
        let mut rows = vec![e(7, 30), e(3, 5), e(7, 10), e(9, 1), e(7, 20), e(3, 6)];
        let pairs = bucket_pairs(&mut rows, PairKind::MinHash);
        assert_eq!(keys(&pairs), vec![(6, 5), (20, 10), (30, 10)]);
        assert!(pairs.iter().all(|p| p.kind == PairKind::MinHash));
    }

    #[test]
    fn pairer_rejects_unsorted_rows_and_skips_repeats() {
        let mut p = BucketPairer::new(PairKind::Exact);
        assert_eq!(p.push(e(1, 1)), Ok(None));
        assert_eq!(p.push(e(1, 1)), Ok(None));
        assert!(p.push(e(1, 2)).unwrap().is_some());
        assert!(matches!(p.push(e(0, 9)), Err(DedupError::Unsorted { .. })));
    }

    #[test]
    fn merge_of_runs_equals_sorting_everything() {
        let mut all = Vec::new();
        let mut runs: Vec<Vec<BandEntry>> = vec![Vec::new(); 3];
        for k in 0..60u64 {
            let row = e(u128::from(k * 7 % 11), k);
            all.push(row);
            runs[(k % 3) as usize].push(row);
        }
        for run in &mut runs {
            sort_entries(run);
        }
        sort_entries(&mut all);
        let iters = runs
            .into_iter()
            .map(|r| r.into_iter().map(Ok::<_, Infallible>))
            .collect();
        let merged: Vec<BandEntry> = merge_sorted_runs(iters).map(|r| r.unwrap()).collect();
        assert_eq!(merged, all);
    }

    #[test]
    fn merge_passes_read_errors_through() {
        let runs = vec![
            vec![Ok(e(1, 1)), Err("bad row at offset 12")].into_iter(),
            vec![Ok(e(0, 2))].into_iter(),
        ];
        let out: Vec<_> = merge_sorted_runs(runs).collect();
        assert!(out.contains(&Err("bad row at offset 12")));
    }

    #[test]
    fn part_row_keys_follow_input_order() {
        let k = DocInfo::part_row_key(3, 17);
        assert!(DocInfo::part_row_key(2, u32::MAX) < k);
        assert!(k < DocInfo::part_row_key(3, 18));
        assert_eq!(DocInfo::part_of(k), 3);
    }
}
