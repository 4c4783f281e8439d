//! `takedowns/<id>.json`: what a request withdrew and where, and the workdir-level list of
//! takedowns that every later ingest applies (so a re-run or an added source never brings
//! withdrawn text back).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_manifests::{Document, Rejection};
use serde::{Deserialize, Serialize};

use super::request::{Matcher, Request};

/// Directory of the records, under the workdir.
pub const DIR: &str = "takedowns";
/// Ledger reasons of withdrawn documents start with this.
pub const REASON_PREFIX: &str = "takedown.";

/// `pending` from the moment the plan is fixed, `applied` once every output is rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Applied,
}

/// One withdrawn document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawn {
    pub id: String,
    /// What it matched (`domain example.org`, `text story.txt (containment 0.93)`, or
    /// `near-duplicate of <id>` for a duplicate of a withdrawn dedup representative).
    pub matched: String,
    /// The withdrawn representative it duplicated, for the second kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dup_of: Option<String>,
}

/// One file rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    /// Path relative to the workdir (`filter/part-00003.parquet`).
    pub path: String,
    /// Withdrawn documents it held (removed from it; for the first stage's ledger, added to it
    /// or relabelled; for a cluster file, removals dropped).
    pub documents: u64,
    pub before: String,
    /// Empty until applied.
    #[serde(default)]
    pub after: String,
}

/// `takedowns/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub status: Status,
    pub request: Request,
    pub request_digest: String,
    /// The request compiled for matching (passages as shingle hashes, not text).
    pub matcher: Matcher,
    /// UTC time the plan was fixed (the withdrawal time `audit doc` reports).
    pub planned: String,
    /// UTC time every output was rewritten.
    #[serde(default)]
    pub applied: String,
    /// Sorted by id.
    pub withdrawn: Vec<Withdrawn>,
    /// Document files, dedup cluster files and export files, in pipeline order.
    pub files: Vec<FileChange>,
    /// Row indices, in the dedup stage's input parts (the filter shards before the takedown), of
    /// withdrawn documents: the dedup cluster files are keyed by them.
    #[serde(default)]
    pub dedup_input_rows: BTreeMap<usize, Vec<u32>>,
    /// Withdrawn documents that were in the tokenizer's training data (the dedup shards).
    #[serde(default)]
    pub in_tokenizer_training: u64,
}

impl Record {
    pub fn path(workdir: &Path, id: &str) -> PathBuf {
        workdir.join(DIR).join(format!("{id}.json"))
    }

    pub fn read(path: &Path) -> Result<Record> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a takedown record", path.display()))
    }

    pub fn write(&self, workdir: &Path) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        minga_manifests::atomic_write(&Record::path(workdir, &self.id), &bytes)?;
        Ok(())
    }

    pub fn reason(&self) -> String {
        format!("{REASON_PREFIX}{}", self.id)
    }

    /// The ledger row of a withdrawn document.
    pub fn rejection(
        &self,
        matched: &str,
        dup_of: Option<&str>,
        earlier: Option<&Rejection>,
    ) -> Rejection {
        let r = &self.request;
        let mut detail = format!(
            "withdrawn at the request of {} ({}, takedown {}): {}; matched {matched}",
            r.requested_by, r.date, r.id, r.reason
        );
        if let Some(e) = earlier {
            detail.push_str(&format!("; was {} ({})", e.reason, e.detail));
        }
        Rejection {
            dup_of: dup_of.map(str::to_string),
            ..Rejection::new(self.reason(), None, detail)
        }
    }
}

/// A withdrawn document keeps its provenance in the ledger but not its text.
pub fn blank(mut doc: Document) -> Document {
    doc.text.clear();
    doc.title = None;
    doc.lang_spans.clear();
    doc
}

/// Every takedown of a workdir, in id order: what ingest applies.
#[derive(Debug, Default)]
pub struct Takedowns {
    pub records: Vec<Record>,
    ids: BTreeMap<String, (usize, usize)>,
}

impl Takedowns {
    /// Reads `workdir/takedowns/*.json` (none is an empty list).
    pub fn load(workdir: &Path) -> Result<Takedowns> {
        let dir = workdir.join(DIR);
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        paths.sort();
        let mut t = Takedowns::default();
        for p in paths {
            let r = Record::read(&p)?;
            for (j, w) in r.withdrawn.iter().enumerate() {
                t.ids.entry(w.id.clone()).or_insert((t.records.len(), j));
            }
            t.records.push(r);
        }
        Ok(t)
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// `(id, request digest)` of each takedown, for the ingest config digest: a part ingested
    /// before a takedown is not current after it.
    pub fn config_entry(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.records
                .iter()
                .map(|r| serde_json::json!({ "id": r.id, "request_digest": r.request_digest }))
                .collect(),
        )
    }

    /// The ledger row `doc` gets if a takedown withdraws it: by the ids a takedown withdrew
    /// (duplicates of withdrawn representatives included), else by its criteria.
    pub fn screen(&self, doc: &Document, earlier: Option<&Rejection>) -> Option<Rejection> {
        if earlier.is_some_and(|e| e.reason.starts_with(REASON_PREFIX)) {
            return None;
        }
        if let Some(&(r, j)) = self.ids.get(&doc.id) {
            let rec = &self.records[r];
            let w = &rec.withdrawn[j];
            return Some(rec.rejection(&w.matched, w.dup_of.as_deref(), earlier));
        }
        self.records.iter().find_map(|rec| {
            let why = rec.matcher.matches(doc)?;
            Some(rec.rejection(&why, None, earlier))
        })
    }
}

/// The record that withdrew a ledger reason `takedown.<id>`, if it is one and can be read.
pub fn record_for_reason(workdir: &Path, reason: &str) -> Option<Record> {
    let id = reason.strip_prefix(REASON_PREFIX)?;
    Record::read(&Record::path(workdir, id)).ok()
}
