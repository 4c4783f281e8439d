//! Model selection for the language identifier on a held-out split of the *training* data.
//!
//! One line in 10 of every `<label>.txt` (chosen by a fixed hash of the line, independent of the
//! calibration split inside training) is held out; each configuration is trained on the rest and
//! scored on the held-out lines, whole and cut to their first three words (short-text robustness).
//!
//! ```text
//! cargo run --release -p minga-filters --example langid_select -- ../shared/data/langid/train \
//!     "max_order=5,bits=18,alpha=0.05" "max_order=4,bits=17"
//! ```
//! Keys: `min_order`, `max_order`, `bits`, `alpha`, `clamp`, `cross` (0/1), `fold` (0/1: drop combining marks),
//! `skip` (0/1: score only n-grams seen in training),
//! `calib` (1 in N).

use std::collections::BTreeMap;
use std::time::Instant;

use minga_filters::langid::{DetectOptions, Model, TrainOptions};

#[path = "support/corpus.rs"]
mod corpus;

fn load_dir(dir: &str) -> std::io::Result<Data> {
    corpus::label_lines(std::path::Path::new(dir))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: langid_select TRAIN_DIR [CONFIG ...]");
        std::process::exit(2);
    };
    let data = match load_dir(dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: reading {dir}: {e}");
            std::process::exit(1);
        }
    };
    let (fit, held) = split(&data);
    let shifted = respell(&held);
    let configs: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec![""]
    };
    println!("config | train s | held macro | held min (label) | 3-word macro | 3-word min (label) | respelled macro | respelled min (label) | model MB");
    for cfg in configs {
        if let Some(rest) = cfg.strip_prefix("perceptron") {
            let epochs = rest.trim_start_matches(',').parse().unwrap_or(3);
            perceptron_run(&fit, &held, epochs);
            continue;
        }
        let opts = match parse(cfg) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: config {cfg:?}: {e}");
                std::process::exit(2);
            }
        };
        let t = Instant::now();
        let model = Model::train(&fit, &opts);
        let secs = t.elapsed().as_secs_f64();
        let full = score(&model, &held, |l| l.to_string());
        let short = score(&model, &held, |l| {
            l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        });
        let respelled = score(&model, &shifted, |l| l.to_string());
        println!(
            "{cfg} | {secs:.1} | {:.4} | {:.3} ({}) | {:.4} | {:.3} ({}) | {:.4} | {:.3} ({}) | {:.2}",
            full.0,
            full.1,
            full.2,
            short.0,
            short.1,
            short.2,
            respelled.0,
            respelled.1,
            respelled.2,
            model.to_bytes().len() as f64 / 1e6
        );
        if let Some(ood) = std::env::var_os("SELECT_COVERAGE") {
            coverage_report(
                &model,
                &held,
                &load_dir(&ood.to_string_lossy()).unwrap_or_default(),
            );
        }
        if std::env::var_os("SELECT_VERBOSE").is_some() {
            println!("  per label (full): {}", full.3);
            println!("  per label (3 words): {}", short.3);
        }
    }
}

type Data = Vec<(String, Vec<String>)>;

