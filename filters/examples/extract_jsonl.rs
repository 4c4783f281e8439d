//! Prints one `{"file": path, "text": ...}` JSON line per HTML file, the format of
//! `minga extract --jsonl`. Paths come from the arguments, or one per line on stdin.
//! Files that cannot be read print `"text": null` and a warning on stderr.
//!
//!     cargo run --release -p minga-filters --example extract_jsonl -- page.html ...
//!
//! `--bench OUT.jsonl page.html ...` is the timing mode of `bench/extract-bench.sh`, the same
//! protocol as `bench/extract_peers.py`: pages are read into memory first, only the extraction
//! loop is timed (wall and thread CPU time), the predictions go to OUT.jsonl and one JSON summary
//! line to stdout.

use std::io::{BufRead, Write};

/// CPU time of this thread in seconds (`/proc/thread-self/schedstat`, nanoseconds), if readable.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

fn bench(out_path: &str, paths: &[String]) -> std::io::Result<()> {
    let pages: Vec<Vec<u8>> = paths.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu_seconds());
    let texts: Vec<String> = pages
        .iter()
        .map(|b| minga_filters::extract::extract(&String::from_utf8_lossy(b)).text)
        .collect();
    let secs = wall.elapsed().as_secs_f64();
    let cpu = cpu
        .and_then(|a| Some(thread_cpu_seconds()? - a))
        .unwrap_or(secs);
    let mut out = std::io::BufWriter::new(std::fs::File::create(out_path)?);
    for (p, t) in paths.iter().zip(&texts) {
        writeln!(out, "{}", serde_json::json!({ "file": p, "text": t }))?;
    }
    out.flush()?;
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let summary = serde_json::json!({ "tool": "minga", "pages": pages.len(), "bytes": bytes,
        "seconds": secs, "cpu_seconds": cpu });
    println!("{summary}");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--bench") && args.len() >= 2 {
        if let Err(e) = bench(&args[1], &args[2..]) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    let paths: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .collect()
    } else {
        args
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in paths {
        let text = match std::fs::read(&path) {
            Ok(bytes) => {
                let html = String::from_utf8_lossy(&bytes);
                serde_json::Value::String(minga_filters::extract::extract(&html).text)
            }
            Err(e) => {
                eprintln!("warning: {path}: {e}");
                serde_json::Value::Null
            }
        };
        let line = serde_json::json!({ "file": path, "text": text });
        if writeln!(out, "{line}").is_err() {
            std::process::exit(1);
        }
    }
    if out.flush().is_err() {
        std::process::exit(1);
    }
}
