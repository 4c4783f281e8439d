//! Rewriting one part of one document stage without the withdrawn documents.
//!
//! In the first document stage of the workdir (ingest) a withdrawn document becomes a ledger row
//! `takedown.<id>` (text blanked, provenance kept), so conservation holds: rows in = kept +
//! ledger. In every later stage it was never read, so it leaves the shard or ledger and the part's
//! `rows_in`. Every file is written to a temp and renamed; the first stage's ledger is written
//! before its shard, so a kill in between leaves the document in both (the re-run removes it from
//! the shard and does not add it twice), never in neither. The part manifest is recomputed from
//! the files last, so a re-run after a kill finds whatever is left to do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use minga_manifests::{
    blake3_file, part_name, Columns, Document, PartManifest, Rejected, ShardReader, ShardWriter,
    StageManifest, MANIFEST_FILE, REJECTED_DIR,
};

use super::record::{blank, Record, Withdrawn, REASON_PREFIX};
use crate::runner::{input_digest, PartPaths};
use crate::workdir::StageDir;

/// The withdrawn documents and the record that withdraws them.
pub struct Job<'a> {
    pub rec: &'a Record,
    pub ids: BTreeMap<&'a str, &'a Withdrawn>,
}

impl<'a> Job<'a> {
    pub fn new(rec: &'a Record) -> Self {
        Job {
            rec,
            ids: rec.withdrawn.iter().map(|w| (w.id.as_str(), w)).collect(),
        }
    }

    fn has(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    fn ledger_row(&self, doc: Document, earlier: Option<&minga_manifests::Rejection>) -> Rejected {
        let w = self.ids[doc.id.as_str()];
        let why = self.rec.rejection(&w.matched, w.dup_of.as_deref(), earlier);
        Rejected {
            stage: String::new(),
            doc: blank(doc),
            why,
        }
    }
}

/// Rewrites `path` without the documents `drop` selects; returns them (only when `keep_dropped`)
/// and how many there were. Nothing is written when there are none.
fn filter_shard(
    path: &Path,
    drop: impl Fn(&Document) -> bool,
    keep_dropped: bool,
) -> Result<(u64, Vec<Document>)> {
    let mut r = ShardReader::open(path)?;
    let cols = r.columns()?;
    let mut w = ShardWriter::documents(path, &cols)?;
    let (mut n, mut dropped) = (0u64, Vec::new());
    while let Some((docs, _)) = r.next_batch()? {
        for d in docs {
            if drop(&d) {
                n += 1;
                if keep_dropped {
                    dropped.push(d);
                }
            } else {
                w.push(d)?;
            }
        }
    }
    if n > 0 {
        w.finish()?;
    }
    Ok((n, dropped))
}

/// Rewrites a ledger shard row by row (`map` returns `None` to drop a row, and whether it changed
/// it), appending `extra`; nothing is written when nothing changed.
fn rewrite_ledger(
    path: &Path,
    stage: &str,
    mut map: impl FnMut(Rejected) -> (Option<Rejected>, bool),
    extra: Vec<Rejected>,
) -> Result<u64> {
    let r0 = ShardReader::open(path)?;
    let cols = r0.columns()?;
    let mut r = r0;
    let mut w = ShardWriter::ledger(path, &cols, stage)?;
    let mut changed = extra.len() as u64;
    while let Some(rows) = r.next_ledger_batch()? {
        for row in rows {
            let (row, c) = map(row);
            changed += u64::from(c);
            if let Some(row) = row {
                w.push_rejected(row.doc, row.why)?;
            }
        }
    }
    for row in extra {
        w.push_rejected(row.doc, row.why)?;
    }
    if changed > 0 {
        w.finish()?;
    }
    Ok(changed)
}

/// Removes the withdrawn documents from one part of a stage (see the module docs).
pub fn rewrite_part(job: &Job, st: &StageDir, part: usize, first: bool) -> Result<()> {
    let paths = PartPaths::for_writing(&st.dir, part);
    let stage = PartManifest::read(&paths.manifest)
        .map(|m| m.stage)
        .unwrap_or_else(|_| st.name.clone());
    if !first {
        filter_shard(&paths.shard, |d| job.has(&d.id), false)?;
        if paths.ledger.exists() {
            rewrite_ledger(
                &paths.ledger,
                &stage,
                |row| match job.has(&row.doc.id) {
                    true => (None, true),
                    false => (Some(row), false),
                },
                Vec::new(),
            )?;
        }
        return emptied_part(&paths, &stage);
    }
    // First stage: the ledger gains the withdrawn rows before the shard loses them.
    let mut in_shard: Vec<Document> = Vec::new();
    let mut r = ShardReader::open(&paths.shard)?;
    while let Some((docs, _)) = r.next_batch()? {
        in_shard.extend(docs.into_iter().filter(|d| job.has(&d.id)));
    }
    let relabel = |row: Rejected| -> (Option<Rejected>, bool) {
        if !job.has(&row.doc.id) || row.why.reason.starts_with(REASON_PREFIX) {
            return (Some(row), false);
        }
        let new = job.ledger_row(row.doc, Some(&row.why));
        (Some(new), true)
    };
    // The appended rows depend on which are already there, so the ledger is read first.
    let already = ledger_ids(&paths.ledger, job)?;
    let extra: Vec<Rejected> = in_shard
        .into_iter()
        .filter(|d| !already.contains(&d.id))
        .map(|d| job.ledger_row(d, None))
        .collect();
    rewrite_ledger(&paths.ledger, &stage, relabel, extra)?;
    filter_shard(&paths.shard, |d| job.has(&d.id), false)?;
    Ok(())
}

/// A part left with no document at all is written as the stage writes a part whose input is
/// empty: with only the column groups the stage adds (it has no input schema to extend), so the
/// rewritten part is byte-identical to running the stage afresh.
fn emptied_part(paths: &PartPaths, stage: &str) -> Result<()> {
    let shard = ShardReader::open(&paths.shard)?;
    let ledger_rows = match paths.ledger.exists() {
        true => ShardReader::open(&paths.ledger)?.rows(),
        false => 0,
    };
    if shard.rows() > 0 || ledger_rows > 0 {
        return Ok(());
    }
    let cols = shard.columns()?;
    let own = own_columns(stage, &cols);
    if own == cols {
        return Ok(());
    }
    // The ledger first: a kill between the two leaves the shard with the old columns, so a rerun
    // comes here again (the shard's columns are what it checks) and writes both.
    if paths.ledger.exists() {
        ShardWriter::ledger(&paths.ledger, &own, stage)?.finish()?;
    }
    ShardWriter::documents(&paths.shard, &own)?.finish()?;
    Ok(())
}

/// The column groups `stage` adds (DESIGN.md: each group appears once its stage has run).
fn own_columns(stage: &str, cols: &Columns) -> Columns {
    match stage {
        "ingest" => Columns::default(),
        "langid" => Columns {
            lang: cols.lang,
            ..Columns::default()
        },
        "filter" => Columns {
            quality: cols.quality.clone(),
            pii: cols.pii.clone(),
            ..Columns::default()
        },
        "dedup" => Columns {
            dedup: cols.dedup,
            ..Columns::default()
        },
        _ => cols.clone(),
    }
}

fn ledger_ids(path: &Path, job: &Job) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut r = ShardReader::open(path)?;
    while let Some(rows) = r.next_ledger_batch()? {
        out.extend(rows.into_iter().map(|r| r.doc.id).filter(|id| job.has(id)));
    }
    Ok(out)
}

