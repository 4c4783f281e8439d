//! The document information dictionary (`/Info`) and the catalog's `/Lang`.

use lopdf::{Document, Object};
use serde_json::{Map, Value};

use super::fonts::deref;

/// What a PDF says about itself.
#[derive(Debug, Default, PartialEq)]
pub struct Info {
    pub title: Option<String>,
    /// `CreationDate` as ISO 8601.
    pub created: Option<String>,
    /// Everything else, under the `meta` keys ingest stores.
    pub meta: Map<String, Value>,
}

/// Reads `/Info` and `/Lang`; absent or broken entries are left out.
pub fn read_info(doc: &Document) -> Info {
    let mut info = Info::default();
    let dict = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok());
    if let Some(d) = dict {
        let text = |key: &[u8]| {
            d.get(key)
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(text_string)
                .filter(|s| !s.is_empty())
        };
        info.title = text(b"Title");
        for (key, name) in [
            (&b"Author"[..], "author"),
            (b"Subject", "subject"),
            (b"Keywords", "keywords"),
            (b"Creator", "creator"),
            (b"Producer", "producer"),
        ] {
            if let Some(v) = text(key) {
                info.meta.insert(name.into(), Value::String(v));
            }
        }
        info.created = text(b"CreationDate").and_then(|d| pdf_date(&d));
        if let Some(m) = text(b"ModDate").and_then(|d| pdf_date(&d)) {
            info.meta.insert("modified".into(), Value::String(m));
        }
    }
    let lang = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Lang").ok())
        .and_then(|o| deref(doc, o))
        .and_then(text_string)
        .filter(|s| !s.is_empty() && s.len() < 36);
    if let Some(lang) = lang {
        info.meta.insert("language".into(), Value::String(lang));
    }
    info
}

/// A PDF text string: UTF-16BE with a BOM, UTF-8 with a BOM (PDF 2.0), else PDFDocEncoding
/// (Latin-1 for the letters that matter here). Control characters are dropped.
fn text_string(o: &Object) -> Option<String> {
    let Object::String(bytes, _) = o else {
        return None;
    };
    let s = if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|p| (u16::from(p[0]) << 8) | u16::from(p.get(1).copied().unwrap_or(0)))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| pdfdoc_char(b)).collect()
    };
    Some(
        s.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_string(),
    )
}

/// PDFDocEncoding: Latin-1 except 0x80..0xA0, whose typographic marks are listed here.
fn pdfdoc_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        0xA0 => '€',
        _ => b as char,
    }
}

/// `D:YYYYMMDDHHmmSSOHH'mm'` → `YYYY-MM-DDTHH:MM:SS±HH:MM` (or `Z`); a date alone when the
/// time is missing. Anything that does not start with a 4-digit year gives `None`.
pub fn pdf_date(raw: &str) -> Option<String> {
    let s = raw.trim().strip_prefix("D:").unwrap_or(raw.trim());
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    let field = |from: usize, default: &'static str| digits.get(from..from + 2).unwrap_or(default);
    let (y, mo, d) = (&digits[..4], field(4, "01"), field(6, "01"));
    let valid = |v: &str, lo: u32, hi: u32| v.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n));
    if !(valid(mo, 1, 12) && valid(d, 1, 31)) {
        return None;
    }
    if digits.len() < 10 {
        return Some(format!("{y}-{mo}-{d}"));
    }
    let (h, mi, se) = (field(8, "00"), field(10, "00"), field(12, "00"));
    if !(valid(h, 0, 23) && valid(mi, 0, 59) && valid(se, 0, 60)) {
        return None;
    }
    let rest = &s[digits.len()..];
    let zone = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let tz: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let (zh, zm) = (tz.get(0..2).unwrap_or("00"), tz.get(2..4).unwrap_or("00"));
            format!("{sign}{zh}:{zm}")
        }
        _ => "Z".to_string(),
    };
    Some(format!("{y}-{mo}-{d}T{h}:{mi}:{se}{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_iso() {
        assert_eq!(
            pdf_date("D:20230122123456+01'00'").as_deref(),
            Some("2023-01-22T12:34:56+01:00")
        );
        assert_eq!(pdf_date("D:19990704").as_deref(), Some("1999-07-04"));
        assert_eq!(
            pdf_date("D:20201231235959Z").as_deref(),
            Some("2020-12-31T23:59:59Z")
        );
        assert_eq!(pdf_date("D:2020").as_deref(), Some("2020-01-01"));
        assert_eq!(pdf_date("ayer"), None);
        assert_eq!(pdf_date("D:20201399"), None);
    }

    #[test]
    fn text_strings_decode() {
        let utf16 = Object::String(
            vec![0xFE, 0xFF, 0, b'S', 0, 0xE3, 0, b'o'],
            Default::default(),
        );
        assert_eq!(text_string(&utf16).as_deref(), Some("São"));
        let latin = Object::String(b"Jos\xe9 \x84".to_vec(), Default::default());
        assert_eq!(text_string(&latin).as_deref(), Some("José —"));
    }
}
