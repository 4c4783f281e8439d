//! Unicode-aware splitting of text into words and lines, shared by the quality signals, the
//! stop-word derivation and calibration so that all of them see the same words.
//!
//! A word is a maximal run of letters, digits and combining marks. Apostrophes stay inside a word
//! when a word character precedes them, so glottal stops and ejectives survive (`jach'a`, `ch'aki`,
//! `ñe'ẽ`, Yucatec `tene'`); a digit group separator between digits (`1.000,50`) also stays.
//! Hyphens, dashes and other punctuation split words.

/// Apostrophe-like characters that mark glottal stops or ejectives in indigenous orthographies.
/// `ʼ` (U+02BC), `ˈ` (U+02C8) and the saltillo `ꞌ` (U+A78C) are letters already; the ones here are
/// punctuation in Unicode and need the explicit rule.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}')
}

/// Combining marks (general category M). `char::is_alphanumeric` misses most of them, and
/// orthographies such as Hñähñu stack marks that NFC cannot compose (`ô̮` = `ô` + U+032E).
/// The blocks below cover the marks used by Latin-script orthographies; no crate is pulled in
/// for a full category table.
pub fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// A character that belongs to a word: letter, digit or combining mark.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// One word of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    /// Length in Unicode scalar values.
    pub chars: u32,
    /// Holds at least one alphabetic character (not only digits).
    pub alphabetic: bool,
}

/// Counts of whitespace-separated tokens of a line, next to the words reported to the callback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenCounts {
    /// Tokens holding no word character at all (`--`, `|`, `•`, `...`).
    pub symbol_tokens: u32,
}

/// Calls `on_word` for every word of `line` in order and returns the token counts.
pub fn scan_words<'a>(line: &'a str, mut on_word: impl FnMut(Word<'a>)) -> TokenCounts {
    let mut counts = TokenCounts::default();
    let mut token_has_word = false;
    let mut in_token = false;
    // Current word: start byte, chars, alphabetic flag, end byte of the accepted part.
    let mut word: Option<(usize, u32, bool)> = None;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            if let Some((start, n, alpha)) = word.take() {
                emit(line, start, i, n, alpha, &mut on_word);
            }
            if in_token && !token_has_word {
                counts.symbol_tokens += 1;
            }
            in_token = false;
            token_has_word = false;
            continue;
        }
        in_token = true;
        if is_word_char(c) {
            let alpha = !c.is_numeric();
            word = Some(match word {
                Some((start, n, a)) => (start, n + 1, a || alpha),
                None => (i, 1, alpha),
            });
            token_has_word = true;
            continue;
        }
        if let Some((start, n, alpha)) = word {
            let next = iter.peek().map(|&(_, d)| d);
            let next_is_word = next.is_some_and(is_word_char);
            if is_apostrophe(c) && alpha {
                // Inside (`jach'a`) or final glottal stop (`tene'`): both stay in the word.
                word = Some((start, n + 1, alpha));
                if next_is_word {
                    continue;
                }
                let end = i + c.len_utf8();
                emit(line, start, end, n + 1, alpha, &mut on_word);
                word = None;
                continue;
            }
            if matches!(c, '.' | ',') && next.is_some_and(|d| d.is_ascii_digit()) {
                let prev_digit = line[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_ascii_digit());
                if prev_digit {
                    word = Some((start, n + 1, alpha));
                    continue;
                }
            }
            emit(line, start, i, n, alpha, &mut on_word);
            word = None;
        }
    }
    if let Some((start, n, alpha)) = word {
        emit(line, start, line.len(), n, alpha, &mut on_word);
    }
    if in_token && !token_has_word {
        counts.symbol_tokens += 1;
    }
    counts
}

#[inline]
fn emit<'a>(
    line: &'a str,
    start: usize,
    end: usize,
    chars: u32,
    alphabetic: bool,
    on_word: &mut impl FnMut(Word<'a>),
) {
    on_word(Word {
        text: &line[start..end],
        chars,
        alphabetic,
    });
}

/// The words of `text` as owned strings (for tests, derivation and tools; the signal code
/// uses [`scan_words`] to avoid allocation).
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        scan_words(line, |w| out.push(w.text));
    }
    out
}

