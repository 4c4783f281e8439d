//! E-mail addresses and IP addresses.
//!
//! E-mails are anchored on `@` (found with memchr) and grown both ways over the characters an
//! address may hold; the domain needs a dot and an alphabetic top-level label, so "@usuario"
//! handles and "a@b" are not addresses. IPv6 is anchored on `:` between hex digits; IPv4 is a
//! shape of the numeric tokens (`numeric.rs` calls [`ipv4_octets_ok`]).

use super::scanner::{char_at, prev_char, Candidate};
use super::PiiKind;

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// All e-mail addresses in `text`.
pub(crate) fn emails(text: &str, out: &mut Vec<Candidate>) {
    let b = text.as_bytes();
    let mut last_end = 0;
    for at in memchr::memchr_iter(b'@', b) {
        if at < last_end {
            continue;
        }
        if let Some((s, e)) = email_at(text, at) {
            out.push(Candidate::new(s, e, PiiKind::Email, 3));
            last_end = e;
        }
    }
}

/// The address around the `@` at `at`, if there is one.
fn email_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    // Local part: ASCII address characters and (internationalised addresses) letters.
    let mut s = at;
    for (n, c) in text[..at].chars().rev().enumerate() {
        let ok = if c.is_ascii() {
            is_local_char(c as u8)
        } else {
            c.is_alphanumeric()
        };
        if !ok || n >= 64 {
            break;
        }
        s -= c.len_utf8();
    }
    // Dots and dashes at the edge belong to the sentence, not the address.
    while s < at && matches!(b[s], b'.' | b'-' | b'+') {
        s += 1;
    }
    if s == at || b[at - 1] == b'.' {
        return None;
    }
    let mut e = at + 1;
    while e < b.len() && e - at <= 253 && is_domain_char(b[e]) {
        e += 1;
    }
    // Trailing dots/dashes end the sentence.
    while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
        e -= 1;
    }
    if !domain_ok(&b[at + 1..e]) {
        return None;
    }
    Some((s, trim_glued(b, at + 1, e)))
}

