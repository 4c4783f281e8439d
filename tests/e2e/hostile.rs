//! Hostile input stays bounded: each bomb runs `minga ingest` as a child under an address-space
//! limit ([`AS_LIMIT`], via `prlimit`), which must exit 0, count the bomb under its skip reason
//! and still read the good documents around it. Peak RSS is measured with `/usr/bin/time` when
//! present and printed, so RELIABILITY.md can quote it.
//!
//! The address-space limit is not the RSS bound: thread stacks and allocator arenas reserve
//! virtual memory they never touch, so the limit sits above the measured peak RSS (at most about
//! 80 MiB, for the 1 GB line and the gzip bombs); [`RSS_BOUND_KB`] is checked as well.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::util::*;

/// Address space the child may map.
const AS_LIMIT: u64 = 512 << 20;
/// Peak resident memory any bomb may cost (KiB); the 64 MiB record cap plus working buffers.
const RSS_BOUND_KB: u64 = 256 * 1024;

const GOOD: &str = "En la comunidad hicimos una minga para limpiar el canal. Cada familia trajo \
    palas y comida, y al final del día el agua volvió a correr hasta las chacras de abajo.";

/// Runs `minga ingest INPUT --out out` in `dir` under the limits; returns output and peak RSS (KiB).
fn ingest_bounded(dir: &Path, input: &str) -> (Output, Option<u64>) {
    let minga = env!("CARGO_BIN_EXE_minga");
    let have = |p: &str| Path::new(p).exists();
    let (prlimit, time) = (which("prlimit"), have("/usr/bin/time"));
    let rss_file = dir.join("rss.txt");
    let mut c = match (&prlimit, time) {
        (Some(pl), true) => {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(pl);
            c.arg(format!("--as={AS_LIMIT}")).arg(minga);
            c
        }
        (Some(pl), false) => {
            let mut c = Command::new(pl);
            c.arg(format!("--as={AS_LIMIT}")).arg(minga);
            c
        }
        _ => {
            eprintln!("prlimit not found: running without a memory limit");
            Command::new(minga)
        }
    };
    c.current_dir(dir)
        .args(["ingest", input, "--out", "out", "--source", "hostile"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT");
    let out = c.output().expect("minga runs");
    assert!(
        out.status.success(),
        "ingest {input} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse().ok());
    if let Some(kb) = rss {
        eprintln!("{input}: peak RSS {} MiB", kb / 1024);
        assert!(kb < RSS_BOUND_KB, "{input}: peak RSS {kb} KiB");
    }
    (out, rss)
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn reason(dir: &Path, r: &str) -> u64 {
    let m = read_json(&dir.join("out/_manifest.json"));
    m["reasons"][r].as_u64().unwrap_or(0)
}

fn urls(dir: &Path) -> Vec<String> {
    read_docs(&dir.join("out"))
        .into_iter()
        .filter_map(|d| d.url)
        .collect()
}

fn warc_head(kind: &str, uri: &str, ct: &str, len: usize) -> Vec<u8> {
    format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: {ct}\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes()
}

/// A complete `response` record carrying `body` as an HTTP response with `extra` headers.
fn response(uri: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    http.extend_from_slice(body);
    let mut rec = warc_head(
        "response",
        uri,
        "application/http; msgtype=response",
        http.len(),
    );
    rec.extend_from_slice(&http);
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

fn page(text: &str) -> Vec<u8> {
    format!("<html><body><article><p>{text}</p></article></body></html>").into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `n` zero bytes, gzipped while streaming (never held inflated).
fn gzip_zeros(prefix: &[u8], n: u64, suffix: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(prefix).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len() as u64) as usize;
        e.write_all(&chunk[..k]).unwrap();
        left -= k as u64;
    }
    e.write_all(suffix).unwrap();
    e.finish().unwrap()
}

#[test]
fn xml_entity_bomb_in_tei_is_rejected() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("tei");
    std::fs::create_dir(&d).unwrap();
    let mut dtd = String::from("<!DOCTYPE TEI [\n<!ENTITY l0 \"lol\">\n");
    for i in 1..=12 {
        let p = i - 1;
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};\">\n"
        ));
    }
    dtd.push_str("]>\n");
    let tei = |title: &str, body: &str| {
        format!(
            "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt></fileDesc></teiHeader><text><body><p>{body}</p></body></text></TEI>"
        )
    };
    std::fs::write(
        d.join("bomb.xml"),
        format!("<?xml version=\"1.0\"?>\n{dtd}{}", tei("bomba", "&l12;")),
    )
    .unwrap();
    std::fs::write(d.join("good.xml"), tei("bueno", GOOD)).unwrap();
    ingest_bounded(t.path(), "tei");
    assert_eq!(reason(t.path(), "ingest.xml_entities"), 1);
    let docs = read_docs(&t.path().join("out"));
    assert_eq!(docs.len(), 1);
    assert!(docs[0].text.contains("minga para limpiar"));
}

