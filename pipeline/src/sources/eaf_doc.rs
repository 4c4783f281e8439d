//! ELAN tiers to documents: which tiers are text, in what order, and what goes to `meta`.
//!
//! Tier choice: a tier is chosen when its `TIER_ID` or its `LINGUISTIC_TYPE_REF` equals one of
//! the configured names, ignoring case. With no `eaf_tiers`, every top-level tier (no
//! `PARENT_REF`) that is not a translation tier is chosen. The chosen tiers' annotations are
//! merged in time order (start time, then tier order, then file order), one annotation a line;
//! a new paragraph starts when the tier changes (another speaker) or after a pause of at least
//! [`super::subtitles::PAUSE_GAP_MS`]. `eaf_translation_tiers` make a second document, in the
//! same way, whose `meta.translation_of` names the first (record id and offset).
//! Times: a `TIME_SLOT` without a value takes the previous slot's; a `REF_ANNOTATION` takes the
//! times of the annotation it refers to (followed at most [`MAX_REF_CHAIN`] steps).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::eaf::{Eaf, Tier};
use super::subtitles::PAUSE_GAP_MS;
use super::{skip, Body, SkipReason, SourceDoc, SourceItem};

/// Longest chain of `REF_ANNOTATION`s followed to find a time.
pub const MAX_REF_CHAIN: usize = 32;

/// Settings of the ELAN reader (from the `[[source]]` and `[ingest]`).
#[derive(Debug, Clone, PartialEq)]
pub struct EafOptions {
    pub max_bytes: u64,
    /// Names (tier ids or linguistic types) of the text tiers; `None`: top-level tiers.
    pub tiers: Option<Vec<String>>,
    /// Names of tiers that make a linked translation document.
    pub translation_tiers: Vec<String>,
}

impl Default for EafOptions {
    fn default() -> Self {
        EafOptions {
            max_bytes: 64 << 20,
            tiers: None,
            translation_tiers: Vec::new(),
        }
    }
}

fn matches(tier: &Tier, names: &[String]) -> bool {
    names
        .iter()
        .any(|n| n.eq_ignore_ascii_case(&tier.id) || n.eq_ignore_ascii_case(&tier.ling_type))
}

/// The documents of a parsed file: the text tiers', then the translation tiers' when chosen.
pub fn documents(eaf: &Eaf, file_len: u64, opts: &EafOptions) -> Vec<SourceItem> {
    let times = annotation_times(eaf);
    let is_translation = |t: &Tier| matches(t, &opts.translation_tiers);
    let text_tiers: Vec<usize> = (0..eaf.tiers.len())
        .filter(|&i| {
            let t = &eaf.tiers[i];
            match &opts.tiers {
                Some(names) => matches(t, names),
                None => t.parent.is_empty() && !is_translation(t),
            }
        })
        .collect();
    let trans_tiers: Vec<usize> = (0..eaf.tiers.len())
        .filter(|&i| is_translation(&eaf.tiers[i]) && !text_tiers.contains(&i))
        .collect();
    let main_text = merged_text(eaf, &text_tiers, &times);
    if main_text.is_empty() {
        let available: Vec<String> = eaf
            .tiers
            .iter()
            .map(|t| format!("{} ({})", t.id, t.ling_type))
            .collect();
        let detail = format!(
            "no annotation text in the chosen tiers {:?}; tiers: {}",
            opts.tiers.clone().unwrap_or_default(),
            available.join(", ")
        );
        return vec![skip(0, SkipReason::NoText, detail)];
    }
    let main_id = record_id(eaf, &text_tiers);
    let mut main = doc(eaf, &text_tiers, main_text, 0, file_len);
    let mut items = Vec::new();
    let trans_text = merged_text(eaf, &trans_tiers, &times);
    if !trans_text.is_empty() {
        let first = &eaf.tiers[trans_tiers[0]];
        let mut trans = doc(eaf, &trans_tiers, trans_text, first.offset, first.length);
        trans.meta.insert(
            "translation_of".into(),
            json!({"record_id": main_id, "offset": 0}),
        );
        main.meta.insert(
            "translations".into(),
            json!([{"record_id": trans.record_id, "offset": first.offset}]),
        );
        items.push(SourceItem::Doc(trans));
    }
    items.insert(0, SourceItem::Doc(main));
    items
}

fn record_id(eaf: &Eaf, tiers: &[usize]) -> String {
    let ids: Vec<&str> = tiers.iter().map(|&i| eaf.tiers[i].id.as_str()).collect();
    ids.join("+")
}

