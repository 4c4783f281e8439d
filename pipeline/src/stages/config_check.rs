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

/// Checks every stage section of the config at `path` (already loaded as `cfg`).
pub fn check_sections(path: &Path, cfg: &PipelineConfig, base: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)?;
    let shapes = rename_sections(&text);
    if let Err(e) = toml::from_str::<Shapes>(&shapes) {
        bail!(
            "invalid config {}: {}",
            path.display(),
            e.to_string().replace("[_", "[")
        );
    }
    let checks: [(&str, Result<()>); 5] = [
        (
            "langid",
            crate::stages::langid::from_table(cfg.langid.clone(), base).map(drop),
        ),
        (
            "filter",
            crate::stages::filter_config::from_table(cfg.filter.clone(), base).map(drop),
        ),
        (
            "dedup",
            crate::stages::dedup::from_table(cfg.dedup.clone()).map(drop),
        ),
        (
            "tokenizer",
            crate::stages::tokenizer::from_table(cfg.tokenizer.clone()).map(drop),
        ),
        (
            "export",
            crate::stages::export_run::from_table(cfg.export.clone(), base).map(drop),
        ),
    ];
    for (section, result) in checks {
        if let Err(e) = result {
            let message = format!("{e:#}");
            let line = backticked(&message)
                .and_then(|key| line_of(&text, section, key))
                .map(|n| format!(" (line {n})"))
                .unwrap_or_default();
            return Err(anyhow!(
                "invalid config {}: [{section}]{line}: {message}",
                path.display()
            ));
        }
    }
    Ok(())
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
}
