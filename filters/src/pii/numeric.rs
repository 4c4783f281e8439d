//! Numeric identifiers, payment cards and IPv4, judged by the shape of their digit groups.
//!
//! A token is a maximal run of digit groups joined by one separator each (`.`, `-`, `/`, a
//! space); a Chilean RUT may end in `-K`. Spaces split a token into words, and every run of
//! consecutive words is tried (longest first), so "RUT 12.345.678-5 2 veces" still finds the
//! RUT while "4111 1111 1111 1111" is one card. A span is accepted when
//! 1. a keyword before the token names a kind whose shape fits (and whose check digits hold), or
//! 2. its shape belongs to one kind only and the check digits hold (`12.345.678-5`,
//!    `123.456.789-09`, `20-12345678-6`, `800.197.268-4`, bare 11/14 digits, cards).
//!
//! Years, prices, dates, law and ISBN numbers have other shapes (too few digits, no check-digit
//! group, more groups), so they fail both tests.

use super::context::LazyKeywords;
use super::scanner::{char_at, is_word_char, prev_char, sep_at, Candidate};
use super::validators as v;
use super::{network, PiiKind};

/// One digit group of a token; `sep` is the separator before it (0 for the first).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    start: usize,
    end: usize,
    sep: u8,
    /// The Chilean check "digit" K.
    k: bool,
}

const MAX_GROUPS: usize = 24;
/// No identifier spans more than this many space-separated words (cards: 5).
const MAX_WORDS: usize = 5;
/// Span limits for classification.
const MAX_SPAN_GROUPS: usize = 6;
const MAX_DIGITS: usize = 19;

/// Lexes the token at digit `p`, pushes candidates, returns the token's end.
pub(crate) fn detect(
    text: &str,
    p: usize,
    groups: &mut Vec<Group>,
    out: &mut Vec<Candidate>,
) -> usize {
    let b = text.as_bytes();
    let end = lex(b, p, groups);
    let digits: usize = groups.iter().map(|g| g.end - g.start).sum();
    // Fewer than 7 digits is a year, an article or a price, except a dotted IPv4.
    if digits < 7 && !(groups.len() >= 4 && digits >= 4) {
        return end;
    }
    let glued_start = match prev_char(text, p) {
        Some(c @ ('.' | '-' | '/' | ',')) => {
            let before = p - c.len_utf8();
            prev_char(text, before).is_some_and(is_word_char)
        }
        _ => false,
    };
    let glued_end = char_at(text, end).is_some_and(|c| is_word_char(c) || c == '@');
    // Words: indexes into `groups` where a space starts a new word.
    let mut words: Vec<(usize, usize)> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if i == 0 || g.sep == b' ' {
            words.push((i, i + 1));
        } else if let Some(w) = words.last_mut() {
            w.1 = i + 1;
        }
    }
    let mut kw = LazyKeywords::new(text, p);
    let mut s = 0;
    while s < words.len() {
        if s == 0 && glued_start {
            s += 1;
            continue;
        }
        let mut next = s + 1;
        let last = (s + MAX_WORDS).min(words.len());
        for e in (s..last).rev() {
            if e + 1 == words.len() && glued_end {
                continue;
            }
            let span = &groups[words[s].0..words[e].1];
            if let Some((kind, evidence, span_end)) = classify(b, span, &mut kw) {
                out.push(Candidate::new(span[0].start, span_end, kind, evidence));
                next = e + 1;
                break;
            }
        }
        s = next;
    }
    end
}

/// Collects the groups of the token starting at digit `p`; returns its end.
fn lex(b: &[u8], p: usize, groups: &mut Vec<Group>) -> usize {
    groups.clear();
    let mut i = p;
    let mut sep = 0u8;
    loop {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        groups.push(Group {
            start: s,
            end: i,
            sep,
            k: false,
        });
        if groups.len() >= MAX_GROUPS {
            return i;
        }
        let Some((kind, len)) = sep_at(b, i) else {
            return i;
        };
        match b.get(i + len) {
            Some(d) if d.is_ascii_digit() => {
                sep = kind;
                i += len;
            }
            Some(b'K' | b'k')
                if kind == b'-'
                    && !b
                        .get(i + len + 1)
                        .is_some_and(|c| c.is_ascii_alphanumeric()) =>
            {
                let k = i + len;
                groups.push(Group {
                    start: k,
                    end: k + 1,
                    sep: b'-',
                    k: true,
                });
                return k + 1;
            }
            _ => return i,
        }
    }
}

/// Digit groups of a span, with their lengths and separators, flattened for the shape tests.
struct Shape {
    lens: Vec<usize>,
    seps: Vec<u8>,
    digits: Vec<u8>,
    k: bool,
}

