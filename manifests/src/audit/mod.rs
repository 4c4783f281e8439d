//! Point lookups for `minga audit`: find a document id in a shard by reading only its `id` column,
//! then decode just the row group that holds it.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::shard::guard;
use crate::{Columns, Document, ManifestError};
use crate::{Rejected, ShardReader};

/// A column's name and its values as `f64` (null stays `None`).
pub type NumericColumn = (String, Vec<Option<f64>>);

/// Row index of `id` in the `id` column of the Parquet file at `path`, reading that column only.
pub fn position_of(path: &Path, id: &str) -> Result<Option<usize>, ManifestError> {
    let file = File::open(path).map_err(|e| ManifestError::io(path, e))?;
    let df = guard(path, || {
        ParquetReader::new(file)
            .with_columns(Some(vec!["id".to_string()]))
            .finish()
    })?;
    let col = df
        .column("id")
        .and_then(|c| c.str().cloned())
        .map_err(|e| ManifestError::parquet(path, e))?;
    let pos = col.into_iter().position(|v| v == Some(id));
    Ok(pos)
}

/// The document at row `index` of a document shard.
pub fn document_at(
    path: &Path,
    index: usize,
) -> Result<Option<(Document, Columns)>, ManifestError> {
    let mut r = ShardReader::open(path)?;
    let mut seen = r.skip_before(index);
    while let Some((docs, cols)) = r.next_batch()? {
        if index < seen + docs.len() {
            return Ok(docs.into_iter().nth(index - seen).map(|d| (d, cols)));
        }
        seen += docs.len();
    }
    Ok(None)
}

/// The ledger row at row `index` of a ledger shard.
pub fn rejected_at(
    path: &Path,
    index: usize,
) -> Result<Option<(Rejected, Columns)>, ManifestError> {
    // The ledger's column groups (its document columns decode like a shard's).
    let cols = match ShardReader::open(path)?.next_batch()? {
        Some((_, c)) => c,
        None => return Ok(None),
    };
    let mut r = ShardReader::open(path)?;
    let mut seen = r.skip_before(index);
    while let Some(rows) = r.next_ledger_batch()? {
        if index < seen + rows.len() {
            return Ok(rows.into_iter().nth(index - seen).map(|r| (r, cols)));
        }
        seen += rows.len();
    }
    Ok(None)
}

/// The row whose `id` is `id` in any Parquet table (e.g. an export index), as column -> value
/// strings, so tables defined by other stages can be shown without knowing their schema.
pub fn table_row(path: &Path, id: &str) -> Result<Option<BTreeMap<String, String>>, ManifestError> {
    let Some(i) = position_of(path, id)? else {
        return Ok(None);
    };
    let file = File::open(path).map_err(|e| ManifestError::io(path, e))?;
    let df = guard(path, || {
        ParquetReader::new(file).with_slice(Some((i, 1))).finish()
    })?;
    let mut out = BTreeMap::new();
    for c in df.get_columns() {
        let v = c
            .get(0)
            .map(|v| match v {
                AnyValue::String(s) => s.to_string(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        out.insert(c.name().to_string(), v);
    }
    Ok(Some(out))
}

/// Every row of a Parquet table as (id, numeric column values), for the named numeric columns
/// present; used to total export token counts per document.
pub fn numeric_columns(path: &Path, names: &[&str]) -> Result<Vec<NumericColumn>, ManifestError> {
    let file = File::open(path).map_err(|e| ManifestError::io(path, e))?;
    let df = guard(path, || ParquetReader::new(file).finish())?;
    let ids = df
        .column("id")
        .and_then(|c| c.str().cloned())
        .map_err(|e| ManifestError::parquet(path, e))?;
    let cols: Vec<Option<Float64Chunked>> = names
        .iter()
        .map(|n| {
            df.column(n)
                .ok()
                .and_then(|c| c.cast(&DataType::Float64).ok())
                .and_then(|c| c.f64().ok().cloned())
        })
        .collect();
    let mut out = Vec::with_capacity(df.height());
    for (i, id) in ids.into_iter().enumerate() {
        let vals = cols
            .iter()
            .map(|c| c.as_ref().and_then(|c| c.get(i)))
            .collect();
        out.push((id.unwrap_or_default().to_string(), vals));
    }
    Ok(out)
}
