//! Phone numbers in Latin-American formats.
//!
//! Accepted, from strongest to weakest evidence:
//! - international: `+56 9 1234 5678`, `+55 (11) 91234-5678`, `(+52) 55 1234 5678`,
//!   `0056 9 1234 5678`, with the country code's national number length checked for the
//!   countries of the region (other codes: 8-15 digits after `+`);
//! - an area code in parentheses: `(11) 91234-5678`, `(2) 2345 6789`, `(011) 4321-1234`;
//! - shapes only phones have: Brazilian mobiles `91234-5678` / `11 91234-5678`, trunk-prefixed
//!   national numbers `011 4321-1234`, `0412-1234567`, and 10 digits as `300-123-4567`,
//!   `55-1234-5678` or `300.123.4567`;
//! - anything phone-like of 7-13 digits right after a keyword ("tel.", "celular", "fono").
//!
//! Year ranges ("(2) 1998-2003") are refused in every form but the international one.

use super::context::LazyKeywords;
use super::scanner::{char_at, is_word_char, prev_char, sep_at, Candidate};
use super::PiiKind;

/// Country calling codes of Latin America and the Caribbean with the length range of the
/// national significant number (mobile prefixes such as Mexico's old `1` and Argentina's `9`
/// included).
const LATAM: &[(&str, usize, usize)] = &[
    ("54", 10, 11), // Argentina
    ("55", 10, 11), // Brazil
    ("56", 8, 9),   // Chile
    ("57", 8, 10),  // Colombia
    ("51", 8, 9),   // Peru
    ("52", 10, 11), // Mexico
    ("53", 6, 8),   // Cuba
    ("58", 10, 10), // Venezuela
    ("591", 8, 8),  // Bolivia
    ("593", 8, 9),  // Ecuador
    ("595", 7, 9),  // Paraguay
    ("598", 8, 8),  // Uruguay
    ("502", 8, 8),  // Guatemala
    ("503", 8, 8),  // El Salvador
    ("504", 8, 8),  // Honduras
    ("505", 8, 8),  // Nicaragua
    ("506", 8, 8),  // Costa Rica
    ("507", 7, 8),  // Panama
    ("509", 8, 8),  // Haiti
    ("592", 7, 7),  // Guyana
    ("594", 9, 9),  // French Guiana
    ("597", 6, 7),  // Suriname
    ("1", 10, 10),  // NANP: Dominican Republic, Puerto Rico
];

#[derive(Debug, Clone, Copy)]
struct Grp {
    start: usize,
    end: usize,
    /// Separator before the group: 0 none, b' ', b'-', b'.', b')' (right after a parenthesis).
    sep: u8,
    paren: bool,
}

/// How the number was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    Plus,
    Paren,
    Bare,
}

/// Proposes a phone number around the digit run starting at `p`.
pub(crate) fn detect(text: &str, p: usize, out: &mut Vec<Candidate>) {
    let b = text.as_bytes();
    let (start, lead) = match (
        p.checked_sub(2).map(|i| b[i]),
        p.checked_sub(1).map(|i| b[i]),
    ) {
        (Some(b'('), Some(b'+')) => (p - 2, Lead::Plus),
        (_, Some(b'+')) => (p - 1, Lead::Plus),
        (_, Some(b'(')) => (p - 1, Lead::Paren),
        _ => (p, Lead::Bare),
    };
    // "3+4", "x(2)" and digits glued to a word are not phone numbers.
    if prev_char(text, start).is_some_and(|c| is_word_char(c) || c == '+' || c == ')') {
        return;
    }
    if lead == Lead::Bare && glued_after_separator(text, p) {
        return;
    }
    let in_paren = start + 2 == p && lead == Lead::Plus || lead == Lead::Paren;
    let Some((groups, _)) = lex(b, p, in_paren) else {
        return;
    };
    let mut kw = LazyKeywords::new(text, start);
    let after_code = after_alphanumeric_code(text, start);
    // Longest prefix of the groups that reads as a phone number.
    // A shorter reading may drop trailing groups at a space ("+56 9 1234 5678 2 veces"), but not
    // split a dash-joined token ("978-956-1234-5" is no "978-956-1234") unless its end is glued
    // to a word anyway ("+49 6135 9323-0Fax").
    let glued = |end: usize| char_at(text, end).is_some_and(|c| is_word_char(c) || c == '@');
    let last = &groups[groups.len() - 1];
    let token_glued = glued(last.end + usize::from(last.paren));
    for n in (1..=groups.len()).rev() {
        let g = &groups[..n];
        let end = g[n - 1].end + usize::from(g[n - 1].paren);
        let split_ok = n == groups.len() || matches!(groups[n].sep, b' ' | b')') || token_glued;
        if glued(end) || !split_ok {
            continue;
        }
        if let Some(ev) = judge(b, g, lead, after_code, &mut kw) {
            out.push(Candidate::new(start, end, PiiKind::Phone, ev));
            return;
        }
    }
}