#[test]
fn gzip_bombs_in_warc_stop_at_the_record_cap() {
    let t = tempfile::tempdir().unwrap();
    let mut file = gzip(&response("https://a.example/1", "", &page(GOOD)));
    // A record declaring 1 GiB of zeros: a ~1 MiB member that inflates 1000x.
    let huge = 1u64 << 30;
    let head = warc_head(
        "resource",
        "https://bomb.example/raw",
        "text/plain",
        huge as usize,
    );
    file.extend(gzip_zeros(&head, huge, b"\r\n\r\n"));
    file.extend(gzip(&response("https://a.example/2", "", &page(GOOD))));
    // An HTTP payload with Content-Encoding: gzip that inflates to 1 GiB.
    let inner = gzip_zeros(b"", huge, b"");
    file.extend(gzip(&response(
        "https://bomb.example/http",
        "Content-Encoding: gzip\r\n",
        &inner,
    )));
    file.extend(gzip(&response("https://a.example/3", "", &page(GOOD))));
    std::fs::write(t.path().join("bomb.warc.gz"), &file).unwrap();
    assert!(file.len() < 8 << 20, "{} bytes", file.len());
    ingest_bounded(t.path(), "bomb.warc.gz");
    assert_eq!(reason(t.path(), "ingest.record_too_large"), 2);
    let u = urls(t.path());
    for want in [
        "https://a.example/1",
        "https://a.example/2",
        "https://a.example/3",
    ] {
        assert!(u.iter().any(|x| x == want), "{want} missing: {u:?}");
    }
}

#[test]
fn html_nested_100000_deep_does_not_overflow() {
    let t = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let mut html = b"<html><body>".to_vec();
    for _ in 0..depth {
        html.extend_from_slice(b"<div>");
    }
    html.extend_from_slice(GOOD.as_bytes());
    for _ in 0..depth {
        html.extend_from_slice(b"</div>");
    }
    html.extend_from_slice(b"</body></html>");
    let mut file = response("https://deep.example/", "", &html);
    file.extend(response("https://a.example/after", "", &page(GOOD)));
    std::fs::write(t.path().join("deep.warc"), &file).unwrap();
    ingest_bounded(t.path(), "deep.warc");
    let m = read_json(&t.path().join("out/_manifest.json"));
    assert_eq!(m["rows_in"].as_u64(), Some(2), "{m}");
    let u = urls(t.path());
    assert!(u.iter().any(|x| x == "https://a.example/after"), "{u:?}");
    // The deep page is either kept (its text extracted) or skipped with a counted reason.
    let kept = u.iter().any(|x| x == "https://deep.example/");
    assert!(kept || m["rows_rejected"].as_u64() == Some(1), "{m}");
}

