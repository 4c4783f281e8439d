//! `minga ingest`: source files -> `part-NNNNN.parquet` document shards.
//!
//! Files are planned into parts (see [`plan`]); each selected part is read in file order, its
//! documents are converted (HTML extraction, NFC) in parallel batches that keep order, and every
//! record that is not kept goes to the ledger with an `ingest.<why>` reason.

pub mod consent;
pub mod convert;
pub mod plan;
pub mod read;

use std::path::{Path, PathBuf};

use anyhow::Result;
use minga_manifests::{Columns, Document, FileEntry, PartManifest, Rejection, ShardWriter};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{ConsentConfig, IngestConfig, SourceConfig};
use crate::progress::Progress;
use crate::runner::{
    close_part, count, run_parts, Outcome, Part, PartPaths, PartStage, RunOptions, StageRun,
};
use crate::sources::{SourceDoc, SourceItem};
use crate::stages::takedown::Takedowns;
use consent::ConsentPolicy;
use convert::Origin;
use plan::PlanItem;

pub const STAGE: &str = "ingest";
/// Key of the ingest config listing the workdir's takedowns (present only when there are some).
pub const TAKEDOWNS_KEY: &str = "takedowns";

/// Everything ingest needs: the sources (paths resolved against `base`) and `[ingest]`.
#[derive(Debug, Clone, Serialize)]
pub struct IngestJob {
    #[serde(skip)]
    pub base: PathBuf,
    pub sources: Vec<SourceConfig>,
    pub ingest: IngestConfig,
    pub consent: ConsentConfig,
}

/// Warnings go to stderr, the first few in full, so a broken crawl does not flood the terminal.
struct Warnings {
    shown: usize,
    hidden: usize,
}

impl Warnings {
    const MAX_SHOWN: usize = 20;
    fn warn(&mut self, msg: String) {
        if self.shown < Self::MAX_SHOWN {
            eprintln!("warning: {msg}");
            self.shown += 1;
        } else {
            self.hidden += 1;
        }
    }
    fn summary(&self) {
        if self.hidden > 0 {
            eprintln!(
                "warning: {} more warnings not shown (every skip is in the ledger and manifest)",
                self.hidden
            );
        }
    }
}

/// Runs ingest over the parts this shard selects; writes the stage manifest when all are done.
pub fn run(job: &IngestJob, out: &Path, opts: &RunOptions) -> Result<StageRun> {
    let mut stage = Ingest::new(job, out)?;
    let run = run_parts(&mut stage, opts)?;
    stage.warnings.summary();
    Ok(run)
}

/// Ingest as a [`PartStage`]: the planned parts of the sources, with what every part applies.
struct Ingest<'a> {
    job: &'a IngestJob,
    out: &'a Path,
    plan: Vec<Vec<PlanItem>>,
    config: serde_json::Value,
    consent: ConsentPolicy<'a>,
    takedowns: Takedowns,
    warnings: Warnings,
}

impl<'a> Ingest<'a> {
    fn new(job: &'a IngestJob, out: &'a Path) -> Result<Self> {
        let (plan, unknown) =
            plan::plan_sources(&job.base, &job.sources, job.ingest.part_size_bytes())?;
        let mut warnings = Warnings {
            shown: 0,
            hidden: 0,
        };
        for (s, rel) in &unknown {
            warnings.warn(format!(
                "{}/{rel}: unknown format, file not read (set `format` on the source)",
                job.sources[*s].name
            ));
        }
        // Takedowns of the workdir (`out/../takedowns`) are applied to every part read, and
        // listed in the config so that parts ingested before a takedown are not current after it.
        let takedowns = match out.parent() {
            Some(w) => Takedowns::load(w)?,
            None => Takedowns::default(),
        };
        let mut config = serde_json::to_value(job)?;
        if let (false, Some(obj)) = (takedowns.is_empty(), config.as_object_mut()) {
            obj.insert(TAKEDOWNS_KEY.to_string(), takedowns.config_entry());
        }
        Ok(Ingest {
            job,
            out,
            plan,
            config,
            consent: ConsentPolicy::load(&job.consent, &job.base)?,
            takedowns,
            warnings,
        })
    }
}

/// Ingest's parts are its plan's, by index: part k reads `plan[k]`.
impl PartStage for Ingest<'_> {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn config(&self) -> serde_json::Value {
        self.config.clone()
    }

    fn input(&self) -> Option<&Path> {
        None
    }

    fn dir(&self) -> &Path {
        self.out
    }

    fn parts(&self) -> Result<Vec<Part>> {
        Ok((0..self.plan.len())
            .map(|p| Part {
                number: p,
                bytes: self.plan[p].iter().map(item_bytes).sum(),
            })
            .collect())
    }

    fn inputs(&self, part: &Part) -> Result<Vec<FileEntry>> {
        self.plan[part.number].iter().map(input_entry).collect()
    }

    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        progress: &Progress,
    ) -> Result<PartManifest> {
        let policy = (&self.consent, &self.takedowns);
        let items = &self.plan[part.number];
        let paths = PartPaths::for_writing(self.out, part.number);
        ingest_part(
            self.job,
            policy,
            items,
            m,
            &paths,
            progress,
            &mut self.warnings,
        )
    }

    fn input_complete(&self) -> bool {
        true
    }
}

fn item_bytes(i: &PlanItem) -> u64 {
    i.range.map(|(a, b)| b - a).unwrap_or(i.size)
}

