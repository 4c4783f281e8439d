//! `minga dedup` on the samples: the planted duplicates reach the ledger with the right reason and
//! `dup_of`, the four sub-stages compose to the same bytes as the one command, and the result does
//! not depend on how the parts are spread over tasks.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::*;

const MILPA: &str = "https://gaceta-milpa.mx.example/campo/semillas-nativas";
const MILPA_COPY: &str = "https://agregador-noticias.mx.example/n/48213";
const VALDIVIA: &str = "https://diario-austral.cl.example/2024/05/lluvias-valdivia";
const VALDIVIA_NEAR: &str = "https://radio-sur.cl.example/noticias/lluvias-en-valdivia";

/// Runs the whole pipeline on the samples (several small parts); returns the workdir.
fn pipeline(dir: &Path) -> std::path::PathBuf {
    let cfg = samples_config(dir, 0.004);
    run_ok(dir, &["run", cfg.to_str().unwrap()], &[]);
    dir.join("work")
}

fn dedup_only(snap: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    snap.into_iter()
        .filter(|(k, _)| !k.contains(".tmp-"))
        .collect()
}

#[test]
fn planted_duplicates_reach_the_ledger() {
    let t = tempfile::tempdir().unwrap();
    let work = pipeline(t.path());
    let input = read_docs(&work.join("filter"));
    let id_of = |url: &str| {
        input
            .iter()
            .filter(|d| d.url.as_deref() == Some(url) && d.source_file.ends_with(".warc.gz"))
            .map(|d| d.id.clone())
            .next()
            .unwrap_or_else(|| panic!("no input document for {url}"))
    };
    let ledger = read_ledger(&work.join("dedup"));
    for r in &ledger {
        eprintln!(
            "{} {:?} {} dup_of={:?} value={:?}",
            r.why.reason, r.doc.url, r.doc.source_file, r.why.dup_of, r.why.value
        );
    }
    let row = |url: &str| {
        ledger
            .iter()
            .find(|r| r.doc.url.as_deref() == Some(url) && r.doc.source_file.ends_with(".warc.gz"))
            .unwrap_or_else(|| panic!("{url} is not in the dedup ledger"))
    };
    let exact = row(MILPA_COPY);
    assert_eq!(exact.why.reason, "dedup.exact");
    assert_eq!(exact.why.dup_of.as_deref(), Some(id_of(MILPA).as_str()));
    assert_eq!(exact.stage, "dedup");
    let near = row(VALDIVIA_NEAR);
    assert_eq!(near.why.reason, "dedup.minhash");
    // The near-duplicate joins the Valdivia page's cluster. Its representative is the best-quality
    // member: the original page, or another copy of its text (the WET record of the same page)
    // that then also represents the original.
    let rep = near.why.dup_of.clone().unwrap();
    if rep != id_of(VALDIVIA) {
        let original = row(VALDIVIA);
        assert_eq!(
            original.why.dup_of.as_deref(),
            Some(rep.as_str()),
            "one cluster, one representative"
        );
    }

    let kept = read_docs(&work.join("dedup"));
    let original = kept
        .iter()
        .find(|d| d.url.as_deref() == Some(MILPA))
        .expect("the first milpa page is kept");
    assert!(original.dup_cluster_size.is_some_and(|n| n >= 2));
    assert!(kept.iter().all(|d| d.dup_cluster_size.is_some()));
    // Every dup_of names a kept document.
    for r in &ledger {
        let of = r.why.dup_of.as_deref().unwrap();
        assert!(kept.iter().any(|d| d.id == of), "{of} was not kept");
    }

    // Rows are conserved per part: each input part's rows are kept or in the ledger.
    let m = read_json(&work.join("dedup/_manifest.json"));
    assert_eq!(m["rows_in"].as_u64().unwrap() as usize, input.len());
    assert_eq!(kept.len() + ledger.len(), input.len());
    for (part, path) in minga_manifests::list_parts(&work.join("filter")).unwrap() {
        let rows = minga_manifests::ShardReader::open(&path).unwrap().rows();
        let pm = read_json(&work.join(format!("dedup/_parts/part-{part:05}.json")));
        assert_eq!(pm["rows_in"].as_u64().unwrap(), rows);
        assert_eq!(
            pm["rows_out"].as_u64().unwrap() + pm["rows_rejected"].as_u64().unwrap(),
            rows
        );
    }
}

/// Runs the four sub-stages as separate commands, each over `n` tasks, into `out`.
fn run_steps(dir: &Path, input: &Path, out: &str, n: usize) {
    let input = input.to_str().unwrap();
    let count = n.to_string();
    for step in ["signatures", "buckets", "clusters", "apply"] {
        let tasks = if step == "clusters" { 1 } else { n };
        for i in 0..tasks {
            let idx = i.to_string();
            let mut args = vec!["dedup", step, "--in", input, "--out", out];
            if tasks > 1 {
                args.extend(["--shard-index", &idx, "--shard-count", &count]);
            }
            run_ok(dir, &args, &[]);
        }
    }
}

