//! Errors that stop a source reader before it yields anything (a file that cannot be opened or
//! positioned). Bad bytes inside a file are never errors: they become counted [`super::Skip`]s.

use std::io;
use std::path::PathBuf;

/// A source file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
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
}
