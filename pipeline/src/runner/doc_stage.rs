//! Per-document stages (langid, filter): a [`DocStage`] decides keep-or-reject for one document;
//! [`DocParts`] makes it a [`PartStage`] over an input stage dir, reading row groups and running
//! parallel batches that keep input order.

use std::path::Path;

use anyhow::Result;
use minga_manifests::{Columns, Document, PartManifest, Rejection, ShardReader, ShardWriter};
use rayon::prelude::*;

use super::{
    chunks, close_part, run_parts, Counters, Part, PartPaths, PartStage, RunOptions, StageRun,
};
use crate::progress::Progress;

/// What a stage decided for one document.
pub enum Outcome {
    Keep(Document),
    Reject(Document, Rejection),
}

/// A stage that maps each document of a part to kept-or-rejected, independently of the others.
pub trait DocStage: Sync {
    fn name(&self) -> &'static str;
    /// The stage's effective configuration, recorded in manifests; its digest keys `--resume`.
    fn config(&self) -> serde_json::Value;
    /// Column groups this stage adds to its input's.
    fn added_columns(&self) -> Columns;
    fn process(&self, doc: Document, counters: &mut Counters) -> Outcome;
}

/// Documents per parallel batch: big enough to feed every thread, small enough to bound memory.
pub const BATCH: usize = 1024;

/// A [`DocStage`] over the parts of `input`, written to `output` (part k in, part k out).
pub struct DocParts<'a> {
    pub stage: &'a dyn DocStage,
    pub input: &'a Path,
    pub output: &'a Path,
}

impl PartStage for DocParts<'_> {
    fn name(&self) -> &'static str {
        self.stage.name()
    }

    fn config(&self) -> serde_json::Value {
        self.stage.config()
    }

    fn input(&self) -> Option<&Path> {
        Some(self.input)
    }

    fn dir(&self) -> &Path {
        self.output
    }

    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        _progress: &Progress,
    ) -> Result<PartManifest> {
        let shard = part.shard_in(self.input);
        run_doc_part(self.stage, &shard, part.number, self.output, m)
    }
}

/// Runs a per-document stage over the parts of `input` into `output`.
pub fn run_doc_stage(
    stage: &dyn DocStage,
    input: &Path,
    output: &Path,
    opts: &RunOptions,
) -> Result<StageRun> {
    run_parts(
        &mut DocParts {
            stage,
            input,
            output,
        },
        opts,
    )
}

fn run_doc_part(
    stage: &dyn DocStage,
    input: &Path,
    part: usize,
    output: &Path,
    mut m: PartManifest,
) -> Result<PartManifest> {
    let mut reader = ShardReader::open(input)?;
    let paths = PartPaths::for_writing(output, part);
    let open = |cols: &Columns| -> Result<(ShardWriter, ShardWriter)> {
        let out_cols = cols.clone().with(&stage.added_columns());
        Ok((
            ShardWriter::documents(&paths.shard, &out_cols)?,
            ShardWriter::ledger(&paths.ledger, &out_cols, stage.name())?,
        ))
    };
    let mut writers: Option<(ShardWriter, ShardWriter)> = None;
    let mut in_cols = Columns::default();
    while let Some((docs, cols)) = reader.next_batch()? {
        let (out, ledger) = match writers.as_mut() {
            Some(w) => w,
            None => {
                in_cols = cols.clone();
                writers.insert(open(&cols)?)
            }
        };
        m.rows_in += docs.len() as u64;
        for chunk in chunks(docs, BATCH) {
            process_batch(stage, chunk, out, ledger, &mut m)?;
        }
    }
    let (out, ledger) = match writers {
        Some(w) => w,
        None => open(&in_cols)?,
    };
    close_part(m, out, ledger)
}

/// Runs `stage` in parallel over one batch, keeping input order, and writes the outcomes.
pub fn process_batch(
    stage: &dyn DocStage,
    batch: Vec<Document>,
    out: &mut ShardWriter,
    ledger: &mut ShardWriter,
    m: &mut PartManifest,
) -> Result<()> {
    let results: Vec<(Outcome, Counters)> = batch
        .into_par_iter()
        .map(|d| {
            let mut c = Counters::new();
            let o = stage.process(d, &mut c);
            (o, c)
        })
        .collect();
    for (o, c) in results {
        for (k, v) in c {
            *m.counters.entry(k).or_default() += v;
        }
        match o {
            Outcome::Keep(d) => out.push(d)?,
            Outcome::Reject(d, why) => {
                *m.reasons.entry(why.reason.clone()).or_default() += 1;
                ledger.push_rejected(d, why)?;
            }
        }
    }
    Ok(())
}
