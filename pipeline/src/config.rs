//! `pipeline.toml`: the checked configuration every command reads (DESIGN.md, "Config").
//!
//! Each stage reads its own section; the digest recorded in a stage's manifests covers only that
//! section (plus what the stage inherits), so editing `[filter]` does not invalidate ingest shards.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The whole configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Where stage outputs go; relative to the config file's directory.
    #[serde(default = "default_workdir")]
    pub workdir: PathBuf,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    #[serde(default)]
    pub ingest: IngestConfig,
    #[serde(default)]
    pub consent: ConsentConfig,
    /// The later stages' sections as written; `stages::config_check::check_sections` turns them
    /// into their typed configs (`StageConfigs`) once, before any stage runs.
    #[serde(default)]
    pub langid: Option<toml::Table>,
    #[serde(default)]
    pub filter: Option<toml::Table>,
    #[serde(default)]
    pub dedup: Option<toml::Table>,
    #[serde(default)]
    pub tokenizer: Option<toml::Table>,
    #[serde(default)]
    pub export: Option<toml::Table>,
    #[serde(default)]
    pub report: Option<toml::Table>,
}

/// `[consent]`: the machine-readable opt-outs from AI training that ingest honours
/// (`docs/consent.md`). A page carrying one goes to the ledger as `consent.<signal>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentConfig {
    /// Default: every signal minga reads.
    pub honour: Vec<ConsentSignal>,
    /// WARC files of the crawl's robots.txt captures (Common Crawl's `robotstxt` files),
    /// relative to the config file.
    pub robots: Vec<PathBuf>,
    /// Crawlers whose robots.txt exclusions are honoured: a page disallowed for any of them goes
    /// to `consent.robots_disallow`.
    pub robots_agents: Vec<String>,
}

impl Default for ConsentConfig {
    fn default() -> Self {
        let agents = [
            "CCBot",
            "GPTBot",
            "Google-Extended",
            "anthropic-ai",
            "ClaudeBot",
            "cohere-ai",
            "*",
        ];
        ConsentConfig {
            honour: vec![
                ConsentSignal::Noai,
                ConsentSignal::TdmReservation,
                ConsentSignal::RobotsDisallow,
            ],
            robots: Vec::new(),
            robots_agents: agents.map(String::from).to_vec(),
        }
    }
}

/// One kind of opt-out signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSignal {
    /// `noai`/`noml` in `<meta name="robots">`, in a meta addressed to an AI crawler, or in
    /// `X-Robots-Tag` (`consent.noai`).
    Noai,
    /// TDMRep `tdm-reservation: 1`, as meta or header (`consent.tdm_reservation`).
    TdmReservation,
    /// The host's robots.txt (from `robots` captures) disallows the page for one of
    /// `robots_agents` (`consent.robots_disallow`).
    RobotsDisallow,
}

impl ConsentSignal {
    /// The ledger reason this signal's pages get.
    pub fn reason(self) -> &'static str {
        match self {
            ConsentSignal::Noai => "consent.noai",
            ConsentSignal::TdmReservation => "consent.tdm_reservation",
            ConsentSignal::RobotsDisallow => "consent.robots_disallow",
        }
    }
}

fn default_workdir() -> PathBuf {
    PathBuf::from("work")
}

/// One `[[source]]`: a file, directory or glob and what is known about its provenance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    /// File, directory or glob; relative to the config file's directory.
    pub path: String,
    #[serde(default)]
    pub format: Format,
    pub licence: Option<String>,
    pub consent: Option<String>,
    pub contact: Option<String>,
    pub country: Option<String>,
    /// jsonl: the field holding the text (default `text`) and the id (default `id`).
    pub text_field: Option<String>,
    pub id_field: Option<String>,
    /// What the contributors allow their text to be used for; unset: whatever the licence
    /// allows. Kept in each document's `meta`; the export leaves out documents whose source does
    /// not allow pretraining (`docs/consent.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_uses: Option<Vec<Use>>,
    /// How the contributors ask to be credited; kept in each document's `meta` and on the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// ELAN `.eaf`: tiers whose annotations become the document text, matched by `TIER_ID` or
    /// `LINGUISTIC_TYPE_REF` (case-insensitive); default: every tier without a parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eaf_tiers: Option<Vec<String>>,
    /// ELAN `.eaf`: tiers (same matching) that become a second document per file, linked to
    /// the first by `meta.translation_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eaf_translation_tiers: Option<Vec<String>>,
    /// EPUB: one document per `book` (default) or per spine `chapter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epub_split: Option<EpubSplit>,
}

/// A use of a source's text that its contributors can allow (`[[source]] allowed_uses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Use {
    Pretraining,
    FineTuning,
    Evaluation,
    Research,
}

impl Use {
    pub fn name(self) -> &'static str {
        match self {
            Use::Pretraining => "pretraining",
            Use::FineTuning => "fine-tuning",
            Use::Evaluation => "evaluation",
            Use::Research => "research",
        }
    }
}

/// How an EPUB is cut into documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EpubSplit {
    #[default]
    Book,
    Chapter,
}