#[test]
fn a_1_gb_jsonl_line_is_streamed_past() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("big.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let line = |id: &str| serde_json::json!({"id": id, "text": GOOD}).to_string() + "\n";
    f.write_all(line("before").as_bytes()).unwrap();
    f.write_all(br#"{"id": "huge", "text": ""#).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..1024 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"}\n").unwrap();
    f.write_all(line("after").as_bytes()).unwrap();
    drop(f);
    ingest_bounded(t.path(), "big.jsonl");
    assert_eq!(reason(t.path(), "ingest.record_too_large"), 1);
    assert_eq!(read_docs(&t.path().join("out")).len(), 2);
}

#[test]
fn invalid_utf8_everywhere_is_read_or_counted() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("bad");
    std::fs::create_dir(&d).unwrap();
    let junk: &[u8] = b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\x80";
    let with_junk = |s: &str| [s.as_bytes(), junk, s.as_bytes()].concat();
    std::fs::write(d.join("a.txt"), with_junk(GOOD)).unwrap();
    std::fs::write(d.join("b.md"), with_junk(&format!("# Título\n\n{GOOD}"))).unwrap();
    let mut jl = serde_json::json!({"id": "ok", "text": GOOD})
        .to_string()
        .into_bytes();
    jl.extend_from_slice(b"\n{\"id\": \"bad\", \"text\": \"");
    jl.extend_from_slice(&with_junk(GOOD));
    jl.extend_from_slice(b"\"}\n");
    jl.extend_from_slice(junk);
    jl.push(b'\n');
    std::fs::write(d.join("c.jsonl"), jl).unwrap();
    let tei = format!(
        "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader><text><body><p>{GOOD}"
    );
    std::fs::write(
        d.join("d.xml"),
        [tei.as_bytes(), junk, b"</p></body></text></TEI>"].concat(),
    )
    .unwrap();
    let mut w = response("https://a.example/ok", "", &page(GOOD));
    let mut head = warc_head(
        "response",
        "https://j.example/\u{fffd}",
        "application/http",
        0,
    );
    head.splice(20..20, junk.iter().copied());
    w.extend(response(
        "https://b.example/junk",
        "X-Junk: \u{1}\r\n",
        &with_junk(GOOD),
    ));
    w.extend(junk);
    w.extend(head);
    w.extend(response("https://c.example/last", "", &page(GOOD)));
    std::fs::write(d.join("e.warc"), &w).unwrap();
    std::fs::write(
        d.join("f.html"),
        with_junk(&String::from_utf8(page(GOOD)).unwrap()),
    )
    .unwrap();
    ingest_bounded(t.path(), "bad");
    let m = read_json(&t.path().join("out/_manifest.json"));
    let docs = read_docs(&t.path().join("out"));
    for doc in &docs {
        // Every kept text is valid UTF-8 by type; it must also keep the good sentence.
        assert!(!doc.text.is_empty());
    }
    let u = urls(t.path());
    for want in ["https://a.example/ok", "https://c.example/last"] {
        assert!(u.iter().any(|x| x == want), "{want} missing: {u:?} {m}");
    }
    assert!(docs.len() >= 6, "{} documents: {m}", docs.len());
    assert_eq!(
        m["rows_in"].as_u64().unwrap(),
        m["rows_out"].as_u64().unwrap() + m["rows_rejected"].as_u64().unwrap()
    );
}

#[test]
fn a_200_mb_record_is_skipped_within_the_bound() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("huge.warc");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(&response("https://a.example/before", "", &page(GOOD)))
        .unwrap();
    let body_len = 200usize << 20;
    f.write_all(&warc_head(
        "resource",
        "https://big.example/",
        "text/plain",
        body_len,
    ))
    .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\r\n\r\n").unwrap();
    f.write_all(&response("https://a.example/after", "", &page(GOOD)))
        .unwrap();
    drop(f);
    ingest_bounded(t.path(), "huge.warc");
    assert_eq!(reason(t.path(), "ingest.record_too_large"), 1);
    assert_eq!(urls(t.path()).len(), 2);
}

