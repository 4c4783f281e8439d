//! `minga run`: every configured stage in order, each into `workdir/<stage>/`.
//!
//! Each stage is one step function below; a step reads the previous stage's dir and the config
//! section it owns. The same shard selection and `--resume` apply to every per-part stage.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::RunArgs;
use crate::config::PipelineConfig;
use crate::runner::{run_doc_stage, RunOptions};
use crate::stages::ingest::{self, IngestJob};
use crate::stages::langid::{self, LangidStage};

/// What every step needs: the checked config, where relative paths start, the workdir, options.
pub struct RunContext {
    pub cfg: PipelineConfig,
    pub base: PathBuf,
    pub workdir: PathBuf,
    pub opts: RunOptions,
}

impl RunContext {
    /// `workdir/<stage>`.
    pub fn stage_dir(&self, stage: &str) -> PathBuf {
        self.workdir.join(stage)
    }
}

pub fn run(args: &RunArgs) -> Result<()> {
    let (cfg, base) = PipelineConfig::load(&args.config)?;
    let workdir = match &args.workdir {
        Some(w) => w.clone(),
        None => base.join(&cfg.workdir),
    };
    if cfg.sources.is_empty() {
        anyhow::bail!("{}: no [[source]] entries to read", args.config.display());
    }
    let opts = RunOptions {
        resume: args.shards.resume,
        shards: crate::shard_spec(&args.shards)?,
    };
    eprintln!(
        "minga run: {} -> {}",
        args.config.display(),
        workdir.display()
    );
    let ctx = RunContext {
        cfg,
        base,
        workdir,
        opts,
    };
    ingest_step(&ctx)?;
    langid_step(&ctx)?;
    report_step(&ctx)?;
    Ok(())
}

fn ingest_step(ctx: &RunContext) -> Result<()> {
    let job = IngestJob {
        base: ctx.base.clone(),
        sources: ctx.cfg.sources.clone(),
        ingest: ctx.cfg.ingest.clone(),
    };
    let out = ctx.stage_dir(ingest::STAGE);
    ingest::run(&job, &out, &ctx.opts)?.print(ingest::STAGE, &out);
    Ok(())
}

fn langid_step(ctx: &RunContext) -> Result<()> {
    let config = crate::commands::langid::from_table(ctx.cfg.langid.clone(), &ctx.base)?;
    let stage = LangidStage::new(config)?;
    let out = ctx.stage_dir(langid::STAGE);
    run_doc_stage(&stage, &ctx.stage_dir(ingest::STAGE), &out, &ctx.opts)?
        .print(langid::STAGE, &out);
    Ok(())
}

/// The data card of everything the run wrote, last.
fn report_step(ctx: &RunContext) -> Result<()> {
    let out = ctx.stage_dir("report");
    let page = crate::report::build(&ctx.workdir, &out)?;
    eprintln!("report: {}", page.display());
    Ok(())
}
