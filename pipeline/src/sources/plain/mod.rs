//! Plain document files: `.txt`, `.md` and `.html`, each file one document.
//!
//! The file is decoded (UTF-8; else a BOM, a declared charset or windows-1252, see
//! [`super::doc_decode`]), and for txt/md normalised to minga's text form: `\n` line endings,
//! paragraphs separated by one blank line, no trailing spaces, no stray control characters.
//! Markdown markup is reduced to text and its YAML front matter goes to `meta`. HTML is passed on
//! untouched as [`Body::Html`]; main-content extraction happens later in ingest.

pub mod markdown;

use crate::sources::{skip, SkipReason};
use std::path::Path;

use serde_json::{Map, Value};

use super::doc_decode::{choose_encoding, decode_all, fix_c1_controls, scan_bytes};
use super::error::SourceError;
use super::tei::header::country_code;
use super::{Body, SourceDoc, SourceItem};
use markdown::{markdown_to_text, split_front_matter};

/// Which kind of plain document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainKind {
    Txt,
    Md,
    Html,
}

impl PlainKind {
    /// The `content_type` column value.
    pub fn content_type(self) -> &'static str {
        match self {
            PlainKind::Txt => "txt",
            PlainKind::Md => "md",
            PlainKind::Html => "html",
        }
    }
}

/// Longest first line taken as a title, in characters.
const TITLE_MAX_CHARS: usize = 150;

/// Reads one txt/md/html file as one document. An empty file gives no items; a file over
/// `max_bytes`, binary data or a file with no text gives one [`SourceItem::Skip`]
/// (`ingest.record_too_large`, `ingest.undecodable`, `ingest.no_text`). I/O failures are errors.
pub fn read_plain(
    path: &Path,
    kind: PlainKind,
    max_bytes: u64,
) -> Result<Vec<SourceItem>, SourceError> {
    Ok(match super::read_whole_file(path, max_bytes)? {
        super::WholeFile::Bytes(bytes) => vec![document(&bytes, kind)],
        super::WholeFile::Done(items) => items,
    })
}

/// Turns the bytes of a whole file into a document or a skip.
fn document(bytes: &[u8], kind: PlainKind) -> SourceItem {
    let stats = scan_bytes(bytes);
    if stats.is_garbage() && encoding_rs::Encoding::for_bom(bytes).is_none() {
        let detail = format!(
            "{:.1}% of bytes are control characters: binary data, not text",
            stats.garbage_ratio() * 100.0
        );
        return skip(0, SkipReason::Undecodable, detail);
    }
    let declared = match kind {
        PlainKind::Html => html_charset(bytes),
        _ => None,
    };
    let choice = choose_encoding(bytes, declared.as_deref(), &stats);
    let (mut text, replaced) = decode_all(bytes, &choice);
    let mut meta = Map::new();
    if choice.how != "utf-8" && choice.how != "bom" {
        let name = choice.encoding.name().to_ascii_lowercase();
        meta.insert("encoding".into(), Value::String(name));
        meta.insert("encoding_from".into(), Value::String(choice.how.into()));
    }
    let count = |meta: &mut Map<String, Value>, key: &str, n: u64| {
        if n > 0 {
            meta.insert(key.into(), Value::from(n));
        }
    };
    count(&mut meta, "replaced_chars", replaced);
    let (body, title, licence, country) = match kind {
        PlainKind::Html => (Body::Html(text), None, None, None),
        PlainKind::Txt | PlainKind::Md => {
            count(&mut meta, "c1_controls_fixed", fix_c1_controls(&mut text));
            let (removed, normalised) = normalise(&text);
            count(&mut meta, "control_chars_removed", removed);
            let (text, title, licence, country) = match kind {
                PlainKind::Md => markdown_doc(&normalised, &mut meta),
                _ => {
                    let title = title_line(&normalised);
                    (normalised, title, None, None)
                }
            };
            if text.is_empty() {
                return skip(0, SkipReason::NoText, "only whitespace or markup".into());
            }
            (Body::Text(text), title, licence, country)
        }
    };
    SourceItem::Doc(SourceDoc {
        offset: 0,
        length: bytes.len() as u64,
        url: None,
        record_id: None,
        date: None,
        payload_digest: None,
        content_type: kind.content_type(),
        title,
        body,
        meta,
        licence,
        country,
    })
}

type MdParts = (String, Option<String>, Option<String>, Option<String>);

/// Markdown: front matter to meta (title, licence and country also to their columns).
fn markdown_doc(text: &str, meta: &mut Map<String, Value>) -> MdParts {
    let (front, rest) = split_front_matter(text);
    let (body, heading) = markdown_to_text(rest);
    let (_, body) = normalise(&body);
    let field = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| front.get(*k).and_then(Value::as_str))
            .map(str::to_string)
            .filter(|v| !v.is_empty())
    };
    let title = field(&["title"]).or(heading);
    let licence = field(&["licence", "license"]);
    let country = field(&["country"]).and_then(|c| {
        if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            Some(c.to_ascii_uppercase())
        } else {
            country_code(&c).map(str::to_string)
        }
    });
    for (k, v) in front {
        meta.entry(k).or_insert(v);
    }
    (body, title, licence, country)
}

/// Normalises line endings and blank lines; drops C0 controls other than tab and newline.
/// Returns how many control characters were removed, and the text.
fn normalise(text: &str) -> (u64, String) {
    let mut removed = 0;
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let is_control = |c: char| (c as u32) < 0x20 && c != '\t';
    let text: std::borrow::Cow<str> = if text.contains(['\r', '\x0c']) {
        let unix = text.replace("\r\n", "\n").replace('\r', "\n");
        unix.replace('\x0c', "\n\n").into()
    } else {
        text.into()
    };
    for line in text.split('\n') {
        let kept: std::borrow::Cow<str> = if line.bytes().any(|b| b < 0x20 && b != b'\t') {
            removed += line.chars().filter(|c| is_control(*c)).count() as u64;
            line.chars()
                .filter(|c| !is_control(*c))
                .collect::<String>()
                .into()
        } else {
            line.into()
        };
        let kept = kept.trim_end();
        if kept.trim_start().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(kept);
    }
    (removed, out)
}

/// The first line when it reads like a title: alone in its paragraph, short, with letters, and
/// not ending like a sentence or a clause.
fn title_line(text: &str) -> Option<String> {
    let first_para = text.split("\n\n").next()?;
    if first_para.contains('\n') {
        return None;
    }
    let line = first_para.trim();
    let chars = line.chars().count();
    let ends_clause = line.ends_with(['.', ',', ';', ':']) && !line.ends_with("...");
    let has_letters = line.chars().any(char::is_alphabetic);
    (chars <= TITLE_MAX_CHARS && has_letters && !ends_clause && text.len() > line.len())
        .then(|| line.to_string())
}

/// The charset an HTML file declares in its first 1024 bytes (`<meta charset>` or
/// `http-equiv` content, or an XML declaration).
fn html_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = lower.find("charset").or_else(|| lower.find("encoding"))?;
    let rest = lower[at..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let rest = rest.trim_start().strip_prefix('=')?;
    let rest = rest.trim_start().trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests;
