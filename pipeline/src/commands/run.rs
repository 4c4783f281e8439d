//! `minga run`: every configured stage in order, each into `workdir/<stage>/`.
//!
//! Each stage is one step function below; a step reads the previous stage's dir and the config
//! section it owns. The same shard selection and `--resume` apply to every per-part stage.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::RunArgs;
use crate::config::PipelineConfig;
use crate::runner::{run_doc_stage, RunOptions};
use crate::stages::filter;
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
        None => crate::config::join_clean(&base, &cfg.workdir),
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
    filter_step(&ctx)?;
    dedup_step(&ctx, &ctx.stage_dir(filter::STAGE))?;
    if tokenizer_step(&ctx)? {
        export_step(&ctx)?;
    }
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

fn filter_step(ctx: &RunContext) -> Result<()> {
    let config = crate::commands::filter::from_table(ctx.cfg.filter.clone(), &ctx.base)?;
    let stage = crate::commands::filter::build_stage(config)?;
    let out = ctx.stage_dir(filter::STAGE);
    run_doc_stage(&stage, &ctx.stage_dir(langid::STAGE), &out, &ctx.opts)?
        .print(filter::STAGE, &out);
    Ok(())
}

/// Dedup of the last per-document stage's output. With one task it runs all four steps. In a job
/// array each task runs its share of `signatures`; the task that finds every part's signatures
/// done (and its input stage complete) runs buckets, clusters and apply over everything.
fn dedup_step(ctx: &RunContext, input: &std::path::Path) -> Result<()> {
    use crate::stages::dedup;
    let config = crate::commands::dedup::from_table(ctx.cfg.dedup.clone())?;
    let out = ctx.stage_dir(dedup::STAGE);
    if ctx.opts.shards.count == 1 {
        return crate::commands::dedup::run_all(&config, input, &out, ctx.opts.resume);
    }
    let r = dedup::signatures::run(&config, input, &out, &ctx.opts)?;
    eprintln!(
        "dedup signatures: {} parts run, {} skipped -> {}",
        r.parts_run,
        r.parts_skipped,
        out.display()
    );
    if dedup::signatures::all_done(&config, input, &out)? {
        crate::commands::dedup::run_all_after_signatures(&config, input, &out, ctx.opts.resume)?;
    } else {
        eprintln!("dedup: buckets, clusters and apply wait for the other shards' signatures");
    }
    Ok(())
}

/// The tokenizer and export read the last document stage: dedup's output.
fn last_doc_stage(ctx: &RunContext) -> PathBuf {
    ctx.stage_dir(crate::stages::dedup::STAGE)
}

/// Trains the release once the last document stage is complete; false while it is not.
fn tokenizer_step(ctx: &RunContext) -> Result<bool> {
    let cfg = crate::commands::tokenizer::from_table(ctx.cfg.tokenizer.clone())?;
    let out = ctx.stage_dir(crate::commands::tokenizer::STAGE);
    crate::commands::tokenizer::pipeline_step(&last_doc_stage(ctx), &out, &cfg, ctx.opts.resume)
}

/// Runs in the task that completed the tokenizer step, over every part: the other tasks of a
/// sharded run had no tokenizer yet. (For big crawls run `minga export --shard-index ...` as its
/// own array job after the tokenizer.)
fn export_step(ctx: &RunContext) -> Result<()> {
    let opts = RunOptions {
        resume: ctx.opts.resume,
        shards: crate::runner::ShardSpec::ALL,
    };
    let release = ctx.stage_dir(crate::commands::tokenizer::STAGE);
    let cfg =
        crate::commands::export::pipeline_config(ctx.cfg.export.clone(), &ctx.base, &release)?;
    let out = ctx.stage_dir(crate::stages::export::STAGE);
    crate::commands::export::pipeline_step(cfg, &last_doc_stage(ctx), &out, &opts)
}

/// The data card of everything the run wrote, last.
fn report_step(ctx: &RunContext) -> Result<()> {
    let out = ctx.stage_dir("report");
    let page = crate::report::build(&ctx.workdir, &out)?;
    eprintln!("report: {}", page.display());
    Ok(())
}