/// Body digits, check byte, and the lengths and separators of the body's groups.
type DashCheck<'a> = (&'a [u8], u8, &'a [usize], &'a [u8]);

impl Shape {
    fn of(b: &[u8], span: &[Group]) -> Option<Shape> {
        if span.len() > MAX_SPAN_GROUPS {
            return None;
        }
        let mut sh = Shape {
            lens: Vec::new(),
            seps: Vec::new(),
            digits: Vec::new(),
            k: false,
        };
        for (i, g) in span.iter().enumerate() {
            if i > 0 {
                sh.seps.push(g.sep);
            }
            if g.k {
                sh.k = true;
            } else {
                sh.digits.extend(b[g.start..g.end].iter().map(|d| d - b'0'));
            }
            sh.lens.push(g.end - g.start);
        }
        (sh.digits.len() <= MAX_DIGITS).then_some(sh)
    }

    fn is(&self, lens: &[usize], seps: &[u8]) -> bool {
        self.lens == lens && self.seps == seps
    }

    fn bare(&self, n: usize) -> bool {
        self.lens.len() == 1 && self.lens[0] == n
    }

    /// `[1-max_first, 3, 3, ...]` joined by dots: a thousands-grouped number.
    fn dotted(lens: &[usize], seps: &[u8], max_first: usize) -> bool {
        !lens.is_empty()
            && (1..=max_first).contains(&lens[0])
            && lens[1..].iter().all(|&l| l == 3)
            && seps.iter().all(|&s| s == b'.')
    }

    /// Body and check digit when the span ends in `-d` (or `-K`): (body digits, check byte).
    fn with_dash_check(&self) -> Option<DashCheck<'_>> {
        let n = self.lens.len();
        if n < 2 || self.seps[n - 2] != b'-' || self.lens[n - 1] != 1 {
            return None;
        }
        let (body, dv) = if self.k {
            (&self.digits[..], b'K')
        } else {
            (
                &self.digits[..self.digits.len() - 1],
                b'0' + self.digits[self.digits.len() - 1],
            )
        };
        Some((body, dv, &self.lens[..n - 1], &self.seps[..n - 2]))
    }
}

/// Kind, evidence and end of the span, if it is an identifier.
fn classify(b: &[u8], span: &[Group], kw: &mut LazyKeywords) -> Option<(PiiKind, u8, usize)> {
    let end = span[span.len() - 1].end;
    if let Some(e) = ipv4(b, span) {
        return Some((PiiKind::Ipv4, 2, e));
    }
    let sh = Shape::of(b, span)?;
    if sh.digits.len() < 7 {
        return None;
    }
    let kw = kw.get();
    // A keyword names the kind; then shapes only one kind has; DNI (no check digit) comes last so
    // that a Chilean "cédula 12.345.678-5" stays a RUT.
    const NAMED: [PiiKind; 6] = [
        PiiKind::Rut,
        PiiKind::Nit,
        PiiKind::Cuit,
        PiiKind::Ruc,
        PiiKind::Cpf,
        PiiKind::Cnpj,
    ];
    if let Some(k) = NAMED.into_iter().find(|&k| kw.has(k) && fits(k, &sh, true)) {
        return Some((k, 3, end));
    }
    const STRONG: [PiiKind; 7] = [
        PiiKind::Cnpj,
        PiiKind::Cpf,
        PiiKind::Cuit,
        PiiKind::Ruc,
        PiiKind::Nit,
        PiiKind::Rut,
        PiiKind::Card,
    ];
    if let Some(k) = STRONG.into_iter().find(|&k| fits(k, &sh, false)) {
        return Some((k, 2, end));
    }
    (kw.has(PiiKind::Dni) && fits(PiiKind::Dni, &sh, true)).then_some((PiiKind::Dni, 3, end))
}

/// Four dotted octets (optionally `/prefix`) forming the whole span.
fn ipv4(b: &[u8], span: &[Group]) -> Option<usize> {
    let n = span.len();
    if !(n == 4 || n == 5) || span.iter().skip(1).take(3).any(|g| g.sep != b'.' || g.k) {
        return None;
    }
    let oct: Vec<&[u8]> = span[..4].iter().map(|g| &b[g.start..g.end]).collect();
    if !network::ipv4_octets_ok(&oct) {
        return None;
    }
    if n == 5 {
        let p = &span[4];
        let len = p.end - p.start;
        let v = b[p.start..p.end]
            .iter()
            .fold(0u32, |a, &d| a * 10 + u32::from(d.wrapping_sub(b'0')));
        return (p.sep == b'/' && !p.k && (1..=2).contains(&len) && v <= 32).then_some(p.end);
    }
    Some(span[3].end)
}

