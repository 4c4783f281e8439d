//! `minga ingest`: checked flags -> [`IngestJob`] -> the ingest stage.

use anyhow::{bail, Result};

use crate::cli::IngestArgs;
use crate::config::{PipelineConfig, SourceConfig};
use crate::runner::RunOptions;
use crate::stages::ingest::{self, IngestJob};

pub fn run(args: &IngestArgs) -> Result<()> {
    let (cfg, base) = match &args.config {
        Some(p) => PipelineConfig::load(p)?,
        None => (PipelineConfig::default(), std::env::current_dir()?),
    };
    let mut job = IngestJob {
        base,
        sources: cfg.sources.clone(),
        ingest: cfg.ingest.clone(),
    };
    if !args.inputs.is_empty() {
        job.base = std::env::current_dir()?;
        let missing: Vec<&str> = args
            .inputs
            .iter()
            .filter(|i| !i.contains(['*', '?', '[']) && !std::path::Path::new(i.as_str()).exists())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            bail!("input not found: {}", missing.join(", "));
        }
        job.sources = args
            .inputs
            .iter()
            .map(|input| SourceConfig {
                name: args.source.clone(),
                path: input.clone(),
                format: args.format,
                licence: args.licence.clone(),
                consent: args.consent.clone(),
                contact: args.contact.clone(),
                country: args.country.clone(),
                ..SourceConfig::default()
            })
            .collect();
    }
    if job.sources.is_empty() {
        bail!("nothing to ingest: give INPUT files, directories or globs, or --config with [[source]] entries");
    }
    if let Some(mb) = args.part_size_mb {
        if mb <= 0.0 {
            bail!("--part-size-mb must be positive");
        }
        job.ingest.part_size_mb = mb;
    }
    let opts = RunOptions {
        resume: args.shards.resume,
        shards: crate::shard_spec(&args.shards)?,
    };
    let run = ingest::run(&job, &args.out, &opts)?;
    run.print(ingest::STAGE, &args.out);
    Ok(())
}
