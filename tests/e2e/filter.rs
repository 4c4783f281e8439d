//! The filter stage on the samples: quality rejections in the ledger, PII redaction and counts,
//! `--pii tag`, URL lists, conservation per part, and `minga filter calibrate`.

use std::path::Path;

use minga_filters::pii::{scan, PiiKind};
use minga_filters::quality::{QualityConfig, SIGNAL_NAMES};
use minga_manifests::{list_parts, Columns, Document, ShardReader};

use crate::util::*;

const SPAM_URL: &str = "ofertas-top.example";
const PII_URL: &str = "junta-vecinal.cl.example/contacto";

/// Kept documents of a stage dir with their column sets.
fn docs_with_columns(stage_dir: &Path) -> Vec<(Document, Columns)> {
    let mut out = Vec::new();
    for (_, p) in list_parts(stage_dir).unwrap() {
        let mut r = ShardReader::open(&p).unwrap();
        while let Some((batch, cols)) = r.next_batch().unwrap() {
            out.extend(batch.into_iter().map(|d| (d, cols.clone())));
        }
    }
    out
}

fn by_url<'a>(docs: &'a [(Document, Columns)], url: &str) -> &'a (Document, Columns) {
    docs.iter()
        .find(|(d, _)| d.url.as_deref().is_some_and(|u| u.contains(url)))
        .unwrap_or_else(|| panic!("no kept document with url {url}"))
}

fn pii_count(doc: &Document, cols: &Columns, kind: PiiKind) -> u32 {
    let i = cols.pii.iter().position(|n| n == kind.name()).unwrap();
    doc.pii[i]
}

/// Sum of counter `key` over the part manifests, checked against the merged manifest.
fn counter(stage_dir: &Path, key: &str) -> u64 {
    let mut sum = 0;
    for e in std::fs::read_dir(stage_dir.join("_parts")).unwrap() {
        let m = read_json(&e.unwrap().path());
        sum += m["counters"][key].as_u64().unwrap_or(0);
    }
    let merged = read_json(&stage_dir.join("_manifest.json"));
    assert_eq!(merged["counters"][key].as_u64().unwrap_or(0), sum, "{key}");
    sum
}

fn run_samples(dir: &Path, filter_section: &str) -> std::path::PathBuf {
    let cfg = samples_config(dir, 0.004);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(filter_section);
    std::fs::write(&cfg, text).unwrap();
    run_ok(dir, &["run", cfg.to_str().unwrap()], &[]);
    dir.join("work")
}

#[test]
fn spam_goes_to_the_ledger_and_pii_is_redacted_and_counted() {
    let t = tempfile::tempdir().unwrap();
    let work = run_samples(t.path(), "");
    let filter = work.join("filter");

    let ledger = read_ledger(&filter);
    let spam = ledger
        .iter()
        .find(|r| r.doc.url.as_deref().is_some_and(|u| u.contains(SPAM_URL)))
        .expect("the spam page is in the ledger");
    assert!(spam.why.reason.starts_with("filter."), "{:?}", spam.why);
    assert!(spam.why.value.is_some(), "{:?}", spam.why);
    assert_eq!(spam.stage, "filter");
    for r in &ledger {
        assert_eq!(
            r.doc.quality.len(),
            SIGNAL_NAMES.len(),
            "rejected docs keep signals"
        );
    }

    let before = docs_with_columns(&work.join("langid"));
    let original = &by_url(&before, PII_URL).0.text;
    let found = scan(original);
    assert!(found.len() >= 4, "{found:?}");
    let kept = docs_with_columns(&filter);
    let (doc, cols) = by_url(&kept, PII_URL);
    for p in ["<EMAIL>", "<RUT>", "<CPF>", "<PHONE>"] {
        assert!(doc.text.contains(p), "{p} missing in {}", doc.text);
    }
    for m in &found {
        let id = &original[m.start..m.end];
        assert!(!doc.text.contains(id), "{id} left in {}", doc.text);
    }
    assert!(original.contains("+56") && !doc.text.contains("+56"));
    for kind in [PiiKind::Email, PiiKind::Phone, PiiKind::Rut, PiiKind::Cpf] {
        assert!(pii_count(doc, cols, kind) >= 1, "{kind:?}");
        assert!(counter(&filter, &format!("pii.{}", kind.name())) >= 1);
    }
    assert_eq!(
        counter(&filter, "pii.email"),
        u64::from(pii_count(doc, cols, PiiKind::Email))
    );
    assert_eq!(cols.quality.len(), SIGNAL_NAMES.len());
    assert!(kept
        .iter()
        .all(|(d, _)| d.quality.len() == SIGNAL_NAMES.len()));

    // Conservation per part, and the ledger rows are those of the part.
    let mut parts = 0;
    for e in std::fs::read_dir(filter.join("_parts")).unwrap() {
        let m = read_json(&e.unwrap().path());
        let (rin, rout, rej) = (
            m["rows_in"].as_u64().unwrap(),
            m["rows_out"].as_u64().unwrap(),
            m["rows_rejected"].as_u64().unwrap(),
        );
        assert_eq!(rin, rout + rej, "{m}");
        let reasons: u64 = m["reasons"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(reasons, rej);
        parts += 1;
    }
    assert!(parts >= 2, "expected several parts");
    let langid_rows: u64 = read_json(&work.join("langid/_manifest.json"))["rows_out"]
        .as_u64()
        .unwrap();
    assert_eq!(langid_rows, (kept.len() + ledger.len()) as u64);
}

#[test]
fn pii_tag_keeps_the_text_and_counts() {
    let t = tempfile::tempdir().unwrap();
    let work = run_samples(t.path(), "");
    let langid = work.join("langid");
    let tagged = t.path().join("tagged");
    run_ok(
        t.path(),
        &[
            "filter",
            "--in",
            langid.to_str().unwrap(),
            "--out",
            tagged.to_str().unwrap(),
            "--pii",
            "tag",
        ],
        &[],
    );
    let before = docs_with_columns(&langid);
    let kept = docs_with_columns(&tagged);
    let (doc, cols) = by_url(&kept, PII_URL);
    assert_eq!(doc.text, by_url(&before, PII_URL).0.text);
    assert!(!doc.text.contains("<EMAIL>"));
    assert!(pii_count(doc, cols, PiiKind::Rut) >= 1);
    assert_eq!(
        counter(&tagged, "pii.cpf"),
        counter(&work.join("filter"), "pii.cpf")
    );
    let config = read_json(&tagged.join("_manifest.json"))["config"].clone();
    assert_eq!(config["config"]["pii"], "tag");
}

#[test]
fn url_lists_block_domains_and_subdomains_but_not_look_alikes() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("blocked.txt"),
        "# test list\nofertas-top.example\npe.example   # every Peruvian sample site\nsur.cl.example\n",
    )
    .unwrap();
    std::fs::write(t.path().join("allowed.txt"), "cocina-limena.pe.example\n").unwrap();
    let work = run_samples(
        t.path(),
        "[filter]\nurl_blocklist = [\"blocked.txt\"]\nurl_allowlist = [\"allowed.txt\"]\n",
    );
    let ledger = read_ledger(&work.join("filter"));
    let blocked: Vec<(&str, &str)> = ledger
        .iter()
        .filter(|r| r.why.reason == "filter.url_blocklist")
        .map(|r| (r.doc.url.as_deref().unwrap_or(""), r.why.detail.as_str()))
        .collect();
    assert!(
        blocked.contains(&(
            "https://ofertas-top.example/zapatillas-baratas",
            "ofertas-top.example"
        )),
        "{blocked:?}"
    );
    assert!(
        blocked.contains(&(
            "https://runasimi.pe.example/willakuy/sara-tarpuy",
            "pe.example"
        )),
        "{blocked:?}"
    );
    assert!(
        blocked
            .iter()
            .all(|(u, _)| !u.contains("radio-sur.cl.example")),
        "look-alike blocked: {blocked:?}"
    );
    assert!(
        blocked.iter().all(|(u, _)| !u.contains("cocina-limena")),
        "allow list ignored: {blocked:?}"
    );
    let kept = docs_with_columns(&work.join("filter"));
    assert!(kept.iter().any(|(d, _)| d
        .url
        .as_deref()
        .is_some_and(|u| u.contains("radio-sur.cl.example"))));
    // The list file's contents are part of the config digest.
    let m = read_json(&work.join("filter/_manifest.json"));
    let lists = &m["config"]["config"]["url_blocklist"];
    assert_eq!(lists[0]["path"], "blocked.txt");
    assert_eq!(lists[0]["blake3"].as_str().map(str::len), Some(64));
}

