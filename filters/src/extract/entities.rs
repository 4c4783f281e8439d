//! Character references: numeric (`&#233;`, `&#xE9;`) and the named ones of HTML 4 plus a few
//! common HTML 5 additions. The Latin-1 names are also accepted without the final `;`, as browsers
//! do. Unknown references are kept literally.

use std::sync::OnceLock;

/// Names for U+00A0..=U+00FF, in code point order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Greek letters: capitals from U+0391 and small from U+03B1 share these names (capitalised).
const GREEK: [&str; 25] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigmaf", "sigma", "tau", "upsilon", "phi",
    "chi", "psi", "omega",
];

const OTHER: &[(&str, u32)] = &[
    ("quot", 34),
    ("amp", 38),
    ("apos", 39),
    ("lt", 60),
    ("gt", 62),
    ("OElig", 338),
    ("oelig", 339),
    ("Scaron", 352),
    ("scaron", 353),
    ("Yuml", 376),
    ("fnof", 402),
    ("circ", 710),
    ("tilde", 732),
    ("thetasym", 977),
    ("upsih", 978),
    ("piv", 982),
    ("ensp", 8194),
    ("emsp", 8195),
    ("thinsp", 8201),
    ("ZeroWidthSpace", 8203),
    ("zwnj", 8204),
    ("zwj", 8205),
    ("lrm", 8206),
    ("rlm", 8207),
    ("hyphen", 8208),
    ("dash", 8208),
    ("ndash", 8211),
    ("mdash", 8212),
    ("horbar", 8213),
    ("lsquo", 8216),
    ("rsquo", 8217),
    ("rsquor", 8217),
    ("sbquo", 8218),
    ("ldquo", 8220),
    ("rdquo", 8221),
    ("bdquo", 8222),
    ("dagger", 8224),
    ("Dagger", 8225),
    ("bull", 8226),
    ("hellip", 8230),
    ("permil", 8240),
    ("prime", 8242),
    ("Prime", 8243),
    ("lsaquo", 8249),
    ("rsaquo", 8250),
    ("oline", 8254),
    ("frasl", 8260),
    ("euro", 8364),
    ("image", 8465),
    ("weierp", 8472),
    ("real", 8476),
    ("trade", 8482),
    ("alefsym", 8501),
    ("larr", 8592),
    ("uarr", 8593),
    ("rarr", 8594),
    ("darr", 8595),
    ("harr", 8596),
    ("crarr", 8629),
    ("lArr", 8656),
    ("uArr", 8657),
    ("rArr", 8658),
    ("dArr", 8659),
    ("hArr", 8660),
    ("forall", 8704),
    ("part", 8706),
    ("exist", 8707),
    ("empty", 8709),
    ("nabla", 8711),
    ("isin", 8712),
    ("notin", 8713),
    ("ni", 8715),
    ("prod", 8719),
    ("sum", 8721),
    ("minus", 8722),
    ("lowast", 8727),
    ("radic", 8730),
    ("prop", 8733),
    ("infin", 8734),
    ("ang", 8736),
    ("and", 8743),
    ("or", 8744),
    ("cap", 8745),
    ("cup", 8746),
    ("int", 8747),
    ("there4", 8756),
    ("sim", 8764),
    ("cong", 8773),
    ("asymp", 8776),
    ("ne", 8800),
    ("equiv", 8801),
    ("le", 8804),
    ("ge", 8805),
    ("sub", 8834),
    ("sup", 8835),
    ("nsub", 8836),
    ("sube", 8838),
    ("supe", 8839),
    ("oplus", 8853),
    ("otimes", 8855),
    ("perp", 8869),
    ("sdot", 8901),
    ("lceil", 8968),
    ("rceil", 8969),
    ("lfloor", 8970),
    ("rfloor", 8971),
    ("lang", 10216),
    ("rang", 10217),
    ("loz", 9674),
    ("spades", 9824),
    ("clubs", 9827),
    ("hearts", 9829),
    ("diams", 9830),
];

