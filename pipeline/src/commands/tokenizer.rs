//! `minga tokenizer train|eval`: the tokenizer release over a stage dir, and fertility tables.
//!
//! Training is a global (reduce) step: it reads every part of a finished stage twice (language
//! sizes, then the weighted sample), so it requires the input stage's `_manifest.json`, whose
//! output digests become the release's training-data record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use minga_manifests::{list_parts, ShardReader, StageManifest, MANIFEST_FILE, REJECTED_DIR};
use minga_tokenizer::{
    compare_markdown, eval, read_text_dir, write_release, Corpus, CorpusDoc, EvalTable, Release,
    TokError, TrainConfig,
};

use crate::config::PipelineConfig;

/// Directory of the release bundle inside a workdir.
pub const STAGE: &str = "tokenizer";
/// Language label of documents without one (a stage dir that did not go through langid).
const NO_LANG: &str = "und";

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
                Some(p) => section(p)?,
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

/// `[tokenizer]` of a pipeline config.
pub fn section(path: &Path) -> Result<TrainConfig> {
    let (cfg, _) = PipelineConfig::load(path)?;
    from_table(cfg.tokenizer)
}

pub fn from_table(table: Option<toml::Table>) -> Result<TrainConfig> {
    match table {
        Some(t) => {
            let cfg: TrainConfig = t.try_into().context("invalid [tokenizer] section")?;
            // Out-of-range values (alpha < 0, min_share >= 1, ...) fail with the config, not
            // after the document stages have run.
            cfg.validate().context("invalid [tokenizer] section")?;
            Ok(cfg)
        }
        None => Ok(TrainConfig::default()),
    }
}

/// Trains on the documents of `input` and writes the release bundle into `out`.
pub fn train_release(
    input: &Path,
    out: &Path,
    cfg: &TrainConfig,
    held_out: Option<&BTreeMap<String, Vec<String>>>,
    references: &[String],
) -> Result<()> {
    let data_manifests = training_manifests(input)?;
    let mut corpus = ShardCorpus::open(input)?;
    let outcome = minga_tokenizer::train(&mut corpus, cfg)
        .with_context(|| format!("tokenizer training on {}", input.display()))?;
    if outcome.vocab_size < cfg.vocab_size {
        eprintln!(
            "tokenizer: the corpus supports {} tokens, below vocab_size {}: the release has {} \
             (every pair seen at least min_frequency = {} times was merged)",
            outcome.vocab_size, cfg.vocab_size, outcome.vocab_size, cfg.min_frequency
        );
    }
    let (table, refs) = match held_out {
        Some(texts) => {
            let t = eval("minga", &outcome.tokenizer_json, texts)?;
            (Some(t), eval_references(references, texts)?)
        }
        None => (None, Vec::new()),
    };
    write_release(
        out,
        &Release {
            outcome: &outcome,
            config: cfg,
            eval: table.as_ref(),
            references: &refs,
            data_manifests: &data_manifests,
        },
    )?;
    eprintln!(
        "tokenizer: {} languages, {} distinct words, {} tokens ({} merges) in {:.1} s -> {}",
        outcome.mix.languages.len(),
        outcome.counts.distinct_words,
        outcome.vocab_size,
        outcome.merges,
        outcome.timings.measure_s + outcome.timings.count_s + outcome.timings.merge_s,
        out.display()
    );
    Ok(())
}

/// The `minga run` step: trains once the input stage is complete; with `--resume`, keeps a
/// release made from the same data and config. Returns whether a release is in place.
pub fn pipeline_step(input: &Path, out: &Path, cfg: &TrainConfig, resume: bool) -> Result<bool> {
    if !input.join(MANIFEST_FILE).exists() {
        eprintln!(
            "tokenizer: waits for {} (the input stage is not finished)",
            input.join(MANIFEST_FILE).display()
        );
        return Ok(false);
    }
    if resume && release_is_current(input, out, cfg)? {
        eprintln!(
            "tokenizer: release in {} is current (resume)",
            out.display()
        );
        return Ok(true);
    }
    train_release(input, out, cfg, None, &[])?;
    Ok(true)
}

/// True when `out/release.json` was made from the same training data and config.
fn release_is_current(input: &Path, out: &Path, cfg: &TrainConfig) -> Result<bool> {
    let Ok(text) = std::fs::read_to_string(out.join("release.json")) else {
        return Ok(false);
    };
    let Ok(old) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(false);
    };
    let data = serde_json::to_value(training_manifests(input)?)?;
    let tokenizer_intact = std::fs::read(out.join("tokenizer.json")).is_ok_and(|b| {
        old.get("tokenizer_blake3").and_then(|v| v.as_str())
            == Some(blake3::hash(&b).to_hex().as_str())
    });
    Ok(old.get("data_manifests") == Some(&data)
        && old.get("config") == Some(&serde_json::to_value(cfg)?)
        && tokenizer_intact
        && minga_tokenizer::RELEASE_FILES
            .iter()
            .all(|f| out.join(f).exists()))
}

