//! Word-processing documents: DOCX (Office Open XML) and ODT (OpenDocument), each file one
//! document.
//!
//! Kept: the body's paragraphs, headings, list items and tables (rows a line, cells joined by
//! ` | `), in document order. Apart: footnotes and endnotes go to `meta.footnotes` /
//! `meta.endnotes`, headings also to `meta.headings`; the core properties (`docProps/core.xml`,
//! `meta.xml`) give the title, author, dates, language, subject and keywords. Dropped: deleted
//! (tracked) text, field codes, comments, the duplicate fallback of alternate content, styles,
//! images. Containers are read through [`super::zipped`]'s bounds.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::{json, Map, Value};

use super::error::SourceError;
use super::office_text::{extract, Extracted, Role, Rules};
use super::zipped::{read_container, Container, Fail};
use super::{skip, Body, SkipReason, SourceDoc, SourceItem};

/// Which word-processing format a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeKind {
    Docx,
    Odt,
}

const ODT_MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

/// Reads one DOCX or ODT file as one document; bad containers and parts give one skip.
pub fn read_office(
    path: &Path,
    kind: OfficeKind,
    max_bytes: u64,
) -> Result<Vec<SourceItem>, SourceError> {
    read_container(path, max_bytes, |c, len| vec![office_item(c, kind, len)])
}

/// The document (or skip) of an open container.
pub fn office_item<R: std::io::Read + std::io::Seek>(
    c: &mut Container<R>,
    kind: OfficeKind,
    len: u64,
) -> SourceItem {
    let parts = match kind {
        OfficeKind::Docx => docx_parts(c),
        OfficeKind::Odt => odt_parts(c),
    };
    match parts {
        Ok((body, props)) => build(body, props, kind, len),
        Err((reason, detail)) => skip(0, reason, detail),
    }
}

type Props = Vec<(String, String)>;

fn docx_parts<R: std::io::Read + std::io::Seek>(
    c: &mut Container<R>,
) -> Result<(Extracted, Props), Fail> {
    let xml = c.require("word/document.xml", "the DOCX main document")?;
    let mut body = extract(&xml, &Docx)?;
    for (part, foot) in [("word/footnotes.xml", true), ("word/endnotes.xml", false)] {
        if let Some(xml) = c.read(part)? {
            let notes = extract(&xml, &Docx)?;
            let list = if foot {
                notes.footnotes
            } else {
                notes.endnotes
            };
            let into = if foot {
                &mut body.footnotes
            } else {
                &mut body.endnotes
            };
            into.extend(list);
        }
    }
    let props = match c.read("docProps/core.xml")? {
        Some(xml) => properties(&xml),
        None => Vec::new(),
    };
    Ok((body, props))
}

fn odt_parts<R: std::io::Read + std::io::Seek>(
    c: &mut Container<R>,
) -> Result<(Extracted, Props), Fail> {
    if let Some(m) = c.read("mimetype")? {
        let m = String::from_utf8_lossy(&m);
        // Text, its template, master and web variants all hold `office:text`.
        if !m.trim().starts_with(ODT_MIMETYPE) {
            let detail = format!("OpenDocument of type {:?}, not a text document", m.trim());
            return Err((SkipReason::BinaryPayload, detail));
        }
    }
    let xml = c.require("content.xml", "the OpenDocument content")?;
    let body = extract(&xml, &Odt)?;
    let props = match c.read("meta.xml")? {
        Some(xml) => properties(&xml),
        None => Vec::new(),
    };
    Ok((body, props))
}

