//! `minga audit doc ID`: the life of one document across the stages of a workdir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use minga_manifests::audit::{document_at, position_of, rejected_at, table_row};
use minga_manifests::{list_parts, Columns, Document, LangSpan};

use crate::workdir::{find_source_file, source_roots, stages, StageDir};

/// Where a document came from and under which terms.
#[derive(Debug, serde::Serialize)]
pub struct Origin {
    pub source: String,
    pub source_file: String,
    pub source_offset: u64,
    pub source_length: u64,
    pub url: Option<String>,
    pub record_id: Option<String>,
    pub date: Option<String>,
    pub content_type: String,
    pub title: Option<String>,
    pub licence: Option<String>,
    pub consent: Option<String>,
    pub contact: Option<String>,
    pub country: Option<String>,
    pub meta: serde_json::Value,
    /// Shell command printing the stored record bytes, when the file can be found.
    pub reextract: Option<String>,
}

/// What one stage did with the document.
#[derive(Debug, serde::Serialize)]
pub struct StageEvent {
    pub stage: String,
    pub part: String,
    /// `kept` or `rejected`.
    pub decision: String,
    pub lang: Option<String>,
    pub lang_score: Option<f32>,
    pub lang_spans: Vec<LangSpan>,
    pub quality: BTreeMap<String, f32>,
    pub pii: BTreeMap<String, u32>,
    pub dup_cluster_size: Option<u32>,
    pub chars: usize,
    pub reason: Option<String>,
    pub value: Option<f64>,
    pub detail: Option<String>,
    pub dup_of: Option<String>,
    /// The kept document this one duplicated: id, url, source file, title.
    pub dup_of_doc: Option<BTreeMap<String, String>>,
}

