//! Scores `extract` on `../shared/data/extract-eval` with the rule of its README (snippet
//! precision/recall, micro-averaged) and checks the quality bar F1 >= 0.90. Skips with a message
//! when the shared data is not there (a fresh clone).

use minga_filters::extract::extract;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Python's `\s` for `str` patterns: ASCII whitespace, the separators U+001C..U+001F, and the
/// Unicode whitespace characters.
fn is_py_space(c: char) -> bool {
    matches!(c,
        '\t'..='\r' | '\u{1c}'..='\u{20}' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
        | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Every whitespace run becomes one space, ends trimmed.
fn norm(s: &str) -> String {
    s.split(is_py_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default, Debug)]
struct Counts {
    pages: u32,
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            0.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn strings(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn extract_eval_f1_at_least_0_90() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/extract-eval");
    let Ok(truth) = std::fs::read_to_string(dir.join("truth.jsonl")) else {
        eprintln!("skipping: ../shared/data not found (no extract-eval/truth.jsonl)");
        return;
    };
    let mut total = Counts::default();
    let mut by_lang: BTreeMap<String, Counts> = BTreeMap::new();
    for line in truth.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).expect("truth.jsonl line is JSON");
        let file = rec["file"].as_str().expect("truth record has a file");
        let bytes = std::fs::read(dir.join(file)).expect("page listed in truth.jsonl exists");
        let out = norm(&extract(&String::from_utf8_lossy(&bytes)).text);
        let (with, without) = (strings(&rec, "with"), strings(&rec, "without"));
        let tp = with.iter().filter(|s| out.contains(&norm(s))).count() as u32;
        let fp = without.iter().filter(|s| out.contains(&norm(s))).count() as u32;
        let lang = rec["lang"].as_str().unwrap_or("?").to_string();
        for c in [&mut total, by_lang.entry(lang).or_default()] {
            c.pages += 1;
            c.tp += tp;
            c.fp += fp;
            c.fn_ += with.len() as u32 - tp;
        }
    }
    for (lang, c) in by_lang.iter().chain([(&"ALL".to_string(), &total)]) {
        eprintln!(
            "{lang:<4} pages {:>4}  precision {:.3}  recall {:.3}  F1 {:.3}",
            c.pages,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    assert!(total.pages > 0, "no pages scored");
    assert!(
        total.f1() >= 0.90,
        "F1 {:.4} < 0.90 ({total:?})",
        total.f1()
    );
}

#[test]
fn python_whitespace_rule() {
    assert_eq!(norm("  a\u{a0}\u{3000}b\n\tc \u{1f}"), "a b c");
    assert_eq!(norm("x\u{200b}y"), "x\u{200b}y");
}
