//! Gathers the data card's figures from a workdir: the stage manifests, the per-part figures of
//! the last document stage and of the export ([`super::kept`]), the takedown records, a blend
//! and a tokenizer release file when they exist. No shard is read when every part has its
//! figures.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use minga_manifests::part_stats::LENGTH_BINS;
use minga_manifests::GroupStats;

use crate::workdir::{stages, StageDir};

/// Documents, words and tokens of one group (language, source or country).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Totals {
    pub docs: u64,
    pub words: u64,
    pub tokens: u64,
    pub religious: u64,
    pub legal: u64,
}

/// One stage of the removal funnel.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct FunnelStage {
    pub stage: String,
    pub rows_in: u64,
    pub rows_out: u64,
    pub reasons: BTreeMap<String, u64>,
}

/// Licence, consent and contact as declared for a source, with document counts.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Terms {
    pub source: String,
    pub licence: String,
    pub consent: String,
    pub contact: String,
    /// The source's `allowed_uses` and `attribution` from the ingest config ("-" when unset).
    pub allowed_uses: String,
    pub attribution: String,
    pub docs: u64,
}

/// Everything the card shows.
#[derive(Debug, Default, serde::Serialize)]
pub struct Stats {
    /// The stage whose kept documents are described.
    pub final_stage: String,
    pub total: Totals,
    pub has_tokens: bool,
    pub by_lang: BTreeMap<String, Totals>,
    pub by_source: BTreeMap<String, Totals>,
    pub by_country: BTreeMap<String, Totals>,
    pub funnel: Vec<FunnelStage>,
    /// Word-count histogram: bin k holds documents with 2^k <= words < 2^(k+1) (bin 0: 0-1 words).
    pub length_bins: Vec<u64>,
    pub pii: BTreeMap<String, u64>,
    /// Duplicate cluster size -> kept documents.
    pub dup_clusters: BTreeMap<u32, u64>,
    /// Language -> fertility (tokens per word), from the tokenizer release.
    pub fertility: BTreeMap<String, f64>,
    /// The training mixture of a grouped export (`export/blend.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blend: Option<crate::stages::export_blend::Blend>,
    pub terms: Vec<Terms>,
    /// Language -> consent as declared -> kept documents and words: who agreed to what, per
    /// language (the CARE principles' "authority to control" made visible).
    pub consent_by_lang: BTreeMap<String, BTreeMap<String, Totals>>,
    /// Licences the card was restricted to (empty: all).
    pub licences: Vec<String>,
    /// Kept documents left out of the card because their licence was not selected.
    pub other_licence_docs: u64,
    /// Takedown requests carried out on the workdir (`takedowns/`).
    pub takedowns: Vec<TakedownRow>,
}

/// One takedown request, as the card lists it.
#[derive(Debug, Default, serde::Serialize)]
pub struct TakedownRow {
    pub id: String,
    pub requested_by: String,
    pub date: String,
    pub reason: String,
    pub documents: u64,
    pub status: String,
    pub applied: String,
}

fn takedown_rows(workdir: &Path) -> Result<Vec<TakedownRow>> {
    let t = crate::stages::takedown::Takedowns::load(workdir)?;
    Ok(t.records
        .iter()
        .map(|r| TakedownRow {
            id: r.id.clone(),
            requested_by: r.request.requested_by.clone(),
            date: r.request.date.clone(),
            reason: r.request.reason.clone(),
            documents: r.withdrawn.len() as u64,
            status: format!("{:?}", r.status).to_lowercase(),
            applied: r.applied.clone(),
        })
        .collect())
}

/// Reads `workdir` into [`Stats`]: the funnel from the stage manifests, the kept documents'
/// figures from the part manifests of the last document stage (and the export's, for tokens).
/// With `licences`, only kept documents under one of them are described (the funnel stays the
/// whole run's: removed documents are counted per stage).
pub fn collect(workdir: &Path, licences: &[String]) -> Result<Stats> {
    let all = stages(workdir)?;
    let mut st = Stats {
        length_bins: vec![0; LENGTH_BINS],
        licences: licences.to_vec(),
        ..Stats::default()
    };
    for s in &all {
        st.funnel.push(funnel_of(s)?);
    }
    st.takedowns = takedown_rows(workdir)?;
    let Some(last) = all.iter().rev().find(|s| s.has_documents()) else {
        st.has_tokens = super::kept::export_has_documents(workdir)?;
        return Ok(st);
    };
    st.final_stage = last.name.clone();
    let (kept, has_tokens) = super::kept::kept_stats(workdir, last)?;
    st.has_tokens = has_tokens;
    let mut terms: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for g in &kept.groups {
        add_group(&mut st, &mut terms, g);
    }
    while st.length_bins.len() > 1 && st.length_bins.last() == Some(&0) {
        st.length_bins.pop();
    }
    let conditions = source_conditions(workdir);
    st.terms = terms
        .into_iter()
        .map(|((source, licence, consent, contact), docs)| {
            let (allowed_uses, attribution) = conditions.get(&source).cloned().unwrap_or_default();
            Terms {
                source,
                licence,
                consent,
                contact,
                allowed_uses,
                attribution,
                docs,
            }
        })
        .collect();
    st.fertility = fertility(&workdir.join("tokenizer").join("release.json"));
    st.blend = read_blend(workdir)?;
    Ok(st)
}

