//! `[filter]` of pipeline.toml checked into a [`FilterConfig`], and the stage built from it with
//! its URL lists loaded (their contents enter the config digest).

use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_filters::pii::PiiMode;
use minga_filters::quality::{check_lang_keys, is_rule_name, QualityConfig};
use minga_filters::urls::{UrlList, UrlPolicy};

use crate::stages::filter::{FilterConfig, FilterStage, ListFile};

/// Checks a `[filter]` table: the stage keys, quality rule names and `[filter.lang.<code>]`
/// tables; anything else is an error.
pub fn from_table(table: Option<toml::Table>, base: &Path) -> Result<FilterConfig> {
    let Some(mut t) = table else {
        return Ok(FilterConfig::default());
    };
    let pii = match t.remove("pii") {
        Some(v) => v
            .try_into()
            .context("[filter] pii must be redact, tag or off")?,
        None => PiiMode::Redact,
    };
    let url_blocklist = list_files(t.remove("url_blocklist"), "url_blocklist", base)?;
    let url_allowlist = list_files(t.remove("url_allowlist"), "url_allowlist", base)?;
    if let Some(k) = t.keys().find(|k| *k != "lang" && !is_rule_name(k)) {
        bail!("unknown key `{k}` in [filter] (stage keys: pii, url_blocklist, url_allowlist, lang; or a quality rule, see docs/filter.md)");
    }
    check_lang_keys(&t)?;
    let quality: QualityConfig = toml::Value::Table(t)
        .try_into()
        .context("invalid quality thresholds in [filter]")?;
    Ok(FilterConfig {
        pii,
        url_blocklist,
        url_allowlist,
        quality,
    })
}

fn list_files(value: Option<toml::Value>, key: &str, base: &Path) -> Result<Vec<ListFile>> {
    let Some(v) = value else {
        return Ok(Vec::new());
    };
    let paths: Vec<String> = v
        .try_into()
        .with_context(|| format!("[filter] {key} must be a list of file paths"))?;
    paths
        .into_iter()
        .map(|p| {
            let resolved = base.join(&p);
            let bytes = std::fs::read(&resolved)
                .with_context(|| format!("cannot read {key} file {}", resolved.display()))?;
            Ok(ListFile {
                path: p,
                blake3: minga_manifests::blake3_hex(&bytes),
                resolved,
            })
        })
        .collect()
}

fn load_list(files: &[ListFile]) -> Result<UrlList> {
    let mut list = UrlList::default();
    for f in files {
        let text = std::fs::read_to_string(&f.resolved)
            .with_context(|| format!("cannot read {}", f.resolved.display()))?;
        if minga_manifests::blake3_hex(text.as_bytes()) != f.blake3 {
            bail!("{} changed while minga read it", f.resolved.display());
        }
        list.extend_from_text(&text)
            .with_context(|| format!("{}", f.resolved.display()))?;
    }
    Ok(list)
}

/// The stage with its URL lists loaded.
pub fn build_stage(config: FilterConfig) -> Result<FilterStage> {
    let urls = UrlPolicy {
        block: load_list(&config.url_blocklist)?,
        allow: load_list(&config.url_allowlist)?,
    };
    Ok(FilterStage::new(config, urls))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FilterConfig> {
        let t: toml::Table = toml::from_str(text).unwrap();
        from_table(
            t.get("filter").and_then(|v| v.as_table()).cloned(),
            Path::new("."),
        )
    }

    #[test]
    fn section_keys_are_checked() {
        let c = parse("[filter]\npii = 'tag'\nmin_words = 30\n[filter.lang.grn]\nmin_words = 3\n")
            .unwrap();
        assert_eq!(c.pii, PiiMode::Tag);
        assert_eq!(c.quality.default.min_words, Some(30.0));
        assert_eq!(c.quality.thresholds_for("grn").min_words, Some(3.0));
        assert!(parse("[filter]\npii = 'mask'\n").is_err());
        assert!(parse("[filter]\nmin_wrods = 3\n").is_err());
        assert!(parse("[filter.lang.spa]\nurl_blocklist = []\n").is_err());
        assert!(parse("[filter]\nurl_blocklist = ['no-such-file.txt']\n").is_err());
        assert_eq!(parse("").unwrap(), FilterConfig::default());
    }

    #[test]
    fn list_contents_enter_the_digest() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("b.txt"), "ofertas.example\n").unwrap();
        let t: toml::Table = toml::from_str("url_blocklist = ['b.txt']").unwrap();
        let digest = |c: FilterConfig| {
            use crate::runner::DocStage;
            crate::config::digest_of(&build_stage(c).unwrap().config())
        };
        let a = digest(from_table(Some(t.clone()), d.path()).unwrap());
        std::fs::write(d.path().join("b.txt"), "otra.example\n").unwrap();
        let changed = from_table(Some(t.clone()), d.path()).unwrap();
        let b = digest(changed.clone());
        assert_ne!(a, b);
        // A list edited between reading the config and loading the stage is an error.
        std::fs::write(d.path().join("b.txt"), "tercera.example\n").unwrap();
        assert!(build_stage(changed).is_err());
    }
}