/// The whole trail.
#[derive(Debug, serde::Serialize)]
pub struct DocTrail {
    pub id: String,
    pub origin: Option<Origin>,
    pub stages: Vec<StageEvent>,
    /// The export index row (shard, token range ...), if the document was exported.
    pub export: Option<BTreeMap<String, String>>,
    /// When and by which takedown request it was withdrawn, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

/// A takedown that withdrew the document (`takedowns/<id>.json`).
#[derive(Debug, serde::Serialize)]
pub struct Withdrawal {
    pub takedown: String,
    pub requested_by: String,
    /// The request's date.
    pub requested: String,
    pub reason: String,
    /// When `minga takedown` fixed the plan that withdrew it (UTC); empty for a document that a
    /// later ingest withdrew (the request was older than the run).
    pub withdrawn: String,
    pub matched: String,
}

/// Follows `id` through every stage of `workdir`.
pub fn trace(workdir: &Path, id: &str, base: Option<&Path>) -> Result<DocTrail> {
    let mut trail = DocTrail {
        id: id.to_string(),
        origin: None,
        stages: Vec::new(),
        export: None,
        withdrawn: None,
    };
    for st in stages(workdir)? {
        let Some(ev) = find_in_stage(&st, id, &mut trail.origin)? else {
            continue;
        };
        let rejected = ev.decision == "rejected";
        trail.stages.push(ev);
        if rejected {
            break;
        }
    }
    trail.export = export_row(workdir, id)?;
    trail.withdrawn = withdrawal(workdir, &trail);
    if let Some(o) = trail.origin.as_mut() {
        let roots = source_roots(workdir, base);
        let file = find_source_file(&roots, Some(&o.source), &o.source_file);
        o.reextract = Some(reextract_command(o, file.as_deref()));
    }
    Ok(trail)
}

fn find_in_stage(
    st: &StageDir,
    id: &str,
    origin: &mut Option<Origin>,
) -> Result<Option<StageEvent>> {
    for (part, path) in st.shards()? {
        if let Some(i) = position_of(&path, id)? {
            if let Some((doc, cols)) = document_at(&path, i)? {
                set_origin(origin, &doc);
                return Ok(Some(event(&st.name, part, "kept", &doc, &cols)));
            }
        }
    }
    for (part, path) in st.ledgers()? {
        if let Some(i) = position_of(&path, id)? {
            if let Some((row, cols)) = rejected_at(&path, i)? {
                set_origin(origin, &row.doc);
                let mut ev = event(&st.name, part, "rejected", &row.doc, &cols);
                ev.reason = Some(row.why.reason);
                ev.value = row.why.value;
                ev.detail = Some(row.why.detail);
                if let Some(d) = &row.why.dup_of {
                    ev.dup_of_doc = summary_of(st, d)?;
                }
                ev.dup_of = row.why.dup_of;
                return Ok(Some(ev));
            }
        }
    }
    Ok(None)
}

fn set_origin(origin: &mut Option<Origin>, d: &Document) {
    if origin.is_some() {
        return;
    }
    *origin = Some(Origin {
        source: d.source.clone(),
        source_file: d.source_file.clone(),
        source_offset: d.source_offset,
        source_length: d.source_length,
        url: d.url.clone(),
        record_id: d.record_id.clone(),
        date: d.date.clone(),
        content_type: d.content_type.clone(),
        title: d.title.clone(),
        licence: d.licence.clone(),
        consent: d.consent.clone(),
        contact: d.contact.clone(),
        country: d.country.clone(),
        meta: serde_json::from_str(&d.meta).unwrap_or(serde_json::Value::Null),
        reextract: None,
    });
}

fn event(stage: &str, part: usize, decision: &str, d: &Document, cols: &Columns) -> StageEvent {
    StageEvent {
        stage: stage.to_string(),
        part: minga_manifests::part_name(part),
        decision: decision.to_string(),
        lang: d.lang.clone(),
        lang_score: d.lang_score,
        lang_spans: d.lang_spans.clone(),
        quality: cols
            .quality
            .iter()
            .cloned()
            .zip(d.quality.iter().copied())
            .collect(),
        pii: cols
            .pii
            .iter()
            .cloned()
            .zip(d.pii.iter().copied())
            .collect(),
        dup_cluster_size: d.dup_cluster_size,
        chars: d.text.chars().count(),
        reason: None,
        value: None,
        detail: None,
        dup_of: None,
        dup_of_doc: None,
    }
}

/// The kept copy a duplicate points at, looked up in the same stage's shards.
fn summary_of(st: &StageDir, id: &str) -> Result<Option<BTreeMap<String, String>>> {
    for (_, path) in st.shards()? {
        if let Some(i) = position_of(&path, id)? {
            if let Some((d, _)) = document_at(&path, i)? {
                let mut m = BTreeMap::new();
                m.insert("id".into(), d.id);
                m.insert("source_file".into(), d.source_file);
                m.insert("offset".into(), d.source_offset.to_string());
                m.insert("url".into(), d.url.unwrap_or_default());
                m.insert("title".into(), d.title.unwrap_or_default());
                m.insert("text".into(), d.text.chars().take(160).collect());
                return Ok(Some(m));
            }
        }
    }
    Ok(None)
}

/// The row for `id` in `workdir/export/index/part-*.parquet`, if that index exists.
fn export_row(workdir: &Path, id: &str) -> Result<Option<BTreeMap<String, String>>> {
    let dir = workdir.join("export").join("index");
    if !dir.is_dir() {
        return Ok(None);
    }
    for (_, p) in list_parts(&dir)? {
        if let Some(mut row) = table_row(&p, id)? {
            row.insert("index_file".into(), p.display().to_string());
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// The shell command that prints the stored bytes of the record: per-record gzip members are cut
/// then inflated; whole-file gzip (offsets in the inflated stream) is inflated then cut.
pub fn reextract_command(o: &Origin, file: Option<&Path>) -> String {
    let path: PathBuf = file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(&o.source_file));
    let q = shell_quote(&path.display().to_string());
    let cut = format!(
        "tail -c +$(({}+1)) | head -c {}",
        o.source_offset, o.source_length
    );
    let uncompressed = o.meta.get("offsets").and_then(|v| v.as_str()) == Some("uncompressed");
    if uncompressed {
        format!("gzip -dc {q} | {cut}")
    } else if o.source_file.ends_with(".gz") {
        format!(
            "tail -c +$(({}+1)) {q} | head -c {} | gzip -dc",
            o.source_offset, o.source_length
        )
    } else {
        format!(
            "tail -c +$(({}+1)) {q} | head -c {}",
            o.source_offset, o.source_length
        )
    }
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The takedown behind a `takedown.<id>` ledger row of the trail.
fn withdrawal(workdir: &Path, t: &DocTrail) -> Option<Withdrawal> {
    let reason = t.stages.iter().find_map(|e| e.reason.as_deref())?;
    let rec = crate::stages::takedown::record::record_for_reason(workdir, reason)?;
    let w = rec.withdrawn.iter().find(|w| w.id == t.id);
    Some(Withdrawal {
        takedown: rec.id.clone(),
        requested_by: rec.request.requested_by.clone(),
        requested: rec.request.date.clone(),
        reason: rec.request.reason.clone(),
        withdrawn: w.map(|_| rec.planned.clone()).unwrap_or_default(),
        matched: w.map(|w| w.matched.clone()).unwrap_or_default(),
    })
}
