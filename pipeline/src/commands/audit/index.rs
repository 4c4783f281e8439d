//! `minga audit index`: a lookup index over every document a workdir has seen, so that
//! `minga audit find` answers "is my text in it?" without re-reading every shard.
//!
//! `WORKDIR/audit-index/` holds three files, written atomically:
//! * `docs.parquet`: one row per document that entered the pipeline (ingest shards and ingest
//!   ledger, in part and row order): id, url, host, source, lang, where its ingested text lies,
//!   and its fate: the last stage that holds it, kept or removed (with the reason), exported.
//! * `postings.bin`: the sampled passage shingles of every ingested text
//!   (`minga_filters::dedup::is_sampled`) as sorted `(shingle, doc)` pairs, for text queries.
//! * `index.json`: format version, counts and the workdir state key (a digest of every manifest
//!   and takedown record) the index was built from; a changed workdir makes the index stale and
//!   `audit find` rebuilds it.

use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_filters::dedup::PassageShingler;
use minga_manifests::ShardReader;
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::workdir::{stages, StageDir};

pub const INDEX_DIR: &str = "audit-index";
const DOCS_FILE: &str = "docs.parquet";
const POSTINGS_FILE: &str = "postings.bin";
const INFO_FILE: &str = "index.json";
const POSTINGS_MAGIC: &[u8; 8] = b"MGAUDPS1";
/// Bumped when the files change shape: an index of another version is rebuilt.
const FORMAT_VERSION: u32 = 1;

/// What `index.json` records.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct IndexInfo {
    pub version: u32,
    /// Digest of the workdir's manifests and takedown records when the index was built.
    pub state: String,
    pub documents: usize,
    pub postings: usize,
}

/// One document as the index holds it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocEntry {
    pub id: String,
    pub url: String,
    pub host: String,
    pub source: String,
    pub lang: String,
    /// Where its ingested text lies: `ingest` shard or `ingest/rejected` ledger, part, row.
    #[serde(skip)]
    pub text_at: (bool, u32, u32),
    /// The last stage whose shards or ledger hold it.
    pub stage: String,
    /// `kept` or `removed`.
    pub status: String,
    /// The ledger reason when removed.
    pub reason: String,
    pub exported: bool,
}

/// The loaded index. The document table stays columnar: a query reads the one or two columns it
/// filters on and builds a [`DocEntry`] only for the rows that match.
pub struct AuditIndex {
    pub dir: PathBuf,
    pub docs: DataFrame,
    /// `(shingle, doc)`, sorted; empty when loaded without postings (URL and domain queries).
    pub postings: Vec<(u64, u32)>,
}

impl AuditIndex {
    pub fn len(&self) -> usize {
        self.docs.height()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.height() == 0
    }

    /// Rows whose string column `name` satisfies `keep`.
    pub fn rows_where(&self, name: &str, keep: impl Fn(&str) -> bool) -> Result<Vec<usize>> {
        let col = self.docs.column(name)?.str()?;
        let rows = col.into_iter().enumerate();
        Ok(rows
            .filter(|(_, v)| keep(v.unwrap_or_default()))
            .map(|(i, _)| i)
            .collect())
    }

    /// The document at `row`.
    pub fn entry(&self, row: usize) -> Result<DocEntry> {
        let s = |name: &str| -> Result<String> {
            Ok(self
                .docs
                .column(name)?
                .str()?
                .get(row)
                .unwrap_or_default()
                .to_string())
        };
        let u = |name: &str| -> Result<u32> {
            Ok(self.docs.column(name)?.u32()?.get(row).unwrap_or_default())
        };
        Ok(DocEntry {
            id: s("id")?,
            url: s("url")?,
            host: s("host")?,
            source: s("source")?,
            lang: s("lang")?,
            text_at: (u("text_in_ledger")? != 0, u("text_part")?, u("text_row")?),
            stage: s("stage")?,
            status: s("status")?,
            reason: s("reason")?,
            exported: u("exported")? != 0,
        })
    }
}

