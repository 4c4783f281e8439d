//! Tokenizer training (HF `tokenizers`), language-balanced sampling, fertility evaluation and the
//! Megatron-LM indexed-dataset writer.
//!
//! - [`train`]: two passes over `(lang, text)` documents → `tokenizer.json` ([`TrainOutcome`]).
//! - [`eval`]: fertility and friends per language ([`EvalTable`]).
//! - [`write_release`]: the release bundle (`tokenizer.json`, `release.json`, `TOKENIZER_CARD.md`).
//! - [`Encoder`]: ids identical to HF `encode`, several times faster; [`MegatronWriter`] and
//!   [`ShardExport`] turn documents into `.bin`/`.idx` shards; [`ExportStats`] is `export.json`.

mod blend;
mod bpe;
mod count;
mod encode;
mod error;
mod eval;
mod export;
mod hash;
mod hf_release;
mod megatron;
mod pretok;
mod release;
mod sampling;
mod scan;
mod train;

pub use blend::{blend_weights, BlendConfig, BlendRow};
pub use count::CountStats;
pub use encode::Encoder;
pub use error::TokError;
pub use eval::{compare_markdown, eval, read_text_dir, EvalRow, EvalTable};
pub use export::{ExportConfig, ExportStats, GroupBy, ShardExport, ShardStats, Tally};
pub use hf_release::{corpus_digest, ChatTemplate, ReleaseConfig, CHATML_TEMPLATE};
pub use megatron::{MegatronWriter, ShardCounts, DTYPE_I32, DTYPE_U16, IDX_MAGIC};
pub use pretok::{nfc, split_words, split_words_regex, SPLIT_PATTERN};
pub use release::{write_release, Release, RELEASE_FILES};
pub use sampling::{LanguageMix, LanguageShare, SamplingPlan, SourceShare, Temperature};
pub use train::{
    default_special_tokens, empty_tokenizer, train, train_with_mix, Corpus, CorpusDoc,
    MemoryCorpus, TrainConfig, TrainOutcome, TrainTimings, EOD_TOKEN,
};
