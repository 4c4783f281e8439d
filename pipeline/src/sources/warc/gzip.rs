//! Gzip members of a `.warc.gz`, inflated as one stream with the stored position of every member.
//!
//! Written by hand over `flate2::Decompress` (raw deflate) instead of `flate2::read::MultiGzDecoder`
//! because the WARC reader needs what a decoder hides: the exact compressed byte offset where each
//! member starts and ends (the record's stored range), a truncated or corrupt member reported as
//! such while everything inflated before it is still delivered, and a way to restart at the next
//! member after damage or at an arbitrary split point. The gzip header (RFC 1952) is small
//! enough to parse here; the CRC-32 and size in each member trailer are checked.

use crate::sources::SkipReason;
use flate2::{Crc, Decompress, FlushDecompress, Status};
use std::io::{self, Read, Seek, SeekFrom};

/// Compressed bytes read from the file at a time.
const IN_CHUNK: usize = 256 * 1024;
/// A gzip header with a longer file name or comment than this is treated as damaged.
const MAX_GZIP_HEADER: usize = 64 * 1024;

/// A member boundary in the inflated stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    /// Position in the inflated stream.
    pub pos: u64,
    /// Position in the file as stored: where the member starts (`Start`) or ends (`End`).
    pub stored: u64,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkKind {
    Start,
    End,
}

/// Why inflating stopped before the end of the file.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Clean end: the last member ended with the file.
    Eof,
    /// Damaged input at `stored` (the start of the member, or of the non-gzip bytes).
    Fault {
        reason: SkipReason,
        stored: u64,
        detail: String,
    },
    Io(io::Error),
}

enum State {
    /// Expecting a gzip header (or the end of the file).
    Between,
    /// Inflating the member that starts at this stored offset.
    Inside(u64),
    /// Stopped; `resync` starts again.
    Stopped,
}

pub(crate) struct GzMembers {
    file: Box<dyn super::stream::ReadSeek>,
    inb: Vec<u8>,
    ilo: usize,
    ihi: usize,
    /// Stored offset of `inb[0]`.
    in_base: u64,
    in_eof: bool,
    inflater: Decompress,
    crc: Crc,
    state: State,
}

impl GzMembers {
    pub(crate) fn new(file: Box<dyn super::stream::ReadSeek>, start: u64) -> GzMembers {
        GzMembers {
            file,
            inb: vec![0; IN_CHUNK],
            ilo: 0,
            ihi: 0,
            in_base: start,
            in_eof: false,
            inflater: Decompress::new(false),
            crc: Crc::new(),
            state: State::Between,
        }
    }

    fn in_pos(&self) -> u64 {
        self.in_base + self.ilo as u64
    }

    /// Makes at least `n` compressed bytes available from `ilo` unless the file ends first.
    fn ensure_in(&mut self, n: usize) -> io::Result<bool> {
        while self.ihi - self.ilo < n {
            if self.in_eof {
                return Ok(false);
            }
            if self.ilo > 0 {
                self.inb.copy_within(self.ilo..self.ihi, 0);
                self.in_base += self.ilo as u64;
                self.ihi -= self.ilo;
                self.ilo = 0;
            }
            if self.inb.len() - self.ihi < IN_CHUNK.min(n.max(IN_CHUNK / 4)) {
                let want = (self.ihi + n).max(self.ihi + IN_CHUNK);
                self.inb.resize(want, 0);
            }
            let got = read_retry(&mut self.file, &mut self.inb[self.ihi..])?;
            if got == 0 {
                self.in_eof = true;
            }
            self.ihi += got;
        }
        Ok(true)
    }

    /// Inflates into `out`, appending a [`Mark`] for each member boundary (`out_pos` is the
    /// inflated position of `out[0]`). Returns the bytes written and, when no more will come
    /// until [`GzMembers::resync`], why.
    pub(crate) fn fill(
        &mut self,
        out: &mut [u8],
        out_pos: u64,
        marks: &mut Vec<Mark>,
    ) -> (usize, Option<Stop>) {
        let mut written = 0;
        while written < out.len() {
            let step = match self.state {
                State::Stopped => return (written, Some(Stop::Eof)),
                State::Between => self.begin_member(out_pos + written as u64, marks),
                State::Inside(start) => {
                    self.inflate_some(start, &mut out[written..], out_pos + written as u64, marks)
                }
            };
            match step {
                Ok(n) => written += n,
                Err(stop) => {
                    self.state = State::Stopped;
                    return (written, Some(stop));
                }
            }
        }
        (written, None)
    }

