//! PDF files with a text layer: one document per file, text in reading order.
//!
//! lopdf parses the object layer (cross-reference tables and streams, filters, object streams,
//! decryption with the empty password, repair of damaged xrefs); everything about text is
//! minga's own: `content` places each character, `layout` orders lines (columns first),
//! `assemble` drops running headers, footers and page numbers, joins hyphenated words and
//! records the byte range of each page. ARCHITECTURE.md says why this split was chosen.
//!
//! Bad input is a [`Skip`](super::Skip): `ingest.no_text_layer` (nothing drawn as text: a scan,
//! to be sent to OCR), `ingest.encrypted`, `ingest.bad_pdf`, `ingest.truncated_record`,
//! `ingest.record_too_large` (file over `max_record_mb`, too many pages, a stream or page over
//! the budget).

mod assemble;
pub mod build;
mod content;
mod fonts;
mod glyphs;
mod info;
mod layout;
#[cfg(test)]
mod tests;

use std::path::Path;

use lopdf::{Document, LoadOptions};
use serde_json::{Map, Value};

use super::{skip, Body, SkipReason, SourceDoc, SourceError, SourceItem};
pub use assemble::FurnitureParams;
use content::{Budget, FontCache, WalkError, Walker};
pub use layout::LayoutParams;

/// Limits and thresholds of the PDF reader.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Files over this many bytes are skipped (`[ingest] max_record_mb`).
    pub max_bytes: u64,
    /// Documents with more pages are skipped.
    pub max_pages: usize,
    /// Content operators on one page, and on the whole document.
    pub max_page_ops: usize,
    pub max_doc_ops: usize,
    pub layout: LayoutParams,
    pub furniture: FurnitureParams,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            max_bytes: 64 << 20,
            max_pages: 20_000,
            max_page_ops: 2_000_000,
            max_doc_ops: 50_000_000,
            layout: LayoutParams::default(),
            furniture: FurnitureParams::default(),
        }
    }
}

impl PdfOptions {
    /// Bytes any one stream may inflate to: the record limit, at least 16 MiB (a page's
    /// content or a font can be larger than the file that holds it compressed).
    fn max_stream_bytes(&self) -> usize {
        self.max_bytes.clamp(16 << 20, 256 << 20) as usize
    }
}

/// Reads one PDF file: one document, or one skip saying why not.
pub fn read_pdf(path: &Path, opts: &PdfOptions) -> Result<Vec<SourceItem>, SourceError> {
    let size = std::fs::metadata(path)
        .map_err(|e| SourceError::io(path, e))?
        .len();
    if size > opts.max_bytes {
        let detail = format!("{size} bytes, over the {} byte limit", opts.max_bytes);
        return Ok(vec![skip(0, SkipReason::RecordTooLarge, detail)]);
    }
    let bytes = std::fs::read(path).map_err(|e| SourceError::io(path, e))?;
    Ok(vec![read_pdf_bytes(&bytes, opts)])
}

/// Reads a PDF held in memory (the fuzz target's entry).
pub fn read_pdf_bytes(bytes: &[u8], opts: &PdfOptions) -> SourceItem {
    let len = bytes.len() as u64;
    let skip_framed = |reason, detail| {
        SourceItem::Skip(super::Skip {
            offset: 0,
            length: len,
            reason,
            detail,
        })
    };
    if len > opts.max_bytes {
        let detail = format!("{len} bytes, over the {} byte limit", opts.max_bytes);
        return skip_framed(SkipReason::RecordTooLarge, detail);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_none() {
        return skip_framed(
            SkipReason::BadPdf,
            "no %PDF- header in the first 1 KiB".into(),
        );
    }
    let load = LoadOptions {
        max_decompressed_size: Some(opts.max_stream_bytes()),
        ..LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, load) {
        Ok(doc) => doc,
        Err(e) => {
            let (reason, detail) = load_error(bytes, &e);
            return skip_framed(reason, detail);
        }
    };
    if doc.is_encrypted() && !doc.was_encrypted() {
        return skip_framed(
            SkipReason::Encrypted,
            "encrypted, and the empty user password does not open it".into(),
        );
    }
    match extract(&doc, opts) {
        Ok(d) => SourceItem::Doc(SourceDoc { length: len, ..d }),
        Err((reason, detail)) => skip_framed(reason, detail),
    }
}

/// Sorts a load failure into a reason: a password problem, a file cut short (no `%%EOF`
/// near its end), or anything else malformed.
fn load_error(bytes: &[u8], e: &lopdf::Error) -> (SkipReason, String) {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let reason = match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => SkipReason::Encrypted,
        _ if memchr::memmem::find(tail, b"%%EOF").is_none() => SkipReason::TruncatedRecord,
        _ => SkipReason::BadPdf,
    };
    (reason, format!("cannot load the PDF: {e}"))
}

