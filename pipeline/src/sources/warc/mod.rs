//! WARC reader: WARC 1.0/1.1 (and older 0.x headers), plain or gzip, streamed record by record;
//! legacy ARC files too (see `warc_arc`).
//!
//! Each record becomes a [`SourceItem`] (see `warc_record` for which records are documents).
//! Offsets are where the record is stored: for a `.warc.gz` with one gzip member per record (the
//! norm), the member's byte range, so seeking there and inflating yields the record; a record
//! that spans several members gets the range of all of them. When one member holds several
//! records (whole-file gzip) the offsets are positions in the inflated stream and the document's
//! `meta["offsets"]` is `"uncompressed"`.
//!
//! Damage never ends the file early when more can be read: a lying Content-Length, garbage
//! between records, a corrupt or truncated gzip member and an oversized record each yield a
//! [`Skip`] naming the offset and what was wrong, and reading resumes at the next record header.
//!
//! Splitting: `range` selects records by stored start offset, so ranges that tile a file read
//! each record exactly once. A reader that starts inside the file resyncs to the next record
//! boundary it can recognise, and a reader ends its range exactly where the next one would
//! resync (a plain-file record not preceded by a newline stays with the earlier range).
//! Limits: a gzip member holding several records belongs wholly to the range holding the
//! member's start, and a range starting later cannot compute inflated-stream offsets, so a
//! whole-file `.warc.gz` must be read from offset 0 (a later range reports its records as
//! `ingest.unsplittable_gzip`); in plain files a payload that itself contains a WARC header at
//! a line start can fool the resync of a range that starts inside that payload.

mod gzip;
pub(crate) mod header;
mod record;
mod stream;

use super::{SourceError, SourceItem};
use crate::sources::{skip, SkipReason};
use gzip::{GzMembers, MarkKind};
use header::{self as warc_header, looks_like_warc};
use record::{self as warc_record, Framed};
use recover::starts_record;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
pub use stream::ReadSeek;
use stream::{End, Stream};

/// A header block longer than this is not a WARC header.
const MAX_HEADER: usize = 256 * 1024;
/// Bytes looked at after a block to confirm it ends at a record boundary.
const TRAILER_PEEK: usize = 72;

/// Options of [`read_warc`].
#[derive(Debug, Clone)]
pub struct WarcOptions {
    /// Records with a larger Content-Length (or payloads that inflate past it) are skipped as
    /// `ingest.record_too_large` without being held in memory. Default 64 MiB.
    pub max_record_bytes: u64,
}

impl Default for WarcOptions {
    fn default() -> Self {
        WarcOptions {
            max_record_bytes: 64 << 20,
        }
    }
}

/// Where the last framed record is stored and what it is (for indexes and checks).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordInfo {
    pub offset: u64,
    pub length: u64,
    /// `offset`/`length` are positions in the inflated stream.
    pub uncompressed: bool,
    /// WARC-Type, lower-cased.
    pub kind: String,
    /// WARC-Target-URI, cleaned as documents carry it.
    pub target_uri: Option<String>,
}

/// Opens a WARC file and reads the records whose stored start offset lies in `range`
/// (`None`: the whole file). With `range.start > 0` the reader resyncs to the first record
/// boundary at or after it: in a plain file a line starting `WARC/1.`, in a `.warc.gz` a gzip
/// member whose inflated bytes start with `WARC/`.
pub fn read_warc(
    path: &Path,
    range: Option<(u64, u64)>,
    opts: &WarcOptions,
) -> Result<WarcIter, SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    read_warc_from(Box::new(file), path, range, opts)
}

/// [`read_warc`] over any seekable reader (a remote file read with HTTP Range requests); `path`
/// names it in errors and items, and offsets are positions in what `input` reads.
pub fn read_warc_from(
    mut file: Box<dyn ReadSeek>,
    path: &Path,
    range: Option<(u64, u64)>,
    opts: &WarcOptions,
) -> Result<WarcIter, SourceError> {
    let read_err = |offset, source| SourceError::Read {
        path: path.to_path_buf(),
        offset,
        source,
    };
    let mut magic = [0u8; 2];
    let got = file.read(&mut magic).map_err(|e| read_err(0, e))?;
    let gzip = got == 2 && magic == [0x1f, 0x8b];
    let (start, end) = range.unwrap_or((0, u64::MAX));
    let mut done = start >= end;
    let (stream, from_zero, needs_sync) = if gzip {
        file.seek(SeekFrom::Start(0)).map_err(|e| read_err(0, e))?;
        let mut members = GzMembers::new(file, 0);
        if start > 0 {
            let at = members.resync(start).map_err(|e| read_err(start, e))?;
            done |= at.is_none_or(|at| at >= end);
        }
        (Stream::gzip(members, 0), start == 0, false)
    } else {
        let from = start.saturating_sub(1);
        file.seek(SeekFrom::Start(from))
            .map_err(|e| read_err(from, e))?;
        (Stream::plain(file, from), true, start > 0)
    };
    Ok(WarcIter {
        path: path.to_path_buf(),
        gap_start: stream.pos(),
        stream,
        max: opts.max_record_bytes,
        range_end: end,
        from_zero,
        needs_sync,
        done,
        last: RecordInfo::default(),
        has_last: false,
        arc: false,
    })
}

