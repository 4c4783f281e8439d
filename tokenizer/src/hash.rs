//! The fixed-seed hasher for minga's in-memory tables: one-shot xxh3-64 per key, so hashing a word
//! costs one call instead of a streaming state, and never a randomised seed.

use std::hash::{BuildHasher, Hasher};

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// "minga" in ASCII: the fixed seed of every minga hash that is not configured.
pub(crate) const SEED: u64 = 0x006d_696e_6761;

#[derive(Clone, Copy, Default)]
pub struct WordHash;

impl BuildHasher for WordHash {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(SEED)
    }
}

/// Chains xxh3 over each `write`; `str` keys make one `write` plus a one-byte terminator.
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0 ^ u64::from(i)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0 ^ i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn same_key_same_hash_different_keys_differ() {
        let h = WordHash;
        assert_eq!(h.hash_one("kuña"), h.hash_one("kuña"));
        assert_ne!(h.hash_one("kuña"), h.hash_one("kuñá"));
        assert_ne!(h.hash_one(("ab", "c")), h.hash_one(("a", "bc")));
    }
}
