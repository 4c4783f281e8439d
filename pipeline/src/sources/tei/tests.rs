//! Tests of the TEI reader on small inline documents and, when present, on the conha19 novels.

use super::*;
use crate::sources::{Body, Skip, SourceDoc};
use std::path::PathBuf;

const NOVELA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="es">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="main">La chacra de Mamá Ocllo</title>
        <title type="sub">Relato breve</title>
        <author><persName>Huamán, Rosa</persName><idno type="viaf">1</idno></author>
      </titleStmt>
      <publicationStmt>
        <publisher>Archivo minga</publisher>
        <availability status="free">
          <licence target="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</licence>
        </availability>
        <date when="2024">2024</date>
        <idno type="minga">mg0001</idno>
      </publicationStmt>
      <sourceDesc><bibl type="edition-first"><date when="1911"/></bibl></sourceDesc>
    </fileDesc>
    <profileDesc>
      <langUsage><language ident="es"/><language ident="que"/></langUsage>
      <settingDesc><place><country>Perú</country></place></settingDesc>
    </profileDesc>
  </teiHeader>
  <text>
    <front><div type="preface"><p>Prólogo que no es parte del relato.</p></div></front>
    <body>
      <div type="chapter">
        <head>I</head>
        <p>La mañana llegó al valle<note place="foot">Valle del Colca.</note> con
           neblina.</p>
        <p><said>—¿Vienes?</said> —preguntó Rosa—. <said>Ya es hora.</said></p>
        <lg><l>Urpichay sonqoy,</l><l>maytam ripunki</l></lg>
        <p>Cruzaron el <choice><sic>rio</sic><corr>río</corr></choice> &amp; siguieron.</p>
      </div>
    </body>
    <back><div><ab>FIN</ab></div></back>
  </text>
</TEI>
"#;

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read_str(xml: &str) -> Vec<SourceItem> {
    read_bytes(xml.as_bytes(), &TeiOptions::default())
}

fn read_bytes(bytes: &[u8], opts: &TeiOptions) -> Vec<SourceItem> {
    let dir = tempfile::tempdir().unwrap();
    read_tei(&write(&dir, "doc.xml", bytes), opts).unwrap()
}

fn only_doc(items: Vec<SourceItem>) -> SourceDoc {
    match items.as_slice() {
        [SourceItem::Doc(doc)] => doc.clone(),
        other => panic!("expected one document, got {other:?}"),
    }
}

fn only_skip(items: Vec<SourceItem>) -> Skip {
    match items.as_slice() {
        [SourceItem::Skip(s)] => s.clone(),
        other => panic!("expected one skip, got {other:?}"),
    }
}

fn text(doc: &SourceDoc) -> &str {
    match &doc.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!("TEI gives text"),
    }
}

#[test]
fn body_becomes_paragraphs_without_notes_or_front_matter() {
    let doc = only_doc(read_str(NOVELA));
    let want = "I\n\nLa mañana llegó al valle con neblina.\n\n\
                —¿Vienes? —preguntó Rosa—. Ya es hora.\n\n\
                Urpichay sonqoy,\nmaytam ripunki\n\n\
                Cruzaron el río & siguieron.";
    assert_eq!(text(&doc), want);
    assert_eq!((doc.offset, doc.length), (0, NOVELA.len() as u64));
    assert_eq!(doc.content_type, "tei");
}

