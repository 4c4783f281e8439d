//! Training: two passes over the corpus (language sizes, then the weighted sample), word counts,
//! then HF's BPE trainer on the counts; the result is a complete `tokenizer.json`.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{BpeTrainer, BPE};
use tokenizers::normalizers::unicode::NFC;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, SplitDelimiterBehavior, Tokenizer};

use crate::count::{CountStats, WordCounter};
use crate::hf_release::ReleaseConfig;
use crate::pretok::SPLIT_PATTERN;
use crate::sampling::{LanguageMix, SamplingPlan, Temperature};
use crate::TokError;

/// The end-of-document token; always id 0.
pub const EOD_TOKEN: &str = "<|endoftext|>";

/// The special tokens every minga tokenizer reserves, ids 0–15 in this order.
pub fn default_special_tokens() -> Vec<String> {
    let named = [
        "<|endoftext|>",
        "<|pad|>",
        "<|bos|>",
        "<|im_start|>",
        "<|im_end|>",
        "<|mask|>",
        "<|sep|>",
    ];
    let mut v: Vec<String> = named.iter().map(|s| s.to_string()).collect();
    v.extend((0..9).map(|i| format!("<|reserved_{i}|>")));
    v
}

/// `[tokenizer]` in `pipeline.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Vocabulary size, special tokens included. 64,000 = 500 × 128: shards stay uint16 (< 65,536)
    /// and Megatron's padding of the embedding to a multiple of 128 adds nothing.
    pub vocab_size: usize,
    /// Sampling temperature exponent: language shares ∝ bytes^alpha. The default 0.75 (with
    /// `source_alpha` 0) was chosen on one half of the dev lines and checked on the other
    /// (bench/RESULTS-tok.md, held-out fertility): the lowest α at which Spanish stays where it
    /// was (≤ 1.40 tokens/word); it lowers the indigenous languages' fertility (none rises beyond
    /// the training noise), also when Spanish is 100 MB beside about 1 MB per indigenous language.
    /// `max_repeat` does the rest for the smallest languages.
    pub alpha: f64,
    /// The same over the sources of one language: source shares within it ∝ bytes^source_alpha.
    /// The default 0 gives every source of a language the same share (each capped at
    /// `max_repeat` copies), so one large collection does not set its language's merges alone.
    pub source_alpha: f64,
    /// Least share of the sample for every language with text, in [0, 1) (0: no floor). A language
    /// whose `alpha` share is smaller is raised to it; the others give the room in proportion to
    /// their shares (`docs/tokenizer.md`).
    pub min_share: f64,
    /// A pair seen fewer times than this is never merged.
    pub min_frequency: u64,
    /// Distinct words kept while counting; past it the rarest are pruned.
    pub max_words: usize,
    /// Special tokens, ids 0.. in order; the first must be `<|endoftext|>`.
    pub special_tokens: Vec<String>,
    /// Seed of the per-document draw.
    pub seed: u64,
    /// Bytes in the training sample, repeats included (default: the corpus size).
    pub sample_bytes: Option<u64>,
    /// Most copies of one document a small language may get.
    pub max_repeat: f64,
    /// Text buffered before a parallel counting step.
    pub batch_bytes: usize,
    /// Longest token the trainer may make, in characters of the byte-level spelling.
    pub max_token_chars: Option<usize>,
    /// `[tokenizer.release]`: name, version and the special tokens' roles in the release files.
    pub release: ReleaseConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            vocab_size: 64_000,
            alpha: 0.75,
            source_alpha: 0.0,
            min_share: 0.0,
            min_frequency: 2,
            max_words: 4_000_000,
            special_tokens: default_special_tokens(),
            seed: crate::hash::SEED,
            sample_bytes: None,
            max_repeat: 16.0,
            batch_bytes: 16 << 20,
            max_token_chars: Some(32),
            release: ReleaseConfig::default(),
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), TokError> {
        let floor = self.special_tokens.len() + 256;
        if self.vocab_size <= floor {
            return Err(TokError::Config(format!(
                "vocab_size {} must exceed special tokens + 256 bytes = {floor}",
                self.vocab_size
            )));
        }
        if self.vocab_size > i32::MAX as usize {
            return Err(TokError::Config(format!(
                "vocab_size {} does not fit int32 shards",
                self.vocab_size
            )));
        }
        if self.special_tokens.first().map(String::as_str) != Some(EOD_TOKEN) {
            return Err(TokError::Config(format!(
                "special_tokens must start with {EOD_TOKEN} (the EOD id 0)"
            )));
        }
        for (name, v) in [("alpha", self.alpha), ("source_alpha", self.source_alpha)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(TokError::Config(format!(
                    "{name} {v} must be a number >= 0"
                )));
            }
        }
        if !(self.min_share.is_finite() && (0.0..1.0).contains(&self.min_share)) {
            return Err(TokError::Config(format!(
                "min_share {} must be >= 0 and < 1",
                self.min_share
            )));
        }
        if !(self.max_repeat.is_finite() && self.max_repeat >= 1.0) {
            return Err(TokError::Config(format!(
                "max_repeat {} must be >= 1",
                self.max_repeat
            )));
        }
        self.release.validate(&self.special_tokens)
    }
}

