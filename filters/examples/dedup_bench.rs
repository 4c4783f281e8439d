//! Signature throughput on real documents, one thread.
//!
//! `dedup_bench [--data DIR] [--rounds N] [--dump FILE]` loads the conha19 novels as ~4 KB
//! documents, times each part of the signatures step (normalise, shingles, MinHash per kernel,
//! band keys) and the whole of it, best of N rounds, and prints a Markdown table. `--dump` writes
//! the documents as JSON lines so the Python reference tools time the very same input
//! (`bench/dedup-bench.sh`).

#[path = "dedup_corpus/mod.rs"]
mod dedup_corpus;

use minga_filters::dedup::{
    band_keys, normalise_into, shingle_hashes_into, DedupParams, DocInfo, Kernel, MinHasher,
    Sketcher,
};
use std::hint::black_box;
use std::io::Write;

/// Best time of `rounds` runs of `f` (thread CPU seconds, see `dedup_corpus::time`).
fn best_of(rounds: usize, mut f: impl FnMut()) -> f64 {
    (0..rounds.max(1))
        .map(|_| dedup_corpus::time(&mut f))
        .fold(f64::INFINITY, f64::min)
}

fn row(what: &str, kernel: &str, secs: f64, docs: usize, bytes: usize) {
    let mb = bytes as f64 / 1e6;
    println!(
        "| {what} | {kernel} | {:.1} | {:.0} | {:.2} |",
        mb / secs,
        docs as f64 / secs,
        secs
    );
}

fn dump(path: &str, docs: &[String]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for d in docs {
        writeln!(out, "{}", serde_json::json!({ "text": d }))?;
    }
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = dedup_corpus::data_dir(dedup_corpus::arg("--data").as_deref()) else {
        return Ok(());
    };
    let rounds: usize = dedup_corpus::arg("--rounds")
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let docs = dedup_corpus::load_documents(&dir, 4096)?;
    if let Some(path) = dedup_corpus::arg("--dump") {
        dump(&path, &docs)?;
    }
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let n = docs.len();
    println!(
        "{n} documents, {:.1} MB, mean {:.0} bytes; best of {rounds} rounds, one thread, {} seconds\n",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64,
        if dedup_corpus::thread_cpu_secs().is_some() { "CPU" } else { "wall" }
    );
    println!("| step | kernel | MB/s | docs/s | seconds |\n|---|---|---|---|---|");
    let p = DedupParams::default();

    let mut norm = String::new();
    let t = best_of(rounds, || {
        for d in &docs {
            normalise_into(d, &mut norm);
            black_box(&norm);
        }
    });
    row("normalise", "-", t, n, bytes);

    let (mut starts, mut sh) = (Vec::new(), Vec::new());
    let t = best_of(rounds, || {
        for d in &docs {
            normalise_into(d, &mut norm);
            shingle_hashes_into(&norm, p.ngram, &mut starts, &mut sh);
            black_box(&sh);
        }
    });
    row("normalise + shingles", "-", t, n, bytes);

    // Shingles computed once, so the MinHash rows time the permutations alone.
    let shingles: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| {
            normalise_into(d, &mut norm);
            shingle_hashes_into(&norm, p.ngram, &mut starts, &mut sh);
            sh.clone()
        })
        .collect();
    let mean_shingles = shingles.iter().map(Vec::len).sum::<usize>() as f64 / n as f64;
    for kernel in Kernel::available() {
        let mh = MinHasher::with_kernel(p, kernel);
        let mut sig = Vec::new();
        let t = best_of(rounds, || {
            for s in &shingles {
                mh.signature_into(s, &mut sig);
                black_box(band_keys(&sig, p.bands, p.rows));
            }
        });
        row("MinHash + band keys", &format!("{kernel:?}"), t, n, bytes);
    }
    for kernel in Kernel::available() {
        let mut sk = Sketcher::with_hasher(MinHasher::with_kernel(p, kernel));
        let t = best_of(rounds, || {
            for (i, d) in docs.iter().enumerate() {
                black_box(sk.sketch(DocInfo::new(i as u64, 0, 0.0), d, true));
            }
        });
        row("whole signatures step", &format!("{kernel:?}"), t, n, bytes);
    }
    println!(
        "\nmean shingles per document: {mean_shingles:.0}; permutations: {}",
        p.permutations()
    );
    Ok(())
}
