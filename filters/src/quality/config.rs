//! Quality thresholds as configured in TOML: `[filter]` holds the bounds for every language,
//! `[filter.lang.<code>]` the per-language changes.
//!
//! Layers, lowest first: the rule defaults ([`Thresholds::default`]); the per-language tables
//! shipped with minga (`filters/data/thresholds.toml`, written by calibration on the langid
//! training text); the user's `[filter]`; the user's `[filter.lang.<code>]`. A per-language
//! value, shipped or the user's, wins over `[filter]` for that language.

use super::rules::{judge, Rejection, ThresholdOverrides, Thresholds, RULES};
use super::signals::{compute_signals, Signals};
use super::stopwords::StopWords;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const BUILTIN_TOML: &str = include_str!("../../data/thresholds.toml");

/// Errors reading a thresholds file.
#[derive(Debug, thiserror::Error)]
pub enum QualityConfigError {
    #[error("invalid quality thresholds TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("unknown quality rule `{key}` in [{table}]")]
    UnknownRule { table: String, key: String },
}

/// Per-language quality thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawQualityConfig", into = "RawQualityConfig")]
pub struct QualityConfig {
    /// Bounds for every language (`[filter]` over the rule defaults).
    pub default: Thresholds,
    /// Per-language changes (`[filter.lang.<code>]` over the shipped tables).
    pub lang: BTreeMap<String, ThresholdOverrides>,
}

/// The TOML shape: the `[filter]` table's rule keys plus `lang`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct RawQualityConfig {
    #[serde(flatten)]
    default: ThresholdOverrides,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    lang: BTreeMap<String, ThresholdOverrides>,
}

#[derive(Deserialize)]
struct FilterFile {
    #[serde(default)]
    filter: RawQualityConfig,
}

/// The shipped layer; `None` only if the embedded file were broken (a unit test checks it).
fn builtin() -> &'static RawQualityConfig {
    static BUILTIN: OnceLock<RawQualityConfig> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        toml::from_str::<FilterFile>(BUILTIN_TOML)
            .map(|f| f.filter)
            .unwrap_or_default()
    })
}

impl From<RawQualityConfig> for QualityConfig {
    fn from(raw: RawQualityConfig) -> Self {
        let shipped = builtin();
        let default = shipped
            .default
            .merged(&raw.default)
            .apply(&Thresholds::default());
        let mut lang = shipped.lang.clone();
        for (code, user) in raw.lang {
            let merged = lang.get(&code).map_or(user.clone(), |s| s.merged(&user));
            lang.insert(code, merged);
        }
        QualityConfig { default, lang }
    }
}

impl From<QualityConfig> for RawQualityConfig {
    fn from(c: QualityConfig) -> Self {
        RawQualityConfig {
            default: c.default.to_overrides(),
            lang: c.lang,
        }
    }
}

impl Default for QualityConfig {
    /// Rule defaults plus the shipped per-language tables.
    fn default() -> Self {
        RawQualityConfig::default().into()
    }
}

impl QualityConfig {
    /// Rule defaults only, without the shipped per-language tables.
    pub fn generic() -> Self {
        QualityConfig {
            default: Thresholds::default(),
            lang: BTreeMap::new(),
        }
    }

    /// The thresholds that apply to documents of `lang`.
    pub fn thresholds_for(&self, lang: &str) -> Thresholds {
        match self.lang.get(lang) {
            Some(o) => o.apply(&self.default),
            None => self.default.clone(),
        }
    }

    /// Every language's thresholds resolved once, for per-document look-ups.
    pub fn resolve(&self) -> ThresholdTable {
        ThresholdTable {
            default: self.default.clone(),
            lang: self
                .lang
                .iter()
                .map(|(l, o)| (l.clone(), o.apply(&self.default)))
                .collect(),
        }
    }

    /// Reads a TOML file holding a `[filter]` table (other keys and tables are ignored,
    /// unknown rule names in `[filter.lang.*]` are errors).
    pub fn from_toml_str(text: &str) -> Result<Self, QualityConfigError> {
        let value: toml::Table = toml::from_str(text)?;
        if let Some(toml::Value::Table(filter)) = value.get("filter") {
            check_lang_keys(filter)?;
        }
        let file: FilterFile = toml::from_str(text)?;
        Ok(file.filter.into())
    }

    /// Writes the configuration as a `[filter]` table with every bound spelt out.
    pub fn to_toml_string(&self) -> Result<String, toml::ser::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            filter: &'a QualityConfig,
        }
        toml::to_string(&Out { filter: self })
    }
}