/// Input format of a source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Auto,
    Warc,
    Txt,
    Md,
    Html,
    Jsonl,
    Tei,
    Docx,
    Odt,
    Epub,
    Srt,
    Vtt,
    Eaf,
    /// PDF with a text layer (one document per file).
    Pdf,
}

/// `[ingest]`: how input files are grouped into parts and what is too big to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Target input bytes per part (MB). Plain `.warc` and `.jsonl` files larger than this are
    /// split across parts at record boundaries; compressed files stay whole.
    pub part_size_mb: f64,
    /// Records (or documents) larger than this are skipped with `ingest.record_too_large`.
    pub max_record_mb: f64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            part_size_mb: 512.0,
            max_record_mb: 64.0,
        }
    }
}

impl IngestConfig {
    pub fn part_size_bytes(&self) -> u64 {
        (self.part_size_mb * 1024.0 * 1024.0).max(1.0) as u64
    }
    pub fn max_record_bytes(&self) -> u64 {
        (self.max_record_mb * 1024.0 * 1024.0).max(1.0) as u64
    }
}

impl PipelineConfig {
    /// Reads and checks a config file; relative paths in it are resolved against its directory.
    pub fn load(path: &Path) -> Result<(PipelineConfig, PathBuf)> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let cfg: PipelineConfig =
            toml::from_str(&text).with_context(|| format!("invalid config {}", path.display()))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        cfg.check()
            .with_context(|| format!("invalid config {}", path.display()))?;
        Ok((cfg, base))
    }

    fn check(&self) -> Result<()> {
        let mut names = std::collections::BTreeSet::new();
        for s in &self.sources {
            if s.name.is_empty() || s.name.contains(['/', '\\']) {
                bail!(
                    "source name {:?} must be non-empty and contain no slash",
                    s.name
                );
            }
            if !names.insert(&s.name) {
                bail!("source name {:?} is used twice", s.name);
            }
        }
        if self.ingest.part_size_mb <= 0.0 || self.ingest.max_record_mb <= 0.0 {
            bail!("[ingest] part_size_mb and max_record_mb must be positive");
        }
        Ok(())
    }
}

/// `base/rel` with `.` and `dir/..` folded lexically (no filesystem access), so messages show
/// `work` rather than `samples/../work`.
pub fn join_clean(base: &Path, rel: &Path) -> PathBuf {
    use std::path::Component;
    let joined = base.join(rel);
    let mut out: Vec<Component> = Vec::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// BLAKE3 of a value's canonical JSON: the config digest of a stage.
pub fn digest_of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    minga_manifests::blake3_hex(&json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_through_toml() {
        let text = r#"
workdir = "w"
[[source]]
name = "web"
path = "web"
format = "warc"
licence = "CC-BY-4.0"
country = "CL"
[ingest]
part_size_mb = 1.5
"#;
        let cfg: PipelineConfig = toml::from_str(text).unwrap();
        assert_eq!(cfg.sources[0].format, Format::Warc);
        assert_eq!(cfg.ingest.part_size_mb, 1.5);
        assert_eq!(cfg.ingest.max_record_mb, 64.0);
        let again: PipelineConfig = toml::from_str(&toml::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(again.sources, cfg.sources);
        assert_eq!(again.ingest, cfg.ingest);
    }

    #[test]
    fn format_keys_round_trip_and_stay_out_of_old_digests() {
        let text = r#"
[[source]]
name = "relatos"
path = "eaf"
format = "eaf"
eaf_tiers = ["transcripcion", "tx@Rosa"]
eaf_translation_tiers = ["traduccion"]
[[source]]
name = "libros"
path = "epub"
epub_split = "chapter"
"#;
        let cfg: PipelineConfig = toml::from_str(text).unwrap();
        assert_eq!(cfg.sources[0].format, Format::Eaf);
        assert_eq!(cfg.sources[1].epub_split, Some(EpubSplit::Chapter));
        let again: PipelineConfig = toml::from_str(&toml::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(again.sources, cfg.sources);
        assert!(toml::from_str::<PipelineConfig>(
            "[[source]]\nname='a'\npath='x'\nepub_split='page'"
        )
        .is_err());
        // Unset keys are not serialised: configs without them keep their ingest digest.
        let plain = SourceConfig {
            name: "a".into(),
            path: "x".into(),
            ..SourceConfig::default()
        };
        assert!(!serde_json::to_string(&plain).unwrap().contains("eaf"));
    }

    #[test]
    fn paths_fold_parent_components() {
        assert_eq!(
            join_clean(Path::new("samples"), Path::new("../work")),
            PathBuf::from("work")
        );
        assert_eq!(
            join_clean(Path::new(""), Path::new("../x")),
            PathBuf::from("../x")
        );
        assert_eq!(
            join_clean(Path::new("/a/b"), Path::new("./c/../d")),
            PathBuf::from("/a/b/d")
        );
    }

    #[test]
    fn unknown_keys_and_duplicate_sources_are_errors() {
        assert!(toml::from_str::<PipelineConfig>("wrkdir = 'x'").is_err());
        let cfg: PipelineConfig =
            toml::from_str("[[source]]\nname='a'\npath='x'\n[[source]]\nname='a'\npath='y'")
                .unwrap();
        assert!(cfg.check().is_err());
    }
}
