//! PDF fonts as text extraction needs them: how a shown string splits into character codes,
//! what Unicode each code stands for (ToUnicode first, then the font's encoding), and how far
//! each code advances the pen (glyph widths), which the layout uses to find word gaps.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object};

use super::glyphs;

/// Glyph space units per text space unit for every font type except Type3.
const GLYPH_UNITS: f32 = 1000.0;
/// Width of a glyph whose font gives none (the 14 standard fonts carry no `/Widths`):
/// a typical average advance, so word gaps between separately placed strings still show.
const FALLBACK_WIDTH: f32 = 500.0;

/// One font of a page's resources, ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    /// Type0 (composite) fonts: 2-byte codes (Identity-H and the usual CMaps).
    two_byte: bool,
    /// Code → text from the `/ToUnicode` CMap.
    to_unicode: BTreeMap<u32, String>,
    /// Single-byte codes → text from `/Encoding` (base encoding and `/Differences`).
    simple: Vec<Option<String>>,
    /// Code → width in glyph units.
    widths: BTreeMap<u32, f32>,
    default_width: f32,
    /// Glyph units → text space (1/1000, or a Type3 font's `/FontMatrix`).
    scale: f32,
}

/// One decoded code of a shown string.
pub struct Glyph {
    pub text: String,
    /// Advance in text space units before font size and spacing.
    pub width: f32,
    /// Single-byte code 32, which word spacing (`Tw`) applies to.
    pub is_space_code: bool,
}

impl Font {
    /// Reads a font dictionary; every missing or broken part falls back (no widths, standard
    /// encoding), because a font that decodes badly still places its glyphs on the page.
    pub fn load(doc: &Document, dict: &Dictionary, limit: usize) -> Font {
        let subtype = name_of(dict.get(b"Subtype").ok());
        let two_byte = subtype == b"Type0";
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.get_plain_content_with_limit(limit).ok())
            .map(|bytes| parse_cmap(&bytes))
            .unwrap_or_default();
        let simple = if two_byte {
            Vec::new()
        } else {
            simple_table(doc, dict, limit)
        };
        let mut font = Font {
            two_byte,
            to_unicode,
            simple,
            widths: BTreeMap::new(),
            default_width: FALLBACK_WIDTH,
            scale: 1.0 / GLYPH_UNITS,
        };
        if two_byte {
            font.load_cid_widths(doc, dict);
        } else {
            font.load_simple_widths(doc, dict, &subtype);
        }
        font
    }

    /// A font for a name missing from the resources: codes as Latin-1, fallback widths.
    pub fn missing() -> Font {
        Font {
            two_byte: false,
            to_unicode: BTreeMap::new(),
            simple: (0..=255u8).map(|b| Some((b as char).to_string())).collect(),
            widths: BTreeMap::new(),
            default_width: FALLBACK_WIDTH,
            scale: 1.0 / GLYPH_UNITS,
        }
    }

    fn load_simple_widths(&mut self, doc: &Document, dict: &Dictionary, subtype: &[u8]) {
        if subtype == b"Type3" {
            if let Some(m) = array_of(doc, dict.get(b"FontMatrix").ok()) {
                if let Some(a) = m.first().and_then(number) {
                    if a.is_finite() && a.abs() > 1e-6 {
                        self.scale = a.abs();
                    }
                }
            }
        }
        let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
        if let Some(ws) = array_of(doc, dict.get(b"Widths").ok()) {
            for (i, w) in ws.iter().enumerate().take(256) {
                if let Some(w) = deref(doc, w).and_then(number) {
                    self.widths.insert(first.saturating_add(i as u32), w);
                }
            }
        }
        if let Some(w) = font_descriptor(doc, dict)
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(number)
        {
            if w > 0.0 {
                self.default_width = w;
            }
        }
    }

    /// `/W` of the descendant CIDFont: `c [w1 w2 ...]` and `cfirst clast w` entries.
    fn load_cid_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let Some(desc) = array_of(doc, dict.get(b"DescendantFonts").ok())
            .and_then(|a| a.first().and_then(|o| deref(doc, o)))
            .and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        self.default_width = desc.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
        let Some(w) = array_of(doc, desc.get(b"W").ok()) else {
            return;
        };
        let mut i = 0;
        // Bounded: a CID font has at most 65536 codes.
        while i + 1 < w.len() && self.widths.len() <= 65536 {
            let Some(start) = number(&w[i]) else { break };
            let start = start.max(0.0) as u32;
            if let Some(list) = deref(doc, &w[i + 1]).and_then(|o| o.as_array().ok()) {
                for (k, v) in list.iter().enumerate().take(65536) {
                    if let Some(v) = number(v) {
                        self.widths.insert(start.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            } else if i + 2 < w.len() {
                let (Some(end), Some(v)) = (number(&w[i + 1]), number(&w[i + 2])) else {
                    break;
                };
                let end = (end.max(0.0) as u32).min(start.saturating_add(65535));
                for c in start..=end {
                    self.widths.insert(c, v);
                }
                i += 3;
            } else {
                break;
            }
        }
    }

    /// Splits a shown string into glyphs.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Glyph>) {
        if self.two_byte {
            for pair in bytes.chunks(2) {
                let code = pair.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
                out.push(self.glyph(code, false));
            }
        } else {
            for &b in bytes {
                out.push(self.glyph(u32::from(b), b == b' '));
            }
        }
    }

    fn glyph(&self, code: u32, is_space_code: bool) -> Glyph {
        let text = match self.to_unicode.get(&code) {
            Some(t) => t.clone(),
            None => self
                .simple
                .get(code as usize)
                .and_then(|t| t.clone())
                .unwrap_or_default(),
        };
        let width = self
            .widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
            * self.scale;
        Glyph {
            text,
            width: if width.is_finite() { width } else { 0.0 },
            is_space_code,
        }
    }
}

