//! HTTP/1.x responses as WARC `response` (and ARC) records store them: status line, the few
//! headers ingest needs, and the payload with chunked transfer-encoding and gzip/deflate
//! content-encoding undone.
//!
//! Lenient where crawlers are sloppy: bare-LF line ends, a `chunked` header over a body that was
//! already de-chunked, a `gzip` header over a body stored decoded, a gzip stream cut short. Each
//! such repair is reported as a note so ingest can put it into the document's `meta`.

use super::warc::header::trim;
use crate::sources::SkipReason;
use std::borrow::Cow;
use std::io::Read;

/// The parts of an HTTP response that ingest uses, borrowed from the record block.
#[derive(Debug, Clone, Copy)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub content_type: Option<&'a [u8]>,
    pub transfer_encoding: Option<&'a [u8]>,
    pub content_encoding: Option<&'a [u8]>,
    /// `X-Robots-Tag` and `tdm-reservation` (the first of each): AI opt-outs
    /// (`minga_filters::consent`).
    pub x_robots_tag: Option<&'a [u8]>,
    pub tdm_reservation: Option<&'a [u8]>,
    /// The payload as stored (before de-chunking and content decoding).
    pub body: &'a [u8],
}

/// Why a payload could not be decoded: the ingest reason and a detail.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyError {
    pub reason: SkipReason,
    pub detail: String,
}

/// Parses the status line and headers at the start of `block`.
pub fn parse_response(block: &[u8]) -> Result<HttpResponse<'_>, String> {
    let line_end = memchr::memchr(b'\n', block).unwrap_or(block.len());
    let status_line = trim(&block[..line_end]);
    let status = parse_status(status_line).ok_or_else(|| {
        let shown = String::from_utf8_lossy(&status_line[..status_line.len().min(60)]);
        format!("not an HTTP status line: {shown:?}")
    })?;
    let head_len = super::warc::header::header_len(block).unwrap_or(block.len());
    let mut r = HttpResponse {
        status,
        content_type: None,
        transfer_encoding: None,
        content_encoding: None,
        x_robots_tag: None,
        tdm_reservation: None,
        body: &block[head_len..],
    };
    for line in block[line_end.min(head_len)..head_len].split(|&c| c == b'\n') {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let (name, value) = (trim(&line[..colon]), trim(&line[colon + 1..]));
        let slot = if name.eq_ignore_ascii_case(b"Content-Type") {
            &mut r.content_type
        } else if name.eq_ignore_ascii_case(b"Transfer-Encoding") {
            &mut r.transfer_encoding
        } else if name.eq_ignore_ascii_case(b"Content-Encoding") {
            &mut r.content_encoding
        } else if name.eq_ignore_ascii_case(b"X-Robots-Tag") {
            &mut r.x_robots_tag
        } else if name.eq_ignore_ascii_case(b"tdm-reservation") {
            &mut r.tdm_reservation
        } else {
            continue;
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    Ok(r)
}

/// `HTTP/1.1 200 OK` -> 200. Also accepts `HTTP/2 200` and a missing reason phrase.
fn parse_status(line: &[u8]) -> Option<u16> {
    if line.len() < 10 || !line[..5].eq_ignore_ascii_case(b"HTTP/") {
        return None;
    }
    let sp = memchr::memchr(b' ', line)?;
    let code = trim(&line[sp..]).get(..3)?;
    if !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')))
}

/// The payload with transfer- and content-encodings undone, plus notes on repairs made.
/// `max` bounds the decoded size (a decompression bomb becomes `ingest.record_too_large`).
pub fn decode_body<'a>(
    r: &HttpResponse<'a>,
    max: u64,
    notes: &mut Vec<&'static str>,
) -> Result<Cow<'a, [u8]>, BodyError> {
    let mut body: Cow<'a, [u8]> = Cow::Borrowed(r.body);
    if r.transfer_encoding
        .is_some_and(|te| contains_token(te, b"chunked"))
    {
        match dechunk(r.body) {
            Some((data, complete)) => {
                if !complete {
                    notes.push("chunked body cut short");
                }
                body = Cow::Owned(data);
            }
            None => notes.push("chunked header over an unchunked body"),
        }
    }
    let Some(ce) = r.content_encoding else {
        return Ok(body);
    };
    // Codings are listed in the order they were applied: undo them from the last.
    for coding in ce.rsplit(|&c| c == b',').map(trim) {
        let lower = coding.to_ascii_lowercase();
        body = match lower.as_slice() {
            b"" | b"identity" | b"none" => body,
            b"gzip" | b"x-gzip" => inflate(body, Codec::Gzip, max, notes)?,
            b"deflate" => inflate(body, Codec::Deflate, max, notes)?,
            other => {
                return Err(BodyError {
                    reason: SkipReason::UnsupportedEncoding,
                    detail: format!(
                        "content-encoding {:?} is not supported",
                        String::from_utf8_lossy(other)
                    ),
                })
            }
        };
    }
    Ok(body)
}

fn contains_token(list: &[u8], token: &[u8]) -> bool {
    list.split(|&c| c == b',')
        .any(|t| trim(t).eq_ignore_ascii_case(token))
}

