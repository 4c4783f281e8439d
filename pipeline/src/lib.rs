//! minga: the stage runner, CLI and source readers. The binary (`main.rs`) is a thin layer over
//! this library so the end-to-end tests and the benchmarks call the same code.

pub mod cli;
pub mod commands;
pub mod config;
pub mod progress;
pub mod report;
pub mod runner;
pub mod sources;
pub mod stages;
mod temps;
pub mod workdir;

use anyhow::Result;

/// The shard selection from flags or `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT`.
pub fn shard_spec(args: &cli::ShardArgs) -> Result<runner::ShardSpec> {
    match (args.shard_index, args.shard_count) {
        (None, None) => Ok(runner::ShardSpec::ALL),
        (Some(i), Some(n)) => runner::ShardSpec::new(i, n),
        (Some(_), None) => {
            anyhow::bail!("--shard-index needs --shard-count (or SLURM_ARRAY_TASK_COUNT)")
        }
        (None, Some(1)) => Ok(runner::ShardSpec::ALL),
        (None, Some(_)) => {
            anyhow::bail!("--shard-count needs --shard-index (or SLURM_ARRAY_TASK_ID)")
        }
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: cli::Cli) -> Result<()> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()?;
    }
    match &cli.command {
        cli::Command::Run(a) => commands::run::run(a),
        cli::Command::Ingest(a) => commands::ingest::run(a),
        cli::Command::Extract(a) => commands::extract::run(a),
        cli::Command::Langid(a) => commands::langid::run(a),
        cli::Command::Filter(a) => commands::filter::run(a),
        cli::Command::Dedup(a) => commands::dedup::run(a),
        cli::Command::Pii(cli::PiiCommand::Redact(a)) => commands::pii::run(a),
        cli::Command::Tokenizer(c) => commands::tokenizer::run(c),
        cli::Command::Export(a) => commands::export::run(a),
        cli::Command::Audit(a) => commands::audit::run(a),
        cli::Command::Report(a) => commands::report::run(a),
        cli::Command::Status(a) => commands::status::run(a),
        cli::Command::Takedown(a) => commands::takedown::run(a),
    }
}
