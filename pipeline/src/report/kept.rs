//! The kept documents' figures for the card, summed from part manifests: each stage that writes
//! a document shard records its [`PartStats`], and the export records tokens per group. A part
//! without them (a workdir from before they existed, or a manifest that no longer matches its
//! shard) is measured from its shard instead, so the card is the same either way.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use minga_manifests::audit::numeric_columns;
use minga_manifests::{list_parts, PartManifest, PartStats, StageDir};

const EXPORT: &str = crate::stages::export::STAGE;
const TOKEN_COLUMNS: &[&str] = &["tokens", "token_count", "n_tokens", "num_tokens", "length"];

/// The kept documents of `last` (the last document stage) per group, with the export's tokens,
/// and whether there is an export with documents.
pub fn kept_stats(workdir: &Path, last: &StageDir) -> Result<(PartStats, bool)> {
    let export = export_parts(workdir)?;
    let has_tokens = export.iter().any(|m| m.rows_out > 0);
    if export.iter().any(|m| m.stats.is_none()) {
        // An export from before per-part figures: tokens are known only per document id.
        return Ok((measure_all(last, &tokens_by_id(workdir)?)?, has_tokens));
    }
    let mut kept = PartStats::default();
    for (part, shard) in last.shards()? {
        match recorded(last, part, &shard) {
            Some(s) => kept.merge(&s),
            None => kept.merge(&PartStats::of_shard(&shard, |_| 0)?),
        }
    }
    let mut tokens = PartStats::default();
    for m in &export {
        tokens.merge(m.stats.as_ref().expect("checked above"));
    }
    Ok((with_tokens(kept, &tokens), has_tokens))
}

/// Whether `workdir` has an export with at least one document.
pub fn export_has_documents(workdir: &Path) -> Result<bool> {
    Ok(export_parts(workdir)?.iter().any(|m| m.rows_out > 0))
}

fn export_parts(workdir: &Path) -> Result<Vec<PartManifest>> {
    let export = StageDir::at(&workdir.join(EXPORT));
    if !export.dir.is_dir() {
        return Ok(Vec::new());
    }
    Ok(export
        .part_manifests()?
        .into_iter()
        .map(|(_, m)| m)
        .collect())
}

/// The figures a part manifest records for `shard`, when it has them and they describe the
/// shard on disk (same size as recorded; a takedown rewrites both together).
fn recorded(stage: &StageDir, part: usize, shard: &Path) -> Option<PartStats> {
    let m = PartManifest::read(&stage.part_manifest(part)).ok()?;
    let name = shard.file_name()?.to_str()?;
    let entry = m.outputs.iter().find(|o| o.path == name)?;
    let size = std::fs::metadata(shard).ok()?.len();
    (entry.bytes == size).then_some(m.stats?)
}

/// Adds the export's tokens to the group they were counted under (groups are the same
/// documents' fields, so every exported group is a kept one).
fn with_tokens(kept: PartStats, tokens: &PartStats) -> PartStats {
    let as_tokens_only = PartStats {
        groups: tokens
            .groups
            .iter()
            .map(|g| minga_manifests::GroupStats {
                group: g.group.clone(),
                tokens: g.tokens,
                ..Default::default()
            })
            .collect(),
    };
    let mut out = kept;
    out.merge(&as_tokens_only);
    out
}

/// Every shard of `last` measured again, with tokens looked up by document id.
fn measure_all(last: &StageDir, tokens: &HashMap<String, u64>) -> Result<PartStats> {
    let mut all = PartStats::default();
    for (_, path) in last.shards()? {
        all.merge(&PartStats::of_shard(&path, |d| {
            tokens.get(&d.id).copied().unwrap_or(0)
        })?);
    }
    Ok(all)
}

/// Tokens per document id from `export/index/part-*.parquet`, when the export index exists.
fn tokens_by_id(workdir: &Path) -> Result<HashMap<String, u64>> {
    let dir = workdir.join(EXPORT).join(crate::stages::export::INDEX_DIR);
    let mut out = HashMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for (_, p) in list_parts(&dir)? {
        for (id, vals) in numeric_columns(&p, TOKEN_COLUMNS)? {
            if let Some(v) = vals.into_iter().flatten().next() {
                *out.entry(id).or_default() += v as u64;
            }
        }
    }
    Ok(out)
}
