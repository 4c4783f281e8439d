//! EPUB 2/3 books: the spine's XHTML in reading order, one document per book (default) or per
//! chapter (`[[source]] epub_split = "chapter"`).
//!
//! `META-INF/container.xml` names the package (OPF); its metadata gives the title, creators,
//! language, date, publisher, identifier and rights (`dc:rights` -> `licence`: an SPDX id when the
//! statement names a Creative Commons licence or the public domain, the statement as written
//! otherwise). Spine items marked `linear="no"` and non-XHTML items are left out and counted.
//! In each chapter: block elements become paragraphs, table rows lines; `<head>`, scripts,
//! styles, the table of contents `<nav>` and note references are dropped; footnotes and
//! endnotes (`epub:type` or `role` `doc-footnote`/`doc-endnote`) go to `meta`.

use std::io::{Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::{json, Map, Value};

use super::error::SourceError;
use super::office::properties;
use super::office_text::{extract, Extracted, Role, Rules};
use super::zipped::{read_container, resolve, Container, Fail};
use super::{skip, Body, SkipReason, SourceDoc, SourceItem};

/// Reads one EPUB file: one document, or one per chapter when `per_chapter`.
pub fn read_epub(
    path: &Path,
    per_chapter: bool,
    max_bytes: u64,
) -> Result<Vec<SourceItem>, SourceError> {
    read_container(path, max_bytes, |c, len| epub_items(c, per_chapter, len))
}

/// The package: metadata, and the spine as (entry name, linear) in reading order.
struct Package {
    props: Vec<(String, String)>,
    spine: Vec<(String, bool)>,
    /// Spine items that are not XHTML (images, SVG pages).
    not_xhtml: usize,
}

/// The documents (or skip) of an open container.
pub fn epub_items<R: Read + Seek>(
    c: &mut Container<R>,
    per_chapter: bool,
    len: u64,
) -> Vec<SourceItem> {
    match package(c) {
        Ok(pkg) => chapters(c, &pkg, per_chapter, len),
        Err((reason, detail)) => vec![skip(0, reason, detail)],
    }
}

fn package<R: Read + Seek>(c: &mut Container<R>) -> Result<Package, Fail> {
    let container = c.require("META-INF/container.xml", "the EPUB container")?;
    let opf_path = first_attr(&container, "rootfile", "full-path").ok_or_else(|| {
        let detail = "META-INF/container.xml names no rootfile".to_string();
        (SkipReason::MissingPart, detail)
    })?;
    let opf = c.require(&opf_path, "the EPUB package named by container.xml")?;
    let mut items: Vec<(String, String, String)> = Vec::new();
    let mut spine_refs: Vec<(String, bool)> = Vec::new();
    let mut reader = Reader::from_reader(&opf[..]);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match local(&e).as_str() {
                "item" => items.push((attr(&e, "id"), attr(&e, "href"), attr(&e, "media-type"))),
                "itemref" => spine_refs.push((attr(&e, "idref"), attr(&e, "linear") != "no")),
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let detail = format!("{opf_path}: {e}");
                return Err((SkipReason::BadXml, detail));
            }
        }
    }
    let mut spine = Vec::new();
    let mut not_xhtml = 0;
    for (idref, linear) in spine_refs {
        match items.iter().find(|(id, _, _)| *id == idref) {
            Some((_, href, mt)) if mt.contains("html") || mt.is_empty() => {
                spine.push((resolve(&opf_path, href), linear));
            }
            _ => not_xhtml += 1,
        }
    }
    if spine.is_empty() {
        let detail = format!("{opf_path}: the spine lists no XHTML content document");
        return Err((SkipReason::MissingPart, detail));
    }
    Ok(Package {
        props: properties(&opf),
        spine,
        not_xhtml,
    })
}

