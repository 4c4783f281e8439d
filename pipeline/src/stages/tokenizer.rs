//! The tokenizer stage: a language-balanced BPE release trained on a finished document stage
//! (`minga run`'s `tokenizer` step and `minga tokenizer train`).
//!
//! Training is a global (reduce) step: it reads every part of a finished stage twice (language
//! sizes, then the weighted sample), so it requires the input stage's `_manifest.json`, whose
//! output digests become the release's training-data record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_manifests::{list_parts, ShardReader, StageManifest, MANIFEST_FILE, REJECTED_DIR};
use minga_tokenizer::{
    eval, write_release, Corpus, CorpusDoc, EvalTable, Release, TokError, TrainConfig,
};

use crate::runner::{run_reduce, ReduceStage};

/// Directory of the release bundle inside a workdir.
pub const STAGE: &str = "tokenizer";
/// Language label of documents without one (a stage dir that did not go through langid).
const NO_LANG: &str = "und";

/// `[tokenizer]` of a pipeline config, checked (absent: the defaults).
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
    let mut stage = TokenizerStage { input, out, cfg };
    Ok(run_reduce(&mut stage, resume)?.done())
}

/// Tokenizer training as a [`ReduceStage`]: the whole last document stage into one release.
struct TokenizerStage<'a> {
    input: &'a Path,
    out: &'a Path,
    cfg: &'a TrainConfig,
}

impl ReduceStage for TokenizerStage<'_> {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn waits_for(&self) -> Option<String> {
        let manifest = self.input.join(MANIFEST_FILE);
        (!manifest.exists())
            .then(|| format!("{} (the input stage is not finished)", manifest.display()))
    }

    fn is_current(&self) -> Result<bool> {
        release_is_current(self.input, self.out, self.cfg)
    }

    fn run(&mut self) -> Result<()> {
        train_release(self.input, self.out, self.cfg, None, &[])
    }
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

/// Parses `NAME=PATH.json`.
pub(crate) fn parse_reference(spec: &str) -> Result<(&str, &Path)> {
    match spec.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok((name, Path::new(path))),
        _ => bail!("--reference {spec:?}: expected NAME=PATH.json"),
    }
}

pub fn eval_references(
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
