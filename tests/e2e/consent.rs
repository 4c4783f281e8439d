//! Opt-outs from AI training at ingest: `<meta name="robots" content="noai">`, a meta addressed
//! to an AI crawler, `X-Robots-Tag`, TDMRep meta and header each send their page to the ledger
//! with the signal as detail; `[consent] honour` chooses which are honoured.

use std::path::Path;

use crate::util::*;

/// A WARC `response` record for `url` with extra HTTP `headers` and an HTML `head`.
fn record(url: &str, headers: &str, head: &str) -> Vec<u8> {
    response(url, "text/html; charset=utf-8", headers, &page(head))
}

fn page(head: &str) -> String {
    format!(
        "<html><head><title>Página</title>{head}</head><body><article><p>Las lluvias de otoño \
         llegaron temprano a Valdivia y el río Calle-Calle creció durante toda la semana, \
         según contaron los vecinos de la costanera.</p></article></body></html>"
    )
}

fn response(url: &str, content_type: &str, headers: &str, body: &str) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        url.len(),
        http.len()
    )
    .into_bytes();
    out.extend_from_slice(http.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn ingest(dir: &Path, consent: &str) -> Vec<minga_manifests::Rejected> {
    let pages = [
        ("https://a.example/plain", "", ""),
        (
            "https://a.example/meta-noai",
            "",
            r#"<meta name="robots" content="noindex, noai">"#,
        ),
        (
            "https://a.example/gptbot",
            "",
            r#"<meta name="GPTBot" content="noindex">"#,
        ),
        (
            "https://a.example/header",
            "X-Robots-Tag: noai, noimageai\r\n",
            "",
        ),
        (
            "https://a.example/tdm-meta",
            "",
            r#"<meta name="tdm-reservation" content="1">"#,
        ),
        ("https://a.example/tdm-header", "tdm-reservation: 1\r\n", ""),
        (
            "https://a.example/images-only",
            "X-Robots-Tag: noimageai\r\n",
            "",
        ),
    ];
    let warc: Vec<u8> = pages.iter().flat_map(|(u, h, m)| record(u, h, m)).collect();
    std::fs::write(dir.join("pages.warc"), warc).unwrap();
    let cfg = format!(
        "workdir = \"w\"\n[[source]]\nname = \"web\"\npath = \"pages.warc\"\nformat = \"warc\"\n{consent}"
    );
    std::fs::write(dir.join("p.toml"), cfg).unwrap();
    run_ok(dir, &["ingest", "--config", "p.toml", "--out", "in"], &[]);
    read_ledger(&dir.join("in"))
}

#[test]
fn opt_out_signals_send_pages_to_the_ledger() {
    let t = tempfile::tempdir().unwrap();
    let ledger = ingest(t.path(), "");
    let why = |url: &str| {
        ledger
            .iter()
            .find(|r| r.doc.url.as_deref() == Some(url))
            .map(|r| (r.why.reason.as_str(), r.why.detail.as_str()))
    };
    assert_eq!(why("https://a.example/plain"), None);
    assert_eq!(why("https://a.example/images-only"), None);
    let noai = why("https://a.example/meta-noai").unwrap();
    assert_eq!(noai.0, "consent.noai");
    assert!(noai.1.contains("noindex, noai"), "{noai:?}");
    assert_eq!(why("https://a.example/gptbot").unwrap().0, "consent.noai");
    let header = why("https://a.example/header").unwrap();
    assert_eq!(header, ("consent.noai", "X-Robots-Tag: noai, noimageai"));
    assert_eq!(
        why("https://a.example/tdm-meta").unwrap().0,
        "consent.tdm_reservation"
    );
    assert_eq!(
        why("https://a.example/tdm-header").unwrap().0,
        "consent.tdm_reservation"
    );
    // The opted-out text is not kept, in the ledger either.
    assert!(ledger.iter().all(|r| r.doc.text.is_empty()));
    assert_eq!(read_docs(&t.path().join("in")).len(), 2);
}

#[test]
fn honour_chooses_the_signals() {
    let t = tempfile::tempdir().unwrap();
    let ledger = ingest(t.path(), "[consent]\nhonour = [\"tdm_reservation\"]\n");
    let reasons: Vec<&str> = ledger.iter().map(|r| r.why.reason.as_str()).collect();
    assert_eq!(reasons, ["consent.tdm_reservation"; 2]);
    let t = tempfile::tempdir().unwrap();
    assert!(ingest(t.path(), "[consent]\nhonour = []\n").is_empty());
}

/// A page its host's robots.txt (from a capture file) disallows for an AI crawler goes to
/// `consent.robots_disallow`; the same page is kept without the capture or with `*` and GPTBot
/// not in `robots_agents`.
#[test]
fn robots_txt_captures_exclude_disallowed_pages() {
    let t = tempfile::tempdir().unwrap();
    let robots = "User-agent: GPTBot\nDisallow: /private/\n\nUser-agent: *\nAllow: /\n";
    let mut capture = response("https://b.example/robots.txt", "text/plain", "", robots);
    capture.extend(response(
        "https://c.example/robots.txt",
        "text/plain",
        "",
        "User-agent: *\nDisallow: /\n",
    ));
    std::fs::write(t.path().join("robots.warc"), capture).unwrap();
    let pages: Vec<u8> = [
        "https://b.example/private/a",
        "https://b.example/public/a",
        "https://c.example/x",
        "https://d.example/private/a",
    ]
    .iter()
    .flat_map(|u| record(u, "", ""))
    .collect();
    std::fs::write(t.path().join("pages.warc"), pages).unwrap();
    let run = |consent: &str, out: &str| {
        let cfg = format!(
            "[[source]]\nname = \"web\"\npath = \"pages.warc\"\nformat = \"warc\"\n[consent]\n{consent}"
        );
        std::fs::write(t.path().join("p.toml"), cfg).unwrap();
        run_ok(
            t.path(),
            &["ingest", "--config", "p.toml", "--out", out],
            &[],
        );
        let ledger = read_ledger(&t.path().join(out));
        let mut rows: Vec<(String, String, String)> = ledger
            .into_iter()
            .map(|r| (r.doc.url.unwrap_or_default(), r.why.reason, r.why.detail))
            .collect();
        rows.sort();
        rows
    };
    let rows = run("robots = [\"robots.warc\"]\n", "with");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "https://b.example/private/a");
    assert_eq!(rows[0].1, "consent.robots_disallow");
    assert_eq!(
        rows[0].2,
        "robots.txt of b.example disallows /private/a for GPTBot"
    );
    assert_eq!(rows[1].0, "https://c.example/x");
    // CCBot, first of the default agents, has no group there and falls back to `*`.
    assert!(rows[1].2.ends_with("for CCBot"), "{rows:?}");
    assert!(run("", "without").is_empty());
    let only_cc = "robots = [\"robots.warc\"]\nrobots_agents = [\"CCBot\"]\n";
    let rows = run(only_cc, "ccbot");
    assert_eq!(
        rows.len(),
        1,
        "CCBot falls back to `*`, which c.example disallows: {rows:?}"
    );
}

