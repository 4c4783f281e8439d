//! The export stage as `minga run` and `minga export` drive it: `[export]` checked, the tokenizer
//! chosen, the selected parts exported with `--resume`, and once every part is done the merged
//! manifest, `export.json` and (grouped exports) the blend.

use std::path::Path;

use anyhow::{Context, Result};
use minga_manifests::MANIFEST_FILE;
use minga_tokenizer::{ExportConfig, ExportStats, GroupBy};

use crate::progress::Progress;
use crate::runner::{input_digest, merge_if_complete, part_is_done, RunOptions, StageRun};
use crate::stages::export::{clear_export, export_part, write_export_json, ExportJob, STAGE};
use crate::stages::export_blend::{blend_table, build_blend, write_blend, BLEND_JSON, DATA_ARGS};

/// `[export]` of a pipeline config; a relative tokenizer path is resolved against `base`.
pub fn from_table(table: Option<toml::Table>, base: &Path) -> Result<ExportConfig> {
    let mut c: ExportConfig = match table {
        Some(t) => t.try_into().context("invalid [export] section")?,
        None => ExportConfig::default(),
    };
    c.blend.validate().context("invalid [export] section")?;
    c.tokenizer = base.join(&c.tokenizer);
    Ok(c)
}

/// `[export]` for `minga run`: the tokenizer the section names, else the release of this run.
pub fn pipeline_config(
    table: Option<toml::Table>,
    base: &Path,
    release_dir: &Path,
) -> Result<ExportConfig> {
    let named = table.as_ref().is_some_and(|t| t.contains_key("tokenizer"));
    let mut c = from_table(table, base)?;
    if !named {
        c.tokenizer = release_dir.join("tokenizer.json");
    }
    Ok(c)
}

/// The `minga run` step: exports the selected parts once the tokenizer exists.
pub fn pipeline_step(
    config: ExportConfig,
    input: &Path,
    out: &Path,
    opts: &RunOptions,
) -> Result<()> {
    if !config.tokenizer.exists() {
        eprintln!(
            "export: waits for {} (no tokenizer yet)",
            config.tokenizer.display()
        );
        return Ok(());
    }
    let job = ExportJob::load(config)?;
    run_export(&job, input, out, opts)?.print(STAGE, out);
    Ok(())
}

/// A grouped export gets `blend.json` and `megatron-data-args.txt`; an export of nothing gets a
/// warning instead (there is no mixture to weigh).
fn write_blend_if_grouped(job: &ExportJob, out: &Path, stats: &ExportStats) -> Result<()> {
    if job.config.group_by == GroupBy::Part {
        // A blend of an earlier grouped export would name datasets that are gone.
        for f in [BLEND_JSON, DATA_ARGS] {
            let _ = std::fs::remove_file(out.join(f));
        }
        return Ok(());
    }
    if stats.tokens == 0 {
        eprintln!("export: nothing was exported, so no {BLEND_JSON} is written");
        return Ok(());
    }
    let blend = build_blend(job, stats).context("export: the [export.blend] mixture")?;
    write_blend(out, &blend)?;
    eprintln!(
        "export: {} (alpha {} from {}, at most {} epochs per language):\n{}",
        out.join(BLEND_JSON).display(),
        blend.alpha,
        blend.alpha_from,
        blend.max_epochs,
        blend_table(&blend)
    );
    Ok(())
}

/// Exports the selected parts of `input`; merges `_manifest.json` and writes `export.json` when
/// every part (of a finished input stage) is done.
pub fn run_export(
    job: &ExportJob,
    input: &Path,
    out: &Path,
    opts: &RunOptions,
) -> Result<StageRun> {
    let parts = crate::runner::input_parts(input)?;
    let config = job.manifest_config();
    let config_digest = crate::config::digest_of(&config);
    if !opts.resume && opts.shards.count == 1 {
        clear_export(out)?;
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let (selected, total) = crate::runner::select_parts(&parts, opts.shards);
    let progress = Progress::bytes(STAGE, total);
    let mut run = StageRun::default();
    for (part, path) in selected {
        let (_, entry) = crate::runner::open_input(path)?;
        let bytes = entry.bytes;
        let in_digest = input_digest(std::slice::from_ref(&entry));
        if opts.resume && part_is_done(out, *part, &config_digest, &in_digest) {
            run.parts_skipped += 1;
            progress.inc(bytes);
            continue;
        }
        let m = export_part(job, path, entry, *part, out, &config_digest, &in_digest)
            .with_context(|| format!("export: part {}", path.display()))?;
        run.add(&m);
        progress.inc(bytes);
    }
    progress.finish();
    if input.join(MANIFEST_FILE).exists() {
        let all: Vec<usize> = parts.iter().map(|(p, _)| *p).collect();
        if merge_if_complete(out, STAGE, config, &config_digest, &all)?.is_some() {
            let stats = write_export_json(job, out, &all)?;
            eprintln!(
                "export: {} documents, {} tokens ({}) in {} shards",
                stats.documents,
                stats.tokens,
                stats.dtype,
                stats.shards.len()
            );
            write_blend_if_grouped(job, out, &stats)?;
            run.manifest_written = true;
        }
    }
    Ok(run)
}
