//! A sliding window over the (inflated) bytes of a WARC file.
//!
//! The record parser sees one byte stream whatever the storage: plain bytes, or the members of a
//! `.warc.gz` inflated back to back with [`Mark`]s at member boundaries, so it can map a record to
//! its stored byte range. The window holds at most one record (bounded by `max_record_bytes`)
//! plus a read-ahead chunk; larger records are streamed through it.

use super::gzip::{read_retry, GzMembers, Mark, MarkKind, Stop};
use crate::sources::SkipReason;
use std::io::{self, Read, Seek, SeekFrom};

/// Bytes read or inflated per refill.
const CHUNK: usize = 256 * 1024;

/// What a WARC is read from: a file, or a remote file read with HTTP Range requests.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

enum Src {
    Plain(Box<dyn ReadSeek>),
    Gzip(Box<GzMembers>),
}

/// What ended the stream (delivered once the window is drained up to it).
#[derive(Debug)]
pub(crate) enum End {
    Eof,
    /// Damaged gzip data: reason, stored offset, detail.
    Fault(SkipReason, u64, String),
    Io(io::Error),
}

pub(crate) struct Stream {
    buf: Vec<u8>,
    lo: usize,
    hi: usize,
    /// Stream position of `buf[0]`.
    base: u64,
    /// Member boundaries at or after `keep_marks_from`, in stream order.
    marks: Vec<Mark>,
    keep_marks_from: u64,
    /// Stored start of the member that holds positions before the first kept `Start` mark.
    older_member: u64,
    src: Src,
    end: Option<End>,
}

impl Stream {
    pub(crate) fn plain(file: Box<dyn ReadSeek>, start: u64) -> Stream {
        Stream::with(Src::Plain(file), start)
    }

    pub(crate) fn gzip(members: GzMembers, start: u64) -> Stream {
        Stream::with(Src::Gzip(Box::new(members)), start)
    }

    fn with(src: Src, start: u64) -> Stream {
        Stream {
            buf: vec![0; 4 * CHUNK],
            lo: 0,
            hi: 0,
            base: start,
            marks: Vec::new(),
            keep_marks_from: start,
            older_member: start,
            src,
            end: None,
        }
    }

    pub(crate) fn is_gzip(&self) -> bool {
        matches!(self.src, Src::Gzip(_))
    }

    /// Stream position of the next unconsumed byte.
    pub(crate) fn pos(&self) -> u64 {
        self.base + self.lo as u64
    }

    /// The unconsumed bytes in the window.
    pub(crate) fn window(&self) -> &[u8] {
        &self.buf[self.lo..self.hi]
    }

    /// Makes `n` unconsumed bytes available; false when the stream ends first (see [`Stream::end`]).
    pub(crate) fn ensure(&mut self, n: usize) -> bool {
        while self.hi - self.lo < n {
            if self.end.is_some() {
                return false;
            }
            self.make_room(n);
            self.refill();
        }
        true
    }

    /// Reads or inflates one more chunk; false when nothing more can come.
    pub(crate) fn refill_more(&mut self) -> bool {
        if self.end.is_some() {
            return false;
        }
        let want = self.hi - self.lo + CHUNK;
        self.make_room(want);
        self.refill();
        true
    }

    /// Why the stream stopped, once it has.
    pub(crate) fn end(&self) -> Option<&End> {
        self.end.as_ref()
    }

    fn make_room(&mut self, n: usize) {
        let want = n.max(self.hi - self.lo + CHUNK);
        if self.buf.len() - self.lo >= want && self.buf.len() - self.hi >= CHUNK / 4 {
            return;
        }
        // Keep the last consumed byte: the range check asks what precedes a record.
        let drop = self.lo.saturating_sub(1);
        if drop > 0 {
            self.buf.copy_within(drop..self.hi, 0);
            self.base += drop as u64;
            self.hi -= drop;
            self.lo -= drop;
            self.forget_marks();
        }
        if self.buf.len() < self.lo + want {
            self.buf.resize((self.lo + want).next_power_of_two(), 0);
        }
    }