    /// Parses a member header at the input position; pushes its `Start` mark.
    fn begin_member(&mut self, pos: u64, marks: &mut Vec<Mark>) -> Result<usize, Stop> {
        if !self.ensure_in(1).map_err(Stop::Io)? {
            return Err(Stop::Eof);
        }
        let start = self.in_pos();
        self.ensure_in(MAX_GZIP_HEADER.min(4096))
            .map_err(Stop::Io)?;
        let len = match gzip_header_len(&self.inb[self.ilo..self.ihi]) {
            Header::Len(len) => len,
            Header::NeedMore if !self.in_eof => {
                self.ensure_in(MAX_GZIP_HEADER).map_err(Stop::Io)?;
                match gzip_header_len(&self.inb[self.ilo..self.ihi]) {
                    Header::Len(len) => len,
                    other => return Err(header_fault(other, start, self.in_eof)),
                }
            }
            other => return Err(header_fault(other, start, self.in_eof)),
        };
        self.ilo += len;
        self.inflater.reset(false);
        self.crc.reset();
        self.state = State::Inside(start);
        marks.push(Mark {
            pos,
            stored: start,
            kind: MarkKind::Start,
        });
        Ok(0)
    }

    /// Inflates part of the member starting at `start`; at its end checks the trailer and
    /// pushes the `End` mark.
    fn inflate_some(
        &mut self,
        start: u64,
        out: &mut [u8],
        pos: u64,
        marks: &mut Vec<Mark>,
    ) -> Result<usize, Stop> {
        if self.ilo == self.ihi && !self.ensure_in(1).map_err(Stop::Io)? {
            return Err(truncated(start, "the file ends inside a gzip member"));
        }
        let (in0, out0) = (self.inflater.total_in(), self.inflater.total_out());
        let status =
            self.inflater
                .decompress(&self.inb[self.ilo..self.ihi], out, FlushDecompress::None);
        let used = (self.inflater.total_in() - in0) as usize;
        let made = (self.inflater.total_out() - out0) as usize;
        self.ilo += used;
        self.crc.update(&out[..made]);
        match status {
            Err(e) => Err(Stop::Fault {
                reason: SkipReason::BadGzip,
                stored: start,
                detail: format!(
                    "corrupt deflate data in the gzip member at byte {start}: {}",
                    e.message().unwrap_or("invalid data")
                ),
            }),
            Ok(Status::StreamEnd) => {
                self.finish_member(start, pos + made as u64, marks)?;
                Ok(made)
            }
            Ok(_) if used == 0 && made == 0 => {
                // No progress with input left means the output is full (not possible: out is
                // non-empty) or the decoder wants more input than the buffer holds.
                let need = self.ihi - self.ilo + 1;
                if !self.ensure_in(need).map_err(Stop::Io)? {
                    return Err(truncated(start, "the file ends inside a gzip member"));
                }
                Ok(0)
            }
            Ok(_) => Ok(made),
        }
    }

    fn finish_member(&mut self, start: u64, pos: u64, marks: &mut Vec<Mark>) -> Result<(), Stop> {
        if !self.ensure_in(8).map_err(Stop::Io)? {
            return Err(truncated(start, "the gzip member's trailer is cut off"));
        }
        let t = &self.inb[self.ilo..self.ilo + 8];
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        if crc != self.crc.sum() || size != self.crc.amount() {
            return Err(Stop::Fault {
                reason: SkipReason::BadGzip,
                stored: start,
                detail: format!("CRC or size mismatch in the gzip member at byte {start}"),
            });
        }
        self.ilo += 8;
        self.state = State::Between;
        marks.push(Mark {
            pos,
            stored: self.in_pos(),
            kind: MarkKind::End,
        });
        Ok(())
    }

    /// Moves to the first member at or after stored offset `from` whose inflated bytes begin
    /// with a WARC header (after optional CR/LF). Returns its offset, or `None` at the end.
    pub(crate) fn resync(&mut self, from: u64) -> io::Result<Option<u64>> {
        self.seek_in(from)?;
        loop {
            self.ensure_in(IN_CHUNK / 2)?;
            let hay = &self.inb[self.ilo..self.ihi];
            match memchr::memmem::find(hay, b"\x1f\x8b\x08") {
                Some(i) => {
                    self.ilo += i;
                    if self.probe_warc_member()? {
                        self.state = State::Between;
                        return Ok(Some(self.in_pos()));
                    }
                    self.ilo += 1;
                }
                None if self.in_eof => {
                    self.ilo = self.ihi;
                    self.state = State::Stopped;
                    return Ok(None);
                }
                // Keep two bytes: the magic may straddle the refill.
                None => self.ilo = self.ihi.saturating_sub(2).max(self.ilo),
            }
        }
    }