#[test]
fn header_fills_title_licence_country_and_meta() {
    let doc = only_doc(read_str(NOVELA));
    assert_eq!(doc.title.as_deref(), Some("La chacra de Mamá Ocllo"));
    assert_eq!(doc.licence.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(doc.country.as_deref(), Some("PE"));
    assert_eq!(doc.record_id.as_deref(), Some("mg0001"));
    let m = &doc.meta;
    assert_eq!(m["author"], "Huamán, Rosa");
    assert_eq!(m["subtitle"], "Relato breve");
    assert_eq!(m["date"], "1911");
    assert_eq!(m["publication_date"], "2024");
    assert_eq!(m["publisher"], "Archivo minga");
    assert_eq!(m["country_name"], "Perú");
    assert_eq!(m["language"], "es,que");
    assert_eq!(m["idno_type"], "minga");
}

#[test]
fn options_can_keep_front_back_and_notes() {
    let opts = TeiOptions {
        keep_front: true,
        keep_back: true,
        keep_notes: true,
        ..TeiOptions::default()
    };
    let doc = only_doc(read_bytes(NOVELA.as_bytes(), &opts));
    let t = text(&doc);
    assert!(t.starts_with("Prólogo que no es parte del relato.\n\nI\n\n"));
    assert!(t.contains("al valle Valle del Colca. con"));
    assert!(t.ends_with("siguieron.\n\nFIN"));
}

#[test]
fn entity_bomb_is_rejected_without_expansion() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE TEI [
 <!ENTITY a "jajajajajajajajajaja">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<TEI><teiHeader/><text><body><p>&d;&d;&d;&d;</p></body></text></TEI>"#;
    let s = only_skip(read_str(bomb));
    assert_eq!(s.reason, "ingest.xml_entities");
    assert!(s.detail.contains("b, c, d"), "{}", s.detail);
    assert!(s.offset > 0 && s.offset < 30, "DOCTYPE offset {}", s.offset);
}

#[test]
fn plain_entities_expand_within_budget_and_unknown_ones_are_counted() {
    let xml = r#"<!DOCTYPE TEI [ <!ENTITY ayllu "comunidad andina"> ]>
<TEI><text><body><p>La &ayllu; trabaja en minka&#x2014;juntos &mdash; hoy.</p></body></text></TEI>"#;
    let doc = only_doc(read_str(xml));
    assert_eq!(
        text(&doc),
        "La comunidad andina trabaja en minka—juntos hoy."
    );
    assert_eq!(doc.meta["xml_unresolved_entities"], 1);

    let many = format!(
        "<!DOCTYPE TEI [ <!ENTITY big \"{}\"> ]><TEI><text><p>{}</p></text></TEI>",
        "x".repeat(1000),
        "&big;".repeat(2000)
    );
    let s = only_skip(read_str(&many));
    assert_eq!(s.reason, "ingest.xml_entities");
}

#[test]
fn malformed_xml_is_skipped_with_offset() {
    let xml = "<TEI><text><body><p>Bien.</p>\n<p>Mal cerrado</div></body></text></TEI>";
    let s = only_skip(read_str(xml));
    assert_eq!(s.reason, "ingest.bad_xml");
    let at = xml.find("</div>").unwrap() as u64;
    assert!(
        s.offset >= at && s.offset <= at + 6,
        "offset {} vs {at}",
        s.offset
    );

    let truncated = "<TEI><text><body><p>Se corta aquí";
    assert_eq!(only_skip(read_str(truncated)).reason, "ingest.bad_xml");
}

#[test]
fn deep_nesting_is_read_iteratively_or_skipped_past_the_limit() {
    let depth = 5_000;
    let xml = format!(
        "<TEI><text><body><p>{}Ñandejára{}</p></body></text></TEI>",
        "<hi>".repeat(depth),
        "</hi>".repeat(depth)
    );
    assert_eq!(text(&only_doc(read_str(&xml))), "Ñandejára");

    let depth = 100_000;
    let hostile = format!("<TEI><text>{}</text></TEI>", "<div>".repeat(depth));
    let s = only_skip(read_str(&hostile));
    assert_eq!(s.reason, "ingest.xml_too_deep");
}

#[test]
fn encodings_declared_broken_and_garbage() {
    let latin1 = "<?xml version='1.0' encoding='ISO-8859-1'?><TEI><text><p>Canción del niño</p></text></TEI>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(latin1);
    let doc = only_doc(read_bytes(&bytes, &TeiOptions::default()));
    assert_eq!(text(&doc), "Canción del niño");
    assert_eq!(doc.meta["encoding_from"], "declared");

    let mut broken = "<TEI><text><p>Año nuevo, señor ".as_bytes().to_vec();
    broken.extend_from_slice(b"\xff\xfe ");
    broken.extend_from_slice("¿qué tal?</p></text></TEI>".as_bytes());
    broken.extend_from_slice(" ".repeat(100).as_bytes());
    let doc = only_doc(read_bytes(&broken, &TeiOptions::default()));
    assert_eq!(text(&doc), "Año nuevo, señor \u{FFFD}\u{FFFD} ¿qué tal?");
    assert_eq!(doc.meta["replaced_chars"], 2);

    let garbage: Vec<u8> = (0..=255u8).cycle().take(8192).collect();
    let s = only_skip(read_bytes(&garbage, &TeiOptions::default()));
    assert_eq!(s.reason, "ingest.undecodable");
}

#[test]
fn corpus_gives_one_document_per_tei_with_inherited_header() {
    let xml = r#"<teiCorpus><teiHeader><fileDesc><publicationStmt>
<availability><licence target="https://creativecommons.org/publicdomain/zero/1.0/"/></availability>
</publicationStmt></fileDesc><profileDesc><settingDesc><country key="py"/></settingDesc></profileDesc>
</teiHeader>
<TEI><teiHeader><fileDesc><titleStmt><title>Ñe'ẽpoty</title></titleStmt></fileDesc></teiHeader>
<text><body><p>Ko'ãga ñande ñañe'ẽ guaraníme.</p></body></text></TEI>
<TEI><teiHeader/><text><body><p>Segundo texto.</p></body></text></TEI>
<TEI><teiHeader/><text><body><note>Solo una nota.</note></body></text></TEI>
</teiCorpus>"#;
    let items = read_str(xml);
    assert_eq!(items.len(), 3);
    let SourceItem::Doc(first) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(first.title.as_deref(), Some("Ñe'ẽpoty"));
    assert_eq!(first.licence.as_deref(), Some("CC0-1.0"));
    assert_eq!(first.country.as_deref(), Some("PY"));
    let range = first.offset as usize..(first.offset + first.length) as usize;
    assert!(xml[range.clone()].starts_with("<TEI>") && xml[range].ends_with("</TEI>"));
    let SourceItem::Doc(second) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(text(second), "Segundo texto.");
    assert!(matches!(&items[2], SourceItem::Skip(s) if s.reason == "ingest.no_text"));
}

#[test]
fn empty_missing_and_non_tei_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir, "vacio.xml", b"");
    assert!(read_tei(&empty, &TeiOptions::default()).unwrap().is_empty());
    let missing = dir.path().join("no-existe.xml");
    let err = read_tei(&missing, &TeiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no-existe.xml"), "{err}");
    let s = only_skip(read_str("<catalogo><libro>Rayuela</libro></catalogo>"));
    assert_eq!(s.reason, "ingest.not_tei");
    let small = TeiOptions {
        max_bytes: 100,
        ..TeiOptions::default()
    };
    let s = only_skip(read_bytes(NOVELA.as_bytes(), &small));
    assert_eq!(s.reason, "ingest.record_too_large");
}