fn chapters<R: Read + Seek>(
    c: &mut Container<R>,
    pkg: &Package,
    per_chapter: bool,
    len: u64,
) -> Vec<SourceItem> {
    let mut items = Vec::new();
    let mut book: Vec<(String, Extracted)> = Vec::new();
    let mut skipped_nonlinear = 0;
    let mut missing = Vec::new();
    for (name, linear) in &pkg.spine {
        if !linear {
            skipped_nonlinear += 1;
            continue;
        }
        let xml = match c.read(name) {
            Ok(Some(x)) => x,
            Ok(None) => {
                missing.push(name.clone());
                continue;
            }
            Err((reason, detail)) => return vec![skip(0, reason, detail)],
        };
        let ex = match extract(&xml, &Xhtml) {
            Ok(ex) => ex,
            Err((reason, detail)) => return vec![skip(0, reason, format!("{name}: {detail}"))],
        };
        if ex.text.trim().is_empty() {
            continue;
        }
        if per_chapter {
            let (offset, length) = c.span(name).unwrap_or((0, len));
            let mut doc = book_doc(pkg, ex.text.clone(), offset, length);
            doc.record_id = Some(name.clone());
            doc.title = ex.headings.first().cloned().or(doc.title);
            put_notes(&mut doc.meta, &ex);
            items.push(SourceItem::Doc(doc));
        } else {
            book.push((name.clone(), ex));
        }
    }
    if !per_chapter && !book.is_empty() {
        let text: Vec<&str> = book.iter().map(|(_, ex)| ex.text.as_str()).collect();
        let mut doc = book_doc(pkg, text.join("\n\n"), 0, len);
        let mut all = Extracted::default();
        let mut toc = Vec::new();
        for (name, ex) in book {
            toc.push(json!({"href": name, "title": ex.headings.first()}));
            all.footnotes.extend(ex.footnotes);
            all.endnotes.extend(ex.endnotes);
        }
        doc.meta.insert("chapters".into(), Value::Array(toc));
        put_notes(&mut doc.meta, &all);
        items.push(SourceItem::Doc(doc));
    }
    let counts = [
        ("spine_nonlinear_skipped", skipped_nonlinear),
        ("spine_not_xhtml", pkg.not_xhtml),
    ];
    for item in &mut items {
        if let SourceItem::Doc(d) = item {
            for (k, n) in counts.iter().filter(|(_, n)| *n > 0) {
                d.meta.insert((*k).into(), (*n).into());
            }
            if !missing.is_empty() {
                d.meta.insert("spine_missing".into(), json!(missing));
            }
        }
    }
    if items.is_empty() {
        let detail = format!(
            "no text in {} spine documents ({} missing)",
            pkg.spine.len(),
            missing.len()
        );
        items.push(skip(0, SkipReason::NoText, detail));
    }
    items
}

fn put_notes(meta: &mut Map<String, Value>, ex: &Extracted) {
    for (k, list) in [("footnotes", &ex.footnotes), ("endnotes", &ex.endnotes)] {
        if !list.is_empty() {
            meta.insert(k.into(), json!(list));
        }
    }
}

