use super::*;
use crate::sources::office::tests::zip_of;
use std::io::Cursor;

pub(crate) const CONTAINER: &str = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

pub(crate) const OPF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:isbn:9789942000000</dc:identifier><dc:title>Cuentos del Ande</dc:title>
<dc:creator>María Chuquimarca</dc:creator><dc:creator>Luis Tene</dc:creator><dc:language>es</dc:language>
<dc:rights>Creative Commons Atribución-CompartirIgual 4.0 (CC BY-SA 4.0)</dc:rights><dc:date>2020-11-02</dc:date></metadata>
<manifest><item id="c2" href="text/cap%202.xhtml" media-type="application/xhtml+xml"/><item id="c1" href="text/cap1.xhtml" media-type="application/xhtml+xml"/>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="img" href="img/tapa.jpg" media-type="image/jpeg"/></manifest>
<spine><itemref idref="c1"/><itemref idref="img"/><itemref idref="nav" linear="no"/><itemref idref="c2"/></spine></package>"#;

pub(crate) const CAP1: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>no</title><style>p{}</style></head>
<body><section><h1>El cóndor</h1><p>En lo alto del Chimborazo&#160;vivía un cóndor<a epub:type="noteref" href="#n1">1</a> viejo.</p>
<p>Nadie sabía su edad&nbsp;&mdash; ni él.</p><ul><li>uno</li><li>dos</li></ul></section>
<aside epub:type="footnote" id="n1"><p>Vultur gryphus.</p></aside></body></html>"##;

pub(crate) const CAP2: &str = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h2>La llama</h2><p>La llama<br/>bajó al valle.</p><table><tr><td>día</td><td>lugar</td></tr></table></body></html>"#;

pub(crate) fn epub() -> Vec<u8> {
    zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", OPF),
        ("OEBPS/text/cap1.xhtml", CAP1),
        ("OEBPS/text/cap 2.xhtml", CAP2),
        (
            "OEBPS/nav.xhtml",
            "<html><body><nav epub:type=\"toc\"><p>Índice</p></nav></body></html>",
        ),
    ])
}

fn docs(bytes: Vec<u8>, per_chapter: bool) -> Vec<SourceDoc> {
    let len = bytes.len() as u64;
    let mut c = Container::new(Cursor::new(bytes), 1 << 20).unwrap();
    epub_items(&mut c, per_chapter, len)
        .into_iter()
        .map(|i| match i {
            SourceItem::Doc(d) => d,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn text(d: &SourceDoc) -> &str {
    match &d.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!(),
    }
}

#[test]
fn book_in_spine_order_with_metadata() {
    let d = docs(epub(), false);
    assert_eq!(d.len(), 1);
    assert_eq!(
        text(&d[0]),
        "El cóndor\n\nEn lo alto del Chimborazo\u{a0}vivía un cóndor viejo.\n\n\
         Nadie sabía su edad\u{a0}— ni él.\n\nuno\n\ndos\n\n\
         La llama\n\nLa llama\nbajó al valle.\n\ndía | lugar"
    );
    assert_eq!(d[0].title.as_deref(), Some("Cuentos del Ande"));
    assert_eq!(d[0].licence.as_deref(), Some("CC-BY-SA-4.0"));
    assert_eq!(d[0].meta["author"], "María Chuquimarca; Luis Tene");
    assert_eq!(d[0].meta["language"], "es");
    assert_eq!(d[0].date.as_deref(), Some("2020-11-02"));
    assert_eq!(d[0].meta["footnotes"], json!(["Vultur gryphus."]));
    assert_eq!(d[0].meta["spine_not_xhtml"], 1);
    assert_eq!(d[0].meta["spine_nonlinear_skipped"], 1);
    assert_eq!(d[0].meta["chapters"][1]["href"], "OEBPS/text/cap 2.xhtml");
}

#[test]
fn one_document_per_chapter() {
    let bytes = epub();
    let d = docs(bytes.clone(), true);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].title.as_deref(), Some("El cóndor"));
    assert_eq!(d[1].title.as_deref(), Some("La llama"));
    assert_eq!(d[1].record_id.as_deref(), Some("OEBPS/text/cap 2.xhtml"));
    assert!(d[0].offset != d[1].offset && d[1].length > 0);
    // The span is the chapter's zip entry: its local header starts there.
    assert_eq!(
        &bytes[d[1].offset as usize..d[1].offset as usize + 4],
        b"PK\x03\x04"
    );
    assert_eq!(d[1].licence.as_deref(), Some("CC-BY-SA-4.0"));
}

#[test]
fn rights_statements_to_licences() {
    assert_eq!(licence_of("CC BY-NC-SA 3.0"), "CC-BY-NC-SA-3.0");
    assert_eq!(
        licence_of("Creative Commons Attribution 4.0 International"),
        "CC-BY-4.0"
    );
    assert_eq!(licence_of("Dominio público"), "public-domain");
    assert_eq!(
        licence_of(" © 2019 Editorial. Todos los derechos reservados "),
        "© 2019 Editorial. Todos los derechos reservados"
    );
}

#[test]
fn broken_packages_are_skips() {
    let reason = |bytes: Vec<u8>| {
        let len = bytes.len() as u64;
        let mut c = Container::new(Cursor::new(bytes), 1 << 20).unwrap();
        match &epub_items(&mut c, false, len)[..] {
            [SourceItem::Skip(s)] => s.reason,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        reason(zip_of(&[("mimetype", "application/epub+zip")])),
        SkipReason::MissingPart
    );
    let no_opf = zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
    ]);
    assert_eq!(reason(no_opf), SkipReason::MissingPart);
    let bad_chapter = zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", OPF),
        (
            "OEBPS/text/cap1.xhtml",
            "<html><body><p>sin cerrar</body></html>",
        ),
    ]);
    assert_eq!(reason(bad_chapter), SkipReason::BadXml);
}
