//! Threshold calibration: each language's bounds derived from clean reference text of that
//! language, so a new language gets bounds from data instead of Spanish defaults.
//!
//! Method, for every rule marked `calibrated` in the rule table: compute the signal on every
//! reference document; take the quantile that leaves `tail` of the documents outside (the low
//! tail for a `min` rule, the high tail for a `max` rule); widen it by `slack` (relative); round
//! outwards to 3 decimals. With `relax_only` (the default) a bound only ever moves to keep more
//! text than the base bound would, so calibration on clean text cannot make a rule stricter
//! than the published defaults. The stop-word rule is kept at its base count only if at least
//! `1 - tail` of the reference documents reach it, and turned off otherwise.

use super::rules::{Kind, ThresholdOverrides, Thresholds, RULES};
use super::signals::{compute_signals, Signal, Signals};
use super::stopwords::StopWords;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Options of [`calibrate`].
#[derive(Clone, Debug)]
pub struct CalibrateOptions<'a> {
    /// Share of reference documents a calibrated bound may reject, per rule.
    pub tail: f64,
    /// Relative widening of the quantile (0.1 = 10 %).
    pub slack: f64,
    /// Only ever loosen the base bounds.
    pub relax_only: bool,
    /// Languages with fewer reference documents are left out.
    pub min_docs: usize,
    /// Bounds the calibrated ones start from (and the ones of uncalibrated rules).
    pub base: Thresholds,
    /// Stop-word lists for the stop-word signal.
    pub stop_words: &'a StopWords,
}

impl Default for CalibrateOptions<'static> {
    fn default() -> Self {
        Self {
            tail: 0.005,
            slack: 0.1,
            relax_only: true,
            min_docs: 20,
            base: Thresholds::default(),
            stop_words: StopWords::embedded(),
        }
    }
}

/// Calibration of one language: how many documents, the quantile measured per calibrated
/// rule, and the bounds that differ from the base.
#[derive(Clone, Debug, PartialEq)]
pub struct LangCalibration {
    pub docs: usize,
    /// `(rule, quantile)` for every calibrated rule with a value.
    pub quantiles: Vec<(&'static str, f64)>,
    pub overrides: ThresholdOverrides,
}

/// Each language's full thresholds: the base with its calibrated bounds.
pub fn calibrate(
    docs_by_lang: &BTreeMap<String, Vec<String>>,
    opts: &CalibrateOptions,
) -> BTreeMap<String, Thresholds> {
    calibrate_languages(docs_by_lang, opts)
        .into_iter()
        .map(|(lang, cal)| (lang, cal.overrides.apply(&opts.base)))
        .collect()
}

/// Each language's calibration details (see [`LangCalibration`]).
pub fn calibrate_languages(
    docs_by_lang: &BTreeMap<String, Vec<String>>,
    opts: &CalibrateOptions,
) -> BTreeMap<String, LangCalibration> {
    docs_by_lang
        .iter()
        .filter(|(_, docs)| docs.len() >= opts.min_docs.max(1))
        .map(|(lang, docs)| {
            let signals: Vec<Signals> = docs
                .iter()
                .map(|d| compute_signals(d, lang, opts.stop_words))
                .collect();
            (lang.clone(), calibrate_one(&signals, opts))
        })
        .collect()
}

fn calibrate_one(signals: &[Signals], opts: &CalibrateOptions) -> LangCalibration {
    let mut out = LangCalibration {
        docs: signals.len(),
        quantiles: Vec::new(),
        overrides: ThresholdOverrides::default(),
    };
    for (rule, base) in RULES.iter().zip(opts.base.bounds()) {
        if !rule.calibrated {
            continue;
        }
        let mut values: Vec<f64> = signals
            .iter()
            .map(|s| f64::from(s.get(rule.signal)))
            .filter(|v| !v.is_nan())
            .collect();
        if values.is_empty() {
            continue;
        }
        values.sort_by(f64::total_cmp);
        let q = quantile(&values, rule.kind, opts.tail);
        out.quantiles.push((rule.name, q));
        let bound = if rule.signal == Signal::StopWordCount {
            stop_word_bound(q, base, opts.relax_only)
        } else {
            widened_bound(q, rule.kind, base, opts)
        };
        if bound != base {
            out.overrides.set(rule.name, bound);
        }
    }
    out
}

/// The value with at most `tail` of the sorted `values` beyond it on the failing side.
fn quantile(values: &[f64], kind: Kind, tail: f64) -> f64 {
    let n = values.len();
    let k = ((tail.clamp(0.0, 1.0) * n as f64).floor() as usize).min(n - 1);
    match kind {
        Kind::Min => values[k],
        Kind::Max => values[n - 1 - k],
    }
}

fn widened_bound(q: f64, kind: Kind, base: Option<f64>, opts: &CalibrateOptions) -> Option<f64> {
    let cand = match kind {
        Kind::Min => ((q * (1.0 - opts.slack)) * 1000.0).floor() / 1000.0,
        Kind::Max => ((q * (1.0 + opts.slack)) * 1000.0).ceil() / 1000.0,
    };
    if !opts.relax_only {
        return Some(cand);
    }
    // An off rule stays off; a bound only moves outwards.
    base.map(|b| match kind {
        Kind::Min => b.min(cand),
        Kind::Max => b.max(cand),
    })
}

fn stop_word_bound(q: f64, base: Option<f64>, relax_only: bool) -> Option<f64> {
    match base {
        Some(b) if q >= b => Some(b),
        Some(_) if relax_only => None,
        // Without relax_only a language whose reference reaches a lower count keeps that.
        _ => (q.floor() >= 1.0).then(|| q.floor()),
    }
}

/// Writes `[filter.lang.<code>]` tables with the calibrated bounds, each language headed by a
/// comment with its document count.
pub fn overrides_to_toml(cal: &BTreeMap<String, LangCalibration>, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    for (lang, c) in cal {
        if c.overrides.is_empty() {
            let _ = writeln!(
                out,
                "\n# {lang}: {} reference documents, the defaults fit",
                c.docs
            );
            continue;
        }
        let _ = writeln!(out, "\n# {lang}: {} reference documents", c.docs);
        let _ = writeln!(out, "[filter.lang.{lang}]");
        let body = toml::to_string(&c.overrides).unwrap_or_default();
        out.push_str(&body);
    }
    out
}

/// Splits reference text into documents: blank-line separated blocks when the text has blank
/// lines, otherwise one document per `group` consecutive lines (a trailing group shorter than
/// half of `group` joins the previous one). Lines of one document are joined with `\n`.
pub fn split_reference_docs(text: &str, group: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    if lines.iter().any(|l| l.trim().is_empty()) {
        return text
            .split("\n\n")
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| b.replace("\r\n", "\n"))
            .collect();
    }
    let group = group.max(1);
    let mut docs: Vec<String> = lines.chunks(group).map(|c| c.join("\n")).collect();
    let rest = lines.len() % group;
    if docs.len() >= 2 && rest != 0 && rest < group.div_ceil(2) {
        if let Some(last) = docs.pop() {
            if let Some(prev) = docs.last_mut() {
                prev.push('\n');
                prev.push_str(&last);
            }
        }
    }
    docs
}

