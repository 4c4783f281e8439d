//! Keywords just before a candidate ("RUT", "D.N.I. N°", "tel.:"), which either confirm a kind
//! that has no check digit (DNI) or lift a weak shape (bare digits, a local phone number).
//!
//! The window is the last few words within [`WINDOW`] bytes before the candidate. Words are
//! lower-cased, accents are folded and dotted abbreviations are joined ("C.U.I.T." -> "cuit").

use super::PiiKind;

/// Bytes looked at before a candidate: enough for "documento nacional de identidad N° ".
const WINDOW: usize = 44;
/// Words looked at, counted back from the candidate.
const LAST_WORDS: usize = 4;

/// Keyword -> kind. Words are compared whole, after folding.
const KEYWORDS: &[(&str, PiiKind)] = &[
    ("rut", PiiKind::Rut),
    ("run", PiiKind::Rut),
    ("cpf", PiiKind::Cpf),
    ("cnpj", PiiKind::Cnpj),
    ("curp", PiiKind::Curp),
    ("rfc", PiiKind::Rfc),
    ("cuit", PiiKind::Cuit),
    ("cuil", PiiKind::Cuit),
    ("dni", PiiKind::Dni),
    ("documento", PiiKind::Dni),
    ("doc", PiiKind::Dni),
    ("cedula", PiiKind::Dni),
    ("identidad", PiiKind::Dni),
    ("identidade", PiiKind::Dni),
    ("ci", PiiKind::Dni),
    ("rg", PiiKind::Dni),
    ("ruc", PiiKind::Ruc),
    ("nit", PiiKind::Nit),
    ("tel", PiiKind::Phone),
    ("telf", PiiKind::Phone),
    ("tfno", PiiKind::Phone),
    ("telefono", PiiKind::Phone),
    ("telefone", PiiKind::Phone),
    ("telefonos", PiiKind::Phone),
    ("telefones", PiiKind::Phone),
    ("fono", PiiKind::Phone),
    ("celular", PiiKind::Phone),
    ("cel", PiiKind::Phone),
    ("movil", PiiKind::Phone),
    ("whatsapp", PiiKind::Phone),
    ("fax", PiiKind::Phone),
];

/// Set of kinds whose keyword precedes a candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Keywords(u16);

impl Keywords {
    pub fn has(self, kind: PiiKind) -> bool {
        self.0 & (1 << kind as u16) != 0
    }

    fn insert(&mut self, kind: PiiKind) {
        self.0 |= 1 << kind as u16;
    }

    #[cfg(test)]
    pub fn of(kinds: &[PiiKind]) -> Keywords {
        let mut k = Keywords::default();
        for &x in kinds {
            k.insert(x);
        }
        k
    }
}

/// Keywords before a position, computed on first use: most numbers never need them.
pub(crate) struct LazyKeywords<'a> {
    text: &'a str,
    at: usize,
    got: Option<Keywords>,
}

impl<'a> LazyKeywords<'a> {
    pub fn new(text: &'a str, at: usize) -> Self {
        LazyKeywords {
            text,
            at,
            got: None,
        }
    }

    pub fn get(&mut self) -> Keywords {
        *self
            .got
            .get_or_insert_with(|| keywords_before(self.text, self.at))
    }
}

/// Lower-case ASCII letter for a Latin letter, accents folded; `None` for anything else.
fn fold(c: char) -> Option<char> {
    let c = match c {
        'a'..='z' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'á' | 'à' | 'â' | 'ã' | 'Á' | 'À' | 'Â' | 'Ã' => 'a',
        'é' | 'ê' | 'É' | 'Ê' => 'e',
        'í' | 'Í' => 'i',
        'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
        'ú' | 'ü' | 'Ú' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        _ => return None,
    };
    Some(c)
}

/// Kinds named by the words just before byte `start` of `text`.
pub(crate) fn keywords_before(text: &str, start: usize) -> Keywords {
    let mut from = start.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..start];
    // Words with the character that followed each; single letters joined by dots are merged so
    // that "D.N.I." reads "dni".
    let mut words: Vec<(String, char, bool)> = Vec::new();
    let mut cur = String::new();
    for c in window.chars() {
        if let Some(f) = fold(c) {
            cur.push(f);
            continue;
        }
        if cur.is_empty() {
            continue;
        }
        let single = cur.len() == 1;
        match words.last_mut() {
            Some((w, '.', true)) if single && c == '.' => w.push_str(&cur),
            _ => words.push((cur.clone(), c, single && c == '.')),
        }
        cur.clear();
    }
    if !cur.is_empty() {
        words.push((cur, ' ', false));
    }
    let mut found = Keywords::default();
    for (w, _, _) in words.iter().rev().take(LAST_WORDS) {
        if let Some(&(_, kind)) = KEYWORDS.iter().find(|(k, _)| k == w) {
            found.insert(kind);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(text: &str) -> Keywords {
        keywords_before(text, text.len())
    }

    #[test]
    fn plain_and_dotted_keywords() {
        assert!(kw("su DNI N° ").has(PiiKind::Dni));
        assert!(kw("D.N.I. ").has(PiiKind::Dni));
        assert!(kw("C.U.I.T.: ").has(PiiKind::Cuit));
        assert!(kw("R.U.T. ").has(PiiKind::Rut));
        assert!(kw("Teléfono: ").has(PiiKind::Phone));
        assert!(kw("tel./fax ").has(PiiKind::Phone));
        assert!(kw("Tel. N. ").has(PiiKind::Phone));
        assert!(kw("documento nacional de identidad número ").has(PiiKind::Dni));
    }

    #[test]
    fn words_must_match_whole() {
        assert!(!kw("la corrida ").has(PiiKind::Rut));
        assert!(!kw("el nitrato ").has(PiiKind::Nit));
        assert!(!kw("celebrado el ").has(PiiKind::Phone));
        assert!(!kw("RUT de la empresa que fue constituida en el año ").has(PiiKind::Rut));
    }

    #[test]
    fn window_starts_on_char_boundary() {
        let t = "ñññññññññññññññññññññññññññññ CPF ";
        assert!(kw(t).has(PiiKind::Cpf));
        assert_eq!(Keywords::of(&[PiiKind::Cpf]), kw(t));
    }
}