/// All names, sorted for binary search; built once.
fn table() -> &'static [(String, u32)] {
    static TABLE: OnceLock<Vec<(String, u32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(String, u32)> = Vec::with_capacity(300);
        for (i, n) in LATIN1.iter().enumerate() {
            t.push((n.to_string(), 0xA0 + i as u32));
        }
        for (i, n) in GREEK.iter().enumerate() {
            let small = 0x3B1 + i as u32;
            t.push((n.to_string(), small));
            if *n != "sigmaf" {
                let mut cap = n.to_string();
                cap[..1].make_ascii_uppercase();
                t.push((cap, small - 0x20));
            }
        }
        for &(n, c) in OTHER {
            t.push((n.to_string(), c));
        }
        t.sort();
        t
    })
}

fn lookup(name: &[u8]) -> Option<u32> {
    let t = table();
    t.binary_search_by(|(n, _)| n.as_bytes().cmp(name))
        .ok()
        .map(|i| t[i].1)
}

/// Windows-1252 meanings of C1 code points, as browsers map `&#128;`..`&#159;`.
fn c1_remap(c: u32) -> u32 {
    const MAP: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    if (0x80..=0x9F).contains(&c) {
        MAP[(c - 0x80) as usize]
    } else {
        c
    }
}

/// Decodes one reference starting at `s[0] == b'&'`. Returns the character and the number of
/// bytes consumed, or `None` when this `&` is literal text.
pub fn decode_at(s: &[u8]) -> Option<(char, usize)> {
    if s.len() < 2 {
        return None;
    }
    if s[1] == b'#' {
        return decode_numeric(s);
    }
    let end = s[1..]
        .iter()
        .take(33)
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(s.len().min(34), |p| p + 1);
    if end == 1 {
        return None;
    }
    let name = &s[1..end];
    let semi = s.get(end) == Some(&b';');
    let code = lookup(name)?;
    // Without `;` only the legacy Latin-1 names count, and not before `=` (URLs in text).
    if !semi && (code > 0xFF || s.get(end) == Some(&b'=')) {
        return None;
    }
    let c = char::from_u32(code)?;
    Some((c, end + usize::from(semi)))
}

fn decode_numeric(s: &[u8]) -> Option<(char, usize)> {
    let (hex, start) = match s.get(2) {
        Some(b'x' | b'X') => (true, 3),
        _ => (false, 2),
    };
    let mut i = start;
    let mut v: u32 = 0;
    while let Some(&b) = s.get(i) {
        let d = if hex {
            (b as char).to_digit(16)
        } else {
            (b as char).to_digit(10)
        };
        let Some(d) = d else { break };
        v = v
            .saturating_mul(if hex { 16 } else { 10 })
            .saturating_add(d);
        i += 1;
    }
    if i == start {
        return None;
    }
    if s.get(i) == Some(&b';') {
        i += 1;
    }
    let c = match c1_remap(v) {
        0 => '\u{FFFD}',
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    };
    Some((c, i))
}

/// Appends `s` to `out` with references decoded.
pub fn decode_into(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'&', &b[i..]) {
        let at = i + p;
        match decode_at(&b[at..]) {
            Some((c, n)) => {
                out.push_str(&s[last..at]);
                out.push(c);
                i = at + n;
                last = i;
            }
            None => i = at + 1,
        }
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> String {
        let mut o = String::new();
        decode_into(s, &mut o);
        o
    }

    #[test]
    fn named_and_numeric() {
        assert_eq!(
            dec("Pa&ntilde;uelo &amp; ma&ccedil;&atilde;"),
            "Pañuelo & maçã"
        );
        assert_eq!(dec("&#241;and&#xFA; &#X41;"), "ñandú A");
        assert_eq!(dec("&Omega;&omega;&sigmaf;&hellip;&euro;"), "Ωως…€");
        assert_eq!(dec("&#150;&#0;"), "\u{2013}\u{FFFD}");
    }

    #[test]
    fn literal_and_legacy() {
        assert_eq!(dec("a & b &unknown; &"), "a & b &unknown; &");
        assert_eq!(dec("&copy 2024 &nbsp;x"), "\u{a9} 2024 \u{a0}x");
        assert_eq!(dec("?a=1&copy=2"), "?a=1&copy=2");
        assert_eq!(dec("&hellip no"), "&hellip no");
        assert_eq!(dec("&#xZZ; &#"), "&#xZZ; &#");
        assert_eq!(dec("&#99999999999;"), "\u{FFFD}");
    }
}