/// Conditions that follow the data: a source's `allowed_uses` and `attribution` reach every
/// document's `meta`; the export leaves out documents not allowed for pretraining and those whose
/// consent `require_consent` does not list, counting each; the data card shows consent per
/// language and the source's conditions; an unknown use is refused before anything runs.
#[test]
fn source_conditions_follow_documents_to_export_and_card() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::util::samples_config(dir.path(), 1.0);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace(
            "licence = \"CC0-1.0\"\ncountry = \"CL\"",
            "licence = \"CC0-1.0\"\ncountry = \"CL\"\nconsent = \"public web\"",
        )
        .replace(
            "name = \"docs\"\n",
            "name = \"docs\"\nconsent = \"community\"\nallowed_uses = [\"evaluation\", \"research\"]\nattribution = \"Relatos de la comunidad, CC0\"\n",
        );
    std::fs::write(
        &cfg,
        format!("{text}[export]\nrequire_consent = [\"community\"]\n"),
    )
    .unwrap();
    crate::util::run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    let work = dir.path().join("work");
    let kept = crate::util::read_docs(&work.join("dedup"));
    let (docs, web): (Vec<_>, Vec<_>) = kept.iter().partition(|d| d.source == "docs");
    assert!(!docs.is_empty() && !web.is_empty());
    for d in &docs {
        let meta: serde_json::Value = serde_json::from_str(&d.meta).unwrap();
        assert_eq!(
            meta["allowed_uses"],
            serde_json::json!(["evaluation", "research"])
        );
        assert_eq!(meta["attribution"], "Relatos de la comunidad, CC0");
    }
    assert!(web.iter().all(|d| !d.meta.contains("allowed_uses")));
    // Web pages lack the required consent, the community's texts are not for pretraining:
    // nothing is exported, and every document is counted under its reason.
    let m = crate::util::read_json(&work.join("export/_manifest.json"));
    assert_eq!(
        m["counters"]["not_exported.consent"],
        web.len() as u64,
        "{m}"
    );
    assert_eq!(m["counters"]["not_exported.use"], docs.len() as u64, "{m}");
    let card = std::fs::read_to_string(work.join("report/index.html")).unwrap();
    assert!(card.contains("Consent per language") && card.contains("community"));
    assert!(card.contains("Relatos de la comunidad, CC0") && card.contains("evaluation, research"));

    let bad = text.replace("\"research\"]", "\"pretrainig\"]");
    std::fs::write(&cfg, bad).unwrap();
    let out = crate::util::minga()
        .current_dir(dir.path())
        .args(["run", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("pretrainig"), "{err}");
}
