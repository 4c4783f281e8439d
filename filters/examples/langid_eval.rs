//! Accuracy and single-threaded speed of the language identifier on a directory of `<label>.txt`
//! files (one text per line), e.g. `../shared/data/langid/dev`.
//!
//! ```text
//! cargo build --release -p minga-filters --example langid_eval
//! target/release/examples/langid_eval ../shared/data/langid/dev            # embedded model
//! target/release/examples/langid_eval ../shared/data/langid/dev --model M  # a model file
//! target/release/examples/langid_eval ../shared/data/langid/dev --no-whatlang --predictions P.tsv
//! target/release/examples/langid_eval --train ../shared/data/langid/train --out M [--bits 18] [--orders 3-5]
//! ```
//! Prints per-label accuracy (recall), precision and F1 (precision over every evaluated line), macro
//! accuracy and macro F1 over the labels present, and lines/s and MB/s of
//! `Model::detect` over all lines (one thread, after one warm-up pass, best of 3 timed passes).

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use minga_filters::langid::{DetectOptions, Model, TrainOptions};

#[path = "support/corpus.rs"]
mod corpus;

type Data = Vec<(String, Vec<String>)>;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    if let (Some(train), Some(out)) = (flag("--train"), flag("--out")) {
        let data = corpus::label_lines_of(train)?;
        let t = Instant::now();
        let mut opts = TrainOptions::default();
        if let Some(bits) = flag("--bits") {
            opts.bucket_bits = bits.parse().map_err(|e| format!("--bits: {e}"))?;
        }
        if let Some((a, b)) = flag("--orders").and_then(|o| o.split_once('-')) {
            opts.min_order = a.parse().map_err(|e| format!("--orders: {e}"))?;
            opts.max_order = b.parse().map_err(|e| format!("--orders: {e}"))?;
        }
        let model = Model::train(&data, &opts);
        let bytes = model.to_bytes();
        std::fs::write(out, &bytes).map_err(|e| format!("writing {out}: {e}"))?;
        println!(
            "trained {} labels in {:.1} s -> {out} ({} bytes)",
            model.labels().len(),
            t.elapsed().as_secs_f64(),
            bytes.len()
        );
        return Ok(());
    }
    let dir = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or("usage: langid_eval DIR [--model FILE] [--no-whatlang] [--predictions FILE]")?;
    let owned;
    let model = match flag("--model") {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("reading {path}: {e}"))?;
            owned = Model::from_bytes(&bytes).map_err(|e| format!("{path}: {e}"))?;
            &owned
        }
        None => Model::embedded(),
    };
    let opts = DetectOptions {
        whatlang: !args.iter().any(|a| a == "--no-whatlang"),
        ..DetectOptions::default()
    };
    let data = corpus::label_lines_of(dir)?;
    let mut preds = match flag("--predictions") {
        Some(p) => Some(std::fs::File::create(p).map_err(|e| format!("creating {p}: {e}"))?),
        None => None,
    };
    println!("label | lines | accuracy | precision | F1 | most frequent errors");
    let mut predicted: Vec<Vec<String>> = Vec::with_capacity(data.len());
    for (label, lines) in &data {
        let mut got = Vec::with_capacity(lines.len());
        for line in lines {
            let d = model.detect_with(line, &opts);
            if let Some(f) = preds.as_mut() {
                writeln!(f, "{label}\t{}\t{:.4}\t{line}", d.lang, d.score)
                    .map_err(|e| e.to_string())?;
            }
            got.push(d.lang);
        }
        predicted.push(got);
    }
    // Lines of any label predicted as each label (precision counts every evaluated line).
    let mut as_label: BTreeMap<&str, usize> = BTreeMap::new();
    for got in &predicted {
        for g in got {
            *as_label.entry(g.as_str()).or_default() += 1;
        }
    }
    let mut accs = Vec::new();
    let mut f1s = Vec::new();
    for ((label, lines), got) in data.iter().zip(&predicted) {
        let ok = got.iter().filter(|g| *g == label).count();
        let mut wrong: BTreeMap<&str, usize> = BTreeMap::new();
        for g in got.iter().filter(|g| *g != label) {
            *wrong.entry(g.as_str()).or_default() += 1;
        }
        let acc = ok as f64 / lines.len().max(1) as f64;
        let claimed = as_label.get(label.as_str()).copied().unwrap_or(0);
        let precision = if claimed == 0 {
            0.0
        } else {
            ok as f64 / claimed as f64
        };
        let f1 = if precision + acc == 0.0 {
            0.0
        } else {
            2.0 * precision * acc / (precision + acc)
        };
        let mut wrong: Vec<_> = wrong.into_iter().collect();
        wrong.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let errs: Vec<String> = wrong
            .iter()
            .take(4)
            .map(|(l, n)| format!("{l}:{n}"))
            .collect();
        println!(
            "{label} | {} | {acc:.4} | {precision:.4} | {f1:.4} | {}",
            lines.len(),
            errs.join(" ")
        );
        accs.push(acc);
        f1s.push(f1);
    }
    let macro_acc = accs.iter().sum::<f64>() / accs.len().max(1) as f64;
    let min = accs.iter().copied().fold(1.0, f64::min);
    println!(
        "macro accuracy {macro_acc:.4} over {} labels (lowest {min:.4})",
        accs.len()
    );
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    let min_f1 = f1s.iter().copied().fold(1.0, f64::min);
    println!(
        "macro F1 {macro_f1:.4} over {} labels (lowest {min_f1:.4})",
        f1s.len()
    );
    speed(model, &data, &opts);
    Ok(())
}

fn speed(model: &Model, data: &Data, opts: &DetectOptions) {
    let lines: Vec<&str> = data
        .iter()
        .flat_map(|(_, l)| l.iter().map(String::as_str))
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let mut sink = 0usize;
    let mut best = f64::INFINITY;
    let mut cpu = 0.0;
    for pass in 0..4 {
        if pass == 1 {
            cpu = cpu_seconds().unwrap_or(f64::NAN);
        }
        let t = Instant::now();
        for l in &lines {
            sink += model.detect_with(l, opts).lang.len();
        }
        if pass > 0 {
            best = best.min(t.elapsed().as_secs_f64());
        }
    }
    let cpu = (cpu_seconds().unwrap_or(f64::NAN) - cpu) / 3.0;
    println!(
        "speed: {} lines, {:.2} MB in {:.3} s -> {:.0} lines/s, {:.2} MB/s (1 thread, whatlang {}) [{sink}]; \
         per CPU-second: {:.2} MB/s",
        lines.len(),
        bytes as f64 / 1e6,
        best,
        lines.len() as f64 / best,
        bytes as f64 / 1e6 / best,
        if opts.whatlang { "on" } else { "off" },
        bytes as f64 / 1e6 / cpu,
    );
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, 100 ticks per second): on a
/// shared machine it measures the work done rather than the time waited for a core.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
