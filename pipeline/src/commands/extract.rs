//! `minga extract`: the main text of HTML and PDF files, as ingest would keep it.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::ExtractArgs;

pub fn run(args: &ExtractArgs) -> Result<()> {
    let files: Vec<PathBuf> = if args.files.is_empty() {
        let mut v = Vec::new();
        for line in std::io::stdin().lock().lines() {
            let line = line.context("cannot read paths from stdin")?;
            if !line.trim().is_empty() {
                v.push(PathBuf::from(line.trim()));
            }
        }
        v
    } else {
        args.files.clone()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("warning: {}: {e}", f.display());
                failed += 1;
                continue;
            }
        };
        let text = if is_pdf(f, &bytes) {
            match pdf_text(&bytes) {
                Ok(t) => t,
                Err(why) => {
                    eprintln!("warning: {}: skipped: {why}", f.display());
                    continue;
                }
            }
        } else {
            let html = match crate::sources::charset::decode(&bytes, None, true, None) {
                Ok(d) => d.text,
                Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
            };
            minga_filters::extract::extract(&html).text
        };
        let text = crate::stages::ingest::convert::normalise_text(&text);
        if args.jsonl {
            let line = serde_json::json!({ "file": f.to_string_lossy(), "text": text });
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{text}\n")?;
        }
    }
    out.flush()?;
    if failed > 0 {
        anyhow::bail!("{failed} of {} files could not be read", files.len());
    }
    Ok(())
}

/// A `.pdf` name, or content ingest's sniffing takes for a PDF (`%PDF-` in the first KiB).
fn is_pdf(path: &std::path::Path, bytes: &[u8]) -> bool {
    use crate::sources::sniff::{sniff, SNIFF_BYTES};
    let by_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    by_name || sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]) == Some(crate::config::Format::Pdf)
}

/// The text ingest keeps of a PDF, or the skip reason and detail.
fn pdf_text(bytes: &[u8]) -> std::result::Result<String, String> {
    use crate::sources::{pdf, Body, SourceItem};
    match pdf::read_pdf_bytes(bytes, &pdf::PdfOptions::default()) {
        SourceItem::Doc(d) => match d.body {
            Body::Text(t) | Body::Html(t) => Ok(t),
        },
        SourceItem::Skip(s) => Err(format!("{}: {}", s.reason, s.detail)),
        SourceItem::NotDocument { kind, .. } => Err(kind),
    }
}
