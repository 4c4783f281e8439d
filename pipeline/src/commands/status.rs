//! `minga status --workdir DIR`: per stage, parts done out of the total, documents and MB so far,
//! Slurm tasks that failed (from `sacct`, for the jobs in `workdir/slurm/jobs.json`), and the
//! command that resubmits only what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use clap::Args;
use minga_manifests::{PartManifest, PARTS_DIR};

use super::slurm::{expected_parts, missing_parts, quote, JobsFile, JOBS_FILE, SLURM_DIR};
use crate::stages::pipeline::{StageKind, STAGES};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The workdir of a run.
    #[arg(long)]
    pub workdir: PathBuf,
    /// The pipeline config (default: the one recorded in workdir/slurm/jobs.json).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: &StatusArgs) -> Result<()> {
    let jobs: Option<JobsFile> = std::fs::read(args.workdir.join(SLURM_DIR).join(JOBS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let config = args
        .config
        .clone()
        .or_else(|| jobs.as_ref().map(|j| PathBuf::from(&j.config)));
    let ctx = match &config {
        Some(c) => Some(crate::stages::pipeline::load(
            c,
            Some(&args.workdir),
            crate::runner::RunOptions {
                resume: true,
                shards: crate::runner::ShardSpec::ALL,
            },
        )?),
        None => None,
    };
    println!(
        "{:<17} {:>11} {:>12} {:>10}  state",
        "stage", "parts", "documents", "MB"
    );
    let mut incomplete = false;
    for stage in STAGES {
        let out = args.workdir.join(stage.out);
        let total = match (&ctx, stage.kind, stage.input) {
            (Some(c), StageKind::PerPart, _) => expected_parts(c, stage)?,
            // Without the config, a complete input stage still tells how many parts follow.
            (None, StageKind::PerPart, Some(input)) => {
                let dir = args.workdir.join(input);
                match dir.join(minga_manifests::MANIFEST_FILE).exists() {
                    true => Some(minga_manifests::list_parts(&dir)?.len()),
                    false => None,
                }
            }
            _ => None,
        };
        let (done, docs, bytes) = progress(&out.join(stage.parts_dir))?;
        // A per-part step without a merged manifest of its own (dedup signatures) is complete
        // when every part is there.
        let complete = out.join(stage.done_file).exists()
            || (stage.parts_dir != PARTS_DIR
                && total.is_some_and(|t| missing_parts(stage, &out, t).is_empty()));
        let state = if complete {
            "complete".to_string()
        } else if let Some(t) = total {
            let missing = missing_parts(stage, &out, t);
            let tasks = jobs.as_ref().map(|j| j.tasks).unwrap_or(1).max(1);
            let mut ids: Vec<usize> = missing.iter().map(|p| p % tasks).collect();
            ids.sort_unstable();
            ids.dedup();
            let job = jobs
                .as_ref()
                .and_then(|j| j.jobs.iter().rev().find(|r| r.stage == stage.name));
            let names: Vec<String> = match job {
                Some(r) => ids.iter().map(|i| format!("{}_{i}", r.job_id)).collect(),
                None => ids.iter().map(usize::to_string).collect(),
            };
            let queued = match job {
                Some(r) if in_queue(&r.job_id) => ", its job is still queued or running",
                _ => "",
            };
            format!(
                "missing parts {missing:?}: array tasks {} of {tasks} did not finish{queued}",
                names.join(" ")
            )
        } else {
            "waiting for its input".to_string()
        };
        incomplete |= !complete;
        let parts = match (total, stage.kind) {
            (_, StageKind::Reduce) => "-".to_string(),
            (Some(t), _) => format!("{done}/{t}"),
            (None, _) => format!("{done}/?"),
        };
        println!(
            "{:<17} {parts:>11} {docs:>12} {:>10.2}  {state}",
            stage.name,
            bytes as f64 / 1e6
        );
    }
    if let Some(j) = &jobs {
        for (stage, task, state) in failed_tasks(j) {
            println!("failed: {stage} task {task}: {state}");
        }
    }
    if incomplete {
        println!(
            "resume with: {}",
            resume_command(&args.workdir, config.as_deref(), jobs.as_ref())
        );
    }
    Ok(())
}

/// (parts with a part manifest, documents kept, output bytes) of a stage's part-manifest dir.
fn progress(dir: &Path) -> Result<(usize, u64, u64)> {
    if !dir.is_dir() {
        return Ok((0, 0, 0));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let (mut docs, mut bytes) = (0, 0);
    for p in &names {
        let m = PartManifest::read(p)?;
        docs += m.rows_out;
        bytes += m.outputs.iter().map(|o| o.bytes).sum::<u64>();
    }
    Ok((names.len(), docs, bytes))
}

/// Whether `squeue` still lists the job (any of its array tasks).
fn in_queue(job_id: &str) -> bool {
    Command::new("squeue")
        .args(["-h", "-o", "%i", "-j", job_id])
        .output()
        .map(|o| o.status.success() && !o.stdout.trim_ascii().is_empty())
        .unwrap_or(false)
}

/// Array tasks and jobs that sacct reports as neither finished nor still queued or running.
fn failed_tasks(jobs: &JobsFile) -> Vec<(String, String, String)> {
    if jobs.jobs.is_empty() {
        return Vec::new();
    }
    let ids: Vec<&str> = jobs.jobs.iter().map(|j| j.job_id.as_str()).collect();
    let Ok(out) = Command::new("sacct")
        .args(["-n", "-P", "-X", "--format=JobID,State,ExitCode", "-j"])
        .arg(ids.join(","))
        .output()
    else {
        eprintln!("minga status: sacct not found; failed tasks are known only from missing parts");
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut failed = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [id, state, code] = f[..] else { continue };
        let ok = ["COMPLETED", "PENDING", "RUNNING", "REQUEUED", "SUSPENDED"]
            .iter()
            .any(|s| state.starts_with(s));
        if ok {
            continue;
        }
        let base = id.split('_').next().unwrap_or(id);
        let stage = jobs
            .jobs
            .iter()
            .find(|j| j.job_id == base)
            .map(|j| j.stage.clone())
            .unwrap_or_default();
        failed.push((stage, id.to_string(), format!("{state} (exit {code})")));
    }
    failed
}

/// `minga run CONFIG --workdir DIR --executor slurm --resume ...` with the recorded options
/// (a `--hold` given to the first submission is left out).
fn resume_command(workdir: &Path, config: Option<&Path>, jobs: Option<&JobsFile>) -> String {
    let config = config
        .map(|c| c.display().to_string())
        .unwrap_or_else(|| "CONFIG".into());
    let mut cmd = vec![
        "minga".to_string(),
        "run".into(),
        quote(&config),
        "--workdir".into(),
        quote(&workdir.display().to_string()),
        "--executor".into(),
        "slurm".into(),
        "--resume".into(),
    ];
    if let Some(j) = jobs {
        cmd.push(format!("--tasks {}", j.tasks));
        for (flag, v) in [
            ("partition", &j.partition),
            ("time", &j.time),
            ("mem", &j.mem),
        ] {
            if let Some(v) = v {
                cmd.push(format!("--{flag} {}", quote(v)));
            }
        }
        for a in &j.sbatch_args {
            if a != "--hold" && a != "-H" {
                cmd.push(format!("--sbatch-arg={}", quote(a)));
            }
        }
    }
    cmd.join(" ")
}