/// Lower-cases `word` into `buf` (cleared first) for case-insensitive look-ups.
pub fn lowercase_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// Line starts with a list bullet (Gopher counts `•` and `-`; the other bullet glyphs are
/// common in extracted web lists). Em and en dashes are left out: Spanish and Portuguese
/// dialogue lines start with them.
pub fn starts_with_bullet(line: &str) -> bool {
    line.starts_with([
        '•', '-', '*', '·', '●', '○', '◦', '▪', '■', '□', '‣', '∙', '➢', '➤', '►',
    ])
}

/// Line ends with an ellipsis (`...` or `…`).
pub fn ends_with_ellipsis(line: &str) -> bool {
    line.ends_with("...") || line.ends_with('…')
}

/// Line ends with terminal punctuation: FineWeb's set (`. ! ? " '`) plus the closing quotes,
/// guillemets and ellipsis of Spanish and Portuguese typography and CJK full stops.
pub fn ends_with_terminal_punct(line: &str) -> bool {
    line.ends_with([
        '.', '!', '?', '"', '\'', '»', '”', '’', '…', '。', '！', '？', '‼', '⁇',
    ])
}

/// Line ends with terminal punctuation or with `, ; : ) ]`: the line closes a clause, as verse
/// and dialogue lines do and navigation entries, tags and headings do not.
pub fn ends_with_punct(line: &str) -> bool {
    ends_with_terminal_punct(line) || line.ends_with([',', ';', ':', ')', ']'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_stay_inside_and_at_the_end_of_words() {
        assert_eq!(words("jach'a uta, ch'aki."), ["jach'a", "uta", "ch'aki"]);
        assert_eq!(
            words("Tene' kin pak'ik nal"),
            ["Tene'", "kin", "pak'ik", "nal"]
        );
        assert_eq!(words("Mba’éichapa ñe’ẽ"), ["Mba’éichapa", "ñe’ẽ"]);
        // A quote mark before a word is not part of it.
        assert_eq!(words("'hola' dijo"), ["hola'", "dijo"]);
    }

    #[test]
    fn diacritics_and_modifier_letters_are_word_characters() {
        // K'iche' with U+02BC, Hñähñu with a stacked combining breve below (U+032E).
        assert_eq!(words("chilaʼ kubʼij"), ["chilaʼ", "kubʼij"]);
        assert_eq!(words("bi puô\u{32E}ni nû"), ["bi", "puô\u{32E}ni", "nû"]);
        assert_eq!(words("¿Qué pasó?—dijo"), ["Qué", "pasó", "dijo"]);
    }

    #[test]
    fn numbers_keep_group_separators_and_count_as_non_alphabetic() {
        let mut seen = Vec::new();
        let counts = scan_words("pagó 1.000,50 pesos -- | el 3.", |w| seen.push(w));
        let texts: Vec<_> = seen.iter().map(|w| w.text).collect();
        assert_eq!(texts, ["pagó", "1.000,50", "pesos", "el", "3"]);
        assert!(!seen[1].alphabetic && seen[0].alphabetic);
        assert_eq!(seen[0].chars, 4);
        assert_eq!(counts.symbol_tokens, 2);
    }

    #[test]
    fn line_shapes() {
        assert!(starts_with_bullet("- item"));
        assert!(starts_with_bullet("• item"));
        assert!(!starts_with_bullet("—Sí, señor."));
        assert!(ends_with_ellipsis("y entonces..."));
        assert!(ends_with_ellipsis("kaptinllanmi …"));
        assert!(ends_with_terminal_punct("—¿Qué?"));
        assert!(ends_with_terminal_punct("«Jeʼ nakʼut».") && ends_with_terminal_punct("dijo »"));
        assert!(!ends_with_terminal_punct("Capítulo II"));
    }

    #[test]
    fn lowercase_handles_non_ascii() {
        let mut buf = String::new();
        lowercase_into("ÁRANIKO", &mut buf);
        assert_eq!(buf, "áraniko");
        lowercase_into("The", &mut buf);
        assert_eq!(buf, "the");
    }
}