#[test]
fn sub_stages_and_shard_counts_give_the_same_bytes() {
    let t = tempfile::tempdir().unwrap();
    let work = pipeline(t.path());
    let langid = work.join("filter");
    let full = dedup_only(snapshot(&work.join("dedup")));
    assert!(full.keys().filter(|k| k.ends_with(".parquet")).count() >= 6);
    // `minga dedup` by itself equals the step inside `minga run`.
    run_ok(
        t.path(),
        &["dedup", "--in", langid.to_str().unwrap(), "--out", "one"],
        &[],
    );
    assert_eq!(full, dedup_only(snapshot(&t.path().join("one"))));
    for n in [1, 2, 3] {
        let out = format!("steps-{n}");
        run_steps(t.path(), &langid, &out, n);
        let got = dedup_only(snapshot(&t.path().join(&out)));
        assert_eq!(
            full.keys().collect::<Vec<_>>(),
            got.keys().collect::<Vec<_>>()
        );
        for (k, v) in &full {
            assert!(got[k] == *v, "{out}: {k} differs");
        }
    }
}

#[test]
fn steps_refuse_to_run_before_their_inputs() {
    let t = tempfile::tempdir().unwrap();
    let work = pipeline(t.path());
    let langid = work.join("filter");
    let out = minga()
        .current_dir(t.path())
        .args([
            "dedup",
            "clusters",
            "--in",
            langid.to_str().unwrap(),
            "--out",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("minga dedup buckets"));
}

#[test]
fn kept_languages_keep_near_duplicates_but_not_exact_ones() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("[dedup]\nkeep_near_duplicates_for = [\"spa\"]\n");
    std::fs::write(&cfg, text).unwrap();
    run_ok(t.path(), &["run", cfg.to_str().unwrap()], &[]);
    let ledger = read_ledger(&t.path().join("work/dedup"));
    assert!(ledger
        .iter()
        .any(|r| r.doc.url.as_deref() == Some(MILPA_COPY) && r.why.reason == "dedup.exact"));
    assert!(!ledger
        .iter()
        .any(|r| r.doc.url.as_deref() == Some(VALDIVIA_NEAR)));
}

/// `[dedup] boilerplate_lines`: a footer repeated on twelve pages of one site is removed from all
/// of them and listed; a page made only of it goes to the ledger; the same footer on another site's
/// two pages, short repeated lines and the rest of the text stay.
#[test]
fn repeated_lines_of_a_site_are_removed_and_listed() {
    let t = tempfile::tempdir().unwrap();
    let footer = "Todos los derechos reservados a la Radio Comunitaria del Sur";
    let mut jsonl = String::new();
    let mut page = |url: String, text: String| {
        let row = serde_json::json!({ "url": url, "text": text });
        jsonl.push_str(&format!("{row}\n"));
    };
    let words = [
        "milpa", "maíz", "frijol", "calabaza", "lluvia", "semilla", "cosecha",
    ];
    for i in 0..12 {
        let body: Vec<String> = (0..40)
            .map(|k| words[(i * 7 + k * k) % words.len()].to_string() + &format!("{}", i * 100 + k))
            .collect();
        let text = format!("Noticia {i}\n\n{}\n\nEjemplo:\n\n{footer}", body.join(" "));
        page(format!("https://radio-sur.cl.example/n/{i}"), text);
    }
    page("https://radio-sur.cl.example/legal".into(), footer.into());
    for i in 0..2 {
        page(
            format!("https://otro-sitio.pe.example/{i}"),
            format!("Otra página número {i} del otro sitio.\n\n{footer}"),
        );
    }
    std::fs::write(t.path().join("pages.jsonl"), jsonl).unwrap();
    std::fs::write(
        t.path().join("bp.toml"),
        "[dedup]\nboilerplate_lines = true\nboilerplate_min_docs = 10\n",
    )
    .unwrap();
    run_ok(t.path(), &["ingest", "pages.jsonl", "--out", "in"], &[]);
    let args = ["dedup", "--in", "in", "--out", "out", "--config", "bp.toml"];
    run_ok(t.path(), &args, &[]);
    let kept = read_docs(&t.path().join("out"));
    assert_eq!(kept.len(), 14);
    for d in &kept {
        let url = d.url.as_deref().unwrap();
        let has_footer = d.text.contains(footer);
        assert_eq!(
            has_footer,
            url.contains("otro-sitio"),
            "{url}: {:?}",
            d.text
        );
        if url.contains("radio-sur") {
            assert!(
                d.text.starts_with("Noticia ") && d.text.contains("\n\nEjemplo:"),
                "{:?}",
                d.text
            );
            assert!(!d.text.ends_with('\n'));
        }
    }
    let ledger = read_ledger(&t.path().join("out"));
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].why.reason, "dedup.boilerplate_only");
    let list = std::fs::read_to_string(t.path().join("out/boilerplate/part-00000.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = list
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(rows[0]["site"], "radio-sur.cl.example");
    assert_eq!(rows[0]["docs"], 13);
    assert_eq!(rows[0]["removed_from"], 13);
    let m = read_json(&t.path().join("out/_parts/part-00000.json"));
    assert_eq!(m["counters"]["boilerplate.lines_removed"], 13);
    assert!(m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["path"] == "boilerplate/part-00000.jsonl"));
}
