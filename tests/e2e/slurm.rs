//! `minga run --executor slurm` and `minga status`. The dry run needs nothing; the cluster tests
//! need a running Slurm (`scripts/slurm-cluster.sh start`) and skip with a message without one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::*;

/// A private copy of the binary: the sbatch scripts run it after this test returns control to
/// the scheduler, so it must not change under them.
fn private_minga(dir: &Path) -> PathBuf {
    let bin = dir.join("minga");
    std::fs::copy(env!("CARGO_BIN_EXE_minga"), &bin).unwrap();
    bin
}

fn run_bin(bin: &Path, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .current_dir(dir)
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "minga {args:?} failed\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// True when sbatch is on PATH and `sinfo` shows a node that can take jobs.
fn cluster_up() -> bool {
    let Ok(out) = Command::new("sinfo").args(["-h", "-o", "%t"]).output() else {
        eprintln!(
            "skipping: sbatch/sinfo not on PATH (start one with scripts/slurm-cluster.sh start)"
        );
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let up = text
        .lines()
        .any(|l| l.starts_with("idle") || l.starts_with("mix") || l.starts_with("alloc"));
    if !up {
        eprintln!("skipping: no Slurm node is up (scripts/slurm-cluster.sh start)");
    }
    up
}

/// (stage, job id) pairs printed by `minga run --executor slurm`.
fn job_ids(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 3).then(|| (f[0].to_string(), f[1].to_string()))
        })
        .collect()
}

/// Polls squeue until none of `ids` is listed (bounded). The whole queue is listed and a failed
/// squeue (slurmctld busy) counts as "still there": `squeue -j` on finished jobs fails too, and
/// taking that for "done" compared half-finished workdirs.
fn wait_for(ids: &[(String, String)]) {
    let list: Vec<&str> = ids.iter().map(|(_, j)| j.as_str()).collect();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(300) {
        let out = Command::new("squeue")
            .args(["-h", "-o", "%i"])
            .output()
            .unwrap();
        let queued = String::from_utf8_lossy(&out.stdout);
        let ours = queued
            .lines()
            .any(|l| list.contains(&l.trim().split('_').next().unwrap_or("")));
        if out.status.success() && !ours {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("Slurm jobs {list:?} still queued after 300 s");
}

fn scontrol(args: &[&str]) {
    let s = Command::new("scontrol").args(args).status().unwrap();
    assert!(s.success(), "scontrol {args:?}");
}

/// Stage outputs only: the `slurm/` dir (scripts, logs, jobs.json) is the executor's own.
fn outputs(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut s = snapshot(dir);
    s.retain(|k, _| !k.starts_with("slurm/"));
    s
}

#[test]
fn dry_run_prints_one_script_per_stage_and_submits_nothing() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let out = run_ok(
        t.path(),
        &[
            "run",
            cfg.to_str().unwrap(),
            "--executor",
            "slurm",
            "--tasks",
            "3",
            "--partition",
            "cpu",
            "--mem",
            "2G",
            "--sbatch-arg=--qos=long",
            "--dry-run",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("#!/bin/bash").count(), 8, "{text}");
    assert!(text.contains("#SBATCH --array=0-2"), "{text}");
    assert!(text.contains("#SBATCH --partition=cpu"), "{text}");
    assert!(text.contains("#SBATCH --mem=2G"), "{text}");
    assert!(text.contains("#SBATCH --qos=long"), "{text}");
    assert!(text.contains("--shard-count 3 --resume"), "{text}");
    assert!(text.contains(" --stage langid --shard-index "), "{text}");
    assert!(text.contains(" --stage tokenizer --resume"), "{text}");
    assert!(text.contains("--dependency=afterok"), "{text}");
    assert!(!t.path().join("work/slurm/jobs.json").exists());
    assert!(!t.path().join("work/ingest").exists());
}

#[test]
fn slurm_run_equals_local_run_and_resume_reruns_only_the_cancelled_task() {
    if !cluster_up() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let bin = private_minga(t.path());
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_bin(&bin, t.path(), &["run", cfg, "--workdir", "local"]);
    let local = outputs(&t.path().join("local"));
    assert!(local.keys().filter(|k| k.ends_with(".parquet")).count() >= 4);

    // A clean run through Slurm.
    let slurm = ["--executor", "slurm", "--tasks", "4"];
    let mut args = vec!["run", cfg, "--workdir", "clean"];
    args.extend(slurm);
    let jobs = job_ids(&run_bin(&bin, t.path(), &args));
    assert_eq!(jobs.len(), 8, "{jobs:?}");
    wait_for(&jobs);
    assert_same_files(&outputs(&t.path().join("clean")), &local);

    // Submitted held, langid task 2 cancelled before it can start, then released.
    let mut args = vec!["run", cfg, "--workdir", "cut", "--sbatch-arg=--hold"];
    args.extend(slurm);
    let jobs = job_ids(&run_bin(&bin, t.path(), &args));
    let langid = jobs.iter().find(|(s, _)| s == "langid").unwrap().1.clone();
    let task = format!("{langid}_2");
    let s = Command::new("scancel").arg(&task).status().unwrap();
    assert!(s.success());
    for (_, j) in &jobs {
        scontrol(&["release", j]);
    }
    wait_for(&jobs);
    let status = run_bin(&bin, t.path(), &["status", "--workdir", "cut"]);
    assert!(
        status.contains(&task),
        "status does not name {task}:\n{status}"
    );
    let resume = status
        .lines()
        .find_map(|l| l.strip_prefix("resume with: "))
        .unwrap_or_else(|| panic!("no resume command:\n{status}"));
    assert!(
        resume.contains("--resume") && !resume.contains("--hold"),
        "{resume}"
    );
    let words: Vec<&str> = resume.split_whitespace().skip(1).collect();
    let rerun = job_ids(&run_bin(&bin, t.path(), &words));
    // Ingest is complete and not resubmitted; langid reruns its one missing task, the stages
    // after it (cancelled with it by kill_invalid_depend) run again.
    assert_eq!(rerun.len(), 7, "{rerun:?}");
    assert_eq!(rerun[0].0, "langid", "{rerun:?}");
    let log_dir = t.path().join("cut/slurm/logs");
    wait_for(&rerun);
    let logs: Vec<String> = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("langid-{}_", rerun[0].1)))
        .collect();
    assert_eq!(logs, vec![format!("langid-{}_2.log", rerun[0].1)]);
    assert_same_files(&outputs(&t.path().join("cut")), &local);
}
