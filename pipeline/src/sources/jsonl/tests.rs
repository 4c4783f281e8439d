//! Tests of the jsonl reader: fields, bad lines, ranges, gzip and a huge line.

use super::*;
use std::io::Write;

const LINES: &str = concat!(
    r#"{"id": "gn-1", "text": "Mba'éichapa reiko? Iporã.", "url": "https://example.org/gn", "lang": "grn"}"#,
    "\n",
    r#"{"id": 7, "text": "Kamisaki? Waliki.", "source": {"name": "prueba"}, "lang": "aym"}"#,
    "\r\n",
    "\n",
    r#"{"id": "es-3", "texto": "campo equivocado"}"#,
    "\n",
    r#"{"id": "es-4", "text": "sin cerrar"#,
    "\n",
    r#"["no", "es", "objeto"]"#,
    "\n",
    r#"{"id": "pt-6", "text": 42}"#,
    "\n",
    r#"{"id": "pt-7", "text": "Bom dia,\r\nvizinha."}"#,
);

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn collect(path: &Path, range: Option<(u64, u64)>, opts: &JsonlOptions) -> Vec<SourceItem> {
    read_jsonl(path, range, opts)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn reasons(items: &[SourceItem]) -> Vec<String> {
    items
        .iter()
        .map(|i| match i {
            SourceItem::Doc(d) => format!("doc@{}", d.offset),
            SourceItem::Skip(s) => format!("{}@{}", s.reason, s.offset),
            SourceItem::NotDocument { kind, offset } => format!("{kind}@{offset}"),
        })
        .collect()
}

#[test]
fn fields_meta_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "mix.jsonl", LINES.as_bytes());
    let items = collect(&path, None, &JsonlOptions::default());
    let kinds: Vec<String> = reasons(&items)
        .iter()
        .map(|r| r.split('@').next().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "doc",
            "doc",
            "ingest.no_text",
            "ingest.bad_json",
            "ingest.bad_json",
            "ingest.no_text",
            "doc"
        ]
    );
    let SourceItem::Doc(gn) = &items[0] else {
        panic!()
    };
    assert_eq!(gn.body, Body::Text("Mba'éichapa reiko? Iporã.".into()));
    assert_eq!(gn.record_id.as_deref(), Some("gn-1"));
    assert_eq!(gn.url.as_deref(), Some("https://example.org/gn"));
    assert_eq!(gn.meta.get("lang"), Some(&Value::from("grn")));
    assert!(!gn.meta.contains_key("text") && !gn.meta.contains_key("id"));
    let first_line = LINES.lines().next().unwrap();
    assert_eq!((gn.offset, gn.length), (0, first_line.len() as u64));

    let SourceItem::Doc(aym) = &items[1] else {
        panic!()
    };
    assert_eq!(aym.record_id.as_deref(), Some("7"));
    assert_eq!(aym.meta["source"]["name"], "prueba");
    let start = aym.offset as usize;
    let stored = &LINES[start..start + aym.length as usize];
    assert!(stored.starts_with("{\"id\": 7") && stored.ends_with("}\r"));

    let SourceItem::Doc(pt) = &items[6] else {
        panic!()
    };
    assert_eq!(pt.body, Body::Text("Bom dia,\nvizinha.".into()));
}

#[test]
fn configurable_fields() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"doc": "q-1", "contenido": "Allinllachu kashanki?", "id": "otro"}"#;
    let path = write(&dir, "q.jsonl", line.as_bytes());
    let opts = JsonlOptions {
        text_field: "contenido".into(),
        id_field: Some("doc".into()),
        ..JsonlOptions::default()
    };
    let items = collect(&path, None, &opts);
    let [SourceItem::Doc(d)] = items.as_slice() else {
        panic!("{items:?}")
    };
    assert_eq!(d.record_id.as_deref(), Some("q-1"));
    assert_eq!(d.meta["id"], "otro");
}

