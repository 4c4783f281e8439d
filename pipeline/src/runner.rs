//! The stage contract (DESIGN.md, "Stage contract"): part k in, part k out; shard selection for
//! Slurm arrays; `--resume`; atomic outputs; a per-part manifest written last; the merged stage
//! manifest once every part is done; and the parallel, order-preserving document loop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use minga_manifests::{
    list_parts, part_name, Columns, Document, FileEntry, PartManifest, Rejection, ShardReader,
    ShardWriter, StageManifest, MANIFEST_FILE, PARTS_DIR, REJECTED_DIR,
};
use rayon::prelude::*;

use crate::progress::Progress;

/// Named counts that add up across documents, parts and tasks.
pub type Counters = BTreeMap<String, u64>;

/// Adds `n` to counter `key`.
pub fn count(c: &mut Counters, key: &str, n: u64) {
    *c.entry(key.to_string()).or_default() += n;
}

/// Which parts this process runs: those with `part % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl ShardSpec {
    pub const ALL: ShardSpec = ShardSpec { index: 0, count: 1 };

    pub fn new(index: usize, count: usize) -> Result<Self> {
        if count == 0 || index >= count {
            bail!("--shard-index {index} must be below --shard-count {count}");
        }
        Ok(ShardSpec { index, count })
    }

    pub fn selects(&self, part: usize) -> bool {
        part % self.count == self.index
    }
}

/// Options every stage command takes.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub resume: bool,
    pub shards: ShardSpec,
}

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

/// Paths of one part in a stage output dir.
pub struct PartPaths {
    pub shard: PathBuf,
    pub ledger: PathBuf,
    pub manifest: PathBuf,
}

impl PartPaths {
    /// The paths of `part` about to be written: temp files that a killed run left for this part
    /// are removed (not those of a live writer: see [`remove_stale_temps`]).
    pub fn for_writing(out: &Path, part: usize) -> Self {
        let name = part_name(part);
        for dir in [
            out.to_path_buf(),
            out.join(REJECTED_DIR),
            out.join(PARTS_DIR),
        ] {
            remove_stale_temps(&dir, &name);
        }
        Self::new(out, part)
    }

    pub fn new(out: &Path, part: usize) -> Self {
        let name = part_name(part);
        PartPaths {
            shard: out.join(format!("{name}.parquet")),
            ledger: out.join(REJECTED_DIR).join(format!("{name}.parquet")),
            manifest: out.join(PARTS_DIR).join(format!("{name}.json")),
        }
    }
}

pub(crate) use crate::temps::remove_stale_temps;

/// BLAKE3 over the input entries of a part.
pub fn input_digest(inputs: &[FileEntry]) -> String {
    crate::config::digest_of(&inputs)
}

/// True when `--resume` may skip this part: its manifest exists, was made from the same inputs and
/// config, and every output it lists is still there unchanged.
pub fn part_is_done(out: &Path, part: usize, config_digest: &str, input_digest: &str) -> bool {
    let paths = PartPaths::new(out, part);
    let Ok(m) = PartManifest::read(&paths.manifest) else {
        return false;
    };
    if m.config_digest != config_digest || m.input_digest != input_digest {
        return false;
    }
    m.outputs.iter().all(|o| {
        matches!(minga_manifests::blake3_file(&out.join(&o.path)), Ok((d, n)) if d == o.blake3 && n == o.bytes)
    })
}

/// Removes the outputs of an earlier run before a fresh (not resumed) run of all parts, so stale
/// parts of a different plan cannot mix with new ones.
pub fn clear_outputs(out: &Path) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    for (_, p) in list_parts(out)? {
        std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
    }
    for sub in [REJECTED_DIR, PARTS_DIR] {
        let d = out.join(sub);
        if d.exists() {
            std::fs::remove_dir_all(&d)
                .with_context(|| format!("cannot remove {}", d.display()))?;
        }
    }
    let m = out.join(MANIFEST_FILE);
    if m.exists() {
        std::fs::remove_file(&m).with_context(|| format!("cannot remove {}", m.display()))?;
    }
    Ok(())
}

/// Writes `_manifest.json` if every part in `parts` has its part manifest; returns whether it did.
pub fn merge_if_complete(
    out: &Path,
    stage: &str,
    config: serde_json::Value,
    config_digest: &str,
    parts: &[usize],
) -> Result<Option<StageManifest>> {
    let mut manifests = Vec::with_capacity(parts.len());
    for &p in parts {
        match PartManifest::read(&PartPaths::new(out, p).manifest) {
            Ok(m) if m.config_digest == config_digest => manifests.push(m),
            _ => return Ok(None),
        }
    }
    let merged = StageManifest::merge(stage, config, config_digest, &manifests);
    merged.write(&out.join(MANIFEST_FILE))?;
    Ok(Some(merged))
}

