//! Derives per-language quality thresholds from clean reference text and prints them as
//! `[filter.lang.<code>]` TOML tables (see `minga_filters::quality::calibrate`).
//!
//! Every DIR holds `<lang>.txt` files (documents separated by blank lines, or, without blank
//! lines, one sentence per line grouped into documents of `--group` lines) and/or
//! `<lang>.jsonl` files (one JSON object with a `text` field per line). Documents of the same
//! language from several directories are pooled.
//!
//! ```sh
//! cargo run --release -p minga-filters --example calibrate -- \
//!     ../shared/data/langid/train [MORE_DIRS...] [--group 15] [--tail 0.005] [--slack 0.1] \
//!     [--strict] [--out thresholds.toml]
//! ```

use minga_filters::quality::{
    calibrate_languages, overrides_to_toml, read_reference_dir, CalibrateOptions,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calibrate: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = CalibrateOptions::default();
    let (mut group, mut out, mut dirs) = (15usize, None::<String>, Vec::new());
    let mut it = raw.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        let num = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("{a}: not a number: {v}"))
        };
        match a.as_str() {
            "--group" => group = num(value()?)? as usize,
            "--tail" => opts.tail = num(value()?)?,
            "--slack" => opts.slack = num(value()?)?,
            "--min-docs" => opts.min_docs = num(value()?)? as usize,
            "--strict" => opts.relax_only = false,
            "--out" => out = Some(value()?),
            _ => dirs.push(a.clone()),
        }
    }
    if dirs.is_empty() {
        return Err(
            "usage: calibrate DIR... [--group N] [--tail X] [--slack X] [--strict] [--out FILE]"
                .into(),
        );
    }
    let mut docs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in &dirs {
        read_reference_dir(Path::new(dir), group, &mut docs)?;
    }
    let cal = calibrate_languages(&docs, &opts);
    let header =
        format!(
        "Quality thresholds calibrated from reference text: for each language-dependent rule, the \
         quantile leaving {} of the reference documents outside, widened by {} %{}.\n\
         cargo run --release -p minga-filters --example calibrate -- {}",
        opts.tail,
        opts.slack * 100.0,
        if opts.relax_only { ", never stricter than the rule defaults" } else { "" },
        raw.join(" ")
    );
    let text = overrides_to_toml(&cal, &header);
    match out {
        Some(path) => std::fs::write(&path, text).map_err(|e| format!("{path}: {e}")),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