#[test]
fn unknown_filter_keys_are_errors() {
    let t = tempfile::tempdir().unwrap();
    let (out, _) = run_samples_with(t.path(), "[filter]\npii_mode = \"tag\"\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pii_mode"));
}

#[test]
fn calibrate_writes_thresholds_the_stage_can_load() {
    let t = tempfile::tempdir().unwrap();
    let reference = t.path().join("ref");
    std::fs::create_dir(&reference).unwrap();
    // Southern Quechua: agglutinative words, mean length well above the default bound of 10.
    let que = [
        "Wawakunaqa yachaywasiman purinankupaqmi tutamantamanta hatarirqanku.",
        "Ayllunchikkunawanmi chakrakunapi llamkanakuspa kawsanchik.",
        "Hatunmamaykunaqa willakuykunata kusikuywan willakurqanku.",
        "Mikhunanchikkunataqa allpamamanchikmantam tarinchik.",
        "Runasimipi rimaqkunaqa llaqtankunapi tantanakurqanku.",
    ];
    let lines: Vec<String> = (0..60).map(|i| que[i % que.len()].to_string()).collect();
    std::fs::write(reference.join("que.txt"), lines.join("\n")).unwrap();
    let spa: Vec<String> = (0..3)
        .map(|i| format!("{{\"text\": \"La minga número {i} reunió a las familias del pueblo.\"}}"))
        .collect();
    std::fs::write(reference.join("spa.jsonl"), spa.join("\n")).unwrap();
    let out = t.path().join("thresholds.toml");
    let o = run_ok(
        t.path(),
        &[
            "filter",
            "calibrate",
            "--reference",
            reference.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--group",
            "5",
            "--min-docs",
            "5",
        ],
        &[],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("[filter.lang.que]"), "{text}");
    assert!(
        !text.contains("[filter.lang.spa]"),
        "3 documents < --min-docs: {text}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("spa: 3 documents"));
    let cfg = QualityConfig::from_toml_str(&text).expect("parseable thresholds");
    let que = cfg.thresholds_for("que").max_mean_word_length.unwrap();
    assert!(que > 10.0, "{que}");

    // The file loads as a config of the stage.
    let work = run_samples(t.path(), "");
    let cal = t.path().join("calibrated");
    run_ok(
        t.path(),
        &[
            "filter",
            "--in",
            work.join("langid").to_str().unwrap(),
            "--out",
            cal.to_str().unwrap(),
            "--config",
            out.to_str().unwrap(),
        ],
        &[],
    );
    let m = read_json(&cal.join("_manifest.json"));
    let bound = m["config"]["config"]["quality"]["lang"]["que"]["max_mean_word_length"]
        .as_f64()
        .unwrap();
    assert!((bound - que).abs() < 1e-9);
}
