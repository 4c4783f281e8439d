//! `minga filter --in DIR --out DIR`: URL lists, quality rules and PII, after langid.
//!
//! Per document, in this order: the URL policy (reason `filter.url_blocklist`, detail = the
//! matching list entry); the quality rules with the thresholds of the document's `lang`
//! (reason `filter.<rule>`, value = the measured signal); PII on kept documents only.
//!
//! Every document, kept or rejected, carries its quality signals in the `quality` column. PII is
//! scanned only in kept documents: rejected ones never reach training data, and scanning them
//! would cost time for nothing. Their `pii` fields are null ("not scanned"), as are those of
//! every document when `pii = "off"`; a 0 means "scanned, none found". The ledger therefore
//! keeps rejected documents as they came in, personal data included: treat it like the input.

use std::path::PathBuf;

use minga_filters::pii::{apply, PiiKind, PiiMatch, PiiMode};
use minga_filters::quality::{QualityConfig, QualityFilter, SIGNAL_NAMES};
use minga_filters::urls::{UrlPolicy, URL_BLOCKLIST_REASON};
use minga_manifests::{Columns, Document, Rejection};
use serde::Serialize;

use crate::runner::{count, Counters, DocStage, Outcome};

pub const STAGE: &str = "filter";

/// `[filter]` in pipeline.toml, checked (see `stages::filter_config::from_table`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilterConfig {
    pub pii: PiiMode,
    /// Block-list files, as written in the config, with their resolved paths.
    pub url_blocklist: Vec<ListFile>,
    pub url_allowlist: Vec<ListFile>,
    /// Quality thresholds: the rule defaults, the shipped per-language tables, the user's
    /// `[filter]` bounds and `[filter.lang.<code>]` tables.
    pub quality: QualityConfig,
}

impl Default for FilterConfig {
    fn default() -> Self {
        FilterConfig {
            pii: PiiMode::Redact,
            url_blocklist: Vec::new(),
            url_allowlist: Vec::new(),
            quality: QualityConfig::default(),
        }
    }
}

/// A URL list file: the path as written (recorded in manifests), where it was read from, and the
/// BLAKE3 of its contents (so editing a list invalidates `--resume`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListFile {
    pub path: String,
    #[serde(skip)]
    pub resolved: PathBuf,
    pub blake3: String,
}

/// The stage with its lists loaded and thresholds resolved.
pub struct FilterStage {
    config: FilterConfig,
    urls: UrlPolicy,
    quality: QualityFilter,
}

impl FilterStage {
    pub fn new(config: FilterConfig, urls: UrlPolicy) -> Self {
        let quality = QualityFilter::new(&config.quality);
        FilterStage {
            config,
            urls,
            quality,
        }
    }

    fn scan_pii(&self, doc: &mut Document, counters: &mut Counters) {
        if self.config.pii == PiiMode::Off {
            return;
        }
        let (text, counts, matches) = apply(&doc.text, self.config.pii);
        if let std::borrow::Cow::Owned(new) = text {
            remap_spans(doc, &matches);
            doc.text = new;
        }
        doc.pii = counts.to_array().to_vec();
        if counts.total() > 0 {
            count(counters, "pii.documents", 1);
        }
        for (kind, n) in counts.iter().filter(|(_, n)| *n > 0) {
            count(counters, &format!("pii.{}", kind.name()), u64::from(n));
        }
    }
}

impl DocStage for FilterStage {
    fn name(&self) -> &'static str {
        STAGE
    }

    fn config(&self) -> serde_json::Value {
        serde_json::json!({ "config": self.config, "version": minga_manifests::VERSION })
    }

    fn added_columns(&self) -> Columns {
        Columns {
            quality: SIGNAL_NAMES.iter().map(|s| s.to_string()).collect(),
            pii: PiiKind::ALL.iter().map(|k| k.name().to_string()).collect(),
            ..Columns::default()
        }
    }

    fn process(&self, mut doc: Document, counters: &mut Counters) -> Outcome {
        let lang = doc.lang.as_deref().unwrap_or("und");
        let (signals, verdict) = self.quality.check(&doc.text, lang);
        doc.quality = signals.to_vec();
        // Null `pii` fields until the document is scanned (see the module docs).
        doc.pii = Vec::new();
        if let Some(entry) = doc.url.as_deref().and_then(|u| self.urls.blocked_by(u)) {
            return Outcome::Reject(doc, Rejection::new(URL_BLOCKLIST_REASON, None, entry));
        }
        if let Some(r) = verdict {
            return Outcome::Reject(doc, Rejection::new(r.reason(), Some(r.value), r.detail));
        }
        self.scan_pii(&mut doc, counters);
        Outcome::Keep(doc)
    }
}

