//! Reads document files with minga's readers and prints what came out and how fast.
//!
//!     cargo run --release -p minga --example read_docs -- FILE...
//!
//! The format is detected from each file name (as `format = "auto"` does). Prints one line per
//! file with `--verbose` (and its text and `meta` with `--text`), then totals: documents, skips by reason, input MB, text MB, MB/s.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use minga::config::SourceConfig;
use minga::sources::{Body, SourceItem};
use minga::stages::ingest::plan::{detect_format, PlanItem};
use minga::stages::ingest::read::{self, ReadLimits};

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
        let Some(format) = detect_format(path) else {
            eprintln!("{arg}: not a document format minga reads");
            continue;
        };
        // The readers ingest uses, with its defaults (WARC files are read whole; a record or
        // line over `[ingest] max_record_mb` is skipped, as in ingest).
        let item = PlanItem {
            source: 0,
            path: path.to_path_buf(),
            rel: arg.clone(),
            size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            range: None,
            format,
        };
        let limits = ReadLimits {
            max_record_bytes: minga::config::IngestConfig::default().max_record_bytes(),
        };
        let kind = read::open(&item, &SourceConfig::default(), &limits)
            .map(|items| items.for_each(&mut handle));
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