    /// Whether a gzip member at the input position inflates to bytes that start a WARC record.
    fn probe_warc_member(&mut self) -> io::Result<bool> {
        self.ensure_in(MAX_GZIP_HEADER)?;
        let hay = &self.inb[self.ilo..self.ihi];
        let Header::Len(h) = gzip_header_len(hay) else {
            return Ok(false);
        };
        self.inflater.reset(false);
        let mut out = [0u8; 64];
        let mut made = 0;
        let mut inp = &hay[h..];
        // A few rounds: the first deflate block may need its Huffman tables before any output.
        for _ in 0..8 {
            let (i0, o0) = (self.inflater.total_in(), self.inflater.total_out());
            let st = self
                .inflater
                .decompress(inp, &mut out[made..], FlushDecompress::None);
            let used = (self.inflater.total_in() - i0) as usize;
            made += (self.inflater.total_out() - o0) as usize;
            inp = &inp[used..];
            match st {
                Err(_) => return Ok(false),
                Ok(Status::StreamEnd) => break,
                Ok(_) if made == out.len() || used == 0 => break,
                Ok(_) => {}
            }
        }
        let got = &out[..made];
        let skip = got
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        Ok(got[skip..].starts_with(b"WARC/"))
    }

    fn seek_in(&mut self, to: u64) -> io::Result<()> {
        let end = self.in_base + self.ihi as u64;
        if to >= self.in_base && to <= end {
            self.ilo = (to - self.in_base) as usize;
        } else {
            self.file.seek(SeekFrom::Start(to))?;
            self.in_base = to;
            self.ilo = 0;
            self.ihi = 0;
            self.in_eof = false;
        }
        Ok(())
    }
}

fn truncated(start: u64, what: &str) -> Stop {
    Stop::Fault {
        reason: SkipReason::TruncatedGzip,
        stored: start,
        detail: format!("{what} (member at byte {start})"),
    }
}

fn header_fault(h: Header, start: u64, eof: bool) -> Stop {
    match h {
        Header::NotGzip => Stop::Fault {
            reason: SkipReason::Garbage,
            stored: start,
            detail: format!("bytes at {start} are not a gzip member"),
        },
        Header::NeedMore if eof => truncated(start, "the file ends inside a gzip header"),
        Header::NeedMore | Header::Bad(_) | Header::Len(_) => Stop::Fault {
            reason: SkipReason::BadGzip,
            stored: start,
            detail: match h {
                Header::Bad(why) => format!("bad gzip header at byte {start}: {why}"),
                _ => format!("gzip header at byte {start} is longer than {MAX_GZIP_HEADER} bytes"),
            },
        },
    }
}

#[derive(Debug, PartialEq)]
enum Header {
    Len(usize),
    NeedMore,
    NotGzip,
    Bad(&'static str),
}

/// Length of the RFC 1952 header at the start of `b`.
fn gzip_header_len(b: &[u8]) -> Header {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if b.len() < 2 {
        return if b.is_empty() || b[0] == 0x1f {
            Header::NeedMore
        } else {
            Header::NotGzip
        };
    }
    if b[0] != 0x1f || b[1] != 0x8b {
        return Header::NotGzip;
    }
    if b.len() < 10 {
        return Header::NeedMore;
    }
    if b[2] != 8 {
        return Header::Bad("compression method is not deflate");
    }
    let flags = b[3];
    if flags & 0xe0 != 0 {
        return Header::Bad("reserved flag bits set");
    }
    let mut n = 10;
    if flags & FEXTRA != 0 {
        let Some(x) = b.get(n..n + 2) else {
            return Header::NeedMore;
        };
        n += 2 + u16::from_le_bytes([x[0], x[1]]) as usize;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            match b.get(n..).and_then(|rest| memchr::memchr(0, rest)) {
                Some(z) => n += z + 1,
                None => return Header::NeedMore,
            }
        }
    }
    if flags & FHCRC != 0 {
        n += 2;
    }
    if n > b.len() {
        Header::NeedMore
    } else {
        Header::Len(n)
    }
}

/// `read` that retries on `Interrupted`.
pub(crate) fn read_retry(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
#[path = "gzip_tests.rs"]
mod tests;
