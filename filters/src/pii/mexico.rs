//! Mexican CURP and RFC: letters from the name, a YYMMDD date, then a tail with a check digit.
//!
//! The scanner calls [`detect`] for a 6-digit run glued to letters (`GODE561231GR8`) or set off
//! by a dash or space (`GODE-561231-GR8`). Both codes are upper case; the date must be a real
//! month and day; the CURP's state code must exist. Without the keyword "RFC" before it, an RFC
//! must pass its check digit (about 1.5% of real RFCs do not; those are found only after the
//! keyword, as are RFCs written without the three-character homoclave).

use super::context::keywords_before;
use super::scanner::{char_at, is_word_char, prev_char, Candidate};
use super::validators::{curp_check, rfc_check};
use super::PiiKind;

/// Two-letter birth-state codes of the CURP (NE: born abroad).
const STATES: &[&[u8; 2]] = &[
    b"AS", b"BC", b"BS", b"CC", b"CL", b"CM", b"CS", b"CH", b"DF", b"DG", b"GT", b"GR", b"HG",
    b"JC", b"MC", b"MN", b"MS", b"NT", b"NL", b"OC", b"PL", b"QT", b"QR", b"SP", b"SL", b"SR",
    b"TC", b"TS", b"TL", b"VZ", b"YN", b"ZS", b"NE",
];

/// A CURP or RFC whose date part starts at the digit `p`.
pub(crate) fn detect(text: &str, p: usize) -> Option<Candidate> {
    let b = text.as_bytes();
    // The date is the first six digits; a homoclave may start with more digits.
    let run_end = p + 6;
    if !b
        .get(p..run_end)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit) && date_ok(d))
    {
        return None;
    }
    let sep = match b.get(p.wrapping_sub(1)) {
        Some(&c @ (b'-' | b' ')) => Some(c),
        _ => None,
    };
    let letters_end = p - usize::from(sep.is_some());
    let mut letters: Vec<char> = Vec::new();
    let mut s = letters_end;
    while let Some(c) = prev_char(text, s) {
        if !(c.is_ascii_uppercase() || c == '&' || c == 'Ñ') {
            break;
        }
        letters.push(c);
        s -= c.len_utf8();
        if letters.len() > 4 {
            return None;
        }
    }
    if !(3..=4).contains(&letters.len()) || prev_char(text, s).is_some_and(is_word_char) {
        return None;
    }
    letters.reverse();
    if sep.is_none() && letters.len() == 4 && letters.iter().all(char::is_ascii_uppercase) {
        if let Some(end) = curp_at(b, s, run_end) {
            return Some(Candidate::new(s, end, PiiKind::Curp, 2));
        }
    }
    rfc(text, s, &letters, p, run_end, sep)
}

/// YYMMDD with a real month and day.
fn date_ok(d: &[u8]) -> bool {
    let n = |i: usize| (d[i] - b'0') * 10 + (d[i + 1] - b'0');
    (1..=12).contains(&n(2)) && (1..=31).contains(&n(4))
}

/// End of a CURP starting at `s` whose date ends at `date_end`: sex (H/M/X), state, three
/// consonants, a homonym character and the check digit.
fn curp_at(b: &[u8], s: usize, date_end: usize) -> Option<usize> {
    let t = b.get(date_end..date_end + 8)?;
    let upper = |c: u8| c.is_ascii_uppercase();
    let shaped = matches!(t[0], b'H' | b'M' | b'X')
        && STATES.iter().any(|st| st[..] == t[1..3])
        && t[3..6].iter().all(|&c| upper(c))
        && (upper(t[6]) || t[6].is_ascii_digit())
        && t[7].is_ascii_digit();
    let end = date_end + 8;
    if !shaped || b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    (curp_check(&b[s..end - 1])? == t[7] - b'0').then_some(end)
}

/// An RFC: letters + date + homoclave (two characters and the check digit), written together or
/// with the same dash/space before and after the date.
fn rfc(
    text: &str,
    s: usize,
    letters: &[char],
    p: usize,
    run_end: usize,
    sep: Option<u8>,
) -> Option<Candidate> {
    let b = text.as_bytes();
    let mut i = run_end;
    let has_tail = match sep {
        Some(c) => {
            b.get(i) == Some(&c) && {
                i += 1;
                true
            }
        }
        None => true,
    };
    let tail = b.get(i..i + 3).filter(|t| {
        has_tail
            && t.iter()
                .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    let end = i + 3;
    let named = || keywords_before(text, s).has(PiiKind::Rfc);
    if let Some(t) = tail.filter(|_| !char_at(text, end).is_some_and(is_word_char)) {
        let mut body: Vec<char> = letters.to_vec();
        body.extend(b[p..run_end].iter().map(|&c| c as char));
        body.push(t[0] as char);
        body.push(t[1] as char);
        if rfc_check(&body) == Some(t[2] as char) {
            return Some(Candidate::new(s, end, PiiKind::Rfc, 2));
        }
        let homoclave = matches!(t[0], b'1'..=b'9' | b'A'..=b'V')
            && matches!(t[1], b'1'..=b'9' | b'A'..=b'Z')
            && matches!(t[2], b'0'..=b'9' | b'A');
        if homoclave && named() {
            return Some(Candidate::new(s, end, PiiKind::Rfc, 3));
        }
    }
    // Without homoclave ("COMG-600703"), only after the keyword.
    let bare_end = !char_at(text, run_end).is_some_and(is_word_char);
    (letters.len() == 4 && bare_end && named()).then(|| Candidate::new(s, run_end, PiiKind::Rfc, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_date(text: &str) -> Option<(&str, PiiKind)> {
        let b = text.as_bytes();
        let p = (0..b.len()).find(|&i| b[i].is_ascii_digit())?;
        let c = detect(text, p)?;
        Some((&text[c.start..c.end], c.kind))
    }

    #[test]
    fn curp_and_rfc() {
        assert_eq!(
            at_date("CURP BOXW310820HNERXN09."),
            Some(("BOXW310820HNERXN09", PiiKind::Curp))
        );
        assert_eq!(at_date("CURP BOXW310820HNERXN08."), None);
        assert_eq!(at_date("BOXW310820HZZRXN09"), None);
        assert_eq!(
            at_date("su RFC: GODE561231GR8,"),
            Some(("GODE561231GR8", PiiKind::Rfc))
        );
        assert_eq!(
            at_date("MAB-930714-8T4"),
            Some(("MAB-930714-8T4", PiiKind::Rfc))
        );
        assert_eq!(
            at_date("GODE 561231 GR8"),
            Some(("GODE 561231 GR8", PiiKind::Rfc))
        );
        assert_eq!(at_date("GODE561231GR9"), None);
        assert_eq!(
            at_date("RFC VACE-460910-SX6"),
            Some(("VACE-460910-SX6", PiiKind::Rfc))
        );
        assert_eq!(at_date("VACE-460910-SX6"), None);
        assert_eq!(
            at_date("RFC: COMG-600703."),
            Some(("COMG-600703", PiiKind::Rfc))
        );
    }

    #[test]
    fn lookalikes() {
        assert_eq!(at_date("GODE561331GR8"), None); // month 13
        assert_eq!(at_date("xGODE561231GR8"), None);
        assert_eq!(at_date("Godé561231GR8"), None);
        assert_eq!(at_date("ABCDE561231GR8"), None);
    }
}
