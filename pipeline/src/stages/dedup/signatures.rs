//! `minga dedup signatures`: per input part, the rows of every table (exact key, LSH band keys,
//! optionally a URL key), each sorted by `(bucket, key)` for the buckets step's merge.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use minga_filters::dedup::{sort_entries, BandEntry, DocInfo, Sketcher};
use minga_manifests::{part_name, Columns, Document, FileEntry, PartManifest, ShardReader};
use rayon::prelude::*;

use super::records::{RecordWriter, ROW_MAGIC};
use super::{clear_dir, parse_id, DedupConfig, Layout, Table};
use crate::progress::Progress;
use crate::runner::{
    count, input_parts, now_utc, run_parts, Counters, Part, PartStage, RunOptions, StageRun, BATCH,
};

/// Runs the signatures step over the selected parts of `input`.
pub fn run(cfg: &DedupConfig, input: &Path, out: &Path, opts: &RunOptions) -> Result<StageRun> {
    let layout = Layout::new(out);
    let dir = layout.signatures();
    run_parts(
        &mut Signatures {
            cfg,
            input,
            layout,
            dir,
        },
        opts,
    )
}

/// The signatures step as a [`PartStage`]: each input part's sorted table rows, under
/// `_dedup/signatures/` (no stage manifest of its own: the `dedup` stage's is apply's).
struct Signatures<'a> {
    cfg: &'a DedupConfig,
    input: &'a Path,
    layout: Layout,
    dir: PathBuf,
}

impl PartStage for Signatures<'_> {
    fn name(&self) -> &'static str {
        "dedup.signatures"
    }

    fn config(&self) -> serde_json::Value {
        self.cfg.manifest_config()
    }

    fn input(&self) -> Option<&Path> {
        Some(self.input)
    }

    fn dir(&self) -> &Path {
        &self.dir
    }

    fn clear(&self) -> Result<()> {
        clear_dir(&self.dir)
    }

    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        _progress: &Progress,
    ) -> Result<PartManifest> {
        let shard = part.shard_in(self.input);
        sign_part(self.cfg, part.number, &shard, &self.layout, m)
    }

    fn merges(&self) -> bool {
        false
    }
}

/// True when the input stage is complete and every part's signatures are written with this config.
pub fn all_done(cfg: &DedupConfig, input: &Path, out: &Path) -> Result<bool> {
    Ok(input.join(minga_manifests::MANIFEST_FILE).exists() && missing(cfg, input, out)? == 0)
}

/// How many input parts have no signatures made with this config yet.
pub fn missing(cfg: &DedupConfig, input: &Path, out: &Path) -> Result<usize> {
    let layout = Layout::new(out);
    let digest = cfg.digest();
    Ok(input_parts(input)?
        .iter()
        .filter(|(p, _)| {
            let m = Layout::step_manifest(&layout.signatures(), &part_name(*p));
            !PartManifest::read(&m).is_ok_and(|m| m.config_digest == digest)
        })
        .count())
}

/// The representative's quality: the configured signal when the shard has it, else 0.
fn quality(cfg: &DedupConfig, cols: &Columns, doc: &Document) -> f32 {
    cfg.quality_signal
        .as_deref()
        .and_then(|s| cols.quality_of(doc, s))
        .unwrap_or(0.0)
}

/// The URL table's bucket: the first 128 bits of BLAKE3 of the URL as written.
fn url_key(url: &str) -> u128 {
    let h = blake3::hash(url.as_bytes());
    let mut a = [0u8; 16];
    a.copy_from_slice(&h.as_bytes()[..16]);
    u128::from_le_bytes(a)
}