/// Whether `path` can be read in byte ranges (see [`read_warc`]): plain WARC files and
/// `.warc.gz` files whose first record fills its own gzip member can; whole-file gzip and ARC
/// files cannot. Reads only up to the first record.
pub fn is_splittable(path: &Path, opts: &WarcOptions) -> Result<bool, SourceError> {
    let mut it = read_warc(path, None, opts)?;
    while it.next().is_some() {
        if it.arc {
            return Ok(false);
        }
        if let Some(info) = it.last_record() {
            return Ok(!info.uncompressed);
        }
    }
    Ok(!it.arc)
}

/// The records of one WARC file; see [`read_warc`].
pub struct WarcIter {
    path: PathBuf,
    stream: Stream,
    max: u64,
    range_end: u64,
    /// Stream positions count from the start of the file (false after a gzip resync).
    from_zero: bool,
    needs_sync: bool,
    /// Where the bytes between the previous record and the next begin (its block end).
    gap_start: u64,
    done: bool,
    /// Reused for every record so framing allocates nothing for records that are not kept.
    last: RecordInfo,
    has_last: bool,
    /// The file is a legacy ARC file (it starts with `filedesc://`).
    arc: bool,
}

impl Iterator for WarcIter {
    type Item = SourceItem;

    fn next(&mut self) -> Option<SourceItem> {
        while !self.done {
            if let Some(item) = self.step() {
                return Some(item);
            }
        }
        None
    }
}