/// The 256 single-byte codes: a base encoding (lopdf's WinAnsi, MacRoman and Standard
/// tables, or the built-in encoding of an embedded Type1 program), then `/Differences`
/// glyph names over it. Codes nothing names stay `None`.
fn simple_table(doc: &Document, dict: &Dictionary, limit: usize) -> Vec<Option<String>> {
    let enc = dict.get(b"Encoding").ok().and_then(|o| deref(doc, o));
    let (base, diffs) = match enc {
        Some(Object::Name(n)) => (Some(n.clone()), None),
        Some(Object::Dictionary(d)) => (
            d.get(b"BaseEncoding")
                .ok()
                .and_then(|o| o.as_name().ok())
                .map(<[u8]>::to_vec),
            d.get(b"Differences")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let mut table = base_table(doc, base.as_deref(), limit);
    if base.is_none() {
        // TeX's Type1 fonts often carry their encoding only inside the font program.
        let program = font_descriptor(doc, dict)
            .and_then(|d| d.get(b"FontFile").ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.decompressed_content_with_limit(limit).ok());
        for (code, name) in program
            .map(|p| glyphs::type1_builtin(&p))
            .unwrap_or_default()
        {
            table[code as usize] = glyphs::glyph_text(&name);
        }
    }
    let mut code = 0usize;
    for item in diffs.into_iter().flatten() {
        match item {
            Object::Integer(i) => code = (*i).clamp(0, 256) as usize,
            Object::Name(name) => {
                if code < 256 {
                    table[code] = glyphs::glyph_text(&String::from_utf8_lossy(name));
                }
                code += 1;
            }
            _ => {}
        }
    }
    table
}

/// A named base encoding through lopdf's tables (Standard when `None` or unknown).
fn base_table(doc: &Document, base: Option<&[u8]>, limit: usize) -> Vec<Option<String>> {
    let mut plain = Dictionary::new();
    plain.set("Type", Object::Name(b"Font".to_vec()));
    if let Some(b) = base {
        plain.set("Encoding", Object::Name(b.to_vec()));
    }
    let Ok(enc) = plain.get_font_encoding_with_limit(doc, limit) else {
        return vec![None; 256];
    };
    (0..=255u8)
        .map(|b| {
            enc.bytes_to_string(&[b])
                .ok()
                .filter(|s| !s.is_empty() && !s.contains('\u{FFFD}') && !s.contains('\0'))
        })
        .collect()
}

/// Parses the `bfchar` and `bfrange` sections of a ToUnicode CMap. Destinations are UTF-16BE.
/// Ranges are capped so a hostile map cannot ask for billions of entries.
pub fn parse_cmap(bytes: &[u8]) -> BTreeMap<u32, String> {
    const MAX_ENTRIES: usize = 1 << 17;
    let tokens = cmap_tokens(bytes);
    let mut map = BTreeMap::new();
    let mut i = 0;
    let mut section = "";
    while i < tokens.len() && map.len() < MAX_ENTRIES {
        match &tokens[i] {
            CmapTok::Word(w) if w == "beginbfchar" || w == "beginbfrange" => {
                section = if w == "beginbfchar" { "char" } else { "range" };
                i += 1;
            }
            CmapTok::Word(_) => {
                section = "";
                i += 1;
            }
            CmapTok::Hex(src) if section == "char" => {
                if let Some(CmapTok::Hex(dst)) = tokens.get(i + 1) {
                    map.insert(code_of(src), utf16(dst));
                }
                i += 2;
            }
            CmapTok::Hex(lo) if section == "range" => {
                let (Some(CmapTok::Hex(hi)), Some(dst)) = (tokens.get(i + 1), tokens.get(i + 2))
                else {
                    break;
                };
                let (lo, hi) = (code_of(lo), code_of(hi));
                let hi = hi.min(lo.saturating_add(0xFFFF));
                match dst {
                    CmapTok::Hex(d) => {
                        let base = utf16_units(d);
                        for (k, code) in (lo..=hi).enumerate() {
                            let mut units = base.clone();
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(k as u16);
                            }
                            map.insert(code, String::from_utf16_lossy(&units));
                        }
                        i += 3;
                    }
                    CmapTok::Array(items) => {
                        for (code, d) in (lo..=hi).zip(items) {
                            map.insert(code, utf16(d));
                        }
                        i += 3;
                    }
                    CmapTok::Word(_) => i += 3,
                }
            }
            _ => i += 1,
        }
    }
    map
}

enum CmapTok {
    Hex(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Word(String),
}

fn cmap_tokens(bytes: &[u8]) -> Vec<CmapTok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut array: Option<Vec<Vec<u8>>> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'<' {
            let end = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |e| i + e);
            let hex = hex_bytes(&bytes[i + 1..end]);
            match array.as_mut() {
                Some(a) => a.push(hex),
                None => out.push(CmapTok::Hex(hex)),
            }
            i = end + 1;
        } else if b == b'[' {
            array = Some(Vec::new());
            i += 1;
        } else if b == b']' {
            out.push(CmapTok::Array(array.take().unwrap_or_default()));
            i += 1;
        } else if b == b'%' {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |e| i + e + 1);
        } else if b.is_ascii_alphabetic() {
            let end = bytes[i..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(bytes.len(), |e| i + e);
            out.push(CmapTok::Word(
                String::from_utf8_lossy(&bytes[i..end]).into_owned(),
            ));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn hex_bytes(digits: &[u8]) -> Vec<u8> {
    let nibbles: Vec<u8> = digits
        .iter()
        .filter_map(|c| (*c as char).to_digit(16).map(|d| d as u8))
        .collect();
    nibbles
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |a, b| (a << 8) | u32::from(*b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|p| (u16::from(p[0]) << 8) | u16::from(p.get(1).copied().unwrap_or(0)))
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

fn name_of(o: Option<&Object>) -> Vec<u8> {
    o.and_then(|o| o.as_name().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// Follows one reference (lopdf keeps indirect objects by id).
pub fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn array_of<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a Vec<Object>> {
    o.and_then(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
}

fn font_descriptor<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a Dictionary> {
    dict.get(b"FontDescriptor")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
}

/// An integer or real operand as `f32`.
pub fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_chars_ranges_and_ligatures() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n2 beginbfchar\n<0003> <0020>\n\
            <001F> <00660069>\nendbfchar\n1 beginbfrange\n<0024> <0026> <0041>\nendbfrange\n\
            1 beginbfrange\n<0030> <0031> [<00E1> <00F1>]\nendbfrange\nend";
        let map = parse_cmap(cmap);
        assert_eq!(map[&3], " ");
        assert_eq!(map[&0x1F], "fi");
        assert_eq!(map[&0x25], "B");
        assert_eq!(map[&0x26], "C");
        assert_eq!(map[&0x31], "ñ");
        assert!(!map.contains_key(&0x27));
    }

    #[test]
    fn hostile_range_is_capped() {
        let map = parse_cmap(b"beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(map.len() <= 0x10000);
    }
}
