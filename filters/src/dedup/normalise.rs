//! Text normalisation for dedup, and the exact-duplicate key.
//!
//! `normalise` lower-cases, applies NFC and folds everything that is not part of a word into a
//! single space. A word is a run of letters, digits and combining marks (so Guarani `g̃`, whose
//! tilde has no precomposed form, stays whole, and `ỹ`, `ĩ`, macrons and accents are kept). An
//! apostrophe between two word characters is part of the word: it marks ejectives and glottal
//! stops in Quechua and Aymara (`jach'a`, `ch'aki`) and the puso in Guarani (`ñe'ẽ`). All apostrophe
//! glyphs in that position (`'`, `’`, `‘`, `ʼ`, `` ` ``, `´`) are folded to ASCII `'`, since
//! orthographies and keyboards use them interchangeably. Elsewhere an apostrophe is punctuation.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use xxhash_rust::xxh3::xxh3_128_with_seed;

/// Seed of the exact-duplicate key: the ASCII bytes of "minga-ex".
pub const EXACT_SEED: u64 = 0x6d69_6e67_612d_6578;

/// Bytes of the ASCII fast path: a word byte maps to its lower-case form (always >= b'0'),
/// an apostrophe to `APOSTROPHE`, anything else to `SEPARATOR`.
const SEPARATOR: u8 = 0;
const APOSTROPHE: u8 = 1;
const ASCII: [u8; 128] = {
    let mut t = [SEPARATOR; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' | b'0'..=b'9' => c,
            b'A'..=b'Z' => c + 32,
            b'\'' | b'`' => APOSTROPHE,
            _ => SEPARATOR,
        };
        b += 1;
    }
    t
};

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Separator,
    Word,
    Apostrophe,
}

fn char_class(c: char) -> Class {
    match c {
        // U+02BC is a letter (Lm) to Unicode, but orthographies use it exactly like `'` and `’`.
        '\'' | '`' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' => Class::Apostrophe,
        _ if c.is_alphanumeric() || is_combining_mark(c) => Class::Word,
        _ => Class::Separator,
    }
}

/// Whether `text` is NFC. Every character below U+0300 is NFC quick-check "yes" with combining
/// class 0 (checked by a test), so it resets the quick check's state: only the runs of characters
/// at or above U+0300 (em dashes, curly quotes, Guarani `ẽ`, combining marks) need the Unicode
/// tables. Their UTF-8 lead bytes are 0xCC or more, and no continuation byte is.
fn is_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(start) = find_high_lead(bytes, i) {
        let len: usize = text[start..]
            .chars()
            .take_while(|&c| c >= '\u{300}')
            .map(char::len_utf8)
            .sum();
        if is_nfc_quick(text[start..start + len].chars()) != IsNormalized::Yes {
            return false;
        }
        i = start + len.max(1);
    }
    true
}

/// Position of the first byte >= 0xCC at or after `from`, skipping 32-byte blocks whose maximum
/// is below (a loop the compiler vectorises).
fn find_high_lead(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 32 <= bytes.len() && bytes[i..i + 32].iter().fold(0u8, |m, &b| m.max(b)) < 0xCC {
        i += 32;
    }
    bytes[i..]
        .iter()
        .position(|&b| b >= 0xCC)
        .map(|off| i + off)
}

/// Normalised form of `text`: lower-case NFC words separated by single spaces, with no leading or
/// trailing space (see the module docs for what a word is).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// [`normalise`] into a reused buffer (cleared first), so a hot loop does not allocate.
pub fn normalise_into(text: &str, out: &mut String) {
    let mut buf = std::mem::take(out).into_bytes();
    buf.clear();
    // Documents are NFC from ingest, so this is almost always one fast scan.
    if is_nfc(text) {
        fold(text, &mut buf);
    } else {
        let nfc: String = text.nfc().collect();
        fold(&nfc, &mut buf);
    }
    debug_assert!(std::str::from_utf8(&buf).is_ok());
    // SAFETY: `fold` writes only ASCII bytes and whole `char::encode_utf8` sequences, so `buf` is
    // UTF-8 (checked in debug builds, so by the tests). Validating again cost 5% of the step.
    *out = unsafe { String::from_utf8_unchecked(buf) };
    // Lower-casing NFC text can (rarely, e.g. `İ`) give a decomposed sequence: re-check.
    if !is_nfc(out) {
        let nfc: String = out.nfc().collect();
        *out = nfc;
    }
}

