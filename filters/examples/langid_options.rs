//! The [`DetectOptions`] defaults chosen on a selection half and reported on a report half
//! (`bench/langid-options-split.sh` makes the halves and runs this).
//!
//! ```text
//! target/release/examples/langid_options SELECT_DIR REPORT_DIR \
//!     --other SELECT_TRUTH.jsonl REPORT_TRUTH.jsonl [--also 'name=value,name=value;...']
//! ```
//! `SELECT_DIR`, `REPORT_DIR`: `<label>.txt` files, one line per text (the two halves of the
//! langid dev lines that trained nothing). `--other`: extract-eval `truth.jsonl` halves; the
//! `with` snippets of their pages in Latin-script languages outside the model (German, French,
//! Polish, ...) with at least 4 words and 20 letters are the other-language text.
//!
//! Each option is swept around its default, the others at their defaults, on the selection half
//! only. Figures: macro accuracy and macro F1 over the model's labels (precision over every dev
//! line of the half) and other-language accuracy (the snippet gets its page's language).
//! **Rule:** among the values whose macro F1 is within [`TOLERANCE`] of the sweep's best, the
//! highest other-language accuracy; ties go to the current default, then to the nearest value.
//! A third figure, not part of the rule, shows what the whatlang gate costs on text in an
//! orthography the model lacks: macro accuracy on the half's lines respelled ([`respell`]).
//! The chosen values together and the current defaults are then scored on the report half, which
//! chooses nothing; `--also` adds settings named by hand (`;` between settings), scored on both
//! halves next to them, which choose nothing either. The last line (`PART detect ...`) is what the script's RESULT line quotes.

use std::collections::BTreeMap;

use minga_filters::langid::{DetectOptions, Model};

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/choose.rs"]
mod choose;

use choose::{flag, round6, Knob};

/// Macro F1 within this of the best counts as tied (about six lines of 8,600 changing label).
const TOLERANCE: f64 = 0.001;

type Data = Vec<(String, Vec<String>)>;

/// Other-language snippets: (ISO 639-3 label, text).
type Other = Vec<(String, String)>;

/// extract-eval page languages (ISO 639-1) in Latin script that whatlang knows and the model does
/// not, with whatlang's codes.
const OTHER_LANGS: &[(&str, &str)] = &[
    ("de", "deu"),
    ("fr", "fra"),
    ("it", "ita"),
    ("pl", "pol"),
    ("no", "nob"),
    ("hu", "hun"),
    ("fi", "fin"),
    ("nl", "nld"),
    ("sv", "swe"),
    ("da", "dan"),
    ("cs", "ces"),
    ("ro", "ron"),
    ("ca", "cat"),
    ("tr", "tur"),
];