/// Reads the `<lang>.txt` and `<lang>.jsonl` files of `dir` into documents per language: txt
/// through [`split_reference_docs`], jsonl one document per line's `"text"`. Errors name the file
/// (and line).
pub fn read_reference_dir(
    dir: &std::path::Path,
    group: usize,
    docs: &mut BTreeMap<String, Vec<String>>,
) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let (Some(lang), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if ext != "txt" && ext != "jsonl" {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let list = docs.entry(lang.to_string()).or_default();
        if ext == "txt" {
            list.extend(split_reference_docs(&text, group));
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            match v.get("text").and_then(|t| t.as_str()) {
                Some(t) => list.push(t.to_string()),
                None => return Err(format!("{}:{}: no \"text\" field", path.display(), i + 1)),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: usize, word: &str) -> String {
        // Lines of 8 words ending with a period, so the line rules stay quiet.
        let line: Vec<&str> = std::iter::repeat_n(word, 8).collect();
        let line = format!("{}.", line.join(" "));
        let n_lines = words.div_ceil(8);
        (0..n_lines)
            .map(|i| format!("{i} {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn long_words_relax_the_mean_length_bound_and_short_ones_keep_it() {
        let stop = StopWords::default();
        let opts = CalibrateOptions {
            stop_words: &stop,
            min_docs: 1,
            ..CalibrateOptions::default()
        };
        let mut docs = BTreeMap::new();
        docs.insert("xxa".to_string(), vec![doc(80, "kawsaypachakunapaq"); 30]);
        docs.insert("xxb".to_string(), vec![doc(80, "casa"); 30]);
        let cal = calibrate(&docs, &opts);
        let long = cal["xxa"].max_mean_word_length.unwrap_or(0.0);
        assert!(long > 10.0, "{long}");
        assert_eq!(cal["xxb"].max_mean_word_length, Some(10.0));
        // The n-gram rules moved out for the repetitive texts, never inwards.
        assert!(cal["xxb"].max_top_2gram_char_frac >= Some(0.2));
    }

    #[test]
    fn stop_word_rule_turns_off_when_the_reference_lacks_them() {
        let stop = StopWords::from_lists([
            ("xxa".to_string(), vec!["ri"]),
            ("xxb".to_string(), vec!["casa"]),
        ]);
        let opts = CalibrateOptions {
            stop_words: &stop,
            min_docs: 1,
            ..CalibrateOptions::default()
        };
        let mut docs = BTreeMap::new();
        docs.insert("xxa".to_string(), vec![doc(80, "kawsay"); 30]);
        docs.insert("xxb".to_string(), vec![doc(80, "casa"); 30]);
        let cal = calibrate(&docs, &opts);
        assert_eq!(cal["xxa"].min_stop_words, None);
        assert_eq!(cal["xxb"].min_stop_words, Some(2.0));
    }

    #[test]
    fn reference_text_splits_by_blank_lines_or_groups() {
        assert_eq!(split_reference_docs("a\nb\n\nc\n", 10), ["a\nb", "c"]);
        let lines: Vec<String> = (0..23).map(|i| format!("l{i}")).collect();
        let docs = split_reference_docs(&lines.join("\n"), 10);
        assert_eq!(docs.len(), 2);
        assert!(docs[1].ends_with("l22") && docs[1].starts_with("l10"));
        let docs = split_reference_docs(&lines.join("\n"), 4);
        assert_eq!(docs.len(), 6);
    }
}
