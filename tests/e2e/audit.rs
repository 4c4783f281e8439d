//! `minga audit` and `minga report` on a samples run: the trail of kept and removed documents,
//! `verify` catching a changed shard and a lost ledger row, and the data card in a real browser.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::{read_docs, read_ledger, run_ok, samples_config};

/// The binary under test; `MINGA_BIN` points the tests at an installed build instead.
fn minga_cmd() -> Command {
    match std::env::var_os("MINGA_BIN") {
        Some(p) => Command::new(p),
        None => crate::util::minga(),
    }
}

pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    minga_cmd()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("minga runs")
}

pub(crate) fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "minga {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A samples run in a temp dir; returns (tempdir, workdir).
pub(crate) fn samples_run() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = samples_config(tmp.path(), 0.01);
    if std::env::var_os("MINGA_BIN").is_some() {
        let out = run(tmp.path(), &["run", cfg.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        run_ok(tmp.path(), &["run", cfg.to_str().unwrap()], &[]);
    }
    let work = tmp.path().join("work");
    (tmp, work)
}

/// Stage dirs that hold document shards, in the order `minga run` wrote them.
fn doc_stages(work: &Path) -> Vec<String> {
    ["ingest", "langid", "filter", "dedup"]
        .iter()
        .filter(|s| work.join(s).join("_parts").is_dir())
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn audit_doc_follows_kept_and_removed_documents() {
    let (tmp, work) = samples_run();
    let w = work.to_str().unwrap();
    let stages = doc_stages(&work);
    let last = stages.last().unwrap().clone();
    let kept = read_docs(&work.join(&last));
    let d = &kept[0];
    let t = run_json(
        tmp.path(),
        &["audit", "doc", &d.id, "--workdir", w, "--json"],
    );
    assert_eq!(t["origin"]["source"], d.source.as_str());
    assert_eq!(t["origin"]["source_file"], d.source_file.as_str());
    assert_eq!(t["origin"]["licence"], Value::from(d.licence.clone()));
    let trail: Vec<&str> = t["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect();
    assert_eq!(trail, stages.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(t["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["decision"] == "kept"));
    let langid = t["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["stage"] == "langid");
    if let Some(e) = langid {
        assert_eq!(e["lang"], Value::from(d.lang.clone()));
    }
    if d.source_file.ends_with(".warc.gz") {
        let cmd = t["origin"]["reextract"].as_str().unwrap();
        assert!(cmd.contains("gzip -dc"), "{cmd}");
    }
    // Every ledger row of every stage: the trail ends at that stage with its reason.
    for st in &stages {
        for row in read_ledger(&work.join(st)).iter().take(3) {
            let t = run_json(
                tmp.path(),
                &["audit", "doc", &row.doc.id, "--workdir", w, "--json"],
            );
            let ev = t["stages"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(ev["stage"], st.as_str());
            assert_eq!(ev["decision"], "rejected");
            assert_eq!(ev["reason"], row.why.reason.as_str());
            if let Some(dup) = &row.why.dup_of {
                assert_eq!(ev["dup_of"], dup.as_str());
                assert_eq!(
                    ev["dup_of_doc"]["id"],
                    dup.as_str(),
                    "the duplicated document is shown"
                );
            }
        }
    }
    // The PNG is removed at ingest.
    let png = read_ledger(&work.join("ingest"));
    let png = png
        .iter()
        .find(|r| r.why.reason == "ingest.binary_payload")
        .unwrap();
    let t = run_json(
        tmp.path(),
        &["audit", "doc", &png.doc.id, "--workdir", w, "--json"],
    );
    assert_eq!(t["stages"].as_array().unwrap().len(), 1);
    assert_eq!(t["stages"][0]["reason"], "ingest.binary_payload");
    let text = run(tmp.path(), &["audit", "doc", &png.doc.id, "--workdir", w]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("DROPPED: ingest.binary_payload"));
    // A skipped record keeps where it is stored: its bytes are one gzip member holding it.
    assert!(png.doc.source_length > 0);
    let warc = std::fs::read(
        crate::util::samples()
            .join("web")
            .join(&png.doc.source_file),
    )
    .unwrap();
    let start = png.doc.source_offset as usize;
    let member = &warc[start..start + png.doc.source_length as usize];
    let mut record = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(member), &mut record).unwrap();
    assert!(record.starts_with(b"WARC/"));
    assert!(String::from_utf8_lossy(&record).contains("image/png"));
    // Unknown ids are an error.
    assert!(!run(tmp.path(), &["audit", "doc", "0000", "--workdir", w])
        .status
        .success());
    // why counts what the ledgers hold.
    let why = run_json(tmp.path(), &["audit", "why", "--workdir", w, "--json"]);
    let total: u64 = why
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    let ledgers: usize = stages
        .iter()
        .map(|s| read_ledger(&work.join(s)).len())
        .sum();
    assert_eq!(total as usize, ledgers);
    let only = run_json(
        tmp.path(),
        &[
            "audit",
            "why",
            "--workdir",
            w,
            "--json",
            "--reason",
            "ingest",
        ],
    );
    assert_eq!(only[0]["reason"], "ingest.binary_payload");
}

#[test]
fn verify_catches_changed_shards_and_lost_ledger_rows() {
    let (tmp, work) = samples_run();
    let w = work.to_str().unwrap();
    let ok = run(tmp.path(), &["audit", "verify", "--workdir", w]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // One changed byte in a langid shard.
    let shard = work.join("langid/part-00000.parquet");
    let orig = std::fs::read(&shard).unwrap();
    let mut bad = orig.clone();
    bad[orig.len() / 2] ^= 0xff;
    std::fs::write(&shard, &bad).unwrap();
    let out = run(tmp.path(), &["audit", "verify", "--workdir", w]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains("changed:") && stdout.contains("langid/part-00000.parquet"),
        "{stdout}"
    );
    std::fs::write(&shard, &orig).unwrap();

    // A ledger row deleted: the part's counts no longer add up.
    let ledger = work.join("ingest/rejected/part-00000.parquet");
    let rows = read_ledger(&work.join("ingest"));
    assert!(
        !rows.is_empty(),
        "the samples have an ingest rejection in part 0"
    );
    let mut r = minga_manifests::ShardReader::open(&ledger).unwrap();
    let (_, cols) = r.next_batch().unwrap().unwrap();
    let mut wr = minga_manifests::ShardWriter::ledger(&ledger, &cols, "ingest").unwrap();
    for row in rows.into_iter().skip(1) {
        wr.push_rejected(row.doc, row.why).unwrap();
    }
    wr.finish().unwrap();
    let out = run(tmp.path(), &["audit", "verify", "--workdir", w]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains("conservation: ingest/part-00000"),
        "{stdout}"
    );
}

#[test]
fn report_renders_in_headless_chromium() {
    let (tmp, work) = samples_run();
    let page = work.join("report/index.html");
    let html = std::fs::read_to_string(&page).expect("minga run writes the report");
    assert!(html.contains("<svg") && html.contains("Removal funnel") && html.contains("CC0-1.0"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    // `minga report` into `out`, with extra flags.
    let report = |out: &Path, extra: &[&str]| {
        let mut args = vec!["report", "--workdir", work.to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        args.extend(extra);
        assert!(run(tmp.path(), &args).status.success());
    };
    let out = tmp.path().join("card");
    report(&out, &[]);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        html,
        "deterministic"
    );
    // Licence selection: for each licence of the unrestricted card's terms table (and one that
    // no document has), the restricted card keeps exactly its documents and counts the rest.
    let stats = |dir: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join("stats.json")).unwrap()).unwrap()
    };
    let full = stats(&out);
    let all = full["total"]["docs"].as_u64().unwrap();
    let mut per_licence: std::collections::BTreeMap<String, u64> = Default::default();
    for t in full["terms"].as_array().unwrap() {
        *per_licence
            .entry(t["licence"].as_str().unwrap().to_string())
            .or_default() += t["docs"].as_u64().unwrap();
    }
    per_licence.remove("-");
    assert!(!per_licence.is_empty());
    per_licence.insert("LicenseRef-none-such".into(), 0);
    for (licence, kept) in per_licence {
        let left_out = all - kept;
        let dir = tmp.path().join(format!("card-{licence}"));
        report(&dir, &["--licence", &licence]);
        let st = stats(&dir);
        assert_eq!(st["total"]["docs"].as_u64(), Some(kept), "{licence}");
        assert_eq!(
            st["other_licence_docs"].as_u64(),
            Some(left_out),
            "{licence}"
        );
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains(&format!("Restricted to licences {licence}")));
    }
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!(
            "skipping the browser check: chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let png = tmp.path().join("out.png");
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        std::fs::metadata(&png)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "{stderr}"
    );
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
}

#[test]
fn verify_finds_the_sources_of_the_readme_layout_beside_a_same_named_dir() {
    // The repository layout: `samples/pipeline.toml` names `web` and `docs` relative to itself
    // and writes `../work`, while the repository root has a `docs/` of its own.
    let tmp = tempfile::tempdir().unwrap();
    let samples = tmp.path().join("samples");
    for sub in ["web", "docs"] {
        std::fs::create_dir_all(samples.join(sub)).unwrap();
        for e in std::fs::read_dir(crate::util::samples().join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, samples.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        crate::util::samples().join("pipeline.toml"),
        samples.join("pipeline.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("docs")).unwrap();
    std::fs::write(tmp.path().join("docs/ARCHITECTURE.md"), "not a source\n").unwrap();
    run_ok(tmp.path(), &["run", "samples/pipeline.toml"], &[]);
    let out = run(
        tmp.path(),
        &["audit", "verify", "--workdir", "work", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["inputs_not_found"], 0, "{rep}");
}
