//! `minga pii redact`: PII redaction of text lines on stdin, for users and for evaluation.

use anyhow::Result;
use minga_filters::pii::{apply, PiiCounts};

use super::lines::map_stdin_lines;
use crate::cli::PiiArgs;

pub fn run(args: &PiiArgs) -> Result<()> {
    let mut total = PiiCounts::default();
    map_stdin_lines(
        |line| {
            let (text, counts, _) = apply(line, args.mode);
            (text.into_owned(), counts)
        },
        |counts| total.merge(&counts),
    )?;
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
