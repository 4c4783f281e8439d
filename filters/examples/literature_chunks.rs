//! Writes the literature evaluation documents as JSON lines: conha19 novels (`spa.jsonl`) and
//! Machado de Assis (`por.jsonl`), ~4 KB chunks at paragraph boundaries, one `{"file", "text"}`
//! object per chunk. `--part even|odd` keeps the files at even or odd positions of the sorted
//! file list (to calibrate on one half and measure retention on the other).
//!
//! ```sh
//! cargo run --release -p minga-filters --example literature_chunks -- \
//!     --data ../shared/data --part even --out bench/out/reference
//! ```

#[path = "support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("literature_chunks: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let (mut data, mut part, mut out) = (PathBuf::from("../shared/data"), "all".to_string(), None);
    let mut it = raw.iter();
    while let Some(a) = it.next() {
        let value = it.next().cloned().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--data" => data = PathBuf::from(value),
            "--part" => part = value,
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let docs = data.join("documents");
    let sets = [
        ("spa", corpus::conha19_chunks(&docs.join("conha19-tei"))?),
        ("por", corpus::machado_chunks(&docs.join("machado-txt"))?),
    ];
    for (lang, files) in sets {
        let path = out.join(format!("{lang}.jsonl"));
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        let mut n = 0usize;
        for (name, chunks) in corpus::select_part(files, &part)? {
            for text in chunks {
                let line = serde_json::json!({ "file": name, "text": text });
                writeln!(w, "{line}").map_err(|e| format!("{}: {e}", path.display()))?;
                n += 1;
            }
        }
        w.flush().map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("{}: {n} chunks", path.display());
    }
    Ok(())
}
