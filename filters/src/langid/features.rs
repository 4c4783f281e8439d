//! Text normalisation and hashed character n-gram features.
//!
//! A text is read as a sequence of *words*: maximal runs of letters, combining marks, apostrophes and
//! `+` (Wixárika writes the vowel ɨ as `+`: *ik+*, *ne+kie*). Everything else (spaces, digits,
//! punctuation, symbols, control characters) only separates words. Each word is NFC-normalised,
//! lower-cased, and every apostrophe variant (’ ‘ ʼ ʻ ´ ` ˈ ′ ꞌ) becomes `'`, because these marks
//! write glottal stops and ejectives (*jach'a*, *ch'aki*, *k'iche'*, Guarani *puso*) and are letters
//! of those languages, not punctuation. Sources disagree on which code point they use, so they must
//! all look the same to the model.
//!
//! Features are the character n-grams of `" w1 w2 w3 "` (words joined by single spaces, with a
//! leading and trailing space), hashed with a fixed multiplicative hash into `2^bits` buckets. Every
//! n-gram is attributed to the word whose character (or trailing space) ends it, so the same pass
//! serves whole-text detection and word-level span segmentation.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest supported n-gram order (the window of the rolling hash).
pub const MAX_ORDER: usize = 8;

const HASH_SEED: u64 = 0x6d69_6e67_615f_6c69; // "minga_li"
const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const FINAL_MUL: u64 = 0xD6E8_FEB8_6659_FD93;
const BOUNDARY: u32 = ' ' as u32;

/// True for every code point that minga treats as an apostrophe / glottal mark.
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' // ’
            | '\u{2018}' // ‘
            | '\u{02BC}' // ʼ modifier letter apostrophe
            | '\u{02BB}' // ʻ turned comma
            | '\u{00B4}' // ´ acute accent
            | '\u{0060}' // ` grave accent
            | '\u{02C8}' // ˈ vertical line (K'iche', Kaqchikel, Mam Bibles)
            | '\u{2032}' // ′ prime
            | '\u{A78C}' // ꞌ saltillo
    )
}

/// True for characters that belong to words (before normalisation).
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || c == '\'' || c == '+' || c == '`';
    }
    c.is_alphabetic() || is_combining_mark(c) || is_apostrophe(c)
}

/// True for letters proper (used by the `und` rules: `+` and apostrophes alone are not text).
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !is_apostrophe(c)
}

/// Appends the normalised (lower-cased, apostrophe-folded) form of one character.
#[inline]
fn push_folded(c: char, out: &mut Vec<u32>) {
    if c.is_ascii() {
        let c = if c == '`' { '\'' } else { c };
        out.push(c.to_ascii_lowercase() as u32);
    } else if is_apostrophe(c) {
        out.push('\'' as u32);
    } else {
        out.extend(c.to_lowercase().map(|l| l as u32));
    }
}

/// Normalises one word (`word` is a run of word characters) into code points.
pub fn normalise_word(word: &str, out: &mut Vec<u32>) {
    out.clear();
    if word.is_ascii() || is_nfc_quick(word.chars()) == IsNormalized::Yes {
        word.chars().for_each(|c| push_folded(c, out));
    } else {
        word.nfc().for_each(|c| push_folded(c, out));
    }
}

/// Byte ranges of the words of `text`, in order.
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Self {
        Words { text, pos: 0 }
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        let rest = self.text.get(self.pos..)?;
        let mut start = None;
        for (i, c) in rest.char_indices() {
            let word = is_word_char(c);
            match (start, word) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    self.pos += i;
                    return Some(self.pos - i + s..self.pos);
                }
                _ => {}
            }
        }
        let s = start?;
        let begin = self.pos + s;
        self.pos = bytes.len();
        Some(begin..bytes.len())
    }
}

/// The normalised text as minga's model sees it: words joined by single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = Vec::new();
    for w in Words::new(text) {
        normalise_word(&text[w], &mut buf);
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(buf.iter().filter_map(|&u| char::from_u32(u)));
    }
    out
}

