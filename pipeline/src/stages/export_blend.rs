//! `export/blend.json` and `export/megatron-data-args.txt`: the language mixture of a grouped
//! export (`group_by = "lang"` or `"lang_source"`), as Megatron-LM takes it.
//!
//! Each language gets a weight from `minga_tokenizer::blend_weights` (temperature over languages,
//! at most `max_epochs` passes over its tokens in `train_tokens`); a language's datasets share its
//! weight in proportion to their tokens, so every part of it is read at the same rate. Prefixes are
//! relative to the export directory (run Megatron from there, or prepend the directory), which
//! keeps the files the same wherever the workdir is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_tokenizer::{blend_weights, BlendRow, ExportStats, TrainConfig};
use serde::{Deserialize, Serialize};

use crate::stages::export::ExportJob;

pub const BLEND_JSON: &str = "blend.json";
pub const DATA_ARGS: &str = "megatron-data-args.txt";

/// One Megatron dataset of the blend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlendDataset {
    /// Relative to the export directory, without `.bin`/`.idx`.
    pub prefix: String,
    pub lang: String,
    pub tokens: u64,
    /// Share of the training tokens drawn from it (the weights of all datasets sum to 1).
    pub weight: f64,
}

/// `blend.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blend {
    pub minga_version: String,
    pub tokenizer_blake3: String,
    pub group_by: minga_tokenizer::GroupBy,
    pub alpha: f64,
    /// Where `alpha` came from: `[export.blend]`, the tokenizer's `release.json`, or the default.
    pub alpha_from: String,
    pub max_epochs: f64,
    pub train_tokens: u64,
    /// Exported tokens, EOD included.
    pub tokens: u64,
    pub languages: BTreeMap<String, BlendRow>,
    pub datasets: Vec<BlendDataset>,
    /// Megatron's `--data-path` list: weight, prefix, weight, prefix ...
    pub data_path: Vec<serde_json::Value>,
}

/// The blend's `alpha` and where it came from: `[export.blend] alpha`, else the `alpha` in the
/// `release.json` beside the tokenizer (the mixture the vocabulary was balanced for), else the
/// tokenizer default.
pub fn blend_alpha(job: &ExportJob) -> (f64, String) {
    if let Some(a) = job.config.blend.alpha {
        return (a, "[export.blend] alpha".into());
    }
    let release = job.config.tokenizer.with_file_name("release.json");
    let from_release = std::fs::read_to_string(&release)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["config"]["alpha"].as_f64());
    match from_release {
        Some(a) => (a, "the tokenizer's release.json".into()),
        None => (TrainConfig::default().alpha, "default".into()),
    }
}

/// Builds the blend of a finished grouped export from its `export.json` totals.
pub fn build_blend(job: &ExportJob, stats: &ExportStats) -> Result<Blend> {
    let cfg = &job.config.blend;
    let (alpha, alpha_from) = blend_alpha(job);
    let mut datasets = Vec::new();
    let mut by_lang: BTreeMap<String, u64> = BTreeMap::new();
    for s in &stats.shards {
        let mut langs = s.by_lang.iter();
        let (Some((lang, _)), None) = (langs.next(), langs.next()) else {
            bail!(
                "{}: a dataset of a grouped export must hold one language",
                s.prefix
            );
        };
        *by_lang.entry(lang.clone()).or_default() += s.tokens;
        datasets.push(BlendDataset {
            prefix: s.prefix.clone(),
            lang: lang.clone(),
            tokens: s.tokens,
            weight: 0.0,
        });
    }
    let train_tokens = cfg.train_tokens.unwrap_or(stats.tokens);
    let languages = blend_weights(&by_lang, alpha, cfg.max_epochs, train_tokens)?;
    let mut data_path = Vec::new();
    for d in &mut datasets {
        let row = &languages[&d.lang];
        d.weight = row.weight * d.tokens as f64 / row.tokens as f64;
        data_path.push(serde_json::json!(d.weight));
        data_path.push(serde_json::json!(d.prefix));
    }
    Ok(Blend {
        minga_version: env!("CARGO_PKG_VERSION").into(),
        tokenizer_blake3: stats.tokenizer_blake3.clone(),
        group_by: job.config.group_by,
        alpha,
        alpha_from,
        max_epochs: cfg.max_epochs,
        train_tokens,
        tokens: stats.tokens,
        languages,
        datasets,
        data_path,
    })
}

/// Writes `blend.json` and `megatron-data-args.txt` (one line: `w1 prefix1 w2 prefix2 ...`, for
/// `--data-args-path` or `--data-path $(cat ...)`).
pub fn write_blend(out: &Path, blend: &Blend) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(blend)?;
    json.push(b'\n');
    let mut line = String::new();
    for d in &blend.datasets {
        let _ = write!(
            line,
            "{}{} {}",
            if line.is_empty() { "" } else { " " },
            d.weight,
            d.prefix
        );
    }
    line.push('\n');
    minga_manifests::atomic_write(&out.join(DATA_ARGS), line.as_bytes())?;
    minga_manifests::atomic_write(&out.join(BLEND_JSON), &json)
        .with_context(|| format!("cannot write {}", out.join(BLEND_JSON).display()))
}

/// The blend as a Markdown table (stderr of `minga export`, the data card).
pub fn blend_table(blend: &Blend) -> String {
    let mut s = format!(
        "| lang | tokens | natural share | weight | epochs over {} tokens |\n|---|---:|---:|---:|---:|\n",
        blend.train_tokens
    );
    for (lang, r) in &blend.languages {
        let _ = writeln!(
            s,
            "| {lang} | {} | {:.2}% | {:.2}% | {:.2}{} |",
            r.tokens,
            100.0 * r.natural,
            100.0 * r.weight,
            r.epochs,
            if r.capped { " (cap)" } else { "" }
        );
    }
    s
}
