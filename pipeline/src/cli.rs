//! Raw command-line flags (clap). `main` checks them and builds the runtime objects.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Format;

#[derive(Debug, Parser)]
#[command(
    name = "minga",
    version,
    about = "Build open LLM training data for Latin America: ingest, language ID, filters, dedup, tokenizer, export, audit.",
    long_about = "minga builds open LLM training data for Latin America.\n\n\
        Stages: ingest (WARC, txt/md/html/jsonl, TEI, PDF, DOCX/ODT/EPUB, SRT/VTT, ELAN) -> langid -> filter -> dedup -> tokenizer -> export,\n\
        each writing Parquet shards, a rejected/ ledger and manifests under the workdir.\n\n\
        Start with:  minga run samples/pipeline.toml"
)]
pub struct Cli {
    /// Worker threads (default: all cores; also RAYON_NUM_THREADS). Output does not depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the configured stages in order (default config: samples/pipeline.toml).
    Run(RunArgs),
    /// Read WARC files and document collections into document shards.
    Ingest(IngestArgs),
    /// Print the main text of HTML and PDF files (what ingest keeps of a page or a PDF).
    Extract(ExtractArgs),
    /// Language identification: the stage (--in/--out), `train` a model, `detect` lines on stdin.
    Langid(LangidArgs),
    /// Quality rules, URL lists and PII: the stage (--in/--out), `calibrate` thresholds.
    Filter(crate::commands::filter::FilterArgs),
    /// Exact and MinHash-LSH dedup: all steps, or one (signatures, buckets, clusters, apply).
    Dedup(crate::commands::dedup::DedupArgs),
    /// PII tools: `minga pii redact` rewrites stdin lines with typed placeholders.
    #[command(subcommand)]
    Pii(PiiCommand),
    /// Tokenizer: `train` a language-balanced BPE release on a stage dir, `eval` fertility.
    #[command(subcommand)]
    Tokenizer(crate::commands::tokenizer::TokenizerCommand),
    /// Encode documents into Megatron-LM .bin/.idx shards with a tokenizer.json.
    Export(crate::commands::export::ExportArgs),
    /// Provenance: a document's life (`doc`), removals by reason (`why`), digests and counts (`verify`).
    Audit(crate::commands::audit::AuditArgs),
    /// Write the HTML data card of a workdir.
    Report(crate::commands::report::ReportArgs),
    /// Progress of a workdir: parts done per stage, failed Slurm tasks, the command that resumes.
    Status(crate::commands::status::StatusArgs),
    /// Withdraw the documents a takedown request names from every output of a workdir.
    Takedown(crate::commands::takedown::TakedownArgs),
}

