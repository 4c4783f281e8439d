//! `minga ingest`: checked flags -> [`IngestJob`] -> the ingest stage.

use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{bail, Context, Result};

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
        consent: cfg.consent.clone(),
    };
    let mut inputs = args.inputs.clone();
    if let Some(f) = &args.paths_file {
        inputs.extend(read_paths_file(f, args.base_url.as_deref())?);
    }
    if !inputs.is_empty() {
        job.base = std::env::current_dir()?;
        let missing: Vec<&str> = inputs
            .iter()
            .filter(|i| !crate::sources::remote::is_url(i))
            .filter(|i| !i.contains(['*', '?', '[']) && !std::path::Path::new(i.as_str()).exists())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            bail!("input not found: {}", missing.join(", "));
        }
        job.sources = inputs
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

/// The lines of a paths list (gzip when it ends in `.gz`), each joined to `base_url`.
fn read_paths_file(path: &Path, base_url: Option<&str>) -> Result<Vec<String>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(match base_url {
            Some(b) => format!(
                "{}/{}",
                b.trim_end_matches('/'),
                line.trim_start_matches('/')
            ),
            None => line.to_string(),
        });
    }
    if out.is_empty() {
        bail!("{}: no paths", path.display());
    }
    Ok(out)
}