/// Which n-grams become features, and how many hash buckets they fall into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureSpec {
    pub min_order: u8,
    pub max_order: u8,
    pub bucket_bits: u8,
    /// Let n-grams span the space between two words (`"a de"`) instead of restarting at each word.
    pub cross_words: bool,
    /// Drop combining marks (after canonical decomposition) from the words the features are taken
    /// from, so `puô̮ni` and `puoni` share n-grams. Indigenous languages are written in several
    /// orthographies that differ mostly in their diacritics (the Otomí of `langid/dev` is not the
    /// Otomí of `langid/train`). Costs 0.0006 macro accuracy on a held-out split of train (same
    /// orthography), gains 0.008 on dev (oto 0.49 -> 0.69); see bench/RESULTS-langid.md.
    pub fold_marks: bool,
    /// Score only n-grams that occur in some training text. In a hashed model an unseen n-gram
    /// still lands in a bucket, and that bucket's row belongs to whatever training n-grams share
    /// it: noise that votes for unrelated labels, and a lot of it when a text is written in an
    /// orthography the training text lacks.
    pub skip_unseen: bool,
}

impl FeatureSpec {
    /// The code points one word contributes to the feature stream under this spec.
    #[inline]
    pub fn word(&self, word: &str, out: &mut Vec<u32>) {
        if !self.fold_marks || word.is_ascii() {
            return normalise_word(word, out);
        }
        out.clear();
        word.nfd()
            .filter(|&c| !is_combining_mark(c))
            .for_each(|c| push_folded(c, out));
    }
}

/// Rolling hasher over the space-joined word stream; feed it words in order.
pub struct Hasher {
    spec: FeatureSpec,
    shift: u32,
    window: [u32; MAX_ORDER],
    len: usize,
}

impl Hasher {
    pub fn new(spec: FeatureSpec) -> Self {
        let mut h = Hasher {
            spec,
            shift: 64 - u32::from(spec.bucket_bits),
            window: [0; MAX_ORDER],
            len: 0,
        };
        h.reset();
        h
    }

    /// Starts a new text: the stream begins with the leading boundary space.
    pub fn reset(&mut self) {
        self.window = [0; MAX_ORDER];
        self.window[MAX_ORDER - 1] = BOUNDARY;
        self.len = 1;
    }

    /// Emits the bucket of every feature ending inside `word` or at the space after it.
    #[inline]
    pub fn word(&mut self, word: &[u32], mut emit: impl FnMut(u32)) {
        let shift = self.shift;
        self.word_hashes(word, |_, x| emit((x >> shift) as u32));
    }

    /// Emits `(order, 64-bit hash)` of every feature ending inside `word` or at the space after it;
    /// the bucket is the top `bucket_bits` bits of the hash.
    #[inline]
    pub fn word_hashes(&mut self, word: &[u32], mut emit: impl FnMut(usize, u64)) {
        if !self.spec.cross_words {
            self.reset();
        }
        for &c in word {
            self.push(c, &mut emit);
        }
        self.push(BOUNDARY, &mut emit);
    }

    /// [`Self::word_hashes`], telling for each feature whether a hasher restarted `fresh - 1`
    /// characters ago would emit it too. Such a hasher's window holds the same characters back to
    /// the boundary it restarted at, so it emits exactly the features of order up to its stream
    /// length, with the same hashes. `fresh` is that length: set it to 1 at a restart; it is kept
    /// up to date here. One pass then serves both the whole text (every feature) and text that
    /// restarts at line breaks (language spans).
    #[inline]
    pub fn word_hashes_fresh(
        &mut self,
        word: &[u32],
        fresh: &mut usize,
        mut emit: impl FnMut(usize, u64, bool),
    ) {
        if !self.spec.cross_words {
            self.reset();
            *fresh = 1;
        }
        for c in word.iter().copied().chain(std::iter::once(BOUNDARY)) {
            *fresh = (*fresh + 1).min(MAX_ORDER);
            let f = *fresh;
            self.push(c, &mut |n, x| emit(n, x, n <= f));
        }
    }

