//! Repetition statistics of Gopher (Rae et al. 2021, table A1) over a document's words:
//! the character share of the most frequent 2/3/4-gram and of duplicated 5..10-grams.
//!
//! Words are compared by their 64-bit xxh3 hash and n-grams by a hash chained from the word
//! hashes, so nothing is allocated per n-gram; a false match needs a 64-bit collision.
//! Shares are of *word* characters (spaces and punctuation do not dilute them).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// n-gram sizes of the "top n-gram" signals.
pub const TOP_NGRAMS: [usize; 3] = [2, 3, 4];
/// n-gram sizes of the "duplicated n-gram" signals.
pub const DUP_NGRAMS: [usize; 6] = [5, 6, 7, 8, 9, 10];

/// Keys are already well-mixed 64-bit hashes; hashing them again would only cost time.
/// Not randomised, so iteration order (never used for output) is fixed too.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

pub type IdBuild = BuildHasherDefault<IdentityHasher>;

/// Reusable buffers, so a thread computing many documents allocates only while they grow.
#[derive(Default)]
pub struct NgramScratch {
    chain: Vec<u64>,
    prefix: Vec<u64>,
    counts: HashMap<u64, u32, IdBuild>,
    seen: HashSet<u64, IdBuild>,
}

/// Repetition shares, each in `0..=1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NgramStats {
    pub top: [f32; TOP_NGRAMS.len()],
    pub dup: [f32; DUP_NGRAMS.len()],
}

/// Chains one more word hash into an n-gram hash (multiply-xorshift; the finaliser of
/// splitmix64 keeps consecutive n-gram sizes from colliding trivially).
#[inline]
pub fn chain(acc: u64, word: u64) -> u64 {
    let mut z = (acc.rotate_left(23) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z ^= z >> 31;
    z = z.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 29)
}

/// Computes the repetition shares of a word sequence given as `(hash, chars)` pairs.
pub fn ngram_stats(words: &[(u64, u32)], s: &mut NgramScratch) -> NgramStats {
    let mut out = NgramStats::default();
    let n_words = words.len();
    s.prefix.clear();
    s.prefix.push(0);
    let mut total = 0u64;
    for &(_, c) in words {
        total += u64::from(c);
        s.prefix.push(total);
    }
    if total == 0 {
        return out;
    }
    // chain[i] holds the hash of the n-gram starting at word i for the current n.
    s.chain.clear();
    s.chain.extend(words.iter().map(|&(h, _)| h));
    for n in 2..=DUP_NGRAMS[DUP_NGRAMS.len() - 1] {
        if n_words < n {
            break;
        }
        let count = n_words - n + 1;
        for i in 0..count {
            s.chain[i] = chain(s.chain[i], words[i + n - 1].0);
        }
        if let Some(k) = TOP_NGRAMS.iter().position(|&t| t == n) {
            out.top[k] = top_share(&s.chain[..count], &s.prefix, n, total, &mut s.counts);
        }
        if let Some(k) = DUP_NGRAMS.iter().position(|&t| t == n) {
            out.dup[k] = dup_share(&s.chain[..count], &s.prefix, n, total, &mut s.seen);
        }
    }
    out
}

/// Share of word characters in all occurrences of the most frequent n-gram (ties: the longer
/// one). An n-gram seen once is no repetition and gives 0.
fn top_share(
    grams: &[u64],
    prefix: &[u64],
    n: usize,
    total: u64,
    counts: &mut HashMap<u64, u32, IdBuild>,
) -> f32 {
    counts.clear();
    counts.reserve(grams.len());
    let (mut best_count, mut best_chars) = (1u32, 0u64);
    for (i, &g) in grams.iter().enumerate() {
        let c = counts.entry(g).or_insert(0);
        *c += 1;
        let chars = prefix[i + n] - prefix[i];
        if *c > best_count || (*c == best_count && *c >= 2 && chars > best_chars) {
            best_count = *c;
            best_chars = chars;
        }
    }
    if best_count < 2 {
        return 0.0;
    }
    ratio(u64::from(best_count) * best_chars, total)
}

/// Share of word characters covered by n-grams that repeat an earlier n-gram (overlapping
/// repeats are counted once; the first occurrence is not counted).
fn dup_share(
    grams: &[u64],
    prefix: &[u64],
    n: usize,
    total: u64,
    seen: &mut HashSet<u64, IdBuild>,
) -> f32 {
    seen.clear();
    seen.reserve(grams.len());
    let mut covered_end = 0usize;
    let mut dup_chars = 0u64;
    for (i, &g) in grams.iter().enumerate() {
        if !seen.insert(g) {
            let start = i.max(covered_end);
            let end = i + n;
            dup_chars += prefix[end] - prefix[start];
            covered_end = end;
        }
    }
    ratio(dup_chars, total)
}

#[inline]
fn ratio(num: u64, den: u64) -> f32 {
    if den == 0 {
        0.0
    } else {
        (num as f64 / den as f64).min(1.0) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxhash_rust::xxh3::xxh3_64;

    fn stats(text: &str) -> NgramStats {
        let w: Vec<(u64, u32)> = text
            .split_whitespace()
            .map(|w| (xxh3_64(w.as_bytes()), w.chars().count() as u32))
            .collect();
        ngram_stats(&w, &mut NgramScratch::default())
    }

    #[test]
    fn unique_text_has_no_repetition() {
        let s = stats("uno dos tres cuatro cinco seis siete ocho nueve diez once doce");
        assert_eq!(s, NgramStats::default());
    }

    #[test]
    fn top_bigram_share_counts_all_occurrences() {
        // "ri ajaw" 3 times: 3 * 6 chars out of 6*3 + 4 ("xaq'") + 3 ("kub") + 4 ("chwe").
        let s = stats("ri ajaw xaq' ri ajaw kub ri ajaw chwe");
        let total = 3.0 * 6.0 + 4.0 + 3.0 + 4.0;
        assert!((s.top[0] - 18.0 / total).abs() < 1e-6, "{:?}", s.top);
        assert_eq!(s.top[1], 0.0);
    }

    #[test]
    fn duplicated_ngrams_count_repeats_once() {
        let block = "a b c d e";
        let s = stats(&format!("{block} x {block} y {block}"));
        // Two repeats of the 5 one-char words out of 17 chars.
        assert!((s.dup[0] - 10.0 / 17.0).abs() < 1e-6, "{:?}", s.dup);
        // No 6-gram repeats: the separators differ.
        assert_eq!(s.dup[1], 0.0);
    }
}
