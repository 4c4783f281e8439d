//! `[export] group_by`: one Megatron dataset per language (and source) and part, the same bytes
//! for any shard and thread count, `--resume`, the token index's `prefix`, and the blend
//! (`blend.json`, `megatron-data-args.txt`) a trainer takes as it is, and transformers reading the
//! run's release as the datasets hold it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minga_tokenizer::Encoder;

use crate::util::*;

const GROUPED: &str = "[tokenizer]\nvocab_size = 700\n[export]\ngroup_by = \"lang\"\n";

/// The samples config (several parts) with `extra` appended.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let cfg = samples_config(dir, 0.004);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(extra);
    std::fs::write(&cfg, text).unwrap();
    cfg
}

fn run(dir: &Path, cfg: &Path, work: &str, extra_args: &[&str], env: &[(&str, &str)]) -> String {
    let mut args = vec!["run", cfg.to_str().unwrap(), "--workdir", work];
    args.extend_from_slice(extra_args);
    String::from_utf8_lossy(&run_ok(dir, &args, env).stderr).into_owned()
}

fn u16_tokens(path: &Path) -> Vec<u32> {
    std::fs::read(path)
        .unwrap()
        .chunks(2)
        .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
        .collect()
}

#[test]
fn grouped_export_is_the_same_for_any_shard_and_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), GROUPED);
    run(t.path(), &cfg, "single", &[], &[("RAYON_NUM_THREADS", "1")]);
    for i in 0..3 {
        let idx = i.to_string();
        let args = ["--shard-index", &idx, "--shard-count", "3"];
        run(
            t.path(),
            &cfg,
            "sharded",
            &args,
            &[("RAYON_NUM_THREADS", "2")],
        );
    }
    let single = snapshot(&t.path().join("single/export"));
    assert_same_files(&snapshot(&t.path().join("sharded/export")), &single);
    assert!(single.contains_key("blend.json") && single.contains_key("megatron-data-args.txt"));
    assert!(
        single.keys().all(|k| !k.starts_with("part-")),
        "no mixed datasets: {:?}",
        single.keys()
    );
    // A resumed run redoes nothing and changes nothing.
    let stderr = run(t.path(), &cfg, "single", &["--resume"], &[]);
    assert!(stderr.contains("export: 0 parts run"), "{stderr}");
    assert_same_files(&snapshot(&t.path().join("single/export")), &single);
}

#[test]
fn each_language_dataset_holds_its_documents_in_order_and_the_blend_names_them_all() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), GROUPED);
    run(t.path(), &cfg, "w", &[], &[]);
    let w = t.path().join("w");
    let export = w.join("export");
    let json = std::fs::read_to_string(w.join("tokenizer/tokenizer.json")).unwrap();
    let enc = Encoder::from_json(&json)
        .unwrap()
        .with_special_tokens_as_text(true);
    // Expected: per (lang, part), the part's documents of that language in input order.
    let mut want: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (part, path) in minga_manifests::list_parts(&w.join("dedup")).unwrap() {
        let mut r = minga_manifests::ShardReader::open(&path).unwrap();
        while let Some((docs, _)) = r.next_batch().unwrap() {
            for d in docs {
                let lang = d.lang.clone().unwrap_or_else(|| "und".into());
                let prefix = format!("{lang}/{}", minga_manifests::part_name(part));
                let ids = want.entry(prefix).or_default();
                ids.extend(enc.encode(&d.text).unwrap());
                ids.push(0);
            }
        }
    }
    assert!(
        want.keys().any(|k| k.starts_with("que/")),
        "{:?}",
        want.keys()
    );
    for (prefix, ids) in &want {
        let got = u16_tokens(&export.join(format!("{prefix}.bin")));
        assert_eq!(&got, ids, "{prefix}");
    }
    let blend = read_json(&export.join("blend.json"));
    let datasets = blend["datasets"].as_array().unwrap();
    let prefixes: Vec<&str> = datasets
        .iter()
        .map(|d| d["prefix"].as_str().unwrap())
        .collect();
    assert_eq!(
        prefixes,
        want.keys().map(String::as_str).collect::<Vec<_>>()
    );
    let total: f64 = datasets.iter().map(|d| d["weight"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "weights sum to {total}");
    assert_eq!(blend["alpha"], 0.75, "the tokenizer's alpha");
    for (lang, row) in blend["languages"].as_object().unwrap() {
        let epochs = row["epochs"].as_f64().unwrap();
        assert!(epochs <= 4.0 + 1e-9, "{lang}: {epochs}");
    }
    // megatron-data-args.txt is the same list as blend.json's data_path.
    let line = std::fs::read_to_string(export.join("megatron-data-args.txt")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let data_path = blend["data_path"].as_array().unwrap();
    assert_eq!(words.len(), data_path.len());
    for (w, v) in words.iter().zip(data_path) {
        match v.as_f64() {
            // serde_json parses floats to within an ulp; the text is Rust's shortest round trip.
            Some(x) => assert!(
                (w.parse::<f64>().unwrap() - x).abs() <= 1e-15 * x,
                "{w} {x}"
            ),
            None => assert_eq!(*w, v.as_str().unwrap()),
        }
    }
    // The data card shows the mixture.
    let card = std::fs::read_to_string(w.join("report/index.html")).unwrap();
    assert!(card.contains("Training mixture"), "no blend in the card");
    assert!(card.contains("<td>que</td>"), "no Quechua row in the card");
    // The index names each document's dataset.
    use polars::prelude::*;
    let index = minga_manifests::list_parts(&export.join("index")).unwrap();
    let df = ParquetReader::new(std::fs::File::open(&index[0].1).unwrap())
        .finish()
        .unwrap();
    let prefix = df.column("prefix").unwrap().str().unwrap();
    assert!(prefix
        .into_iter()
        .all(|p| p.is_some_and(|p| p.ends_with("/part-00000"))));
}

#[test]
fn lang_source_groups_and_a_change_of_grouping_leaves_no_stale_dataset() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), "[export]\ngroup_by = \"lang_source\"\n");
    run(t.path(), &cfg, "w", &[], &[]);
    let export = t.path().join("w/export");
    let files = snapshot(&export);
    assert!(
        files.keys().any(|k| k.starts_with("spa/web/part-")),
        "{:?}",
        files.keys()
    );
    assert!(
        files.keys().any(|k| k.starts_with("spa/docs/part-")),
        "{:?}",
        files.keys()
    );
    // Back to one dataset per part with --resume: every part is redone and the grouped datasets
    // of the run before are gone.
    std::fs::create_dir_all(t.path().join("plain")).unwrap();
    let plain = config(&t.path().join("plain"), "");
    std::fs::copy(&plain, &cfg).unwrap();
    run(t.path(), &cfg, "w", &["--resume"], &[]);
    let files = snapshot(&export);
    assert!(files.keys().any(|k| k.starts_with("part-00000.bin")));
    assert!(
        files
            .keys()
            .all(|k| !k.starts_with("spa/") && k != "blend.json"),
        "{:?}",
        files.keys()
    );
}

