//! JSON Lines reader: one object per line -> one document.
//!
//! Lines are read from a [`BufRead`] into a buffer that never grows past
//! [`JsonlOptions::max_line_bytes`]: a longer line is streamed past (memchr over the reader's own
//! buffer) and skipped as `ingest.record_too_large`, so a 1 GB line costs no more memory than a
//! short one. A byte range lets several workers split one big file: each takes the lines that
//! *start* inside its range. `.jsonl.gz` is inflated on the fly; its offsets then count bytes of
//! the uncompressed stream (and each document's `meta.offsets` says so).

use crate::sources::{skip, SkipReason};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};

use super::doc_decode::{fix_c1_controls, scan_bytes};
use super::error::SourceError;
use super::{Body, SourceDoc, SourceItem};

/// Settings of the jsonl reader.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonlOptions {
    /// Field holding the document text (default `text`).
    pub text_field: String,
    /// Field holding the record's own id, kept as `record_id` (default `id`).
    pub id_field: Option<String>,
    /// Field holding the document URL (default `url`).
    pub url_field: Option<String>,
    /// Field holding a title (default `title`).
    pub title_field: Option<String>,
    /// Longer lines are skipped as `ingest.record_too_large` (default 64 MiB).
    pub max_line_bytes: u64,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            text_field: "text".into(),
            id_field: Some("id".into()),
            url_field: Some("url".into()),
            title_field: Some("title".into()),
            max_line_bytes: 64 << 20,
        }
    }
}

/// Opens a jsonl file (`.gz` by name is inflated) and returns an iterator over its lines that
/// start inside `range` (`start..end`, half-open; `None` for the whole file). A range that starts
/// mid-line resynchronises at the next line start, so ranges that tile a file read every line
/// exactly once.
pub fn read_jsonl(
    path: &Path,
    range: Option<(u64, u64)>,
    opts: &JsonlOptions,
) -> Result<JsonlIter, SourceError> {
    let io = |e| SourceError::io(path, e);
    if let Some((start, end)) = range.filter(|(s, e)| s > e) {
        return Err(SourceError::InvalidRange {
            path: path.to_path_buf(),
            start,
            end,
        });
    }
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let mut file = File::open(path).map_err(io)?;
    let (start, end) = range.unwrap_or((0, u64::MAX));
    let reader: Box<dyn BufRead + Send> = if gz {
        let mut r = BufReader::with_capacity(256 << 10, MultiGzDecoder::new(BufReader::new(file)));
        let skipped = std::io::copy(
            &mut (&mut r).take(start.saturating_sub(1)),
            &mut std::io::sink(),
        );
        skipped.map_err(io)?;
        Box::new(r)
    } else {
        file.seek(SeekFrom::Start(start.saturating_sub(1)))
            .map_err(io)?;
        Box::new(BufReader::with_capacity(256 << 10, file))
    };
    let mut iter = JsonlIter {
        path: path.to_path_buf(),
        reader,
        pos: start.saturating_sub(1),
        end,
        opts: opts.clone(),
        line: Vec::new(),
        peak_buffer: 0,
        gz,
        done: false,
    };
    if start > 0 {
        // Byte start-1 is either the newline ending the previous line (then a line starts at
        // `start`) or inside a line that belongs to an earlier range.
        iter.skip_through_newline().map_err(io)?;
    }
    Ok(iter)
}

/// Iterator over the documents and skips of one jsonl file (or range of it).
pub struct JsonlIter {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    /// Offset of the next unread byte.
    pos: u64,
    end: u64,
    opts: JsonlOptions,
    line: Vec<u8>,
    peak_buffer: usize,
    gz: bool,
    done: bool,
}

/// How one line was read.
enum Line {
    Eof,
    /// The line is in `self.line`.
    Read,
    /// Over `max_line_bytes`: streamed past; its length without the `\n`.
    TooLong(u64),
}

impl JsonlIter {
    /// The largest line buffer held so far (bounded by `max_line_bytes` plus one read chunk).
    pub fn peak_buffer(&self) -> usize {
        self.peak_buffer
    }

