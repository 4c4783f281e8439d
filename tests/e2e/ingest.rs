//! `minga ingest` and `minga extract` on the samples, on damaged input and on the shared data.

use std::io::{Read, Write};
use std::path::Path;

use crate::util::*;

fn gunzip_member(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn samples_ingest_every_format_with_provenance() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 64.0);
    run_ok(t.path(), &["run", cfg.to_str().unwrap()], &[]);
    let ingest = t.path().join("work/ingest");
    let docs = read_docs(&ingest);
    let m = read_json(&ingest.join("_manifest.json"));
    assert_eq!(m["stage"], "ingest");
    assert_eq!(
        m["rows_in"].as_u64().unwrap(),
        m["rows_out"].as_u64().unwrap() + m["rows_rejected"].as_u64().unwrap()
    );
    assert_eq!(m["rows_out"].as_u64().unwrap(), docs.len() as u64);
    for ct in ["warc/html", "warc/text", "txt", "md", "jsonl", "tei"] {
        assert!(
            docs.iter().any(|d| d.content_type == ct),
            "no {ct} document in {:?}",
            m["counters"]
        );
    }
    for d in &docs {
        assert_eq!(d.id.len(), 32);
        assert_eq!(
            d.id,
            minga_manifests::doc_id(&d.source, &d.source_file, d.source_offset)
        );
        assert!(!d.text.trim().is_empty());
        assert!(!d.text.contains("\n\n\n"));
    }
    // WARC offsets point at the gzip member of the record: seek, read, inflate one member.
    let web: Vec<_> = docs
        .iter()
        .filter(|d| d.source == "web" && d.source_file.ends_with(".warc.gz"))
        .collect();
    assert!(web.len() >= 5);
    for d in web {
        let file = std::fs::read(samples().join("web").join(&d.source_file)).unwrap();
        let member = &file[d.source_offset as usize..(d.source_offset + d.source_length) as usize];
        let record = gunzip_member(member);
        assert!(record.starts_with(b"WARC/1."), "{}", d.source_offset);
        let rid = d.record_id.as_deref().unwrap();
        assert!(String::from_utf8_lossy(&record).contains(rid));
        assert_eq!(d.licence.as_deref(), Some("CC0-1.0"));
    }
    // Non-document records are counted, a PNG response goes to the ledger.
    let counters = &m["counters"];
    assert!(
        counters["records.warcinfo"].as_u64().unwrap_or(0) >= 1,
        "{counters}"
    );
    let ledger = read_ledger(&ingest);
    assert!(
        ledger
            .iter()
            .any(|r| r.why.reason == "ingest.binary_payload"),
        "{:?}",
        m["reasons"]
    );
    assert_eq!(ledger.len() as u64, m["rows_rejected"].as_u64().unwrap());
}

fn record(kind: &str, uri: &str, block: &[u8], declared_len: Option<usize>) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\nContent-Type: application/http; msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        uri.len(),
        declared_len.unwrap_or(block.len())
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(ctype: &str, body: &[u8]) -> Vec<u8> {
    let mut h = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    h.extend_from_slice(body);
    h
}

