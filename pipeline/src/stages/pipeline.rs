//! The stages of `minga run`, in order: [`STAGES`] is the one list, read by the local run, the
//! Slurm executor, `minga status`, `minga audit` and `minga report`.
//!
//! Each stage is one entry with one step function below; a step reads the previous stage's dir
//! and the config section it owns. The same shard selection and `--resume` apply to every
//! per-part stage. The local executor calls the steps in order; the Slurm executor
//! (`commands::slurm`) walks the same list and writes one sbatch script per entry, whose tasks run
//! `minga run CONFIG --stage NAME --shard-index I ...`: the very step the local run calls, so the
//! two executors cannot drift apart.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::config::PipelineConfig;
use crate::runner::{run_doc_stage, run_reduce, RunOptions, ShardSpec};
use crate::stages::config_check::StageConfigs;
use crate::stages::dedup;
use crate::stages::filter;
use crate::stages::ingest::{self, IngestJob};
use crate::stages::langid::{self, LangidStage};

/// What every step needs: the checked config, where relative paths start, the workdir, options.
pub struct RunContext {
    pub cfg: PipelineConfig,
    /// Every stage's section, typed and checked before the first stage.
    pub sections: StageConfigs,
    pub base: PathBuf,
    pub workdir: PathBuf,
    pub opts: RunOptions,
    /// Set when one stage runs alone (`--stage`, a Slurm job): stages that a whole local run
    /// finishes in one task (export) then keep to their shard.
    pub single_stage: bool,
}

impl RunContext {
    /// `workdir/<stage>`.
    pub fn stage_dir(&self, stage: &str) -> PathBuf {
        minga_manifests::Workdir::new(&self.workdir)
            .stage(stage)
            .dir
    }
}

/// How a stage spreads over tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    /// Part k in, part k out: a Slurm job array, task i runs the parts with `k % N == i`.
    PerPart,
    /// One process over the whole input (dedup clusters, tokenizer training, report).
    Reduce,
}

/// One stage of `minga run`, as both executors see it.
pub struct StagePlan {
    /// `--stage` value, Slurm job name, row of `minga status`.
    pub name: &'static str,
    pub kind: StageKind,
    /// The stage dir whose parts this stage reads (ingest reads the config's sources).
    pub input: Option<&'static str>,
    /// The stage dir written.
    pub out: &'static str,
    /// Where under `out` the per-part manifests go (`_parts` for document stages).
    pub parts_dir: &'static str,
    /// The file under `out` whose presence means the stage is complete.
    pub done_file: &'static str,
    /// False for entries the local run folds into a later one (dedup signatures run inside
    /// `dedup` there); the Slurm executor runs every entry.
    pub local: bool,
    pub step: fn(&RunContext) -> Result<()>,
}

const PARTS: &str = minga_manifests::PARTS_DIR;
const MANIFEST: &str = minga_manifests::MANIFEST_FILE;