/// Whether `key` names a quality rule (a key of `[filter]` / `[filter.lang.<code>]`).
pub fn is_rule_name(key: &str) -> bool {
    RULES.iter().any(|r| r.name == key)
}

/// Rejects unknown keys inside `[filter.lang.<code>]` tables of a `[filter]` table (the
/// `[filter]` table itself is shared with other settings, so its own keys are not checked here;
/// use [`is_rule_name`] for that).
pub fn check_lang_keys(filter: &toml::Table) -> Result<(), QualityConfigError> {
    let Some(toml::Value::Table(langs)) = filter.get("lang") else {
        return Ok(());
    };
    for (code, table) in langs {
        if let toml::Value::Table(t) = table {
            if let Some(key) = t.keys().find(|k| !is_rule_name(k)) {
                return Err(QualityConfigError::UnknownRule {
                    table: format!("filter.lang.{code}"),
                    key: key.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Resolved thresholds per language.
#[derive(Clone, Debug, PartialEq)]
pub struct ThresholdTable {
    default: Thresholds,
    lang: BTreeMap<String, Thresholds>,
}

impl ThresholdTable {
    /// The thresholds of `lang` (the `[filter]` ones when it has no table).
    pub fn get(&self, lang: &str) -> &Thresholds {
        self.lang.get(lang).unwrap_or(&self.default)
    }
}

/// Everything a filter stage needs per document: resolved thresholds and the shipped
/// stop-word lists.
#[derive(Clone, Debug)]
pub struct QualityFilter {
    table: ThresholdTable,
    stop: &'static StopWords,
}

impl QualityFilter {
    pub fn new(config: &QualityConfig) -> Self {
        QualityFilter {
            table: config.resolve(),
            stop: StopWords::embedded(),
        }
    }

    /// The signals of `text` (language `lang`) and the first rule they fail, if any.
    pub fn check(&self, text: &str, lang: &str) -> (Signals, Option<Rejection>) {
        let signals = compute_signals(text, lang, self.stop);
        let verdict = judge(&signals, self.table.get(lang));
        (signals, verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_layers_and_round_trip() {
        let text = r#"
            [filter]
            pii = "redact"            # another stage setting, ignored here
            min_words = 30
            max_curly_bracket_ratio = false

            [filter.lang.grn]
            min_stop_words = false
            max_mean_word_length = 14.5
        "#;
        let c = QualityConfig::from_toml_str(text).expect("parses");
        assert_eq!(c.default.min_words, Some(30.0));
        assert_eq!(c.default.max_curly_bracket_ratio, None);
        assert_eq!(c.default.max_words, Thresholds::default().max_words);
        let grn = c.thresholds_for("grn");
        assert_eq!(grn.min_stop_words, None);
        assert_eq!(grn.max_mean_word_length, Some(14.5));
        assert_eq!(grn.min_words, Some(30.0));
        assert_eq!(c.thresholds_for("und"), c.default);
        assert_eq!(c.resolve().get("grn"), &grn);

        let written = c.to_toml_string().expect("serialises");
        let back = QualityConfig::from_toml_str(&written).expect("reads back");
        assert_eq!(back, c, "{written}");
    }

    #[test]
    fn unknown_rules_and_bad_bounds_are_errors() {
        let typo = "[filter.lang.spa]\nmin_wrods = 3\n";
        assert!(matches!(
            QualityConfig::from_toml_str(typo),
            Err(QualityConfigError::UnknownRule { .. })
        ));
        assert!(QualityConfig::from_toml_str("[filter]\nmin_words = true\n").is_err());
        assert!(QualityConfig::from_toml_str("[filter]\nmin_words = \"50\"\n").is_err());
        assert!(is_rule_name("max_short_line_ratio") && !is_rule_name("pii"));
    }

    #[test]
    fn filter_uses_the_language_table() {
        let mut c = QualityConfig::generic();
        c.lang.insert("grn".into(), ThresholdOverrides::default());
        c.lang.get_mut("grn").map(|o| o.set("min_words", Some(3.0)));
        let f = QualityFilter::new(&c);
        let text = "Che ha'e peteî mbo'ehára ha aiko Paraguáipe. Ko ñe'ẽ ñane mba'e.";
        assert_eq!(f.check(text, "grn").1, None);
        let spa = f.check(text, "spa").1.map(|r| r.rule);
        assert_eq!(spa, Some("min_words"));
    }

    #[test]
    fn shipped_tables_parse() {
        toml::from_str::<FilterFile>(BUILTIN_TOML).expect("filters/data/thresholds.toml");
    }
}
