//! Pre-tokenisation shared by training and the fast encoder: NFC, the split pattern and the GPT-2
//! byte-level alphabet.
//!
//! The split pattern is GPT-4/Llama-3 style with two changes for the languages minga serves:
//! combining marks (`\p{M}`) count as letters, so Guarani *g̃* (g + U+0303, which has no precomposed
//! form) stays inside its word; and an apostrophe (`'` or `’`) between letters stays inside the word,
//! because in Quechua, Aymara, Guarani and the Mayan languages it writes a glottal stop or an ejective
//! (*jach'a*, *ch'aki*, *ko’ã*, *k'iche'*). English contractions are therefore no separate alternative.
//!
//! `tokenizer.json` carries [`SPLIT_PATTERN`] for HF tokenizers (Oniguruma, with a `(?!\S)`
//! look-ahead). Our own splitter uses the `regex` crate, which has no look-ahead, so it matches
//! [`RUST_PATTERN`] and applies the look-ahead by hand (see [`split_words`]); tests check both give
//! the same pieces.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use tokenizers::normalizers::unicode::NFC;
use tokenizers::{NormalizedString, Normalizer};
use unicode_normalization::{is_nfc_quick, IsNormalized};

/// The pre-tokenizer split pattern written into `tokenizer.json` (Oniguruma syntax).
pub const SPLIT_PATTERN: &str = r"[^\r\n\p{L}\p{M}\p{N}]?[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}{1,3}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// [`SPLIT_PATTERN`] without the `\s+(?!\S)` alternative, which [`split_words`] applies by hand.
const RUST_PATTERN: &str = r"[^\r\n\p{L}\p{M}\p{N}]?[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}{1,3}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+";

fn rust_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The pattern is a constant checked by the tests, so building it cannot fail at run time.
    RE.get_or_init(|| Regex::new(RUST_PATTERN).unwrap_or_else(|e| panic!("RUST_PATTERN: {e}")))
}

/// Calls `f` with each pre-token of `text`, in order; the pieces concatenate back to `text`.
pub fn split_words<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        match crate::scan::match_ascii(bytes, pos) {
            Some(end) => {
                f(&text[pos..end]);
                pos = end;
            }
            None => pos = regex_match(text, pos, &mut f),
        }
    }
}

/// The regex-only splitter (what [`split_words`] falls back to), for checking the ASCII scanner.
pub fn split_words_regex<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let mut pos = 0;
    while pos < text.len() {
        pos = regex_match(text, pos, &mut f);
    }
}

/// Emits the piece that starts at `pos` and returns where the next one starts.
fn regex_match<'a>(text: &'a str, pos: usize, f: &mut impl FnMut(&'a str)) -> usize {
    let re = rust_regex();
    {
        let Some(m) = re.find_at(text, pos) else {
            f(&text[pos..]);
            return text.len();
        };
        if m.start() > pos {
            // Every character matches some alternative, so this gap cannot occur; emitting it keeps
            // the pieces complete (HF's `Isolated` split emits gaps too).
            f(&text[pos..m.start()]);
        }
        let piece = m.as_str();
        let mut end = m.end();
        // The last alternative `\s+`: HF tries `\s+(?!\S)` first, which gives back the final
        // whitespace character when a non-space follows, so it can prefix the next word.
        if end < text.len() && is_plain_space_run(piece) {
            if let Some((last, _)) = piece.char_indices().last() {
                if last > 0 {
                    end = m.start() + last;
                }
            }
        }
        f(&text[m.start()..end]);
        end
    }
}

/// True for a whitespace-only piece that does not end in a line break: only the `\s+` alternative
/// yields one (`\s*[\r\n]+` always ends in `\r` or `\n`, the others hold a non-space).
fn is_plain_space_run(piece: &str) -> bool {
    !piece.ends_with(['\r', '\n']) && piece.chars().all(char::is_whitespace)
}

/// NFC as HF tokenizers computes it. Text that is already NFC (nearly all of it) is borrowed; the
/// rest goes through HF's own normaliser, so the fast encoder gives the same result byte for byte.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    let mut n = NormalizedString::from(text);
    match NFC.normalize(&mut n) {
        Ok(()) => Cow::Owned(n.get().to_owned()),
        // NFC normalisation in HF cannot fail; keep the text rather than lose it.
        Err(_) => Cow::Borrowed(text),
    }
}

