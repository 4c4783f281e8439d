//! `minga audit`: answers provenance questions from a workdir's shards, ledgers and manifests.
//!
//! Queries stream Parquet through `ShardReader` one row group at a time and read only the `id`
//! column to locate a document, so memory stays bounded by a row group on any number of shards.

pub mod doc;
pub mod verify;
pub mod why;
pub mod workdir;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Args, Clone)]
pub struct WorkdirArg {
    /// The pipeline workdir (holds one dir per stage).
    #[arg(long, default_value = "work")]
    pub workdir: PathBuf,
    /// Dir the config's source paths are relative to (default: tries the workdir's parent and .).
    #[arg(long, value_name = "DIR")]
    pub base: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The life of one document: origin, licence, each stage's decision and signals, export.
    Doc {
        id: String,
        #[command(flatten)]
        w: WorkdirArg,
    },
    /// Removed documents counted by stage and reason, with samples.
    Why {
        #[command(flatten)]
        w: WorkdirArg,
        /// A reason (`filter.min_words`) or a stage (`dedup`).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        source: Option<String>,
        /// ISO 639-3 language.
        #[arg(long)]
        lang: Option<String>,
        /// Samples shown per reason.
        #[arg(long, default_value_t = 3)]
        samples: usize,
    },
    /// Recompute every digest in every manifest and check that every document is accounted for.
    Verify {
        #[command(flatten)]
        w: WorkdirArg,
    },
}

pub fn run(args: &AuditArgs) -> Result<()> {
    match &args.command {
        AuditCommand::Doc { id, w } => {
            let trail = doc::trace(&w.workdir, id, w.base.as_deref())?;
            if trail.origin.is_none() {
                anyhow::bail!("document {id} not found in {}", w.workdir.display());
            }
            if w.json {
                println!("{}", serde_json::to_string_pretty(&trail)?);
            } else {
                print!("{}", doc_text::render(&trail));
            }
            Ok(())
        }
        AuditCommand::Why {
            w,
            reason,
            source,
            lang,
            samples,
        } => {
            let f = why::WhyFilter {
                reason: reason.clone(),
                source: source.clone(),
                lang: lang.clone(),
                samples: *samples,
            };
            let rows = why::why(&w.workdir, &f)?;
            if w.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                why::print(&rows);
            }
            Ok(())
        }
        AuditCommand::Verify { w } => {
            let rep = verify::verify(&w.workdir, w.base.as_deref())?;
            if w.json {
                println!("{}", serde_json::to_string_pretty(&rep)?);
            } else {
                verify::print(&rep);
            }
            if !rep.ok() {
                anyhow::bail!(
                    "verify: {} failures in {}",
                    rep.failures.len(),
                    w.workdir.display()
                );
            }
            Ok(())
        }
    }
}

mod doc_text;