fn sign_part(
    cfg: &DedupConfig,
    part: usize,
    path: &Path,
    layout: &Layout,
    mut m: PartManifest,
) -> Result<PartManifest> {
    let params = cfg.params()?;
    let tables = cfg.tables();
    let mut rows: Vec<Vec<BandEntry>> = vec![Vec::new(); tables.len()];
    let mut counters = Counters::new();
    let mut reader = ShardReader::open(path)?;
    let mut next_row: u32 = 0;
    while let Some((docs, cols)) = reader.next_batch()? {
        for chunk in docs.chunks(BATCH) {
            let first = next_row;
            next_row = next_row
                .checked_add(chunk.len() as u32)
                .context("more than 2^32 documents in one part")?;
            let sketched: Vec<Result<(Vec<Option<BandEntry>>, bool)>> = chunk
                .par_iter()
                .enumerate()
                .map_init(
                    || Sketcher::new(params),
                    |sk, (i, doc)| {
                        let sk = sk.as_mut().map_err(|e| anyhow::anyhow!("{e}"))?;
                        let key = DocInfo::part_row_key(part as u32, first + i as u32);
                        let id = parse_id(&doc.id)?;
                        let info = DocInfo::new(key, id, quality(cfg, &cols, doc));
                        let lang = doc.lang.as_deref().unwrap_or("und");
                        let near =
                            cfg.near && !cfg.keep_near_duplicates_for.iter().any(|l| l == lang);
                        let s = sk.sketch(info, &doc.text, near);
                        let row = |t: &Table| match *t {
                            Table::Exact => Some(s.exact_entry()),
                            Table::Band(b) => s.band_entry(b),
                            Table::Url => doc.url.as_deref().map(|u| BandEntry {
                                bucket: url_key(u),
                                doc: info,
                            }),
                        };
                        Ok((tables.iter().map(row).collect(), near))
                    },
                )
                .collect();
            for r in sketched {
                let (doc_rows, near) = r?;
                if !near {
                    count(&mut counters, "documents_without_near_dup", 1);
                }
                for (t, e) in doc_rows.into_iter().enumerate() {
                    if let Some(e) = e {
                        rows[t].push(e);
                    }
                }
            }
        }
    }
    let mut outputs = Vec::with_capacity(tables.len());
    for (t, mut table_rows) in tables.iter().zip(rows) {
        sort_entries(&mut table_rows);
        let file = layout.signature_file(part, *t);
        let mut w = RecordWriter::create(&file, ROW_MAGIC)?;
        for e in &table_rows {
            w.row(e)?;
        }
        count(&mut counters, &format!("rows.{}", t.name()), w.records);
        let records = w.records;
        let written = w.finish()?;
        outputs.push(file_entry(&written, records, &layout.signatures())?);
    }
    m.outputs = outputs;
    m.rows_in = u64::from(next_row);
    m.rows_out = m.rows_in;
    m.counters = counters;
    Ok(m)
}

/// A manifest entry for a written file, its path relative to `base`.
pub fn file_entry(path: &Path, rows: u64, base: &Path) -> Result<FileEntry> {
    let (blake3, bytes) = minga_manifests::blake3_file(path)?;
    let rel = path.strip_prefix(base).unwrap_or(path);
    Ok(FileEntry {
        path: rel.to_string_lossy().replace('\\', "/"),
        bytes,
        rows,
        blake3,
    })
}

/// The manifest of one task of a working step (signatures part, buckets table, clusters).
#[allow(clippy::too_many_arguments)]
pub fn step_manifest(
    stage: &str,
    name: String,
    digest: &str,
    inputs: Vec<FileEntry>,
    outputs: Vec<FileEntry>,
    rows_in: u64,
    counters: Counters,
    started: String,
    clock: Instant,
) -> PartManifest {
    PartManifest {
        stage: stage.to_string(),
        part: name,
        version: minga_manifests::VERSION.to_string(),
        config_digest: digest.to_string(),
        input_digest: crate::runner::input_digest(&inputs),
        inputs,
        outputs,
        rows_in,
        rows_out: rows_in,
        rows_rejected: 0,
        reasons: BTreeMap::new(),
        counters,
        started,
        finished: now_utc(),
        seconds: clock.elapsed().as_secs_f64(),
        stats: None,
    }
}
