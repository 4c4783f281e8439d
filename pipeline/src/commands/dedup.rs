//! `minga dedup`: all four sub-stages locally, or one of them (`signatures`, `buckets`,
//! `clusters`, `apply`) as a Slurm array task.

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::stages::dedup::{apply, buckets, clusters, run_all, signatures, DedupConfig, STAGE};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DedupArgs {
    #[command(subcommand)]
    pub command: Option<DedupCommand>,
    #[command(flatten)]
    pub io: DedupIo,
}

/// Flags every dedup step takes (`--out` also holds the working files, in DIR/_dedup).
pub type DedupIo = crate::cli::StageIo;

#[derive(Debug, Subcommand)]
pub enum DedupCommand {
    /// Per input part (shardable): the sorted exact, band and URL rows of each document.
    Signatures(DedupIo),
    /// Per table (shardable by table): candidate pairs from the rows of every part.
    Buckets(DedupIo),
    /// One task: verify candidate pairs against the text and cluster them; the decisions per part.
    Clusters(DedupIo),
    /// Per input part (shardable): kept documents out, duplicates to the ledger.
    Apply(DedupIo),
}

pub fn run(args: &DedupArgs) -> Result<()> {
    let io = match &args.command {
        None => &args.io,
        Some(
            DedupCommand::Signatures(io)
            | DedupCommand::Buckets(io)
            | DedupCommand::Clusters(io)
            | DedupCommand::Apply(io),
        ) => io,
    };
    let (input, out) = io.dirs("minga dedup needs --in DIR --out DIR")?;
    let cfg = match &io.config {
        Some(p) => crate::stages::config_check::load_sections(p)?.dedup,
        None => DedupConfig::default(),
    };
    let opts = io.run_options()?;
    match &args.command {
        None => run_all(&cfg, input, out, opts.resume),
        Some(DedupCommand::Signatures(_)) => {
            signatures::run(&cfg, input, out, &opts)?.print("dedup signatures", out);
            Ok(())
        }
        Some(DedupCommand::Buckets(_)) => {
            let n = buckets::run(&cfg, input, out, &opts)?;
            eprintln!("dedup buckets: {n} tables -> {}", out.display());
            Ok(())
        }
        Some(DedupCommand::Clusters(_)) => {
            let m = clusters::run(&cfg, input, out)?;
            eprintln!(
                "dedup clusters: {} pairs in, {} removals, {} clusters -> {}",
                m.rows_in,
                m.counters.get("removed").copied().unwrap_or(0),
                m.counters.get("clusters").copied().unwrap_or(0),
                out.display()
            );
            Ok(())
        }
        Some(DedupCommand::Apply(_)) => {
            apply::run(&cfg, input, out, &opts)?.print(STAGE, out);
            Ok(())
        }
    }
}