/// Adds the kept documents of one group to every breakdown it belongs to (or to the count of
/// documents left out by the licence selection).
fn add_group(
    st: &mut Stats,
    terms: &mut BTreeMap<(String, String, String, String), u64>,
    g: &GroupStats,
) {
    let k = &g.group;
    let selected =
        st.licences.is_empty() || k.licence.as_ref().is_some_and(|l| st.licences.contains(l));
    if !selected {
        st.other_licence_docs += g.docs;
        return;
    }
    let na = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.into());
    let lang = na(&k.lang, "und");
    let consent = na(&k.consent, "-");
    let by_consent = st.consent_by_lang.entry(lang.clone()).or_default();
    for t in [
        &mut st.total,
        by_consent.entry(consent.clone()).or_default(),
        st.by_lang.entry(lang).or_default(),
        st.by_source.entry(k.source.clone()).or_default(),
        st.by_country.entry(na(&k.country, "-")).or_default(),
    ] {
        t.docs += g.docs;
        t.words += g.words;
        t.tokens += g.tokens;
        t.religious += g.religious;
        t.legal += g.legal;
    }
    for (&bin, n) in &g.length_bins {
        st.length_bins[usize::from(bin)] += n;
    }
    for (name, n) in &g.pii {
        *st.pii.entry(name.clone()).or_default() += n;
    }
    for (&size, n) in &g.dup_clusters {
        *st.dup_clusters.entry(size).or_default() += n;
    }
    let key = (
        k.source.clone(),
        na(&k.licence, "-"),
        consent,
        na(&k.contact, "-"),
    );
    *terms.entry(key).or_default() += g.docs;
}

fn funnel_of(s: &StageDir) -> Result<FunnelStage> {
    let mut f = FunnelStage {
        stage: s.name.clone(),
        ..FunnelStage::default()
    };
    if let Some(m) = s.manifest()? {
        (f.rows_in, f.rows_out, f.reasons) = (m.rows_in, m.rows_out, m.reasons);
        return Ok(f);
    }
    for (_, m) in s.part_manifests()? {
        f.rows_in += m.rows_in;
        f.rows_out += m.rows_out;
        for (k, v) in m.reasons {
            *f.reasons.entry(k).or_default() += v;
        }
    }
    Ok(f)
}

/// Source name -> (`allowed_uses`, `attribution`) as the ingest manifest's config declares them,
/// "-" when unset.
fn source_conditions(workdir: &Path) -> HashMap<String, (String, String)> {
    let path = workdir.join("ingest").join(minga_manifests::MANIFEST_FILE);
    let Ok(m) = minga_manifests::StageManifest::read(&path) else {
        return HashMap::new();
    };
    let sources = m.config.get("sources").and_then(|s| s.as_array()).cloned();
    let field = |s: &serde_json::Value, k: &str| match s.get(k) {
        Some(serde_json::Value::Array(a)) => {
            let names: Vec<&str> = a.iter().filter_map(|v| v.as_str()).collect();
            names.join(", ")
        }
        Some(serde_json::Value::String(v)) => v.clone(),
        _ => "-".into(),
    };
    let named = sources.into_iter().flatten().filter_map(|s| {
        let name = s.get("name")?.as_str()?.to_string();
        Some((name, (field(&s, "allowed_uses"), field(&s, "attribution"))))
    });
    named.collect()
}

/// `export/blend.json`, when the export was grouped by language.
fn read_blend(workdir: &Path) -> Result<Option<crate::stages::export_blend::Blend>> {
    let path = workdir
        .join("export")
        .join(crate::stages::export_blend::BLEND_JSON);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let blend =
        serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))?;
    Ok(Some(blend))
}

/// Fertility per language from a tokenizer release file: any object that has a numeric
/// `fertility` and a `lang`/`language` (or sits under a language key) counts.
fn fertility(path: &Path) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let Ok(bytes) = std::fs::read(path) else {
        return out;
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return out;
    };
    walk(&v, None, &mut out);
    out
}

fn walk(v: &serde_json::Value, key: Option<&str>, out: &mut BTreeMap<String, f64>) {
    match v {
        serde_json::Value::Object(m) => {
            let f = m.get("fertility").and_then(|f| f.as_f64());
            let lang = m
                .get("lang")
                .or_else(|| m.get("language"))
                .and_then(|l| l.as_str())
                .or(key);
            if let (Some(f), Some(l)) = (f, lang) {
                out.insert(l.to_string(), f);
            }
            // `"fertility": {"spa": 1.31, "que": 2.02}`.
            if key == Some("fertility") {
                for (l, f) in m {
                    if let Some(f) = f.as_f64() {
                        out.insert(l.clone(), f);
                    }
                }
            }
            for (k, c) in m {
                walk(c, Some(k), out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| walk(c, None, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fertility_is_found_in_tables_and_maps() {
        let mut out = BTreeMap::new();
        let v = serde_json::json!({"eval": [{"lang": "que", "fertility": 2.5}, {"lang": "spa", "fertility": 1.25}]});
        walk(&v, None, &mut out);
        let w = serde_json::json!({"fertility": {"grn": 1.75}});
        walk(&w, None, &mut out);
        assert_eq!(out.get("que"), Some(&2.5));
        assert_eq!(out.get("spa"), Some(&1.25));
        assert_eq!(out.get("grn"), Some(&1.75));
        assert_eq!(out.len(), 3);
    }
}
