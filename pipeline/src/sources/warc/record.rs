//! One framed WARC record -> a [`SourceItem`]: a document for `response`, `resource` and WET
//! `conversion` records that carry HTML or plain text, a reasoned skip for those that cannot
//! be used, and [`SourceItem::NotDocument`] for every other record type.
//!
//! Document `meta` keys: `warc_version`, `http_status` (response records), `charset` (WHATWG
//! name), `charset_source` (`bom`, `header`, `meta`, `detected`), `charset_declared` (when
//! detection overrode a wrong declaration), `replacement_chars`, `offsets` = `"uncompressed"`
//! (several records in one gzip member), `warc_truncated` (WARC-Truncated), `payload_notes`
//! (repairs: chunking, content-encoding), `format` = `"arc"` (ARC files).
//!
//! Skip reasons decided here: `ingest.http_status`, `ingest.binary_payload`, `ingest.bad_http`,
//! `ingest.undecodable`, `ingest.empty_payload`, `ingest.unsupported_encoding`,
//! `ingest.bad_content_encoding`, `ingest.record_too_large` (decoded payload),
//! `ingest.segmented_record`. The reader adds `ingest.bad_content_length`, `ingest.bad_header`,
//! `ingest.garbage`, `ingest.truncated_record`, `ingest.truncated_gzip`, `ingest.bad_gzip`,
//! `ingest.record_too_large`, `ingest.unsplittable_gzip` and `ingest.io_error`.

use super::header::{trim, WarcHeader};
use crate::sources::charset::{self, Decoded};
use crate::sources::http::{self, HttpResponse};
use crate::sources::SkipReason;
use crate::sources::{Body, Skip, SourceDoc, SourceItem};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A record as the reader framed it: its header, its block, and where it is stored.
pub(crate) struct Framed<'a> {
    pub header: WarcHeader<'a>,
    pub block: &'a [u8],
    pub offset: u64,
    pub length: u64,
    /// `offset`/`length` are positions in the inflated stream (a gzip member holds several records).
    pub uncompressed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Html,
    Text,
}

/// Turns a framed record into what the reader yields. `max` bounds decoded payload sizes.
pub(crate) fn to_item(rec: &Framed, max: u64) -> SourceItem {
    let h = &rec.header;
    let t = h.warc_type;
    let is = |name: &[u8]| t.eq_ignore_ascii_case(name);
    if !(is(b"response") || is(b"resource") || is(b"conversion")) {
        return SourceItem::NotDocument {
            offset: rec.offset,
            kind: kind_name(t),
        };
    }
    // Crawler bookkeeping stored as responses and resources: DNS lookups (Heritrix) and
    // crawl logs or settings (wget's `metadata://` resources). Counted, never ledgered.
    let uri = h.target_uri.map(trim).unwrap_or_default();
    if starts_with_ci(uri, b"dns:") || starts_with_ci(uri, b"metadata:") {
        let scheme = if starts_with_ci(uri, b"dns:") {
            "dns"
        } else {
            "metadata"
        };
        return SourceItem::NotDocument {
            offset: rec.offset,
            kind: format!("{}:{scheme}", kind_name(t)),
        };
    }
    if let Some(n) = h.segment_number {
        return skip(
            rec,
            SkipReason::SegmentedRecord,
            format!(
                "record is segment {} of a segmented payload; segments are not joined",
                String::from_utf8_lossy(n)
            ),
        );
    }
    let url = h.target_uri.map(clean_uri);
    let mut meta = Map::new();
    let result = if is(b"response") && starts_with_ci(rec.block, b"HTTP/") {
        http_document(rec, url.as_deref(), max, &mut meta)
    } else if is(b"response")
        && h.content_type
            .is_some_and(|ct| starts_with_ci(ct, b"application/http"))
    {
        Err((
            SkipReason::BadHttp,
            "response record does not start with an HTTP status line".into(),
        ))
    } else {
        let is_conversion = is(b"conversion");
        payload_document(rec.block, h.content_type, is_conversion, url.as_deref())
            .map(|(kind, decoded)| (kind, decoded, Vec::new()))
    };
    match result {
        Ok((kind, decoded, notes)) => {
            SourceItem::Doc(document(rec, url, kind, decoded, notes, meta))
        }
        Err((reason, detail)) => {
            let detail = match &url {
                Some(u) => format!("{detail} ({u})"),
                None => detail,
            };
            skip(rec, reason, detail)
        }
    }
}

