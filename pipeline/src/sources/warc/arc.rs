//! Legacy ARC files (Internet Archive ARC v1 and v2, plain or one gzip member per record), read
//! by the WARC reader when a file starts with `filedesc://`.
//!
//! An ARC record is one header line, `URL IP DATE MIME [v2 fields...] LENGTH`, then LENGTH bytes
//! (for http URLs the HTTP response) and a newline. Records are handed to the WARC record logic
//! as `response` records (the `filedesc://` record as `warcinfo`), so HTTP, charset and skip
//! rules are the same. The 14-digit ARC date becomes a WARC-style date. ARC files are read whole:
//! a range that does not start at 0 finds no ARC records, and the range holding 0 reads to the end.

use super::header::{parse_u64, WarcHeader};
use super::WarcIter;
use crate::sources::SkipReason;
use crate::sources::{Skip, SourceItem};

/// A header line longer than this is not an ARC header.
const MAX_LINE: usize = 64 * 1024;

impl WarcIter {
    /// Frames the ARC record whose header line starts at stream position `start`.
    pub(super) fn arc_record(&mut self, start: u64) -> Option<SourceItem> {
        let line_len = loop {
            if let Some(i) = memchr::memchr(b'\n', self.stream.window()) {
                break i + 1;
            }
            if self.stream.window().len() > MAX_LINE {
                return Some(self.arc_resync(start, "ARC header line too long".into()));
            }
            if !self.stream.refill_more() {
                return self.stream_ended(Some(start));
            }
        };
        let Some(header) = arc_header(&self.stream.window()[..line_len]) else {
            let line = String::from_utf8_lossy(&self.stream.window()[..line_len.min(120)]);
            let detail = format!("not an ARC header line: {:?}", line.trim_end());
            return Some(self.arc_resync(start, detail));
        };
        let len = header.content_length.unwrap_or(0);
        if len > self.max {
            return Some(self.skip_large(start, line_len, len));
        }
        let total = line_len + len as usize;
        if !self.stream.ensure(total) {
            return self.stream_ended(Some(start));
        }
        let Some(trailer) = self.trailer(total) else {
            let detail = format!("ARC length {len} does not end at a record boundary");
            let item = self.skip_at(start, SkipReason::BadContentLength, detail);
            self.stream.consume(line_len);
            self.skip_to_arc_header();
            self.gap_start = self.stream.pos();
            return Some(item);
        };
        let mut item = self.emit(start, line_len, start + total as u64, trailer);
        if let SourceItem::Doc(d) = &mut item {
            d.date = d.date.as_deref().map(iso_date);
            d.meta.insert("format".into(), "arc".into());
        }
        Some(item)
    }

    /// A bad ARC header at `start`: skip to the next line that is one.
    fn arc_resync(&mut self, start: u64, detail: String) -> SourceItem {
        let offset = self.stream.member_at(start);
        self.stream.consume(1);
        self.skip_to_arc_header();
        self.gap_start = self.stream.pos();
        SourceItem::Skip(Skip {
            offset,
            length: 0,
            reason: SkipReason::BadHeader,
            detail,
        })
    }

    /// Consumes lines until the window starts with a valid ARC header line (or the data ends).
    fn skip_to_arc_header(&mut self) {
        loop {
            let w = self.stream.window();
            match memchr::memchr(b'\n', w) {
                Some(i) => {
                    self.stream.consume(i + 1);
                    let w = self.stream.window();
                    match memchr::memchr(b'\n', w) {
                        Some(e) if arc_header(&w[..e + 1]).is_some() => return,
                        Some(_) => {}
                        None if w.len() > MAX_LINE => self.stream.consume(w.len()),
                        None => {
                            if !self.stream.refill_more() {
                                self.stream.consume(self.stream.window().len());
                                return;
                            }
                        }
                    }
                }
                None => {
                    self.stream.consume(w.len());
                    if !self.stream.refill_more() {
                        return;
                    }
                }
            }
        }
    }
}

/// Parses an ARC header line (with its newline) into the WARC fields the record logic reads.
/// The date field (12 to 18 digits) anchors the parse, so URLs with spaces survive.
pub(crate) fn arc_header(line: &[u8]) -> Option<WarcHeader<'_>> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let tokens: Vec<(usize, &[u8])> = line
        .split(|&c| c == b' ')
        .scan(0usize, |pos, t| {
            let at = *pos;
            *pos += t.len() + 1;
            Some((at, t))
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    if tokens.len() < 5 {
        return None;
    }
    let date_at = (2..tokens.len() - 2).find(|&i| {
        let t = tokens[i].1;
        (12..=18).contains(&t.len()) && t.iter().all(u8::is_ascii_digit)
    })?;
    let url_end = tokens[date_at - 2].0 + tokens[date_at - 2].1.len();
    let url = &line[..url_end];
    if !url.contains(&b':') {
        return None;
    }
    let length = parse_u64(tokens[tokens.len() - 1].1)?;
    // The `filedesc://` record describes the file (WARC's warcinfo); its "URL" is no URL.
    let filedesc = url.starts_with(b"filedesc:");
    Some(WarcHeader {
        version: b"ARC",
        warc_type: if filedesc { b"warcinfo" } else { b"response" },
        content_length: Some(length),
        target_uri: (!filedesc).then_some(url),
        date: Some(tokens[date_at].1),
        content_type: Some(tokens[date_at + 1].1),
        ..WarcHeader::default()
    })
}

/// Whether `b` starts like an ARC header line (`scheme:` first), to confirm a record boundary.
pub(super) fn looks_like_arc(b: &[u8]) -> bool {
    let scheme = b
        .iter()
        .take(24)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    scheme > 0 && b.get(scheme) == Some(&b':')
}

/// `20140216050221` -> `2014-02-16T05:02:21Z` (other shapes are kept as they are).
fn iso_date(d: &str) -> String {
    let b = d.as_bytes();
    if b.len() < 14 || !b[..14].iter().all(u8::is_ascii_digit) {
        return d.to_string();
    }
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[8..10],
        &d[10..12],
        &d[12..14]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_v2_and_spaces_in_urls() {
        let h = arc_header(b"http://a.pe/x y 1.2.3.4 20140216050221 text/html 1591\n").unwrap();
        assert_eq!(h.target_uri, Some(&b"http://a.pe/x y"[..]));
        assert_eq!(
            (h.content_length, h.content_type),
            (Some(1591), Some(&b"text/html"[..]))
        );
        let v2 = b"http://b.br/ 1.2.3.4 20080430204825 text/html 200 ABCDEF - 123 f.arc.gz 42\n";
        assert_eq!(arc_header(v2).unwrap().content_length, Some(42));
        assert!(arc_header(b"http://a.pe/ 1.2.3.4 20140216050221 text/html -1\n").is_none());
        assert!(arc_header(b"URL IP-address Archive-date Content-type Archive-length\n").is_none());
        assert_eq!(iso_date("20140216050221"), "2014-02-16T05:02:21Z");
        assert!(
            looks_like_arc(b"http://x") && looks_like_arc(b"dns:x") && !looks_like_arc(b"<html>")
        );
    }
}