    #[inline]
    fn push(&mut self, c: u32, emit: &mut impl FnMut(usize, u64)) {
        self.window.copy_within(1.., 0);
        self.window[MAX_ORDER - 1] = c;
        self.len = (self.len + 1).min(MAX_ORDER);
        let max = usize::from(self.spec.max_order).min(self.len);
        let min = usize::from(self.spec.min_order).max(1);
        let mut h = HASH_SEED;
        for n in 1..=max {
            h = (h.rotate_left(5) ^ u64::from(self.window[MAX_ORDER - n])).wrapping_mul(HASH_MUL);
            // A lone space carries no information.
            if n >= min && !(n == 1 && c == BOUNDARY) {
                let x = (h ^ (h >> 31) ^ n as u64).wrapping_mul(FINAL_MUL);
                emit(n, x);
            }
        }
    }
}

/// Calls `emit` with the bucket of every feature of `text` (whole-text detection and training).
pub fn text_features(spec: FeatureSpec, text: &str, buf: &mut Vec<u32>, mut emit: impl FnMut(u32)) {
    let mut hasher = Hasher::new(spec);
    for w in Words::new(text) {
        spec.word(&text[w], buf);
        hasher.word(buf, &mut emit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: FeatureSpec = FeatureSpec {
        min_order: 1,
        max_order: 4,
        bucket_bits: 16,
        cross_words: true,
        fold_marks: false,
        skip_unseen: false,
    };

    fn features(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        text_features(SPEC, text, &mut Vec::new(), |b| out.push(b));
        out
    }

    #[test]
    fn apostrophe_variants_normalise_alike() {
        let forms = [
            "jach'a ch'aki",
            "jach’a ch‘aki",
            "jachʼa chˈaki",
            "jach´a ch`aki",
        ];
        for f in forms {
            assert_eq!(normalise(f), "jach'a ch'aki", "{f}");
            assert_eq!(features(f), features(forms[0]), "{f}");
        }
    }

    #[test]
    fn letters_with_diacritics_stay_inside_words() {
        assert_eq!(normalise("Ñande ỹ, g̃uahẽ: Ĩ ā!"), "ñande ỹ g̃uahẽ ĩ ā");
        // Wixárika ɨ written as `+` is part of the word; digits and punctuation are not.
        assert_eq!(normalise("ik+ muta, 1992 — ne+kie."), "ik+ muta ne+kie");
    }

    #[test]
    fn nfc_is_applied_before_features() {
        let decomposed = "n\u{0303}andu";
        assert_eq!(normalise(decomposed), "ñandu");
        assert_eq!(features(decomposed), features("ñandu"));
    }

    #[test]
    fn folding_marks_joins_orthographies_but_keeps_words_whole() {
        let fold = FeatureSpec {
            fold_marks: true,
            ..SPEC
        };
        let mut a = Vec::new();
        text_features(fold, "puô̮ni Ñande", &mut Vec::new(), |b| a.push(b));
        let mut b = Vec::new();
        text_features(fold, "puoni ñande", &mut Vec::new(), |x| b.push(x));
        assert_eq!(a, b);
        let mut w = Vec::new();
        fold.word("jach’a", &mut w);
        assert_eq!(
            String::from_iter(w.iter().filter_map(|&u| char::from_u32(u))),
            "jach'a"
        );
        // Words still end only at non-letters: the marks never split them.
        let words: Vec<_> = Words::new("g̃uahẽ ỹvy").collect();
        assert_eq!(words.len(), 2);
    }

    #[test]
    fn word_ranges_point_into_the_original_text() {
        let text = "¡Allin p’unchaw! 12 mba'e";
        let words: Vec<&str> = Words::new(text).map(|r| &text[r]).collect();
        assert_eq!(words, ["Allin", "p’unchaw", "mba'e"]);
    }

    #[test]
    fn case_and_separators_do_not_change_features() {
        assert_eq!(
            features("Mba'éichapa  reiko?"),
            features("mba'éichapa reiko")
        );
        assert_ne!(features("mba'éichapa reiko"), features("mbaéichapa reiko"));
    }

    #[test]
    fn feature_count_follows_orders() {
        // " ab " -> positions a, b, trailing space: orders 1..=4 limited by the window.
        // a: "a", " a" (2); b: "b", "ab", " ab" (3); space: "b ", "ab ", " ab " (3, lone space skipped)
        assert_eq!(features("ab").len(), 8);
        assert!(features("").is_empty());
        assert!(features(" ,;. 123 ").is_empty());
    }
}
