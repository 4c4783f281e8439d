//! Single-core throughput of the quality signals and rules: reads documents from a JSON-lines
//! file (`{"text": ...}` per line, e.g. from the `literature_chunks` example), computes the
//! signals and judges every document `--repeat` times on one thread, prints MB/s.
//!
//! ```sh
//! cargo build --release -p minga-filters --example quality_speed
//! taskset -c 0 target/release/examples/quality_speed bench/out/literature/spa.jsonl --lang spa --repeat 5
//! ```

use minga_filters::quality::{compute_signals, judge, QualityConfig, StopWords};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quality_speed: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let (mut path, mut lang, mut repeat) = (None, "spa".to_string(), 3usize);
    let mut it = raw.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lang" => lang = it.next().cloned().ok_or("--lang needs a value")?,
            "--repeat" => {
                repeat = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--repeat needs a number")?
            }
            _ => path = Some(a.clone()),
        }
    }
    let path = path.ok_or("usage: quality_speed FILE.jsonl [--lang L] [--repeat N]")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        let t = v.get("text").and_then(|t| t.as_str());
        docs.push(t.ok_or(format!("{path}:{}: no text", i + 1))?.to_string());
    }
    let bytes: usize = docs.iter().map(String::len).sum();
    let config = QualityConfig::default();
    let thresholds = config.thresholds_for(&lang);
    let stop = StopWords::embedded();
    // One warm-up pass, then the timed passes.
    let mut kept = 0usize;
    for pass in 0..=repeat {
        let start = Instant::now();
        kept = 0;
        for d in &docs {
            let s = compute_signals(d, &lang, stop);
            kept += usize::from(judge(&s, &thresholds).is_none());
        }
        let secs = start.elapsed().as_secs_f64();
        if pass > 0 {
            println!(
                "pass {pass}: {:.3} s, {:.1} MB/s, {:.0} docs/s",
                secs,
                bytes as f64 / secs / 1e6,
                docs.len() as f64 / secs
            );
        }
    }
    let start = Instant::now();
    for _ in 0..repeat {
        for d in &docs {
            let s = compute_signals(d, &lang, stop);
            std::hint::black_box(judge(&s, &thresholds));
        }
    }
    let secs = start.elapsed().as_secs_f64() / repeat.max(1) as f64;
    println!(
        "minga quality: {} docs, {:.1} MB, kept {kept}, {:.3} s/pass",
        docs.len(),
        bytes as f64 / 1e6,
        secs
    );
    println!("MBPS {:.3}", bytes as f64 / secs / 1e6);
    Ok(())
}