/// One document of the given tiers; every tier of the file is described in `meta.tiers`.
fn doc(eaf: &Eaf, chosen: &[usize], text: String, offset: u64, length: u64) -> SourceDoc {
    let mut meta = Map::new();
    let langs: HashMap<&str, &str> = eaf
        .languages
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let tiers: Vec<Value> = eaf
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| tier_meta(eaf, t, chosen.contains(&i)))
        .collect();
    let mut codes: Vec<&str> = chosen
        .iter()
        .map(|&i| eaf.tiers[i].lang_ref.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    codes.dedup();
    if !codes.is_empty() {
        meta.insert("language".into(), Value::String(codes.join(",")));
        let defs: Vec<&str> = codes.iter().filter_map(|c| langs.get(c).copied()).collect();
        if !defs.is_empty() {
            meta.insert("language_def".into(), json!(defs));
        }
    }
    let mut participants: Vec<&str> = chosen
        .iter()
        .map(|&i| eaf.tiers[i].participant.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    participants.dedup();
    if !participants.is_empty() {
        meta.insert("participants".into(), json!(participants));
    }
    if !eaf.author.is_empty() {
        meta.insert("author".into(), Value::String(eaf.author.clone()));
    }
    let media: Vec<&String> = eaf.media.iter().filter(|m| !m.is_empty()).collect();
    if !media.is_empty() {
        meta.insert("media".into(), json!(media));
    }
    let chosen_ids: Vec<&str> = chosen.iter().map(|&i| eaf.tiers[i].id.as_str()).collect();
    meta.insert("text_tiers".into(), json!(chosen_ids));
    meta.insert("tiers".into(), Value::Array(tiers));
    SourceDoc {
        offset,
        length,
        url: None,
        record_id: Some(record_id(eaf, chosen)),
        date: (!eaf.date.is_empty()).then(|| eaf.date.clone()),
        payload_digest: None,
        content_type: "eaf",
        title: None,
        body: Body::Text(text),
        meta,
        licence: None,
        country: None,
    }
}

fn tier_meta(eaf: &Eaf, t: &Tier, in_text: bool) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.into(), Value::String(v.to_string()));
        }
    };
    put("id", &t.id);
    put("linguistic_type", &t.ling_type);
    put("participant", &t.participant);
    put("annotator", &t.annotator);
    put("parent", &t.parent);
    put("lang_ref", &t.lang_ref);
    put("locale", &t.locale);
    if let Some(ty) = eaf.types.get(&t.ling_type) {
        put("time_alignable", &ty.time_alignable);
        put("constraints", &ty.constraints);
        put("cv", &ty.cv);
    }
    m.insert("annotations".into(), t.annotations.len().into());
    m.insert("in_text".into(), in_text.into());
    Value::Object(m)
}

/// Start and end (ms) of every annotation id that has them.
fn annotation_times(eaf: &Eaf) -> HashMap<&str, (u64, u64)> {
    let mut slot_ms: HashMap<&str, u64> = HashMap::new();
    let mut last = 0;
    for (id, v) in &eaf.slots {
        last = v.unwrap_or(last);
        slot_ms.insert(id, last);
    }
    let mut refs: HashMap<&str, &str> = HashMap::new();
    let mut times = HashMap::new();
    for a in eaf.tiers.iter().flat_map(|t| &t.annotations) {
        if a.refers_to.is_empty() {
            let s = slot_ms.get(a.slot1.as_str()).copied();
            let e = slot_ms.get(a.slot2.as_str()).copied();
            if let Some(s) = s {
                times.insert(a.id.as_str(), (s, e.unwrap_or(s).max(s)));
            }
        } else {
            refs.insert(a.id.as_str(), a.refers_to.as_str());
        }
    }
    for (&id, &target) in &refs {
        let mut at = target;
        for _ in 0..MAX_REF_CHAIN {
            if let Some(&t) = times.get(at) {
                times.insert(id, t);
                break;
            }
            match refs.get(at) {
                Some(next) => at = next,
                None => break,
            }
        }
    }
    times
}

/// The chosen tiers' annotation values, merged in time order (see the module docs).
fn merged_text(eaf: &Eaf, tiers: &[usize], times: &HashMap<&str, (u64, u64)>) -> String {
    let mut rows: Vec<(u64, usize, usize, u64, &str)> = Vec::new();
    for (rank, &ti) in tiers.iter().enumerate() {
        for (n, a) in eaf.tiers[ti].annotations.iter().enumerate() {
            let value = a.value.trim();
            if value.is_empty() {
                continue;
            }
            // Untimed annotations (a broken reference) keep their place after the timed ones.
            let (s, e) = times
                .get(a.id.as_str())
                .copied()
                .unwrap_or((u64::MAX, u64::MAX));
            rows.push((s, rank, n, e, value));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    let mut out = String::new();
    let mut prev: Option<(usize, u64)> = None;
    for (start, rank, _, end, value) in rows {
        let value: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((prank, pend)) = prev {
            let pause = start != u64::MAX && start >= pend.saturating_add(PAUSE_GAP_MS);
            out.push_str(if prank != rank || pause { "\n\n" } else { "\n" });
        }
        out.push_str(&value);
        prev = Some((rank, end));
    }
    out
}