const KNOBS: &[Knob<DetectOptions>] = &[
    Knob {
        name: "whatlang",
        values: &[0.0, 1.0],
        get: |o| f64::from(u8::from(o.whatlang)),
        set: |o, v| o.whatlang = v > 0.5,
    },
    Knob {
        name: "consult_below",
        values: &[0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        get: |o| round6(f64::from(o.consult_below)),
        set: |o, v| o.consult_below = v as f32,
    },
    Knob {
        name: "consult_coverage_below",
        values: &[0.90, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0],
        get: |o| round6(f64::from(o.consult_coverage_below)),
        set: |o, v| o.consult_coverage_below = v as f32,
    },
    Knob {
        name: "whatlang_min_confidence",
        values: &[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        get: |o| o.whatlang_min_confidence,
        set: |o, v| o.whatlang_min_confidence = v,
    },
];

/// Figures of one setting on one half.
struct Figures {
    macro_acc: f64,
    macro_f1: f64,
    lowest_f1: (f64, String),
    other_acc: f64,
    /// Share of other-language snippets given no label of the model (right or wrong language).
    other_out: f64,
    /// Macro accuracy on the same dev lines respelled (not part of the rule; see [`respell`]).
    respelled_acc: f64,
    /// The predictions, dev lines then snippets, to count changed labels.
    predictions: Vec<String>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: langid_options SELECT_DIR REPORT_DIR --other SELECT.jsonl REPORT.jsonl";
    let (Some(sel_dir), Some(rep_dir)) = (args.first(), args.get(1)) else {
        return Err(usage.into());
    };
    let i = args.iter().position(|a| a == "--other").ok_or(usage)?;
    let (Some(sel_other), Some(rep_other)) = (args.get(i + 1), args.get(i + 2)) else {
        return Err(usage.into());
    };
    let model = Model::embedded();
    let sel = corpus::label_lines_of(sel_dir)?;
    let rep = corpus::label_lines_of(rep_dir)?;
    let sel_o = other(sel_other)?;
    let rep_o = other(rep_other)?;
    println!(
        "selection half: {} lines, {} other-language snippets {}; report half: {} lines, {} snippets {}",
        lines(&sel),
        sel_o.len(),
        per_lang(&sel_o),
        lines(&rep),
        rep_o.len(),
        per_lang(&rep_o)
    );
    let current = DetectOptions::default();
    let chosen = sweep(model, &sel, &sel_o, &current);
    let mut settings = vec![("current".to_string(), current.clone())];
    settings.push(("chosen".to_string(), chosen.clone()));
    for spec in flag(&args, "--also").into_iter().flat_map(|a| a.split(';')) {
        settings.push((format!("also {spec}"), parse(spec, &current)?));
    }
    println!(
        "\n== current defaults and chosen values: {}",
        changes(&chosen)
    );
    println!("half | setting | {HEADER}");
    let mut summary = Vec::new();
    for (half, data, oth) in [("selection", &sel, &sel_o), ("report", &rep, &rep_o)] {
        let figs: Vec<Figures> = settings
            .iter()
            .map(|(_, o)| evaluate(model, data, oth, o))
            .collect();
        for ((name, _), f) in settings.iter().zip(&figs) {
            let changed = (figs[0].predictions.iter().zip(&f.predictions))
                .filter(|(x, y)| x != y)
                .count();
            println!("{half} | {name} | {} | {changed}", row(f));
        }
        let (a, b) = (&figs[0], &figs[1]);
        summary.push(format!(
            "{half} half macro F1 {:.4} -> {:.4}, other-language {:.3} -> {:.3}, respelled {:.4} -> {:.4}",
            a.macro_f1, b.macro_f1, a.other_acc, b.other_acc, a.respelled_acc, b.respelled_acc
        ));
    }
    let verdict = if chosen == current {
        "defaults confirmed".to_string()
    } else {
        format!("selection picks {}", changes(&chosen))
    };
    println!("PART detect: {verdict}; {}", summary.join("; "));
    Ok(())
}

const HEADER: &str = "macro accuracy | macro F1 | lowest F1 | other-language accuracy | \
                      other outside the model | respelled macro accuracy | labels changed";

/// The sweeps on the selection half and the values the rule picks.
fn sweep(model: &Model, sel: &Data, sel_o: &Other, current: &DetectOptions) -> DetectOptions {
    println!("\n== sweeps on the selection half (others at their defaults)");
    println!("option | value | {HEADER}");
    choose::sweep(KNOBS, current, TOLERANCE, |o| {
        let f = evaluate(model, sel, sel_o, o);
        (format!("{} | -", row(&f)), f.macro_f1, f.other_acc)
    })
}

/// A setting written `name=value,name=value` (option names as in [`KNOBS`]), the rest default.
fn parse(spec: &str, base: &DetectOptions) -> Result<DetectOptions, String> {
    let mut o = base.clone();
    for kv in spec.split(',').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv
            .split_once('=')
            .ok_or(format!("--also: {kv}: expected name=value"))?;
        let knob = KNOBS
            .iter()
            .find(|n| n.name == k)
            .ok_or(format!("--also: no option {k}"))?;
        (knob.set)(&mut o, v.parse().map_err(|e| format!("--also: {kv}: {e}"))?);
    }
    Ok(o)
}

fn lines(data: &Data) -> usize {
    data.iter().map(|(_, l)| l.len()).sum()
}

/// The other-language snippets of an extract-eval truth file.
fn other(path: &str) -> Result<Other, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let page: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path}: {e}"))?;
        let lang = page["lang"].as_str().unwrap_or_default();
        let Some(&(_, code)) = OTHER_LANGS.iter().find(|(l, _)| *l == lang) else {
            continue;
        };
        for s in page["with"].as_array().into_iter().flatten() {
            let s = s.as_str().unwrap_or_default();
            let letters = s.chars().filter(|c| c.is_alphabetic()).count();
            if s.split_whitespace().count() >= 4 && letters >= 20 {
                out.push((code.to_string(), s.to_string()));
            }
        }
    }
    Ok(out)
}

