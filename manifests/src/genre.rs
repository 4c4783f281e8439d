//! Genre flags for the data card: religious text (Bible references, verse numbering) and legal
//! text (article numbering). In public corpora Bible text is much of several indigenous-language
//! subsets, so the card shows its share per language.

use std::sync::OnceLock;

use regex::Regex;

/// Bible book names in Spanish, Portuguese and English (accented and plain spellings).
const BOOKS: &str = "G[ée]nesis|G[êe]nesis|[ÉE]xodo|[ÊE]xodo|Exodus|Lev[íi]tico|Leviticus|N[úu]meros|Numbers|\
Deuteronom(?:io|[ôo]mio|y)|Josu[ée]|Joshua|Jueces|Ju[íi]zes|Judges|Rut|Ruth|Samuel|Reyes|Reis|Kings|\
Cr[óô]nicas|Chronicles|Salmos?|Psalms?|Prov[ée]rbios|Proverbs|Isa[íi]as|Isaiah|Jerem[íi]as|Jeremiah|\
Ezequiel|Ezekiel|Daniel|Mateo|Mateus|Matthew|Marcos|Mark|Lucas|Luke|Juan|Jo[ãa]o|John|Hechos|Atos|Acts|\
Romanos|Romans|Cor[íi]ntios|Corinthians|G[áa]latas|Galatians|Ef[ée]sios|Ephesians|Hebreos|Hebreus|\
Hebrews|Apocalipsis|Apocalipse|Revelation";

/// Bible references without their word boundaries: a Unicode `\b` keeps a pattern off the regex
/// crate's fast engines for any non-ASCII text, so the boundaries are checked in [`bounded`].
fn book_ref() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(r"(?:[1-3]\s?)?(?:{BOOKS})\s+\d{{1,3}}:\d{{1,3}}"))
            .unwrap_or_else(|_| never())
    })
}

fn verse_line() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?m)^\s*\d{1,3}:\d{1,3}\s+\p{L}").unwrap_or_else(|_| never()))
}

/// Article numbering; its leading word boundary is checked in [`bounded`].
fn article() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:Art[íi]culo|ARTÍCULO|ARTICULO|Artigo|ARTIGO|Article|Art\.)\s*\d+\s*[º°ª]?")
            .unwrap_or_else(|_| never())
    })
}

/// The patterns above are constants checked by the unit tests; a regex that fails to compile is
/// a programming error, never an input-dependent one.
fn never() -> Regex {
    unreachable!("constant genre pattern does not compile")
}

/// A word character as the regex crate's Unicode `\w` nearly has it (letters, digits, `_`).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `re` matches somewhere that starts at a word boundary (and, with `end_boundary`,
/// ends at one): what `\b…\b` around the pattern would ask. A candidate that fails is retried
/// one character further on, so no bounded match is missed.
fn bounded(re: &Regex, text: &str, end_boundary: bool) -> bool {
    let mut from = 0;
    while let Some(m) = re.find_at(text, from) {
        let first = text[m.start()..].chars().next();
        let before = text[..m.start()].chars().next_back();
        let last = text[..m.end()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let starts = first.is_some_and(is_word) != before.is_some_and(is_word);
        let ends = last.is_some_and(is_word) != after.is_some_and(is_word);
        if starts && (ends || !end_boundary) {
            return true;
        }
        from = m.start() + first.map_or(1, char::len_utf8);
    }
    false
}

/// Genre flags of one text.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Genre {
    pub religious: bool,
    pub legal: bool,
}

/// Religious: a Bible reference (`Juan 3:16`, `1 Corintios 13:4`) or two lines opening with verse
/// numbers (`1:1 En el principio`). Legal: article numbering (`Artículo 12`, `Art. 5º`).
pub fn classify(text: &str) -> Genre {
    // Both religious patterns need a digit, ':' and a digit: most texts are ruled out without
    // running them.
    let religious = has_digit_colon_digit(text)
        && (bounded(book_ref(), text, true) || verse_line().find_iter(text).nth(1).is_some());
    Genre {
        religious,
        legal: bounded(article(), text, false),
    }
}

/// Whether some ':' stands between two numeric characters (a superset of the patterns' `\d:\d`:
/// `char::is_numeric` covers every Unicode digit `\d` matches).
fn has_digit_colon_digit(text: &str) -> bool {
    memchr::memchr_iter(b':', text.as_bytes()).any(|i| {
        let before = text[..i].chars().next_back();
        let after = text[i + 1..].chars().next();
        before.is_some_and(char::is_numeric) && after.is_some_and(char::is_numeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bible_references_and_verse_numbering_are_religious() {
        assert!(classify("Como dice Juan 3:16, porque de tal manera amó Dios al mundo").religious);
        assert!(classify("Leia 1 Coríntios 13:4 hoje").religious);
        assert!(classify("1:1 En el principio creó Dios\n1:2 Y la tierra estaba").religious);
        assert!(!classify("Juan llegó a las 10:30 al mercado de Cusco").religious);
        assert!(!classify("Ñande ñe'ẽ guaraní oñeñe'ẽ Paraguáipe").religious);
        // Digits of any script, as the patterns' `\d` takes them.
        assert!(classify("Juan ٣:١٦ dice").religious);
        assert!(!classify("Juan 3: 16 dice").religious);
    }

    #[test]
    fn article_numbering_is_legal() {
        assert!(classify("Artículo 12. Toda persona tiene derecho").legal);
        assert!(classify("conforme o Art. 5º da Constituição").legal);
        assert!(classify("O Artigo 3 determina").legal);
        assert!(!classify("Escribió un artículo sobre la papa nativa").legal);
    }
}