/// A shard changed after its stage wrote it is refused before decoding. The replacement is the
/// fuzzer's input that makes the Parquet decoder request 2^61 bytes and abort the process (no
/// error path can catch that), so reaching the decoder would end in SIGABRT instead of an error.
/// `minga run --resume` then rewrites the part from its input, as for any changed output.
#[test]
fn a_corrupted_input_shard_is_an_error_not_an_abort() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_ok(t.path(), &["run", cfg, "--workdir", "w"], &[]);
    let shard = t.path().join("w/langid/part-00000.parquet");
    let original = std::fs::read(&shard).unwrap();
    let crash = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../manifests/tests/data/fuzz-alloc-abort.parquet"
    );
    std::fs::copy(crash, &shard).unwrap();
    let out = minga()
        .current_dir(t.path())
        .args(["filter", "--in", "w/langid", "--out", "w/filter2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("langid/part-00000.parquet changed since its stage wrote it"),
        "{stderr}"
    );
    let verify = |ok: bool| {
        let out = minga()
            .current_dir(t.path())
            .args(["audit", "verify", "--workdir", "w"])
            .output()
            .unwrap();
        assert_eq!(out.status.success(), ok, "{out:?}");
        if !ok {
            assert!(String::from_utf8_lossy(&out.stdout).contains("part-00000.parquet"));
        }
    };
    verify(false);
    run_ok(t.path(), &["run", cfg, "--workdir", "w", "--resume"], &[]);
    assert_eq!(std::fs::read(&shard).unwrap(), original);
    verify(true);
}

#[test]
fn partner_format_bombs_are_skipped_with_reasons() {
    use zip::write::SimpleFileOptions;
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("formats");
    std::fs::create_dir(&d).unwrap();
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // A DOCX whose document.xml inflates to 300 MB of zeros (about 300 KB stored).
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("[Content_Types].xml", deflated).unwrap();
    w.write_all(b"<Types/>").unwrap();
    w.start_file("word/document.xml", deflated).unwrap();
    let chunk = vec![b'0'; 1 << 20];
    for _ in 0..300 {
        w.write_all(&chunk).unwrap();
    }
    std::fs::write(d.join("bomba.docx"), w.finish().unwrap().into_inner()).unwrap();
    // An EPUB listing 20,000 entries.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..20_000 {
        w.start_file(format!("OEBPS/{i}.xhtml"), SimpleFileOptions::default())
            .unwrap();
    }
    std::fs::write(d.join("muchas.epub"), w.finish().unwrap().into_inner()).unwrap();
    // An ELAN file nested 100,000 deep, a truncated ODT and binary bytes named .vtt.
    let deep = format!("<ANNOTATION_DOCUMENT>{}", "<TIER>".repeat(100_000));
    std::fs::write(d.join("honda.eaf"), deep).unwrap();
    std::fs::write(d.join("cortado.odt"), b"PK\x03\x04\x14\x00\x00\x00").unwrap();
    let binary: Vec<u8> = (0..50_000u32).map(|i| (i % 7) as u8).collect();
    std::fs::write(d.join("ruido.vtt"), binary).unwrap();
    let good = format!("1\n00:00:01,000 --> 00:00:05,000\n{GOOD}\n");
    std::fs::write(d.join("bueno.srt"), good).unwrap();
    ingest_bounded(t.path(), "formats");
    assert_eq!(reason(t.path(), "ingest.record_too_large"), 1);
    assert_eq!(reason(t.path(), "ingest.bad_zip"), 2);
    assert_eq!(reason(t.path(), "ingest.xml_too_deep"), 1);
    assert_eq!(reason(t.path(), "ingest.undecodable"), 1);
    let docs = read_docs(&t.path().join("out"));
    assert_eq!(docs.len(), 1);
    assert!(docs[0].text.contains("minga para limpiar"));
}

#[test]
fn pdf_flate_bomb_is_skipped_within_the_memory_bound() {
    use crate::pdf::build::PdfBuilder;
    use flate2::write::ZlibEncoder;
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pdfs");
    std::fs::create_dir(&d).unwrap();
    // A page whose 1 MB FlateDecode content stream inflates to 1 GiB of spaces.
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        z.write_all(&chunk).unwrap();
    }
    let mut b = PdfBuilder::new();
    b.encoded_page(&z.finish().unwrap(), "FlateDecode");
    std::fs::write(d.join("bomba.pdf"), b.to_bytes()).unwrap();
    std::fs::write(d.join("bueno.pdf"), crate::pdf::report()).unwrap();
    ingest_bounded(t.path(), "pdfs");
    assert_eq!(reason(t.path(), "ingest.record_too_large"), 1);
    let docs = read_docs(&t.path().join("out"));
    assert_eq!(docs.len(), 1);
    assert!(docs[0].text.contains("minga para limpiar"));
}