type Outcome = Result<(Kind, Decoded, Vec<&'static str>), (SkipReason, String)>;

/// A `response` record holding an HTTP response.
fn http_document(
    rec: &Framed,
    url: Option<&str>,
    max: u64,
    meta: &mut Map<String, Value>,
) -> Outcome {
    let resp: HttpResponse =
        http::parse_response(rec.block).map_err(|e| (SkipReason::BadHttp, e))?;
    meta.insert("http_status".into(), Value::from(resp.status));
    // Opt-out headers travel in meta to ingest's consent check (`stages/ingest/convert.rs`).
    for (key, value) in [
        ("x_robots_tag", resp.x_robots_tag),
        ("tdm_reservation", resp.tdm_reservation),
    ] {
        if let Some(v) = value {
            meta.insert(
                key.into(),
                Value::from(String::from_utf8_lossy(v).into_owned()),
            );
        }
    }
    if !(200..300).contains(&resp.status) {
        return Err((
            SkipReason::HttpStatus,
            format!("HTTP status {}", resp.status),
        ));
    }
    let ct = resp.content_type.or(rec.header.identified_payload_type);
    let declared = declared_kind(ct).map_err(|e| (SkipReason::BinaryPayload, e))?;
    let mut notes = Vec::new();
    let body = http::decode_body(&resp, max, &mut notes).map_err(|e| (e.reason, e.detail))?;
    let (kind, decoded) = decode_payload(&body, declared, resp.content_type, url)?;
    Ok((kind, decoded, notes))
}

/// A `resource` or `conversion` record (or a `response` stored without HTTP headers): the block
/// is the payload and the WARC Content-Type describes it.
fn payload_document(
    block: &[u8],
    ct: Option<&[u8]>,
    conversion: bool,
    url: Option<&str>,
) -> Result<(Kind, Decoded), (SkipReason, String)> {
    // WET conversion records are plain text even when the Content-Type is missing.
    let declared = match (conversion, ct) {
        (true, None) => Some(Kind::Text),
        _ => declared_kind(ct).map_err(|e| (SkipReason::BinaryPayload, e))?,
    };
    decode_payload(block, declared, ct, url)
}

fn decode_payload(
    body: &[u8],
    declared: Option<Kind>,
    ct: Option<&[u8]>,
    url: Option<&str>,
) -> Result<(Kind, Decoded), (SkipReason, String)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err((
            SkipReason::EmptyPayload,
            format!("payload of {} bytes has no text", body.len()),
        ));
    }
    let kind = match declared {
        Some(k) => k,
        None if looks_like_html(body) => Kind::Html,
        None => {
            return Err((
                SkipReason::BinaryPayload,
                "no content type and not HTML".into(),
            ))
        }
    };
    let decoded = charset::decode(body, ct, kind == Kind::Html, url)
        .map_err(|e| (SkipReason::Undecodable, e))?;
    Ok((kind, decoded))
}

/// The document kind a Content-Type names: `Ok(None)` when there is none to go by.
fn declared_kind(ct: Option<&[u8]>) -> Result<Option<Kind>, String> {
    let Some(ct) = ct else { return Ok(None) };
    let essence = trim(ct.split(|&c| c == b';').next().unwrap_or_default());
    let eq = |s: &[u8]| essence.eq_ignore_ascii_case(s);
    if eq(b"text/html") || eq(b"application/xhtml+xml") || eq(b"application/vnd.wap.xhtml+xml") {
        Ok(Some(Kind::Html))
    } else if eq(b"text/plain") {
        Ok(Some(Kind::Text))
    } else if essence.is_empty() || eq(b"unknown/unknown") || eq(b"application/unknown") {
        Ok(None)
    } else {
        Err(format!("content type {}", String::from_utf8_lossy(essence)))
    }
}

/// Whether an undeclared payload starts like an HTML page.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 512)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<!--",
        b"<title",
        b"<meta",
    ]
    .iter()
    .any(|p| starts_with_ci(head, p))
}

fn document(
    rec: &Framed,
    url: Option<String>,
    kind: Kind,
    decoded: Decoded,
    notes: Vec<&'static str>,
    mut meta: Map<String, Value>,
) -> SourceDoc {
    let h = &rec.header;
    meta.insert("warc_version".into(), lossy(h.version).into());
    meta.insert("charset".into(), decoded.encoding.name().into());
    meta.insert("charset_source".into(), decoded.source.as_str().into());
    meta.insert("replacement_chars".into(), decoded.replacements.into());
    if let Some(declared) = decoded.overridden {
        meta.insert("charset_declared".into(), declared.name().into());
    }
    if rec.uncompressed {
        meta.insert("offsets".into(), "uncompressed".into());
    }
    if let Some(t) = h.truncated {
        meta.insert("warc_truncated".into(), lossy(t).into());
    }
    if !notes.is_empty() {
        meta.insert("payload_notes".into(), notes.join("; ").into());
    }
    let (content_type, body) = match kind {
        Kind::Html => ("warc/html", Body::Html(decoded.text)),
        Kind::Text => ("warc/text", Body::Text(decoded.text)),
    };
    SourceDoc {
        offset: rec.offset,
        length: rec.length,
        url,
        record_id: h.record_id.map(lossy),
        date: h.date.map(lossy),
        payload_digest: h.payload_digest.map(lossy),
        content_type,
        title: None,
        body,
        meta,
        licence: None,
        country: None,
    }
}