/// Class and single-character lower-case form of U+0080..U+07FF (two-byte UTF-8: Latin-1,
/// Latin Extended, IPA, combining diacritics, Greek, Cyrillic, ...), computed once from the same
/// rules as [`char_class`] so the common accented letters skip the Unicode table searches.
/// `None` marks a character whose lower case is several characters.
static TWO_BYTE: std::sync::LazyLock<Vec<(Class, Option<char>)>> = std::sync::LazyLock::new(|| {
    (0x80u32..0x800)
        .map(|cp| {
            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
            let mut lower = c.to_lowercase();
            let single = match (lower.next(), lower.next()) {
                (Some(l), None) => Some(l),
                _ => None,
            };
            (char_class(c), single)
        })
        .collect()
});

/// The folding pass over NFC text. ASCII letters, digits and separators take a branch-free path:
/// each byte writes its lower-case form or a space, and the write position only advances for a
/// word byte or the first separator after a word, so runs of separators become one space. Other
/// characters, apostrophes and a pending apostrophe take the general path. An apostrophe after a
/// word character is written at once and turned into a space if no word character follows.
fn fold(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    out.clear();
    out.resize(bytes.len() + 8, 0);
    let two_byte = &*TWO_BYTE;
    let (mut pos, mut prev_word, mut apostrophe) = (0usize, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && ASCII[b as usize] != APOSTROPHE && !apostrophe {
            let t = ASCII[b as usize];
            let word = t != SEPARATOR;
            out[pos] = if word { t } else { b' ' };
            pos += (word | prev_word) as usize;
            prev_word = word;
            i += 1;
            continue;
        }
        let (class, c) = if b < 0x80 {
            i += 1;
            match ASCII[b as usize] {
                SEPARATOR => (Class::Separator, ' '),
                APOSTROPHE => (Class::Apostrophe, '\''),
                t => (Class::Word, t as char),
            }
        } else {
            // `i` is always at a char boundary: it only advances by whole UTF-8 sequences.
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            i += c.len_utf8();
            match two_byte.get((c as usize).wrapping_sub(0x80)) {
                Some(&(class, _)) => (class, c),
                None => (char_class(c), c),
            }
        };
        match class {
            Class::Word => {
                // Room for this character's lower case (at most 3 characters) and, at one byte
                // each, the rest of the input: the fast path never writes out of bounds.
                let need = pos + 12 + (bytes.len() - i);
                if out.len() < need {
                    out.resize(need, 0);
                }
                pos += write_lower(c, two_byte, &mut out[pos..]);
                apostrophe = false;
                prev_word = true;
            }
            Class::Apostrophe if prev_word => {
                out[pos] = b'\'';
                pos += 1;
                apostrophe = true;
                prev_word = false;
            }
            Class::Apostrophe | Class::Separator => {
                if apostrophe {
                    out[pos - 1] = b' ';
                } else if prev_word {
                    out[pos] = b' ';
                    pos += 1;
                }
                apostrophe = false;
                prev_word = false;
            }
        }
    }
    if apostrophe {
        out[pos - 1] = b' ';
    }
    if pos > 0 && out[pos - 1] == b' ' {
        pos -= 1;
    }
    out.truncate(pos);
}

/// Writes the lower case of `c` at the start of `out` (which has room for 12 bytes) and returns
/// the bytes written.
fn write_lower(c: char, two_byte: &[(Class, Option<char>)], out: &mut [u8]) -> usize {
    if c.is_ascii() {
        out[0] = c as u8;
        return 1;
    }
    if let Some(&(_, Some(l))) = two_byte.get((c as usize).wrapping_sub(0x80)) {
        return l.encode_utf8(out).len();
    }
    let mut n = 0;
    for l in c.to_lowercase() {
        n += l.encode_utf8(&mut out[n..]).len();
    }
    n
}

/// Exact-duplicate key: xxh3-128 of the normalised text with [`EXACT_SEED`]. Texts that differ only
/// in case, punctuation, spacing or Unicode composition share a key.
pub fn exact_key(text: &str) -> u128 {
    exact_key_normalised(&normalise(text))
}