/// Every stage of `minga run`, in order. A new stage is one entry here plus its step function.
pub const STAGES: &[StagePlan] = &[
    StagePlan {
        name: ingest::STAGE,
        kind: StageKind::PerPart,
        input: None,
        out: ingest::STAGE,
        parts_dir: PARTS,
        done_file: MANIFEST,
        local: true,
        step: ingest_step,
    },
    StagePlan {
        name: langid::STAGE,
        kind: StageKind::PerPart,
        input: Some(ingest::STAGE),
        out: langid::STAGE,
        parts_dir: PARTS,
        done_file: MANIFEST,
        local: true,
        step: langid_step,
    },
    StagePlan {
        name: filter::STAGE,
        kind: StageKind::PerPart,
        input: Some(langid::STAGE),
        out: filter::STAGE,
        parts_dir: PARTS,
        done_file: MANIFEST,
        local: true,
        step: filter_step,
    },
    StagePlan {
        name: "dedup-signatures",
        kind: StageKind::PerPart,
        input: Some(filter::STAGE),
        out: dedup::STAGE,
        parts_dir: "_dedup/signatures/_parts",
        done_file: MANIFEST,
        local: false,
        step: dedup_signatures_step,
    },
    StagePlan {
        name: dedup::STAGE,
        kind: StageKind::Reduce,
        input: Some(filter::STAGE),
        out: dedup::STAGE,
        parts_dir: PARTS,
        done_file: MANIFEST,
        local: true,
        step: dedup_step,
    },
    StagePlan {
        name: crate::stages::tokenizer::STAGE,
        kind: StageKind::Reduce,
        input: Some(dedup::STAGE),
        out: crate::stages::tokenizer::STAGE,
        parts_dir: PARTS,
        done_file: "release.json",
        local: true,
        step: tokenizer_step,
    },
    StagePlan {
        name: crate::stages::export::STAGE,
        kind: StageKind::PerPart,
        input: Some(dedup::STAGE),
        out: crate::stages::export::STAGE,
        parts_dir: PARTS,
        done_file: MANIFEST,
        local: true,
        step: export_step,
    },
    StagePlan {
        name: "report",
        kind: StageKind::Reduce,
        input: None,
        out: "report",
        parts_dir: PARTS,
        done_file: "index.html",
        local: true,
        step: report_step,
    },
];

/// The entry named `name`, or an error listing the names.
pub fn stage_named(name: &str) -> Result<&'static StagePlan> {
    STAGES.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
        anyhow::anyhow!("unknown stage {name:?}; stages: {}", names.join(", "))
    })
}

/// The config, its directory and the workdir (the `--workdir` flag wins over the config's).
pub fn load(config: &Path, workdir: Option<&PathBuf>, opts: RunOptions) -> Result<RunContext> {
    let (cfg, base) = PipelineConfig::load(config)?;
    let sections = crate::stages::config_check::check_sections(config, &cfg, &base)?;
    let workdir = match workdir {
        Some(w) => w.clone(),
        None => crate::config::join_clean(&base, &cfg.workdir),
    };
    if cfg.sources.is_empty() {
        bail!("{}: no [[source]] entries to read", config.display());
    }
    Ok(RunContext {
        cfg,
        sections,
        base,
        workdir,
        opts,
        single_stage: false,
    })
}

/// Name of the lock file a whole local run holds in its workdir.
pub const LOCK_FILE: &str = ".minga-run.lock";

