use super::*;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A zip of `(name, content)` entries; the first is stored, the rest deflated (like ODT/EPUB).
pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, body)) in entries.iter().enumerate() {
        let method = if i == 0 {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let opts = SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn item(bytes: Vec<u8>, kind: OfficeKind, max: u64) -> SourceItem {
    let len = bytes.len() as u64;
    match Container::new(Cursor::new(bytes), max) {
        Ok(mut c) => office_item(&mut c, kind, len),
        Err((r, d)) => skip(0, r, d),
    }
}

fn doc(bytes: Vec<u8>, kind: OfficeKind) -> SourceDoc {
    match item(bytes, kind, 1 << 20) {
        SourceItem::Doc(d) => d,
        other => panic!("{other:?}"),
    }
}

fn text(d: &SourceDoc) -> &str {
    match &d.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!(),
    }
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

pub(crate) fn docx_body() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>
<w:p><w:pPr><w:pStyle w:val="Ttulo1"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>La minga</w:t></w:r><w:r><w:t xml:space="preserve"> del canal</w:t></w:r></w:p>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>El domingo temprano la comunidad se reuni</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ó</w:t></w:r><w:r><w:t xml:space="preserve"> junto a la acequia</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t>.</w:t></w:r><w:del><w:r><w:delText>borrado</w:delText></w:r></w:del></w:p>
<w:p><w:r><w:t>Cada familia</w:t></w:r><w:r><w:tab/><w:t>trajo</w:t><w:br/><w:t>una herramienta.</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Familia</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Tarea</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Quispe</w:t></w:r></w:p><w:p><w:r><w:t>y Mamani</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>limpiar &amp; cavar</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>Caja</w:t></mc:Choice><mc:Fallback><w:t>Caja</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:sectPr><w:pgSz w:w="11906"/></w:sectPr>
</w:body></w:document>"#
    )
}

pub(crate) fn docx_entries() -> Vec<(&'static str, String)> {
    let notes = format!(
        r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:t>La acequia madre, construida en 1890.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>La minga del canal</dc:title><dc:creator>Rosa Quispe</dc:creator><cp:keywords>minga</cp:keywords><dc:language>es-EC</dc:language><dcterms:created>2023-04-01T10:00:00Z</dcterms:created><dcterms:modified>2023-04-02T11:30:00Z</dcterms:modified></cp:coreProperties>"#;
    vec![
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
                .to_string(),
        ),
        ("word/document.xml", docx_body()),
        ("word/footnotes.xml", notes),
        ("docProps/core.xml", core.to_string()),
    ]
}

fn docx() -> Vec<u8> {
    let e = docx_entries();
    zip_of(&e.iter().map(|(n, b)| (*n, b.as_str())).collect::<Vec<_>>())
}

#[test]
fn docx_text_tables_notes_and_properties() {
    let d = doc(docx(), OfficeKind::Docx);
    assert_eq!(
        text(&d),
        "La minga del canal\n\n\
         El domingo temprano la comunidad se reunió junto a la acequia.\n\n\
         Cada familia trajo\nuna herramienta.\n\n\
         Familia | Tarea\nQuispe y Mamani | limpiar & cavar\n\nCaja"
    );
    assert_eq!(d.content_type, "docx");
    assert_eq!(d.title.as_deref(), Some("La minga del canal"));
    assert_eq!(d.meta["author"], "Rosa Quispe");
    assert_eq!(d.meta["language"], "es-EC");
    assert_eq!(d.meta["created"], "2023-04-01T10:00:00Z");
    assert_eq!(d.date.as_deref(), Some("2023-04-02T11:30:00Z"));
    assert_eq!(
        d.meta["footnotes"],
        json!(["La acequia madre, construida en 1890."])
    );
    assert_eq!(d.meta["headings"], json!(["La minga del canal"]));
    assert_eq!(d.meta["keywords"], json!(["minga"]));
}

pub(crate) fn odt_content() -> &'static str {
    r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
