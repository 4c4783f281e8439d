//! The crate's one error type: every variant names the file, document or token it is about.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum TokError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid tokenizer config: {0}")]
    Config(String),
    #[error("tokenizer.json: {0}")]
    Tokenizer(String),
    #[error("training: {0}")]
    Train(String),
    #[error("corpus: {0}")]
    Corpus(String),
    #[error(
        "{path}: token id {id} does not fit the vocabulary of {vocab_size} (document {document})"
    )]
    TokenOutOfRange {
        path: PathBuf,
        id: u32,
        vocab_size: usize,
        document: u64,
    },
    #[error("{path}: {what}")]
    Format { path: PathBuf, what: String },
}

impl TokError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TokError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn hf(e: impl std::fmt::Display) -> Self {
        TokError::Tokenizer(e.to_string())
    }
}