/// UTC timestamp `YYYY-MM-DDTHH:MM:SSZ` (no extra dependency for one format).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (proleptic Gregorian), valid for all dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Documents per parallel batch: big enough to feed every thread, small enough to bound memory.
pub const BATCH: usize = 1024;

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

/// Summary of one command's work, printed at the end.
#[derive(Debug, Default)]
pub struct StageRun {
    pub parts_run: usize,
    pub parts_skipped: usize,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rows_rejected: u64,
    pub manifest_written: bool,
}

impl StageRun {
    pub fn add(&mut self, m: &PartManifest) {
        self.parts_run += 1;
        self.rows_in += m.rows_in;
        self.rows_out += m.rows_out;
        self.rows_rejected += m.rows_rejected;
    }

    pub fn print(&self, stage: &str, out: &Path) {
        eprintln!(
            "{stage}: {} parts run, {} skipped (resume); {} documents in, {} kept, {} to the ledger -> {}{}",
            self.parts_run,
            self.parts_skipped,
            self.rows_in,
            self.rows_out,
            self.rows_rejected,
            out.display(),
            if self.manifest_written { "" } else { " (stage manifest waits for the other shards)" }
        );
    }
}

/// The `part-NNNNN.parquet` shards of an input stage dir; an error when there are none.
pub fn input_parts(input: &Path) -> Result<Vec<(usize, PathBuf)>> {
    let parts =
        list_parts(input).with_context(|| format!("no input shards in {}", input.display()))?;
    if parts.is_empty() {
        bail!(
            "{} holds no part-NNNNN.parquet shards: run the previous stage first",
            input.display()
        );
    }
    Ok(parts)
}

/// BLAKE3 and size of an input shard, checked against the part manifest of the stage that wrote
/// it (`<dir>/_parts/<name>.json`) when there is one. A shard changed since it was written is an
/// error naming it, before any decoder sees it: a corrupted Parquet file can make the decoder
/// abort the process (an allocation of 2^61 bytes found by fuzzing), which no error path catches.
pub fn checked_input(path: &Path) -> Result<(String, u64)> {
    let (blake3, bytes) = minga_manifests::blake3_file(path)?;
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok((blake3, bytes));
    };
    let name = name.to_string_lossy();
    let Some(stem) = name.strip_suffix(".parquet") else {
        return Ok((blake3, bytes));
    };
    let manifest = dir.join(PARTS_DIR).join(format!("{stem}.json"));
    let Ok(m) = PartManifest::read(&manifest) else {
        return Ok((blake3, bytes));
    };
    if let Some(o) = m.outputs.iter().find(|o| o.path == name) {
        if o.blake3 != blake3 || o.bytes != bytes {
            bail!(
                "{} changed since its stage wrote it ({} bytes, BLAKE3 {}; {} records {} bytes,                  {}): rerun that stage for this part (`--resume` redoes it)",
                path.display(),
                bytes,
                &blake3[..12.min(blake3.len())],
                manifest.display(),
                o.bytes,
                &o.blake3[..12.min(o.blake3.len())]
            );
        }
    }
    Ok((blake3, bytes))
}

/// An input shard, checked ([`checked_input`]) and opened, with its manifest entry.
pub fn open_input(path: &Path) -> Result<(ShardReader, FileEntry)> {
    let (blake3, bytes) = checked_input(path)?;
    let reader = ShardReader::open(path)?;
    let entry = FileEntry {
        path: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        rows: reader.rows(),
        blake3,
    };
    Ok((reader, entry))
}

/// The parts this shard runs, and their total size in bytes (for the progress bar).
pub fn select_parts(
    parts: &[(usize, PathBuf)],
    shards: ShardSpec,
) -> (Vec<&(usize, PathBuf)>, u64) {
    let selected: Vec<&(usize, PathBuf)> =
        parts.iter().filter(|(p, _)| shards.selects(*p)).collect();
    let bytes = selected
        .iter()
        .filter_map(|(_, p)| p.metadata().ok())
        .map(|m| m.len())
        .sum();
    (selected, bytes)
}

