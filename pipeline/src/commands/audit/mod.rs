//! `minga audit`: answers provenance questions from a workdir's shards, ledgers and manifests.
//!
//! Queries stream Parquet through `ShardReader` one row group at a time and read only the `id`
//! column to locate a document, so memory stays bounded by a row group on any number of shards.

pub mod doc;
pub mod find;
pub mod index;
pub mod verify;
pub mod why;

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
    /// Is my text in it? Every document matching a URL, a domain (with subdomains) or a text
    /// (exactly or as a near-copy), where it is now, and whether it reaches the export.
    ///
    /// Examples:
    ///   minga audit find --url https://diario.example/2024/cuento --workdir work
    ///   minga audit find --domain radio-comunitaria.example --workdir work
    ///   minga audit find --text mi-cuento.txt --min-similarity 0.7 --workdir work
    ///
    /// Uses the index of `minga audit index`, (re)building it first when it is missing or older
    /// than the workdir.
    #[command(verbatim_doc_comment)]
    #[command(group(clap::ArgGroup::new("query").required(true).multiple(false)))]
    Find {
        #[command(flatten)]
        w: WorkdirArg,
        #[arg(long, group = "query")]
        url: Option<String>,
        #[arg(long, group = "query")]
        domain: Option<String>,
        /// A file with the passage (plain text, at least ~30 words).
        #[arg(long, group = "query", value_name = "FILE")]
        text: Option<PathBuf>,
        /// Least containment of the passage in a document (share of its word 5-grams found there).
        #[arg(long, default_value_t = 0.8, value_name = "S")]
        min_similarity: f32,
    },
    /// Build the lookup index `minga audit find` reads (`WORKDIR/audit-index/`).
    Index {
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
        AuditCommand::Find {
            w,
            url,
            domain,
            text,
            min_similarity,
        } => {
            let query = match (url, domain, text) {
                (Some(u), _, _) => find::Query::Url(u.clone()),
                (_, Some(d), _) => find::Query::Domain(d.clone()),
                (_, _, Some(t)) => find::Query::Text(t.clone(), *min_similarity),
                _ => anyhow::bail!("give one of --url, --domain or --text"),
            };
            let index = current_index(&w.workdir, text.is_some())?;
            let found = find::find(&w.workdir, &index, &query)?;
            if w.json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else {
                print!("{}", find::render(&found));
            }
            Ok(())
        }
        AuditCommand::Index { w } => {
            let t = std::time::Instant::now();
            let idx = index::build(&w.workdir)?;
            eprintln!(
                "indexed {} documents ({} sampled shingles) in {:.1} s: {}",
                idx.len(),
                idx.postings.len(),
                t.elapsed().as_secs_f64(),
                idx.dir.display()
            );
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

/// The workdir's audit index, rebuilt first when it is missing or stale.
fn current_index(workdir: &std::path::Path, with_postings: bool) -> Result<index::AuditIndex> {
    if let Some(idx) = index::load_current(workdir, with_postings)? {
        return Ok(idx);
    }
    eprintln!(
        "building the audit index of {} (missing or older than the workdir)...",
        workdir.display()
    );
    index::build(workdir)
}

mod doc_text;
