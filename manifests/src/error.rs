use std::path::PathBuf;

/// Errors of shard, ledger and manifest I/O. Each names the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable minga shard: {message}")]
    Parquet { path: PathBuf, message: String },
    /// Writing a shard failed (disk full, I/O error); `path` is the temp file being written.
    #[error("{path}: cannot write the shard: {message}")]
    Write { path: PathBuf, message: String },
    #[error("{path}: column `{column}`: {message}")]
    Column {
        path: PathBuf,
        column: String,
        message: String,
    },
    #[error("{path}: bad manifest JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl ManifestError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ManifestError::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn write(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        ManifestError::Write {
            path: path.into(),
            message: e.to_string(),
        }
    }
    pub(crate) fn parquet(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        ManifestError::Parquet {
            path: path.into(),
            message: e.to_string(),
        }
    }
}