/// `.venv/bin/python` when it imports `module`, or a skip message naming the setup flag.
fn venv_python_with(module: &str, setup: &str) -> Option<PathBuf> {
    let p = repo().join(".venv/bin/python");
    let ok = p.exists()
        && std::process::Command::new(&p)
            .args(["-c", &format!("import {module}")])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipping: .venv/bin/python with {module} not found (bench/setup-venv.sh {setup})"
        );
    }
    ok.then_some(p)
}

fn transformers_python() -> Option<PathBuf> {
    venv_python_with("transformers", "--ci")
}

/// Megatron-Core itself reads the run's export: its IndexedDataset gives every document of each
/// language dataset as the release's ids + EOD, and BlendedMegatronDatasetBuilder builds a
/// blended GPTDataset from blend.json with the blend's shares (bench/megatron_check.py, which
/// exits non-zero on any mismatch). Needs PyTorch (~5 GB), so it runs where
/// `bench/setup-venv.sh --megatron` was run and skips elsewhere.
#[test]
fn megatron_core_builds_the_blended_dataset_from_the_run_export() {
    let Some(python) = venv_python_with("megatron.core", "--megatron") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), GROUPED);
    run(t.path(), &cfg, "w", &[], &[]);
    let out = std::process::Command::new(python)
        .args(["-W", "ignore"])
        .arg(repo().join("bench/megatron_check.py"))
        .arg("--workdir")
        .arg(t.path().join("w"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{text}");
}

const ENCODE: &str = r#"
import json, sys
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained(sys.argv[1])
docs = json.load(open(sys.argv[2], encoding="utf-8"))
out = {"eos": tok.eos_token_id, "pad": tok.pad_token, "bos": tok.bos_token,
       "ids": [tok(t)["input_ids"] for t in docs]}
json.dump(out, open(sys.argv[3], "w"))
"#;

/// The release of a pipeline run, loaded by transformers' AutoTokenizer, gives the ids the
/// language datasets hold (EOD = its eos token).
#[test]
fn transformers_reads_the_run_release_as_the_shards_hold_it() {
    let Some(python) = transformers_python() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), GROUPED);
    run(t.path(), &cfg, "w", &[], &[]);
    let w = t.path().join("w");
    let docs = read_docs(&w.join("dedup"));
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    let (texts_path, out_path) = (t.path().join("texts.json"), t.path().join("ids.json"));
    std::fs::write(&texts_path, serde_json::to_string(&texts).unwrap()).unwrap();
    let status = std::process::Command::new(python)
        .args(["-c", ENCODE])
        .arg(w.join("tokenizer"))
        .arg(&texts_path)
        .arg(&out_path)
        .status()
        .unwrap();
    assert!(status.success());
    let got = read_json(&out_path);
    assert_eq!(got["eos"], 0);
    assert_eq!(
        (&got["pad"], &got["bos"]),
        (&"<|pad|>".into(), &"<|bos|>".into())
    );
    let ids: Vec<Vec<u32>> = serde_json::from_value(got["ids"].clone()).unwrap();
    // Documents in dedup order, grouped as export groups them: each dataset is its language's
    // documents of the part, each followed by the eos id.
    let mut want: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut k = 0;
    for (part, path) in minga_manifests::list_parts(&w.join("dedup")).unwrap() {
        let mut r = minga_manifests::ShardReader::open(&path).unwrap();
        while let Some((batch, _)) = r.next_batch().unwrap() {
            for d in batch {
                let lang = d.lang.clone().unwrap_or_else(|| "und".into());
                let prefix = format!("{lang}/{}", minga_manifests::part_name(part));
                let v = want.entry(prefix).or_default();
                v.extend(&ids[k]);
                v.push(0);
                k += 1;
            }
        }
    }
    assert_eq!(k, ids.len());
    for (prefix, v) in &want {
        let bin = u16_tokens(&w.join("export").join(format!("{prefix}.bin")));
        assert_eq!(
            &bin, v,
            "{prefix}: transformers' ids differ from the dataset"
        );
    }
}
