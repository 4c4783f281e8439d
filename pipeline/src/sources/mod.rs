//! Source readers: turn stored files (WARC, TEI, jsonl, txt, md, html, PDF, DOCX, ODT, EPUB,
//! SRT, WebVTT, ELAN) into [`SourceItem`]s.
//!
//! A reader never panics and never stops on bad input: a record it cannot use becomes a
//! [`SourceItem::Skip`] with an `ingest.<why>` reason, and reading goes on with the next record.
//! Ingest turns [`SourceDoc`]s into rows of the document schema (ids, NFC text, source config).

pub mod doc_decode;
pub mod eaf;
mod eaf_doc;
pub mod epub;
pub mod error;
pub mod jsonl;
pub mod office;
mod office_text;
pub mod pdf;
pub mod plain;
pub mod reader;
pub mod reason;
pub mod remote;
pub mod sniff;
mod subtitle_text;
pub mod subtitles;
pub mod tei;
pub mod xml_entities;
pub mod zipped;

use serde_json::{Map, Value};

pub mod charset;
pub mod http;
pub mod warc;

pub use error::SourceError;
pub use reason::SkipReason;

/// What a reader found at one place in a file.
// `Doc` is nearly every item and is moved into a row right away: boxing it would add an
// allocation per document to spare the rare skips a few hundred bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum SourceItem {
    Doc(SourceDoc),
    Skip(Skip),
    /// A well-formed record that does not hold a document (WARC `warcinfo`, `request`,
    /// `metadata`, `revisit`, ...): counted by kind, not written to the ledger.
    NotDocument {
        offset: u64,
        kind: String,
    },
}

/// A record that was not turned into a document, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    /// Byte offset of the record (or of the place the reader gave up) in the file as stored.
    pub offset: u64,
    /// Stored bytes of the skipped record when the reader framed it (WARC records skipped for
    /// their content), 0 when it could not (broken gzip, unreadable line or file).
    pub length: u64,
    /// Why; the ledger reason is `reason.as_str()` (`ingest.truncated_gzip`, ...).
    pub reason: SkipReason,
    /// Human-readable detail for the warning and the ledger.
    pub detail: String,
}

/// A skip at `offset` whose stored length the reader could not frame (broken gzip, unreadable
/// line or file); readers that framed the record build the `Skip` with its length.
pub(crate) fn skip(offset: u64, reason: SkipReason, detail: String) -> SourceItem {
    SourceItem::Skip(Skip {
        offset,
        length: 0,
        reason,
        detail,
    })
}

/// A file read whole by a one-file reader, or the items it ends with unread.
pub(crate) enum WholeFile {
    Bytes(Vec<u8>),
    /// No items for an empty file; one `ingest.record_too_large` skip for a file over the limit.
    Done(Vec<SourceItem>),
}

/// Reads a file whole unless it is empty or over `max_bytes` (then it is not read at all). I/O
/// failures are errors.
pub(crate) fn read_whole_file(
    path: &std::path::Path,
    max_bytes: u64,
) -> Result<WholeFile, error::SourceError> {
    let io = |e| error::SourceError::io(path, e);
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size == 0 {
        return Ok(WholeFile::Done(Vec::new()));
    }
    if size > max_bytes {
        let detail = format!("{size} bytes, over the {max_bytes} byte limit");
        let too_large = skip(0, SkipReason::RecordTooLarge, detail);
        return Ok(WholeFile::Done(vec![too_large]));
    }
    Ok(WholeFile::Bytes(std::fs::read(path).map_err(io)?))
}

/// The body of a document before text extraction.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Already plain text (txt, md, jsonl text field, TEI body, WET conversion records).
    Text(String),
    /// HTML that ingest passes to main-content extraction.
    Html(String),
}

/// One document as a reader yields it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDoc {
    /// Byte offset of the record (WARC: its gzip member for .warc.gz; jsonl: its line) in the file as stored.
    pub offset: u64,
    /// Byte length of the record as stored, so `offset..offset+length` re-reads it.
    pub length: u64,
    pub url: Option<String>,
    pub record_id: Option<String>,
    pub date: Option<String>,
    pub payload_digest: Option<String>,
    /// `warc/html`, `warc/text`, `txt`, `md`, `html`, `jsonl`, `tei` or `pdf`.
    pub content_type: &'static str,
    pub title: Option<String>,
    pub body: Body,
    /// Other fields (jsonl extras, TEI header fields, HTTP charset used, ...).
    pub meta: Map<String, Value>,
    /// Per-document overrides of the source config (TEI headers may carry them).
    pub licence: Option<String>,
    pub country: Option<String>,
}