/// Walks every page, orders and assembles the text, and gathers the metadata.
fn extract(doc: &Document, opts: &PdfOptions) -> Result<SourceDoc, (SkipReason, String)> {
    let pages = doc.get_pages();
    if pages.len() > opts.max_pages {
        let detail = format!(
            "{} pages, over the limit of {}",
            pages.len(),
            opts.max_pages
        );
        return Err((SkipReason::RecordTooLarge, detail));
    }
    let budget = Budget {
        max_stream_bytes: opts.max_stream_bytes(),
        max_ops: opts.max_page_ops,
        max_chars: 1_000_000,
    };
    let mut fonts = FontCache::new();
    let mut lines = Vec::with_capacity(pages.len());
    let (mut ops, mut empty_pages) = (0usize, 0usize);
    for (&number, &page) in &pages {
        let walker = Walker::new(doc, budget, &mut fonts);
        let (chars, used) = walker.page(page).map_err(|WalkError::TooLarge(why)| {
            (SkipReason::RecordTooLarge, format!("page {number}: {why}"))
        })?;
        ops += used;
        if ops > opts.max_doc_ops {
            let detail = format!("more than {} content operators in all", opts.max_doc_ops);
            return Err((SkipReason::RecordTooLarge, detail));
        }
        let page_lines = layout::page_lines(&chars, &opts.layout);
        empty_pages += usize::from(page_lines.is_empty());
        lines.push(page_lines);
    }
    let drop = assemble::furniture(&lines, &opts.furniture);
    let text = assemble::assemble(&lines, &drop);
    if text.text.trim().is_empty() {
        let detail = format!(
            "{} pages, no text drawn: a scan or images only (send to OCR)",
            pages.len()
        );
        return Err((SkipReason::NoTextLayer, detail));
    }
    let info = info::read_info(doc);
    let mut meta = info.meta;
    meta.insert("page_count".into(), Value::from(pages.len()));
    if empty_pages > 0 {
        meta.insert("pages_without_text".into(), Value::from(empty_pages));
    }
    if text.furniture_lines > 0 {
        meta.insert("furniture_lines".into(), Value::from(text.furniture_lines));
    }
    // Page numbers are the position in the page tree (1 = first page), not printed labels.
    let page_map: Vec<Value> = text
        .pages
        .iter()
        .map(|&(start, end, page)| {
            let mut m = Map::new();
            m.insert("page".into(), Value::from(page));
            m.insert("start".into(), Value::from(start));
            m.insert("end".into(), Value::from(end));
            Value::Object(m)
        })
        .collect();
    meta.insert("pages".into(), Value::Array(page_map));
    Ok(SourceDoc {
        offset: 0,
        length: 0,
        url: None,
        record_id: None,
        date: info.created,
        payload_digest: None,
        content_type: "pdf",
        title: info.title,
        body: Body::Text(text.text),
        meta,
        licence: None,
        country: None,
    })
}

/// The page (from 1) whose range holds byte `at` of a document's text, from its `meta.pages`.
pub fn page_at(meta: &Value, at: usize) -> Option<u64> {
    meta.get("pages")?.as_array()?.iter().find_map(|p| {
        let start = p.get("start")?.as_u64()? as usize;
        let end = p.get("end")?.as_u64()? as usize;
        (start <= at && at < end.max(start + 1)).then(|| p.get("page")?.as_u64())?
    })
}