fn shared_dir(rel: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/data not found");
        None
    }
}

#[test]
fn conha19_novels_parse_to_one_document_each() {
    let Some(dir) = shared_dir("documents/conha19-tei") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 40);
    let mut countries = std::collections::BTreeMap::new();
    for path in &files {
        let doc = only_doc(read_tei(path, &TeiOptions::default()).unwrap());
        let name = path.display();
        let t = text(&doc);
        assert!(
            doc.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{name}"
        );
        assert!(doc.meta.get("author").is_some(), "{name}");
        assert_eq!(doc.licence.as_deref(), Some("PDM-1.0"), "{name}");
        *countries
            .entry(doc.country.clone().unwrap_or_default())
            .or_insert(0) += 1;
        assert!(t.matches("\n\n").count() > 50, "{name}: paragraph breaks");
        assert!(
            !t.contains("teiHeader") && !t.contains('<'),
            "{name}: markup in text"
        );
        assert!(t.len() > 50_000, "{name}: {} bytes of text", t.len());
    }
    let want: std::collections::BTreeMap<String, i32> = [("AR", 15), ("CU", 12), ("MX", 13)]
        .map(|(c, n)| (c.to_string(), n))
        .into();
    assert_eq!(countries, want);
}

#[test]
fn conha19_notes_stay_out_of_the_text() {
    let Some(dir) = shared_dir("documents/conha19-tei") else {
        return;
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read_to_string(&path).unwrap_or_default();
        let Some(at) = raw.find("<note>Algunos de estos trabajos") else {
            continue;
        };
        assert!(at > 0);
        let doc = only_doc(read_tei(&path, &TeiOptions::default()).unwrap());
        assert!(!text(&doc).contains("Jusuf-ben-Issa"), "{}", path.display());
        let with_notes = TeiOptions {
            keep_notes: true,
            keep_front: true,
            ..TeiOptions::default()
        };
        let doc = only_doc(read_tei(&path, &with_notes).unwrap());
        assert!(text(&doc).contains("Jusuf-ben-Issa"));
        return;
    }
    panic!("the conha19 note used by this test was not found");
}
