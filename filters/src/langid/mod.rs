//! Language identification for Spanish, Portuguese, English and 18 indigenous languages of the
//! Americas, plus whatlang's other languages and `und`.
//!
//! (Method and measurements: see the end of this comment once chosen.)

mod detect;
mod features;
mod model;
mod spans;
mod train;

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
