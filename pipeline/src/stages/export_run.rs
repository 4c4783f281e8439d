//! The export stage as `minga run` and `minga export` drive it: `[export]` checked, the tokenizer
//! chosen, the selected parts exported with `--resume`, and once every part is done the merged
//! manifest, `export.json` and (grouped exports) the blend.

use std::path::Path;

use anyhow::{Context, Result};
use minga_manifests::PartManifest;
use minga_tokenizer::{ExportConfig, ExportStats, GroupBy};

use crate::progress::Progress;
use crate::runner::{run_parts, Part, PartStage, RunOptions, StageRun};
use crate::stages::export::{
    check_export_part, clear_export, export_part, write_export_json, ExportJob, STAGE,
};
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
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    run_parts(&mut Export { job, input, out }, opts)
}

/// The export as a [`PartStage`]: each input part encoded into its `.bin`/`.idx` shards.
struct Export<'a> {
    job: &'a ExportJob,
    input: &'a Path,
    out: &'a Path,
}

impl PartStage for Export<'_> {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn config(&self) -> serde_json::Value {
        self.job.manifest_config()
    }

    fn input(&self) -> Option<&Path> {
        Some(self.input)
    }

    fn dir(&self) -> &Path {
        self.out
    }

    fn clear(&self) -> Result<()> {
        clear_export(self.out)
    }

    fn run_part(
        &mut self,
        part: &Part,
        m: PartManifest,
        _progress: &Progress,
    ) -> Result<PartManifest> {
        let shard = part.shard_in(self.input);
        export_part(self.job, &shard, part.number, self.out, m)
    }

    fn check(&self, m: &PartManifest) -> Result<()> {
        check_export_part(m)
    }

    fn finish(&mut self, parts: &[usize]) -> Result<()> {
        let stats = write_export_json(self.job, self.out, parts)?;
        eprintln!(
            "export: {} documents, {} tokens ({}) in {} shards",
            stats.documents,
            stats.tokens,
            stats.dtype,
            stats.shards.len()
        );
        write_blend_if_grouped(self.job, self.out, &stats)
    }
}
