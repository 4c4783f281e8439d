//! `minga export`: Megatron-LM shards from a stage dir, one `.bin`/`.idx` pair per part, with
//! shard selection and `--resume` like every per-part stage (layout: `stages/export.rs`).

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use minga_tokenizer::ExportConfig;

use crate::cli::ShardArgs;
use crate::runner::RunOptions;
use crate::stages::export::{ExportJob, STAGE};
use crate::stages::export_run::run_export;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Input stage dir (document shards).
    #[arg(long = "in", value_name = "DIR")]
    pub input: PathBuf,
    /// Output dir: part-NNNNN.bin/.idx, index/, stats/, export.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// tokenizer.json to encode with (overrides [export] tokenizer).
    #[arg(long)]
    pub tokenizer: Option<PathBuf>,
    /// Export only documents with this licence (repeatable; overrides [export] licences).
    #[arg(long = "licence", value_name = "L")]
    pub licences: Vec<String>,
    /// Pipeline config whose [export] section to use.
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub shards: ShardArgs,
}

pub fn run(args: &ExportArgs) -> Result<()> {
    let mut config = match &args.config {
        Some(p) => crate::stages::config_check::load_sections(p)?.export,
        None => ExportConfig::default(),
    };
    match &args.tokenizer {
        Some(t) => config.tokenizer = t.clone(),
        None if args.config.is_none() => bail!("minga export needs --tokenizer T.json"),
        None => {}
    }
    if !args.licences.is_empty() {
        config.licences = args.licences.clone();
    }
    let opts = RunOptions {
        resume: args.shards.resume,
        shards: crate::shard_spec(&args.shards)?,
    };
    let job = ExportJob::load(config)?;
    run_export(&job, &args.input, &args.out, &opts)?.print(STAGE, &args.out);
    Ok(())
}