#[test]
fn ranges_tile_the_file_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "mix.jsonl", LINES.as_bytes());
    let opts = JsonlOptions::default();
    let whole = reasons(&collect(&path, None, &opts));
    let len = LINES.len() as u64;
    for cut in 0..=len {
        let mut parts = reasons(&collect(&path, Some((0, cut)), &opts));
        parts.extend(reasons(&collect(&path, Some((cut, len)), &opts)));
        assert_eq!(parts, whole, "cut at {cut}");
    }
    assert!(matches!(
        read_jsonl(&path, Some((9, 3)), &opts),
        Err(SourceError::InvalidRange { .. })
    ));
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "bad.jsonl", b"{\"text\": \"Ara\xff pyahu\"}\n");
    let items = collect(&path, None, &JsonlOptions::default());
    let [SourceItem::Doc(d)] = items.as_slice() else {
        panic!("{items:?}")
    };
    assert_eq!(d.body, Body::Text("Ara\u{FFFD} pyahu".into()));
    assert_eq!(d.meta["replaced_chars"], 1);
}

#[test]
fn gzip_offsets_are_uncompressed_and_corruption_is_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(LINES.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let path = write(&dir, "mix.jsonl.gz", &bytes);
    let items = collect(&path, None, &JsonlOptions::default());
    let plain = write(&dir, "mix.jsonl", LINES.as_bytes());
    assert_eq!(
        reasons(&items),
        reasons(&collect(&plain, None, &JsonlOptions::default()))
    );
    let SourceItem::Doc(d) = &items[0] else {
        panic!()
    };
    assert_eq!(d.meta["offsets"], "uncompressed");

    let cut = write(&dir, "cut.jsonl.gz", &bytes[..bytes.len() - 30]);
    let items = collect(&cut, None, &JsonlOptions::default());
    let last = items.last().unwrap();
    assert!(
        matches!(last, SourceItem::Skip(s) if s.reason.as_str().ends_with("gzip")),
        "{last:?}"
    );
}

#[test]
fn missing_file_names_the_path() {
    let err = read_jsonl(
        Path::new("no/hay/datos.jsonl"),
        None,
        &JsonlOptions::default(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("no/hay/datos.jsonl"), "{err}");
}

/// Peak resident memory of this process, from /proc (Linux only).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn a_300_mb_line_is_streamed_past_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let head = "{\"id\": \"a\", \"text\": \"Rimaykullayki.\"}\n";
    {
        let mut f = std::io::BufWriter::new(File::create(&path).unwrap());
        f.write_all(head.as_bytes()).unwrap();
        f.write_all(b"{\"id\": \"big\", \"text\": \"").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..300 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\"}\n{\"id\": \"c\", \"text\": \"Tupananchikkama.\"}")
            .unwrap();
    }
    let big_len = 300 * (1 << 20) + 25;
    let before = peak_rss_bytes();
    let opts = JsonlOptions {
        max_line_bytes: 4 << 20,
        ..JsonlOptions::default()
    };
    let mut iter = read_jsonl(&path, None, &opts).unwrap();
    let items: Vec<SourceItem> = iter.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        reasons(&items),
        [
            "doc@0".to_string(),
            format!("ingest.record_too_large@{}", head.len()),
            format!("doc@{}", head.len() + big_len + 1)
        ]
    );
    let SourceItem::Skip(s) = &items[1] else {
        panic!()
    };
    assert!(
        s.detail.contains(&format!("line of {big_len} bytes")),
        "{}",
        s.detail
    );
    assert!(
        iter.peak_buffer() <= (4 << 20) + 1,
        "{}",
        iter.peak_buffer()
    );
    if let (Some(before), Some(after)) = (before, peak_rss_bytes()) {
        let grew = after.saturating_sub(before);
        assert!(grew < 128 << 20, "peak RSS grew by {grew} bytes");
    }
}
