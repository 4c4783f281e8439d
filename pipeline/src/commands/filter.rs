//! `minga filter`: the stage (`--in/--out`) and `calibrate` (per-language thresholds from
//! reference text). The `[filter]` section is checked by `stages::filter_config`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use minga_filters::pii::PiiMode;
use minga_filters::quality::{
    calibrate_languages, overrides_to_toml, read_reference_dir, CalibrateOptions,
};

use crate::runner::run_doc_stage;
use crate::stages::filter::{FilterConfig, STAGE};
use crate::stages::filter_config::build_stage;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FilterArgs {
    #[command(subcommand)]
    pub command: Option<FilterCommand>,
    #[command(flatten)]
    pub io: crate::cli::StageIo,
    /// PII handling, overriding [filter] pii: redact (placeholders), tag (count only), off.
    #[arg(long)]
    pub pii: Option<PiiMode>,
}

#[derive(Debug, Subcommand)]
pub enum FilterCommand {
    /// Derive per-language quality thresholds from clean reference text.
    Calibrate(CalibrateArgs),
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Directory of <lang>.txt (documents separated by blank lines, or one sentence per line)
    /// and/or <lang>.jsonl ({"text": ...} per line) files; may be given several times.
    #[arg(long, required = true)]
    pub reference: Vec<PathBuf>,
    /// Thresholds file to write ([filter.lang.<code>] tables).
    #[arg(long)]
    pub out: PathBuf,
    /// Lines per document for .txt files without blank lines.
    #[arg(long, default_value_t = 15)]
    pub group: usize,
    /// Share of reference documents a calibrated bound may reject, per rule.
    #[arg(long, default_value_t = 0.005)]
    pub tail: f64,
    /// Relative widening of the measured quantile.
    #[arg(long, default_value_t = 0.1)]
    pub slack: f64,
    /// Languages with fewer reference documents are left out.
    #[arg(long, default_value_t = 20)]
    pub min_docs: usize,
    /// Allow bounds stricter than the defaults.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: &FilterArgs) -> Result<()> {
    if let Some(FilterCommand::Calibrate(c)) = &args.command {
        return calibrate(c);
    }
    let (input, output) = args
        .io
        .dirs("minga filter needs --in DIR --out DIR (or the subcommand calibrate)")?;
    let mut config = match &args.io.config {
        Some(p) => crate::stages::config_check::load_sections(p)?.filter,
        None => FilterConfig::default(),
    };
    if let Some(mode) = args.pii {
        config.pii = mode;
    }
    let stage = build_stage(config)?;
    let opts = args.io.run_options()?;
    run_doc_stage(&stage, input, output, &opts)?.print(STAGE, output);
    Ok(())
}

fn calibrate(args: &CalibrateArgs) -> Result<()> {
    let mut docs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in &args.reference {
        read_reference_dir(dir, args.group, &mut docs).map_err(anyhow::Error::msg)?;
    }
    if docs.is_empty() {
        bail!("no <lang>.txt or <lang>.jsonl files in the reference dirs");
    }
    let opts = CalibrateOptions {
        tail: args.tail,
        slack: args.slack,
        relax_only: !args.strict,
        min_docs: args.min_docs,
        ..CalibrateOptions::default()
    };
    let cal = calibrate_languages(&docs, &opts);
    for (lang, n) in docs.iter().map(|(l, d)| (l, d.len())) {
        if !cal.contains_key(lang) {
            eprintln!(
                "filter calibrate: {lang}: {n} documents, fewer than --min-docs {}: left out",
                args.min_docs
            );
        }
    }
    let header = format!(
        "Quality thresholds calibrated from reference text: for each language-dependent rule, the \
         quantile leaving {} of the reference documents outside, widened by {} %{}.\n\
         Paste the tables into the [filter] section of pipeline.toml, or pass this file to \
         `minga filter --config`.",
        opts.tail,
        opts.slack * 100.0,
        if opts.relax_only {
            ", never stricter than the rule defaults"
        } else {
            ""
        },
    );
    let text = overrides_to_toml(&cal, &header);
    minga_manifests::atomic_write(&args.out, text.as_bytes())?;
    eprintln!(
        "filter calibrate: {} languages -> {}",
        cal.len(),
        args.out.display()
    );
    Ok(())
}