<office:automatic-styles><style:style xmlns:style="s">x</style:style></office:automatic-styles>
<office:body><office:text><text:sequence-decls><text:sequence-decl text:name="Figura"/></text:sequence-decls>
<text:h text:outline-level="1">A feira de sábado</text:h>
<text:p>Na feira da praça<text:s/>vende-se mandioca<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Também chamada aipim.</text:p></text:note-body></text:note> e farinha.</text:p>
<text:list><text:list-item><text:p>feijão</text:p></text:list-item><text:list-item><text:p>açaí<text:line-break/>do Pará</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Banca</text:p></table:table-cell><table:table-cell><text:p>Preço</text:p></table:table-cell></table:table-row></table:table>
<text:p>Fim<office:annotation><text:p>comentário do revisor</text:p></office:annotation>.<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>Nota final.</text:p></text:note-body></text:note></text:p>
</office:text></office:body></office:document-content>"#
}

pub(crate) fn odt_meta() -> &'static str {
    r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><meta:initial-creator>João da Silva</meta:initial-creator><dc:creator>Ana</dc:creator><meta:creation-date>2022-09-10T08:00:00</meta:creation-date><dc:language>pt-BR</dc:language><dc:title>A feira</dc:title></office:meta></office:document-meta>"#
}

#[test]
fn odt_text_lists_notes_and_meta() {
    let bytes = zip_of(&[
        ("mimetype", ODT_MIMETYPE),
        ("content.xml", odt_content()),
        ("meta.xml", odt_meta()),
    ]);
    let d = doc(bytes, OfficeKind::Odt);
    assert_eq!(
        text(&d),
        "A feira de sábado\n\nNa feira da praça vende-se mandioca e farinha.\n\n\
         feijão\n\naçaí\ndo Pará\n\nBanca | Preço\n\nFim."
    );
    assert_eq!(d.title.as_deref(), Some("A feira"));
    assert_eq!(d.meta["author"], "Ana");
    assert_eq!(d.meta["language"], "pt-BR");
    assert_eq!(d.meta["footnotes"], json!(["Também chamada aipim."]));
    assert_eq!(d.meta["endnotes"], json!(["Nota final."]));
    assert_eq!(d.date.as_deref(), Some("2022-09-10T08:00:00"));
}

#[test]
fn broken_containers_are_skips() {
    let reason = |i: SourceItem| match i {
        SourceItem::Skip(s) => (s.reason, s.detail),
        other => panic!("{other:?}"),
    };
    let (r, _) = reason(item(
        b"PK\x03\x04 not really".to_vec(),
        OfficeKind::Docx,
        1 << 20,
    ));
    assert_eq!(r, SkipReason::BadZip);
    let (r, d) = reason(item(zip_of(&[("a.txt", "x")]), OfficeKind::Docx, 1 << 20));
    assert_eq!(r, SkipReason::MissingPart);
    assert!(d.contains("word/document.xml"), "{d}");
    let sheet = zip_of(&[("mimetype", "application/vnd.oasis.opendocument.spreadsheet")]);
    assert_eq!(
        reason(item(sheet, OfficeKind::Odt, 1 << 20)).0,
        SkipReason::BinaryPayload
    );
    let bad_xml = zip_of(&[("mimetype", ODT_MIMETYPE), ("content.xml", "<a><b></a>")]);
    assert_eq!(
        reason(item(bad_xml, OfficeKind::Odt, 1 << 20)).0,
        SkipReason::BadXml
    );
    // A bomb: 8 MiB of zeros inflates past a 1 MiB budget and is refused, not read whole.
    let zeros = "0".repeat(8 << 20);
    let bomb = zip_of(&[("mimetype", ODT_MIMETYPE), ("content.xml", &zeros)]);
    assert!(bomb.len() < 64 << 10);
    let (r, d) = reason(item(bomb, OfficeKind::Odt, 1 << 20));
    assert_eq!(r, SkipReason::RecordTooLarge);
    assert!(d.contains("content.xml"), "{d}");
    // Truncated: the central directory is gone.
    let mut cut = docx();
    cut.truncate(cut.len() / 2);
    assert_eq!(
        reason(item(cut, OfficeKind::Docx, 1 << 20)).0,
        SkipReason::BadZip
    );
}
