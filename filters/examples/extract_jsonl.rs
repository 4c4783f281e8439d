//! Prints one `{"file": path, "text": ...}` JSON line per HTML file, the format of
//! `minga extract --jsonl`. Paths come from the arguments, or one per line on stdin.
//! Files that cannot be read print `"text": null` and a warning on stderr.
//!
//!     cargo run --release -p minga-filters --example extract_jsonl -- page.html ...

use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