    fn refill(&mut self) {
        let room = &mut self.buf[self.hi..];
        let room_len = room.len().min(4 * CHUNK);
        let room = &mut room[..room_len];
        let pos = self.base + self.hi as u64;
        match &mut self.src {
            Src::Plain(f) => match read_retry(f, room) {
                Ok(0) => self.end = Some(End::Eof),
                Ok(n) => self.hi += n,
                Err(e) => self.end = Some(End::Io(e)),
            },
            Src::Gzip(g) => {
                let (n, stop) = g.fill(room, pos, &mut self.marks);
                self.hi += n;
                self.end = stop.map(|s| match s {
                    Stop::Eof => End::Eof,
                    Stop::Fault {
                        reason,
                        stored,
                        detail,
                    } => End::Fault(reason, stored, detail),
                    Stop::Io(e) => End::Io(e),
                });
            }
        }
    }

    /// The byte just before the unconsumed ones, if still held.
    pub(crate) fn prev_byte(&self) -> Option<u8> {
        self.lo.checked_sub(1).map(|i| self.buf[i])
    }

    /// Consumes `n` bytes (at most what the window holds).
    pub(crate) fn consume(&mut self, n: usize) {
        self.lo += n.min(self.hi - self.lo);
    }

    /// Member boundaries before `pos` may be forgotten (the record parser no longer needs them).
    pub(crate) fn keep_marks_from(&mut self, pos: u64) {
        self.keep_marks_from = pos;
        self.forget_marks();
    }

    fn forget_marks(&mut self) {
        let keep = self.keep_marks_from.min(self.base);
        let cut = self.marks.partition_point(|m| m.pos < keep);
        if let Some(m) = self.marks[..cut]
            .iter()
            .rev()
            .find(|m| m.kind == MarkKind::Start)
        {
            self.older_member = m.stored;
        }
        self.marks.drain(..cut);
    }

    /// Member boundaries of kind `kind` with `from <= pos <= to`.
    pub(crate) fn marks_between(
        &self,
        kind: MarkKind,
        from: u64,
        to: u64,
    ) -> impl Iterator<Item = &Mark> {
        let first = self.marks.partition_point(|m| m.pos < from);
        self.marks[first..]
            .iter()
            .take_while(move |m| m.pos <= to)
            .filter(move |m| m.kind == kind)
    }

    /// Stored offset of the gzip member that holds stream position `pos` (plain: `pos` itself).
    pub(crate) fn member_at(&self, pos: u64) -> u64 {
        if !self.is_gzip() {
            return pos;
        }
        let upto = self.marks.partition_point(|m| m.pos <= pos);
        self.marks[..upto]
            .iter()
            .rev()
            .find(|m| m.kind == MarkKind::Start)
            .map_or(self.older_member, |m| m.stored)
    }

    /// Restarts a plain stream at byte `to` (used to re-scan bytes already streamed past).
    /// Returns false for gzip streams, which cannot go back cheaply.
    pub(crate) fn rewind(&mut self, to: u64) -> bool {
        if to >= self.base && to <= self.base + self.hi as u64 {
            self.lo = (to - self.base) as usize;
            return true;
        }
        let Src::Plain(f) = &mut self.src else {
            return false;
        };
        if let Err(e) = f.seek(SeekFrom::Start(to)) {
            self.end = Some(End::Io(e));
            return false;
        }
        self.reset_window(to);
        true
    }

    /// After a gzip fault: drops the window and continues at the next member after `stored`
    /// that starts a WARC record. Returns false when none is left.
    pub(crate) fn recover_after(&mut self, stored: u64) -> bool {
        let Src::Gzip(g) = &mut self.src else {
            return false;
        };
        match g.resync(stored + 1) {
            Ok(Some(at)) => {
                // Stream positions only need to grow; jump past everything seen so far.
                let next = self.base + self.hi as u64 + 1;
                self.reset_window(next);
                self.older_member = at;
                true
            }
            Ok(None) => {
                self.lo = self.hi;
                self.end = Some(End::Eof);
                false
            }
            Err(e) => {
                self.lo = self.hi;
                self.end = Some(End::Io(e));
                false
            }
        }
    }

    fn reset_window(&mut self, pos: u64) {
        self.base = pos;
        self.lo = 0;
        self.hi = 0;
        self.marks.clear();
        self.keep_marks_from = pos;
        self.end = None;
    }
}
