//! ELAN annotation documents (`.eaf`): tiers of time-aligned annotations to documents.
//!
//! The file is parsed once with quick-xml into a small model (time slots, tiers, annotations,
//! linguistic types, languages); no DTD entity is ever expanded (only the five XML ones and
//! character references), and nesting deeper than [`MAX_DEPTH`] is refused. Which tiers become
//! text, and how, is [`super::eaf_doc`].

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::SourceError;
use super::{skip, SkipReason, SourceItem};

pub use super::eaf_doc::EafOptions;

/// Deepest element nesting accepted (real files nest 4 levels).
pub const MAX_DEPTH: usize = 64;

/// One `<TIER>`.
#[derive(Debug, Default, Clone)]
pub struct Tier {
    pub id: String,
    pub ling_type: String,
    pub participant: String,
    pub annotator: String,
    pub parent: String,
    pub lang_ref: String,
    pub locale: String,
    /// Byte range of the `<TIER>` element in the file.
    pub offset: u64,
    pub length: u64,
    pub annotations: Vec<Annotation>,
}

/// An `ALIGNABLE_ANNOTATION` (time slots) or a `REF_ANNOTATION` (the annotation it refers to).
#[derive(Debug, Default, Clone)]
pub struct Annotation {
    pub id: String,
    pub slot1: String,
    pub slot2: String,
    pub refers_to: String,
    pub value: String,
    pub cve_ref: String,
}

/// A `<LINGUISTIC_TYPE>`.
#[derive(Debug, Default, Clone)]
pub struct LingType {
    pub time_alignable: String,
    pub constraints: String,
    pub cv: String,
}

/// A whole annotation document.
#[derive(Debug, Default)]
pub struct Eaf {
    pub author: String,
    pub date: String,
    pub media: Vec<String>,
    /// Time slots in file order, with their value in ms when given.
    pub slots: Vec<(String, Option<u64>)>,
    pub tiers: Vec<Tier>,
    pub types: HashMap<String, LingType>,
    /// `LANG_ID` -> `LANG_DEF` (or label).
    pub languages: Vec<(String, String)>,
}

/// Reads one `.eaf` file. Bad content gives skips (`ingest.bad_xml`, `ingest.not_eaf`,
/// `ingest.xml_too_deep`, `ingest.record_too_large`, `ingest.no_text`); I/O failures are errors.
pub fn read_eaf(path: &Path, opts: &EafOptions) -> Result<Vec<SourceItem>, SourceError> {
    Ok(match super::read_whole_file(path, opts.max_bytes)? {
        super::WholeFile::Bytes(bytes) => eaf_items(&bytes, opts),
        super::WholeFile::Done(items) => items,
    })
}

/// The documents (or skip) of a whole `.eaf` file's bytes.
pub fn eaf_items(bytes: &[u8], opts: &EafOptions) -> Vec<SourceItem> {
    match parse(bytes) {
        Ok(eaf) => super::eaf_doc::documents(&eaf, bytes.len() as u64, opts),
        Err((at, reason, detail)) => vec![skip(at, reason, detail)],
    }
}

type Fail = (u64, SkipReason, String);

