//! `minga run --executor slurm`: one sbatch script per stage of [`STAGES`], submitted in order.
//!
//! Per-part stages become job arrays whose task i runs `minga run CONFIG --stage NAME
//! --shard-index i --shard-count N --resume`; reduce steps (dedup buckets/clusters/apply,
//! tokenizer training, report) become single jobs. Each job waits for the whole previous job
//! (`--dependency=afterok:ID` on an array waits for every task), so a stage starts only after its
//! input stage is complete and its merged `_manifest.json` is written. Submissions are recorded in
//! `workdir/slurm/jobs.json` for `minga status`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use minga_manifests::{list_parts, MANIFEST_FILE};
use serde::{Deserialize, Serialize};

use crate::cli::RunArgs;
use crate::stages::pipeline::{RunContext, StageKind, StagePlan, STAGES};

/// Where `minga run` runs the stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Executor {
    /// In this process, one stage after the other.
    #[default]
    Local,
    /// As Slurm jobs (sbatch), chained with afterok dependencies.
    Slurm,
}

/// The `minga run` flags of the Slurm executor.
#[derive(Debug, Args, Clone, Default)]
pub struct SlurmArgs {
    /// local: run here; slurm: write sbatch scripts to workdir/slurm/ and submit them.
    #[arg(long, value_enum, default_value = "local")]
    pub executor: Executor,
    /// Slurm partition (default: the cluster's default partition).
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Array tasks per per-part stage.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub tasks: usize,
    /// Time limit per task (sbatch --time).
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// Memory per task (sbatch --mem).
    #[arg(long, value_name = "M")]
    pub mem: Option<String>,
    /// Extra sbatch option written into every script (repeatable), e.g. --sbatch-arg=--qos=long.
    #[arg(long = "sbatch-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub sbatch_args: Vec<String>,
    /// Print the scripts instead of submitting them.
    #[arg(long)]
    pub dry_run: bool,
}

/// `workdir/slurm/jobs.json`: what was submitted, so `minga status` can ask sacct and print the
/// command that resumes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JobsFile {
    pub config: String,
    pub workdir: String,
    pub tasks: usize,
    pub partition: Option<String>,
    pub time: Option<String>,
    pub mem: Option<String>,
    pub sbatch_args: Vec<String>,
    pub jobs: Vec<JobRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobRecord {
    pub stage: String,
    pub job_id: String,
    /// The array spec (`0-3`, `2`) or empty for a single job.
    pub array: String,
    pub script: String,
}

pub const SLURM_DIR: &str = "slurm";
pub const JOBS_FILE: &str = "jobs.json";

/// Number of parts a stage will have once its input is complete, when that is known now.
pub fn expected_parts(ctx: &RunContext, stage: &StagePlan) -> Result<Option<usize>> {
    match stage.input {
        None => {
            let (parts, _) = crate::stages::ingest::plan::plan_sources(
                &ctx.base,
                &ctx.cfg.sources,
                ctx.cfg.ingest.part_size_bytes(),
            )?;
            Ok(Some(parts.len()))
        }
        Some(input) => {
            let dir = ctx.stage_dir(input);
            if !dir.join(MANIFEST_FILE).exists() {
                return Ok(None);
            }
            Ok(Some(list_parts(&dir)?.len()))
        }
    }
}

/// Parts of a stage without a part manifest in `out`.
pub fn missing_parts(stage: &StagePlan, out: &Path, total: usize) -> Vec<usize> {
    (0..total)
        .filter(|p| {
            !out.join(stage.parts_dir)
                .join(format!("{}.json", minga_manifests::part_name(*p)))
                .exists()
        })
        .collect()
}

