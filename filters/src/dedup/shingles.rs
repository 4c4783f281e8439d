//! Word n-gram shingles of normalised text, hashed with xxh3-64.
//!
//! Normalised text separates words by exactly one space, so the n-gram starting at word `i` is the
//! byte range from the start of word `i` to the end of word `i + n - 1`, hashed in place without
//! building strings. A text with fewer than `n` words (but at least one) gives one shingle: the
//! whole text, so short documents still get a signature. An empty text gives none.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of shingle hashes: the ASCII bytes of "minga-sh".
pub const SHINGLE_SEED: u64 = 0x6d69_6e67_612d_7368;

/// xxh3-64 (seed [`SHINGLE_SEED`]) of every word `ngram`-gram of `normalised`, in text order,
/// repeats included (MinHash only needs the set; keeping order lets callers count).
/// `ngram == 0` is treated as 1.
pub fn shingle_hashes(normalised: &str, ngram: usize) -> Vec<u64> {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    shingle_hashes_into(normalised, ngram, &mut starts, &mut out);
    out
}

/// [`shingle_hashes`] with reused buffers: `starts` is scratch space, `out` is cleared first.
pub fn shingle_hashes_into(
    normalised: &str,
    ngram: usize,
    starts: &mut Vec<usize>,
    out: &mut Vec<u64>,
) {
    out.clear();
    starts.clear();
    let bytes = normalised.as_bytes();
    if bytes.is_empty() {
        return;
    }
    // Word starts, plus one past the end as a sentinel "start" so word k ends at starts[k+1] - 1.
    starts.push(0);
    starts.extend(memchr::memchr_iter(b' ', bytes).map(|sp| sp + 1));
    starts.push(bytes.len() + 1);
    let words = starts.len() - 1;
    let n = ngram.max(1);
    if words <= n {
        out.push(xxh3_64_with_seed(bytes, SHINGLE_SEED));
        return;
    }
    out.reserve(words + 1 - n);
    for i in 0..=words - n {
        let span = &bytes[starts[i]..starts[i + n] - 1];
        out.push(xxh3_64_with_seed(span, SHINGLE_SEED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::normalise;

    fn h(s: &str) -> u64 {
        xxh3_64_with_seed(s.as_bytes(), SHINGLE_SEED)
    }

    #[test]
    fn ngrams_are_word_windows() {
        let t = normalise("Allin p'unchay, kuyasqa turay: imaynalla kachkanki?");
        let got = shingle_hashes(&t, 3);
        let want = vec![
            h("allin p'unchay kuyasqa"),
            h("p'unchay kuyasqa turay"),
            h("kuyasqa turay imaynalla"),
            h("turay imaynalla kachkanki"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn short_docs_give_one_whole_text_shingle() {
        assert_eq!(shingle_hashes("mba'éichapa", 5), vec![h("mba'éichapa")]);
        assert_eq!(
            shingle_hashes("bom dia a todos", 5),
            vec![h("bom dia a todos")]
        );
        // Exactly n words: one n-gram, equal to the whole text.
        assert_eq!(shingle_hashes("um dois três quatro cinco", 5).len(), 1);
        assert_eq!(shingle_hashes("um dois três quatro cinco seis", 5).len(), 2);
        assert!(shingle_hashes("", 5).is_empty());
    }

    #[test]
    fn unigrams_and_zero_ngram() {
        assert_eq!(shingle_hashes("a b a", 1), vec![h("a"), h("b"), h("a")]);
        assert_eq!(shingle_hashes("a b a", 0), shingle_hashes("a b a", 1));
    }

    #[test]
    fn word_split_respects_marks_and_apostrophes() {
        // If g + U+0303 or ch'aki were split, the 2-gram count would differ.
        let t = normalise("ko mbyg\u{303}ua ch'aki");
        assert_eq!(
            shingle_hashes(&t, 2),
            vec![h("ko mbyg\u{303}ua"), h("mbyg\u{303}ua ch'aki")]
        );
    }
}