/// A digest of what the index depends on: every stage's manifests, part manifests and takedown
/// records (names and bytes), and the export index's file names.
pub fn workdir_state(workdir: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for st in stages(workdir)? {
        files.push(st.dir.join(minga_manifests::MANIFEST_FILE));
        files.extend(st.part_manifests()?.into_iter().map(|(p, _)| p));
        files.extend(st.ledgers()?.into_iter().map(|(_, p)| p));
    }
    for extra in ["takedowns", "export/index"] {
        if let Ok(rd) = std::fs::read_dir(workdir.join(extra)) {
            let mut names: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
            names.sort();
            files.extend(names);
        }
    }
    let mut h = blake3::Hasher::new();
    for f in files {
        h.update(
            f.strip_prefix(workdir)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        // Parquet shards are identified by name and size (their manifests carry digests).
        let meta = std::fs::metadata(&f).ok();
        if f.extension().is_some_and(|e| e == "json") {
            h.update(&std::fs::read(&f).unwrap_or_default());
        } else if let Some(m) = meta {
            h.update(&m.len().to_le_bytes());
        }
    }
    Ok(h.finalize().to_hex().to_string())
}

/// Builds the index of `workdir` and writes it under `workdir/audit-index/`.
pub fn build(workdir: &Path) -> Result<AuditIndex> {
    let state = workdir_state(workdir)?;
    let all = stages(workdir)?;
    let ingest = all
        .iter()
        .find(|s| s.name == "ingest")
        .with_context(|| format!("{}: no ingest stage to index", workdir.display()))?;
    let mut docs = Vec::new();
    let mut postings = Vec::new();
    read_ingested(ingest, &mut docs, &mut postings)?;
    let by_id: HashMap<String, u32> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i as u32))
        .collect();
    for st in all.iter().filter(|s| s.name != "ingest") {
        apply_stage(st, &by_id, &mut docs)?;
    }
    mark_exported(workdir, &by_id, &mut docs)?;
    postings.par_sort_unstable();
    let dir = workdir.join(INDEX_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut frame = docs_frame(&docs)?;
    drop(docs);
    write_docs(&dir.join(DOCS_FILE), &mut frame)?;
    write_postings(&dir.join(POSTINGS_FILE), &postings)?;
    let info = IndexInfo {
        version: FORMAT_VERSION,
        state,
        documents: frame.height(),
        postings: postings.len(),
    };
    write_atomic(&dir.join(INFO_FILE), &serde_json::to_vec_pretty(&info)?)?;
    Ok(AuditIndex {
        dir,
        docs: frame,
        postings,
    })
}

/// The index of `workdir` if it exists and matches the workdir's current state; the postings
/// only `with_postings`.
pub fn load_current(workdir: &Path, with_postings: bool) -> Result<Option<AuditIndex>> {
    let dir = workdir.join(INDEX_DIR);
    let Ok(bytes) = std::fs::read(dir.join(INFO_FILE)) else {
        return Ok(None);
    };
    let info: IndexInfo = match serde_json::from_slice(&bytes) {
        Ok(i) => i,
        Err(_) => return Ok(None),
    };
    if info.version != FORMAT_VERSION || info.state != workdir_state(workdir)? {
        return Ok(None);
    }
    let path = dir.join(DOCS_FILE);
    let file =
        std::fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let docs = ParquetReader::new(file).finish()?;
    let postings = match with_postings {
        true => read_postings(&dir.join(POSTINGS_FILE))?,
        false => Vec::new(),
    };
    Ok(Some(AuditIndex {
        dir,
        docs,
        postings,
    }))
}

/// Every document of the ingest shards and ledger, with the sampled shingles of its text.
fn read_ingested(
    ingest: &StageDir,
    docs: &mut Vec<DocEntry>,
    postings: &mut Vec<(u64, u32)>,
) -> Result<()> {
    let shards = ingest.shards()?.into_iter().map(|(p, f)| (false, p, f));
    let ledgers = ingest.ledgers()?.into_iter().map(|(p, f)| (true, p, f));
    for (in_ledger, part, path) in shards.chain(ledgers) {
        let mut reader = ShardReader::open(&path)?;
        let mut row = 0u32;
        let cols: &[&str] = match in_ledger {
            true => &["id", "url", "source", "text", "reason"],
            false => &["id", "url", "source", "text"],
        };
        while let Some(mut batch) = reader.next_strings(cols)? {
            // A shard has no `reason` column: its documents are kept.
            let n = batch[0].len();
            let reasons = if in_ledger {
                batch.pop().unwrap_or_default()
            } else {
                vec![String::new(); n]
            };
            let texts = batch.pop().unwrap_or_default();
            batch.push(reasons);
            let first = docs.len() as u32;
            let sampled: Vec<Vec<u64>> = texts
                .par_iter()
                .map_init(PassageShingler::default, |s, t| s.sampled(t))
                .collect();
            for (i, hashes) in sampled.into_iter().enumerate() {
                postings.extend(hashes.into_iter().map(|h| (h, first + i as u32)));
            }
            let [ids, urls, sources, reasons] = <[Vec<String>; 4]>::try_from(batch)
                .map_err(|_| anyhow::anyhow!("{}: column count", path.display()))?;
            let rows = ids.into_iter().zip(urls).zip(sources).zip(reasons);
            for (((id, url), source), reason) in rows {
                let host = match url.as_str() {
                    "" => String::new(),
                    u => minga_filters::urls::split_url(u).0,
                };
                let (status, reason) = match in_ledger {
                    true => ("removed", reason),
                    false => ("kept", String::new()),
                };
                docs.push(DocEntry {
                    id,
                    url,
                    host,
                    source,
                    lang: String::new(),
                    text_at: (in_ledger, part as u32, row),
                    stage: "ingest".into(),
                    status: status.into(),
                    reason,
                    exported: false,
                });
                row += 1;
            }
        }
    }
    Ok(())
}