/// Macro accuracy, worst label accuracy and label, and the per-label listing.
fn score(model: &Model, held: &Data, cut: impl Fn(&str) -> String) -> (f64, f64, String, String) {
    let dopts = DetectOptions {
        whatlang: std::env::var_os("SELECT_WHATLANG").is_some(),
        ..DetectOptions::default()
    };
    let mut accs = Vec::new();
    let mut listing = String::new();
    for (label, lines) in held {
        let mut ok = 0;
        let mut wrong: BTreeMap<String, usize> = BTreeMap::new();
        for l in lines {
            let got = model.detect_with(&cut(l), &dopts).lang;
            if got == *label {
                ok += 1;
            } else {
                *wrong.entry(got).or_default() += 1;
                if std::env::var_os("SELECT_ERRORS").is_some() {
                    eprintln!(
                        "{label} {:?}: {}",
                        model.detect_with(&cut(l), &dopts).top,
                        cut(l)
                    );
                }
            }
        }
        let mut wrong: Vec<_> = wrong.into_iter().collect();
        wrong.sort_by_key(|w| std::cmp::Reverse(w.1));
        if !wrong.is_empty() && std::env::var_os("SELECT_VERBOSE").is_some() {
            listing.push_str(&format!("[{label} -> {:?}] ", &wrong[..wrong.len().min(3)]));
        }
        let acc = ok as f64 / lines.len().max(1) as f64;
        listing.push_str(&format!("{label}={acc:.3} "));
        accs.push((acc, label.clone()));
    }
    let macro_acc = accs.iter().map(|a| a.0).sum::<f64>() / accs.len().max(1) as f64;
    let worst = accs
        .iter()
        .cloned()
        .fold((1.0, String::new()), |w, a| if a.0 < w.0 { a } else { w });
    (macro_acc, worst.0, worst.1, listing)
}

/// The held-out lines in a simulated unfamiliar orthography: in each label, its 3rd and 6th most
/// frequent letters are written with characters no training text uses (as when a community's
/// spelling differs from the one the training text was written in).
fn respell(held: &Data) -> Data {
    const NEW: [char; 2] = ['\u{A74F}', '\u{01BA}']; // ꝏ ƺ
    held.iter()
        .map(|(label, lines)| {
            let mut freq: BTreeMap<char, usize> = BTreeMap::new();
            for c in lines
                .iter()
                .flat_map(|l| l.chars())
                .filter(|c| c.is_alphabetic())
            {
                *freq
                    .entry(c.to_lowercase().next().unwrap_or(c))
                    .or_default() += 1;
            }
            let mut ranked: Vec<(char, usize)> = freq.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let pick: Vec<char> = [2, 5]
                .iter()
                .filter_map(|&i| ranked.get(i).map(|r| r.0))
                .collect();
            let map = |c: char| {
                let lower = c.to_lowercase().next().unwrap_or(c);
                pick.iter().position(|&p| p == lower).map_or(c, |i| NEW[i])
            };
            (
                label.clone(),
                lines.iter().map(|l| l.chars().map(map).collect()).collect(),
            )
        })
        .collect()
}

fn split(data: &Data) -> (Data, Data) {
    let mut fit = Vec::new();
    let mut held = Vec::new();
    for (label, lines) in data {
        let (h, f): (Vec<String>, Vec<String>) = lines.iter().cloned().partition(|l| {
            let h = l.bytes().fold(0x51_7cc1_b727_220au64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            (h >> 7) % 10 == 3
        });
        fit.push((label.clone(), f));
        held.push((label.clone(), h));
    }
    (fit, held)
}

fn parse(cfg: &str) -> Result<TrainOptions, String> {
    let mut o = TrainOptions::default();
    for kv in cfg.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').ok_or("expected key=value")?;
        let bad = |e: &dyn std::fmt::Display| format!("{k}: {e}");
        match k {
            "min_order" => o.min_order = v.parse().map_err(|e| bad(&e))?,
            "max_order" => o.max_order = v.parse().map_err(|e| bad(&e))?,
            "bits" => o.bucket_bits = v.parse().map_err(|e| bad(&e))?,
            "alpha" => o.alpha = v.parse().map_err(|e| bad(&e))?,
            "clamp" => o.clamp_nats = v.parse().map_err(|e| bad(&e))?,
            "cross" => o.cross_words = v == "1",
            "fold" => o.fold_marks = v == "1",
            "skip" => o.skip_unseen = v == "1",
            "calib" => o.calibration_every = v.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown key {k}")),
        }
    }
    Ok(o)
}