    /// Consumes input up to and including the next `\n`; returns the bytes consumed and
    /// whether a newline ended them (false at end of input).
    fn skip_through_newline(&mut self) -> std::io::Result<(u64, bool)> {
        let mut consumed = 0;
        let mut found = false;
        while !found {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    found = true;
                    i + 1
                }
                None => buf.len(),
            };
            self.reader.consume(n);
            consumed += n as u64;
        }
        self.pos += consumed;
        Ok((consumed, found))
    }

    /// Reads the next line into `self.line` without ever buffering more than the limit.
    fn next_line(&mut self) -> std::io::Result<Line> {
        self.line.clear();
        let limit = self.opts.max_line_bytes as usize;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                self.pos += self.line.len() as u64;
                return Ok(if self.line.is_empty() {
                    Line::Eof
                } else {
                    Line::Read
                });
            }
            let newline = memchr::memchr(b'\n', buf);
            let take = newline.unwrap_or(buf.len());
            let need = self.line.len() + take;
            if need > limit {
                let held = self.line.len() as u64;
                self.line = Vec::new();
                self.pos += held;
                let (rest, ended) = self.skip_through_newline()?;
                return Ok(Line::TooLong(held + rest - u64::from(ended)));
            }
            if need > self.line.capacity() {
                // Grow geometrically but never past the limit, so capacity stays bounded.
                let target = (self.line.capacity() * 2).clamp(need, limit.max(need));
                self.line.reserve_exact(target - self.line.len());
                self.peak_buffer = self.peak_buffer.max(self.line.capacity());
            }
            self.line.extend_from_slice(&buf[..take]);
            if newline.is_some() {
                self.reader.consume(take + 1);
                self.pos += self.line.len() as u64 + 1;
                return Ok(Line::Read);
            }
            self.reader.consume(take);
        }
    }

    /// Turns the line in `self.line` (starting at `offset`) into an item; `None` for blank lines.
    fn parse(&mut self, offset: u64) -> Option<SourceItem> {
        let mut bytes = &self.line[..];
        if offset == 0 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let length = self.line.len() as u64;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let (line, replaced) = match std::str::from_utf8(bytes) {
            Ok(s) => (std::borrow::Cow::Borrowed(s), 0),
            Err(_) => (String::from_utf8_lossy(bytes), scan_bytes(bytes).invalid),
        };
        let value: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => return Some(skip(offset, SkipReason::BadJson, e.to_string())),
        };
        let Value::Object(mut obj) = value else {
            let detail = "the line is valid JSON but not an object".to_string();
            return Some(skip(offset, SkipReason::BadJson, detail));
        };
        let field = &self.opts.text_field;
        let mut text = match obj.remove(field) {
            Some(Value::String(t)) if !t.trim().is_empty() => t,
            Some(Value::String(_)) => return Some(no_text(offset, field, "is empty")),
            Some(_) => return Some(no_text(offset, field, "is not a string")),
            None => return Some(no_text(offset, field, "is missing")),
        };
        if text.contains('\r') {
            text = text.replace("\r\n", "\n").replace('\r', "\n");
        }
        let c1_fixed = fix_c1_controls(&mut text);
        let record_id = take_string(&mut obj, self.opts.id_field.as_deref(), true);
        let url = take_string(&mut obj, self.opts.url_field.as_deref(), false);
        let title = take_string(&mut obj, self.opts.title_field.as_deref(), false);
        let mut meta = obj;
        if self.gz {
            meta.insert("offsets".into(), Value::String("uncompressed".into()));
        }
        if replaced > 0 {
            meta.insert("replaced_chars".into(), Value::from(replaced));
        }
        if c1_fixed > 0 {
            meta.insert("c1_controls_fixed".into(), Value::from(c1_fixed));
        }
        Some(SourceItem::Doc(SourceDoc {
            offset,
            length,
            url,
            record_id,
            date: None,
            payload_digest: None,
            content_type: "jsonl",
            title,
            body: Body::Text(text),
            meta,
            licence: None,
            country: None,
        }))
    }
}

impl Iterator for JsonlIter {
    type Item = Result<SourceItem, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done && self.pos < self.end {
            let offset = self.pos;
            match self.next_line() {
                Ok(Line::Eof) => self.done = true,
                Ok(Line::TooLong(len)) => {
                    let detail = format!(
                        "line of {len} bytes, over the {} byte limit",
                        self.opts.max_line_bytes
                    );
                    return Some(Ok(skip(offset, SkipReason::RecordTooLarge, detail)));
                }
                Ok(Line::Read) => {
                    if let Some(item) = self.parse(offset) {
                        return Some(Ok(item));
                    }
                }
                Err(e) => {
                    self.done = true;
                    if !self.gz {
                        return Some(Err(SourceError::io(&self.path, e)));
                    }
                    // Inside a gzip stream a read error is a property of the bytes stored.
                    let reason = match e.kind() {
                        std::io::ErrorKind::UnexpectedEof => SkipReason::TruncatedGzip,
                        _ => SkipReason::BadGzip,
                    };
                    return Some(Ok(skip(self.pos, reason, e.to_string())));
                }
            }
        }
        None
    }
}

fn no_text(offset: u64, field: &str, why: &str) -> SourceItem {
    skip(offset, SkipReason::NoText, format!("field `{field}` {why}"))
}

/// Removes `field` from `obj` when it is a string (or, for ids, a number); other values stay
/// in the object, so they end up in `meta` rather than being lost.
fn take_string(obj: &mut Map<String, Value>, field: Option<&str>, numbers: bool) -> Option<String> {
    let field = field?;
    match obj.get(field)? {
        Value::String(s) => {
            let s = s.clone();
            obj.remove(field);
            Some(s)
        }
        Value::Number(n) if numbers => {
            let s = n.to_string();
            obj.remove(field);
            Some(s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
