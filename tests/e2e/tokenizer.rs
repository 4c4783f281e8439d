//! `minga tokenizer train|eval` and `minga export` on the samples: the release bundle, determinism,
//! `.idx` layout read back by a reader written here from docs/export.md, ids identical to the
//! tokenizer crate's `Encoder`, `export.json` totals, the token index, empty documents, licences.

use std::path::Path;

use minga_tokenizer::Encoder;

use crate::util::*;

/// An `.idx` file parsed independently of minga's writer.
struct Idx {
    dtype: u8,
    lengths: Vec<i32>,
    pointers: Vec<i64>,
    documents: Vec<i64>,
}

fn read_idx(path: &Path) -> Idx {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..9], b"MMIDIDX\x00\x00", "magic of {}", path.display());
    let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    assert_eq!(u64_at(9), 1, "version");
    let dtype = b[17];
    let n = u64_at(18) as usize;
    let n_docs = u64_at(26) as usize;
    assert_eq!(n_docs, n + 1);
    let mut at = 34;
    let mut take = |size: usize, count: usize| {
        let s = b[at..at + size * count].to_vec();
        at += size * count;
        s
    };
    let lengths = take(4, n)
        .chunks(4)
        .map(|c| i32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let pointers = take(8, n)
        .chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let documents = take(8, n_docs)
        .chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(at, b.len(), "trailing bytes in {}", path.display());
    Idx {
        dtype,
        lengths,
        pointers,
        documents,
    }
}

fn read_bin_u16(path: &Path) -> Vec<u32> {
    std::fs::read(path)
        .unwrap()
        .chunks(2)
        .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
        .collect()
}

/// Runs the samples through `minga run` with a small vocabulary; returns the workdir.
fn run_samples(dir: &Path, extra: &str, threads: &str) -> std::path::PathBuf {
    let cfg = samples_config(dir, 0.004);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("[tokenizer]\nvocab_size = 700\n");
    text.push_str(extra);
    std::fs::write(&cfg, text).unwrap();
    let work = format!("w{threads}");
    run_ok(
        dir,
        &["run", cfg.to_str().unwrap(), "--workdir", &work],
        &[("RAYON_NUM_THREADS", threads)],
    );
    dir.join(work)
}

#[test]
fn run_ends_with_a_release_and_shards_that_match_the_encoder() {
    let t = tempfile::tempdir().unwrap();
    let w = run_samples(t.path(), "", "2");
    let release = w.join("tokenizer");
    for f in minga_tokenizer::RELEASE_FILES {
        assert!(release.join(f).is_file(), "missing {f}");
    }
    let rel = read_json(&release.join("release.json"));
    assert!(rel["data_manifests"]
        .as_object()
        .unwrap()
        .contains_key("dedup/part-00000.parquet"));
    assert_eq!(rel["eos_token"], "<|endoftext|>");
    assert_eq!(rel["corpus_blake3"].as_str().map(str::len), Some(64));
    assert!(rel["language_mix"]["languages"]
        .as_object()
        .is_some_and(|m| m.len() >= 3));
    let json = std::fs::read_to_string(release.join("tokenizer.json")).unwrap();
    let enc = Encoder::from_json(&json)
        .unwrap()
        .with_special_tokens_as_text(true);
    assert!(enc.vocab_size() <= 700);

    let docs = read_docs(&w.join("dedup"));
    let export = w.join("export");
    let stats = read_json(&export.join("export.json"));
    assert_eq!(stats["dtype"], "uint16");
    let mut total = 0u64;
    let mut doc_i = 0usize;
    for (part, _) in minga_manifests::list_parts(&w.join("dedup")).unwrap() {
        let name = minga_manifests::part_name(part);
        let idx = read_idx(&export.join(format!("{name}.idx")));
        assert_eq!(idx.dtype, 8, "uint16 code");
        let bin = read_bin_u16(&export.join(format!("{name}.bin")));
        assert_eq!(
            idx.documents,
            (0..=idx.lengths.len() as i64).collect::<Vec<_>>()
        );
        let mut offset = 0usize;
        for (i, (&len, &ptr)) in idx.lengths.iter().zip(&idx.pointers).enumerate() {
            assert_eq!(
                ptr as usize,
                offset * 2,
                "pointer of sequence {i} in {name}"
            );
            let doc = &docs[doc_i];
            let mut want = enc.encode(&doc.text).unwrap();
            want.push(0);
            assert_eq!(
                &bin[offset..offset + len as usize],
                &want[..],
                "doc {}",
                doc.id
            );
            offset += len as usize;
            doc_i += 1;
        }
        assert_eq!(offset, bin.len());
        total += bin.len() as u64;
    }
    assert_eq!(doc_i, docs.len(), "every document is exported");
    assert_eq!(stats["tokens"].as_u64(), Some(total));
    assert_eq!(stats["documents"].as_u64(), Some(docs.len() as u64));
    let by_lang: u64 = stats["by_lang"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(by_lang, total);
    let m = read_json(&export.join("_manifest.json"));
    assert_eq!(m["rows_out"].as_u64(), Some(docs.len() as u64));
    assert!(m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["path"] == "index/part-00000.parquet"));
}

