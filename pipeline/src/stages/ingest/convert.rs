//! From a reader's [`SourceDoc`] to a row of the document schema: stable id, extracted and
//! normalised text, provenance inherited from the source config.

use minga_manifests::{doc_id, Document, Rejection};
use unicode_normalization::UnicodeNormalization;

use super::consent::ConsentPolicy;
use crate::config::SourceConfig;
use crate::runner::Outcome;
use crate::sources::{Body, Skip, SourceDoc};

/// Where a document came from: the source config and the file's path relative to the source root.
pub struct Origin<'a> {
    pub source: &'a SourceConfig,
    pub rel: &'a str,
    /// Which opt-out signals send a page to the ledger.
    pub consent: &'a ConsentPolicy<'a>,
    /// The workdir's takedowns: what they name goes to the ledger as `takedown.<id>`.
    pub takedowns: &'a crate::stages::takedown::Takedowns,
}

fn base(origin: &Origin, offset: u64, length: u64) -> Document {
    let s = origin.source;
    Document {
        id: doc_id(&s.name, origin.rel, offset),
        source: s.name.clone(),
        source_file: origin.rel.to_string(),
        source_offset: offset,
        source_length: length,
        licence: s.licence.clone(),
        consent: s.consent.clone(),
        contact: s.contact.clone(),
        country: s.country.clone(),
        meta: "{}".into(),
        ..Document::default()
    }
}

/// The source's conditions of use (`allowed_uses`, `attribution`), carried by every document so
/// they follow it into any later dataset.
fn add_conditions(s: &SourceConfig, meta: &mut serde_json::Map<String, serde_json::Value>) {
    if let Some(uses) = &s.allowed_uses {
        let names = uses.iter().map(|u| serde_json::Value::from(u.name()));
        meta.insert("allowed_uses".into(), names.collect());
    }
    if let Some(a) = &s.attribution {
        meta.insert("attribution".into(), a.clone().into());
    }
}

/// Turns a reader's document into a kept row, or a ledger row when no text is left.
pub fn convert(origin: &Origin, d: SourceDoc) -> Outcome {
    let mut doc = base(origin, d.offset, d.length);
    doc.url = d.url;
    doc.record_id = d.record_id;
    doc.date = d.date;
    doc.payload_digest = d.payload_digest;
    doc.content_type = d.content_type.to_string();
    if d.licence.is_some() {
        doc.licence = d.licence;
    }
    if d.country.is_some() {
        doc.country = d.country;
    }
    let mut meta = d.meta;
    add_conditions(origin.source, &mut meta);
    if let Some(why) = origin
        .consent
        .opted_out(doc.url.as_deref(), &d.body, &mut meta)
    {
        doc.meta = serde_json::Value::Object(meta).to_string();
        return Outcome::Reject(doc, why);
    }
    let (title, text) = match d.body {
        Body::Text(t) => (d.title, t),
        Body::Html(h) => {
            let e = minga_filters::extract::extract(&h);
            (d.title.or(e.title), e.text)
        }
    };
    doc.title = title.map(|t| normalise_text(&t)).filter(|t| !t.is_empty());
    doc.text = normalise_text(&text);
    doc.meta = serde_json::Value::Object(meta).to_string();
    if doc.text.is_empty() {
        return Outcome::Reject(
            doc,
            Rejection::new(
                crate::sources::SkipReason::EmptyText,
                Some(0.0),
                "no text left after extraction",
            ),
        );
    }
    Outcome::Keep(doc)
}

/// A ledger row for a record the reader skipped.
pub fn skipped(origin: &Origin, s: Skip) -> (Document, Rejection) {
    let doc = base(origin, s.offset, s.length);
    (doc, Rejection::new(s.reason, None, s.detail))
}

/// NFC, `\n` line ends, no trailing spaces, paragraphs separated by exactly one blank line.
pub fn normalise_text(text: &str) -> String {
    let nfc: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .collect();
    let mut out = String::with_capacity(nfc.len());
    let mut blank_run = 0usize;
    for line in nfc.split('\n') {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_nfc_with_single_blank_lines() {
        // "n" + combining tilde becomes "ñ"; CRLF and runs of blank lines fold.
        let t = normalise_text("Ma\u{0303}ana  \r\n\r\n\r\n  ñandu\n\n\nqhapaq ñan   \n");
        assert_eq!(t, "Mãana\n\n  ñandu\n\nqhapaq ñan");
    }
}
