//! `minga tokenizer train|eval`: the tokenizer release over a stage dir (trained by
//! `stages::tokenizer`), and fertility tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use minga_tokenizer::{compare_markdown, eval, read_text_dir, Corpus, EvalTable, TrainConfig};

use crate::stages::tokenizer::{eval_references, train_release, ShardCorpus};

#[derive(Debug, Subcommand)]
pub enum TokenizerCommand {
    /// Train a language-balanced BPE tokenizer on a stage dir and write the release bundle.
    Train(TrainArgs),
    /// Fertility per language (tokens/word, chars/token, bytes/token, words in >= 4 pieces).
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Input stage dir (Parquet shards with `_manifest.json`, e.g. workdir/dedup).
    #[arg(long = "in", value_name = "DIR")]
    pub input: PathBuf,
    /// Release dir: tokenizer.json, release.json, TOKENIZER_CARD.md.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Pipeline config whose [tokenizer] section to use.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Vocabulary size, special tokens included (overrides [tokenizer] vocab_size).
    #[arg(long, value_name = "N")]
    pub vocab_size: Option<usize>,
    /// Sampling exponent: language shares ∝ bytes^alpha (overrides [tokenizer] alpha).
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// The same over the sources of one language (overrides [tokenizer] source_alpha).
    #[arg(long, value_name = "B")]
    pub source_alpha: Option<f64>,
    /// Held-out `<lang>.txt` files (one text per line) to measure the release on.
    #[arg(long, value_name = "DIR")]
    pub eval_dir: Option<PathBuf>,
    /// Reference tokenizers measured on the same held-out text (needs --eval-dir).
    #[arg(long, value_name = "NAME=PATH.json")]
    pub reference: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The tokenizer.json under test.
    #[arg(long)]
    pub tokenizer: PathBuf,
    /// A stage dir: documents grouped by their `lang` column.
    #[arg(long = "in", value_name = "DIR", conflicts_with = "text_dir")]
    pub input: Option<PathBuf>,
    /// A dir of `<lang>.txt` files, one text per line (e.g. ../shared/data/langid/dev).
    #[arg(long, value_name = "DIR")]
    pub text_dir: Option<PathBuf>,
    /// Other tokenizers to measure on the same text.
    #[arg(long, value_name = "NAME=PATH.json")]
    pub reference: Vec<String>,
    /// Also write the tables as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub fn run(cmd: &TokenizerCommand) -> Result<()> {
    match cmd {
        TokenizerCommand::Train(a) => {
            let mut cfg = match &a.config {
                Some(p) => crate::stages::config_check::load_sections(p)?.tokenizer,
                None => TrainConfig::default(),
            };
            if let Some(v) = a.vocab_size {
                cfg.vocab_size = v;
            }
            if let Some(al) = a.alpha {
                cfg.alpha = al;
            }
            if let Some(b) = a.source_alpha {
                cfg.source_alpha = b;
            }
            let held_out = match &a.eval_dir {
                Some(d) => Some(read_text_dir(d)?),
                None if !a.reference.is_empty() => bail!("--reference needs --eval-dir"),
                None => None,
            };
            train_release(&a.input, &a.out, &cfg, held_out.as_ref(), &a.reference)
        }
        TokenizerCommand::Eval(a) => run_eval(a),
    }
}

/// Texts of a stage dir grouped by language (for `eval --in`).
fn texts_of_stage(dir: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut corpus = ShardCorpus::open(dir)?;
    corpus.for_each_doc(&mut |d| {
        out.entry(d.lang.to_string())
            .or_default()
            .push(d.text.to_string())
    })?;
    Ok(out)
}

fn run_eval(a: &EvalArgs) -> Result<()> {
    let texts = match (&a.input, &a.text_dir) {
        (Some(d), None) => texts_of_stage(d)?,
        (None, Some(d)) => read_text_dir(d)?,
        _ => bail!("minga tokenizer eval needs --in DIR or --text-dir DIR"),
    };
    if texts.is_empty() {
        bail!("no texts to measure");
    }
    let json = std::fs::read_to_string(&a.tokenizer)
        .with_context(|| format!("cannot read {}", a.tokenizer.display()))?;
    let name = a
        .tokenizer
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "minga".into());
    let main = eval(&name, &json, &texts)
        .with_context(|| format!("tokenizer {}", a.tokenizer.display()))?;
    let refs = eval_references(&a.reference, &texts)?;
    println!("{}", main.to_markdown());
    for r in &refs {
        println!("{}", r.to_markdown());
    }
    if !refs.is_empty() {
        let all: Vec<&EvalTable> = std::iter::once(&main).chain(refs.iter()).collect();
        println!("Tokens per word:\n\n{}", compare_markdown(&all));
    }
    if let Some(out) = &a.json {
        let v = serde_json::json!({ "tokenizer": main, "references": refs });
        let mut bytes = serde_json::to_vec_pretty(&v)?;
        bytes.push(b'\n');
        minga_manifests::atomic_write(out, &bytes)?;
    }
    Ok(())
}