/// GPT-2's byte-to-character map: printable bytes map to themselves, the rest to U+0100 onwards.
pub fn byte_chars() -> &'static [char; 256] {
    static TABLE: OnceLock<[char; 256]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = ['\0'; 256];
        let mut next = 256u32;
        for b in 0..=255u8 {
            let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
            let cp = if printable {
                u32::from(b)
            } else {
                next += 1;
                next - 1
            };
            table[usize::from(b)] = char::from_u32(cp).unwrap_or('\u{FFFD}');
        }
        table
    })
}

/// The byte-level spelling of `word` (what HF's ByteLevel pre-tokenizer turns it into).
pub fn to_byte_level(word: &str) -> String {
    let table = byte_chars();
    word.bytes().map(|b| table[usize::from(b)]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
    use tokenizers::{OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer};

    fn ours(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        split_words(text, |w| v.push(w.to_string()));
        v
    }

    fn hf(text: &str) -> Vec<String> {
        let split = Split::new(
            SplitPattern::Regex(SPLIT_PATTERN.into()),
            tokenizers::SplitDelimiterBehavior::Isolated,
            false,
        )
        .unwrap();
        let mut pts = PreTokenizedString::from(text);
        split.pre_tokenize(&mut pts).unwrap();
        pts.get_splits(OffsetReferential::Original, OffsetType::Byte)
            .into_iter()
            .map(|(s, _, _)| s.to_string())
            .collect()
    }

    #[test]
    fn splits_like_oniguruma() {
        let cases = [
            "Ñande ko’ã mba’e, jach'a ch'aki: ¿qué tal?  Muy  bien.\n\n  Y tú\t\tno.",
            "g̃uahẽ mbyg̃ ỹ kuña   123456 7,5% ...\r\n\r\n   \n x",
            "trailing spaces   ",
            "  leading and a\u{00A0}nbsp\u{2003}em space\u{3000}中文字符 مرحبا بالعالم 😀🎉!",
            "NUL\u{0}byte, tab\t. ' quoted 'word' it's k'iche' rock’n’roll ''double''",
            "\u{301}combining first, 3.14159 and 1000000 and ٣٤٥٦",
        ];
        for c in cases {
            assert_eq!(ours(c), hf(c), "case {c:?}");
            let mut slow = Vec::new();
            split_words_regex(c, |w| slow.push(w.to_string()));
            assert_eq!(ours(c), slow, "case {c:?}");
            assert_eq!(ours(c).concat(), c);
        }
    }

    #[test]
    fn ascii_scanner_agrees_with_the_regex_on_random_text() {
        let alphabet: Vec<char> =
            "aZq09  \t\n\r\r\n'’.,-\"\u{0}\u{b}\u{c}ñ\u{303}\u{a0}\u{2003}中٣😀x"
                .chars()
                .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..30_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let mut fast = Vec::new();
            split_words(&text, |w| fast.push(w));
            let mut slow = Vec::new();
            split_words_regex(&text, |w| slow.push(w));
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn keeps_glottal_stops_and_combining_marks_inside_words() {
        assert_eq!(ours("jach'a ko’ã"), vec!["jach'a", " ko’ã"]);
        assert_eq!(ours("mbyg̃ue"), vec!["mbyg̃ue"]);
        assert_eq!(ours("a  b"), vec!["a", " ", " b"]);
    }

    #[test]
    fn byte_level_alphabet_is_gpt2s() {
        let t = byte_chars();
        assert_eq!(t[b'a' as usize], 'a');
        assert_eq!(t[b' ' as usize], 'Ġ');
        assert_eq!(t[b'\n' as usize], 'Ċ');
        let mut all: Vec<char> = t.to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 256);
        assert_eq!(to_byte_level(" ñ"), "ĠÃ±");
    }

    #[test]
    fn nfc_composes_and_borrows_when_already_nfc() {
        assert!(matches!(nfc("kuña"), Cow::Borrowed(_)));
        assert_eq!(nfc("kun\u{303}a"), "kuña");
        assert_eq!(nfc("g\u{303}"), "g\u{303}");
    }
}