/// One document as the trainer sees it.
#[derive(Debug, Clone, Copy)]
pub struct CorpusDoc<'a> {
    pub lang: &'a str,
    /// The source it came from (its `source` column); sources of a language are balanced.
    pub source: &'a str,
    pub text: &'a str,
}

/// A corpus that can be streamed twice: `for_each_doc` must give the same documents each time.
pub trait Corpus {
    /// Calls `sink` with every document.
    fn for_each_doc(&mut self, sink: &mut dyn FnMut(CorpusDoc<'_>)) -> Result<(), TokError>;
}

impl<F> Corpus for F
where
    F: FnMut(&mut dyn FnMut(CorpusDoc<'_>)) -> Result<(), TokError>,
{
    fn for_each_doc(&mut self, sink: &mut dyn FnMut(CorpusDoc<'_>)) -> Result<(), TokError> {
        self(sink)
    }
}

/// Documents held in memory as `(lang, text)`, all from one source: for tests and small tools.
pub struct MemoryCorpus<'a> {
    pub source: &'a str,
    pub docs: &'a [(&'a str, String)],
}

impl Corpus for MemoryCorpus<'_> {
    fn for_each_doc(&mut self, sink: &mut dyn FnMut(CorpusDoc<'_>)) -> Result<(), TokError> {
        for (lang, text) in self.docs {
            sink(CorpusDoc {
                lang,
                source: self.source,
                text,
            });
        }
        Ok(())
    }
}

/// What training made and saw.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainOutcome {
    pub tokenizer_json: String,
    /// Bytes and documents per language, seen and sampled, with the rates.
    pub mix: LanguageMix,
    pub counts: CountStats,
    /// Final vocabulary size (can be below the target on a tiny corpus).
    pub vocab_size: usize,
    pub merges: usize,
    /// Documents whose language pass 1 did not see (skipped; the corpus changed between passes).
    pub docs_unplanned: u64,
    /// Seconds spent per phase (not part of the release record: it varies run to run).
    pub timings: TrainTimings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainTimings {
    pub measure_s: f64,
    pub count_s: f64,
    pub merge_s: f64,
}

/// Trains on `corpus`: pass 1 measures each language, pass 2 feeds the weighted sample.
pub fn train(corpus: &mut dyn Corpus, cfg: &TrainConfig) -> Result<TrainOutcome, TokError> {
    cfg.validate()?;
    let start = Instant::now();
    let mut mix = LanguageMix::default();
    corpus.for_each_doc(&mut |d| mix.observe(d.lang, d.source, d.text.len()))?;
    let mut outcome = train_with_mix(corpus, mix, cfg)?;
    outcome.timings.measure_s =
        start.elapsed().as_secs_f64() - outcome.timings.count_s - outcome.timings.merge_s;
    Ok(outcome)
}

/// Pass 2 only, for callers that know the bytes per language already (e.g. from manifests).
pub fn train_with_mix(
    corpus: &mut dyn Corpus,
    mut mix: LanguageMix,
    cfg: &TrainConfig,
) -> Result<TrainOutcome, TokError> {
    cfg.validate()?;
    if mix.bytes_seen() == 0 {
        return Err(TokError::Corpus("no text to train on".into()));
    }
    let temperature = Temperature {
        alpha: cfg.alpha,
        source_alpha: cfg.source_alpha,
        sample_bytes: cfg.sample_bytes,
        max_repeat: cfg.max_repeat,
        min_share: cfg.min_share,
    };
    let plan = SamplingPlan::new(&mix, temperature, cfg.seed);
    plan.annotate(&mut mix);
    for share in mix.languages.values_mut() {
        share.docs_sampled = 0;
        share.bytes_sampled = 0;
    }
    let start = Instant::now();
    let mut counter = WordCounter::new(cfg.max_words, cfg.batch_bytes);
    let mut unplanned = 0u64;
    corpus.for_each_doc(&mut |d| match plan.weight(d.lang, d.source, d.text) {
        Some(w) => {
            SamplingPlan::record(&mut mix, d.lang, d.text.len(), w);
            counter.push(w, d.text);
        }
        None => unplanned += 1,
    })?;
    let (words, counts) = counter.finish();
    let count_s = start.elapsed().as_secs_f64();
    let tokenizer = train_on_counts(&words, cfg)?;
    drop(words);
    let merge_s = start.elapsed().as_secs_f64() - count_s;
    let tokenizer_json = tokenizer.to_string(true).map_err(TokError::hf)?;
    let vocab_size = tokenizer.get_vocab_size(true);
    let merges = vocab_size.saturating_sub(256 + cfg.special_tokens.len());
    Ok(TrainOutcome {
        tokenizer_json,
        mix,
        counts,
        vocab_size,
        merges,
        docs_unplanned: unplanned,
        timings: TrainTimings {
            measure_s: 0.0,
            count_s,
            merge_s,
        },
    })
}

/// The pipeline minga tokenizers use: NFC, split pattern + byte level, BPE, byte-level decoding.
pub fn empty_tokenizer(model: BPE) -> Tokenizer {
    let split = Split::new(
        SplitPattern::Regex(SPLIT_PATTERN.into()),
        SplitDelimiterBehavior::Isolated,
        false,
    );
    let mut tok = Tokenizer::new(model);
    match split {
        Ok(split) => {
            let pre = Sequence::new(vec![
                split.into(),
                ByteLevel::new(false, false, false).into(),
            ]);
            tok.with_pre_tokenizer(Some(pre));
        }
        // SPLIT_PATTERN is a constant that the tests compile; this arm is unreachable in practice.
        Err(e) => panic!("SPLIT_PATTERN does not compile: {e}"),
    }
    tok.with_normalizer(Some(NFC));
    tok.with_decoder(Some(ByteLevelDecoder::new(false, false, false)));
    tok
}

fn train_on_counts(
    words: &ahash::AHashMap<compact_str::CompactString, u64>,
    cfg: &TrainConfig,
) -> Result<Tokenizer, TokError> {
    let specials: Vec<AddedToken> = cfg
        .special_tokens
        .iter()
        .map(|t| AddedToken::from(t.clone(), true))
        .collect();
    let trainer = BpeTrainer::builder()
        .vocab_size(cfg.vocab_size)
        .min_frequency(cfg.min_frequency)
        .show_progress(false)
        .special_tokens(specials)
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .max_token_length(cfg.max_token_chars)
        .build();
    let mut model = BPE::default();
    let added = trainer
        .do_train(words, &mut model)
        .map_err(|e| TokError::Train(e.to_string()))?;
    let mut tok = empty_tokenizer(model);
    tok.add_special_tokens(&added);
    Ok(tok)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tiny_corpus() -> Vec<(&'static str, String)> {
        let mut docs = Vec::new();
        for i in 0..60 {
            docs.push(("spa", format!("La casa número {i} está en la calle de la montaña, y la gente camina despacio.")));
            docs.push((
                "por",
                format!("A casa número {i} fica na rua da montanha, e a gente caminha devagar."),
            ));
        }
        for i in 0..12 {
            docs.push((
                "que",
                format!("Allin p'unchay, wasiykiqa {i} hatunmi. Mamay wasipi kachkan."),
            ));
            docs.push((
                "grn",
                format!("Mba'éichapa, che róga {i} tuicha. Ko’ã kuña oguata mbeguekatu."),
            ));
        }
        docs
    }

    fn run(docs: &[(&str, String)], cfg: &TrainConfig) -> TrainOutcome {
        let mut corpus = MemoryCorpus {
            source: "test",
            docs,
        };
        train(&mut corpus, cfg).unwrap()
    }

    #[test]
    fn trains_a_byte_level_tokenizer_with_reserved_specials() {
        let cfg = TrainConfig {
            vocab_size: 400,
            ..TrainConfig::default()
        };
        let out = run(&tiny_corpus(), &cfg);
        let tok: Tokenizer = out.tokenizer_json.parse().unwrap();
        assert_eq!(tok.token_to_id(EOD_TOKEN), Some(0));
        assert_eq!(tok.token_to_id("<|reserved_8|>"), Some(15));
        assert_eq!(tok.get_vocab_size(true), 400);
        assert_eq!(out.merges, 400 - 256 - 16);
        // Frequent words became single tokens; every byte stays encodable.
        let ids = tok.encode(" casa", false).unwrap();
        assert_eq!(ids.get_ids().len(), 1);
        assert!(!tok.encode("\u{1F600}", false).unwrap().get_ids().is_empty());
        let mix = &out.mix.languages;
        assert!(mix["que"].rate > 1.0 && mix["spa"].rate < 1.0, "{mix:?}");
    }

    #[test]
    fn same_corpus_and_config_give_identical_json_on_any_thread_count() {
        let cfg = TrainConfig {
            vocab_size: 380,
            batch_bytes: 700,
            max_words: 150,
            ..TrainConfig::default()
        };
        let docs = tiny_corpus();
        let a = run(&docs, &cfg).tokenizer_json;
        let b = run(&docs, &cfg).tokenizer_json;
        assert_eq!(a, b);
        for n in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap();
            assert_eq!(
                pool.install(|| run(&docs, &cfg).tokenizer_json),
                a,
                "{n} threads"
            );
        }
        // A different seed draws another sample, so the vocabulary may differ; the order of documents
        // within the corpus does not change the draw when nothing is pruned.
        let big = TrainConfig {
            max_words: 1_000_000,
            ..cfg.clone()
        };
        let mut rev = docs.clone();
        rev.reverse();
        assert_eq!(
            run(&docs, &big).tokenizer_json,
            run(&rev, &big).tokenizer_json
        );
    }

    #[test]
    fn config_is_checked_and_round_trips_through_toml_and_json() {
        assert!(TrainConfig {
            vocab_size: 100,
            ..TrainConfig::default()
        }
        .validate()
        .is_err());
        assert!(TrainConfig {
            alpha: -1.0,
            ..TrainConfig::default()
        }
        .validate()
        .is_err());
        for min_share in [-0.1, 1.0, f64::NAN] {
            assert!(TrainConfig {
                min_share,
                ..TrainConfig::default()
            }
            .validate()
            .is_err());
        }
        let bad = TrainConfig {
            special_tokens: vec!["<|pad|>".into()],
            ..TrainConfig::default()
        };
        assert!(bad.validate().is_err());
        let cfg: TrainConfig =
            serde_json::from_str(r#"{"vocab_size": 32000, "alpha": 0.5}"#).unwrap();
        assert_eq!(
            (cfg.vocab_size, cfg.alpha, cfg.min_frequency),
            (32000, 0.5, 2)
        );
        let back: TrainConfig =
            serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
        assert!(serde_json::from_str::<TrainConfig>(r#"{"vocab": 1}"#).is_err());
        let t: TrainConfig =
            toml::from_str("vocab_size = 48000\nalpha = 0.0\nseed = 9\nmin_share = 0.02").unwrap();
        assert_eq!(
            (t.vocab_size, t.alpha, t.seed, t.min_share),
            (48000, 0.0, 9, 0.02)
        );
        assert_eq!(
            toml::from_str::<TrainConfig>(&toml::to_string(&t).unwrap()).unwrap(),
            t
        );
    }
}