/// Does the span have a shape of `kind` with valid check digits? `named`: a keyword names the
/// kind, which admits the weaker shapes (bare digits, DNI).
fn fits(kind: PiiKind, sh: &Shape, named: bool) -> bool {
    let d = &sh.digits[..];
    if sh.k && kind != PiiKind::Rut {
        return false;
    }
    match kind {
        PiiKind::Rut => rut(sh, named),
        PiiKind::Nit => nit(sh, named),
        PiiKind::Cpf => {
            let shaped = sh.is(&[3, 3, 3, 2], b"..-") || sh.is(&[9, 2], b"-") || sh.bare(11);
            shaped && !v::all_same(d) && v::cpf_check(&d[..9]) == [d[9], d[10]]
        }
        PiiKind::Cnpj => {
            let shaped =
                sh.is(&[2, 3, 3, 4, 2], b"../-") || sh.is(&[8, 4, 2], b"/-") || sh.bare(14);
            shaped && !v::all_same(d) && v::cnpj_check(&d[..12]) == [d[12], d[13]]
        }
        PiiKind::Cuit => {
            let shaped =
                sh.is(&[2, 8, 1], b"--") || sh.is(&[2, 2, 3, 3, 1], b"-..-") || sh.bare(11);
            shaped && v::cuit_prefix_ok(d[0], d[1]) && v::cuit_check(&d[..10]) == Some(d[10])
        }
        PiiKind::Ruc => {
            sh.bare(11) && v::ruc_prefix_ok(d[0], d[1]) && v::ruc_check(&d[..10]) == d[10]
        }
        PiiKind::Dni => named && dni(sh),
        PiiKind::Card => card(sh),
        _ => false,
    }
}

/// RUT/RUN: `12.345.678-5`, `1.234.567-K`, `12345678-5`; with a keyword also `123456785`.
fn rut(sh: &Shape, named: bool) -> bool {
    let (body, dv) = if let Some((body, dv, lens, seps)) = sh.with_dash_check() {
        let shaped = Shape::dotted(lens, seps, 2) && lens.len() == 3
            || lens.len() == 1 && (7..=8).contains(&lens[0]);
        if !shaped {
            return false;
        }
        (body, dv)
    } else if named && !sh.k && (sh.bare(8) || sh.bare(9)) {
        let n = sh.digits.len();
        (&sh.digits[..n - 1], b'0' + sh.digits[n - 1])
    } else {
        return false;
    };
    body.len() >= 7 && body[0] != 0 && v::rut_check(body) == dv
}

/// NIT: `800.197.268-4`, `900123456-7` (9-digit body); with a keyword also 6-10 digit bodies,
/// dotted or not, and bare digits whose last one is the check digit.
fn nit(sh: &Shape, named: bool) -> bool {
    let (body, dv) = if let Some((body, dv, lens, seps)) = sh.with_dash_check() {
        let shaped = Shape::dotted(lens, seps, 3) || lens.len() == 1;
        let len_ok = if named {
            (6..=10).contains(&body.len())
        } else {
            body.len() == 9
        };
        if !shaped || !len_ok || sh.k {
            return false;
        }
        (body, dv - b'0')
    } else if named && sh.lens.len() == 1 && (7..=11).contains(&sh.digits.len()) {
        let n = sh.digits.len();
        (&sh.digits[..n - 1], sh.digits[n - 1])
    } else {
        return false;
    };
    body[0] != 0 && v::nit_check(body) == dv
}

/// DNI (no check digit, keyword required): `12.345.678`, `12345678`. A dash and one more
/// digit is left to the RUT, whose check digit decides ("cédula 12.345.678-5").
fn dni(sh: &Shape) -> bool {
    let d = &sh.digits;
    let shaped = (Shape::dotted(&sh.lens, &sh.seps, 2) && sh.lens.len() == 3)
        || (sh.lens.len() == 1 && (7..=8).contains(&d.len()));
    shaped && d[0] != 0 && !v::all_same(d)
}

/// Payment card: 13-19 digits (bare, groups of 4, or Amex/Diners 4-6-5/4-6-4 with one kind of
/// separator), a known issuer prefix and the Luhn check.
fn card(sh: &Shape) -> bool {
    let d = &sh.digits;
    if !(13..=19).contains(&d.len()) || v::all_same(d) {
        return false;
    }
    let uniform = sh.seps.iter().all(|&s| s == b' ') || sh.seps.iter().all(|&s| s == b'-');
    let n = sh.lens.len();
    let grouped = n == 1
        || (n >= 4
            && sh.lens[..n - 1].iter().all(|&l| l == 4)
            && (1..=4).contains(&sh.lens[n - 1]))
        || sh.lens == [4, 6, 5]
        || sh.lens == [4, 6, 4];
    uniform && grouped && iin_ok(d) && v::luhn_valid(d)
}