fn input_entry(item: &PlanItem) -> Result<FileEntry> {
    let url = item.path.to_string_lossy();
    let (blake3, bytes) = if crate::sources::remote::is_url(&url) {
        // A remote file is not downloaded twice to hash it: its URL and size stand for it.
        let key = format!("{url}\n{}", item.size);
        (minga_manifests::blake3_hex(key.as_bytes()), item.size)
    } else {
        minga_manifests::blake3_file(&item.path)?
    };
    let path = match item.range {
        Some((a, b)) => format!("{}#bytes={a}-{b}", item.rel),
        None => item.rel.clone(),
    };
    Ok(FileEntry {
        path,
        bytes,
        rows: 0,
        blake3,
    })
}

fn ingest_part(
    job: &IngestJob,
    (consent, takedowns): (&ConsentPolicy, &Takedowns),
    items: &[PlanItem],
    mut m: PartManifest,
    paths: &PartPaths,
    progress: &Progress,
    warnings: &mut Warnings,
) -> Result<PartManifest> {
    let cols = Columns::default();
    let mut shard = ShardWriter::documents(&paths.shard, &cols)?;
    let mut ledger = ShardWriter::ledger(&paths.ledger, &cols, STAGE)?;
    let mut inputs = std::mem::take(&mut m.inputs);
    let limits = read::ReadLimits {
        max_record_bytes: job.ingest.max_record_bytes(),
    };
    for (item, entry) in items.iter().zip(inputs.iter_mut()) {
        let source = &job.sources[item.source];
        let origin = Origin {
            source,
            rel: &item.rel,
            consent,
            takedowns,
        };
        let before = m.rows_in;
        count(&mut m.counters, "files", 1);
        count(&mut m.counters, "bytes_read", item_bytes(item));
        match read::open(item, source, &limits) {
            Ok(reader) => read_item(&origin, reader, &mut shard, &mut ledger, &mut m, warnings)?,
            Err(e) => {
                warnings.warn(format!("{}/{}: {e:#}", source.name, item.rel));
                count(&mut m.counters, "ingest.unreadable_file", 1);
            }
        }
        if m.rows_in == before && item.range.is_none_or(|(a, _)| a == 0) {
            count(&mut m.counters, "ingest.file_without_documents", 1);
        }
        entry.rows = m.rows_in - before;
        progress.inc(item_bytes(item));
    }
    m.inputs = inputs;
    close_part(m, shard, ledger)
}

/// Reads one file's items, converting documents in parallel batches that keep file order.
fn read_item(
    origin: &Origin,
    reader: Box<dyn Iterator<Item = SourceItem>>,
    shard: &mut ShardWriter,
    ledger: &mut ShardWriter,
    m: &mut PartManifest,
    warnings: &mut Warnings,
) -> Result<()> {
    let mut batch: Vec<SourceDoc> = Vec::new();
    let mut batch_bytes = 0usize;
    for item in reader {
        match item {
            SourceItem::Doc(d) => {
                batch_bytes += body_len(&d);
                batch.push(d);
                if batch.len() >= crate::runner::BATCH || batch_bytes > 64 << 20 {
                    write_batch(origin, std::mem::take(&mut batch), shard, ledger, m)?;
                    batch_bytes = 0;
                }
            }
            SourceItem::Skip(s) => {
                // Flush first so ledger and shard rows keep file order within each.
                write_batch(origin, std::mem::take(&mut batch), shard, ledger, m)?;
                batch_bytes = 0;
                warnings.warn(format!(
                    "{}/{} @ {}: {}: {}",
                    origin.source.name, origin.rel, s.offset, s.reason, s.detail
                ));
                let (doc, why) = convert::skipped(origin, s);
                reject(doc, why, ledger, m)?;
            }
            SourceItem::NotDocument { kind, .. } => {
                count(&mut m.counters, &format!("records.{kind}"), 1)
            }
        }
    }
    write_batch(origin, batch, shard, ledger, m)
}

fn body_len(d: &SourceDoc) -> usize {
    match &d.body {
        crate::sources::Body::Text(t) | crate::sources::Body::Html(t) => t.len(),
    }
}

fn write_batch(
    origin: &Origin,
    batch: Vec<SourceDoc>,
    shard: &mut ShardWriter,
    ledger: &mut ShardWriter,
    m: &mut PartManifest,
) -> Result<()> {
    let outcomes: Vec<Outcome> = batch
        .into_par_iter()
        .map(|d| screen(origin.takedowns, convert::convert(origin, d)))
        .collect();
    for o in outcomes {
        match o {
            Outcome::Keep(d) => {
                m.rows_in += 1;
                count(&mut m.counters, &format!("docs.{}", d.content_type), 1);
                shard.push(d)?;
            }
            Outcome::Reject(d, why) => reject(d, why, ledger, m)?,
        }
    }
    Ok(())
}

/// A document a takedown of the workdir names goes to the ledger as `takedown.<id>`, without its
/// text, whatever ingest decided for it.
fn screen(takedowns: &Takedowns, o: Outcome) -> Outcome {
    if takedowns.is_empty() {
        return o;
    }
    let (doc, earlier) = match &o {
        Outcome::Keep(d) => (d, None),
        Outcome::Reject(d, why) => (d, Some(why)),
    };
    match takedowns.screen(doc, earlier) {
        Some(why) => {
            let doc = match o {
                Outcome::Keep(d) | Outcome::Reject(d, _) => d,
            };
            Outcome::Reject(crate::stages::takedown::record::blank(doc), why)
        }
        None => o,
    }
}

fn reject(
    doc: Document,
    why: Rejection,
    ledger: &mut ShardWriter,
    m: &mut PartManifest,
) -> Result<()> {
    m.rows_in += 1;
    *m.reasons.entry(why.reason.clone()).or_default() += 1;
    ledger.push_rejected(doc, why)?;
    Ok(())
}
