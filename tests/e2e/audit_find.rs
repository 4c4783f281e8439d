//! `minga audit find` / `minga audit index` on a samples run: "is my text in it?" by URL, domain
//! and passage, each answer checked against the shards and ledgers read directly.

use std::path::Path;

use serde_json::Value;

use crate::audit::{run, run_json, samples_run};
use crate::util::{read_docs, read_ledger, samples};

fn find(work: &Path, args: &[&str]) -> Value {
    let mut all = vec![
        "audit",
        "find",
        "--workdir",
        work.to_str().unwrap(),
        "--json",
    ];
    all.extend_from_slice(args);
    run_json(work.parent().unwrap(), &all)
}

fn matches(v: &Value) -> &Vec<Value> {
    v["matches"].as_array().expect("matches")
}

/// Each match's status agrees with the stage dirs: kept ones are in the last stage's shards and
/// in the export exactly when that stage kept them; removed ones are in that stage's ledger with
/// the reason given.
fn assert_matches_agree_with_workdir(work: &Path, v: &Value) {
    let kept: Vec<String> = read_docs(&work.join("dedup"))
        .into_iter()
        .map(|d| d.id)
        .collect();
    for m in matches(v) {
        let id = m["id"].as_str().unwrap();
        let stage = m["stage"].as_str().unwrap();
        match m["status"].as_str().unwrap() {
            "kept" => {
                assert_eq!(stage, "dedup", "{m}");
                assert!(kept.iter().any(|k| k == id), "{m}");
                assert_eq!(m["exported"], true, "{m}");
            }
            "removed" => {
                let ledger = read_ledger(&work.join(stage));
                let row = ledger
                    .iter()
                    .find(|r| r.doc.id == id)
                    .expect("in the ledger");
                assert_eq!(m["reason"].as_str().unwrap(), row.why.reason, "{m}");
                assert_eq!(m["exported"], false, "{m}");
            }
            other => panic!("status {other}"),
        }
    }
}

#[test]
fn find_by_domain_and_url_reports_where_each_document_is() {
    let (_tmp, work) = samples_run();
    let ingested = read_docs(&work.join("ingest"));
    let in_domain: Vec<&str> = ingested
        .iter()
        .filter(|d| d.url.as_deref().is_some_and(|u| u.contains(".pe.example/")))
        .map(|d| d.id.as_str())
        .collect();
    assert!(in_domain.len() >= 3, "the samples have Peruvian sites");
    let v = find(&work, &["--domain", "PE.example"]);
    let mut got: Vec<&str> = matches(&v)
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    let mut want = in_domain.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_matches_agree_with_workdir(&work, &v);
    assert!(
        matches(&v).iter().any(|m| m["status"] == "removed"),
        "a duplicate page of the domain is removed by dedup: {v}"
    );

    // A URL matches whatever its scheme and host case; the duplicate has the same URL.
    let url = ingested
        .iter()
        .filter_map(|d| d.url.clone())
        .find(|u| u.contains("runasimi.pe.example/willakuy"))
        .unwrap();
    let shouting = url.replace("https://runasimi", "http://RUNASIMI");
    let v = find(&work, &["--url", &shouting]);
    let n = ingested
        .iter()
        .filter(|d| d.url.as_deref() == Some(&url))
        .count();
    assert_eq!(matches(&v).len(), n);
    assert_matches_agree_with_workdir(&work, &v);
    assert_eq!(
        matches(&find(&work, &["--domain", "nowhere.example"])).len(),
        0
    );
}

/// A passage cut from a sample story, then edited, is found in that story's document only, with
/// its containment; an unrelated passage finds nothing.
#[test]
fn find_by_text_finds_near_copies_only() {
    let (_tmp, work) = samples_run();
    let story = std::fs::read_to_string(samples().join("docs/zorro-y-condor.txt")).unwrap();
    let words: Vec<&str> = story.split_whitespace().collect();
    let passage = words[40..words.len().min(160)].join(" ");
    let edited = passage.replacen("zorro", "perro", 2);
    let dir = work.parent().unwrap();
    std::fs::write(dir.join("exact.txt"), &passage).unwrap();
    std::fs::write(dir.join("edited.txt"), &edited).unwrap();
    std::fs::write(
        dir.join("other.txt"),
        "O mercado de sábado abre cedo e as famílias trazem frutas, farinha de mandioca e peixe \
         do rio para vender na praça, enquanto as crianças correm entre as barracas de lona azul \
         e os velhos conversam à sombra da mangueira sobre a chuva que não veio este ano.",
    )
    .unwrap();
    let story_id = read_docs(&work.join("ingest"))
        .into_iter()
        .find(|d| d.source_file.ends_with("zorro-y-condor.txt"))
        .unwrap()
        .id;
    for (file, low) in [("exact.txt", 0.999), ("edited.txt", 0.8)] {
        let path = dir.join(file);
        let v = find(
            &work,
            &["--text", path.to_str().unwrap(), "--min-similarity", "0.7"],
        );
        let m = matches(&v);
        assert_eq!(m.len(), 1, "{file}: {v}");
        assert_eq!(m[0]["id"], story_id.as_str());
        let sim = m[0]["similarity"].as_f64().unwrap();
        assert!(sim >= low && sim <= 1.0, "{file}: {sim}");
        assert_matches_agree_with_workdir(&work, &v);
    }
    let other = dir.join("other.txt");
    let v = find(
        &work,
        &["--text", other.to_str().unwrap(), "--min-similarity", "0.3"],
    );
    assert_eq!(matches(&v).len(), 0, "{v}");
}

/// The index is built once and reused; a changed workdir makes `find` rebuild it; bad queries
/// are refused naming the flag.
#[test]
fn index_is_rebuilt_when_stale_and_bad_queries_are_refused() {
    let (_tmp, work) = samples_run();
    let w = work.to_str().unwrap();
    let dir = work.parent().unwrap();
    let out = run(dir, &["audit", "index", "--workdir", w]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(work.join("audit-index/postings.bin").is_file());
    let q = ["audit", "find", "--workdir", w, "--domain", "pe.example"];
    let out = run(dir, &q);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("building"));
    let manifest = work.join("filter/_manifest.json");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push('\n');
    std::fs::write(&manifest, text).unwrap();
    let out = run(dir, &q);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("building the audit index"));

    std::fs::write(dir.join("short.txt"), "el zorro y el cóndor").unwrap();
    let short = dir.join("short.txt");
    let cases: [(&[&str], &str); 4] = [
        (&["--domain", "https://x.example/a"], "--domain"),
        (&["--url", "no es una url"], "--url"),
        (&["--text", "/nonexistent/passage.txt"], "--text"),
        (&["--text", short.to_str().unwrap()], "too short"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["audit", "find", "--workdir", w];
        all.extend_from_slice(args);
        let out = run(dir, &all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{args:?}: {err}"
        );
    }
}
