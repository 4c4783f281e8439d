//! `minga run` checks every stage's section of the config before the first stage starts, so a
//! typo in `[export]` is reported in a second, not after hours of ingest, language ID and dedup.
//!
//! Two passes: the sections with a serde shape are parsed from the file's text (the TOML parser
//! then names the line and column of an unknown key or a wrong type), and every section goes
//! through the same conversion its stage uses (`from_table`), whose errors are given the line of
//! the key they name.

use std::path::Path;

use anyhow::{anyhow, bail, Result};
use serde::Deserialize;

use crate::config::PipelineConfig;
use crate::stages::dedup::DedupConfig;
use crate::stages::filter::FilterConfig;
use crate::stages::langid::LangidConfig;
use minga_tokenizer::{ExportConfig, TrainConfig};

/// `[report]` has no keys yet; the struct makes a key there an error rather than silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {}

/// The serde-shaped sections, parsed from the text for line-accurate errors. Other top-level
/// keys are checked by `PipelineConfig`.
#[derive(Deserialize)]
struct Shapes {
    #[serde(default)]
    _langid: Option<LangidConfig>,
    #[serde(default)]
    _dedup: Option<DedupConfig>,
    #[serde(default)]
    _tokenizer: Option<TrainConfig>,
    #[serde(default)]
    _export: Option<ExportConfig>,
    #[serde(default)]
    _report: Option<ReportConfig>,
}

/// Every stage's section of a config, typed, checked and with its paths resolved: made once,
/// before any stage runs, and what every step reads.
#[derive(Debug, Clone)]
pub struct StageConfigs {
    pub langid: LangidConfig,
    pub filter: FilterConfig,
    pub dedup: DedupConfig,
    pub tokenizer: TrainConfig,
    pub export: ExportConfig,
    /// Whether `[export]` names its tokenizer (otherwise a run exports with its own release).
    pub export_names_tokenizer: bool,
}

impl StageConfigs {
    /// `[export]` for `minga run`: the tokenizer the section names, else the run's own release.
    pub fn export_for_run(&self, release_dir: &Path) -> ExportConfig {
        let mut c = self.export.clone();
        if !self.export_names_tokenizer {
            c.tokenizer = release_dir.join("tokenizer.json");
        }
        c
    }
}

/// The config at `path`, loaded, with every stage section checked ([`check_sections`]); for the
/// stage commands' `--config`.
pub fn load_sections(path: &Path) -> Result<StageConfigs> {
    let (cfg, base) = PipelineConfig::load(path)?;
    check_sections(path, &cfg, &base)
}

/// Checks every stage section of the config at `path` (already loaded as `cfg`) and returns them
/// typed; the first bad section is an error naming it and, where it can, the line.
pub fn check_sections(path: &Path, cfg: &PipelineConfig, base: &Path) -> Result<StageConfigs> {
    let text = std::fs::read_to_string(path)?;
    let shapes = rename_sections(&text);
    if let Err(e) = toml::from_str::<Shapes>(&shapes) {
        bail!(
            "invalid config {}: {}",
            path.display(),
            e.to_string().replace("[_", "[")
        );
    }
    let at_line = |section: &str, e: anyhow::Error| {
        let message = format!("{e:#}");
        let line = backticked(&message)
            .and_then(|key| line_of(&text, section, key))
            .map(|n| format!(" (line {n})"))
            .unwrap_or_default();
        anyhow!(
            "invalid config {}: [{section}]{line}: {message}",
            path.display()
        )
    };
    use crate::stages::{dedup, export_run, filter_config, langid, tokenizer};
    Ok(StageConfigs {
        langid: langid::from_table(cfg.langid.clone(), base).map_err(|e| at_line("langid", e))?,
        filter: filter_config::from_table(cfg.filter.clone(), base)
            .map_err(|e| at_line("filter", e))?,
        dedup: dedup::from_table(cfg.dedup.clone()).map_err(|e| at_line("dedup", e))?,
        tokenizer: tokenizer::from_table(cfg.tokenizer.clone())
            .map_err(|e| at_line("tokenizer", e))?,
        export: export_run::from_table(cfg.export.clone(), base)
            .map_err(|e| at_line("export", e))?,
        export_names_tokenizer: cfg
            .export
            .as_ref()
            .is_some_and(|t| t.contains_key("tokenizer")),
    })
}

