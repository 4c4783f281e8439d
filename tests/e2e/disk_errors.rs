//! Disk and permission errors: a full disk and a read-only workdir each give one clear error
//! naming the path, exit 1, leave every finished file complete, and `--resume` finishes the run
//! (equal to an uninterrupted one) once the cause is fixed.
//!
//! The tests run as root in CI, where file modes do not stop writes, so they make the failures
//! with small tmpfs mounts (`mount -t tmpfs`, `mount -o remount,ro`). Where mounting is not
//! permitted they print "skipping: ..." and return.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::crash::assert_no_partial_files;
use crate::util::*;

/// A tmpfs mounted on a fresh dir; unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("skipping: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
            return None;
        }
        Some(Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, opts: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success(), "remount {opts}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Runs `minga run --resume` into `work`, expecting exit 1 and one error naming `path_part`.
fn run_fails(dir: &Path, cfg: &Path, work: &Path, path_part: &str, cause: &str) -> String {
    let out = minga()
        .current_dir(dir)
        .args(["run", cfg.to_str().unwrap(), "--resume", "--workdir"])
        .arg(work)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let errors: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error expected: {stderr}");
    assert!(
        stderr.contains(path_part),
        "the error names {path_part}: {stderr}"
    );
    assert!(
        stderr.to_lowercase().contains(cause),
        "the error says {cause}: {stderr}"
    );
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert!(
        !stderr.contains("not a readable"),
        "a write error, not a read error: {stderr}"
    );
    eprintln!("{stderr}");
    stderr.into_owned()
}

/// Once the cause is fixed, `minga run --resume` completes and the workdir equals a clean run.
fn resume_equals_clean(
    dir: &Path,
    cfg: &Path,
    work: &Path,
    clean: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    run_ok(
        dir,
        &[
            "run",
            cfg.to_str().unwrap(),
            "--resume",
            "--workdir",
            work.to_str().unwrap(),
        ],
        &[],
    );
    assert_same_files(&snapshot(work), clean);
}

fn clean_run(dir: &Path) -> (PathBuf, std::collections::BTreeMap<String, Vec<u8>>) {
    let cfg = samples_config(dir, 0.004);
    run_ok(
        dir,
        &["run", cfg.to_str().unwrap(), "--workdir", "clean"],
        &[],
    );
    (cfg, snapshot(&dir.join("clean")))
}

/// The disk fills in each of several stages: the tmpfs holds the pages the clean run's earlier
/// stages took plus half of the target stage's, so the failing write is that stage's (a shard,
/// dedup's working files, the tokenizer release, export, the report).
#[test]
fn full_disk_fails_cleanly_and_resume_completes() {
    let t = tempfile::tempdir().unwrap();
    let (cfg, clean) = clean_run(t.path());
    let total: usize = clean.values().map(Vec::len).sum();
    let order = [
        "ingest",
        "langid",
        "filter",
        "dedup",
        "tokenizer",
        "export",
        "report",
    ];
    // tmpfs charges whole pages per file.
    let pages = |stage: &str| -> usize {
        clean
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{stage}/")))
            .map(|(_, v)| v.len().div_ceil(4096) * 4096)
            .sum()
    };
    let mut failed_in = Vec::new();
    for (i, target) in ["langid", "dedup", "tokenizer", "export", "report"]
        .into_iter()
        .enumerate()
    {
        let at = order.iter().position(|s| *s == target).unwrap();
        let size: usize = order[..at].iter().map(|s| pages(s)).sum::<usize>() + pages(target) / 2;
        let Some(fs) = Tmpfs::mount(&t.path().join(format!("mnt{i}")), &size.to_string()) else {
            return;
        };
        let work = fs.0.join("wd");
        let stderr = run_fails(
            t.path(),
            &cfg,
            &work,
            &format!("mnt{i}/wd/"),
            "no space left",
        );
        failed_in.push(
            order
                .into_iter()
                .rfind(|s| stderr.contains(&format!("wd/{s}/")))
                .unwrap_or("?"),
        );
        assert_no_partial_files(&work);
        fs.remount(&format!("size={}", total * 4 + (1 << 20)));
        resume_equals_clean(t.path(), &cfg, &work, &clean);
    }
    eprintln!("the disk filled in: {failed_in:?}");
    let mut stages = failed_in.clone();
    stages.dedup();
    assert!(
        stages.len() >= 4,
        "the disk filled in too few stages: {failed_in:?}"
    );
}

#[test]
fn read_only_workdir_fails_cleanly_and_resume_completes() {
    let t = tempfile::tempdir().unwrap();
    let (cfg, clean) = clean_run(t.path());
    let Some(fs) = Tmpfs::mount(&t.path().join("mnt"), "64m") else {
        return;
    };
    let work = fs.0.join("wd");
    // Ingest finishes, then the workdir turns read-only before langid runs.
    run_ok(
        t.path(),
        &[
            "ingest",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            work.join("ingest").to_str().unwrap(),
        ],
        &[],
    );
    let ingest_before = snapshot(&work.join("ingest"));
    fs.remount("ro");
    let _ = run_fails(t.path(), &cfg, &work, "mnt/wd/", "read-only");
    assert_eq!(snapshot(&work.join("ingest")), ingest_before);
    fs.remount("rw");
    resume_equals_clean(t.path(), &cfg, &work, &clean);
}