impl WarcIter {
    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.stream.is_gzip()
    }

    /// The stored range and type of the record behind the last item, when that item came
    /// from a whole record (documents, non-documents and skips decided on a record's content).
    pub fn last_record(&self) -> Option<&RecordInfo> {
        self.has_last.then_some(&self.last)
    }

    /// One step: an item, or `None` after progress that yields nothing (resync, end).
    fn step(&mut self) -> Option<SourceItem> {
        self.has_last = false;
        if self.needs_sync {
            self.needs_sync = false;
            // The stream starts one byte before the range, so a header right at its start is
            // seen with the newline before it.
            if !self.scan_for_record(self.stream.pos() + 1) {
                self.done = true;
            }
            self.gap_start = self.stream.pos();
            return None;
        }
        if !self.skip_whitespace() {
            return self.stream_ended(None);
        }
        let start = self.stream.pos();
        if self.past_range(start) {
            self.done = true;
            return None;
        }
        self.stream.ensure(11);
        if start == 0 && self.stream.window().starts_with(b"filedesc://") {
            self.arc = true;
        }
        if self.arc {
            return self.arc_record(start);
        }
        if !looks_like_warc(self.stream.window()) {
            return Some(self.garbage(start));
        }
        self.record(start)
    }

    /// Whether the record at `start` belongs to the next range: it starts at or after the end
    /// and the next range's resync finds it (plain: it follows a newline; gzip: the range goes
    /// by member starts). A record the resync cannot see stays with this range, so ranges
    /// that tile a file read each record exactly once.
    fn past_range(&self, start: u64) -> bool {
        if self.arc {
            return false;
        }
        if self.stream.is_gzip() {
            return self.stream.member_at(start) >= self.range_end;
        }
        start >= self.range_end && self.stream.prev_byte().is_none_or(|b| b == b'\n')
    }

    /// Consumes whitespace before a record; false when the stream ends first.
    fn skip_whitespace(&mut self) -> bool {
        loop {
            let w = self.stream.window();
            let n = w.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let all = n == w.len();
            self.stream.consume(n);
            if !all {
                return true;
            }
            if !self.stream.ensure(1) {
                return false;
            }
        }
    }

    /// Frames the record whose header starts at stream position `start`.
    fn record(&mut self, start: u64) -> Option<SourceItem> {
        let hl = loop {
            if let Some(hl) = warc_header::header_len(self.stream.window()) {
                break hl;
            }
            if self.stream.window().len() > MAX_HEADER {
                let detail = format!("no end of the WARC header within {MAX_HEADER} bytes");
                return Some(self.resync_after(start, start + 1, SkipReason::BadHeader, detail));
            }
            if !self.stream.refill_more() {
                return self.stream_ended(Some(start));
            }
        };
        let header = warc_header::parse(&self.stream.window()[..hl]);
        let Some(len) = header.content_length else {
            let detail = "WARC header has no valid Content-Length".to_string();
            return Some(self.resync_after(
                start,
                start + hl as u64,
                SkipReason::BadHeader,
                detail,
            ));
        };
        if len > self.max {
            return Some(self.skip_large(start, hl, len));
        }
        let total = hl + len as usize;
        if !self.stream.ensure(total) {
            return self.stream_ended(Some(start));
        }
        let block_start = start + hl as u64;
        let block_end = start + total as u64;
        if let Some(next) = self.member_starting_record(block_start + 1, block_end - 1) {
            let detail = format!("Content-Length {len} runs into the next gzip member");
            self.stream.consume((next - start) as usize);
            self.gap_start = next;
            return Some(self.skip_at(start, SkipReason::BadContentLength, detail));
        }
        let Some(trailer) = self.trailer(total) else {
            let detail = format!("Content-Length {len} does not end at a record boundary");
            return Some(self.resync_after(
                start,
                block_start,
                SkipReason::BadContentLength,
                detail,
            ));
        };
        if self.fault_ends_record(total + trailer, block_end) {
            // The member holding this record is damaged (bad CRC, cut trailer): report that.
            return self.stream_ended(Some(start));
        }
        Some(self.emit(start, hl, block_end, trailer))
    }

    /// Whether a gzip fault came right after the record's bytes, before its member could end.
    fn fault_ends_record(&self, upto: usize, block_end: u64) -> bool {
        matches!(self.stream.end(), Some(End::Fault(..)))
            && self.stream.window().len() <= upto
            && self
                .stream
                .marks_between(MarkKind::End, block_end, block_end + 4)
                .next()
                .is_none()
    }

    /// Yields the item for a fully framed record and moves past it.
    fn emit(&mut self, start: u64, hl: usize, block_end: u64, trailer: usize) -> SourceItem {
        let trailer_end = block_end + trailer as u64;
        let (offset, length, uncompressed) = self.stored_range(start, block_end, trailer_end);
        let total = (block_end - start) as usize;
        let w = self.stream.window();
        let rec = Framed {
            header: if self.arc {
                arc::arc_header(&w[..hl]).unwrap_or_default()
            } else {
                warc_header::parse(&w[..hl])
            },
            block: &w[hl..total],
            offset,
            length,
            uncompressed,
        };
        let item = if uncompressed && !self.from_zero {
            let detail = "a gzip member holds several records; read this file from offset 0";
            skip(
                self.stream.member_at(start),
                SkipReason::UnsplittableGzip,
                detail.into(),
            )
        } else {
            warc_record::to_item(&rec, self.max)
        };
        let info = &mut self.last;
        self.has_last = true;
        info.offset = offset;
        info.length = length;
        info.uncompressed = uncompressed;
        info.kind.clear();
        info.kind.extend(
            rec.header
                .warc_type
                .iter()
                .map(|&b| char::from(b.to_ascii_lowercase())),
        );
        match rec.header.target_uri {
            Some(raw) => {
                let uri = info.target_uri.get_or_insert_with(String::new);
                uri.clear();
                warc_record::clean_uri_into(raw, uri);
            }
            None => info.target_uri = None,
        }
        self.stream.consume(total + trailer);
        self.gap_start = block_end;
        self.stream.keep_marks_from(block_end);
        item
    }

    /// The stored offset and length of a record, and whether they are inflated-stream positions.
    fn stored_range(&self, start: u64, block_end: u64, trailer_end: u64) -> (u64, u64, bool) {
        if !self.stream.is_gzip() {
            return (start, trailer_end - start, false);
        }
        let first = self
            .stream
            .marks_between(MarkKind::Start, self.gap_start, start)
            .last();
        let last = self
            .stream
            .marks_between(MarkKind::End, block_end, trailer_end)
            .next();
        match (first, last) {
            (Some(a), Some(b)) => (a.stored, b.stored.saturating_sub(a.stored), false),
            _ => (start, trailer_end - start, true),
        }
    }

    /// Length of the CR/LF trailer after a block ending at window index `at`, if the block ends
    /// at a record boundary: CRLF CRLF, or line ends followed by another record, a gzip member
    /// boundary or the end.
    fn trailer(&mut self, at: usize) -> Option<usize> {
        self.stream.ensure(at + TRAILER_PEEK);
        let w = self.stream.window();
        let after = &w[at.min(w.len())..];
        let ws = after
            .iter()
            .take(TRAILER_PEEK - 8)
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
        let trailer = ws.min(4);
        let block_end = self.stream.pos() + at as u64;
        // A full CRLF CRLF is the trailer the format prescribes; anything shorter must be
        // confirmed by what follows.
        let ok = after.starts_with(b"\r\n\r\n")
            || (ws == after.len() && self.stream.end().is_some())
            || ws == TRAILER_PEEK - 8
            || looks_like_warc(&after[ws..])
            || (self.arc && arc::looks_like_arc(&after[ws..]))
            || self
                .stream
                .marks_between(MarkKind::End, block_end, block_end + trailer as u64)
                .next()
                .is_some();
        ok.then_some(trailer)
    }

    /// A gzip member starting strictly inside `from..=to` whose bytes start a WARC record:
    /// proof that a Content-Length reaching past it lies.
    fn member_starting_record(&self, from: u64, to: u64) -> Option<u64> {
        let pos = self.stream.pos();
        let w = self.stream.window();
        self.stream
            .marks_between(MarkKind::Start, from, to)
            .map(|m| m.pos)
            .find(|&p| p >= pos && starts_record(&w[(p - pos) as usize..]))
    }

    fn skip_at(&self, pos: u64, reason: SkipReason, detail: String) -> SourceItem {
        skip(self.stream.member_at(pos), reason, detail)
    }
}

mod arc;
mod recover;

#[cfg(test)]
mod tests;
