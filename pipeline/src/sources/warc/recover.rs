//! Recovery paths of the WARC reader: streaming past oversized records, skipping garbage,
//! resyncing after a lying Content-Length or a damaged gzip member.

use super::gzip::MarkKind;
use super::header::{self as warc_header, looks_like_warc};
use super::stream::End;
use super::{skip, WarcIter};
use crate::sources::SkipReason;
use crate::sources::SourceItem;

impl WarcIter {
    /// Skips a record larger than `max_record_bytes` by streaming past it.
    pub(super) fn skip_large(&mut self, start: u64, hl: usize, len: u64) -> SourceItem {
        let block_start = start + hl as u64;
        let offset = self.stream.member_at(start);
        self.stream.consume(hl);
        let mut left = len;
        while left > 0 {
            let ended = self.stream.end().is_some();
            if self.stream.window().len() < 64 && !ended {
                self.stream.refill_more();
                continue;
            }
            if self.stream.window().is_empty() {
                let detail = format!("Content-Length {len} runs past the end of the data");
                return self.recover_large(start, block_start, offset, detail);
            }
            let pos = self.stream.pos();
            // Keep a few bytes so a member start near the window's end can be inspected.
            let keep = if ended { 0 } else { 32 };
            let take = ((self.stream.window().len() - keep) as u64).min(left);
            if let Some(next) = self.member_starting_record(pos.max(block_start + 1), pos + take) {
                self.stream.consume((next - pos) as usize);
                self.gap_start = next;
                let detail = format!("Content-Length {len} runs into the next gzip member");
                return self.skip_at(start, SkipReason::BadContentLength, detail);
            }
            self.stream.consume(take as usize);
            self.stream.keep_marks_from(self.stream.pos());
            left -= take;
        }
        let block_end = self.stream.pos();
        match self.trailer(0) {
            Some(trailer) => {
                self.stream.consume(trailer);
                self.gap_start = block_end;
                let detail = format!(
                    "Content-Length {len} exceeds max_record_bytes {}; streamed past",
                    self.max
                );
                skip(offset, SkipReason::RecordTooLarge, detail)
            }
            None => {
                let detail = format!("Content-Length {len} does not end at a record boundary");
                self.recover_large(start, block_start, offset, detail)
            }
        }
    }

    /// After a large record turned out not to end where it said: go back (plain files) or
    /// on (gzip) to the next record header.
    fn recover_large(
        &mut self,
        start: u64,
        block_start: u64,
        offset: u64,
        detail: String,
    ) -> SourceItem {
        let broken = matches!(self.stream.end(), Some(End::Fault(..) | End::Io(_)));
        if broken && self.stream.window().is_empty() {
            if let Some(item) = self.stream_ended(Some(start)) {
                return item;
            }
        }
        let from = if self.stream.rewind(block_start - 1) {
            block_start
        } else {
            self.stream.pos()
        };
        let found = self.scan_for_record(from);
        self.gap_start = self.stream.pos();
        if found {
            skip(offset, SkipReason::BadContentLength, detail)
        } else {
            self.done = matches!(self.stream.end(), Some(End::Eof | End::Io(_)));
            skip(offset, SkipReason::TruncatedRecord, detail)
        }
    }

    /// Bytes at `start` that are not a record: skip to the next record header.
    pub(super) fn garbage(&mut self, start: u64) -> SourceItem {
        let offset = self.stream.member_at(start);
        let found = self.scan_for_record(start + 1);
        let skipped = self.stream.pos() - start;
        self.gap_start = self.stream.pos();
        let detail = if found {
            format!("{skipped} bytes before the next record are not a WARC record")
        } else {
            format!("{skipped} bytes at the end are not a WARC record")
        };
        skip(offset, SkipReason::Garbage, detail)
    }

    /// A damaged record at `start`: yield the skip and resync from stream position `from`.
    pub(super) fn resync_after(
        &mut self,
        start: u64,
        from: u64,
        reason: SkipReason,
        detail: String,
    ) -> SourceItem {
        let item = self.skip_at(start, reason, detail);
        self.scan_for_record(from);
        self.gap_start = self.stream.pos();
        item
    }

