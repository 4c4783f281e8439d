//! The per-part half of the stage contract: a stage says what its parts are and how one part is
//! made; [`run_parts`] alone does part selection (`--shard-index`), the part lock, `--resume`,
//! progress, conservation, the part manifest (written last) and the merged stage manifest.
//!
//! Ingest, langid and filter (through [`super::DocParts`]), dedup signatures, dedup apply and
//! export implement [`PartStage`].

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_manifests::{part_name, FileEntry, PartManifest, PARTS_DIR};

use minga_manifests::StageDir;

use super::{
    clear_outputs, input_digest, input_entry, merge_if_complete, now_utc, part_is_done,
    shard_parts, RunOptions, StageRun,
};
use crate::progress::Progress;

/// One part of a per-part stage.
pub struct Part {
    /// `k` of `part-k`: kept from input to output (the input shard `part-k.parquet`).
    pub number: usize,
    /// Input bytes, for the progress bar.
    pub bytes: u64,
}

impl Part {
    /// This part's shard in the stage dir `dir` (`dir/part-NNNNN.parquet`).
    pub fn shard_in(&self, dir: &Path) -> PathBuf {
        StageDir::at(dir).shard(self.number)
    }
}

/// A stage that makes its output part by part, each part from its own inputs.
///
/// A stage with an `input` stage dir reads its part k from that dir's shard k: the parts, their
/// input entries and whether the input is complete follow from it. A stage without one (ingest)
/// plans its own parts and says what each reads.
pub trait PartStage {
    /// Name in manifests, messages and the progress bar.
    fn name(&self) -> &'static str;
    /// The effective configuration, recorded in manifests; its digest keys `--resume`.
    fn config(&self) -> serde_json::Value;
    /// The dir the part manifests' outputs are relative to; manifests go to `<dir>/_parts/`.
    fn dir(&self) -> &Path;
    /// The stage dir whose shards are this stage's parts; `None` for a stage that plans its own.
    fn input(&self) -> Option<&Path>;
    /// Every part, in order: each task of a sharded run computes the same list.
    fn parts(&self) -> Result<Vec<Part>> {
        match self.input() {
            Some(input) => shard_parts(input),
            None => bail!(
                "{}: a stage without an input dir plans its own parts",
                self.name()
            ),
        }
    }
    /// The entries a part reads, hashed (their digest keys `--resume`). Called only for the
    /// parts this task selects.
    fn inputs(&self, part: &Part) -> Result<Vec<FileEntry>> {
        match self.input() {
            Some(input) => Ok(vec![input_entry(&part.shard_in(input))?]),
            None => bail!(
                "{}: a stage without an input dir lists its own inputs",
                self.name()
            ),
        }
    }
    /// Writes one part's outputs and returns its manifest, filled from `m` (which holds the
    /// stage, part, digests, inputs and start time). The runner checks and writes it.
    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        progress: &Progress,
    ) -> Result<PartManifest>;
    /// Removes an earlier run's outputs before a fresh (not resumed) run of every part.
    fn clear(&self) -> Result<()> {
        clear_outputs(self.dir())
    }
    /// Conservation: every document in is kept or has a ledger row.
    fn check(&self, m: &PartManifest) -> Result<()> {
        if m.rows_in != m.rows_out + m.rows_rejected {
            bail!(
                "{}: {} rows in but {} out + {} rejected: a document was lost or duplicated",
                m.part,
                m.rows_in,
                m.rows_out,
                m.rows_rejected
            );
        }
        Ok(())
    }
    /// True once the stage's input is complete (its `_manifest.json` is written): only then can
    /// a stage manifest be merged (until it is, other tasks may still be writing input parts
    /// this one has not seen). Sources are always complete.
    fn input_complete(&self) -> bool {
        self.input()
            .is_none_or(|input| StageDir::at(input).is_complete())
    }
    /// Whether the stage has a `_manifest.json` of its own (dedup signatures do not: the
    /// `dedup` stage's manifest is apply's).
    fn merges(&self) -> bool {
        true
    }
    /// Runs once the stage manifest is written: files made from every part (`export.json`).
    fn finish(&mut self, _parts: &[usize]) -> Result<()> {
        Ok(())
    }
}

