//! `minga dedup apply`: per input part, keeps each cluster's representative (with its
//! `dup_cluster_size`) and every document in no cluster, and sends the others to the ledger with
//! `dedup.exact` or `dedup.minhash` and `dup_of` = the kept document's id.

use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{ClusterTable, Decision, DocInfo, DupReason};
use minga_manifests::{Columns, PartManifest, Rejection, ShardReader, ShardWriter};

use super::boilerplate::{Boilerplate, ONLY_BOILERPLATE};
use super::records::read_cluster_part;
use super::{clusters, format_id, DedupConfig, Layout, STAGE};
use crate::progress::Progress;
use crate::runner::{
    clear_outputs, close_part, count, run_parts, Part, PartPaths, PartStage, RunOptions, StageRun,
};

/// Runs the apply step over the selected parts; writes `_manifest.json` once all parts are done.
pub fn run(cfg: &DedupConfig, input: &Path, out: &Path, opts: &RunOptions) -> Result<StageRun> {
    let layout = Layout::new(out);
    let cm = Layout::step_manifest(&layout.clusters(), clusters::MANIFEST);
    match PartManifest::read(&cm) {
        Ok(m) if m.config_digest == cfg.digest() => {}
        _ => bail!(
            "{} is missing or made with another [dedup] config: run `minga dedup clusters` first",
            cm.display()
        ),
    }
    run_parts(
        &mut Apply {
            cfg,
            input,
            out,
            layout,
        },
        opts,
    )
}

/// The apply step as a [`PartStage`]: each input part with that part's cluster decisions.
struct Apply<'a> {
    cfg: &'a DedupConfig,
    input: &'a Path,
    out: &'a Path,
    layout: Layout,
}

impl PartStage for Apply<'_> {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn config(&self) -> serde_json::Value {
        self.cfg.manifest_config()
    }

    fn input(&self) -> Option<&Path> {
        Some(self.input)
    }

    fn dir(&self) -> &Path {
        self.out
    }

    fn clear(&self) -> Result<()> {
        clear_outputs(self.out)?;
        super::clear_dir(&self.out.join(super::boilerplate::DIR))
    }

    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        _progress: &Progress,
    ) -> Result<PartManifest> {
        let shard = part.shard_in(self.input);
        let reader = ShardReader::open(&shard)?;
        let table = read_cluster_part(&self.layout.cluster_file(part.number))?;
        let cfg = self.cfg;
        let boilerplate = match cfg.boilerplate_lines {
            true => Some(Boilerplate::count(
                &shard,
                cfg.boilerplate_min_docs,
                cfg.boilerplate_min_words,
            )?),
            false => None,
        };
        apply_part(reader, part.number, self.out, &table, boilerplate, m)
    }
}

/// The ledger entry of a removed document.
/// `value` is the verified similarity to the kept document (1 for exact duplicates; none when
/// `[dedup] verify = "none"`).
fn rejection(reason: DupReason, kept: &DocInfo, similarity: Option<f32>) -> Rejection {
    let kept_id = format_id(kept.id);
    let (value, detail) = match (reason, similarity) {
        (DupReason::Exact, _) => (Some(1.0), format!("same text as {kept_id}")),
        (DupReason::MinHash, Some(s)) => (
            Some(f64::from(s)),
            format!("{s:.2} similar to {kept_id} (verified, MinHash-LSH candidate)"),
        ),
        (DupReason::MinHash, None) => (
            None,
            format!("near-duplicate of {kept_id} (MinHash-LSH, unverified)"),
        ),
    };
    Rejection {
        dup_of: Some(kept_id),
        ..Rejection::new(reason.as_str(), value, detail)
    }
}

/// Removes the site's repeated lines from a kept document, counting them; a document left empty
/// gets its ledger rejection (`dedup.boilerplate_only`).
fn strip_boilerplate(
    b: &mut Boilerplate,
    doc: &mut minga_manifests::Document,
    m: &mut PartManifest,
) -> Option<Rejection> {
    let s = b.strip(doc);
    if s.lines == 0 {
        return None;
    }
    count(&mut m.counters, "boilerplate.documents_changed", 1);
    count(&mut m.counters, "boilerplate.lines_removed", s.lines);
    count(&mut m.counters, "boilerplate.bytes_removed", s.bytes);
    if !doc.text.trim().is_empty() {
        return None;
    }
    *m.reasons.entry(ONLY_BOILERPLATE.to_string()).or_default() += 1;
    Some(Rejection::new(
        ONLY_BOILERPLATE,
        Some(s.lines as f64),
        format!(
            "all {} lines repeat across its site (see boilerplate/)",
            s.lines
        ),
    ))
}

fn apply_part(
    mut reader: ShardReader,
    part: usize,
    out: &Path,
    table: &ClusterTable,
    mut boilerplate: Option<Boilerplate>,
    mut m: PartManifest,
) -> Result<PartManifest> {
    let paths = PartPaths::for_writing(out, part);
    let added = Columns {
        dedup: true,
        ..Columns::default()
    };
    let mut writers: Option<(ShardWriter, ShardWriter)> = None;
    let mut in_cols = Columns::default();
    let mut row: u32 = 0;
    while let Some((docs, cols)) = reader.next_batch()? {
        let (kept_w, ledger_w) = match writers.as_mut() {
            Some(w) => w,
            None => {
                in_cols = cols.clone();
                let oc = cols.with(&added);
                writers.insert((
                    ShardWriter::documents(&paths.shard, &oc)?,
                    ShardWriter::ledger(&paths.ledger, &oc, STAGE)?,
                ))
            }
        };
        m.rows_in += docs.len() as u64;
        for mut doc in docs {
            let key = DocInfo::part_row_key(part as u32, row);
            row = row
                .checked_add(1)
                .context("more than 2^32 rows in one part")?;
            match table.decision(key) {
                Decision::Keep { cluster_size } => {
                    if cluster_size > 1 {
                        count(&mut m.counters, "kept_representatives", 1);
                    }
                    doc.dup_cluster_size = Some(cluster_size);
                    let emptied = match boilerplate.as_mut() {
                        Some(b) => strip_boilerplate(b, &mut doc, &mut m),
                        None => None,
                    };
                    match emptied {
                        Some(why) => ledger_w.push_rejected(doc, why)?,
                        None => kept_w.push(doc)?,
                    }
                }
                Decision::Drop {
                    reason,
                    kept,
                    similarity,
                } => {
                    *m.reasons.entry(reason.as_str().to_string()).or_default() += 1;
                    ledger_w.push_rejected(doc, rejection(reason, &kept, similarity))?;
                }
            }
        }
    }
    let removed: u64 = m
        .reasons
        .iter()
        .filter(|(r, _)| r.as_str() != ONLY_BOILERPLATE)
        .map(|(_, n)| n)
        .sum();
    if let Some(b) = &boilerplate {
        m.outputs.push(b.write_list(out, part)?);
    }
    if removed != table.removals().len() as u64
        || table
            .removals()
            .iter()
            .any(|r| r.member.key >= DocInfo::part_row_key(part as u32, row))
    {
        bail!(
            "the cluster table lists {} removals for this part but {removed} matched its {row} rows: it was built from other inputs; rerun the dedup steps",
            table.removals().len()
        );
    }
    let (kept_w, ledger_w) = match writers {
        Some(w) => w,
        None => {
            let oc = in_cols.with(&added);
            (
                ShardWriter::documents(&paths.shard, &oc)?,
                ShardWriter::ledger(&paths.ledger, &oc, STAGE)?,
            )
        }
    };
    close_part(m, kept_w, ledger_w)
}