/// Undoes chunked transfer-encoding. `None` if the body does not start with a chunk-size line
/// (stored already de-chunked); otherwise the data and whether the terminating chunk was seen.
pub fn dechunk(b: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut out = Vec::with_capacity(b.len());
    let mut pos = 0;
    let mut first = true;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &b[pos..]) else {
            return (!first).then_some((out, false));
        };
        let line = &b[pos..pos + nl];
        let size_field = trim(line.split(|&c| c == b';').next().unwrap_or_default());
        let Some(size) = parse_hex(size_field) else {
            return (!first).then_some((out, false));
        };
        first = false;
        pos += nl + 1;
        if size == 0 {
            return Some((out, true));
        }
        let avail = b.len() - pos;
        if size > avail as u64 {
            out.extend_from_slice(&b[pos..]);
            return Some((out, false));
        }
        let size = size as usize;
        out.extend_from_slice(&b[pos..pos + size]);
        pos += size;
        if b[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if b[pos..].starts_with(b"\n") {
            pos += 1;
        } else {
            // The size lied: what follows is not a chunk boundary.
            out.extend_from_slice(&b[pos..]);
            return Some((out, false));
        }
    }
}

fn parse_hex(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    b.iter().try_fold(0u64, |n, &c| {
        let d = (c as char).to_digit(16)?;
        Some(n * 16 + u64::from(d))
    })
}

#[derive(Clone, Copy)]
enum Codec {
    Gzip,
    Deflate,
}

fn inflate<'a>(
    body: Cow<'a, [u8]>,
    codec: Codec,
    max: u64,
    notes: &mut Vec<&'static str>,
) -> Result<Cow<'a, [u8]>, BodyError> {
    let data: &[u8] = &body;
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(max as usize));
    let result = match codec {
        Codec::Gzip if !data.starts_with(b"\x1f\x8b") => {
            notes.push("gzip content-encoding over a body stored decoded");
            return Ok(body);
        }
        Codec::Gzip => flate2::read::MultiGzDecoder::new(data)
            .take(max + 1)
            .read_to_end(&mut out),
        Codec::Deflate => {
            let zlib = flate2::read::ZlibDecoder::new(data)
                .take(max + 1)
                .read_to_end(&mut out);
            if zlib.is_err() && out.is_empty() {
                // Servers often send raw deflate under the `deflate` name.
                flate2::read::DeflateDecoder::new(data)
                    .take(max + 1)
                    .read_to_end(&mut out)
            } else {
                zlib
            }
        }
    };
    if out.len() as u64 > max {
        return Err(BodyError {
            reason: SkipReason::RecordTooLarge,
            detail: format!("content-encoding inflates the payload past {max} bytes"),
        });
    }
    match result {
        Ok(_) => Ok(Cow::Owned(out)),
        Err(_) if !out.is_empty() => {
            notes.push("compressed payload cut short");
            Ok(Cow::Owned(out))
        }
        Err(e) => Err(BodyError {
            reason: SkipReason::BadContentEncoding,
            detail: format!("cannot decode the payload's content-encoding: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    const RESP: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
        Transfer-Encoding: chunked\r\n\r\n5\r\n<p>Ch\r\nb;ext=1\r\ne\xc3\xa9 kay</p>\r\n0\r\n\r\n";

    #[test]
    fn status_headers_and_chunks() {
        let r = parse_response(RESP).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type, Some(&b"text/html; charset=utf-8"[..]));
        let mut notes = vec![];
        let body = decode_body(&r, 1 << 20, &mut notes).unwrap();
        assert_eq!(&*body, "<p>Cheé kay</p>".as_bytes());
        assert!(notes.is_empty());
    }

    #[test]
    fn chunked_header_over_plain_body_is_kept() {
        let r =
            parse_response(b"HTTP/1.0 200 OK\nTransfer-Encoding: chunked\n\n<p>Mba'e</p>").unwrap();
        let mut notes = vec![];
        let body = decode_body(&r, 1 << 20, &mut notes).unwrap();
        assert_eq!(&*body, b"<p>Mba'e</p>");
        assert_eq!(notes, vec!["chunked header over an unchunked body"]);
    }

    #[test]
    fn lying_chunk_size_keeps_the_rest() {
        let (data, complete) = dechunk(b"3\r\nabcdef\r\n0\r\n\r\n").unwrap();
        assert!(!complete);
        assert!(data.starts_with(b"abc"));
    }

    #[test]
    fn gzip_content_encoding_and_truncation() {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all("Imaynalla kashanki? ".repeat(200).as_bytes())
            .unwrap();
        let gz = e.finish().unwrap();
        let block = [
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec(),
            gz.clone(),
        ]
        .concat();
        let r = parse_response(&block).unwrap();
        let mut notes = vec![];
        assert_eq!(decode_body(&r, 1 << 20, &mut notes).unwrap().len(), 4000);
        let cut = &block[..block.len() - gz.len() / 2];
        let r = parse_response(cut).unwrap();
        let body = decode_body(&r, 1 << 20, &mut notes).unwrap();
        assert!(body.starts_with(b"Imaynalla kashanki?") && body.len() < 4000);
        assert_eq!(notes, vec!["compressed payload cut short"]);
        let err = decode_body(&parse_response(&block).unwrap(), 100, &mut notes).unwrap_err();
        assert_eq!(err.reason, "ingest.record_too_large");
    }

    #[test]
    fn brotli_is_unsupported_and_bad_status_rejected() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx").unwrap();
        assert_eq!(
            decode_body(&r, 99, &mut vec![]).unwrap_err().reason,
            SkipReason::UnsupportedEncoding
        );
        assert!(parse_response(b"GET / HTTP/1.1\r\n\r\n").is_err());
        assert_eq!(parse_response(b"HTTP/2 404\r\n\r\n").unwrap().status, 404);
    }
}