/// The document shards listed in the input stage's `_manifest.json` with their BLAKE3, keyed by
/// path relative to the stage dir's parent (`dedup/part-00000.parquet`).
fn training_manifests(input: &Path) -> Result<BTreeMap<String, String>> {
    let path = input.join(MANIFEST_FILE);
    if !path.exists() {
        bail!(
            "{} is missing: the tokenizer trains on a finished stage (run every shard of it first)",
            path.display()
        );
    }
    let m = StageManifest::read(&path)?;
    let stage = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| m.stage.clone());
    // The manifest file itself is not hashed: it holds run times, and the release must not
    // change when the same data is rebuilt.
    let mut out = BTreeMap::new();
    for o in m
        .outputs
        .iter()
        .filter(|o| !o.path.starts_with(REJECTED_DIR))
    {
        out.insert(format!("{stage}/{}", o.path), o.blake3.clone());
    }
    Ok(out)
}

/// Streams `(lang, text)` of every document of a stage dir, part by part, one row group at a time.
pub struct ShardCorpus {
    parts: Vec<PathBuf>,
}

impl ShardCorpus {
    pub fn open(dir: &Path) -> Result<Self> {
        let parts: Vec<PathBuf> = list_parts(dir)
            .with_context(|| format!("no input shards in {}", dir.display()))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        if parts.is_empty() {
            bail!("{} holds no part-NNNNN.parquet shards", dir.display());
        }
        Ok(ShardCorpus { parts })
    }
}

impl Corpus for ShardCorpus {
    fn for_each_doc(&mut self, sink: &mut dyn FnMut(CorpusDoc<'_>)) -> Result<(), TokError> {
        for p in &self.parts {
            crate::runner::checked_input(p).map_err(|e| TokError::Corpus(format!("{e:#}")))?;
            let mut r = ShardReader::open(p).map_err(|e| TokError::Corpus(e.to_string()))?;
            while let Some((docs, _)) = r
                .next_batch()
                .map_err(|e| TokError::Corpus(e.to_string()))?
            {
                for d in &docs {
                    sink(CorpusDoc {
                        lang: d.lang.as_deref().unwrap_or(NO_LANG),
                        source: &d.source,
                        text: &d.text,
                    });
                }
            }
        }
        Ok(())
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

/// Parses `NAME=PATH.json`.
fn parse_reference(spec: &str) -> Result<(&str, &Path)> {
    match spec.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok((name, Path::new(path))),
        _ => bail!("--reference {spec:?}: expected NAME=PATH.json"),
    }
}

fn eval_references(
    specs: &[String],
    texts: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<EvalTable>> {
    specs
        .iter()
        .map(|spec| {
            let (name, path) = parse_reference(spec)?;
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read reference {}", path.display()))?;
            eval(name, &json, texts).with_context(|| format!("reference {}", path.display()))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_section_parses_and_rejects_unknown_keys() {
        let t: toml::Table =
            toml::from_str("vocab_size = 1000\nalpha = 0.5\nsource_alpha = 1.0").unwrap();
        let c = from_table(Some(t)).unwrap();
        assert_eq!((c.vocab_size, c.alpha, c.source_alpha), (1000, 0.5, 1.0));
        let negative = TrainConfig {
            source_alpha: -0.1,
            ..TrainConfig::default()
        };
        assert!(negative
            .validate()
            .unwrap_err()
            .to_string()
            .contains("source_alpha"));
        assert_eq!(c.max_repeat, TrainConfig::default().max_repeat);
        let bad: toml::Table = toml::from_str("vocab = 1000").unwrap();
        assert!(from_table(Some(bad)).is_err());
        let floor: toml::Table = toml::from_str("min_share = 0.02").unwrap();
        assert_eq!(from_table(Some(floor)).unwrap().min_share, 0.02);
        let too_high: toml::Table = toml::from_str("min_share = 1.0").unwrap();
        assert!(format!("{:#}", from_table(Some(too_high)).unwrap_err()).contains("min_share"));
        assert_eq!(from_table(None).unwrap(), TrainConfig::default());
    }

    #[test]
    fn reference_specs_need_a_name_and_a_path() {
        let (n, p) = parse_reference("llama3=ref/tokenizer.json").unwrap();
        assert_eq!((n, p), ("llama3", Path::new("ref/tokenizer.json")));
        assert!(parse_reference("llama3").is_err());
        assert!(parse_reference("=x.json").is_err());
    }
}
