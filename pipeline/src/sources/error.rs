//! Errors that stop a source reader (a file that cannot be opened, positioned or read, a
//! nonsensical byte range). Bad bytes inside a file are never errors: they become counted
//! [`super::Skip`]s.

use std::io;
use std::path::PathBuf;

/// A source file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be inspected or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read {} at byte {offset}: {source}", path.display())]
    Read {
        path: PathBuf,
        offset: u64,
        #[source]
        source: io::Error,
    },
    /// A byte range whose start lies after its end.
    #[error("invalid byte range {start}..{end} for {}", path.display())]
    InvalidRange { path: PathBuf, start: u64, end: u64 },
}

impl SourceError {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }
}
