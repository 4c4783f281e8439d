//! Readers for the evaluation corpora of `../shared/data` used by the quality examples:
//! langid sentence files grouped into documents, conha19 TEI novels and Machado's works cut
//! into ~4 KB chunks at paragraph boundaries.
#![allow(dead_code)]

use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Target chunk size of the literature documents, in bytes.
pub const CHUNK_BYTES: usize = 4096;

/// `<lang>.txt` files of a directory, sorted by language code.
pub fn lang_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("txt") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                out.push((stem.to_string(), path.clone()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every `<label>.txt` of `dir` as its non-blank lines, sorted by label (the langid data layout).
pub fn label_lines(dir: &Path) -> std::io::Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for (label, path) in lang_files(dir)? {
        let text = fs::read_to_string(&path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        out.push((label, lines));
    }
    Ok(out)
}

/// [`label_lines`] of a directory named on the command line, the error naming it.
pub fn label_lines_of(dir: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    label_lines(Path::new(dir)).map_err(|e| format!("reading {dir}: {e}"))
}

/// Every `<lang>.txt` of `dir` as documents of `group` consecutive lines.
pub fn grouped_docs(dir: &Path, group: usize) -> std::io::Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (lang, path) in lang_files(dir)? {
        let text = fs::read_to_string(&path)?;
        out.insert(
            lang,
            minga_filters::quality::split_reference_docs(&text, group),
        );
    }
    Ok(out)
}

/// Joins paragraphs into chunks of at least `CHUNK_BYTES` (a short remainder joins the last
/// chunk), separated by blank lines as the document schema has them.
pub fn chunk_paragraphs(paragraphs: &[String]) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    let mut cur = String::new();
    for p in paragraphs {
        if !cur.is_empty() {
            cur.push_str("\n\n");
        }
        cur.push_str(p);
        if cur.len() >= CHUNK_BYTES {
            chunks.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        match chunks.last_mut() {
            Some(last) if cur.len() < CHUNK_BYTES / 4 => {
                last.push_str("\n\n");
                last.push_str(&cur);
            }
            _ => chunks.push(cur),
        }
    }
    chunks
}

/// Elements of a TEI `<body>` that end a paragraph.
const TEI_BLOCKS: &[&[u8]] = &[
    b"p",
    b"head",
    b"l",
    b"ab",
    b"item",
    b"trailer",
    b"closer",
    b"salute",
    b"signed",
    b"dateline",
    b"byline",
    b"epigraph",
];

/// The paragraphs of a TEI file's `<body>`: block elements become paragraphs, whitespace
/// inside them collapses to single spaces, notes are left out.
pub fn tei_paragraphs(xml: &str) -> Result<Vec<String>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut paragraphs = Vec::new();
    let mut cur = String::new();
    // Bodies nest (`<floatingText>` holds its own `<body>`), so depth counts.
    let (mut body, mut in_note) = (0usize, 0usize);
    loop {
        match reader.read_event()? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"body" => body += 1,
                b"note" => in_note += 1,
                _ => {}
            },
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"body" => body = body.saturating_sub(1),
                    b"note" => in_note = in_note.saturating_sub(1),
                    n if body > 0 && TEI_BLOCKS.contains(&n) => flush(&mut cur, &mut paragraphs),
                    _ => {}
                }
            }
            Event::Text(t) if body > 0 && in_note == 0 => {
                cur.push_str(&String::from_utf8_lossy(t.as_ref()));
            }
            Event::GeneralRef(r) if body > 0 && in_note == 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    cur.push(c);
                } else {
                    let name: &[u8] = &r;
                    let resolved = match name {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        _ => "",
                    };
                    cur.push_str(resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    flush(&mut cur, &mut paragraphs);
    Ok(paragraphs)
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    let collapsed = cur.split_whitespace().collect::<Vec<_>>().join(" ");
    if !collapsed.is_empty() {
        out.push(collapsed);
    }
    cur.clear();
}

/// conha19 novels: `(file name, chunks)` for every `nh*.xml` of `dir`, sorted.
pub fn conha19_chunks(dir: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("xml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let xml = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let paras = tei_paragraphs(&xml).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push((name.unwrap_or_default(), chunk_paragraphs(&paras)));
    }
    Ok(out)
}

/// Machado's works: `(file name, chunks)` for every `.txt` of `dir`; paragraphs are the
/// blank-line separated blocks, their line breaks kept as in the files.
pub fn machado_chunks(dir: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = text.replace("\r\n", "\n");
        let paras: Vec<String> = text
            .split("\n\n")
            .map(|p| p.trim_matches('\n').trim_end().to_string())
            .filter(|p| !p.trim().is_empty())
            .collect();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push((name.unwrap_or_default(), chunk_paragraphs(&paras)));
    }
    Ok(out)
}

/// Keeps the files at even or odd positions of a sorted `(file, chunks)` list, or all.
pub fn select_part(
    files: Vec<(String, Vec<String>)>,
    part: &str,
) -> Result<Vec<(String, Vec<String>)>, String> {
    let keep = match part {
        "all" => return Ok(files),
        "even" => 0,
        "odd" => 1,
        other => return Err(format!("--part must be all, even or odd, not {other}")),
    };
    Ok(files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == keep)
        .map(|(_, f)| f)
        .collect())
}