/// Issuer prefixes and lengths of the card networks used in Latin America (Visa, Mastercard,
/// Amex, Diners, Discover, JCB, Maestro, Elo, Hipercard, Cabal, Naranja, UnionPay, Mir).
fn iin_ok(d: &[u8]) -> bool {
    let p = |k: usize| d[..k].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let n = d.len();
    match d[0] {
        4 => n == 13 || n == 16 || n == 19,
        5 => {
            ((51..=55).contains(&p(2)) && n == 16)
                || (p(2) == 50 || (56..=59).contains(&p(2))) && n >= 16
        }
        2 => ((2221..=2720).contains(&p(4)) || (2200..=2204).contains(&p(4))) && n == 16,
        3 => {
            ((p(2) == 34 || p(2) == 37) && n == 15)
                || ((300..=305).contains(&p(3)) || p(3) == 309 || matches!(p(2), 36 | 38 | 39))
                    && n >= 14
                || ((3528..=3589).contains(&p(4)) || p(4) == 3841) && n >= 16
        }
        6 => n >= 16,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, PiiKind)> {
        let mut out = Vec::new();
        let mut groups = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() && !prev_char(text, i).is_some_and(|c| c.is_ascii_digit()) {
                i = detect(text, i, &mut groups, &mut out).max(i + 1);
            } else {
                i += 1;
            }
        }
        out.iter()
            .map(|c| (&text[c.start..c.end], c.kind))
            .collect()
    }

    #[test]
    fn shapes_with_check_digits() {
        assert_eq!(
            found("RUT 76.086.428-5."),
            vec![("76.086.428-5", PiiKind::Rut)]
        );
        assert_eq!(
            found("rol 12531909-2 y"),
            vec![("12531909-2", PiiKind::Rut)]
        );
        assert_eq!(
            found("CPF 390.533.447-05"),
            vec![("390.533.447-05", PiiKind::Cpf)]
        );
        assert_eq!(
            found("CNPJ 16.727.230/0001-97"),
            vec![("16.727.230/0001-97", PiiKind::Cnpj)]
        );
        assert_eq!(
            found("CUIT 20-05536168-2"),
            vec![("20-05536168-2", PiiKind::Cuit)]
        );
        assert_eq!(
            found("RUC 20512333797"),
            vec![("20512333797", PiiKind::Ruc)]
        );
        assert_eq!(
            found("NIT 213.123.432-1"),
            vec![("213.123.432-1", PiiKind::Nit)]
        );
        assert_eq!(
            found("tarjeta 4111 1111 1111 1111"),
            vec![("4111 1111 1111 1111", PiiKind::Card)]
        );
        assert_eq!(
            found("host 192.168.10.1/24."),
            vec![("192.168.10.1/24", PiiKind::Ipv4)]
        );
    }

    #[test]
    fn wrong_check_digits_and_lookalikes_are_ignored() {
        assert!(found("RUT 12531909-3, 12.531.909-3").is_empty());
        assert!(found("CPF 390.533.447-06 e 111.111.111-11").is_empty());
        assert!(
            found("Ley 21.096, DOF 27-05-2015, ISBN 978-84-376-0494-7, $ 12.345.678").is_empty()
        );
        assert!(found("año 1810, artículo 19 N° 24, 3.1.2.4, págs. 1234-1240").is_empty());
        assert!(found("tarjeta 4111 1111 1111 1112").is_empty());
    }

    #[test]
    fn dni_needs_keyword() {
        assert!(found("habitantes: 12.345.678").is_empty());
        assert_eq!(
            found("D.N.I. N° 12.345.678"),
            vec![("12.345.678", PiiKind::Dni)]
        );
        assert_eq!(found("DNI 45678912."), vec![("45678912", PiiKind::Dni)]);
    }

    #[test]
    fn span_inside_longer_token_and_glue() {
        assert_eq!(
            found("RUT 12.531.909-2 2 veces"),
            vec![("12.531.909-2", PiiKind::Rut)]
        );
        assert!(found("código AB-12531909-2").is_empty());
        assert!(found("12531909-2abc").is_empty());
        let k_body = (10_000_000u32..)
            .find(|n| {
                v::rut_check(&n.to_string().bytes().map(|c| c - b'0').collect::<Vec<_>>()) == b'K'
            })
            .unwrap();
        let t = format!("rut {k_body}-K ok");
        assert_eq!(found(&t), vec![(&t[4..14], PiiKind::Rut)]);
    }
}
