//! Retention of the quality rules on clean text: (a) the indigenous, Spanish, Portuguese and
//! English sentences of `langid/dev` joined into documents of `--group` lines, (b) conha19 TEI
//! novels and Machado de Assis cut into ~4 KB chunks at paragraph boundaries. Prints the share
//! kept and the rejections per rule as Markdown tables.
//!
//! ```sh
//! cargo run --release -p minga-filters --example quality_retention -- \
//!     [--data ../shared/data] [--group 15] [--config thresholds.toml] [--generic] [--show N] [--quantiles SIGNAL,...] [--part all|even|odd]
//!     [--jsonl FILE:LANG ...]   (evaluate these sets instead)
//! ```

#[path = "support/corpus.rs"]
mod corpus;

use minga_filters::quality::{compute_signals, judge, QualityConfig, StopWords, SIGNAL_NAMES};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    data: PathBuf,
    group: usize,
    config: QualityConfig,
    show: usize,
    /// Signals whose distribution to print per set.
    quantiles: Vec<String>,
    /// Literature files to evaluate: all, even or odd positions.
    part: String,
    /// Extra JSON-lines sets `(path, lang)` to evaluate instead of the shared data.
    jsonl: Vec<(String, String)>,
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quality_retention: {e}");
            ExitCode::from(1)
        }
    }
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::from("../shared/data"),
        group: 15,
        config: QualityConfig::default(),
        show: 0,
        quantiles: Vec::new(),
        part: "all".into(),
        jsonl: Vec::new(),
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut it = raw.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--data" => args.data = PathBuf::from(value()?),
            "--group" => args.group = value()?.parse().map_err(|_| "--group: a number")?,
            "--show" => args.show = value()?.parse().map_err(|_| "--show: a number")?,
            "--quantiles" => args.quantiles.extend(value()?.split(',').map(String::from)),
            "--part" => args.part = value()?,
            "--jsonl" => {
                let v = value()?;
                let (path, lang) = v.rsplit_once(':').ok_or("--jsonl needs FILE:LANG")?;
                args.jsonl.push((path.to_string(), lang.to_string()));
            }
            "--generic" => args.config = QualityConfig::generic(),
            "--config" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                args.config =
                    QualityConfig::from_toml_str(&text).map_err(|e| format!("{path}: {e}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Kept / total, rejections per rule and signal values of one row.
#[derive(Default)]
struct Tally {
    docs: usize,
    kept: usize,
    by_rule: BTreeMap<&'static str, usize>,
    values: Vec<Vec<f32>>,
}

fn evaluate(docs: &[String], lang: &str, config: &QualityConfig, show: usize) -> Tally {
    let thresholds = config.thresholds_for(lang);
    let stop = StopWords::embedded();
    let mut t = Tally::default();
    for doc in docs {
        t.docs += 1;
        let signals = compute_signals(doc, lang, stop);
        t.values.push(signals.to_vec());
        match judge(&signals, &thresholds) {
            None => t.kept += 1,
            Some(r) => {
                let n = t.by_rule.entry(r.rule).or_insert(0);
                *n += 1;
                if *n <= show {
                    let head: String = doc.chars().take(300).collect();
                    eprintln!("--- {lang} rejected {}: {}\n{head}\n", r.rule, r.detail);
                }
            }
        }
    }
    t
}

fn print_table(title: &str, rows: &[(String, Tally)]) {
    println!("\n### {title}\n");
    println!("| set | docs | kept | kept % | rejections by rule |");
    println!("|---|---:|---:|---:|---|");
    for (name, t) in rows {
        let rules: Vec<String> = t.by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let pct = 100.0 * t.kept as f64 / t.docs.max(1) as f64;
        println!(
            "| {name} | {} | {} | {pct:.1} | {} |",
            t.docs,
            t.kept,
            rules.join(", ")
        );
    }
}

fn print_quantiles(names: &[String], rows: &[(String, Tally)]) {
    for name in names {
        let Some(k) = SIGNAL_NAMES.iter().position(|n| n == name) else {
            eprintln!("no signal named {name}");
            continue;
        };
        println!("\n`{name}` quantiles\n");
        println!("| set | p1 | p50 | p90 | p99 | p99.5 | max |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for (set, t) in rows {
            let mut v: Vec<f32> = t
                .values
                .iter()
                .map(|s| s[k])
                .filter(|x| !x.is_nan())
                .collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(f32::total_cmp);
            let q = |p: f64| v[((p * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
            println!(
                "| {set} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                q(0.01),
                q(0.5),
                q(0.9),
                q(0.99),
                q(0.995),
                q(1.0)
            );
        }
    }
}

fn read_jsonl(path: &str) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut docs = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        let t = v.get("text").and_then(|t| t.as_str());
        docs.push(t.ok_or(format!("{path}:{}: no text", i + 1))?.to_string());
    }
    Ok(docs)
}

fn run(args: Args) -> Result<(), String> {
    if !args.jsonl.is_empty() {
        let mut rows = Vec::new();
        for (path, lang) in &args.jsonl {
            let docs = read_jsonl(path)?;
            rows.push((
                format!("{path} ({lang})"),
                evaluate(&docs, lang, &args.config, args.show),
            ));
        }
        print_table("JSON-lines sets", &rows);
        print_quantiles(&args.quantiles, &rows);
        return Ok(());
    }
    let dev = args.data.join("langid/dev");
    if !dev.is_dir() {
        return Err(format!("{} not found", dev.display()));
    }
    let by_lang = corpus::grouped_docs(&dev, args.group).map_err(|e| e.to_string())?;
    let rows: Vec<(String, Tally)> = by_lang
        .iter()
        .map(|(lang, docs)| (lang.clone(), evaluate(docs, lang, &args.config, args.show)))
        .collect();
    print_table(
        &format!("langid/dev, documents of {} lines", args.group),
        &rows,
    );
    print_quantiles(&args.quantiles, &rows);

    let docs = args.data.join("documents");
    let mut lit = Vec::new();
    let conha = corpus::select_part(
        corpus::conha19_chunks(&docs.join("conha19-tei"))?,
        &args.part,
    )?;
    let all: Vec<String> = conha.into_iter().flat_map(|(_, c)| c).collect();
    lit.push((
        "conha19 (spa)".to_string(),
        evaluate(&all, "spa", &args.config, args.show),
    ));
    let machado = corpus::select_part(
        corpus::machado_chunks(&docs.join("machado-txt"))?,
        &args.part,
    )?;
    let mut by_genre: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, chunks) in machado {
        let genre = name.split('_').next().unwrap_or("other").to_string();
        by_genre.entry(genre).or_default().extend(chunks);
    }
    let mut total = Tally::default();
    for (genre, chunks) in &by_genre {
        let t = evaluate(chunks, "por", &args.config, args.show);
        total.docs += t.docs;
        total.kept += t.kept;
        for (r, n) in &t.by_rule {
            *total.by_rule.entry(r).or_insert(0) += n;
        }
        lit.push((format!("machado {genre} (por)"), t));
    }
    lit.push(("machado all (por)".to_string(), total));
    print_table(
        &format!(
            "literature ({} files), ~4 KB chunks at paragraph boundaries",
            args.part
        ),
        &lit,
    );
    print_quantiles(&args.quantiles, &lit);
    Ok(())
}
