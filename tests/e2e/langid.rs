//! `minga langid` (stage, detect, train) and `minga pii redact`, through the real binary.

use std::io::Write;
use std::process::Stdio;

use crate::util::*;

fn pipe(args: &[&str], input: &str) -> String {
    let mut child = minga()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "minga {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn detect_labels_stdin_lines_in_order_and_garbage_is_und() {
    let input = "El gobierno regional anunció nuevas medidas para proteger los bosques del sur.\n\
                 \n   \t \n\
                 O governo federal anunciou hoje um novo programa de apoio aos agricultores.\n\
                 Ñande ru ñandéve oheja kuri ko yvy porã, ha ñande jaikove ipype.\n\
                 Allinllachu kashanki, wawqiy? Noqaqa Qosqo llaqtamantam kani.\n\
                 \u{1}\u{2}\u{fffd}\u{fffd}%%##@@\n";
    let out = pipe(&["langid", "detect"], input);
    let labels: Vec<&str> = out.lines().collect();
    assert_eq!(
        labels,
        ["spa", "und", "und", "por", "grn", "que", "und"],
        "{out}"
    );
    let json = pipe(
        &["langid", "detect", "--jsonl"],
        "Allinllachu kashanki, wawqiy? Noqaqa Qosqo llaqtamantam kani.\n",
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["lang"], "que");
    assert!(v["score"].as_f64().unwrap() > 0.5);
    assert_eq!(v["top"].as_array().unwrap().len(), 3);
}

#[test]
fn training_is_deterministic() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("spa.txt"),
        "el perro come pan en la casa\nla niña canta una canción\nmañana vamos al mercado\n",
    )
    .unwrap();
    std::fs::write(
        data.join("que.txt"),
        "allqoqa tantata mikhun wasipi\nwarmi wawaqa takin\nparamunqa paqarin\n",
    )
    .unwrap();
    run_ok(
        t.path(),
        &["langid", "train", "--data", "data", "--out", "a.bin"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    run_ok(
        t.path(),
        &["langid", "train", "--data", "data", "--out", "b.bin"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    let (a, b) = (
        std::fs::read(t.path().join("a.bin")).unwrap(),
        std::fs::read(t.path().join("b.bin")).unwrap(),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b);
    let out = pipe(
        &[
            "langid",
            "detect",
            "--model",
            t.path().join("a.bin").to_str().unwrap(),
        ],
        "warmi wawaqa takin paqarin\n",
    );
    assert_eq!(out.trim(), "que");
}

#[test]
fn the_stage_labels_samples_with_spans_for_mixed_pages() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 64.0);
    run_ok(t.path(), &["run", cfg.to_str().unwrap()], &[]);
    let docs = read_docs(&t.path().join("work/langid"));
    assert!(!docs.is_empty());
    let langs: std::collections::BTreeSet<_> =
        docs.iter().filter_map(|d| d.lang.as_deref()).collect();
    for l in ["spa", "por", "que", "grn"] {
        assert!(langs.contains(l), "no {l} document: {langs:?}");
    }
    for d in &docs {
        let score = d.lang_score.unwrap();
        assert!((0.0..=1.0).contains(&score));
        for s in &d.lang_spans {
            assert!(s.start < s.end && (s.end as usize) <= d.text.len(), "{s:?}");
            assert!(
                d.text.is_char_boundary(s.start as usize)
                    && d.text.is_char_boundary(s.end as usize)
            );
        }
    }
    let mixed = docs
        .iter()
        .find(|d| d.url.as_deref().is_some_and(|u| u.contains("huayno")))
        .expect("the huayno page");
    let span_langs: std::collections::BTreeSet<_> =
        mixed.lang_spans.iter().map(|s| s.lang.as_str()).collect();
    assert!(
        span_langs.contains("spa") && span_langs.contains("que"),
        "{:?}",
        mixed.lang_spans
    );
    let m = read_json(&t.path().join("work/langid/_manifest.json"));
    assert_eq!(
        m["rows_in"].as_u64().unwrap(),
        m["rows_out"].as_u64().unwrap() + m["rows_rejected"].as_u64().unwrap()
    );
}

#[test]
fn pii_redact_replaces_identifiers_and_keeps_numbers_that_are_not() {
    let input = "Escríbeme a ana.perez@example.org o llama al +56 9 8765 4321.\n\
                 Su RUT es 17.234.567-0 y el artículo 19 N° 24 de la Ley 21.096 de 2018 sigue vigente.\n";
    let out = pipe(&["pii", "redact"], input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("<EMAIL>") && lines[0].contains("<PHONE>"),
        "{out}"
    );
    assert!(!lines[0].contains("example.org"));
    assert!(
        lines[1].contains("<RUT>")
            && lines[1].contains("Ley 21.096 de 2018")
            && lines[1].contains("19 N° 24"),
        "{out}"
    );
    assert_eq!(pipe(&["pii", "redact", "--mode", "tag"], input), input);
}

/// Output into a pipe closed early (`| head -1`) ends minga quietly (SIGPIPE), not with an error
/// or a panic report.
#[test]
fn a_closed_output_pipe_is_not_an_internal_error() {
    let t = tempfile::tempdir().unwrap();
    let err = t.path().join("stderr.txt");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "yes 'allin p'\\''unchay' | head -200000 | '{}' langid detect 2>'{}' | head -1",
            env!("CARGO_BIN_EXE_minga"),
            err.display()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "que");
    let stderr = std::fs::read_to_string(&err).unwrap();
    // Neither a panic report nor "error: Broken pipe": the reader chose to stop.
    assert!(stderr.trim().is_empty(), "{stderr}");
}