/// "AB-1234" or "v1.2345": a digit run right after a separator that follows a word.
fn glued_after_separator(text: &str, p: usize) -> bool {
    match prev_char(text, p) {
        Some(c @ ('.' | '-' | '/')) => prev_char(text, p - c.len_utf8()).is_some_and(is_word_char),
        _ => false,
    }
}

/// Digit groups from `p`, each with its separator; one group may sit in parentheses.
fn lex(b: &[u8], p: usize, mut in_paren: bool) -> Option<(Vec<Grp>, usize)> {
    let mut groups: Vec<Grp> = Vec::new();
    let mut used_paren = in_paren;
    let mut i = p;
    let mut sep = 0u8;
    let mut digits = 0;
    loop {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - s;
        groups.push(Grp {
            start: s,
            end: i,
            sep,
            paren: in_paren,
        });
        if in_paren {
            if b.get(i) != Some(&b')') {
                // An unclosed parenthesis: keep what came before it.
                groups.pop();
                return (!groups.is_empty()).then_some((groups, i));
            }
            i += 1;
            in_paren = false;
            sep = b')';
        } else {
            sep = 0;
        }
        if groups.len() >= 8 || digits > 17 {
            return Some((groups, i));
        }
        let save = i;
        if let Some((kind, len)) = sep_at(b, i) {
            if kind == b'/' {
                return Some((groups, save));
            }
            sep = kind;
            i += len;
        }
        match b.get(i) {
            Some(d) if d.is_ascii_digit() && sep != 0 => {}
            Some(b'(') if !used_paren && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                used_paren = true;
                in_paren = true;
                i += 1;
            }
            _ => return Some((groups, save)),
        }
    }
}

fn digits_of(b: &[u8], g: &[Grp]) -> Vec<u8> {
    g.iter()
        .flat_map(|x| b[x.start..x.end].iter().map(|d| d - b'0'))
        .collect()
}

fn lens(g: &[Grp]) -> Vec<usize> {
    g.iter().map(|x| x.end - x.start).collect()
}

/// Evidence for the groups being one phone number, if they are.
fn judge(b: &[u8], g: &[Grp], lead: Lead, after_code: bool, kw: &mut LazyKeywords) -> Option<u8> {
    let d = digits_of(b, g);
    if d.len() < 7 {
        return None;
    }
    let l = lens(g);
    if lead == Lead::Plus {
        return international(&d, true).then_some(3);
    }
    if year_range(b, g) || date(&d, &l, g) {
        return None;
    }
    if l[0] >= 4 && d[0] == 0 && d[1] == 0 && international(&d[2..], false) {
        return Some(2);
    }
    if lead == Lead::Paren && g[0].paren && area_code_form(&d, &l, g) {
        return Some(2);
    }
    if lead == Lead::Bare && bare_form(&d, &l, g) && !after_code {
        return Some(1);
    }
    let plain = g
        .iter()
        .skip(1)
        .all(|x| matches!(x.sep, b' ' | b'-' | b'.' | b')'));
    if (7..=13).contains(&d.len()) && g.len() <= 5 && plain && kw.get().has(PiiKind::Phone) {
        return Some(3);
    }
    None
}

/// Digits after `+` (or `00`): a regional code with a fitting national length, or, when
/// `any_code`, any code with 8-15 digits in all.
fn international(d: &[u8], any_code: bool) -> bool {
    if d.is_empty() || d[0] == 0 {
        return false;
    }
    for &(cc, lo, hi) in LATAM {
        let c: Vec<u8> = cc.bytes().map(|x| x - b'0').collect();
        if d.starts_with(&c) {
            return (lo..=hi).contains(&(d.len() - c.len()));
        }
    }
    any_code && (8..=15).contains(&d.len())
}