#[test]
fn release_and_shards_do_not_depend_on_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let a = run_samples(t.path(), "", "1");
    let b = run_samples(t.path(), "", "2");
    for sub in ["tokenizer", "export"] {
        let (sa, sb) = (snapshot(&a.join(sub)), snapshot(&b.join(sub)));
        assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
        let differ: Vec<&String> = sa.keys().filter(|k| sa[*k] != sb[*k]).collect();
        assert!(differ.is_empty(), "{sub}: {differ:?} differ");
    }
}

/// A stage dir with an empty and a whitespace-only document, written with the manifests crate.
fn odd_stage(dir: &Path) -> std::path::PathBuf {
    let stage = dir.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    let cols = minga_manifests::Columns {
        lang: true,
        ..Default::default()
    };
    let mut w =
        minga_manifests::ShardWriter::documents(&stage.join("part-00000.parquet"), &cols).unwrap();
    let texts = [
        (
            "a",
            "spa",
            "CC0-1.0",
            "La minga del canal juntó a toda la comunidad.",
        ),
        ("b", "spa", "CC0-1.0", ""),
        (
            "c",
            "que",
            "CC-BY-4.0",
            "Tamyaqa chakrapi paraq, runakuna llamk'anku.",
        ),
        ("d", "grn", "CC0-1.0", "  \n\t "),
        (
            "e",
            "grn",
            "CC0-1.0",
            "Ko’ã kuña oguata mbeguekatu ka’aguýre.",
        ),
    ];
    for (id, lang, lic, text) in texts {
        w.push(minga_manifests::Document {
            id: id.into(),
            source: "odd".into(),
            text: text.into(),
            lang: Some(lang.into()),
            licence: Some(lic.into()),
            meta: "{}".into(),
            ..Default::default()
        })
        .unwrap();
    }
    w.finish().unwrap();
    std::fs::write(stage.join("_manifest.json"), b"{}").unwrap();
    stage
}

