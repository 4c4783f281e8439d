//! `minga report`: writes the data card of a workdir.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The pipeline workdir.
    #[arg(long, default_value = "work")]
    pub workdir: PathBuf,
    /// Output dir (default: <workdir>/report).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Describe only documents under this licence (repeatable), e.g. to publish the card of the
    /// part of a corpus that is released. Documents without a licence are left out too.
    #[arg(long = "licence", value_name = "L")]
    pub licences: Vec<String>,
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.workdir.join("report"));
    let page = crate::report::build(&args.workdir, &out, &args.licences)?;
    eprintln!("report: {}", page.display());
    Ok(())
}
