//! Takedown requests (`minga takedown`, issue 19 item 2): withdrawal by domain, by id and by
//! text through every stage including the export; idempotence; a later run that does not bring
//! the text back; refused requests. Kill-and-resume: `takedown_crash.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::*;

const DOC_STAGES: &[&str] = &["ingest", "langid", "filter", "dedup"];
const DOMAIN: &str = "radio-comunitaria.example";

/// `n` generated jsonl documents (Spanish sentences that pass the default filters and are not
/// near-duplicates of one another); every other one is published on [`DOMAIN`] (on a subdomain
/// for every fourth), the rest elsewhere.
fn generate(path: &Path, n: usize) {
    let nouns = [
        "minga",
        "chacra",
        "escuela",
        "acequia",
        "cosecha",
        "semilla",
        "montaña",
        "abuela",
        "plaza",
        "canal",
        "feria",
        "radio",
        "cooperativa",
        "quebrada",
        "huerta",
        "fiesta",
        "capilla",
        "cancha",
        "posta",
        "biblioteca",
        "laguna",
        "puente",
        "panadería",
        "bodega",
    ];
    let templates = [
        "La {} del pueblo quedó cerca de la {}, y los vecinos llegaron temprano con la {}.",
        "Después de la {}, la comunidad preparó la {} para todos en la {} del barrio.",
        "Los niños contaron que la {} estaba lejos de la {} pero muy cerca de la {}.",
        "Nadie recordaba una {} así desde que la {} se inundó junto a la {} vieja.",
    ];
    let mut x: u64 = 0x7461_6b65_646f_776e;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let mut out = String::new();
    for i in 0..n {
        let mut text = Vec::new();
        for _ in 0..8 {
            let mut s = templates[next(templates.len())].to_string();
            while s.contains("{}") {
                s = s.replacen("{}", nouns[next(nouns.len())], 1);
            }
            text.push(s);
        }
        let url = match i % 4 {
            0 => format!("https://{DOMAIN}/nota/{i}"),
            2 => format!("https://radio.{DOMAIN}/audio/{i}"),
            _ => format!("https://otro-medio.example/{i}"),
        };
        let line = serde_json::json!({"id": format!("g{i}"), "text": text.join(" "), "url": url});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The samples plus `n` generated documents, in parts of `part_mb`.
fn config(dir: &Path, part_mb: f64, n: usize) -> PathBuf {
    let cfg = samples_config(dir, part_mb);
    if n > 0 {
        let gen = dir.join("gen.jsonl");
        generate(&gen, n);
        let mut text = std::fs::read_to_string(&cfg).unwrap();
        text.push_str(&format!(
            "[[source]]\nname = \"gen\"\npath = \"{}\"\nformat = \"jsonl\"\nlicence = \"CC0-1.0\"\n",
            gen.display()
        ));
        std::fs::write(&cfg, text).unwrap();
    }
    cfg
}

fn request(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    let text = format!(
        "id = \"{}\"\nrequested_by = \"Radio comunitaria\"\ndate = \"2026-11-30\"\nreason = \"the community withdrew its consent\"\n{body}",
        name.trim_end_matches(".toml")
    );
    std::fs::write(&p, text).unwrap();
    p
}

fn takedown(dir: &Path, req: &Path) -> Output {
    minga()
        .current_dir(dir)
        .args(["takedown", req.to_str().unwrap(), "--workdir", "work"])
        .output()
        .unwrap()
}

pub(crate) fn takedown_ok(dir: &Path, req: &Path) -> String {
    let out = takedown(dir, req);
    assert!(
        out.status.success(),
        "takedown failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn host_in(url: Option<&str>, domain: &str) -> bool {
    url.and_then(|u| u.split("://").nth(1))
        .and_then(|r| r.split('/').next())
        .is_some_and(|h| h == domain || h.ends_with(&format!(".{domain}")))
}

/// No shard of any stage holds a withdrawn id; the first stage's ledger holds each once, as
/// `takedown.<id>` without text; no later ledger holds one.
pub(crate) fn assert_withdrawn(work: &Path, ids: &[String], reason: &str) {
    for stage in DOC_STAGES {
        for d in read_docs(&work.join(stage)) {
            assert!(!ids.contains(&d.id), "{stage} still holds {}", d.id);
        }
        let ledger = read_ledger(&work.join(stage));
        for id in ids {
            let rows: Vec<_> = ledger.iter().filter(|r| &r.doc.id == id).collect();
            if *stage == "ingest" {
                assert_eq!(rows.len(), 1, "{id} in the ingest ledger");
                assert_eq!(rows[0].why.reason, reason);
                assert!(rows[0].doc.text.is_empty(), "withdrawn text kept");
            } else {
                assert!(rows.is_empty(), "{stage} ledger still holds {id}");
            }
        }
    }
    let verify = run_ok(
        work.parent().unwrap(),
        &["audit", "verify", "--workdir", "work"],
        &[],
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains(" 0 failures"));
}

/// The export equals a fresh export of the dedup shards, file by file.
fn assert_export_fresh(dir: &Path) {
    run_ok(
        dir,
        &[
            "export",
            "--in",
            "work/dedup",
            "--out",
            "fresh",
            "--tokenizer",
            "work/tokenizer/tokenizer.json",
        ],
        &[],
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir.join("fresh")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".bin") || name.ends_with(".idx") {
            let a = std::fs::read(dir.join("fresh").join(&name)).unwrap();
            let b = std::fs::read(dir.join("work/export").join(&name)).unwrap();
            assert!(a == b, "export/{name} differs from a fresh export");
            n += 1;
        }
    }
    assert!(n > 0);
}

/// `dedup apply` over the rewritten filter shards with the rewritten cluster files gives the
/// rewritten dedup shards: the cluster files were renumbered consistently.
fn assert_clusters_consistent(dir: &Path) {
    let d2 = dir.join("d2");
    std::fs::create_dir_all(d2.join("_dedup")).unwrap();
    let src = dir.join("work/dedup/_dedup/clusters");
    let dst = d2.join("_dedup/clusters");
    std::fs::create_dir_all(dst.join("_parts")).unwrap();
    for sub in ["", "_parts"] {
        for e in std::fs::read_dir(src.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, dst.join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    run_ok(
        dir,
        &["dedup", "apply", "--in", "work/filter", "--out", "d2"],
        &[],
    );
    for (_, p) in minga_manifests::list_parts(&dir.join("work/dedup")).unwrap() {
        let name = p.file_name().unwrap();
        let rows = minga_manifests::ShardReader::open(&p).unwrap().rows();
        assert!(
            std::fs::read(&p).unwrap() == std::fs::read(d2.join(name)).unwrap(),
            "{name:?} ({rows} rows)"
        );
        let rej = |d: &Path| std::fs::read(d.join("rejected").join(name)).unwrap();
        assert!(rej(&dir.join("work/dedup")) == rej(&d2), "ledger {name:?}");
    }
}

pub(crate) fn withdrawn_ids(work: &Path, id: &str) -> Vec<String> {
    let rec = read_json(&work.join(format!("takedowns/{id}.json")));
    assert_eq!(rec["status"], "applied");
    rec["withdrawn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect()
}

/// A pipeline run over `n` generated documents in parts of `part_mb`, and a request withdrawing
/// the radio's domain: `(workdir, request)`.
pub(crate) fn run_and_request_domain(dir: &Path, part_mb: f64, n: usize) -> (PathBuf, PathBuf) {
    let cfg = config(dir, part_mb, n);
    run_ok(dir, &["run", cfg.to_str().unwrap()], &[]);
    let req = request(dir, "radio.toml", &format!("domains = [\"{DOMAIN}\"]"));
    (dir.join("work"), req)
}

#[test]
fn takedown_by_domain_reaches_every_stage_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let (work, req) = run_and_request_domain(dir.path(), 0.004, 120);
    let out = takedown_ok(dir.path(), &req);
    assert!(out.contains("documents withdrawn"), "{out}");
    let ids = withdrawn_ids(&work, "radio");
    // Every other generated document (subdomain included).
    assert_eq!(ids.len(), 60, "{ids:?}");
    for d in read_ledger(&work.join("ingest")) {
        if ids.contains(&d.doc.id) {
            assert!(host_in(d.doc.url.as_deref(), DOMAIN));
        }
    }
    assert_withdrawn(&work, &ids, "takedown.radio");
    assert_export_fresh(dir.path());
    assert_clusters_consistent(dir.path());
    // The record names each rewritten file with its digests before and after.
    let rec = read_json(&work.join("takedowns/radio.json"));
    let files = rec["files"].as_array().unwrap();
    assert!(files
        .iter()
        .any(|f| f["path"].as_str().unwrap().starts_with("export/")));
    for f in files {
        assert_ne!(f["before"], f["after"], "{f}");
    }
    // audit doc, the report, the tokenizer release.
    let doc = run_ok(
        dir.path(),
        &["audit", "doc", &ids[0], "--workdir", "work"],
        &[],
    );
    let doc = String::from_utf8_lossy(&doc.stdout);
    assert!(doc.contains("WITHDRAWN on 20"), "{doc}");
    assert!(
        doc.contains("by takedown radio (requested by Radio comunitaria"),
        "{doc}"
    );
    let stats = read_json(&work.join("report/stats.json"));
    assert_eq!(stats["takedowns"][0]["id"], "radio");
    assert_eq!(stats["takedowns"][0]["status"], "applied");
    let html = std::fs::read_to_string(work.join("report/index.html")).unwrap();
    assert!(html.contains("<h2>Takedowns</h2>") && html.contains("Radio comunitaria"));
    let release = read_json(&work.join("tokenizer/release.json"));
    let note = &release["withdrawn_since_training"][0];
    assert_eq!(note["takedown"], "radio");
    let n = note["documents"].as_u64().unwrap();
    assert!(n > 0 && n <= 60, "{note}");
}

#[test]
fn takedown_by_id_withdraws_the_duplicates_is_idempotent_and_survives_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = samples_config(dir.path(), 1.0);
    run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    let work = dir.path().join("work");
    // A dedup representative with near-duplicates.
    let dup = read_ledger(&work.join("dedup"))
        .into_iter()
        .find(|r| r.why.reason == "dedup.minhash")
        .expect("the samples hold near-duplicates");
    let rep = dup.why.dup_of.clone().unwrap();
    let req = request(dir.path(), "one.toml", &format!("doc_ids = [\"{rep}\"]"));
    takedown_ok(dir.path(), &req);
    let ids = withdrawn_ids(&work, "one");
    assert!(ids.contains(&rep) && ids.contains(&dup.doc.id), "{ids:?}");
    assert_withdrawn(&work, &ids, "takedown.one");
    assert_export_fresh(dir.path());
    assert_clusters_consistent(dir.path());
    let doc = run_ok(
        dir.path(),
        &["audit", "doc", &dup.doc.id, "--workdir", "work"],
        &[],
    );
    assert!(String::from_utf8_lossy(&doc.stdout).contains("WITHDRAWN on"));

    // The same request again changes nothing.
    let before = snapshot(&work);
    let out = takedown_ok(dir.path(), &req);
    assert!(out.contains("already applied"), "{out}");
    assert_same_files(&snapshot(&work), &before);
    // The same id with another request is refused.
    let other = request(dir.path(), "one.toml", "sources = [\"docs\"]");
    let out = takedown(dir.path(), &other);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another id"));
    request(dir.path(), "one.toml", &format!("doc_ids = [\"{rep}\"]"));

    // `run --resume` keeps the rewritten document stages; a fresh run (outputs removed, the
    // takedowns list kept) withdraws the same documents at ingest and keeps the same ones.
    let kept: BTreeMap<&str, Vec<u8>> = DOC_STAGES
        .iter()
        .map(|s| {
            (
                *s,
                std::fs::read(work.join(s).join("part-00000.parquet")).unwrap(),
            )
        })
        .collect();
    run_ok(dir.path(), &["run", cfg.to_str().unwrap(), "--resume"], &[]);
    for s in DOC_STAGES {
        assert!(kept[s] == std::fs::read(work.join(s).join("part-00000.parquet")).unwrap());
    }
    run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    for s in DOC_STAGES {
        assert!(
            kept[s] == std::fs::read(work.join(s).join("part-00000.parquet")).unwrap(),
            "{s}: a fresh run keeps other documents than the takedown left"
        );
    }
    assert_withdrawn(&work, &ids, "takedown.one");
}

/// The fox-and-condor story of the samples, edited a little, inside a page of another site.
fn republished() -> String {
    let story = std::fs::read_to_string(samples().join("docs/zorro-y-condor.txt")).unwrap();
    let edited = story.replace("muy presumido", "bien presumido");
    format!("Portada | Cultura | Contacto\n\n{edited}\n\nComparte esta nota. Comentarios (2)")
}

#[test]
fn takedown_by_text_withdraws_near_copies_now_and_in_sources_added_later() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = samples_config(dir.path(), 1.0);
    run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    let work = dir.path().join("work");
    // The passage: two paragraphs of the story.
    let story = std::fs::read_to_string(samples().join("docs/zorro-y-condor.txt")).unwrap();
    let paragraphs: Vec<&str> = story.split("\n\n").collect();
    std::fs::write(dir.path().join("zorro.txt"), paragraphs[1..3].join("\n\n")).unwrap();
    let req = request(dir.path(), "zorro.toml", "texts = [\"zorro.txt\"]");
    takedown_ok(dir.path(), &req);
    let ids = withdrawn_ids(&work, "zorro");
    assert_eq!(ids.len(), 1, "{ids:?}");
    let row = read_ledger(&work.join("ingest"))
        .into_iter()
        .find(|r| r.doc.id == ids[0])
        .unwrap();
    assert_eq!(row.doc.source_file, "zorro-y-condor.txt");
    assert!(row.why.detail.contains("containment"), "{}", row.why.detail);
    assert_withdrawn(&work, &ids, "takedown.zorro");
    assert_export_fresh(dir.path());
    // The record keeps the passage as shingle hashes, not as text.
    let rec = std::fs::read_to_string(work.join("takedowns/zorro.json")).unwrap();
    assert!(!rec.contains("presumido"));

    // A source added later republishes the story: the next run withdraws it at ingest.
    let copy =
        serde_json::json!({"id": "c1", "text": republished(), "url": "https://otro.example/zorro"});
    let other = serde_json::json!({"id": "c2", "text": "La minga del canal reunió a veinte familias que limpiaron la acequia desde la bocatoma hasta la plaza del pueblo durante toda la mañana del sábado.", "url": "https://otro.example/canal"});
    std::fs::write(dir.path().join("copia.jsonl"), format!("{copy}\n{other}\n")).unwrap();
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "[[source]]\nname = \"copia\"\npath = \"{}\"\nformat = \"jsonl\"\n",
        dir.path().join("copia.jsonl").display()
    ));
    std::fs::write(&cfg, text).unwrap();
    run_ok(dir.path(), &["run", cfg.to_str().unwrap(), "--resume"], &[]);
    let ledger = read_ledger(&work.join("ingest"));
    let copied: Vec<_> = ledger.iter().filter(|r| r.doc.source == "copia").collect();
    assert_eq!(copied.len(), 1, "only the copy is withdrawn");
    assert_eq!(copied[0].why.reason, "takedown.zorro");
    assert!(copied[0].doc.text.is_empty());
    for s in DOC_STAGES {
        assert!(!read_docs(&work.join(s))
            .iter()
            .any(|d| d.text.contains("cóndor")));
    }
    assert!(read_docs(&work.join("ingest"))
        .iter()
        .any(|d| d.source == "copia"));
}

#[test]
fn bad_requests_are_refused_naming_the_field_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = samples_config(dir.path(), 1.0);
    run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    let work = dir.path().join("work");
    let before = snapshot(&work);
    let cases = [
        ("", "names nothing"),
        ("domain = [\"a.org\"]", "unknown field `domain`"),
        ("urls = [\"diario-austral.cl.example/2024\"]", "urls: "),
        (
            "url_prefixes = [\"https://exa mple.org/\"]",
            "url_prefixes: ",
        ),
        ("domains = [\"https://a.org/\"]", "domains: "),
        ("doc_ids = [\"1234\"]", "doc_ids: "),
        ("texts = [\"missing.txt\"]", "texts: cannot read"),
        ("domains = [\"nadie.example\"]", "matches no document"),
    ];
    for (body, want) in cases {
        let req = request(dir.path(), "bad.toml", body);
        let out = takedown(dir.path(), &req);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{body}: {err}");
        assert!(err.contains(want), "{body}: {err}");
        assert!(!err.contains("internal error"), "{err}");
    }
    assert!(!work.join("takedowns").exists());
    assert_same_files(&snapshot(&work), &before);
}