/// Comparison method: an averaged multiclass perceptron over the same hashed features (orders 1-5,
/// 2^18 buckets), trained for `epochs` passes in a fixed interleaved order.
fn perceptron_run(fit: &Data, held: &Data, epochs: usize) {
    use minga_filters::langid::{text_features, TextStats};
    let spec = TrainOptions::default().feature_spec();
    let n = fit.len();
    let buckets = 1usize << spec.bucket_bits;
    let mut w = vec![0f32; buckets * n];
    let mut total = vec![0f32; buckets * n]; // sum of c * update, for averaging
    let mut order: Vec<(usize, usize)> = Vec::new();
    let longest = fit.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
    for i in 0..longest {
        for (c, (_, lines)) in fit.iter().enumerate() {
            if i < lines.len() {
                order.push((c, i));
            }
        }
    }
    let t0 = Instant::now();
    let mut feats = Vec::new();
    let mut buf = Vec::new();
    let mut step = 1f32;
    let mut scores = vec![0f32; n];
    for _ in 0..epochs {
        for &(c, i) in &order {
            feats.clear();
            text_features(spec, &fit[c].1[i], &mut buf, |b| feats.push(b as usize));
            scores.iter_mut().for_each(|s| *s = 0.0);
            for &f in &feats {
                for (k, s) in scores.iter_mut().enumerate() {
                    *s += w[f * n + k];
                }
            }
            let pred = (0..n).fold(0, |b, k| if scores[k] > scores[b] { k } else { b });
            if pred != c {
                for &f in &feats {
                    w[f * n + c] += 1.0;
                    w[f * n + pred] -= 1.0;
                    total[f * n + c] += step;
                    total[f * n + pred] -= step;
                }
            }
            step += 1.0;
        }
    }
    for (a, t) in w.iter_mut().zip(&total) {
        *a -= t / step;
    }
    let secs = t0.elapsed().as_secs_f64();
    let eval = |cut: &dyn Fn(&str) -> String| -> (f64, f64, String) {
        let mut accs = Vec::new();
        for (c, (label, lines)) in held.iter().enumerate() {
            let mut ok = 0;
            for l in lines {
                let l = cut(l);
                if TextStats::of(&l).is_und() {
                    continue;
                }
                let mut scores = vec![0f32; n];
                text_features(spec, &l, &mut Vec::new(), |b| {
                    for (k, s) in scores.iter_mut().enumerate() {
                        *s += w[b as usize * n + k];
                    }
                });
                let pred = (0..n).fold(0, |b, k| if scores[k] > scores[b] { k } else { b });
                ok += usize::from(pred == c);
            }
            accs.push((ok as f64 / lines.len().max(1) as f64, label.clone()));
        }
        let m = accs.iter().map(|a| a.0).sum::<f64>() / accs.len().max(1) as f64;
        let worst = accs
            .iter()
            .cloned()
            .fold((1.0, String::new()), |w, a| if a.0 < w.0 { a } else { w });
        (m, worst.0, worst.1)
    };
    let full = eval(&|l: &str| l.to_string());
    let short = eval(&|l: &str| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "perceptron epochs={epochs} | {secs:.1} | {:.4} | {:.3} ({}) | {:.4} | {:.3} ({}) | {:.2} (f32)",
        full.0, full.1, full.2, short.0, short.1, short.2, (w.len() * 4) as f64 / 1e6
    );
}

/// Quantiles of [`Model::coverage`] on the held-out lines of each label and on out-of-model texts.
fn coverage_report(model: &Model, held: &Data, ood: &Data) {
    let q = |mut v: Vec<f32>| -> String {
        v.sort_by(f32::total_cmp);
        let at = |p: f64| {
            v.get(((v.len() as f64 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(f32::NAN)
        };
        format!(
            "p1={:.2} p5={:.2} p50={:.2} p95={:.2}",
            at(0.01),
            at(0.05),
            at(0.5),
            at(0.95)
        )
    };
    for (name, data) in [("held", held), ("other", ood)] {
        for (label, lines) in data {
            let cov: Vec<f32> = lines.iter().map(|l| model.coverage(l)).collect();
            let short: Vec<f32> = lines
                .iter()
                .map(|l| {
                    model.coverage(&l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                })
                .collect();
            println!(
                "  coverage {name} {label}: {} | 3 words: {}",
                q(cov),
                q(short)
            );
        }
    }
}