fn per_lang(o: &Other) -> String {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for (l, _) in o {
        *n.entry(l).or_default() += 1;
    }
    let parts: Vec<String> = n.iter().map(|(l, c)| format!("{l} {c}")).collect();
    format!("({})", parts.join(", "))
}

fn evaluate(model: &Model, data: &Data, oth: &Other, opts: &DetectOptions) -> Figures {
    let mut predictions = Vec::new();
    let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
    let mut right = Vec::new();
    for (label, lines) in data {
        let mut ok = 0;
        for l in lines {
            let got = model.detect_with(l, opts).lang;
            ok += usize::from(got == *label);
            *claimed.entry(got.clone()).or_default() += 1;
            predictions.push(got);
        }
        right.push(ok);
    }
    let (mut accs, mut f1s) = (Vec::new(), Vec::new());
    let mut lowest = (f64::INFINITY, String::new());
    for ((label, lines), &ok) in data.iter().zip(&right) {
        let acc = ok as f64 / lines.len().max(1) as f64;
        let c = claimed.get(label).copied().unwrap_or(0);
        let precision = if c == 0 { 0.0 } else { ok as f64 / c as f64 };
        let f1 = if acc + precision == 0.0 {
            0.0
        } else {
            2.0 * acc * precision / (acc + precision)
        };
        if f1 < lowest.0 {
            lowest = (f1, label.clone());
        }
        accs.push(acc);
        f1s.push(f1);
    }
    let labels = model.labels();
    let (mut other_ok, mut other_out) = (0, 0);
    for (lang, text) in oth {
        let got = model.detect_with(text, opts).lang;
        other_ok += usize::from(got == *lang);
        other_out += usize::from(!labels.contains(&got));
        predictions.push(got);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let share = |n: usize| n as f64 / oth.len().max(1) as f64;
    let respelled: Vec<f64> = respell(data)
        .iter()
        .map(|(label, lines)| {
            let ok = lines
                .iter()
                .filter(|l| model.detect_with(l, opts).lang == *label)
                .count();
            ok as f64 / lines.len().max(1) as f64
        })
        .collect();
    Figures {
        macro_acc: mean(&accs),
        macro_f1: mean(&f1s),
        lowest_f1: lowest,
        other_acc: share(other_ok),
        other_out: share(other_out),
        respelled_acc: mean(&respelled),
        predictions,
    }
}

fn row(f: &Figures) -> String {
    format!(
        "{:.4} | {:.4} | {:.3} ({}) | {:.3} | {:.3} | {:.4}",
        f.macro_acc,
        f.macro_f1,
        f.lowest_f1.0,
        f.lowest_f1.1,
        f.other_acc,
        f.other_out,
        f.respelled_acc
    )
}

/// The lines of each label with its 3rd and 6th most frequent letters (in that label's lines,
/// lower-cased) written as `ꝏ` and `ƺ`, letters no training text has: a stand-in for text in an
/// orthography the training text lacks, whose 4-grams the model mostly does not know, so the
/// whatlang gate opens on it (as in `langid_select`'s respelled figure).
fn respell(data: &Data) -> Data {
    const NEW: [char; 2] = ['\u{A74F}', '\u{01BA}'];
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    data.iter()
        .map(|(label, lines)| {
            let mut freq: BTreeMap<char, usize> = BTreeMap::new();
            for c in lines
                .iter()
                .flat_map(|l| l.chars())
                .filter(|c| c.is_alphabetic())
            {
                *freq.entry(lower(c)).or_default() += 1;
            }
            let mut ranked: Vec<(char, usize)> = freq.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let from: Vec<char> = [2, 5]
                .iter()
                .filter_map(|&i| ranked.get(i))
                .map(|r| r.0)
                .collect();
            let map = |c: char| {
                from.iter()
                    .position(|&f| f == lower(c))
                    .map_or(c, |i| NEW[i])
            };
            let out = lines.iter().map(|l| l.chars().map(map).collect()).collect();
            (label.clone(), out)
        })
        .collect()
}

/// The options that differ from the defaults, `name=value`.
fn changes(o: &DetectOptions) -> String {
    choose::changes(KNOBS, o, &DetectOptions::default())
}