pub fn submit(args: &RunArgs) -> Result<()> {
    let s = &args.slurm;
    if s.tasks == 0 {
        bail!("--tasks must be at least 1");
    }
    if args.shards.shard_index.is_some() {
        bail!("--shard-index is set per array task by the Slurm executor; leave it out");
    }
    let config = absolute(&args.config)?;
    let opts = crate::runner::RunOptions {
        resume: args.shards.resume,
        shards: crate::runner::ShardSpec::ALL,
    };
    let mut ctx = crate::stages::pipeline::load(&config, args.workdir.as_ref(), opts)?;
    std::fs::create_dir_all(&ctx.workdir)
        .with_context(|| format!("cannot create {}", ctx.workdir.display()))?;
    ctx.workdir = absolute(&ctx.workdir)?;
    let resume = args.shards.resume;
    let slurm_dir = ctx.workdir.join(SLURM_DIR);
    std::fs::create_dir_all(slurm_dir.join("logs"))
        .with_context(|| format!("cannot create {}", slurm_dir.display()))?;
    let minga = match std::env::var_os("MINGA_BIN") {
        Some(b) => PathBuf::from(b),
        None => std::env::current_exe().context("cannot find the minga binary")?,
    };
    let jobs_path = slurm_dir.join(JOBS_FILE);
    let mut jobs = match (resume, std::fs::read(&jobs_path)) {
        (true, Ok(b)) => serde_json::from_slice(&b).unwrap_or_default(),
        _ => JobsFile::default(),
    };
    jobs.config = config.display().to_string();
    jobs.workdir = ctx.workdir.display().to_string();
    jobs.tasks = s.tasks;
    jobs.partition = s.partition.clone();
    jobs.time = s.time.clone();
    jobs.mem = s.mem.clone();
    jobs.sbatch_args = s.sbatch_args.clone();
    let mut previous: Option<String> = None;
    let mut upstream_submitted = false;
    for (i, stage) in STAGES.iter().enumerate() {
        let out = ctx.stage_dir(stage.out);
        if !resume && !s.dry_run && out.exists() {
            // A fresh run, as the local executor does: earlier outputs would be resumed from.
            std::fs::remove_dir_all(&out)
                .with_context(|| format!("cannot clear {}", out.display()))?;
        }
        let Some(array) = array_for(&ctx, stage, s.tasks, resume && !upstream_submitted)? else {
            eprintln!("minga run: {}: complete, not resubmitted", stage.name);
            continue;
        };
        let script = script(&ctx, stage, &config, &minga, s, &array);
        let path = slurm_dir.join(format!("{:02}-{}.sbatch", i, stage.name));
        if s.dry_run {
            let dep = match &previous {
                Some(_) => " --dependency=afterok:<previous job>",
                None => "",
            };
            println!("# {} (sbatch --parsable{dep})\n{script}", path.display());
            previous = Some(String::new());
            continue;
        }
        minga_manifests::atomic_write(&path, script.as_bytes())?;
        let id = sbatch(&path, previous.as_deref())?;
        println!(
            "{}\t{}\t{}",
            stage.name,
            id,
            array.as_deref().unwrap_or("-")
        );
        jobs.jobs.push(JobRecord {
            stage: stage.name.to_string(),
            job_id: id.clone(),
            array: array.unwrap_or_default(),
            script: path.display().to_string(),
        });
        previous = Some(id);
        upstream_submitted = true;
    }
    if !s.dry_run {
        let bytes = serde_json::to_vec_pretty(&jobs)?;
        minga_manifests::atomic_write(&jobs_path, &bytes)?;
        if previous.is_none() {
            eprintln!("minga run: every stage is complete; nothing submitted");
        }
    }
    Ok(())
}

