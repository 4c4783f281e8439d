//! WARC record headers: finding where they end and reading the named fields minga uses.
//!
//! Parsed by hand over borrowed bytes rather than with the `warc` crate's parser: that one wants
//! well-formed UTF-8 with CRLF line ends and allocates per field, while real crawls carry
//! Latin-1 bytes in URIs, bare LF line ends and odd spacing, and the reader should allocate
//! nothing for a record it does not keep.

/// The header fields of one record, borrowed from the window.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WarcHeader<'a> {
    pub version: &'a [u8],
    pub warc_type: &'a [u8],
    pub content_length: Option<u64>,
    pub target_uri: Option<&'a [u8]>,
    pub record_id: Option<&'a [u8]>,
    pub date: Option<&'a [u8]>,
    pub payload_digest: Option<&'a [u8]>,
    pub content_type: Option<&'a [u8]>,
    pub identified_payload_type: Option<&'a [u8]>,
    pub truncated: Option<&'a [u8]>,
    pub segment_number: Option<&'a [u8]>,
}

/// Length of the header block at the start of `b` including the empty line that ends it, or
/// `None` if that line is not in `b`. Accepts CRLF and bare LF line ends.
pub(crate) fn header_len(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &b[from..]) {
        let nl = from + i;
        match b.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if b.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            Some(_) => from = nl + 1,
            None => return None,
        }
    }
    None
}

/// Whether `b` starts like a WARC record: `WARC/` and a digit.
pub(crate) fn looks_like_warc(b: &[u8]) -> bool {
    b.len() >= 6 && &b[..5] == b"WARC/" && b[5].is_ascii_digit()
}

/// Parses a header block (as delimited by [`header_len`]). Unknown fields are ignored; a
/// repeated field keeps its first value.
pub(crate) fn parse(block: &[u8]) -> WarcHeader<'_> {
    let mut lines = block.split(|&c| c == b'\n');
    let mut h = WarcHeader {
        version: trim(lines.next().unwrap_or_default()),
        ..WarcHeader::default()
    };
    for line in lines {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let (name, value) = (trim(&line[..colon]), trim(&line[colon + 1..]));
        // Dispatch on the name's length first: most lines are then rejected or matched with
        // one comparison (this runs for every header line of every record).
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        let field = match name.len() {
            14 if is(b"Content-Length") => {
                if h.content_length.is_none() {
                    h.content_length = parse_u64(value);
                }
                continue;
            }
            9 if is(b"WARC-Type") => {
                if h.warc_type.is_empty() {
                    h.warc_type = value;
                }
                continue;
            }
            9 if is(b"WARC-Date") => &mut h.date,
            15 if is(b"WARC-Target-URI") => &mut h.target_uri,
            14 if is(b"WARC-Record-ID") => &mut h.record_id,
            14 if is(b"WARC-Truncated") => &mut h.truncated,
            19 if is(b"WARC-Payload-Digest") => &mut h.payload_digest,
            19 if is(b"WARC-Segment-Number") => &mut h.segment_number,
            12 if is(b"Content-Type") => &mut h.content_type,
            28 if is(b"WARC-Identified-Payload-Type") => &mut h.identified_payload_type,
            _ => continue,
        };
        if field.is_none() {
            *field = Some(value);
        }
    }
    h
}

/// Trims ASCII whitespace (incl. the CR of CRLF) at both ends.
pub(crate) fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// A decimal length; `None` if empty, not all digits, or too large.
pub(crate) fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_end_crlf_and_lf() {
        let h = b"WARC/1.1\r\nWARC-Type: resource\r\n\r\nRimaykullayki";
        assert_eq!(header_len(h), Some(h.len() - 13));
        let h = b"WARC/1.0\nContent-Length: 3\n\nMba";
        assert_eq!(header_len(h), Some(h.len() - 3));
        assert_eq!(header_len(b"WARC/1.0\r\nWARC-Type: x\r\n"), None);
    }

    #[test]
    fn fields_case_insensitive_and_trimmed() {
        let h = parse(
            b"WARC/1.1\r\nwarc-type:  response \r\nCONTENT-LENGTH: 42\r\n\
              WARC-Target-URI: <http://ejemplo.pe/\xc3\xb1awi>\r\nX-Other: y\r\n\r\n",
        );
        assert_eq!(h.version, b"WARC/1.1");
        assert_eq!(h.warc_type, b"response");
        assert_eq!(h.content_length, Some(42));
        assert_eq!(h.target_uri, Some("<http://ejemplo.pe/ñawi>".as_bytes()));
        assert_eq!(h.date, None);
    }

    #[test]
    fn bad_lengths_are_none() {
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"99999999999999999999"), None);
        assert_eq!(parse_u64(b"0"), Some(0));
    }

    #[test]
    fn non_utf8_header_bytes_parse() {
        let h = parse(
            b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://a.py/\xf1and\xfa\r\n\r\n",
        );
        assert_eq!(h.target_uri, Some(&b"http://a.py/\xf1and\xfa"[..]));
    }
}
