//! Which character set a payload is in, and its text as UTF-8.
//!
//! Order, as the WHATWG encoding-sniffing algorithm has it: a byte-order mark wins (it cannot
//! be there by accident, while HTTP headers are often wrong), then the charset of the
//! Content-Type header, then a `<meta charset>` / `http-equiv` declaration in the first 4 KB of
//! HTML, then detection: valid UTF-8 is taken as UTF-8, anything else goes to `chardetng` with
//! the URL's top-level domain as a hint. A page declared UTF-8 whose bytes are mostly not is
//! re-detected. Text that is mostly control or replacement characters is rejected.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into HTML the `<meta>` declaration is looked for.
const META_SCAN: usize = 4096;
/// How many bytes detection looks at.
const DETECT_SCAN: usize = 64 * 1024;

/// Where the character set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    Bom,
    Header,
    Meta,
    Detected,
}

impl CharsetSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Header => "header",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// A payload decoded to UTF-8.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub source: CharsetSource,
    /// U+FFFD characters that decoding put in for bytes it could not map.
    pub replacements: usize,
    /// The declared charset when detection overrode it.
    pub overridden: Option<&'static Encoding>,
}

/// Decodes `bytes`. `content_type` is the HTTP (or WARC) Content-Type value, `html` enables
/// the `<meta>` scan, `url` gives detection its TLD hint. `Err` carries why the payload is
/// not text (for `ingest.undecodable`).
pub fn decode(
    bytes: &[u8],
    content_type: Option<&[u8]>,
    html: bool,
    url: Option<&str>,
) -> Result<Decoded, String> {
    let (encoding, source, body) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom, &bytes[bom_len..])
    } else if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        (enc, CharsetSource::Header, bytes)
    } else if let Some(enc) = html.then(|| meta_charset(bytes)).flatten() {
        (enc, CharsetSource::Meta, bytes)
    } else if Encoding::utf8_valid_up_to(bytes) == bytes.len() {
        (UTF_8, CharsetSource::Detected, bytes)
    } else {
        (detect(bytes, url), CharsetSource::Detected, bytes)
    };
    let (mut text, mut replacements) = decode_with(encoding, body);
    let mut d = Decoded {
        text: String::new(),
        encoding,
        source,
        replacements,
        overridden: None,
    };
    if encoding == UTF_8 && source != CharsetSource::Detected && many(replacements, body.len()) {
        let guess = detect(body, url);
        if guess != UTF_8 {
            let (t, r) = decode_with(guess, body);
            if r < replacements {
                (text, replacements) = (t, r);
                d.overridden = Some(encoding);
                d.encoding = guess;
                d.source = CharsetSource::Detected;
                d.replacements = r;
            }
        }
    }
    check_text(&text, replacements)?;
    d.text = text;
    Ok(d)
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let replacements = if had_errors {
        memchr::memmem::find_iter(text.as_bytes(), "\u{FFFD}".as_bytes()).count()
    } else {
        0
    };
    (text.into_owned(), replacements)
}

/// More than one bad character in a hundred (and more than a stray few).
fn many(bad: usize, len: usize) -> bool {
    bad > 8 && bad * 100 > len
}

/// Rejects text that is mostly binary: more than 10% control or replacement characters.
fn check_text(text: &str, replacements: usize) -> Result<(), String> {
    let (controls, continuation) = count_bytes(text.as_bytes());
    let chars = text.len() - continuation;
    let bad = controls + replacements;
    if chars > 0 && bad * 10 > chars {
        return Err(format!(
            "{bad} of {chars} characters are control or undecodable bytes"
        ));
    }
    Ok(())
}

/// Control bytes other than tab, LF, FF and CR, and UTF-8 continuation bytes. Counted in
/// short blocks with `u8` sums so the loop vectorises: this runs over every payload.
fn count_bytes(b: &[u8]) -> (usize, usize) {
    let (mut controls, mut continuation) = (0usize, 0usize);
    for block in b.chunks(255) {
        let (mut c, mut k) = (0u8, 0u8);
        for &x in block {
            let ws = (x == b'\t') | (x == b'\n') | (x == 0x0c) | (x == b'\r');
            c += u8::from((x < 0x20) & !ws);
            k += u8::from((x & 0xc0) == 0x80);
        }
        controls += usize::from(c);
        continuation += usize::from(k);
    }
    (controls, continuation)
}