fn skip(rec: &Framed, reason: SkipReason, detail: String) -> SourceItem {
    SourceItem::Skip(Skip {
        offset: rec.offset,
        length: rec.length,
        reason,
        detail,
    })
}

/// The record type as a lower-case name for counting (`unknown` when missing).
fn kind_name(t: &[u8]) -> String {
    if t.is_empty() {
        return "unknown".into();
    }
    String::from_utf8_lossy(t).to_ascii_lowercase()
}

/// WARC-Target-URI as a URL: trimmed, `<...>` of WARC 1.0 drafts removed, spaces escaped.
pub(crate) fn clean_uri(raw: &[u8]) -> String {
    let mut s = String::new();
    clean_uri_into(raw, &mut s);
    s
}

/// [`clean_uri`] appending to `out`.
pub(crate) fn clean_uri_into(raw: &[u8], out: &mut String) {
    let t = trim(raw);
    let t = t
        .strip_prefix(b"<")
        .and_then(|r| r.strip_suffix(b">"))
        .unwrap_or(t);
    for chunk in trim(t).utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == ' ' {
                out.push_str("%20");
            } else {
                out.push(c);
            }
        }
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

fn lossy(b: &[u8]) -> String {
    match String::from_utf8_lossy(b) {
        Cow::Borrowed(s) => s.to_owned(),
        Cow::Owned(s) => s,
    }
}

fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::super::header as warc_header;
    use super::*;

    fn item(raw: &[u8]) -> SourceItem {
        let hl = warc_header::header_len(raw).unwrap();
        let rec = Framed {
            header: warc_header::parse(&raw[..hl]),
            block: &raw[hl..],
            offset: 7,
            length: raw.len() as u64,
            uncompressed: false,
        };
        to_item(&rec, 1 << 20)
    }

    fn skip_reason(i: SourceItem) -> String {
        match i {
            SourceItem::Skip(s) => s.reason.to_string(),
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    #[test]
    fn response_html_document() {
        let i = item(b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: <http://ejemplo.bo/wiphala>\r\n\
            WARC-Record-ID: <urn:uuid:1>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n\
            <p>Jallalla, se\xf1ora</p>");
        let SourceItem::Doc(d) = i else {
            panic!("{i:?}")
        };
        assert_eq!(d.url.as_deref(), Some("http://ejemplo.bo/wiphala"));
        assert_eq!(d.content_type, "warc/html");
        assert_eq!(d.body, Body::Html("<p>Jallalla, señora</p>".into()));
        assert_eq!(d.meta["http_status"], 200);
        assert_eq!(d.meta["charset"], "windows-1252");
        assert_eq!(d.meta["charset_source"], "header");
        assert_eq!(d.record_id.as_deref(), Some("<urn:uuid:1>"));
    }

    #[test]
    fn non_2xx_binary_and_types() {
        let r404 = item(b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>");
        assert_eq!(skip_reason(r404), "ingest.http_status");
        let png = item(b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG");
        assert_eq!(skip_reason(png), "ingest.binary_payload");
        let dns = item(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: dns:ejemplo.bo\r\n\r\n20240101 1.2.3.4");
        assert_eq!(
            dns,
            SourceItem::NotDocument {
                offset: 7,
                kind: "response:dns".into()
            }
        );
        let req = item(b"WARC/1.0\r\nWARC-Type: Request\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        assert_eq!(
            req,
            SourceItem::NotDocument {
                offset: 7,
                kind: "request".into()
            }
        );
    }

    #[test]
    fn wet_conversion_and_resource() {
        let wet = item("WARC/1.0\r\nWARC-Type: conversion\r\nContent-Type: text/plain\r\n\r\nAllillanchu, tayta.".as_bytes());
        let SourceItem::Doc(d) = wet else { panic!() };
        assert_eq!(
            (d.content_type, d.body),
            ("warc/text", Body::Text("Allillanchu, tayta.".into()))
        );
        let res = item(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\n\r\n<html>Mba'\xc3\xa9ichapa</html>");
        let SourceItem::Doc(d) = res else { panic!() };
        assert_eq!(d.body, Body::Html("<html>Mba'éichapa</html>".into()));
    }

    #[test]
    fn undecodable_and_empty_payloads() {
        let bin = item(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/plain\r\n\r\n\x00\x01\x02\x03\x04\x05ab");
        assert_eq!(skip_reason(bin), "ingest.undecodable");
        let empty = item(b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        assert_eq!(skip_reason(empty), "ingest.empty_payload");
    }

    #[test]
    fn uri_cleaning() {
        assert_eq!(clean_uri(b" <http://a.pe/x> "), "http://a.pe/x");
        assert_eq!(
            clean_uri(b"file:///con espacios.png"),
            "file:///con%20espacios.png"
        );
    }
}