fn page(text: &str) -> Vec<u8> {
    format!(
        "<html><head><title>t</title></head><body><article><p>{text}</p></article></body></html>"
    )
    .into_bytes()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

const GOOD: &str = "La minga es trabajo comunitario para el bien común en los Andes, y todos llevan algo que compartir.";

/// Writes damaged inputs; returns the number of good documents hidden among them.
fn write_bad_inputs(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    // Truncated gzip: two good members, then a member cut in half.
    let mut f = Vec::new();
    f.extend(gz(&record(
        "response",
        "https://a.example/1",
        &http("text/html", &page(GOOD)),
        None,
    )));
    f.extend(gz(&record(
        "response",
        "https://a.example/2",
        &http("text/html", &page(GOOD)),
        None,
    )));
    let third = gz(&record(
        "response",
        "https://a.example/3",
        &http("text/html", &page(GOOD)),
        None,
    ));
    f.extend_from_slice(&third[..third.len() / 2]);
    std::fs::write(dir.join("truncated.warc.gz"), f).unwrap();
    // A Content-Length that lies (claims far more than there is), then a good record.
    let mut f = record(
        "response",
        "https://b.example/liar",
        &http("text/html", &page(GOOD)),
        Some(99_999),
    );
    f.extend(record(
        "response",
        "https://b.example/ok",
        &http("text/html", &page(GOOD)),
        None,
    ));
    std::fs::write(dir.join("liar.warc"), f).unwrap();
    // windows-1252 declared in the HTTP header; a PNG; non-UTF-8 bytes in a header.
    let latin = encoding_rs::WINDOWS_1252
        .encode(&format!("{GOOD} Ñandutí, acción, corazón."))
        .0
        .into_owned();
    let mut f = record(
        "response",
        "https://c.example/latin",
        &http("text/html; charset=windows-1252", &page_bytes(&latin)),
        None,
    );
    f.extend(record(
        "response",
        "https://c.example/img.png",
        &http("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        None,
    ));
    std::fs::write(dir.join("mixed.warc"), f).unwrap();
    // An empty file.
    std::fs::write(dir.join("empty.warc"), b"").unwrap();
    3 + 1 + 1
}

fn page_bytes(body: &[u8]) -> Vec<u8> {
    let mut p = b"<html><body><article><p>".to_vec();
    p.extend_from_slice(body);
    p.extend_from_slice(b"</p></article></body></html>");
    p
}

#[test]
fn damaged_input_is_skipped_with_counted_reasons_and_the_rest_is_read() {
    let t = tempfile::tempdir().unwrap();
    let bad = t.path().join("bad");
    let good_docs = write_bad_inputs(&bad);
    let out = run_ok(
        t.path(),
        &["ingest", "bad", "--out", "out", "--source", "crawl"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("truncated.warc.gz @ "),
        "warnings name file and offset: {stderr}"
    );
    let docs = read_docs(&t.path().join("out"));
    let m = read_json(&t.path().join("out/_manifest.json"));
    let reasons = &m["reasons"];
    assert!(
        reasons["ingest.truncated_gzip"].as_u64().unwrap_or(0) >= 1,
        "{m}"
    );
    assert!(
        reasons["ingest.binary_payload"].as_u64().unwrap_or(0) >= 1,
        "{m}"
    );
    let urls: Vec<_> = docs.iter().filter_map(|d| d.url.as_deref()).collect();
    for u in [
        "https://a.example/1",
        "https://a.example/2",
        "https://b.example/ok",
        "https://c.example/latin",
    ] {
        assert!(urls.contains(&u), "{u} missing from {urls:?}");
    }
    let latin = docs
        .iter()
        .find(|d| d.url.as_deref() == Some("https://c.example/latin"))
        .unwrap();
    assert!(
        latin.text.contains("Ñandutí, acción, corazón."),
        "{}",
        latin.text
    );
    assert!(docs.len() + 1 >= good_docs - 1, "{} documents", docs.len());
    assert_eq!(
        m["counters"]["ingest.file_without_documents"].as_u64(),
        Some(1),
        "the empty file is counted"
    );
}

#[test]
fn a_200_mb_record_is_skipped_without_stopping_the_file() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("huge.warc");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let body_len = 200 << 20;
    let head =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {body_len}\r\n\r\n");
    let block_len = head.len() + body_len;
    f.write_all(format!("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://big.example/\r\nWARC-Record-ID: <urn:uuid:big>\r\nContent-Length: {block_len}\r\n\r\n{head}").as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\r\n\r\n").unwrap();
    f.write_all(&record(
        "response",
        "https://small.example/",
        &http("text/html", &page(GOOD)),
        None,
    ))
    .unwrap();
    drop(f);
    run_ok(t.path(), &["ingest", "huge.warc", "--out", "out"], &[]);
    let m = read_json(&t.path().join("out/_manifest.json"));
    assert_eq!(
        m["reasons"]["ingest.record_too_large"].as_u64(),
        Some(1),
        "{m}"
    );
    let docs = read_docs(&t.path().join("out"));
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].url.as_deref(), Some("https://small.example/"));
}

#[test]
fn missing_input_is_an_error_naming_it() {
    let t = tempfile::tempdir().unwrap();
    let out = minga()
        .current_dir(t.path())
        .args(["ingest", "nope/*.warc.gz", "nothere.warc", "--out", "o"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothere.warc"));
}

#[test]
fn extract_prints_main_text_plain_and_jsonl_from_stdin() {
    let t = tempfile::tempdir().unwrap();
    let html = "<html><body><nav><a href='/'>Inicio</a> | <a href='/x'>Contacto</a></nav><article><h1>Minga</h1>\
        <p>La minga es trabajo comunitario para el bien común, una tradición andina que sigue viva.</p></article>\
        <footer>© 2024 Todos los derechos reservados</footer></body></html>";
    std::fs::write(t.path().join("a.html"), html).unwrap();
    let out = run_ok(t.path(), &["extract", "a.html"], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("trabajo comunitario"), "{text}");
    assert!(!text.contains("derechos reservados"), "{text}");
    let mut c = minga();
    c.current_dir(t.path())
        .args(["extract", "--jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"a.html\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["file"], "a.html");
    assert!(line["text"].as_str().unwrap().contains("bien común"));
}

#[test]
fn shared_tei_and_machado_collections_ingest() {
    let Some(data) = shared_data() else { return };
    let t = tempfile::tempdir().unwrap();
    let tei = data.join("documents/conha19-tei");
    let mach = data.join("documents/machado-txt");
    let glob_tei = format!("{}/nh00*.xml", tei.display());
    run_ok(
        t.path(),
        &["ingest", &glob_tei, "--out", "tei", "--source", "conha19"],
        &[],
    );
    let docs = read_docs(&t.path().join("tei"));
    assert!(docs.len() >= 8, "{}", docs.len());
    for d in &docs {
        assert_eq!(d.content_type, "tei");
        assert!(d.title.is_some(), "{}", d.source_file);
        assert!(
            d.text.len() > 50_000,
            "{} has {} bytes",
            d.source_file,
            d.text.len()
        );
        assert!(d.text.contains("\n\n"));
        assert!(
            matches!(d.country.as_deref(), Some("AR" | "MX" | "CU")),
            "{:?}",
            d.country
        );
    }
    let glob_mach = format!("{}/romance_*.txt", mach.display());
    run_ok(
        t.path(),
        &[
            "ingest",
            &glob_mach,
            "--out",
            "mach",
            "--source",
            "machado",
            "--licence",
            "public-domain",
        ],
        &[],
    );
    let docs = read_docs(&t.path().join("mach"));
    assert_eq!(docs.len(), 10);
    assert!(docs
        .iter()
        .all(|d| d.licence.as_deref() == Some("public-domain") && d.content_type == "txt"));
}