fn book_doc(pkg: &Package, text: String, offset: u64, length: u64) -> SourceDoc {
    let all = |k: &str| -> Vec<&str> {
        pkg.props
            .iter()
            .filter(|(n, v)| n == k && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let one = |k: &str| all(k).first().map(|s| s.to_string());
    let mut meta = Map::new();
    let creators = all("creator");
    if !creators.is_empty() {
        meta.insert("author".into(), json!(creators.join("; ")));
        meta.insert("creators".into(), json!(creators));
    }
    let langs = all("language");
    if !langs.is_empty() {
        meta.insert("language".into(), json!(langs.join(",")));
    }
    for k in [
        "publisher",
        "identifier",
        "subject",
        "description",
        "rights",
    ] {
        if let Some(v) = one(k) {
            meta.insert(k.into(), Value::String(v));
        }
    }
    SourceDoc {
        offset,
        length,
        url: None,
        record_id: None,
        date: one("date"),
        payload_digest: None,
        content_type: "epub",
        title: one("title"),
        body: Body::Text(text),
        meta,
        licence: one("rights").map(|r| licence_of(&r)),
        country: None,
    }
}

/// An SPDX id for rights statements that name a Creative Commons licence or the public domain;
/// the statement itself otherwise (it is still what the publisher declared).
pub fn licence_of(rights: &str) -> String {
    let r = rights.to_lowercase().replace(['-', '_'], " ");
    let version = ["4.0", "3.0", "2.5", "2.0"]
        .into_iter()
        .find(|v| r.contains(v))
        .unwrap_or("4.0");
    if r.contains("cc0") || r.contains("public domain") || r.contains("dominio público") {
        return if r.contains("cc0") {
            "CC0-1.0".into()
        } else {
            "public-domain".into()
        };
    }
    let cc = r.contains("creative commons") || r.contains("cc by") || r.contains("creativecommons");
    if !cc {
        return rights.trim().to_string();
    }
    let words: Vec<&str> = r.split(|c: char| !c.is_alphanumeric()).collect();
    let has = |w: &str, phrase: &str| words.contains(&w) || r.contains(phrase);
    let nc = has("nc", "noncommercial") || r.contains("no comercial");
    let sa = has("sa", "sharealike") || r.contains("compartir igual");
    let nd = has("nd", "noderiv") || r.contains("sin obra");
    let id = match (nc, sa, nd) {
        (true, true, _) => "CC-BY-NC-SA",
        (true, _, true) => "CC-BY-NC-ND",
        (true, _, _) => "CC-BY-NC",
        (_, true, _) => "CC-BY-SA",
        (_, _, true) => "CC-BY-ND",
        _ => "CC-BY",
    };
    format!("{id}-{version}")
}

fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attr(e: &BytesStart, key: &str) -> String {
    super::xml_entities::attribute(e, key)
}

/// The value of `key` on the first `element` of an XML part.
fn first_attr(xml: &[u8], element: &str, key: &str) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(&e) == element => {
                return Some(attr(&e, key)).filter(|v| !v.is_empty());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// EPUB content documents (XHTML).
struct Xhtml;

impl Rules for Xhtml {
    fn role(&self, local: &str, e: &BytesStart) -> Role {
        let kind = || {
            let t = attr(e, "type");
            if t.is_empty() {
                attr(e, "role").trim_start_matches("doc-").to_string()
            } else {
                t
            }
        };
        match local {
            "head" | "script" | "style" | "template" => Role::Skip,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Role::Heading,
            "p" | "li" | "dt" | "dd" | "pre" | "figcaption" | "caption" | "blockquote"
            | "address" => Role::Para,
            "tr" => Role::Row,
            "td" | "th" => Role::Cell,
            "br" => Role::Break,
            "hr" => Role::Para,
            "aside" | "section" | "div" | "ol" | "ul" | "nav" | "table" | "body" | "article"
            | "figure" | "header" | "footer" | "a" | "span" | "sup" => {
                let k = kind();
                let kinds: Vec<&str> = k.split_whitespace().collect();
                if kinds
                    .iter()
                    .any(|k| matches!(*k, "footnote" | "note" | "rearnote"))
                {
                    Role::Note(true)
                } else if kinds
                    .iter()
                    .any(|k| matches!(*k, "endnote" | "endnotes" | "rearnotes"))
                {
                    Role::Note(false)
                } else if kinds
                    .iter()
                    .any(|k| matches!(*k, "noteref" | "toc" | "pagebreak"))
                {
                    Role::Skip
                } else if matches!(local, "a" | "span" | "sup") {
                    Role::Other
                } else {
                    Role::Block
                }
            }
            _ => Role::Other,
        }
    }
}

#[cfg(test)]
#[path = "epub_tests.rs"]
mod tests;
