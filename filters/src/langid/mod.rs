//! Language identification for Spanish, Portuguese, English and 18 indigenous languages of the
//! Americas (the 21 labels of `../shared/data/langid`), whatlang's other languages, and `und`.
//!
//! **Method.** Multinomial naive Bayes over hashed character 3- to 5-grams of the normalised text
//! (NFC, lower case, apostrophe variants folded to `'`, which is a letter), 2^17
//! buckets, Lidstone smoothing α = 0.02, uniform label priors. Per bucket the log-probabilities are
//! stored as one byte per label relative to the bucket's best label (quantisation step 10/255 nats), so
//! scoring is integer addition of one 21-byte row per n-gram; a temperature fitted on a held-out tenth
//! of the training lines turns the sums into a calibrated posterior ([`Detection::score`]). Text in
//! another script goes to whatlang; Latin text that few training 4-grams cover and that the model puts
//! on spa/por/eng (or is unsure about) is checked with whatlang for languages the model lacks (French,
//! Italian, German, ...); see [`detect`](Model::detect_with). [`label_document`] finds spans.
//!
//! **Why this method (measured on a held-out tenth of TRAIN, `examples/langid_select.rs`; "3 words" =
//! the same lines cut to their first three words):**
//!
//! | model | held-out macro | 3-word macro | train time |
//! |---|---|---|---|
//! | NB 1-5-grams, 2^18, α 0.05 | 0.9898 | 0.9617 | 1.6 s |
//! | NB 1-3-grams | 0.9833 | 0.9305 | 1.2 s |
//! | NB 1-4-grams | 0.9887 | 0.9547 | 1.3 s |
//! | NB 1-6-grams | 0.9897 | 0.9632 | 1.6 s |
//! | NB 3-5-grams, α 0.02, 2^18 | 0.9910 | 0.9649 | 2.5 s |
//! | **NB 3-5-grams, α 0.02, 2^17 (default)** | **0.9901** | **0.9634** | 1.8 s |
//! | NB 3-5-grams, 2^16 / 2^19 buckets (1-5-grams) | 0.9874 / 0.9905 | 0.9555 / 0.9631 | |
//! | NB without n-grams across words | 0.9890 | 0.9601 | |
//! | NB α = 1 | 0.9885 | 0.9581 | |
//! | averaged perceptron, same hashed 1-5-grams, 6 epochs | 0.9818 | 0.8920 | 115 s |
//!
//! Naive Bayes beats the linear model, above all on short text, and trains in about two seconds
//! (release build), which keeps the committed model reproducible by a test. 2^17 buckets are within
//! noise of 2^18 at half the size (4.8 MB file with the 2 MiB known-n-gram bitmap). The worst
//! held-out label (aym, 0.93) is label noise: its GlobalVoices lines include untranslated Spanish and
//! English captions, which the model labels spa/eng.
//!
//! **Unseen n-grams are not scored** ([`FeatureSpec::skip_unseen`]). A hashed model has no empty
//! buckets, so an n-gram that no training text contains would add the row of whichever n-grams share
//! its bucket: noise, and most of the evidence when a text is spelt in an orthography the training
//! text lacks. Held-out tenth of train, and the same lines *respelled* (each label's 3rd and 6th most
//! frequent letters replaced by characters no training text uses): held-out 0.9897 with and without,
//! 3-word 0.9577 vs 0.9578, respelled **0.9773 vs 0.9342**. On dev, oto 0.689 -> 0.755.

mod detect;
mod features;
mod model;
mod spans;
mod train;
mod word_scores;

pub use detect::{DetectOptions, Detection, TextStats, UND};
pub use features::{is_apostrophe, normalise, text_features, FeatureSpec};
pub use model::Model;
pub use spans::{label_document, DocLang, LangSpan, SpanOptions};
pub use train::TrainOptions;

/// Errors of decoding a model file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LangIdError {
    #[error("not a minga language-identification model (bad magic bytes)")]
    BadMagic,
    #[error("model format version {found} is not supported (expected {expected})")]
    Version { found: u32, expected: u32 },
    #[error("model file is truncated at byte offset {offset}")]
    Truncated { offset: usize },
    #[error("model file is invalid at byte offset {offset}: {what}")]
    Invalid { offset: usize, what: &'static str },
    #[error("model file checksum does not match (file damaged or edited)")]
    Checksum,
}