/// Flags shared by every per-shard stage.
#[derive(Debug, Args, Clone)]
pub struct ShardArgs {
    /// Run only parts with `part % shard-count == shard-index` (a Slurm array task).
    #[arg(long, env = "SLURM_ARRAY_TASK_ID", value_name = "I")]
    pub shard_index: Option<usize>,
    /// Number of tasks the parts are spread over.
    #[arg(long, env = "SLURM_ARRAY_TASK_COUNT", value_name = "N")]
    pub shard_count: Option<usize>,
    /// Skip parts whose manifest shows they were finished with the same inputs and config.
    #[arg(long)]
    pub resume: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Pipeline config (TOML).
    #[arg(default_value = "samples/pipeline.toml")]
    pub config: PathBuf,
    /// Override the config's workdir.
    #[arg(long)]
    pub workdir: Option<PathBuf>,
    /// Run only this stage (ingest, langid, filter, dedup-signatures, dedup, tokenizer, export,
    /// report): what each Slurm job runs, usable by hand the same way.
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    #[command(flatten)]
    pub shards: ShardArgs,
    #[command(flatten)]
    pub slurm: crate::commands::slurm::SlurmArgs,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, directories or globs to read. Without any, the sources of --config are read.
    pub inputs: Vec<String>,
    /// Output directory for the shards.
    #[arg(long)]
    pub out: PathBuf,
    /// Source name recorded on every document (with INPUTs).
    #[arg(long, default_value = "default")]
    pub source: String,
    /// Input format (with INPUTs); `auto` goes by file extension.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: Format,
    /// Licence recorded on every document, e.g. CC-BY-4.0 (with INPUTs).
    #[arg(long)]
    pub licence: Option<String>,
    /// Consent basis recorded on every document, e.g. public-web, community-agreement (with INPUTs).
    #[arg(long)]
    pub consent: Option<String>,
    /// Who to contact about this source (with INPUTs).
    #[arg(long)]
    pub contact: Option<String>,
    /// ISO 3166 alpha-2 country of the source, e.g. CL (with INPUTs; TEI headers may override).
    #[arg(long)]
    pub country: Option<String>,
    /// Pipeline config: its [[source]] list (without INPUTs) and [ingest] settings.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Target input MB per part (overrides [ingest] part_size_mb).
    #[arg(long, value_name = "MB")]
    pub part_size_mb: Option<f64>,
    /// A list of WARC paths, one a line (plain or .gz: Common Crawl's warc.paths.gz), read as
    /// INPUTs; each is prefixed with --base-url.
    #[arg(long, value_name = "FILE")]
    pub paths_file: Option<PathBuf>,
    /// URL prefix for the lines of --paths-file, e.g. https://data.commoncrawl.org/
    #[arg(long, value_name = "URL", requires = "paths_file")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub shards: ShardArgs,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// HTML or PDF files; without any, paths are read from stdin, one per line.
    pub files: Vec<PathBuf>,
    /// Print one {"file": ..., "text": ...} JSON object per line instead of plain text.
    #[arg(long)]
    pub jsonl: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LangidArgs {
    #[command(subcommand)]
    pub command: Option<LangidCommand>,
    #[command(flatten)]
    pub io: StageIo,
}

/// The flags of a document stage run on its own: `--in`, `--out`, `--config`, shard selection.
#[derive(Debug, Args, Clone)]
pub struct StageIo {
    /// Input stage dir (the previous stage's output, with its `_manifest.json` once complete).
    #[arg(long = "in", value_name = "DIR")]
    pub input: Option<PathBuf>,
    /// Output dir.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Pipeline config whose section of this stage to use ([langid], [dedup], [filter]; for filter a
    /// calibrated thresholds file works too).
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub shards: ShardArgs,
}

impl StageIo {
    /// `--in` and `--out`, or an error saying `usage`.
    pub fn dirs(&self, usage: &str) -> anyhow::Result<(&PathBuf, &PathBuf)> {
        match (&self.input, &self.out) {
            (Some(i), Some(o)) => Ok((i, o)),
            _ => anyhow::bail!("{usage}"),
        }
    }

    /// Resume and shard selection as the runner takes them.
    pub fn run_options(&self) -> anyhow::Result<crate::runner::RunOptions> {
        Ok(crate::runner::RunOptions {
            resume: self.shards.resume,
            shards: crate::shard_spec(&self.shards)?,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum LangidCommand {
    /// Train a model from a directory of <label>.txt files (one sentence per line); deterministic.
    Train {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Label each line of stdin; prints one ISO 639-3 label per line, in order.
    Detect {
        /// Print {"lang", "score", "top": [...]} JSON per line.
        #[arg(long)]
        jsonl: bool,
        /// A model file instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PiiCommand {
    /// Read text lines on stdin, print them with PII replaced (<EMAIL>, <RUT>, <CPF>, ...).
    Redact(PiiArgs),
}

#[derive(Debug, Args)]
pub struct PiiArgs {
    /// redact: placeholders; tag: text unchanged (use --stats to see counts); off: pass through.
    #[arg(long, default_value = "redact")]
    pub mode: minga_filters::pii::PiiMode,
    /// Print counts per identifier type to stderr at the end.
    #[arg(long)]
    pub stats: bool,
}