#[test]
fn empty_documents_are_a_lone_eod_and_licences_select() {
    let t = tempfile::tempdir().unwrap();
    let stage = odd_stage(t.path());
    let tok = t.path().join("tok");
    // `{}` is not a stage manifest: training must refuse it with a message naming the file.
    let bad = minga()
        .current_dir(t.path())
        .args(["tokenizer", "train", "--in", "stage", "--out", "tok"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("_manifest.json"));
    let cfg = t.path().join("p.toml");
    std::fs::write(&cfg, "[tokenizer]\nvocab_size = 300\n").unwrap();
    // A well-formed stage manifest (no outputs listed: the release then records only its digest).
    let manifest = serde_json::json!({
        "stage": "odd", "version": "0", "config": {}, "config_digest": "", "started": "",
        "finished": "", "seconds": 0.0, "parts": 1, "inputs": [], "outputs": [],
        "rows_in": 5, "rows_out": 5, "rows_rejected": 0, "reasons": {}, "counters": {}
    });
    std::fs::write(
        stage.join("_manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    run_ok(
        t.path(),
        &[
            "tokenizer",
            "train",
            "--in",
            "stage",
            "--out",
            "tok",
            "--config",
            "p.toml",
        ],
        &[],
    );
    let tj = tok.join("tokenizer.json");
    run_ok(
        t.path(),
        &[
            "export",
            "--in",
            "stage",
            "--tokenizer",
            tj.to_str().unwrap(),
            "--out",
            "ex",
            "--licence",
            "CC0-1.0",
        ],
        &[],
    );
    let ex = t.path().join("ex");
    let idx = read_idx(&ex.join("part-00000.idx"));
    let bin = read_bin_u16(&ex.join("part-00000.bin"));
    assert_eq!(idx.lengths.len(), 4, "the CC-BY document is left out");
    assert_eq!(idx.lengths[1], 1, "empty document = lone EOD");
    assert_eq!(bin[idx.pointers[1] as usize / 2], 0);
    let enc = Encoder::from_file(&tj).unwrap();
    assert_eq!(
        idx.lengths[2] as usize,
        enc.encode("  \n\t ").unwrap().len() + 1
    );
    let m = read_json(&ex.join("_manifest.json"));
    assert_eq!(m["counters"]["not_exported.licence"].as_u64(), Some(1));
    assert_eq!(m["rows_in"].as_u64(), Some(5));
    assert_eq!(m["rows_out"].as_u64(), Some(4));
    let stats = read_json(&ex.join("export.json"));
    assert_eq!(stats["tokens"].as_u64(), Some(bin.len() as u64));
    assert!(stats["by_lang"].get("que").is_none());
    // The index: one row per exported document with its token range.
    let index = std::fs::File::open(ex.join("index/part-00000.parquet")).unwrap();
    let df = polars_index(index);
    assert_eq!(df.0, vec!["a", "b", "d", "e"]);
    let mut at = 0u64;
    for (i, (&off, &cnt)) in df.1.iter().zip(&df.2).enumerate() {
        assert_eq!(off, at);
        assert_eq!(cnt as i32, idx.lengths[i]);
        at += u64::from(cnt);
    }
    // eval on the stage dir and on a text dir, JSON out.
    let texts = t.path().join("dev");
    std::fs::create_dir_all(&texts).unwrap();
    std::fs::write(texts.join("spa.txt"), "La minga del canal.\nOtra línea.\n").unwrap();
    let out = run_ok(
        t.path(),
        &[
            "tokenizer",
            "eval",
            "--tokenizer",
            tj.to_str().unwrap(),
            "--text-dir",
            "dev",
            "--reference",
            &format!("same={}", tj.display()),
            "--json",
            "e.json",
        ],
        &[],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("| spa |"), "{table}");
    let e = read_json(&t.path().join("e.json"));
    assert_eq!(
        e["tokenizer"]["rows"][0]["fertility"],
        e["references"][0]["rows"][0]["fertility"]
    );
    run_ok(
        t.path(),
        &[
            "tokenizer",
            "eval",
            "--tokenizer",
            tj.to_str().unwrap(),
            "--in",
            "stage",
        ],
        &[],
    );
}

/// (id, token_offset, token_count) columns of an export index.
fn polars_index(f: std::fs::File) -> (Vec<String>, Vec<u64>, Vec<u32>) {
    use polars::prelude::*;
    let df = ParquetReader::new(f).finish().unwrap();
    let ids = df
        .column("id")
        .unwrap()
        .str()
        .unwrap()
        .into_no_null_iter()
        .map(str::to_string)
        .collect();
    let off = df
        .column("token_offset")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let cnt = df
        .column("token_count")
        .unwrap()
        .u32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    (ids, off, cnt)
}
