//! Glyph names (from `/Differences` and from the built-in encoding of embedded Type1 fonts)
//! to Unicode, for the Latin text minga reads. Covers the names TeX, LibreOffice and office
//! suites write: ASCII, ligatures, quotes and dashes, spacing accents, and every
//! letter+accent name (`aacute`, `ntilde`, `ccedilla` ...), plus `uniXXXX` and `uXXXX`.

use unicode_normalization::UnicodeNormalization;

const NAMED: &[(&str, &str)] = &[
    ("space", " "),
    ("exclam", "!"),
    ("quotedbl", "\""),
    ("numbersign", "#"),
    ("dollar", "$"),
    ("percent", "%"),
    ("ampersand", "&"),
    ("quoteright", "’"),
    ("quotesingle", "'"),
    ("parenleft", "("),
    ("parenright", ")"),
    ("asterisk", "*"),
    ("plus", "+"),
    ("comma", ","),
    ("hyphen", "-"),
    ("period", "."),
    ("slash", "/"),
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("colon", ":"),
    ("semicolon", ";"),
    ("less", "<"),
    ("equal", "="),
    ("greater", ">"),
    ("question", "?"),
    ("at", "@"),
    ("bracketleft", "["),
    ("backslash", "\\"),
    ("bracketright", "]"),
    ("asciicircum", "^"),
    ("underscore", "_"),
    ("quoteleft", "‘"),
    ("braceleft", "{"),
    ("bar", "|"),
    ("braceright", "}"),
    ("asciitilde", "~"),
    ("ff", "ff"),
    ("fi", "fi"),
    ("fl", "fl"),
    ("ffi", "ffi"),
    ("ffl", "ffl"),
    ("endash", "–"),
    ("emdash", "—"),
    ("quotedblleft", "“"),
    ("quotedblright", "”"),
    ("quotesinglbase", "‚"),
    ("quotedblbase", "„"),
    ("guillemotleft", "«"),
    ("guillemotright", "»"),
    ("guilsinglleft", "‹"),
    ("guilsinglright", "›"),
    ("bullet", "•"),
    ("dagger", "†"),
    ("daggerdbl", "‡"),
    ("ellipsis", "…"),
    ("exclamdown", "¡"),
    ("questiondown", "¿"),
    ("grave", "`"),
    ("acute", "´"),
    ("circumflex", "ˆ"),
    ("tilde", "˜"),
    ("dieresis", "¨"),
    ("cedilla", "¸"),
    ("caron", "ˇ"),
    ("breve", "˘"),
    ("macron", "¯"),
    ("dotaccent", "˙"),
    ("ring", "˚"),
    ("hungarumlaut", "˝"),
    ("ogonek", "˛"),
    ("dotlessi", "ı"),
    ("dotlessj", "ȷ"),
    ("germandbls", "ß"),
    ("ae", "æ"),
    ("AE", "Æ"),
    ("oe", "œ"),
    ("OE", "Œ"),
    ("oslash", "ø"),
    ("Oslash", "Ø"),
    ("lslash", "ł"),
    ("Lslash", "Ł"),
    ("eth", "ð"),
    ("Eth", "Ð"),
    ("thorn", "þ"),
    ("Thorn", "Þ"),
    ("section", "§"),
    ("paragraph", "¶"),
    ("copyright", "©"),
    ("registered", "®"),
    ("trademark", "™"),
    ("degree", "°"),
    ("ordfeminine", "ª"),
    ("ordmasculine", "º"),
    ("periodcentered", "·"),
    ("minus", "−"),
    ("multiply", "×"),
    ("divide", "÷"),
    ("plusminus", "±"),
    ("cent", "¢"),
    ("sterling", "£"),
    ("yen", "¥"),
    ("Euro", "€"),
    ("euro", "€"),
    ("perthousand", "‰"),
    ("florin", "ƒ"),
    ("visiblespace", "␣"),
    ("nbspace", "\u{a0}"),
    ("sfthyphen", "\u{ad}"),
    ("onequarter", "¼"),
    ("onehalf", "½"),
    ("threequarters", "¾"),
    ("mu", "µ"),
    ("brokenbar", "¦"),
    ("logicalnot", "¬"),
    ("currency", "¤"),
    ("onesuperior", "¹"),
    ("twosuperior", "²"),
    ("threesuperior", "³"),
    ("fraction", "⁄"),
    ("quotereversed", "‛"),
    ("compwordmark", ""),
    ("cwm", ""),
    ("suppress", ""),
    ("Gamma", "Γ"),
    ("Delta", "Δ"),
    ("Theta", "Θ"),
    ("Lambda", "Λ"),
    ("Xi", "Ξ"),
    ("Pi", "Π"),
    ("Sigma", "Σ"),
    ("Upsilon", "Υ"),
    ("Phi", "Φ"),
    ("Psi", "Ψ"),
    ("Omega", "Ω"),
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("epsilon", "ϵ"),
    ("epsilon1", "ε"),
    ("pi", "π"),
    ("sigma", "σ"),
    ("lambda", "λ"),
    ("theta", "θ"),
    ("omega", "ω"),
];

