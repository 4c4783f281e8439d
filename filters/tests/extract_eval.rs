//! Scores `extract` on `../shared/data/extract-eval` with the rule of its README (snippet
//! precision/recall, micro-averaged). The pages are split by a fixed rule on the page id
//! ([`is_report`]): heuristics are developed on the dev half only, and the quality bar is checked
//! on the report half. Skips with a message when the shared data is not there (a fresh clone).

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

/// FNV-1a, 64 bits, of the page id's UTF-8 bytes.
fn fnv1a64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// MurmurHash3's 64-bit finalizer: FNV-1a alone leaves the top bits of short ids ("103") unmixed.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The split rule (also in `bench/extract_split.py`): a page belongs to the report half when the
/// top bit of fmix64(FNV-1a-64(id)) is set, else to the dev half (341 dev, 358 report pages).
fn is_report(id: &str) -> bool {
    fmix64(fnv1a64(id)) >> 63 == 1
}

/// Report-half F1 floor: just under what `extract` reaches there (see bench/RESULTS-extract.md).
const REPORT_F1_FLOOR: f64 = 0.92;

fn print_row(name: &str, c: &Counts) {
    eprintln!(
        "{name:<10} pages {:>4}  precision {:.3}  recall {:.3}  F1 {:.3}",
        c.pages,
        c.precision(),
        c.recall(),
        c.f1()
    );
}

#[test]
fn extract_eval_report_half_f1_floor() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/extract-eval");
    let Ok(truth) = std::fs::read_to_string(dir.join("truth.jsonl")) else {
        eprintln!("skipping: ../shared/data not found (no extract-eval/truth.jsonl)");
        return;
    };
    // Keys: "<split> <lang>", with lang "all" for the whole split.
    let mut by: BTreeMap<String, Counts> = BTreeMap::new();
    for line in truth.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).expect("truth.jsonl line is JSON");
        let file = rec["file"].as_str().expect("truth record has a file");
        let id = rec["id"].as_str().expect("truth record has an id");
        let bytes = std::fs::read(dir.join(file)).expect("page listed in truth.jsonl exists");
        let out = norm(&extract(&String::from_utf8_lossy(&bytes)).text);
        let (with, without) = (strings(&rec, "with"), strings(&rec, "without"));
        let tp = with.iter().filter(|s| out.contains(&norm(s))).count() as u32;
        let fp = without.iter().filter(|s| out.contains(&norm(s))).count() as u32;
        let split = if is_report(id) { "report" } else { "dev" };
        let lang = rec["lang"].as_str().unwrap_or("?");
        for key in [format!("{split} all"), format!("{split} {lang}")] {
            let c = by.entry(key).or_default();
            c.pages += 1;
            c.tp += tp;
            c.fp += fp;
            c.fn_ += with.len() as u32 - tp;
        }
    }
    for split in ["dev", "report"] {
        for lang in ["all", "es", "pt"] {
            if let Some(c) = by.get(&format!("{split} {lang}")) {
                print_row(&format!("{split} {lang}"), c);
            }
        }
    }
    let report = by.get("report all").expect("report half has pages");
    assert!(by.get("dev all").is_some_and(|c| c.pages > 300) && report.pages > 300);
    assert!(
        report.f1() >= REPORT_F1_FLOOR,
        "report-half F1 {:.4} < {REPORT_F1_FLOOR} ({report:?})",
        report.f1()
    );
}

#[test]
fn split_rule_is_fixed() {
    // FNV-1a-64 reference values; the split must not move when the code around it changes.
    assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fmix64(fnv1a64("a")), 0x82a2_a958_a9be_ce5b);
    assert!(is_report("0a12df42d1764095989ab078ee0f940b"));
    assert!(!is_report("0a24692a9ea846c1819bd6a5f92a8874"));
}

#[test]
fn python_whitespace_rule() {
    assert_eq!(norm("  a\u{a0}\u{3000}b\n\tc \u{1f}"), "a b c");
    assert_eq!(norm("x\u{200b}y"), "x\u{200b}y");
}