/// Parses the model; the error is where and why the file is skipped.
pub fn parse(bytes: &[u8]) -> Result<Eaf, Fail> {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let bom = (bytes.len() - text.len()) as u64;
    let mut reader = Reader::from_reader(text);
    reader.config_mut().check_end_names = true;
    let mut eaf = Eaf::default();
    let mut stack: Vec<String> = Vec::new();
    let mut saw_root = false;
    let mut tier_start = 0u64;
    let mut in_value = false;
    loop {
        let before = reader.buffer_position() + bom;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() + bom;
            (at, SkipReason::BadXml, e.to_string())
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if stack.is_empty() && saw_root => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                return Err((before, SkipReason::BadXml, format!("second root <{name}>")));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.len() >= MAX_DEPTH {
                    let detail = format!("elements nested deeper than {MAX_DEPTH}");
                    return Err((before, SkipReason::XmlTooDeep, detail));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    if name != "ANNOTATION_DOCUMENT" {
                        let detail = format!("root element <{name}>, not <ANNOTATION_DOCUMENT>");
                        return Err((before, SkipReason::NotEaf, detail));
                    }
                    saw_root = true;
                }
                if name == "TIER" {
                    tier_start = before;
                }
                start(&mut eaf, &name, e);
                if name == "ANNOTATION_VALUE" && !empty {
                    in_value = true;
                }
                if empty && name == "TIER" {
                    close_tier(&mut eaf, tier_start, reader.buffer_position() + bom);
                }
                if !empty {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                in_value &= name != "ANNOTATION_VALUE";
                if name == "TIER" {
                    close_tier(&mut eaf, tier_start, reader.buffer_position() + bom);
                }
            }
            Event::Text(t) if in_value => push_value(&mut eaf, &String::from_utf8_lossy(&t)),
            Event::CData(t) if in_value => push_value(&mut eaf, &String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) if in_value => {
                let name = String::from_utf8_lossy(&r).into_owned();
                push_value(&mut eaf, &resolve_ref(&name));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        let detail = format!("file ends with {} elements still open", stack.len());
        return Err((bytes.len() as u64, SkipReason::BadXml, detail));
    }
    if !saw_root {
        let detail = "no <ANNOTATION_DOCUMENT> element".to_string();
        return Err((0, SkipReason::NotEaf, detail));
    }
    Ok(eaf)
}

/// A predefined entity or character reference; anything else stays as written.
fn resolve_ref(name: &str) -> String {
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => n.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    c.map_or_else(|| format!("&{name};"), String::from)
}

fn attr(e: &BytesStart, key: &str) -> String {
    super::xml_entities::attribute(e, key)
}

fn start(eaf: &mut Eaf, name: &str, e: &BytesStart) {
    match name {
        "ANNOTATION_DOCUMENT" => {
            eaf.author = attr(e, "AUTHOR");
            eaf.date = attr(e, "DATE");
        }
        "MEDIA_DESCRIPTOR" => eaf.media.push(attr(e, "MEDIA_URL")),
        "TIME_SLOT" => {
            let value = attr(e, "TIME_VALUE").trim().parse().ok();
            eaf.slots.push((attr(e, "TIME_SLOT_ID"), value));
        }
        "TIER" => eaf.tiers.push(Tier {
            id: attr(e, "TIER_ID"),
            ling_type: attr(e, "LINGUISTIC_TYPE_REF"),
            participant: attr(e, "PARTICIPANT"),
            annotator: attr(e, "ANNOTATOR"),
            parent: attr(e, "PARENT_REF"),
            lang_ref: attr(e, "LANG_REF"),
            locale: attr(e, "DEFAULT_LOCALE"),
            ..Tier::default()
        }),
        "ALIGNABLE_ANNOTATION" | "REF_ANNOTATION" => {
            if let Some(tier) = eaf.tiers.last_mut() {
                tier.annotations.push(Annotation {
                    id: attr(e, "ANNOTATION_ID"),
                    slot1: attr(e, "TIME_SLOT_REF1"),
                    slot2: attr(e, "TIME_SLOT_REF2"),
                    refers_to: attr(e, "ANNOTATION_REF"),
                    cve_ref: attr(e, "CVE_REF"),
                    ..Annotation::default()
                });
            }
        }
        "LINGUISTIC_TYPE" => {
            let t = LingType {
                time_alignable: attr(e, "TIME_ALIGNABLE"),
                constraints: attr(e, "CONSTRAINTS"),
                cv: attr(e, "CONTROLLED_VOCABULARY"),
            };
            eaf.types.insert(attr(e, "LINGUISTIC_TYPE_ID"), t);
        }
        "LANGUAGE" => {
            let def = attr(e, "LANG_DEF");
            let label = attr(e, "LANG_LABEL");
            let def = if def.is_empty() { label } else { def };
            eaf.languages.push((attr(e, "LANG_ID"), def));
        }
        _ => {}
    }
}

fn close_tier(eaf: &mut Eaf, start: u64, end: u64) {
    if let Some(t) = eaf.tiers.last_mut() {
        t.offset = start;
        t.length = end.saturating_sub(start);
    }
}

fn push_value(eaf: &mut Eaf, text: &str) {
    if let Some(a) = eaf.tiers.last_mut().and_then(|t| t.annotations.last_mut()) {
        a.value.push_str(text);
    }
}

#[cfg(test)]
#[path = "eaf_tests.rs"]
mod tests;
