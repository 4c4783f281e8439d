//! `minga run`: every configured stage in order, each into `workdir/<stage>/`.

use anyhow::Result;

use crate::cli::RunArgs;
use crate::config::PipelineConfig;
use crate::runner::RunOptions;
use crate::stages::ingest::{self, IngestJob};

pub fn run(args: &RunArgs) -> Result<()> {
    let (cfg, base) = PipelineConfig::load(&args.config)?;
    let workdir = match &args.workdir {
        Some(w) => w.clone(),
        None => base.join(&cfg.workdir),
    };
    if cfg.sources.is_empty() {
        anyhow::bail!("{}: no [[source]] entries to read", args.config.display());
    }
    let opts = RunOptions { resume: args.shards.resume, shards: crate::shard_spec(&args.shards)? };
    eprintln!("minga run: {} -> {}", args.config.display(), workdir.display());
    let job = IngestJob { base: base.clone(), sources: cfg.sources.clone(), ingest: cfg.ingest.clone() };
    let out = workdir.join(ingest::STAGE);
    ingest::run(&job, &out, &opts)?.print(ingest::STAGE, &out);
    Ok(())
}