fn build(body: Extracted, props: Props, kind: OfficeKind, len: u64) -> SourceItem {
    if body.text.trim().is_empty() {
        return skip(
            0,
            SkipReason::NoText,
            "no paragraph text in the document".into(),
        );
    }
    let mut meta = Map::new();
    let prop = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| props.iter().find(|(n, v)| n == k && !v.is_empty()))
            .map(|(_, v)| v.clone())
    };
    for (key, names) in [
        ("author", &["creator", "initial-creator"][..]),
        ("created", &["created", "creation-date"]),
        ("modified", &["modified", "date"]),
        ("language", &["language"]),
        ("subject", &["subject"]),
        ("description", &["description"]),
    ] {
        if let Some(v) = prop(names) {
            meta.insert(key.into(), Value::String(v));
        }
    }
    let keywords: Vec<&str> = props
        .iter()
        .filter(|(n, _)| n == "keywords" || n == "keyword")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    if !keywords.is_empty() {
        meta.insert("keywords".into(), json!(keywords));
    }
    for (key, list) in [
        ("headings", &body.headings),
        ("footnotes", &body.footnotes),
        ("endnotes", &body.endnotes),
    ] {
        if !list.is_empty() {
            meta.insert(key.into(), json!(list));
        }
    }
    let title = prop(&["title"]).or_else(|| body.headings.first().cloned());
    SourceItem::Doc(SourceDoc {
        offset: 0,
        length: len,
        url: None,
        record_id: None,
        date: prop(&["modified", "date", "created", "creation-date"]),
        payload_digest: None,
        content_type: match kind {
            OfficeKind::Docx => "docx",
            OfficeKind::Odt => "odt",
        },
        title,
        body: Body::Text(body.text),
        meta,
        licence: None,
        country: None,
    })
}

/// Leaf elements of a properties part (`dc:title`, `meta:initial-creator` ...) by local name.
/// A part that does not parse gives what was read before the error: properties are optional.
pub fn properties(xml: &[u8]) -> Props {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    let mut depth = 0usize;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > 64 {
                    break;
                }
                open = Some((local(&e), String::new()));
            }
            Event::Text(t) => {
                if let Some((_, v)) = open.as_mut() {
                    v.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, v)) = open.as_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    v.push_str(
                        &quick_xml::escape::unescape(&format!("&{name};"))
                            .map_or_else(|_| format!("&{name};"), |s| s.into_owned()),
                    );
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((n, v)) = open.take() {
                    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.push((n, v));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key.as_bytes())
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// Office Open XML (`w:` elements): text only inside `w:t`.
struct Docx;

impl Rules for Docx {
    fn role(&self, local: &str, e: &BytesStart) -> Role {
        match local {
            "p" => Role::Para,
            "tbl" => Role::Block,
            "tr" => Role::Row,
            "tc" => Role::Cell,
            "t" => Role::TextRun,
            // A tab stop definition (in paragraph properties) has a position; a tab in a run not.
            "tab" if attr(e, "pos").is_none() => Role::Space,
            "br" if attr(e, "type").as_deref() == Some("page") => Role::Para,
            "br" | "cr" => Role::Break,
            "del" | "delText" | "instrText" | "Fallback" | "rPr" | "pPr" | "sectPr" => Role::Skip,
            "footnote" | "endnote" => match attr(e, "type").as_deref() {
                Some("separator" | "continuationSeparator" | "continuationNotice") => Role::Skip,
                _ => Role::Note(local == "footnote"),
            },
            _ => Role::Other,
        }
    }

    fn text_in_runs_only(&self) -> bool {
        true
    }

    fn heading_hint(&self, local: &str, e: &BytesStart) -> bool {
        let style = || attr(e, "val").unwrap_or_default().to_lowercase();
        match local {
            "pStyle" => {
                let s = style();
                [
                    "heading",
                    "title",
                    "titulo",
                    "título",
                    "ttulo",
                    "titre",
                    "berschrift",
                ]
                .iter()
                .any(|p| s.starts_with(p) || s.contains(p))
            }
            "outlineLvl" => true,
            _ => false,
        }
    }
}

/// OpenDocument text (`text:` and `table:` elements).
struct Odt;

impl Rules for Odt {
    fn role(&self, local: &str, e: &BytesStart) -> Role {
        match local {
            "p" => Role::Para,
            "h" => Role::Heading,
            "list" | "list-item" | "section" | "table" => Role::Block,
            "table-row" => Role::Row,
            "table-cell" | "covered-table-cell" => Role::Cell,
            "s" | "tab" => Role::Space,
            "line-break" => Role::Break,
            "note" => Role::Note(attr(e, "note-class").as_deref() != Some("endnote")),
            "note-citation" | "annotation" | "tracked-changes" | "sequence-decls"
            | "table-of-content" | "alphabetical-index" | "automatic-styles"
            | "font-face-decls" | "scripts" => Role::Skip,
            _ => Role::Other,
        }
    }
}

#[cfg(test)]
#[path = "office_tests.rs"]
pub(crate) mod tests;