/// Three groups that read as a date: `21.01.2022`, `27-05-2015`, `2015/05/27`.
fn date(d: &[u8], l: &[usize], g: &[Grp]) -> bool {
    if g.len() != 3 || g[1].sep != g[2].sep || !matches!(g[1].sep, b'.' | b'-' | b'/') {
        return false;
    }
    let num = |from: usize, len: usize| {
        d[from..from + len]
            .iter()
            .fold(0u32, |a, &x| a * 10 + u32::from(x))
    };
    let (day, month) = match l {
        [1 | 2, 1 | 2, 2 | 4] => (num(0, l[0]), num(l[0], l[1])),
        [4, 1 | 2, 1 | 2] => (num(4 + l[1], l[2]), num(4, l[1])),
        _ => return false,
    };
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// A number right after a code with digits and a space ("IBAN CH56 0900 0000 8952"): part of
/// that code, not a phone number of its own.
fn after_alphanumeric_code(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches(' ');
    if before.len() == start {
        return false;
    }
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    word.bytes().any(|c| c.is_ascii_digit()) && word.bytes().any(|c| c.is_ascii_alphabetic())
}

/// `(11) 91234-5678`, `(2) 2345 6789`, `(011) 4321-1234`: 1-3 digit area code (2-4 with the
/// trunk 0), then 6-9 subscriber digits in groups of 2-5 (or one group).
fn area_code_form(d: &[u8], l: &[usize], g: &[Grp]) -> bool {
    let area = l[0];
    let trunk = d[0] == 0;
    if (trunk && !(2..=4).contains(&area)) || (!trunk && !(1..=3).contains(&area)) || g.len() > 4 {
        return false;
    }
    let sub: usize = l[1..].iter().sum();
    let groups_ok = (l.len() == 2 && (6..=9).contains(&l[1]))
        || (l.len() > 2 && l[1..].iter().all(|&x| (2..=5).contains(&x)));
    let seps_ok = g.iter().skip(2).all(|x| matches!(x.sep, b' ' | b'-'));
    let national = area - usize::from(trunk) + sub;
    (6..=9).contains(&sub) && groups_ok && seps_ok && (8..=11).contains(&national)
}

/// Shapes that only phone numbers have, without parentheses or keyword.
fn bare_form(d: &[u8], l: &[usize], g: &[Grp]) -> bool {
    let seps: Vec<u8> = g[1..].iter().map(|x| x.sep).collect();
    // Brazilian mobile: 9NNNN-NNNN, optionally after a two-digit area code.
    if l == [5, 4] && seps == [b'-'] && d[0] == 9 {
        return true;
    }
    if l == [2, 5, 4] && seps == [b' ', b'-'] && d[0] != 0 && d[1] != 0 && d[2] == 9 {
        return true;
    }
    // Trunk-prefixed national number: 011 4321-1234, 0412-1234567, 0800 123 4567.
    let trunk_ok = d[0] == 0
        && d[1] != 0
        && (2..=4).contains(&l[0])
        && l.len() >= 2
        && l[1..].iter().all(|&x| (2..=8).contains(&x))
        && l[l.len() - 1] >= 3
        && seps.iter().all(|&s| s == b' ' || s == b'-')
        && (9..=12).contains(&d.len());
    if trunk_ok {
        return true;
    }
    // Ten digits as 3-3-4 or 2-4-4 with one kind of dash or dot.
    let ten = (l == [3, 3, 4] || l == [2, 4, 4]) && d[0] != 0;
    ten && (seps == [b'-', b'-'] || seps == [b'.', b'.'])
}

/// Two 4-digit groups that both read as years (1500-2099) joined by a dash: a range.
fn year_range(b: &[u8], g: &[Grp]) -> bool {
    let year = |x: &Grp| {
        let s = &b[x.start..x.end];
        s.len() == 4 && (s.starts_with(b"1") && s[1] >= b'5' || s.starts_with(b"20"))
    };
    g.windows(2)
        .any(|w| w[1].sep == b'-' && year(&w[0]) && year(&w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
                detect(text, i, &mut out);
            }
            i += 1;
        }
        // Keep the longest per start, as the scanner's resolution would.
        out.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
        let mut v: Vec<&str> = Vec::new();
        let mut last = 0;
        for c in out {
            if c.start >= last {
                v.push(&text[c.start..c.end]);
                last = c.end;
            }
        }
        v
    }

    #[test]
    fn international_formats() {
        for t in [
            "+56 9 1234 5678",
            "+56912345678",
            "+55 (11) 91234-5678",
            "(+52) 55 1234 5678",
            "+54 9 11 4321-1234",
            "+591 7 123 4567",
            "+598 94 123 456",
            "+1 809 555 1234",
            "+34 91 123 45 67",
        ] {
            assert_eq!(phones(&format!("Llame al {t}.")), vec![t], "{t}");
        }
        assert!(phones("+56 9 1234").is_empty());
        assert!(phones("x = 3+56912345678").is_empty());
    }

    #[test]
    fn national_formats() {
        for t in [
            "(11) 91234-5678",
            "(2) 2345 6789",
            "(011) 4321-1234",
            "91234-5678",
            "11 91234-5678",
            "0412-1234567",
            "300-123-4567",
            "55.1234.5678",
        ] {
            assert_eq!(phones(&format!("ligue {t} hoje")), vec![t], "{t}");
        }
        assert_eq!(phones("Tel.: 2345 6789"), vec!["2345 6789"]);
        assert_eq!(phones("celular 987 654 321"), vec!["987 654 321"]);
    }

    #[test]
    fn lookalikes_are_not_phones() {
        for t in [
            "en 1810 1811 1812",
            "(2) 1998-2003",
            "DOF 27-05-2015",
            "ISBN 978-84-376-0494-7",
            "2345 6789",
            "1234-5678",
            "$ 12.345.678",
            "Ley 19.628 y 20.050",
            "01-05-2015",
            "(19) 24",
            "Termin: 28.02.2020",
            "Tel. 2015-05-27",
            "IT 00853870210",
            "IBAN CH56 0900 0000 8952",
            "ISBN 978-956-1234-56-7",
        ] {
            assert!(phones(t).is_empty(), "{t}: {:?}", phones(t));
        }
    }
}
