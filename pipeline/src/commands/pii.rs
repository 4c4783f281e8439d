//! `minga pii redact`: PII redaction of text lines on stdin, for users and for evaluation.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use minga_filters::pii::{apply, PiiCounts};
use rayon::prelude::*;

use crate::cli::PiiArgs;

pub fn run(args: &PiiArgs) -> Result<()> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut total = PiiCounts::default();
    loop {
        let mut chunk = Vec::with_capacity(4096);
        let mut buf = Vec::new();
        while chunk.len() < 4096 {
            buf.clear();
            if reader
                .read_until(b'\n', &mut buf)
                .context("cannot read stdin")?
                == 0
            {
                break;
            }
            chunk.push(
                String::from_utf8_lossy(&buf)
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
            );
        }
        if chunk.is_empty() {
            break;
        }
        let done: Vec<(String, PiiCounts)> = chunk
            .par_iter()
            .map(|line| {
                let (text, counts, _) = apply(line, args.mode);
                (text.into_owned(), counts)
            })
            .collect();
        for (line, counts) in done {
            total.merge(&counts);
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    if args.stats {
        let per_kind: Vec<String> = total
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{}={n}", k.name()))
            .collect();
        eprintln!("pii: {} found ({})", total.total(), per_kind.join(", "));
    }
    Ok(())
}