/// Takes the workdir's lock (an advisory `flock`, released by the OS when the process ends, so a
/// killed run never leaves it held) and writes this process's id into it; another run holding it
/// is an error naming its pid.
pub(crate) fn lock_workdir(workdir: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(workdir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", workdir.display()))?;
    match crate::runner::lock_with_pid(&workdir.join(LOCK_FILE))? {
        Ok(file) => Ok(file),
        Err(holder) => bail!(
            "{} is being written by another minga run (pid {holder}): wait for it to finish, or give this run another --workdir",
            workdir.display()
        ),
    }
}

fn ingest_step(ctx: &RunContext) -> Result<()> {
    let job = IngestJob {
        base: ctx.base.clone(),
        sources: ctx.cfg.sources.clone(),
        ingest: ctx.cfg.ingest.clone(),
        consent: ctx.cfg.consent.clone(),
    };
    let out = ctx.stage_dir(ingest::STAGE);
    ingest::run(&job, &out, &ctx.opts)?.print(ingest::STAGE, &out);
    Ok(())
}

fn langid_step(ctx: &RunContext) -> Result<()> {
    let stage = LangidStage::new(ctx.sections.langid.clone())?;
    let out = ctx.stage_dir(langid::STAGE);
    run_doc_stage(&stage, &ctx.stage_dir(ingest::STAGE), &out, &ctx.opts)?
        .print(langid::STAGE, &out);
    Ok(())
}

fn filter_step(ctx: &RunContext) -> Result<()> {
    let stage = crate::stages::filter_config::build_stage(ctx.sections.filter.clone())?;
    let out = ctx.stage_dir(filter::STAGE);
    run_doc_stage(&stage, &ctx.stage_dir(langid::STAGE), &out, &ctx.opts)?
        .print(filter::STAGE, &out);
    Ok(())
}

/// Dedup's per-part first step alone (a Slurm array before the `dedup` reduce job).
fn dedup_signatures_step(ctx: &RunContext) -> Result<()> {
    let config = &ctx.sections.dedup;
    let out = ctx.stage_dir(dedup::STAGE);
    let r = dedup::signatures::run(config, &ctx.stage_dir(filter::STAGE), &out, &ctx.opts)?;
    eprintln!(
        "dedup signatures: {} parts run, {} skipped -> {}",
        r.parts_run,
        r.parts_skipped,
        out.display()
    );
    Ok(())
}

/// Dedup of the filter stage's output. With one task it runs all four steps (signatures already
/// written are kept under `--resume`). In a job array each task runs its share of `signatures`;
/// the task that finds every part's signatures done (and its input stage complete) runs buckets,
/// clusters and apply over everything.
fn dedup_step(ctx: &RunContext) -> Result<()> {
    let input = ctx.stage_dir(filter::STAGE);
    let config = &ctx.sections.dedup;
    let out = ctx.stage_dir(dedup::STAGE);
    if ctx.opts.shards.count == 1 {
        return crate::stages::dedup::run_all(config, &input, &out, ctx.opts.resume);
    }
    dedup_signatures_step(ctx)?;
    if dedup::signatures::all_done(config, &input, &out)? {
        crate::stages::dedup::run_all_after_signatures(config, &input, &out, ctx.opts.resume)?;
    } else {
        eprintln!("dedup: buckets, clusters and apply wait for the other shards' signatures");
    }
    Ok(())
}

/// The tokenizer and export read the last document stage: dedup's output.
fn last_doc_stage(ctx: &RunContext) -> PathBuf {
    ctx.stage_dir(dedup::STAGE)
}

/// Trains the release once the last document stage is complete (it waits, Ok, while it is not).
fn tokenizer_step(ctx: &RunContext) -> Result<()> {
    let cfg = &ctx.sections.tokenizer;
    let out = ctx.stage_dir(crate::stages::tokenizer::STAGE);
    crate::stages::tokenizer::pipeline_step(&last_doc_stage(ctx), &out, cfg, ctx.opts.resume)?;
    Ok(())
}

/// Waits while the last document stage is incomplete (no current tokenizer then). In a whole
/// local run it exports every part in the task that completed the tokenizer: the other tasks of a
/// sharded run had no tokenizer yet. Run alone (`--stage export`, a Slurm array after the
/// tokenizer job) it keeps to its shard.
fn export_step(ctx: &RunContext) -> Result<()> {
    let input = last_doc_stage(ctx);
    if !input.join(MANIFEST).exists() {
        eprintln!("export: waits for {}", input.join(MANIFEST).display());
        return Ok(());
    }
    let opts = RunOptions {
        resume: ctx.opts.resume,
        shards: if ctx.single_stage {
            ctx.opts.shards
        } else {
            ShardSpec::ALL
        },
    };
    let release = ctx.stage_dir(crate::stages::tokenizer::STAGE);
    let cfg = ctx.sections.export_for_run(&release);
    let out = ctx.stage_dir(crate::stages::export::STAGE);
    crate::stages::export_run::pipeline_step(cfg, &input, &out, &opts)
}

/// The data card of everything the run wrote, last.
fn report_step(ctx: &RunContext) -> Result<()> {
    let out = ctx.stage_dir("report");
    let mut report = crate::report::ReportStage {
        workdir: &ctx.workdir,
        out: &out,
    };
    run_reduce(&mut report, ctx.opts.resume)?;
    Ok(())
}