/// Runs the parts of `stage` this task selects; merges the stage manifest when every part is
/// done and the input is complete.
pub fn run_parts<S: PartStage + ?Sized>(stage: &mut S, opts: &RunOptions) -> Result<StageRun> {
    let parts = stage.parts()?;
    let config = stage.config();
    let config_digest = crate::config::digest_of(&config);
    let dir = stage.dir().to_path_buf();
    if !opts.resume && opts.shards.count == 1 {
        if let Some((part, pid)) = held_part(&dir) {
            bail!(
                "{}: {part} is being written by pid {pid}; a fresh run would remove it: wait for that process, or add --resume to run only the parts nobody holds",
                dir.display()
            );
        }
        stage.clear()?;
    }
    let selected: Vec<&Part> = parts
        .iter()
        .filter(|p| opts.shards.selects(p.number))
        .collect();
    let progress = Progress::bytes(stage.name(), selected.iter().map(|p| p.bytes).sum());
    let mut run = StageRun::default();
    for part in selected {
        let start = progress.position();
        let Some(_lock) = PartLock::take(&dir, part.number)? else {
            run.parts_held += 1;
            progress.inc(part.bytes);
            continue;
        };
        let inputs = stage.inputs(part)?;
        let in_digest = input_digest(&inputs);
        if opts.resume && part_is_done(&dir, part.number, &config_digest, &in_digest) {
            run.parts_skipped += 1;
            progress.inc(part.bytes);
            continue;
        }
        let mut m = PartManifest::new(
            stage.name(),
            part.number,
            &config_digest,
            &in_digest,
            now_utc(),
        );
        m.inputs = inputs;
        let name = stage.name();
        let clock = std::time::Instant::now();
        let mut m = stage
            .run_part(part, m, &progress)
            .with_context(|| format!("{name}: {}", part_name(part.number)))?;
        m.finished = now_utc();
        m.seconds = clock.elapsed().as_secs_f64();
        stage.check(&m)?;
        super::remove_stale_temps(&dir.join(PARTS_DIR), &part_name(part.number));
        m.write(&manifest_path(&dir, part.number))?;
        run.add(&m);
        // Stages that move the bar within a part leave less to add here.
        progress.inc((start + part.bytes).saturating_sub(progress.position()));
    }
    progress.finish();
    if run.parts_held > 0 {
        eprintln!(
            "{}: {} parts are being written by another process (see above); the stage manifest waits for them",
            stage.name(),
            run.parts_held
        );
    }
    if stage.merges() && stage.input_complete() {
        let all: Vec<usize> = parts.iter().map(|p| p.number).collect();
        if merge_if_complete(&dir, stage.name(), config, &config_digest, &all)?.is_some() {
            stage.finish(&all)?;
            run.manifest_written = true;
        }
    }
    Ok(run)
}

fn manifest_path(dir: &Path, part: usize) -> PathBuf {
    dir.join(PARTS_DIR)
        .join(format!("{}.json", part_name(part)))
}

/// An advisory lock on one part (`flock` on `_parts/.part-NNNNN.lock`, which holds the pid while
/// it is held): two processes never write one part at once, and the OS releases the lock when its
/// holder dies, so a killed run never leaves a part stuck. The file is removed when the part is
/// done, so a finished run leaves no lock files.
pub struct PartLock {
    path: PathBuf,
    file: std::fs::File,
}

impl PartLock {
    /// The lock of `part`, or `None` (after saying which pid holds it) when another process has it.
    pub fn take(dir: &Path, part: usize) -> Result<Option<PartLock>> {
        let parts_dir = dir.join(PARTS_DIR);
        std::fs::create_dir_all(&parts_dir)
            .with_context(|| format!("cannot create {}", parts_dir.display()))?;
        let path = parts_dir.join(format!(".{}.lock", part_name(part)));
        // A holder removes the file before it unlocks: a lock taken on a file that is no longer
        // at `path` guards nothing, so it is taken again on the file now there.
        for _ in 0..100 {
            let file = match lock_with_pid(&path)? {
                Ok(file) => file,
                Err(holder) => {
                    eprintln!(
                        "{}: {} is being written by pid {holder}; this process leaves it to that one",
                        dir.display(),
                        part_name(part)
                    );
                    return Ok(None);
                }
            };
            if same_file(&file, &path) {
                return Ok(Some(PartLock { path, file }));
            }
        }
        bail!(
            "{}: cannot take the lock of {}",
            dir.display(),
            part_name(part)
        )
    }
}

impl Drop for PartLock {
    fn drop(&mut self) {
        // Removed while still held; the lock goes with the file handle.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Takes an advisory `flock` on `path` (created if missing) and writes this process's id into
/// it; when another process holds it, the pid written there. The OS releases the lock when the
/// returned file is closed or its process dies.
pub(crate) fn lock_with_pid(path: &Path) -> Result<std::result::Result<std::fs::File, String>> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    if file.try_lock().is_err() {
        let holder = std::fs::read_to_string(path).unwrap_or_default();
        return Ok(Err(holder.trim().to_string()));
    }
    use std::io::Write;
    file.set_len(0)?;
    write!(&file, "{}", std::process::id())?;
    Ok(Ok(file))
}

/// A part of `dir` whose lock another process holds, with that process's pid.
fn held_part(dir: &Path) -> Option<(String, String)> {
    let entries = std::fs::read_dir(dir.join(PARTS_DIR)).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".lock"))
        .collect();
    names.sort();
    names.into_iter().find_map(|name| {
        let path = dir.join(PARTS_DIR).join(&name);
        let file = std::fs::File::open(&path).ok()?;
        if file.try_lock().is_ok() {
            return None;
        }
        let pid = std::fs::read_to_string(&path).unwrap_or_default();
        let part = name.trim_start_matches('.').trim_end_matches(".lock");
        Some((part.to_string(), pid.trim().to_string()))
    })
}

/// True when the open `file` is the one at `path` (same device and inode).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_lock_is_exclusive_and_leaves_no_file() {
        let t = tempfile::tempdir().unwrap();
        let held = PartLock::take(t.path(), 3).unwrap().expect("free part");
        let file = t.path().join(PARTS_DIR).join(".part-00003.lock");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            std::process::id().to_string()
        );
        // flock belongs to the open file, so a second open in this process is refused too.
        assert!(PartLock::take(t.path(), 3).unwrap().is_none());
        assert!(PartLock::take(t.path(), 4).unwrap().is_some());
        drop(held);
        assert!(!file.exists());
        assert!(PartLock::take(t.path(), 3).unwrap().is_some());
    }
}