/// Kept documents of a later stage move their fate there; its ledger rows mark removals. The
/// language is the one the latest stage holding the document gave it.
fn apply_stage(st: &StageDir, by_id: &HashMap<String, u32>, docs: &mut [DocEntry]) -> Result<()> {
    let shards = st.shards()?.into_iter().map(|(_, p)| (false, p));
    let ledgers = st.ledgers()?.into_iter().map(|(_, p)| (true, p));
    for (in_ledger, path) in shards.chain(ledgers) {
        let mut reader = ShardReader::open(&path)?;
        let mut cols = vec!["id"];
        let reason_at = in_ledger.then(|| {
            cols.push("reason");
            cols.len() - 1
        });
        let lang_at = reader.has_column("lang").then(|| {
            cols.push("lang");
            cols.len() - 1
        });
        while let Some(batch) = reader.next_strings(&cols)? {
            for (row, id) in batch[0].iter().enumerate() {
                let Some(&i) = by_id.get(id) else { continue };
                let d = &mut docs[i as usize];
                d.stage = st.name.clone();
                (d.status, d.reason) = match reason_at {
                    Some(r) => ("removed".into(), batch[r][row].clone()),
                    None => ("kept".into(), String::new()),
                };
                if let Some(l) = lang_at {
                    d.lang = batch[l][row].clone();
                }
            }
        }
    }
    Ok(())
}

fn mark_exported(
    workdir: &Path,
    by_id: &HashMap<String, u32>,
    docs: &mut [DocEntry],
) -> Result<()> {
    let dir = workdir.join("export").join("index");
    if !dir.is_dir() {
        return Ok(());
    }
    for (_, path) in minga_manifests::list_parts(&dir)? {
        let mut reader = ShardReader::open(&path)?;
        while let Some(batch) = reader.next_strings(&["id"])? {
            for id in &batch[0] {
                if let Some(&i) = by_id.get(id) {
                    docs[i as usize].exported = true;
                }
            }
        }
    }
    Ok(())
}

fn docs_frame(docs: &[DocEntry]) -> Result<DataFrame> {
    let s = |name: &str, f: fn(&DocEntry) -> &str| {
        Column::new(name.into(), docs.iter().map(f).collect::<Vec<_>>())
    };
    let u = |name: &str, f: fn(&DocEntry) -> u32| {
        Column::new(name.into(), docs.iter().map(f).collect::<Vec<_>>())
    };
    Ok(DataFrame::new(vec![
        s("id", |d| &d.id),
        s("url", |d| &d.url),
        s("host", |d| &d.host),
        s("source", |d| &d.source),
        s("lang", |d| &d.lang),
        u("text_in_ledger", |d| d.text_at.0 as u32),
        u("text_part", |d| d.text_at.1),
        u("text_row", |d| d.text_at.2),
        s("stage", |d| &d.stage),
        s("status", |d| &d.status),
        s("reason", |d| &d.reason),
        u("exported", |d| d.exported as u32),
    ])?)
}

fn write_docs(path: &Path, frame: &mut DataFrame) -> Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    ParquetWriter::new(file).finish(frame)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn write_postings(path: &Path, postings: &[(u64, u32)]) -> Result<()> {
    let mut bytes = Vec::with_capacity(16 + postings.len() * 12);
    bytes.extend_from_slice(POSTINGS_MAGIC);
    bytes.extend_from_slice(&(postings.len() as u64).to_le_bytes());
    for (h, d) in postings {
        bytes.extend_from_slice(&h.to_le_bytes());
        bytes.extend_from_slice(&d.to_le_bytes());
    }
    write_atomic(path, &bytes)
}

fn read_postings(path: &Path) -> Result<Vec<(u64, u32)>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let bad = || anyhow::anyhow!("{}: not a minga audit postings file", path.display());
    if bytes.len() < 16 || &bytes[..8] != POSTINGS_MAGIC {
        return Err(bad());
    }
    let n = u64::from_le_bytes(bytes[8..16].try_into().map_err(|_| bad())?) as usize;
    let body = &bytes[16..];
    if body.len() != n.checked_mul(12).ok_or_else(bad)? {
        return Err(bad());
    }
    Ok(body
        .chunks_exact(12)
        .map(|c| {
            let h = u64::from_le_bytes(c[..8].try_into().unwrap_or_default());
            let d = u32::from_le_bytes(c[8..].try_into().unwrap_or_default());
            (h, d)
        })
        .collect())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut f = BufWriter::new(
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?,
    );
    f.write_all(bytes)?;
    f.into_inner()?.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
