//! `minga langid`: the stage (`--in/--out`), `train` and `detect`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_filters::langid::{Model, TrainOptions};

use super::lines::map_stdin_lines;
use crate::cli::{LangidArgs, LangidCommand};
use crate::runner::run_doc_stage;
use crate::stages::langid::{LangidConfig, LangidStage, STAGE};

pub fn run(args: &LangidArgs) -> Result<()> {
    match &args.command {
        Some(LangidCommand::Train { data, out }) => train(data, out),
        Some(LangidCommand::Detect { jsonl, model }) => detect(*jsonl, model.as_deref()),
        None => {
            let (input, output) = args
                .io
                .dirs("minga langid needs --in DIR --out DIR (or a subcommand: train, detect)")?;
            let config = match &args.io.config {
                Some(p) => crate::stages::config_check::load_sections(p)?.langid,
                None => LangidConfig::default(),
            };
            let stage = LangidStage::new(config)?;
            run_doc_stage(&stage, input, output, &args.io.run_options()?)?.print(STAGE, output);
            Ok(())
        }
    }
}

fn train(data: &Path, out: &Path) -> Result<()> {
    let mut files: Vec<_> = std::fs::read_dir(data)
        .with_context(|| format!("cannot list {}", data.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{} holds no <label>.txt files", data.display());
    }
    let mut corpus = Vec::new();
    for f in &files {
        let label = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let lines: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        eprintln!("langid train: {label}: {} lines", lines.len());
        corpus.push((label, lines));
    }
    let model = Model::train(&corpus, &TrainOptions::default());
    let bytes = model.to_bytes();
    minga_manifests::atomic_write(out, &bytes)?;
    eprintln!(
        "langid train: {} labels -> {} ({} bytes)",
        corpus.len(),
        out.display(),
        bytes.len()
    );
    Ok(())
}

fn detect(jsonl: bool, model_path: Option<&Path>) -> Result<()> {
    let owned;
    let model: &Model = match model_path {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            owned = Model::from_bytes(&bytes).with_context(|| format!("{}", p.display()))?;
            &owned
        }
        None => Model::embedded(),
    };
    map_stdin_lines(
        |line| {
            let d = model.detect(line);
            let text = if jsonl {
                let top: Vec<_> = d
                    .top
                    .iter()
                    .map(|(l, s)| serde_json::json!({"lang": l, "score": s}))
                    .collect();
                serde_json::json!({"lang": d.lang, "score": d.score, "top": top}).to_string()
            } else {
                d.lang.to_string()
            };
            (text, ())
        },
        |_| {},
    )
}
