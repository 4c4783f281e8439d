//! The stage contract (DESIGN.md, "Stage contract"): part k in, part k out; shard selection for
//! Slurm arrays; `--resume`; atomic outputs; a per-part manifest written last; the merged stage
//! manifest once every part is done; and the parallel, order-preserving document loop.
//!
//! Per-part stages implement [`PartStage`] and run through [`run_parts`]; per-document stages
//! implement the narrower [`DocStage`] ([`DocParts`] makes one a `PartStage`); stages over the
//! whole input implement [`ReduceStage`] and run through [`run_reduce`].

mod doc_stage;
mod part_stage;
mod reduce;

pub use doc_stage::{process_batch, run_doc_stage, DocParts, DocStage, Outcome, BATCH};
pub(crate) use part_stage::lock_with_pid;
pub use part_stage::{run_parts, Part, PartLock, PartStage};
pub use reduce::{run_reduce, ReduceStage, Reduced};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_manifests::{
    list_parts, part_name, FileEntry, PartManifest, ShardReader, ShardWriter, StageDir,
    StageManifest, MANIFEST_FILE, PARTS_DIR, REJECTED_DIR,
};

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
        let dir = StageDir::at(out);
        PartPaths {
            shard: dir.shard(part),
            ledger: dir.ledger(part),
            manifest: dir.part_manifest(part),
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

/// Summary of one command's work, printed at the end.
#[derive(Debug, Default)]
pub struct StageRun {
    pub parts_run: usize,
    pub parts_skipped: usize,
    /// Parts left to another process that held their lock.
    pub parts_held: usize,
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
    let (blake3, bytes, _) = checked_with_rows(path)?;
    Ok((blake3, bytes))
}

/// [`checked_input`], with the row count the writing stage recorded (when it recorded one).
fn checked_with_rows(path: &Path) -> Result<(String, u64, Option<u64>)> {
    let (blake3, bytes) = minga_manifests::blake3_file(path)?;
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok((blake3, bytes, None));
    };
    let name = name.to_string_lossy();
    let Some(stem) = name.strip_suffix(".parquet") else {
        return Ok((blake3, bytes, None));
    };
    let manifest = dir.join(PARTS_DIR).join(format!("{stem}.json"));
    let Ok(m) = PartManifest::read(&manifest) else {
        return Ok((blake3, bytes, None));
    };
    let Some(o) = m.outputs.iter().find(|o| o.path == name) else {
        return Ok((blake3, bytes, None));
    };
    if o.blake3 != blake3 || o.bytes != bytes {
        bail!(
            "{} changed since its stage wrote it ({} bytes, BLAKE3 {}; {} records {} bytes, {}): rerun that stage for this part (`--resume` redoes it)",
            path.display(),
            bytes,
            &blake3[..12.min(blake3.len())],
            manifest.display(),
            o.bytes,
            &o.blake3[..12.min(o.blake3.len())]
        );
    }
    Ok((blake3, bytes, Some(o.rows)))
}

/// The manifest entry of an input shard, checked ([`checked_input`]); its rows are those the
/// writing stage recorded, so the shard is opened only where no manifest says.
pub fn input_entry(path: &Path) -> Result<FileEntry> {
    let (blake3, bytes, rows) = checked_with_rows(path)?;
    let rows = match rows {
        Some(r) => r,
        None => ShardReader::open(path)?.rows(),
    };
    Ok(FileEntry {
        path: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        rows,
        blake3,
    })
}

/// The parts of an input stage dir, each read from its shard; an error when there are none.
pub fn shard_parts(input: &Path) -> Result<Vec<Part>> {
    Ok(input_parts(input)?
        .into_iter()
        .map(|(number, path)| Part {
            number,
            bytes: path.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .collect())
}

/// Closes a part's shard and ledger and lists them (shard, ledger, then whatever the stage listed
/// itself, e.g. dedup's boilerplate list) in its manifest, with their row counts and the card's
/// figures of the shard ([`minga_manifests::PartStats`]). The runner
/// checks conservation and writes the manifest ([`run_parts`]).
pub fn close_part(
    mut m: PartManifest,
    out: ShardWriter,
    ledger: ShardWriter,
) -> Result<PartManifest> {
    let (out_entry, stats) = out.finish_with_stats()?;
    m.stats = stats;
    let mut ledger_entry = ledger.finish()?;
    ledger_entry.path = format!("{REJECTED_DIR}/{}", ledger_entry.path);
    m.rows_out = out_entry.rows;
    m.rows_rejected = ledger_entry.rows;
    let extra = std::mem::take(&mut m.outputs);
    m.outputs = [out_entry, ledger_entry].into_iter().chain(extra).collect();
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