/// Section headers renamed to the `Shapes` field names (`[dedup]` -> `[_dedup]`, also nested
/// tables such as `[dedup.x]`), so the parser's messages can be mapped back.
fn rename_sections(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let renamed = ["langid", "dedup", "tokenizer", "export", "report"]
            .iter()
            .find(|s| {
                t.strip_prefix('[')
                    .and_then(|r| r.strip_prefix(**s))
                    .is_some_and(|r| r.trim_start().starts_with([']', '.']))
            });
        match renamed {
            Some(_) if !t.starts_with("[[") => out.push_str(&line.replacen('[', "[_", 1)),
            _ => out.push_str(line),
        }
    }
    out
}

/// The first `` `name` `` in an error message.
fn backticked(message: &str) -> Option<&str> {
    let rest = message.split_once('`')?.1;
    Some(rest.split_once('`')?.0)
}

/// 1-based line of `key = ...` inside `[section]` (or `[section.sub]`) of a TOML text.
fn line_of(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(header) = t.strip_prefix('[') {
            let name = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("");
            inside = name.trim() == section || name.trim().starts_with(&format!("{section}."));
            continue;
        }
        let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if inside && t.contains('=') && k == key {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_renamed_but_not_arrays_or_lookalikes() {
        let t = "[dedup]\nbands = 9\n[dedup.x]\n[[source]]\n[exporter]\n  [export]\n";
        assert_eq!(
            rename_sections(t),
            "[_dedup]\nbands = 9\n[_dedup.x]\n[[source]]\n[exporter]\n  [_export]\n"
        );
    }

    #[test]
    fn keys_are_found_in_their_section() {
        let t = "[filter]\nmin_words = 3\n\n[dedup]\nmin_words = 4\n";
        assert_eq!(line_of(t, "dedup", "min_words"), Some(5));
        assert_eq!(line_of(t, "filter", "min_words"), Some(2));
        assert_eq!(line_of(t, "export", "min_words"), None);
        assert_eq!(
            backticked("unknown key `pii_mode` in [filter]"),
            Some("pii_mode")
        );
    }

    /// A section written back out as TOML and read again gives the same typed config, for
    /// every serde-shaped section, defaults and changed values alike.
    #[test]
    fn sections_round_trip_through_toml() {
        use crate::stages::{dedup, export_run, langid, tokenizer};
        fn table<T: serde::Serialize>(c: &T) -> toml::Table {
            toml::from_str(&toml::to_string(c).unwrap()).unwrap()
        }
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("pipeline.toml");
        std::fs::write(
            &path,
            "[[source]]\nname = \"s\"\npath = \"d\"\n\
             [langid]\nmin_score = 0.3\n[langid.min_score_by_lang]\ngrn = 0.2\n\
             [dedup]\nbands = 9\nrows = 13\nkeep_near_duplicates_for = [\"que\"]\n\
             [tokenizer]\nvocab_size = 4096\n\
             [export]\ngroup_by = \"lang\"\n",
        )
        .unwrap();
        let changed = load_sections(&path).unwrap();
        assert_eq!(changed.dedup.bands, 9);
        let base = Path::new("");
        for c in [changed, defaults()] {
            assert_eq!(
                langid::from_table(Some(table(&c.langid)), base).unwrap(),
                c.langid
            );
            assert_eq!(dedup::from_table(Some(table(&c.dedup))).unwrap(), c.dedup);
            assert_eq!(
                tokenizer::from_table(Some(table(&c.tokenizer))).unwrap(),
                c.tokenizer
            );
            assert_eq!(
                export_run::from_table(Some(table(&c.export)), base).unwrap(),
                c.export
            );
        }
    }

    fn defaults() -> StageConfigs {
        let cfg = PipelineConfig::default();
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("empty.toml");
        std::fs::write(&path, "").unwrap();
        check_sections(&path, &cfg, Path::new("")).unwrap()
    }
}
