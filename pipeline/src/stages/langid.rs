//! `minga langid --in DIR --out DIR`: labels every document with its language (ISO 639-3), a score
//! and language spans; documents below the minimum score go to the ledger as
//! `langid.low_confidence`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_filters::langid::{label_document, Model, SpanOptions};
use minga_manifests::{Columns, Document, LangSpan, Rejection};
use serde::{Deserialize, Serialize};

use crate::runner::{count, Counters, DocStage, Outcome};

pub const STAGE: &str = "langid";

/// `[langid]` in pipeline.toml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LangidConfig {
    /// Documents whose language score is below this go to the ledger.
    pub min_score: f32,
    /// Per-language overrides of `min_score` (ISO 639-3 codes).
    pub min_score_by_lang: BTreeMap<String, f32>,
    /// A model trained with `minga langid train`; default: the model built into minga.
    pub model: Option<PathBuf>,
}

impl Default for LangidConfig {
    fn default() -> Self {
        LangidConfig {
            min_score: 0.5,
            min_score_by_lang: BTreeMap::new(),
            model: None,
        }
    }
}

/// The stage with its model loaded.
pub struct LangidStage {
    config: LangidConfig,
    model: &'static Model,
    model_digest: String,
    spans: SpanOptions,
}

impl LangidStage {
    pub fn new(config: LangidConfig) -> Result<Self> {
        let (model, model_digest) = match &config.model {
            None => (Model::embedded(), "embedded".to_string()),
            Some(p) => {
                let bytes = std::fs::read(p)
                    .with_context(|| format!("cannot read language model {}", p.display()))?;
                let model =
                    Model::from_bytes(&bytes).with_context(|| format!("{}", p.display()))?;
                // Leaked once per process: the stage lives for the whole command.
                (
                    &*Box::leak(Box::new(model)),
                    minga_manifests::blake3_hex(&bytes),
                )
            }
        };
        Ok(LangidStage {
            config,
            model,
            model_digest,
            spans: SpanOptions::default(),
        })
    }

    fn min_score(&self, lang: &str) -> f32 {
        self.config
            .min_score_by_lang
            .get(lang)
            .copied()
            .unwrap_or(self.config.min_score)
    }
}

impl DocStage for LangidStage {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn config(&self) -> serde_json::Value {
        serde_json::json!({ "config": self.config, "model_digest": self.model_digest, "version": minga_manifests::VERSION })
    }

    fn added_columns(&self) -> Columns {
        Columns {
            lang: true,
            ..Columns::default()
        }
    }

    fn process(&self, mut doc: Document, counters: &mut Counters) -> Outcome {
        let label = label_document(self.model, &doc.text, &self.spans);
        count(counters, &format!("lang.{}", label.lang), 1);
        doc.lang_spans = label
            .spans
            .into_iter()
            .map(|s| LangSpan {
                start: s.start,
                end: s.end,
                lang: s.lang,
                score: s.score,
            })
            .collect();
        if doc
            .lang_spans
            .iter()
            .map(|s| &s.lang)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            > 1
        {
            count(counters, "mixed_language_documents", 1);
        }
        let min = self.min_score(&label.lang);
        let low = label.lang == "und" || label.score < min;
        doc.lang = Some(label.lang);
        doc.lang_score = Some(label.score);
        if low {
            let detail = format!(
                "{} scored {:.3} < {min}",
                doc.lang.as_deref().unwrap_or("und"),
                label.score
            );
            return Outcome::Reject(
                doc,
                Rejection::new(
                    "langid.low_confidence",
                    Some(f64::from(label.score)),
                    detail,
                ),
            );
        }
        Outcome::Keep(doc)
    }
}

/// `[langid]` of a pipeline config, checked; the model path is resolved against `base`.
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