/// The `charset=` parameter of a Content-Type value.
pub fn charset_param(content_type: &[u8]) -> Option<&[u8]> {
    let lower_at = find_ci(content_type, b"charset")?;
    let rest = &content_type[lower_at + 7..];
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&c| matches!(c, b';' | b'"' | b'\'' | b',') || c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// An encoding label as the web uses it (WHATWG names and aliases).
fn label(l: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_label(l)
}

/// The charset declared by `<meta charset>` or `<meta http-equiv="content-type" content=...>`
/// in the first [`META_SCAN`] bytes, with the WHATWG adjustments (UTF-16 means UTF-8,
/// x-user-defined means windows-1252).
pub fn meta_charset(html: &[u8]) -> Option<&'static Encoding> {
    let head = &html[..html.len().min(META_SCAN)];
    let mut pos = 0;
    while let Some(i) = memchr::memchr(b'<', &head[pos..]) {
        pos += i + 1;
        let rest = &head[pos..];
        if rest.starts_with(b"!--") {
            pos += memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.len() < 5 || !rest[..4].eq_ignore_ascii_case(b"meta") {
            continue;
        }
        if !(rest[4].is_ascii_whitespace() || rest[4] == b'/') {
            continue;
        }
        let tag_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        if let Some(enc) = meta_tag_charset(&rest[4..tag_end]) {
            return Some(match enc.name() {
                "UTF-16LE" | "UTF-16BE" => UTF_8,
                "x-user-defined" => WINDOWS_1252,
                _ => enc,
            });
        }
        pos += tag_end;
    }
    None
}

/// Reads the attributes of one `<meta ...>` tag.
fn meta_tag_charset(attrs: &[u8]) -> Option<&'static Encoding> {
    let (mut content, mut http_equiv_ct) = (None, false);
    let mut p = 0;
    while p < attrs.len() {
        while p < attrs.len() && (attrs[p].is_ascii_whitespace() || attrs[p] == b'/') {
            p += 1;
        }
        let name_start = p;
        while p < attrs.len() && !matches!(attrs[p], b'=' | b' ' | b'\t' | b'\n' | b'\r' | b'/') {
            p += 1;
        }
        let name = &attrs[name_start..p];
        while p < attrs.len() && attrs[p].is_ascii_whitespace() {
            p += 1;
        }
        let mut value: &[u8] = b"";
        if p < attrs.len() && attrs[p] == b'=' {
            p += 1;
            while p < attrs.len() && attrs[p].is_ascii_whitespace() {
                p += 1;
            }
            let (start, end) = match attrs.get(p) {
                Some(&q @ (b'"' | b'\'')) => {
                    let s = p + 1;
                    let e = memchr::memchr(q, &attrs[s..]).map_or(attrs.len(), |e| s + e);
                    p = (e + 1).min(attrs.len());
                    (s, e)
                }
                _ => {
                    let s = p;
                    while p < attrs.len() && !attrs[p].is_ascii_whitespace() {
                        p += 1;
                    }
                    (s, p)
                }
            };
            value = &attrs[start..end];
        }
        if name.is_empty() {
            p += 1;
        } else if name.eq_ignore_ascii_case(b"charset") {
            return label(value);
        } else if name.eq_ignore_ascii_case(b"content") {
            content = Some(value);
        } else if name.eq_ignore_ascii_case(b"http-equiv") {
            http_equiv_ct = value.eq_ignore_ascii_case(b"content-type");
        }
    }
    if http_equiv_ct {
        return content.and_then(charset_param).and_then(label);
    }
    None
}

/// Guesses the encoding of bytes that are not valid UTF-8.
fn detect(bytes: &[u8], url: Option<&str>) -> &'static Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    let whole = bytes.len() <= DETECT_SCAN;
    det.feed(&bytes[..bytes.len().min(DETECT_SCAN)], whole);
    let tld = url.and_then(tld_of);
    det.guess(tld.as_deref(), Utf8Detection::Allow)
}

/// The lower-case ASCII top-level domain of a URL's host (chardetng's hint), if it has one.
fn tld_of(url: &str) -> Option<Vec<u8>> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let host = &after_scheme[..host_end];
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.');
    let tld = host.rsplit('.').next()?.to_ascii_lowercase();
    let ok = !tld.is_empty()
        && tld
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !tld.bytes().all(|c| c.is_ascii_digit());
    ok.then(|| tld.into_bytes())
}

/// Case-insensitive search for an ASCII needle.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_decodes_latin1() {
        let d = decode(
            b"<p>Ma\xf1ana, a\xe7\xe3o</p>",
            Some(b"text/html; charset=ISO-8859-1"),
            true,
            None,
        )
        .unwrap();
        assert_eq!(d.text, "<p>Mañana, ação</p>");
        assert_eq!(d.source, CharsetSource::Header);
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn bom_wins_over_header() {
        let d = decode(
            b"\xef\xbb\xbfAllinllachu",
            Some(b"text/plain; charset=windows-1252"),
            false,
            None,
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.source),
            ("Allinllachu", CharsetSource::Bom)
        );
    }

    #[test]
    fn meta_declarations() {
        let html = b"<!-- <meta charset=koi8-r> --><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-15'><p>\xa4";
        let d = decode(html, Some(b"text/html"), true, None).unwrap();
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.ends_with("<p>€"));
        assert_eq!(meta_charset(b"<META CHARSET=\"utf-16\">"), Some(UTF_8));
        assert_eq!(meta_charset(b"<metadata charset=latin1>"), None);
    }

    #[test]
    fn detection_for_undeclared_bytes() {
        let utf8 = decode("Ñandejára ñe'ẽ".as_bytes(), None, true, None).unwrap();
        assert_eq!(
            (utf8.encoding, utf8.source),
            (UTF_8, CharsetSource::Detected)
        );
        let latin = "Eu não sei o que é a saudade, mas a canção é bonita e o coração também.";
        let (bytes, _, _) = WINDOWS_1252.encode(latin);
        let d = decode(&bytes, None, false, Some("http://exemplo.com.br/x")).unwrap();
        assert_eq!(d.text, latin);
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn declared_utf8_that_is_latin1_is_redetected() {
        let latin =
            "Corazón, canción, jamás, también, ñandú, acción, razón, pasión, nación, visión. "
                .repeat(3);
        let (bytes, _, _) = WINDOWS_1252.encode(&latin);
        let d = decode(&bytes, Some(b"text/html;charset=utf-8"), true, None).unwrap();
        assert_eq!(d.text, latin);
        assert_eq!(d.overridden, Some(UTF_8));
    }

    #[test]
    fn binary_is_undecodable() {
        let png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        assert!(decode(png, Some(b"text/html"), true, None).is_err());
    }

    #[test]
    fn tld_hint() {
        assert_eq!(
            tld_of("http://Noticias.Gob.PE:8080/a"),
            Some(b"pe".to_vec())
        );
        assert_eq!(tld_of("http://10.0.0.1/"), None);
        assert_eq!(tld_of("http://ñandu.xn--p1ai/"), Some(b"xn--p1ai".to_vec()));
        assert_eq!(tld_of("http://ñandú/"), None);
    }
}
