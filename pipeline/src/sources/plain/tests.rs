//! Tests of the txt/md/html reader on inline texts and, when present, on Machado de Assis.

use super::*;
use std::path::PathBuf;

const LIMIT: u64 = 1 << 20;

fn read(bytes: &[u8], name: &str, kind: PlainKind) -> Vec<SourceItem> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    read_plain(&path, kind, LIMIT).unwrap()
}

fn only_doc(items: Vec<SourceItem>) -> SourceDoc {
    match items.as_slice() {
        [SourceItem::Doc(d)] => d.clone(),
        other => panic!("expected one document, got {other:?}"),
    }
}

fn text(doc: &SourceDoc) -> &str {
    match &doc.body {
        Body::Text(t) | Body::Html(t) => t,
    }
}

#[test]
fn txt_is_normalised_with_a_title() {
    let raw = "Conto, A raposa e o condor, 1901\r\n\r\n\r\nEra uma vez   \r\numa raposa.\r\n\r\n\r\n\r\nFim.\x07\r\n";
    let doc = only_doc(read(raw.as_bytes(), "conto.txt", PlainKind::Txt));
    assert_eq!(
        text(&doc),
        "Conto, A raposa e o condor, 1901\n\nEra uma vez\numa raposa.\n\nFim."
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Conto, A raposa e o condor, 1901")
    );
    assert_eq!(doc.meta["control_chars_removed"], 1);
    assert_eq!((doc.offset, doc.length), (0, raw.len() as u64));
    assert_eq!(doc.content_type, "txt");
}

#[test]
fn prose_first_line_is_not_a_title() {
    let raw = "Kay llaqtapiqa runakuna tutamanta llank'anku.\n\nChaymantataq mikhunku.";
    let doc = only_doc(read(raw.as_bytes(), "que.txt", PlainKind::Txt));
    assert_eq!(doc.title, None);
    let wrapped = "Ñande ñe'ẽ ha'e\nñande reko.\n\nAmbue.";
    let doc = only_doc(read(wrapped.as_bytes(), "gn.txt", PlainKind::Txt));
    assert_eq!(doc.title, None);
}

#[test]
fn legacy_encoding_and_c1_controls() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Canção\n\nAção… “sim”.");
    let doc = only_doc(read(&bytes, "latin.txt", PlainKind::Txt));
    assert_eq!(text(&doc), "Canção\n\nAção… “sim”.");
    assert_eq!(doc.meta["encoding"], "windows-1252");
    assert_eq!(doc.meta["encoding_from"], "fallback");

    let doc = only_doc(read(
        "Dentro en mi alma\u{85}\n\nfin".as_bytes(),
        "c1.txt",
        PlainKind::Txt,
    ));
    assert_eq!(text(&doc), "Dentro en mi alma…\n\nfin");
    assert_eq!(doc.meta["c1_controls_fixed"], 1);

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Añu".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(
        text(&only_doc(read(&utf16, "u16.txt", PlainKind::Txt))),
        "Añu"
    );
}

#[test]
fn markdown_front_matter_and_markup() {
    let raw = "---\ntitle: Ayni\nlicence: CC0-1.0\ncountry: Bolivia\nautor: Grupo minga\n---\n\
               # Encabezado\n\nEl **ayni** es ayuda _mutua_.\n";
    let doc = only_doc(read(raw.as_bytes(), "ayni.md", PlainKind::Md));
    assert_eq!(text(&doc), "Encabezado\n\nEl ayni es ayuda mutua.");
    assert_eq!(doc.title.as_deref(), Some("Ayni"));
    assert_eq!(doc.licence.as_deref(), Some("CC0-1.0"));
    assert_eq!(doc.country.as_deref(), Some("BO"));
    assert_eq!(doc.meta["autor"], "Grupo minga");
    let doc = only_doc(read(b"Texto\n=====\n\ncuerpo", "t.md", PlainKind::Md));
    assert_eq!(doc.title.as_deref(), Some("Texto"));
}

#[test]
fn html_keeps_markup_and_honours_meta_charset() {
    let html = "<html><head><meta charset=\"iso-8859-1\"><title>Página</title></head><body><p>Olá, São Paulo</p></body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(html);
    let doc = only_doc(read(&bytes, "p.html", PlainKind::Html));
    assert_eq!(doc.body, Body::Html(html.to_string()));
    assert_eq!(doc.meta["encoding_from"], "declared");
    assert_eq!(doc.content_type, "html");
}

#[test]
fn empty_binary_blank_too_large_and_missing() {
    assert!(read(b"", "vacio.txt", PlainKind::Txt).is_empty());
    let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let items = read(&garbage, "x.txt", PlainKind::Txt);
    assert!(matches!(&items[..], [SourceItem::Skip(s)] if s.reason == "ingest.undecodable"));
    let items = read(b" \n\n\t \r\n", "blank.txt", PlainKind::Txt);
    assert!(matches!(&items[..], [SourceItem::Skip(s)] if s.reason == "ingest.no_text"));
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("grande.txt");
    std::fs::write(&big, "a".repeat(100)).unwrap();
    let items = read_plain(&big, PlainKind::Txt, 10).unwrap();
    assert!(matches!(&items[..], [SourceItem::Skip(s)] if s.reason == "ingest.record_too_large"));
    let err = read_plain(&dir.path().join("falta.md"), PlainKind::Md, LIMIT).unwrap_err();
    assert!(err.to_string().contains("falta.md"), "{err}");
}

#[test]
fn machado_files_read_with_title_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/documents/machado-txt");
    if !dir.is_dir() {
        eprintln!("skipping: ../shared/data not found");
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 245);
    let (mut titled, mut c1_files) = (0, 0);
    for path in &files {
        let doc = only_doc(read_plain(path, PlainKind::Txt, 64 << 20).unwrap());
        let t = text(&doc);
        assert!(
            !t.contains('\r') && !t.contains("\n\n\n"),
            "{}",
            path.display()
        );
        assert!(
            !t.contains('\u{85}') && !t.contains('\u{FFFD}'),
            "{}",
            path.display()
        );
        assert!(t.contains("\n\n"), "{}", path.display());
        assert!(!doc.meta.contains_key("encoding"), "{}", path.display());
        c1_files += usize::from(doc.meta.contains_key("c1_controls_fixed"));
        if let Some(title) = &doc.title {
            titled += 1;
            assert_eq!(Some(title.as_str()), t.lines().next());
        }
    }
    assert!(titled >= 240, "only {titled} of 245 have a title line");
    // Most files carry windows-1252 dashes and quotes once mis-decoded as C1 controls.
    assert!(
        c1_files >= 150,
        "C1 controls fixed in only {c1_files} files"
    );
}
