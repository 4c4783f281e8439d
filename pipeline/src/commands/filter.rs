//! `minga filter`: the stage (`--in/--out`) and `calibrate` (per-language thresholds from
//! reference text). The `[filter]` section is parsed here into a checked [`FilterConfig`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use minga_filters::pii::PiiMode;
use minga_filters::quality::{
    calibrate_languages, check_lang_keys, is_rule_name, overrides_to_toml, read_reference_dir,
    CalibrateOptions, QualityConfig,
};
use minga_filters::urls::{UrlList, UrlPolicy};

use crate::config::PipelineConfig;
use crate::runner::run_doc_stage;
use crate::stages::filter::{FilterConfig, FilterStage, ListFile, STAGE};

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
        Some(p) => section(p)?,
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

/// `[filter]` of a pipeline config (list paths resolved against the config's directory).
pub fn section(path: &Path) -> Result<FilterConfig> {
    let (cfg, base) = PipelineConfig::load(path)?;
    from_table(cfg.filter, &base).with_context(|| format!("{}", path.display()))
}

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
