//! The scan: cheap prefilters find the few places worth a look, the detectors propose
//! candidates there, and overlaps are resolved (longest span first, then the stronger evidence).
//!
//! Prefilters: `@` (e-mail) and `:` (IPv6) are found with memchr; every other kind contains an
//! ASCII digit, found with a chunked search the compiler vectorises. Text without digits, `@` or
//! hex-flanked `:` is never looked at twice.

use std::collections::BTreeMap;

use super::{mexico, network, numeric, phones, PiiKind, PiiMatch};

/// A proposed match. `evidence`: 3 keyword or unambiguous syntax (`@`, `+cc`), 2 check digits or
/// a shape only that kind has, 1 a weaker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
    pub evidence: u8,
}

impl Candidate {
    pub fn new(start: usize, end: usize, kind: PiiKind, evidence: u8) -> Candidate {
        Candidate {
            start,
            end,
            kind,
            evidence,
        }
    }
}

/// All identifiers in `text`, sorted by start, non-overlapping, offsets into `text`.
pub fn scan(text: &str) -> Vec<PiiMatch> {
    let mut cands = Vec::new();
    network::emails(text, &mut cands);
    network::ipv6s(text, &mut cands);
    scan_digits(text, &mut cands);
    resolve(cands)
}

/// Walks the digit runs: each one starts a numeric token (identifiers, cards, IPv4, phones) or,
/// when glued to letters, may be the date part of a CURP/RFC.
fn scan_digits(text: &str, out: &mut Vec<Candidate>) {
    let b = text.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    while let Some(p) = next_digit(b, i) {
        let mut run_end = p;
        while run_end < b.len() && b[run_end].is_ascii_digit() {
            run_end += 1;
        }
        if prev_char(text, p).is_some_and(is_word_char) {
            if run_end - p >= 6 {
                out.extend(mexico::detect(text, p));
            }
            i = skip_word(b, run_end);
            continue;
        }
        if run_end - p == 6 && p > 0 && matches!(b[p - 1], b'-' | b' ') {
            out.extend(mexico::detect(text, p));
        }
        let tok_end = numeric::detect(text, p, &mut groups, out);
        phones::detect(text, p, out);
        i = tok_end.max(run_end);
    }
}

/// Position of the next ASCII digit at or after `from`.
fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    const CHUNK: usize = 32;
    let mut i = from;
    while i + CHUNK <= b.len() {
        let chunk = &b[i..i + CHUNK];
        // Branch-free test over the whole chunk so that it compiles to SIMD compares.
        let any = chunk
            .iter()
            .fold(false, |acc, &x| acc | (x.wrapping_sub(b'0') < 10));
        if any {
            return chunk.iter().position(u8::is_ascii_digit).map(|k| i + k);
        }
        i += CHUNK;
    }
    b.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| i + k)
}

/// Skips the rest of an alphanumeric word.
fn skip_word(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    i
}

/// The character that ends right before byte `i`.
pub(crate) fn prev_char(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The character that starts at byte `i`.
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// Letters and digits glue a number into a word; ordinal signs ("Nº12") and the degree sign
/// ("N°12", often typed for it) do not.
pub(crate) fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !matches!(c, 'º' | 'ª')
}

/// A digit-group separator at byte `i`: `.`, `-`, `/`, space, no-break space (U+00A0) or
/// narrow no-break space (U+202F), the last three reported as `b' '`. Returns (kind, bytes).
pub(crate) fn sep_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i..)? {
        [c @ (b'.' | b'-' | b'/' | b' '), ..] => Some((*c, 1)),
        [0xC2, 0xA0, ..] => Some((b' ', 2)),
        [0xE2, 0x80, 0xAF, ..] => Some((b' ', 3)),
        _ => None,
    }
}

