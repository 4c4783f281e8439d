//! Gathers the data card's figures from a workdir in one streaming pass over the last
//! per-document stage's shards, plus the stage manifests, an export index and a tokenizer
//! release file when they exist.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use minga_manifests::{audit::numeric_columns, list_parts, ShardReader};

use rayon::prelude::*;

use super::genre::{classify, Genre};
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

const TOKEN_COLUMNS: &[&str] = &["tokens", "token_count", "n_tokens", "num_tokens", "length"];

/// Reads `workdir` into [`Stats`]. With `licences`, only kept documents under one of them are
/// described (the funnel stays the whole run's: removed documents are counted per stage).
pub fn collect(workdir: &Path, licences: &[String]) -> Result<Stats> {
    let all = stages(workdir)?;
    let mut st = Stats {
        length_bins: vec![0; 24],
        licences: licences.to_vec(),
        ..Stats::default()
    };
    for s in &all {
        st.funnel.push(funnel_of(s)?);
    }
    st.takedowns = takedown_rows(workdir)?;
    let tokens = export_tokens(workdir)?;
    st.has_tokens = !tokens.is_empty();
    let Some(last) = all.iter().rev().find(|s| s.has_documents()) else {
        return Ok(st);
    };
    st.final_stage = last.name.clone();
    let mut terms: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for (_, path) in last.shards()? {
        let mut r = ShardReader::open(&path)?;
        while let Some((docs, cols)) = r.next_batch()? {
            // Word counts and genre flags are the costly part: computed in parallel, summed in
            // document order below (the sums do not depend on the thread count).
            let measured: Vec<(u64, Genre)> = docs
                .par_iter()
                .map(|d| (d.text.split_whitespace().count() as u64, classify(&d.text)))
                .collect();
            for (d, (words, g)) in docs.into_iter().zip(measured) {
                let selected =
                    licences.is_empty() || d.licence.as_ref().is_some_and(|l| licences.contains(l));
                if !selected {
                    st.other_licence_docs += 1;
                    continue;
                }
                let toks = tokens.get(&d.id).copied().unwrap_or(0);
                let lang = d.lang.clone().unwrap_or_else(|| "und".into());
                let country = d.country.clone().unwrap_or_else(|| "-".into());
                let consent = d.consent.clone().unwrap_or_else(|| "-".into());
                let by_consent = st.consent_by_lang.entry(lang.clone()).or_default();
                for t in [
                    &mut st.total,
                    by_consent.entry(consent).or_default(),
                    st.by_lang.entry(lang).or_default(),
                    st.by_source.entry(d.source.clone()).or_default(),
                    st.by_country.entry(country).or_default(),
                ] {
                    t.docs += 1;
                    t.words += words;
                    t.tokens += toks;
                    t.religious += g.religious as u64;
                    t.legal += g.legal as u64;
                }
                let bin = (64 - words.leading_zeros()).saturating_sub(1) as usize;
                if let Some(b) = st.length_bins.get_mut(bin.min(23)) {
                    *b += 1;
                }
                for (name, n) in cols.pii.iter().zip(d.pii.iter()) {
                    *st.pii.entry(name.clone()).or_default() += *n as u64;
                }
                if let Some(c) = d.dup_cluster_size {
                    *st.dup_clusters.entry(c).or_default() += 1;
                }
                let na = |v: Option<String>| v.unwrap_or_else(|| "-".into());
                *terms
                    .entry((d.source, na(d.licence), na(d.consent), na(d.contact)))
                    .or_default() += 1;
            }
        }
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

/// Tokens per document id from `export/index/part-*.parquet`, when the export index exists.
fn export_tokens(workdir: &Path) -> Result<HashMap<String, u64>> {
    let dir = workdir.join("export").join("index");
    let mut out = HashMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for (_, p) in list_parts(&dir)? {
        for (id, vals) in numeric_columns(&p, TOKEN_COLUMNS)? {
            if let Some(v) = vals.into_iter().flatten().next() {
                *out.entry(id).or_default() += v as u64;
            }
        }
    }
    Ok(out)
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