/// Moves `lang_spans` byte offsets from the original text to the redacted one. A span edge inside
/// a match moves to the placeholder's start (span start) or end (span end). `matches` are sorted
/// and non-overlapping, as `scan` returns them and `redact` applies them.
fn remap_spans(doc: &mut Document, matches: &[PiiMatch]) {
    if doc.lang_spans.is_empty() {
        return;
    }
    let text = &doc.text;
    let applied: Vec<&PiiMatch> = {
        let mut pos = 0;
        matches
            .iter()
            .filter(|m| {
                let ok = m.start >= pos
                    && m.end <= text.len()
                    && text.is_char_boundary(m.start)
                    && text.is_char_boundary(m.end);
                if ok {
                    pos = m.end;
                }
                ok
            })
            .collect()
    };
    let map = |p: u32, is_end: bool| -> u32 {
        let p = p as usize;
        let mut shift: i64 = 0;
        for m in &applied {
            let new_len = m.kind.placeholder().len() as i64;
            if p >= m.end {
                shift += new_len - (m.end - m.start) as i64;
            } else if p > m.start {
                let base = (m.start as i64 + shift) as u32;
                return if is_end { base + new_len as u32 } else { base };
            } else {
                break;
            }
        }
        (p as i64 + shift).max(0) as u32
    };
    for s in &mut doc.lang_spans {
        s.start = map(s.start, false);
        s.end = map(s.end, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minga_manifests::LangSpan;

    const ES: &str = "La minga es un trabajo comunitario que reúne a las familias del pueblo. \
        Cada casa aporta herramientas, comida y manos para levantar un puente o sembrar la chacra. \
        Al terminar la jornada se comparte una olla grande de sopa con papas y maíz. \
        Los abuelos cuentan historias antiguas mientras los niños juegan cerca del fogón. \
        Escriban a la junta en junta.vecinal@example.org para sumarse a la próxima minga del canal.";

    fn doc(text: &str, url: Option<&str>) -> Document {
        Document {
            id: "d".into(),
            text: text.into(),
            url: url.map(str::to_string),
            lang: Some("spa".into()),
            ..Document::default()
        }
    }

    fn stage(pii: PiiMode, block: &str) -> FilterStage {
        let config = FilterConfig {
            pii,
            ..FilterConfig::default()
        };
        let urls = UrlPolicy {
            block: minga_filters::urls::UrlList::parse(block).unwrap(),
            allow: Default::default(),
        };
        FilterStage::new(config, urls)
    }

    #[test]
    fn keeps_clean_spanish_and_redacts_its_email() {
        let mut c = Counters::new();
        let Outcome::Keep(d) = stage(PiiMode::Redact, "").process(doc(ES, None), &mut c) else {
            panic!("clean text rejected");
        };
        assert!(d.text.contains("<EMAIL>") && !d.text.contains("@example.org"));
        assert_eq!(d.quality.len(), SIGNAL_NAMES.len());
        assert_eq!(d.pii.len(), PiiKind::ALL.len());
        assert_eq!(d.pii[0], 1);
        assert_eq!(c.get("pii.email"), Some(&1));
    }

    #[test]
    fn tag_keeps_text_and_off_skips() {
        let mut c = Counters::new();
        let Outcome::Keep(d) = stage(PiiMode::Tag, "").process(doc(ES, None), &mut c) else {
            panic!("rejected");
        };
        assert_eq!(d.text, ES);
        assert_eq!(c.get("pii.email"), Some(&1));
        let mut c = Counters::new();
        let Outcome::Keep(d) = stage(PiiMode::Off, "").process(doc(ES, None), &mut c) else {
            panic!("rejected");
        };
        assert!(d.pii.is_empty() && c.is_empty());
    }

    #[test]
    fn url_list_comes_first_and_quality_rejects_with_value() {
        let s = stage(PiiMode::Redact, "ofertas.example\n");
        let mut c = Counters::new();
        match s.process(doc(ES, Some("https://a.ofertas.example/x")), &mut c) {
            Outcome::Reject(d, r) => {
                assert_eq!(r.reason, "filter.url_blocklist");
                assert_eq!(r.detail, "ofertas.example");
                assert_eq!(d.quality.len(), SIGNAL_NAMES.len());
                assert!(
                    d.pii.is_empty() && d.text == ES,
                    "rejected docs are not scanned"
                );
            }
            Outcome::Keep(_) => panic!("blocked URL kept"),
        }
        let short = "Pocas palabras aquí, nada más.";
        match s.process(doc(short, Some("https://ofertasexample.test/")), &mut c) {
            Outcome::Reject(_, r) => {
                assert_eq!(r.reason, "filter.min_words");
                assert_eq!(r.value, Some(5.0));
            }
            Outcome::Keep(_) => panic!("five words kept"),
        }
    }

    #[test]
    fn spans_follow_redaction() {
        let text = "Hola a@example.org chau. Kawsay";
        let mut d = doc(text, None);
        let q = text.find("Kawsay").unwrap() as u32;
        d.lang_spans = vec![
            LangSpan {
                start: 0,
                end: q,
                lang: "spa".into(),
                score: 1.0,
            },
            LangSpan {
                start: q,
                end: text.len() as u32,
                lang: "que".into(),
                score: 1.0,
            },
        ];
        let (new, _, matches) = apply(text, PiiMode::Redact);
        remap_spans(&mut d, &matches);
        let new = new.into_owned();
        let s = &d.lang_spans;
        assert_eq!(&new[s[1].start as usize..s[1].end as usize], "Kawsay");
        assert_eq!(s[0].end, s[1].start);
        assert_eq!(s[1].end as usize, new.len());
    }
}
