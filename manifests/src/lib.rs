//! The document schema, Parquet shards (read and written streaming, one row group at a time),
//! the rejection ledger, stage manifests and BLAKE3 digests.
//!
//! Every stage of minga reads and writes through this crate, so the on-disk contract lives in one
//! place: `part-NNNNN.parquet` shards of [`Document`] rows, `rejected/` ledgers of [`Rejected`]
//! rows, and `_parts/*.json` / `_manifest.json` [`StageManifest`]s.

pub mod audit;
mod digest;
mod document;
mod error;
mod frame;
pub mod genre;
mod ledger;
mod manifest;
pub mod part_stats;
mod shard;
mod workdir;

pub use digest::{blake3_file, blake3_hex, doc_id};
pub use document::{Columns, Document, LangSpan};
pub use error::ManifestError;
pub use ledger::{Rejected, Rejection};
pub use manifest::{
    atomic_write, list_parts, part_name, FileEntry, PartManifest, StageManifest, MANIFEST_FILE,
    PARTS_DIR, REJECTED_DIR,
};
pub use part_stats::{Group, GroupStats, PartStats, Tally};
pub use shard::{ShardReader, ShardWriter, ROW_GROUP_ROWS};
pub use workdir::{StageDir, Workdir};

/// The minga version recorded in every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