    /// The stream ended (cleanly, damaged or by an I/O error), with a record begun at `start`
    /// or between records (`None`).
    pub(super) fn stream_ended(&mut self, start: Option<u64>) -> Option<SourceItem> {
        match self.stream.end() {
            Some(End::Fault(reason, stored, detail)) => {
                let (reason, stored, detail) = (*reason, *stored, detail.clone());
                let offset = start.map_or(stored, |s| self.stream.member_at(s));
                if !self.stream.recover_after(stored) {
                    self.done = self.stream.end().is_some();
                }
                self.gap_start = self.stream.pos();
                Some(skip(offset, reason, detail))
            }
            Some(End::Io(e)) => {
                self.done = true;
                let at = start.unwrap_or_else(|| self.stream.pos());
                let detail = format!("read error in {}: {e}", self.path.display());
                Some(self.skip_at(at, SkipReason::IoError, detail))
            }
            Some(End::Eof) | None => {
                let Some(start) = start else {
                    self.done = true;
                    return None;
                };
                let hl = warc_header::header_len(self.stream.window());
                let from = start + hl.unwrap_or(1) as u64;
                let offset = self.stream.member_at(start);
                let found = self.scan_for_record(from);
                self.gap_start = self.stream.pos();
                Some(if found {
                    let detail = "Content-Length runs into the next record".to_string();
                    skip(offset, SkipReason::BadContentLength, detail)
                } else {
                    self.done = true;
                    let detail = "the data ends inside this record".to_string();
                    skip(offset, SkipReason::TruncatedRecord, detail)
                })
            }
        }
    }

    /// Consumes bytes from stream position `from` (>= the current one) up to the next record
    /// header: a line starting `WARC/<digit>` or a gzip member whose bytes start a record.
    /// Returns false when the stream ends first (everything is then consumed).
    pub(super) fn scan_for_record(&mut self, from: u64) -> bool {
        // Start one byte early: a header right at `from` is recognised by the newline before it.
        let skip = from.saturating_sub(1).saturating_sub(self.stream.pos());
        self.stream
            .consume(skip.min(self.stream.window().len() as u64) as usize);
        loop {
            let pos = self.stream.pos();
            let w = self.stream.window();
            let ended = self.stream.end().is_some();
            let mut limit = w.len();
            let mut found = None;
            let mut search = 0;
            while let Some(i) = memchr::memmem::find(&w[search..], b"\nWARC/") {
                let at = search + i + 1;
                if at + 6 > w.len() && !ended {
                    limit = at - 1;
                    break;
                }
                if looks_like_warc(&w[at..]) {
                    found = Some(at);
                    break;
                }
                search = at;
            }
            let marks =
                self.stream
                    .marks_between(MarkKind::Start, pos.max(from), pos + limit as u64);
            for m in marks {
                let at = (m.pos - pos) as usize;
                if found.is_some_and(|f| f <= at) {
                    break;
                }
                if at + 16 > w.len() && !ended {
                    limit = limit.min(at);
                    break;
                }
                if starts_record(&w[at..]) {
                    found = Some(at);
                    break;
                }
            }
            if let Some(at) = found {
                self.stream.consume(at);
                return true;
            }
            let keep = if ended { 0 } else { 6 };
            let drop = limit.min(w.len().saturating_sub(keep));
            self.stream.consume(drop);
            self.stream.keep_marks_from(self.stream.pos());
            if !self.stream.refill_more() && self.stream.window().len() <= keep {
                self.stream.consume(keep);
                return false;
            }
        }
    }
}

/// Whether `b` (the start of a gzip member's bytes) begins a record after optional CR/LF.
pub(super) fn starts_record(b: &[u8]) -> bool {
    let ws = b
        .iter()
        .take(8)
        .take_while(|c| matches!(c, b'\r' | b'\n'))
        .count();
    looks_like_warc(&b[ws..])
}
