//! Text normalisation for dedup, and the exact-duplicate key.
//!
//! `normalise` lower-cases, applies NFC and folds everything that is not part of a word into a
//! single space. A word is a run of letters, digits and combining marks (so Guarani `g` + U+0303, whose
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

/// Character classes of the folding pass.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    Separator,
    Word,
    Apostrophe,
}

fn ascii_class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => Class::Word,
        b'\'' | b'`' => Class::Apostrophe,
        _ => Class::Separator,
    }
}

fn char_class(c: char) -> Class {
    match c {
        // U+02BC is a letter (Lm) to Unicode, but orthographies use it exactly like `'` and `’`.
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' => Class::Apostrophe,
        _ if c.is_alphanumeric() || is_combining_mark(c) => Class::Word,
        _ => Class::Separator,
    }
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
    out.clear();
    // Documents are NFC from ingest, so the quick check almost always says yes and costs one scan.
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        fold(text, out);
    } else {
        let nfc: String = text.nfc().collect();
        fold(&nfc, out);
    }
    // Lower-casing NFC text can (rarely, e.g. `İ`) give a decomposed sequence: re-check.
    if !out.is_ascii() && is_nfc_quick(out.chars()) != IsNormalized::Yes {
        let nfc: String = out.nfc().collect();
        *out = nfc;
    }
}

/// The folding pass over NFC text: one state machine over characters, ASCII without decoding.
fn fold(text: &str, out: &mut String) {
    let mut in_word = false;
    let mut need_space = false;
    let mut pending_apostrophe = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (class, c) = if b < 0x80 {
            i += 1;
            (ascii_class(b), b.to_ascii_lowercase() as char)
        } else {
            // `i` is always at a char boundary: it only advances by whole UTF-8 sequences.
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            i += c.len_utf8();
            (char_class(c), c)
        };
        match class {
            Class::Word => {
                if pending_apostrophe {
                    out.push('\'');
                    pending_apostrophe = false;
                } else if need_space {
                    out.push(' ');
                    need_space = false;
                }
                if c.is_ascii() {
                    out.push(c);
                } else {
                    out.extend(c.to_lowercase());
                }
                in_word = true;
            }
            Class::Apostrophe if in_word && !pending_apostrophe => pending_apostrophe = true,
            _ => {
                need_space |= in_word;
                in_word = false;
                pending_apostrophe = false;
            }
        }
    }
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
        // Guarani g + U+0303 has no precomposed form: g + U+0303 must stay one word.
        assert_eq!(normalise("Mbyg\u{303}ua"), "mbyg\u{303}ua");
        assert_eq!(normalise("Mbyg\u{303}ua").split(' ').count(), 1);
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

    #[test]
    fn buffer_is_reused_and_cleared() {
        let mut buf = String::from("stale");
        normalise_into("Nuevo texto", &mut buf);
        assert_eq!(buf, "nuevo texto");
    }
}
