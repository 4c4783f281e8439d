//! Plain-text rendering of a [`DocTrail`].

use std::fmt::Write;

use super::doc::{DocTrail, Origin, StageEvent};

pub fn render(t: &DocTrail) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "document {}", t.id);
    if let Some(o) = &t.origin {
        origin(&mut s, o);
    }
    for e in &t.stages {
        stage(&mut s, t, e);
    }
    if let Some(w) = &t.withdrawn {
        let when = match w.withdrawn.as_str() {
            "" => "at ingest".to_string(),
            at => format!("on {at}"),
        };
        let _ = writeln!(
            s,
            "WITHDRAWN {when} by takedown {} (requested by {} on {}: {})",
            w.takedown, w.requested_by, w.requested, w.reason
        );
    }
    match &t.export {
        Some(row) => {
            let _ = writeln!(s, "export");
            for (k, v) in row {
                let _ = writeln!(s, "    {k}: {v}");
            }
        }
        None if t.stages.last().is_some_and(|e| e.decision == "kept") => {
            let _ = writeln!(s, "export     (no export index holds it)");
        }
        None => {}
    }
    s
}

/// Where the document came from and on what terms.
fn origin(s: &mut String, o: &Origin) {
    let _ = writeln!(s, "  source       {} : {}", o.source, o.source_file);
    let _ = writeln!(
        s,
        "  stored at    offset {} length {}",
        o.source_offset, o.source_length
    );
    if let Some(cmd) = &o.reextract {
        let _ = writeln!(s, "  re-extract   {cmd}");
    }
    for (k, v) in [
        ("url", &o.url),
        ("record_id", &o.record_id),
        ("date", &o.date),
        ("title", &o.title),
    ] {
        if let Some(v) = v {
            let _ = writeln!(s, "  {k:<12} {v}");
        }
    }
    let _ = writeln!(s, "  content_type {}", o.content_type);
    if let Some(pages) = page_ranges(&o.meta) {
        let _ = writeln!(s, "  pages        {pages}");
    }
    let na = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(s, "  licence      {}", na(&o.licence));
    let _ = writeln!(s, "  consent      {}", na(&o.consent));
    let _ = writeln!(s, "  contact      {}", na(&o.contact));
    let _ = writeln!(s, "  country      {}", na(&o.country));
}

/// One stage's decision about the document, with what it measured.
fn stage(s: &mut String, t: &DocTrail, e: &StageEvent) {
    let _ = writeln!(s, "{:<10} {} ({})", e.stage, e.decision, e.part);
    if let Some(l) = &e.lang {
        let _ = writeln!(s, "    lang {l} score {:.3}", e.lang_score.unwrap_or(0.0));
    }
    if e.lang_spans.len() > 1 {
        let spans: Vec<String> = e
            .lang_spans
            .iter()
            .map(|sp| {
                let page = t
                    .origin
                    .as_ref()
                    .and_then(|o| crate::sources::pdf::page_at(&o.meta, sp.start as usize))
                    .map(|p| format!(" (page {p})"))
                    .unwrap_or_default();
                format!("{}..{} {} {:.2}{page}", sp.start, sp.end, sp.lang, sp.score)
            })
            .collect();
        let _ = writeln!(s, "    spans {}", spans.join(", "));
    }
    if !e.quality.is_empty() {
        let q: Vec<String> = e
            .quality
            .iter()
            .map(|(k, v)| format!("{k}={v:.3}"))
            .collect();
        let _ = writeln!(s, "    quality {}", q.join(" "));
    }
    let pii: Vec<String> = e
        .pii
        .iter()
        .filter(|(_, v)| **v > 0)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !pii.is_empty() {
        let _ = writeln!(s, "    pii {}", pii.join(" "));
    }
    if let Some(c) = e.dup_cluster_size {
        let _ = writeln!(s, "    duplicate cluster size {c}");
    }
    if let Some(r) = &e.reason {
        let v = e.value.map(|v| format!(" value {v}")).unwrap_or_default();
        let d = e.detail.clone().unwrap_or_default();
        let _ = writeln!(s, "    DROPPED: {r}{v}: {d}");
    }
    if let Some(d) = &e.dup_of {
        let _ = writeln!(s, "    duplicate of {d}");
        for (k, v) in e.dup_of_doc.iter().flatten() {
            let _ = writeln!(s, "      {k}: {}", v.replace('\n', " "));
        }
    }
}

/// `page 1: bytes 0..1834, page 2: ...` from a PDF's `meta.pages` (the first 20 pages).
fn page_ranges(meta: &serde_json::Value) -> Option<String> {
    let pages = meta.get("pages")?.as_array()?;
    let mut parts: Vec<String> = pages
        .iter()
        .take(20)
        .filter_map(|p| {
            Some(format!(
                "page {}: bytes {}..{}",
                p.get("page")?.as_u64()?,
                p.get("start")?.as_u64()?,
                p.get("end")?.as_u64()?
            ))
        })
        .collect();
    if pages.len() > 20 {
        parts.push(format!("... {} pages in all", pages.len()));
    }
    Some(parts.join(", "))
}