/// Accent suffixes of glyph names and the combining mark each adds.
const ACCENTS: &[(&str, char)] = &[
    ("acute", '\u{301}'),
    ("grave", '\u{300}'),
    ("circumflex", '\u{302}'),
    ("tilde", '\u{303}'),
    ("dieresis", '\u{308}'),
    ("cedilla", '\u{327}'),
    ("ring", '\u{30A}'),
    ("caron", '\u{30C}'),
    ("breve", '\u{306}'),
    ("macron", '\u{304}'),
    ("dotaccent", '\u{307}'),
    ("ogonek", '\u{328}'),
    ("hungarumlaut", '\u{30B}'),
];

/// The text a glyph name stands for, `None` for names this table does not know.
pub fn glyph_text(name: &str) -> Option<String> {
    let name = name.split('.').next().unwrap_or(name);
    if name.chars().count() == 1 && name.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(name.to_string());
    }
    if let Some((_, t)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some((*t).to_string());
    }
    if let Some(hex) = name.strip_prefix("uni") {
        let units: Option<Vec<u16>> = (0..hex.len() / 4)
            .map(|i| u16::from_str_radix(hex.get(4 * i..4 * i + 4)?, 16).ok())
            .collect();
        return units
            .filter(|u| !u.is_empty() && hex.len() % 4 == 0)
            .map(|u| String::from_utf16_lossy(&u));
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    if let Some(t) = numbered(name) {
        return Some(t);
    }
    for (suffix, mark) in ACCENTS {
        if let Some(base) = name.strip_suffix(suffix) {
            let mut chars = base.chars();
            if let (Some(b), None) = (chars.next(), chars.next()) {
                if b.is_ascii_alphabetic() {
                    return Some([b, *mark].iter().collect::<String>().nfc().collect());
                }
            }
        }
    }
    None
}

/// `a65`, `g97`, `c101`: bitmap (Type3) fonts from TeX name glyphs by their decimal code,
/// which for letters, digits and punctuation is ASCII.
fn numbered(name: &str) -> Option<String> {
    let digits = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = name.len() - digits.len();
    if !(1..=2).contains(&prefix) || !(2..=3).contains(&digits.len()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    (33..127)
        .contains(&code)
        .then(|| char::from_u32(code).map(String::from))?
}

/// `dup CODE /NAME put` entries of an embedded Type1 font program's built-in encoding (the
/// clear-text part, which comes first), for fonts with no `/Encoding` in the PDF.
pub fn type1_builtin(program: &[u8]) -> Vec<(u8, String)> {
    let end = memchr::memmem::find(program, b"eexec").unwrap_or(program.len());
    let text = String::from_utf8_lossy(&program[..end.min(64 << 10)]);
    let mut out = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for w in words.windows(4) {
        if w[0] == "dup" && w[3] == "put" {
            if let (Ok(code), Some(name)) = (w[1].parse::<u8>(), w[2].strip_prefix('/')) {
                out.push((code, name.to_string()));
            }
        }
    }
    out
}

/// A spacing accent that TeX-style fonts draw over a separate letter.
pub fn combining_for(accent: &str) -> Option<char> {
    Some(match accent {
        "´" | "\u{301}" => '\u{301}',
        "`" | "\u{300}" => '\u{300}',
        "ˆ" | "^" | "\u{302}" => '\u{302}',
        "˜" | "~" | "\u{303}" => '\u{303}',
        "¨" | "\u{308}" => '\u{308}',
        "¸" | "\u{327}" => '\u{327}',
        "˚" | "\u{30A}" => '\u{30A}',
        "ˇ" | "\u{30C}" => '\u{30C}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode() {
        assert_eq!(glyph_text("aacute").as_deref(), Some("á"));
        assert_eq!(glyph_text("Ntilde").as_deref(), Some("Ñ"));
        assert_eq!(glyph_text("ccedilla").as_deref(), Some("ç"));
        assert_eq!(glyph_text("otilde").as_deref(), Some("õ"));
        assert_eq!(glyph_text("fi").as_deref(), Some("fi"));
        assert_eq!(glyph_text("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_text("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_text("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_text("a97").as_deref(), Some("a"));
        assert_eq!(glyph_text("g3"), None);
        assert_eq!(glyph_text("g200"), None);
    }

    #[test]
    fn builtin_encoding_is_read() {
        let prog = b"/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 12 /fi put\ndup 19 /acute put\nreadonly def\ncurrentfile eexec \x80\x81dup 1 /x put";
        assert_eq!(
            type1_builtin(prog),
            vec![(12, "fi".to_string()), (19, "acute".to_string())]
        );
    }
}
