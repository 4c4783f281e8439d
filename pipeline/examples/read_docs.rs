//! Reads document files with minga's readers and prints what came out and how fast.
//!
//!     cargo run --release -p minga --example read_docs -- FILE...
//!
//! The format is detected from each file name (as `format = "auto"` does). Prints one line per
//! file with `--verbose` (and its text and `meta` with `--text`), then totals: documents, skips by reason, input MB, text MB, MB/s.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use minga::sources::detect::{detect_format, Format};
use minga::sources::error::SourceError;
use minga::sources::{eaf, epub, jsonl, office, plain, subtitles, tei, Body, SourceItem};

fn plain_file(
    path: &Path,
    kind: plain::PlainKind,
    handle: &mut dyn FnMut(SourceItem),
) -> Result<(), SourceError> {
    plain::read_plain(path, kind, 1 << 30).map(|v| v.into_iter().for_each(handle))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_text = args.iter().any(|a| a == "--text");
    let verbose = show_text || args.iter().any(|a| a == "--verbose");
    let (mut docs, mut in_bytes, mut text_bytes) = (0u64, 0u64, 0u64);
    let mut skips: BTreeMap<String, u64> = BTreeMap::new();
    let start = Instant::now();
    for arg in args.iter().filter(|a| !a.starts_with("--")) {
        let path = Path::new(arg);
        in_bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut handle = |item: SourceItem| match item {
            SourceItem::Doc(d) => {
                docs += 1;
                let (Body::Text(t) | Body::Html(t)) = &d.body;
                text_bytes += t.len() as u64;
                if verbose {
                    println!(
                        "{arg}\t{}\t{:?}\t{:?}\t{}",
                        d.offset,
                        d.title,
                        d.country,
                        t.len()
                    );
                }
                if show_text {
                    println!("{t}\n{}\n", serde_json::Value::Object(d.meta.clone()));
                }
            }
            SourceItem::NotDocument { .. } => {}
            SourceItem::Skip(s) => {
                if verbose {
                    println!("{arg}\t{}\tskip {} {}", s.offset, s.reason, s.detail);
                }
                *skips.entry(s.reason.to_string()).or_default() += 1;
            }
        };
        let kind = match detect_format(path) {
            Some(Format::Tei) => tei::read_tei(path, &tei::TeiOptions::default())
                .map(|v| v.into_iter().for_each(&mut handle)),
            // Streamed item by item: a jsonl file is never held in memory.
            Some(Format::Jsonl) => jsonl::read_jsonl(path, None, &Default::default())
                .and_then(|mut iter| iter.try_for_each(|item| item.map(&mut handle))),
            Some(Format::Txt) => plain_file(path, plain::PlainKind::Txt, &mut handle),
            Some(Format::Md) => plain_file(path, plain::PlainKind::Md, &mut handle),
            Some(Format::Html) => plain_file(path, plain::PlainKind::Html, &mut handle),
            Some(Format::Docx) => office::read_office(path, office::OfficeKind::Docx, 1 << 30)
                .map(|v| v.into_iter().for_each(&mut handle)),
            Some(Format::Odt) => office::read_office(path, office::OfficeKind::Odt, 1 << 30)
                .map(|v| v.into_iter().for_each(&mut handle)),
            Some(Format::Epub) => {
                epub::read_epub(path, false, 1 << 30).map(|v| v.into_iter().for_each(&mut handle))
            }
            Some(Format::Srt) => subtitles::read_subtitles(path, subtitles::SubKind::Srt, 1 << 30)
                .map(|v| v.into_iter().for_each(&mut handle)),
            Some(Format::Vtt) => subtitles::read_subtitles(path, subtitles::SubKind::Vtt, 1 << 30)
                .map(|v| v.into_iter().for_each(&mut handle)),
            Some(Format::Eaf) => eaf::read_eaf(path, &eaf::EafOptions::default())
                .map(|v| v.into_iter().for_each(&mut handle)),
            other => {
                eprintln!("{arg}: not a document format minga reads here ({other:?})");
                continue;
            }
        };
        if let Err(e) = kind {
            eprintln!("{e}");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = in_bytes as f64 / 1e6;
    println!(
        "documents {docs}  skips {skips:?}  input {mb:.1} MB  text {:.1} MB  {secs:.3} s  {:.1} MB/s",
        text_bytes as f64 / 1e6,
        mb / secs
    );
}