/// Keeps the longest candidates first (then the stronger evidence, then the earlier start), so a
/// phone number is not cut into a shorter identifier, nor an e-mail into its digits.
fn resolve(mut cands: Vec<Candidate>) -> Vec<PiiMatch> {
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.evidence.cmp(&a.evidence))
            .then(a.start.cmp(&b.start))
            .then(a.kind.cmp(&b.kind))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for c in cands {
        // Accepted spans are disjoint, so only the one starting last before `c.end` can overlap.
        let overlaps = taken
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, &e)| e > c.start);
        if !overlaps {
            taken.insert(c.start, c.end);
            out.push(PiiMatch {
                start: c.start,
                end: c.end,
                kind: c.kind,
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_digit_across_chunks() {
        let mut s = "a".repeat(70);
        assert_eq!(next_digit(s.as_bytes(), 0), None);
        s.push('7');
        assert_eq!(next_digit(s.as_bytes(), 0), Some(70));
        assert_eq!(next_digit(s.as_bytes(), 71), None);
        assert_eq!(next_digit(b"12", 5), None);
    }

    #[test]
    fn resolve_prefers_longer_then_evidence() {
        let c = vec![
            Candidate::new(5, 10, PiiKind::Cpf, 2),
            Candidate::new(0, 12, PiiKind::Phone, 1),
            Candidate::new(20, 30, PiiKind::Cpf, 2),
            Candidate::new(20, 30, PiiKind::Phone, 3),
            Candidate::new(29, 35, PiiKind::Rut, 2),
        ];
        let m = resolve(c);
        let kinds: Vec<_> = m.iter().map(|m| (m.start, m.kind)).collect();
        assert_eq!(kinds, vec![(0, PiiKind::Phone), (20, PiiKind::Phone)]);
    }

    fn found(text: &str) -> Vec<(&str, PiiKind)> {
        scan(text)
            .iter()
            .map(|m| (&text[m.start..m.end], m.kind))
            .collect()
    }

    #[test]
    fn overlapping_candidates_resolve_to_the_longest() {
        // A valid CPF inside an international phone number, and inside an e-mail address.
        assert_eq!(
            found("ligue +55 39053344705 hoje"),
            vec![("+55 39053344705", PiiKind::Phone)]
        );
        assert_eq!(
            found("joao.39053344705@empresa.com.br"),
            vec![("joao.39053344705@empresa.com.br", PiiKind::Email)]
        );
        // A keyword-backed phone beats the same digits read as a CPF.
        assert_eq!(
            found("Tel. 39053344705"),
            vec![("39053344705", PiiKind::Phone)]
        );
        assert_eq!(
            found("CPF 39053344705"),
            vec![("39053344705", PiiKind::Cpf)]
        );
        assert_eq!(
            found("RUT 12.531.909-2 y fono +56 9 8765 4321."),
            vec![
                ("12.531.909-2", PiiKind::Rut),
                ("+56 9 8765 4321", PiiKind::Phone)
            ]
        );
    }

    #[test]
    fn random_text_never_panics_and_keeps_invariants() {
        const ALPHABET: &[char] = &[
            '0', '1', '2', '5', '9', '.', '-', ' ', '+', '(', ')', '@', ':', '/', ',', 'K', 'a',
            'e', 'f', 'Z', 'H', 'ñ', 'Ñ', '&', '°', 'º', '\u{a0}', '\u{202f}', 'ỹ', '\n',
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 64) as usize;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let m = scan(&text);
            for w in m.windows(2) {
                assert!(w[0].end <= w[1].start, "{text:?}: {m:?}");
            }
            for x in &m {
                assert!(
                    x.start < x.end
                        && text.is_char_boundary(x.start)
                        && text.is_char_boundary(x.end),
                    "{text:?}"
                );
            }
            let _ = crate::pii::redact(&text, &m);
        }
    }

    #[test]
    fn separators() {
        assert_eq!(sep_at("a\u{a0}1".as_bytes(), 1), Some((b' ', 2)));
        assert_eq!(sep_at("a\u{202f}1".as_bytes(), 1), Some((b' ', 3)));
        assert_eq!(sep_at(b"1,2", 1), None);
        assert!(!is_word_char('º') && is_word_char('ñ') && !is_word_char('°'));
    }
}