/// Runs a per-document stage over the parts of `input` into `output` (part k in, part k out).
pub fn run_doc_stage(
    stage: &dyn DocStage,
    input: &Path,
    output: &Path,
    opts: &RunOptions,
) -> Result<StageRun> {
    let parts = input_parts(input)?;
    let config = stage.config();
    let config_digest = crate::config::digest_of(&config);
    if !opts.resume && opts.shards.count == 1 {
        clear_outputs(output)?;
    }
    let mut run = StageRun::default();
    let (selected, total_bytes) = select_parts(&parts, opts.shards);
    let progress = Progress::bytes(stage.name(), total_bytes);
    for (part, path) in selected {
        let (reader, entry) = open_input(path)?;
        let bytes = entry.bytes;
        let in_digest = input_digest(std::slice::from_ref(&entry));
        if opts.resume && part_is_done(output, *part, &config_digest, &in_digest) {
            run.parts_skipped += 1;
            progress.inc(bytes);
            continue;
        }
        let m = run_part(
            stage,
            reader,
            entry,
            *part,
            output,
            &config_digest,
            &in_digest,
        )
        .with_context(|| format!("{}: part {}", stage.name(), path.display()))?;
        run.add(&m);
        progress.inc(bytes);
    }
    progress.finish();
    // The stage is complete only once its input stage is: until the input's manifest exists,
    // other tasks may still be writing input parts this stage has not seen.
    if input.join(MANIFEST_FILE).exists() {
        let all: Vec<usize> = parts.iter().map(|(p, _)| *p).collect();
        run.manifest_written =
            merge_if_complete(output, stage.name(), config, &config_digest, &all)?.is_some();
    }
    Ok(run)
}

fn run_part(
    stage: &dyn DocStage,
    mut reader: ShardReader,
    entry: FileEntry,
    part: usize,
    output: &Path,
    config_digest: &str,
    in_digest: &str,
) -> Result<PartManifest> {
    let started = now_utc();
    let clock = Instant::now();
    let paths = PartPaths::for_writing(output, part);
    let mut writers: Option<(ShardWriter, ShardWriter)> = None;
    let mut m = PartManifest::new(stage.name(), part, config_digest, in_digest, started);
    m.inputs = vec![entry];
    let mut in_cols = Columns::default();
    while let Some((docs, cols)) = reader.next_batch()? {
        if writers.is_none() {
            in_cols = cols.clone();
        }
        let (out, ledger) = match writers.as_mut() {
            Some(w) => w,
            None => {
                let out_cols = cols.with(&stage.added_columns());
                writers.insert((
                    ShardWriter::documents(&paths.shard, &out_cols)?,
                    ShardWriter::ledger(&paths.ledger, &out_cols, stage.name())?,
                ))
            }
        };
        m.rows_in += docs.len() as u64;
        for chunk in chunks(docs, BATCH) {
            process_batch(stage, chunk, out, ledger, &mut m)?;
        }
    }
    let (out, ledger) = match writers {
        Some(w) => w,
        None => {
            let out_cols = in_cols.with(&stage.added_columns());
            (
                ShardWriter::documents(&paths.shard, &out_cols)?,
                ShardWriter::ledger(&paths.ledger, &out_cols, stage.name())?,
            )
        }
    };
    finish_part(m, out, ledger, &paths, clock)
}

/// Closes a part's shard and ledger, then writes its manifest (last, so it marks the part done).
pub fn finish_part(
    mut m: PartManifest,
    out: ShardWriter,
    ledger: ShardWriter,
    paths: &PartPaths,
    clock: Instant,
) -> Result<PartManifest> {
    let out_entry = out.finish()?;
    let mut ledger_entry = ledger.finish()?;
    ledger_entry.path = format!("{REJECTED_DIR}/{}", ledger_entry.path);
    m.rows_out = out_entry.rows;
    m.rows_rejected = ledger_entry.rows;
    // Shard and ledger first, then whatever the stage listed itself (e.g. dedup's boilerplate list).
    let extra = std::mem::take(&mut m.outputs);
    m.outputs = [out_entry, ledger_entry].into_iter().chain(extra).collect();
    m.finished = now_utc();
    m.seconds = clock.elapsed().as_secs_f64();
    if m.rows_in != m.rows_out + m.rows_rejected {
        bail!(
            "{}: {} rows in but {} out + {} rejected: a document was lost or duplicated",
            m.part,
            m.rows_in,
            m.rows_out,
            m.rows_rejected
        );
    }
    m.write(&paths.manifest)?;
    Ok(m)
}

/// Splits a vector into owned chunks of at most `n`.
pub fn chunks<T>(mut v: Vec<T>, n: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(v.len() / n + 1);
    while v.len() > n {
        let rest = v.split_off(n);
        out.push(std::mem::replace(&mut v, rest));
    }
    if !v.is_empty() {
        out.push(v);
    }
    out
}
