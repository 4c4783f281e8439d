//! PDF sources end to end: `minga ingest` and `minga run` on PDFs the test builds by hand
//! (`pipeline/src/sources/pdf/build.rs`) and a scan without a text layer. The PDF bomb is in
//! `hostile.rs`.

use crate::util::*;

#[allow(dead_code)]
#[path = "../../pipeline/src/sources/pdf/build.rs"]
pub mod build;

use build::{PdfBuilder, TextLine};

fn line(x: f32, y: f32, text: &str) -> TextLine<'_> {
    TextLine {
        x,
        y,
        size: 11.0,
        text,
    }
}

/// Two pages with a running header and page numbers; the second page is in two columns.
pub fn report() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    b.info("Title", "Informe de la minga")
        .info("Author", "Junta de agua de Tarqui")
        .info("CreationDate", "D:20240502101500Z")
        .lang("es")
        .text_page(&[
            line(72.0, 800.0, "Junta de agua - informe"),
            line(
                72.0,
                700.0,
                "La junta de agua convocó a una minga para lim-",
            ),
            line(72.0, 686.0, "piar la acequia antes de las lluvias de mayo."),
            line(295.0, 40.0, "1"),
        ])
        .text_page(&[
            line(72.0, 800.0, "Junta de agua - informe"),
            line(72.0, 700.0, "Vinieron cuarenta"),
            line(320.0, 700.0, "Al mediodía hubo"),
            line(72.0, 686.0, "familias con palas."),
            line(320.0, 686.0, "pampamesa para todos."),
            line(295.0, 40.0, "2"),
        ]);
    b.to_bytes()
}

/// A page that only paints an image-like rectangle: a scan to send to OCR.
fn scan() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    b.raw_page(b"q 500 0 0 700 40 60 cm 0.5 g 0 0 1 1 re f Q");
    b.to_bytes()
}

#[test]
fn ingest_reads_pdf_text_metadata_and_page_map() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pdfs");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("informe.pdf"), report()).unwrap();
    std::fs::write(d.join("escaneo.pdf"), scan()).unwrap();
    // No extension: found by its %PDF- header.
    std::fs::write(d.join("sin-extension"), report()).unwrap();
    run_ok(
        t.path(),
        &["ingest", "pdfs", "--out", "out", "--source", "actas"],
        &[],
    );
    let docs = read_docs(&t.path().join("out"));
    assert_eq!(docs.len(), 2, "{docs:?}");
    let doc = docs
        .iter()
        .find(|d| d.source_file == "informe.pdf")
        .unwrap();
    assert_eq!(doc.content_type, "pdf");
    assert_eq!(doc.title.as_deref(), Some("Informe de la minga"));
    assert_eq!(doc.date.as_deref(), Some("2024-05-02T10:15:00Z"));
    assert_eq!(
        doc.text,
        "La junta de agua convocó a una minga para limpiar la acequia antes de las lluvias de \
         mayo.\n\nVinieron cuarenta\nfamilias con palas.\n\nAl mediodía hubo\npampamesa para todos."
    );
    let meta: serde_json::Value = serde_json::from_str(&doc.meta).unwrap();
    assert_eq!(meta["author"], "Junta de agua de Tarqui");
    assert_eq!(meta["language"], "es");
    assert_eq!(meta["page_count"], 2);
    let pages = meta["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    let range = |p: &serde_json::Value| {
        p["start"].as_u64().unwrap() as usize..p["end"].as_u64().unwrap() as usize
    };
    assert_eq!(pages[1]["page"], 2);
    assert!(doc.text[range(&pages[1])].starts_with("Vinieron cuarenta"));
    assert!(doc.text[range(&pages[0])].ends_with("mayo."));
    let m = read_json(&t.path().join("out/_manifest.json"));
    assert_eq!(m["reasons"]["ingest.no_text_layer"], 1, "{}", m["reasons"]);
    let ledger = read_ledger(&t.path().join("out"));
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].why.reason, "ingest.no_text_layer");
}

#[test]
fn run_with_a_pdf_source_keeps_the_document_through_langid() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("pdfs")).unwrap();
    std::fs::write(t.path().join("pdfs/informe.pdf"), report()).unwrap();
    std::fs::write(
        t.path().join("pipeline.toml"),
        "workdir = \"work\"\n[[source]]\nname = \"actas\"\npath = \"pdfs\"\nformat = \"pdf\"\n\
         licence = \"CC-BY-4.0\"\n",
    )
    .unwrap();
    run_ok(
        t.path(),
        &["run", "pipeline.toml", "--stage", "ingest"],
        &[],
    );
    run_ok(
        t.path(),
        &["run", "pipeline.toml", "--stage", "langid"],
        &[],
    );
    let docs = read_docs(&t.path().join("work/langid"));
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].licence.as_deref(), Some("CC-BY-4.0"));
    assert!(
        docs[0].lang.as_deref().unwrap_or("").starts_with("spa"),
        "{:?}",
        docs[0].lang
    );
}
