//! `minga langid`: the stage (`--in/--out`), `train` and `detect`.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_filters::langid::{Model, TrainOptions};
use rayon::prelude::*;

use crate::cli::{LangidArgs, LangidCommand};
use crate::config::PipelineConfig;
use crate::runner::{run_doc_stage, RunOptions};
use crate::stages::langid::{LangidConfig, LangidStage, STAGE};

pub fn run(args: &LangidArgs) -> Result<()> {
    match &args.command {
        Some(LangidCommand::Train { data, out }) => train(data, out),
        Some(LangidCommand::Detect { jsonl, model }) => detect(*jsonl, model.as_deref()),
        None => {
            let (Some(input), Some(output)) = (&args.input, &args.out) else {
                bail!("minga langid needs --in DIR --out DIR (or a subcommand: train, detect)");
            };
            let config = match &args.config {
                Some(p) => section(p)?,
                None => LangidConfig::default(),
            };
            let stage = LangidStage::new(config)?;
            let opts = RunOptions {
                resume: args.shards.resume,
                shards: crate::shard_spec(&args.shards)?,
            };
            run_doc_stage(&stage, input, output, &opts)?.print(STAGE, output);
            Ok(())
        }
    }
}

/// `[langid]` of a pipeline config (model path resolved against the config's directory).
pub fn section(path: &Path) -> Result<LangidConfig> {
    let (cfg, base) = PipelineConfig::load(path)?;
    from_table(cfg.langid, &base)
}

pub fn from_table(table: Option<toml::Table>, base: &Path) -> Result<LangidConfig> {
    let mut c: LangidConfig = match table {
        Some(t) => t.try_into().context("invalid [langid] section")?,
        None => LangidConfig::default(),
    };
    if let Some(m) = &c.model {
        c.model = Some(base.join(m));
    }
    Ok(c)
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
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Lines are labelled in parallel chunks and printed in input order.
    loop {
        let mut chunk = Vec::with_capacity(4096);
        let mut buf = Vec::new();
        while chunk.len() < 4096 {
            buf.clear();
            if reader
                .read_until(b'\n', &mut buf)
                .context("cannot read stdin")?
                == 0
            {
                break;
            }
            let line = String::from_utf8_lossy(&buf);
            chunk.push(line.trim_end_matches(['\n', '\r']).to_string());
        }
        if chunk.is_empty() {
            break;
        }
        let labels: Vec<String> = chunk
            .par_iter()
            .map(|line| {
                let d = model.detect(line);
                if jsonl {
                    let top: Vec<_> = d
                        .top
                        .iter()
                        .map(|(l, s)| serde_json::json!({"lang": l, "score": s}))
                        .collect();
                    serde_json::json!({"lang": d.lang, "score": d.score, "top": top}).to_string()
                } else {
                    d.lang.to_string()
                }
            })
            .collect();
        for l in labels {
            writeln!(out, "{l}")?;
        }
    }
    out.flush()?;
    Ok(())
}
