//! Opens the reader of a plan item's format (`sources::reader`): every format yields the same
//! [`SourceItem`] stream.

use anyhow::Result;

use super::plan::PlanItem;
use crate::config::SourceConfig;
use crate::sources::reader::{reader_for, Items, ReadRequest};

/// Readers' size limits, from `[ingest]`.
pub struct ReadLimits {
    pub max_record_bytes: u64,
}

/// The items of one plan item, in file order.
pub fn open(item: &PlanItem, source: &SourceConfig, limits: &ReadLimits) -> Result<Items> {
    reader_for(item.format)?.open(&ReadRequest {
        format: item.format,
        path: &item.path,
        range: item.range,
        size: item.size,
        source,
        max_record_bytes: limits.max_record_bytes,
    })
}
