//! Exact and MinHash-LSH near-duplicate detection, as pure functions.
//!
//! The dedup stage runs in four shardable steps; each has its pure core here so the stage code
//! only reads and writes files:
//!
//! 1. **signatures** (per input shard): [`Sketcher::sketch`] turns a document into a
//!    [`DocSketch`]: the exact key of its normalised text and one LSH band key per band.
//!    [`DocSketch::entries`] gives the rows the shard writes, sorted with [`sort_entries`].
//! 2. **buckets** (per band): the sorted runs of every shard are merged ([`merge_sorted_runs`]) and
//!    fed to a [`BucketPairer`], which pairs every member of a bucket with the bucket's smallest key.
//! 3. **clusters** (one reduce task): [`ClusterBuilder`] takes the pairs of all bands; with
//!    verification ([`Verify`]) it checks every candidate against the document that would be kept
//!    for it ([`ClusterBuilder::finish_verified`], no chaining), without it it runs union-find
//!    ([`ClusterBuilder::finish`]). Memory grows with pairs, not documents.
//! 4. **apply** (per shard): [`ClusterTable::decision`] says keep or drop (with reason and the
//!    kept document) for every document.
//!
//! [`dedup_in_memory`] is the single-process reference the sharded composition is tested against.
//! Hash definitions, seeds and the memory model are written up in `docs/dedup.md`.

mod buckets;
mod cluster;
mod components;
mod lines;
mod minhash;
mod normalise;
mod passages;
mod reference;
mod shingles;
mod simd_neon;
mod simd_x86;
mod sketch;
mod verify;

pub use buckets::{
    bucket_pairs, merge_sorted_runs, sort_entries, BandEntry, BucketPairer, DocInfo, MergeSorted,
    Pair, PairKind,
};
pub use cluster::{
    choose_representative, ClusterBuilder, ClusterTable, Decision, DupReason, Removal, UnionFind,
};
pub use lines::{line_hash, line_hashes, site_hash, site_of, strip_lines, LINE_SEED};
pub use minhash::{band_keys, estimated_jaccard, Kernel, MinHasher, BAND_SEED};
pub use normalise::{exact_key, exact_key_normalised, normalise, normalise_into, EXACT_SEED};
pub use passages::{
    containment, is_sampled, min_hits, PassageShingler, PASSAGE_NGRAM, SAMPLE_BITS,
};
pub use reference::{dedup_in_memory, dedup_sharded, DocInput};
pub use shingles::{shingle_hashes, shingle_hashes_into, SHINGLE_SEED};
pub use sketch::{DocSketch, Sketcher};
pub use verify::{common_count, exact_jaccard, Fingerprint, Fingerprinter, Verify};

/// Parameters of near-duplicate detection. `bands * rows` permutations make a signature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DedupParams {
    /// Words per shingle (word n-grams of the normalised text).
    pub ngram: usize,
    /// LSH bands; two documents become candidates when any band agrees on all its rows.
    pub bands: usize,
    /// Rows (permutations) per band.
    pub rows: usize,
    /// Jaccard similarity a removed document must have with the document kept for it (checked
    /// as `verify` says).
    pub threshold: f32,
    /// Seed of the permutation parameters (see `docs/dedup.md`); changing it changes every
    /// signature, so it is part of the stage config.
    pub seed: u64,
    /// How candidate pairs are checked before a removal ([`Verify`]; `bench/RESULTS-dedup.md`
    /// has the precision, recall and cost of each).
    pub verify: Verify,
}

/// Default permutation seed: the ASCII bytes of "minga-mh".
pub const DEFAULT_SEED: u64 = 0x6d69_6e67_612d_6d68;

impl Default for DedupParams {
    fn default() -> Self {
        DedupParams {
            ngram: 5,
            bands: 14,
            rows: 8,
            threshold: 0.8,
            seed: DEFAULT_SEED,
            verify: Verify::Exact,
        }
    }
}

impl DedupParams {
    /// Number of permutations in a signature.
    pub fn permutations(&self) -> usize {
        self.bands * self.rows
    }

    /// Rejects parameters no stage can run with.
    pub fn validate(&self) -> Result<(), DedupError> {
        let bad = |what: &str| Err(DedupError::BadParams(what.to_string()));
        if self.ngram == 0 {
            return bad("ngram must be at least 1");
        }
        if self.bands == 0 || self.rows == 0 {
            return bad("bands and rows must be at least 1");
        }
        if self.permutations() > 4096 {
            return bad("bands * rows must be at most 4096");
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return bad("threshold must be within 0..=1");
        }
        Ok(())
    }

    /// Probability that a pair with Jaccard similarity `j` shares at least one band:
    /// `1 - (1 - j^rows)^bands`, the LSH S-curve.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Errors of the dedup core: bad parameters, or inputs that break a step's ordering contract.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DedupError {
    #[error("bad dedup parameters: {0}")]
    BadParams(String),
    #[error(
        "bucket entries out of order: ({prev_bucket:#x}, {prev_key}) then ({bucket:#x}, {key})"
    )]
    Unsorted {
        prev_bucket: u128,
        prev_key: u64,
        bucket: u128,
        key: u64,
    },
    #[error("no signature for document {key}, which is in a candidate pair")]
    MissingSignature { key: u64 },
    #[error("document key {key} appears twice")]
    DuplicateKey { key: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_curve_matches_hand_computed_points() {
        let p = DedupParams::default();
        // 0.8^8 = 0.16777216; 1 - (1 - 0.16777216)^14 = 0.92362...
        assert!((p.candidate_probability(0.8) - 0.92362).abs() < 1e-4);
        assert!(p.candidate_probability(0.5) < 0.06);
        assert_eq!(p.candidate_probability(1.0), 1.0);
        assert_eq!(p.candidate_probability(0.0), 0.0);
    }

    #[test]
    fn validate_rejects_zero_and_out_of_range() {
        assert!(DedupParams::default().validate().is_ok());
        for bad in [
            DedupParams {
                ngram: 0,
                ..Default::default()
            },
            DedupParams {
                bands: 0,
                ..Default::default()
            },
            DedupParams {
                threshold: 1.5,
                ..Default::default()
            },
            DedupParams {
                rows: 5000,
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
