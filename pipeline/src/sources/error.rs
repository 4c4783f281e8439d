//! Errors of the document readers.
//!
//! Only failures that are not about the content of one record are errors (a file that cannot be
//! opened or read, a nonsensical byte range); bad content becomes a [`super::Skip`] instead.

use std::path::PathBuf;

/// An error that stops reading one source file.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened, inspected or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A byte range whose start lies after its end.
    #[error("invalid byte range {start}..{end} for {}", path.display())]
    InvalidRange { path: PathBuf, start: u64, end: u64 },
}

impl SourceError {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }
}