/// Recomputes a part manifest from its files: output digests and rows, reasons from the ledger,
/// inputs from the previous stage's current shard, and (for ingest) the config digest.
pub fn refresh_manifest(
    st: &StageDir,
    part: usize,
    prev: Option<&Path>,
    config_digest: Option<&str>,
) -> Result<()> {
    let paths = PartPaths::new(&st.dir, part);
    let old = PartManifest::read(&paths.manifest)?;
    let mut m = old.clone();
    let name = part_name(part);
    let (shard_rel, ledger_rel) = (
        format!("{name}.parquet"),
        format!("{REJECTED_DIR}/{name}.parquet"),
    );
    for o in m.outputs.iter_mut() {
        if o.path != shard_rel && o.path != ledger_rel {
            continue;
        }
        let p = st.dir.join(&o.path);
        let (digest, bytes) = blake3_file(&p)?;
        if digest == o.blake3 {
            continue;
        }
        o.blake3 = digest;
        o.bytes = bytes;
        o.rows = ShardReader::open(&p)?.rows();
        if o.path == ledger_rel {
            m.reasons = reasons_of(&p)?;
        } else if m.stats.is_some() {
            m.stats = Some(minga_manifests::PartStats::of_shard(&p, |_| 0)?);
        }
    }
    let rows = |rel: &str| m.outputs.iter().find(|o| o.path == rel).map(|o| o.rows);
    m.rows_out = rows(&shard_rel).unwrap_or(m.rows_out);
    m.rows_rejected = rows(&ledger_rel).unwrap_or(m.rows_rejected);
    m.rows_in = m.rows_out + m.rows_rejected;
    if let Some(prev) = prev {
        for e in m.inputs.iter_mut() {
            let p = prev.join(&e.path);
            if p.is_file() {
                let (digest, bytes) = blake3_file(&p)?;
                if digest != e.blake3 {
                    e.blake3 = digest;
                    e.bytes = bytes;
                    e.rows = ShardReader::open(&p)?.rows();
                }
            }
        }
        m.input_digest = input_digest(&m.inputs);
    }
    if let Some(d) = config_digest {
        m.config_digest = d.to_string();
    }
    if m != old {
        m.write(&paths.manifest)
            .with_context(|| format!("writing {}", paths.manifest.display()))?;
    }
    Ok(())
}

fn reasons_of(ledger: &Path) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    let mut r = ShardReader::open(ledger)?;
    while let Some(rows) = r.next_ledger_batch()? {
        for row in rows {
            *out.entry(row.why.reason).or_default() += 1;
        }
    }
    Ok(out)
}

/// Merges the stage manifest again from the part manifests (with `config` when it changed).
pub fn remerge(st: &StageDir, config: Option<serde_json::Value>) -> Result<()> {
    let path = st.dir.join(MANIFEST_FILE);
    let Ok(old) = StageManifest::read(&path) else {
        return Ok(());
    };
    let parts: Vec<PartManifest> = st.part_manifests()?.into_iter().map(|(_, m)| m).collect();
    let config = config.unwrap_or_else(|| old.config.clone());
    let digest = match parts.first() {
        Some(p) => p.config_digest.clone(),
        None => old.config_digest.clone(),
    };
    let merged = StageManifest::merge(&old.stage, config, &digest, &parts);
    if merged != old {
        merged.write(&path)?;
    }
    Ok(())
}