/// The array spec for a stage: `Some(None)` a single job, `Some(Some("0-3"))` an array, `None`
/// nothing to do. When `only_missing`, the tasks whose parts are all finished are left out.
fn array_for(
    ctx: &RunContext,
    stage: &StagePlan,
    tasks: usize,
    only_missing: bool,
) -> Result<Option<Option<String>>> {
    let out = ctx.stage_dir(stage.out);
    let complete = out.join(stage.done_file).exists();
    if stage.kind == StageKind::Reduce {
        return Ok(if only_missing && complete {
            None
        } else {
            Some(None)
        });
    }
    let Some(total) = expected_parts(ctx, stage)? else {
        return Ok(Some(Some(format!("0-{}", tasks - 1))));
    };
    let mut ids: Vec<usize> = if only_missing {
        missing_parts(stage, &out, total)
            .into_iter()
            .map(|p| p % tasks)
            .collect()
    } else {
        (0..total.min(tasks)).collect()
    };
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        if only_missing && complete {
            return Ok(None);
        }
        // Every part is there but the merged manifest is not: one task writes it.
        ids.push(0);
    }
    Ok(Some(Some(array_spec(&ids))))
}

/// `0-3` for a run of ids, `1,3` otherwise.
pub fn array_spec(ids: &[usize]) -> String {
    let contiguous = ids.windows(2).all(|w| w[1] == w[0] + 1);
    match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if contiguous && a != b => format!("{a}-{b}"),
        _ => ids
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// The sbatch script of one stage.
fn script(
    ctx: &RunContext,
    stage: &StagePlan,
    config: &Path,
    minga: &Path,
    s: &SlurmArgs,
    array: &Option<String>,
) -> String {
    let logs = ctx.workdir.join(SLURM_DIR).join("logs");
    let mut h = vec!["#!/bin/bash".to_string()];
    h.push(format!("#SBATCH --job-name=minga-{}", stage.name));
    let log = match array {
        Some(a) => {
            h.push(format!("#SBATCH --array={a}"));
            format!("{}-%A_%a.log", stage.name)
        }
        None => format!("{}-%j.log", stage.name),
    };
    h.push(format!("#SBATCH --output={}", logs.join(log).display()));
    h.push("#SBATCH --ntasks=1".to_string());
    for (flag, v) in [
        ("partition", &s.partition),
        ("time", &s.time),
        ("mem", &s.mem),
    ] {
        if let Some(v) = v {
            h.push(format!("#SBATCH --{flag}={v}"));
        }
    }
    for a in &s.sbatch_args {
        h.push(format!("#SBATCH {a}"));
    }
    let mut argv: Vec<String> = vec!["run".into(), config.display().to_string()];
    argv.push("--workdir".into());
    argv.push(ctx.workdir.display().to_string());
    argv.push("--stage".into());
    argv.push(stage.name.into());
    let argv: Vec<String> = argv.iter().map(|a| quote(a)).collect();
    let shard = match array {
        Some(_) => format!(
            " --shard-index \"$SLURM_ARRAY_TASK_ID\" --shard-count {} --resume",
            s.tasks
        ),
        None => " --resume".to_string(),
    };
    h.push("set -euo pipefail".to_string());
    h.push(format!(
        "exec {} ${{SLURM_CPUS_PER_TASK:+--threads \"$SLURM_CPUS_PER_TASK\"}} {}{shard}",
        quote(&minga.display().to_string()),
        argv.join(" ")
    ));
    h.join("\n") + "\n"
}

/// Single-quotes a word for bash when it holds anything but safe characters.
pub fn quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-=:,+@%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `sbatch --parsable [--dependency=afterok:DEP] SCRIPT` -> the job id.
fn sbatch(script: &Path, dep: Option<&str>) -> Result<String> {
    let mut c = Command::new("sbatch");
    c.arg("--parsable");
    if let Some(d) = dep {
        c.arg(format!("--dependency=afterok:{d}"));
    }
    c.arg(script);
    let out = c
        .output()
        .context("cannot run sbatch (is Slurm installed and on PATH?)")?;
    if !out.status.success() {
        bail!(
            "sbatch {} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let id = text.trim().split(';').next().unwrap_or("").to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        bail!("sbatch {}: unexpected answer {text:?}", script.display());
    }
    Ok(id)
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(p).with_context(|| format!("cannot resolve {}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_specs() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[2]), "2");
        assert_eq!(array_spec(&[1, 3]), "1,3");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("/a/b-c.toml"), "/a/b-c.toml");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