/// A host name with at least two labels and an alphabetic top-level label.
fn domain_ok(domain: &[u8]) -> bool {
    let labels: Vec<&[u8]> = domain.split(|&c| c == b'.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l[0] == b'-' || l[l.len() - 1] == b'-')
    {
        return false;
    }
    let tld = labels[labels.len() - 1];
    (2..=24).contains(&tld.len()) && tld.iter().all(u8::is_ascii_alphabetic)
}

/// Generic top-level labels that text extracted from HTML often runs into the next word
/// ("gmail.comsabado"); the domain is cut back to them.
const GLUED_TLDS: [&[u8]; 5] = [b"com", b"org", b"net", b"edu", b"gov"];
/// Real top-level labels that start like the ones above.
const LONG_TLDS: [&[u8]; 7] = [
    b"community",
    b"company",
    b"computer",
    b"network",
    b"education",
    b"organic",
    b"netflix",
];

/// End of the domain `d..e` once a word glued to it is cut off: at a lower-to-upper case change
/// ("uchile.clContacto", "axios.com.Okay") or after a generic top-level label run into
/// lower-case text. The cut is kept only if what remains is still a valid domain.
fn trim_glued(b: &[u8], d: usize, e: usize) -> usize {
    let lower = |x: u8| x.is_ascii_lowercase();
    for k in d + 1..e {
        let after_lower = lower(b[k - 1]) || (b[k - 1] == b'.' && k >= d + 2 && lower(b[k - 2]));
        if b[k].is_ascii_uppercase() && after_lower {
            let mut cut = k;
            while b[cut - 1] == b'.' {
                cut -= 1;
            }
            if domain_ok(&b[d..cut]) {
                return cut;
            }
        }
    }
    let last_dot = b[d..e]
        .iter()
        .rposition(|&c| c == b'.')
        .map_or(d, |i| d + i + 1);
    let label = &b[last_dot..e];
    if LONG_TLDS.contains(&label) {
        return e;
    }
    for tld in GLUED_TLDS {
        if label.len() >= tld.len() + 3 && label.starts_with(tld) && label.iter().all(|&c| lower(c))
        {
            return last_dot + tld.len();
        }
    }
    e
}

/// True when four dotted groups of 1-3 digits are a plausible IPv4 address: each octet
/// 0..=255 without leading zeros; with a one-digit first octet, two more octets need two
/// digits or more ("1.2.3.4" numbers sections, "2.0.0.16" versions).
pub(crate) fn ipv4_octets_ok(octets: &[&[u8]]) -> bool {
    if octets.len() != 4 {
        return false;
    }
    let mut long = 0usize;
    for o in octets {
        if o.is_empty() || o.len() > 3 || (o.len() > 1 && o[0] == b'0') {
            return false;
        }
        let v = o.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
        if v > 255 {
            return false;
        }
        long += usize::from(o.len() > 1);
    }
    // Version numbers ("Firefox 2.0.0.16") start with one digit and have few long parts.
    if octets[0].len() == 1 {
        long >= 2
    } else {
        true
    }
}

/// All IPv6 addresses in `text`, anchored on `:` that sits next to a hex digit or another `:`.
pub(crate) fn ipv6s(text: &str, out: &mut Vec<Candidate>) {
    let b = text.as_bytes();
    let mut last_end = 0;
    for c in memchr::memchr_iter(b':', b) {
        if c < last_end {
            continue;
        }
        let prev_ok = c > 0 && (b[c - 1].is_ascii_hexdigit() || b[c - 1] == b':');
        let next_ok = c + 1 < b.len() && (b[c + 1].is_ascii_hexdigit() || b[c + 1] == b':');
        if !(prev_ok && next_ok) {
            continue;
        }
        if let Some((s, e)) = ipv6_around(text, c) {
            out.push(Candidate::new(s, e, PiiKind::Ipv6, 2));
            last_end = e;
        } else {
            // Skip the rest of this hex/colon run: it was judged as a whole.
            let mut e = c;
            while e < b.len() && (b[e].is_ascii_hexdigit() || b[e] == b':' || b[e] == b'.') {
                e += 1;
            }
            last_end = e;
        }
    }
}

fn ipv6_around(text: &str, colon: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let is_c = |x: u8| x.is_ascii_hexdigit() || x == b':' || x == b'.';
    let mut s = colon;
    while s > 0 && colon - s < 45 && is_c(b[s - 1]) {
        s -= 1;
    }
    let mut e = colon;
    while e < b.len() && e - s < 45 && is_c(b[e]) {
        e += 1;
    }
    // Sentence punctuation after the address.
    while e > colon && b[e - 1] == b'.' {
        e -= 1;
    }
    let glued = |c: char| c.is_alphanumeric() || c == '_';
    if prev_char(text, s).is_some_and(glued) || char_at(text, e).is_some_and(glued) {
        return None;
    }
    if ipv6_valid(&b[s..e]) {
        Some((s, e))
    } else {
        None
    }
}

/// Full (8 groups) or `::`-compressed IPv6, optionally ending in an IPv4 (2 groups' worth).
fn ipv6_valid(a: &[u8]) -> bool {
    let text = match std::str::from_utf8(a) {
        Ok(t) => t,
        Err(_) => return false,
    };
    let (head, tail, compressed) = match text.find("::") {
        Some(i) => (&text[..i], &text[i + 2..], true),
        None => (text, "", false),
    };
    if tail.contains("::") {
        return false;
    }
    let mut groups = 0usize;
    let mut hex_chars = 0usize;
    let mut has_digit = false;
    let mut parts: Vec<&str> = head.split(':').collect();
    if compressed {
        parts.extend(tail.split(':'));
        parts.retain(|p| !p.is_empty());
    }
    let last = parts.len().saturating_sub(1);
    for (i, p) in parts.iter().enumerate() {
        if i == last && p.contains('.') {
            let oct: Vec<&[u8]> = p.split('.').map(str::as_bytes).collect();
            if !ipv4_octets_ok(&oct) && !oct.iter().all(|o| o.len() == 1) {
                return false;
            }
            groups += 2;
            has_digit = true;
            hex_chars += 4;
            continue;
        }
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
        groups += 1;
        hex_chars += p.len();
        has_digit |= p.bytes().any(|c| c.is_ascii_digit());
    }
    if compressed {
        (2..=7).contains(&groups) && has_digit && hex_chars >= 4
    } else {
        groups == 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails_of(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        emails(t, &mut v);
        v.iter().map(|c| &t[c.start..c.end]).collect()
    }

    fn ipv6_of(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        ipv6s(t, &mut v);
        v.iter().map(|c| &t[c.start..c.end]).collect()
    }

    #[test]
    fn email_edges() {
        assert_eq!(
            emails_of("Escriba a «maría.pérez@uchile.cl»."),
            vec!["maría.pérez@uchile.cl"]
        );
        assert_eq!(
            emails_of("Escriba a m.perez+news@correo.uchile.cl."),
            vec!["m.perez+news@correo.uchile.cl"]
        );
        assert_eq!(
            emails_of("<joao_silva@empresa.com.br>"),
            vec!["joao_silva@empresa.com.br"]
        );
        assert_eq!(emails_of("sigue a @usuario y a@b"), Vec::<&str>::new());
        // Words glued by HTML extraction are cut off; mixed-case domains are kept.
        assert_eq!(emails_of("info@uchile.clContacto"), vec!["info@uchile.cl"]);
        assert_eq!(emails_of("erica@axios.com.Okay"), vec!["erica@axios.com"]);
        assert_eq!(emails_of("rosa@gmail.comsabado"), vec!["rosa@gmail.com"]);
        assert_eq!(
            emails_of("Andrew@GriffithMP.com"),
            vec!["Andrew@GriffithMP.com"]
        );
        assert_eq!(
            emails_of("x@comunidad.community"),
            vec!["x@comunidad.community"]
        );
        assert_eq!(emails_of("x@dominio.c1 y ..@a.com"), Vec::<&str>::new());
    }

    #[test]
    fn ipv4_octet_rules() {
        let ok = |s: &str| ipv4_octets_ok(&s.split('.').map(str::as_bytes).collect::<Vec<_>>());
        assert!(ok("192.168.0.1"));
        assert!(ok("10.0.0.1"));
        assert!(!ok("256.1.1.1"));
        assert!(!ok("01.2.3.4"));
        assert!(!ok("1.2.3.4"));
        assert!(!ok("2.0.0.16"));
        assert!(ok("8.26.154.3"));
        assert!(!ok("1.2.3"));
    }

    #[test]
    fn ipv6_forms() {
        assert_eq!(
            ipv6_of("host 2001:db8:85a3:0:0:8a2e:370:7334 ok"),
            vec!["2001:db8:85a3:0:0:8a2e:370:7334"]
        );
        assert_eq!(
            ipv6_of("desde fe80::1ff:fe23:4567:890a."),
            vec!["fe80::1ff:fe23:4567:890a"]
        );
        assert_eq!(
            ipv6_of("mapeada ::ffff:192.0.2.128 fin"),
            vec!["::ffff:192.0.2.128"]
        );
        // Times, verses, ratios and C++ paths are not addresses.
        assert!(ipv6_of("a las 10:30:45 horas, Juan 3:16, 2:1, std::vec, Nota: a::b").is_empty());
    }
}
