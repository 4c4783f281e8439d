//! Finding what a request withdraws: every document stage's shards and ledgers are read (in
//! parallel, one file per task; results merged by id, so the plan does not depend on the order),
//! then the duplicates that dedup removed in favour of a withdrawn representative join them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_manifests::{blake3_file, ShardReader};
use rayon::prelude::*;

use super::record::{Withdrawn, REASON_PREFIX};
use super::request::Matcher;
use crate::workdir::{stages, StageDir};

/// One Parquet file of a document stage.
#[derive(Debug, Clone)]
pub struct StageFile {
    pub stage: usize,
    pub part: usize,
    pub ledger: bool,
    pub path: PathBuf,
}

/// What one file holds of interest.
#[derive(Default)]
struct FileScan {
    matched: Vec<(String, String)>,
    /// (member, representative) of dedup ledger rows.
    dups: Vec<(String, String)>,
    /// Ids already withdrawn by a takedown.
    withdrawn_before: Vec<String>,
}

/// The document stages of a workdir in pipeline order, and their files.
pub fn doc_stages(workdir: &Path) -> Result<(Vec<StageDir>, Vec<StageFile>)> {
    let dirs: Vec<StageDir> = stages(workdir)?
        .into_iter()
        .filter(StageDir::has_documents)
        .collect();
    let mut files = Vec::new();
    for (i, st) in dirs.iter().enumerate() {
        for (part, path) in st.shards()? {
            files.push(StageFile {
                stage: i,
                part,
                ledger: false,
                path,
            });
        }
        for (part, path) in st.ledgers()? {
            files.push(StageFile {
                stage: i,
                part,
                ledger: true,
                path,
            });
        }
    }
    Ok((dirs, files))
}

fn scan_file(f: &StageFile, matcher: &Matcher) -> Result<FileScan> {
    let mut out = FileScan::default();
    let mut r = ShardReader::open(&f.path)?;
    if f.ledger {
        while let Some(rows) = r.next_ledger_batch()? {
            for row in rows {
                if row.why.reason.starts_with(REASON_PREFIX) {
                    out.withdrawn_before.push(row.doc.id);
                    continue;
                }
                if let Some(why) = matcher.matches(&row.doc) {
                    out.matched.push((row.doc.id.clone(), why));
                }
                if let (true, Some(rep)) = (row.why.reason.starts_with("dedup."), row.why.dup_of) {
                    out.dups.push((row.doc.id, rep));
                }
            }
        }
    } else {
        while let Some((docs, _)) = r.next_batch()? {
            for d in docs {
                if let Some(why) = matcher.matches(&d) {
                    out.matched.push((d.id, why));
                }
            }
        }
    }
    Ok(out)
}

/// The documents `matcher` withdraws from the files, by id: direct matches first, then the
/// documents dedup removed as duplicates of one of them (a withdrawn story's copies go too:
/// were they left, a re-run would keep one of them in its place).
pub fn withdrawn(files: &[StageFile], matcher: &Matcher) -> Result<BTreeMap<String, Withdrawn>> {
    let scans: Vec<FileScan> = files
        .par_iter()
        .map(|f| scan_file(f, matcher).with_context(|| format!("reading {}", f.path.display())))
        .collect::<Result<_>>()?;
    let before: BTreeSet<&String> = scans.iter().flat_map(|s| &s.withdrawn_before).collect();
    let mut out: BTreeMap<String, Withdrawn> = BTreeMap::new();
    for s in &scans {
        for (id, why) in &s.matched {
            if before.contains(id) {
                continue;
            }
            // The first stage's reason wins (files are in pipeline order); it is the same id.
            out.entry(id.clone()).or_insert_with(|| Withdrawn {
                id: id.clone(),
                matched: why.clone(),
                dup_of: None,
            });
        }
    }
    let mut dups: Vec<&(String, String)> = scans.iter().flat_map(|s| &s.dups).collect();
    dups.sort();
    for (member, rep) in dups {
        let rep_out = out.get(rep).is_some_and(|w| w.dup_of.is_none());
        if rep_out && !out.contains_key(member) && !before.contains(member) {
            out.insert(
                member.clone(),
                Withdrawn {
                    id: member.clone(),
                    matched: format!("near-duplicate of withdrawn {rep}"),
                    dup_of: Some(rep.clone()),
                },
            );
        }
    }
    Ok(out)
}

/// Row indices of the withdrawn documents in one file.
pub fn rows_of(path: &Path, ids: &BTreeSet<&str>) -> Result<Vec<u32>> {
    let mut rows = Vec::new();
    let mut r = ShardReader::open(path)?;
    let mut i = 0u32;
    while let Some((docs, _)) = r.next_batch()? {
        for d in docs {
            if ids.contains(d.id.as_str()) {
                rows.push(i);
            }
            i += 1;
        }
    }
    Ok(rows)
}

/// Per file: row indices of withdrawn documents and the file's BLAKE3 now.
pub fn locate(files: &[StageFile], ids: &BTreeSet<&str>) -> Result<Vec<(Vec<u32>, String)>> {
    files
        .par_iter()
        .map(|f| {
            let rows =
                rows_of(&f.path, ids).with_context(|| format!("reading {}", f.path.display()))?;
            let (digest, _) = blake3_file(&f.path)?;
            Ok((rows, digest))
        })
        .collect()
}