/// [`exact_key`] of text that is already normalised.
pub fn exact_key_normalised(normalised: &str) -> u128 {
    xxh3_128_with_seed(normalised.as_bytes(), EXACT_SEED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_and_folds_punctuation() {
        assert_eq!(normalise("¡Hola, Mundo!  ¿Qué tal?"), "hola mundo qué tal");
        assert_eq!(
            normalise("A Constituição -- art. 5º"),
            "a constituição art 5º"
        );
        assert_eq!(normalise("  \n\n..."), "");
        assert_eq!(normalise("uno\n\ndos\tTRES"), "uno dos tres");
    }

    #[test]
    fn keeps_apostrophes_inside_words_and_folds_their_glyphs() {
        // Aymara and Quechua ejectives, Guarani puso.
        assert_eq!(
            normalise("Jach'a uta, ch’aki p'unchay"),
            "jach'a uta ch'aki p'unchay"
        );
        assert_eq!(normalise("ñeʼẽ"), "ñe'ẽ");
        assert_eq!(normalise("ñe´ẽ"), normalise("ñe'ẽ"));
        // At word edges or doubled, an apostrophe is punctuation.
        assert_eq!(normalise("'quoted' words'' x''y"), "quoted words x y");
    }

    #[test]
    fn keeps_nasal_tildes_macrons_and_combining_marks() {
        assert_eq!(normalise("Avañeẽ ỸVY"), "avañeẽ ỹvy");
        assert_eq!(normalise("Ĩ ā Ō"), "ĩ ā ō");
        // Guarani g̃ has no precomposed form: g followed by U+0303 must stay one word.
        assert_eq!(normalise("Mbyg\u{303}ua"), "mbyg\u{303}ua");
        assert_eq!(normalise("Mbyg\u{303}ua").split(' ').count(), 1);
    }

    #[test]
    fn output_stays_nfc_when_lower_casing_decomposes() {
        // U+0130 lower-cases to i + U+0307, which has no precomposed form.
        let out = normalise("İSTANBUL Ǆ");
        assert_eq!(out, "i\u{307}stanbul ǆ");
        assert!(unicode_normalization::is_nfc(&out));
    }

    #[test]
    fn characters_below_u0300_never_affect_nfc() {
        // The assumption behind `is_nfc`'s fast scan.
        for c in (0u32..0x300).filter_map(char::from_u32) {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
        }
        assert!(is_nfc("—¿Qué? —dijo ñe'ẽ"));
        assert!(!is_nfc("que\u{301}"));
        assert!(!is_nfc("— a\u{301}"));
    }

    #[test]
    fn applies_nfc() {
        let decomposed = "cancio\u{301}n y ac\u{327}a\u{303}o";
        assert_eq!(normalise(decomposed), "canción y ação");
        assert_eq!(exact_key(decomposed), exact_key("Canción y ação"));
    }

    #[test]
    fn exact_key_ignores_case_and_punctuation_only() {
        let a = exact_key("El río, la montaña.");
        assert_eq!(a, exact_key("el RÍO la montaña"));
        assert_ne!(a, exact_key("el rio la montana"));
        assert_ne!(a, exact_key("la montaña el río"));
        assert_ne!(exact_key(""), exact_key("a"));
    }

    /// The definition, written plainly: words are runs of word characters, joined across single
    /// apostrophes that sit between two word characters.
    fn reference(text: &str) -> String {
        let chars: Vec<char> = text.nfc().collect();
        let class = |i: usize| chars.get(i).map(|&c| char_class(c));
        let mut words: Vec<String> = Vec::new();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            match char_class(c) {
                Class::Word => cur.extend(c.to_lowercase()),
                Class::Apostrophe
                    if !cur.is_empty()
                        && class(i - 1) == Some(Class::Word)
                        && class(i + 1) == Some(Class::Word) =>
                {
                    cur.push('\'')
                }
                _ => words.extend((!cur.is_empty()).then(|| std::mem::take(&mut cur))),
            }
        }
        words.extend((!cur.is_empty()).then_some(cur));
        words.join(" ").nfc().collect()
    }

    #[test]
    fn fast_paths_agree_with_the_plain_definition() {
        let pieces = [
            "a", "B", "ñ", "Á", "ẽ", "'", "’", " ", ",", "—", "9", "ʼ", "\u{303}", "İ", "..", "`",
            "\n\n", "Ω", "ǅ", "´", "x", "Ⱥ", "😀", "\u{301}",
        ];
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut lengths = 0;
        for _ in 0..3000 {
            let len = next() % 24;
            lengths += len;
            let text: String = (0..len).map(|_| pieces[next() % pieces.len()]).collect();
            assert_eq!(normalise(&text), reference(&text), "{text:?}");
        }
        assert!(lengths > 3000 * 10, "the generator must vary the input");
    }

    #[test]
    fn buffer_is_reused_and_cleared() {
        let mut buf = String::from("stale");
        normalise_into("Nuevo texto", &mut buf);
        assert_eq!(buf, "nuevo texto");
    }
}
