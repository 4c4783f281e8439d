//! Telling a file's format by its first bytes, for `format = "auto"` files whose extension is
//! missing or ambiguous (`.zip`, `.xml`, `.txt` subtitles saved under another name).
//!
//! Only the first [`SNIFF_BYTES`] are read. Zip containers are told by their first local entry:
//! ODT and EPUB store an uncompressed `mimetype` entry first (both specifications require it);
//! DOCX has no such entry but names `[Content_Types].xml` and `word/` parts near the start.

use std::fs::File;
use std::io::Read;
use std::path::Path;

// Content tells one of Docx, Odt, Epub, Srt, Vtt, Eaf and Pdf, named as the config names them.
use crate::config::Format;

/// How many leading bytes are looked at.
pub const SNIFF_BYTES: usize = 4096;

/// The first bytes of `path` (fewer when the file is shorter; none when it cannot be read).
pub fn head(path: &Path) -> Vec<u8> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let read = File::open(path).and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head));
    if read.is_err() {
        head.clear();
    }
    head
}

/// Sniffs the format of `path` from its first bytes.
pub fn sniff_file(path: &Path) -> Option<Format> {
    sniff(&head(path))
}

/// Sniffs a format from the first bytes of a file.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"PK\x03\x04") {
        return sniff_zip(head);
    }
    // PDF allows junk before the header: `%PDF-` anywhere in the first KiB.
    if memchr::memmem::find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Some(Format::Pdf);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if text.starts_with(b"WEBVTT")
        && matches!(text.get(6), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Some(Format::Vtt);
    }
    if memchr::memmem::find(text, b"<ANNOTATION_DOCUMENT").is_some() {
        return Some(Format::Eaf);
    }
    looks_like_srt(text).then_some(Format::Srt)
}

/// ODT/EPUB by the `mimetype` entry, DOCX by its content-types part and `word/` entries.
fn sniff_zip(head: &[u8]) -> Option<Format> {
    // Local file header: name length at 26, extra length at 28, name at 30.
    let name_len = u16::from_le_bytes([*head.get(26)?, *head.get(27)?]) as usize;
    let extra_len = u16::from_le_bytes([*head.get(28)?, *head.get(29)?]) as usize;
    let name = head.get(30..30 + name_len)?;
    if name == b"mimetype" {
        let data = head.get(30 + name_len + extra_len..)?;
        let find = |m: &[u8]| memchr::memmem::find(&data[..data.len().min(80)], m).is_some();
        if find(b"application/epub+zip") {
            return Some(Format::Epub);
        }
        if find(b"application/vnd.oasis.opendocument.text") {
            return Some(Format::Odt);
        }
        return None;
    }
    let has = |m: &[u8]| memchr::memmem::find(head, m).is_some();
    (has(b"[Content_Types].xml") && (has(b"word/") || name.starts_with(b"word/")))
        .then_some(Format::Docx)
}

/// An optional cue number line followed by an SRT timing line (`00:00:01,000 --> ...`).
fn looks_like_srt(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    let timing = if first.bytes().all(|b| b.is_ascii_digit()) {
        lines.next().unwrap_or("")
    } else {
        first
    };
    timing.contains("-->") && timing.split("-->").all(|t| t.trim().contains(','))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_formats_are_sniffed() {
        assert_eq!(
            sniff(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHola"),
            Some(Format::Vtt)
        );
        assert_eq!(sniff(b"\xef\xbb\xbfWEBVTT - charla\n"), Some(Format::Vtt));
        assert_eq!(sniff(b"WEBVTTX\n"), None);
        let srt = b"1\r\n00:00:01,000 --> 00:00:02,500\r\nBuenos d\xedas\r\n";
        assert_eq!(sniff(srt), Some(Format::Srt));
        assert_eq!(sniff(b"1\nuno\n2\n"), None);
        let eaf = b"<?xml version=\"1.0\"?>\n<ANNOTATION_DOCUMENT AUTHOR=\"\">";
        assert_eq!(sniff(eaf), Some(Format::Eaf));
        assert_eq!(sniff(b"PK\x03\x04"), None);
    }
}
