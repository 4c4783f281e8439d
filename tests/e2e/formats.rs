//! Document formats partners send: DOCX, ODT, EPUB, SRT, WebVTT and ELAN `.eaf`, one source each,
//! through `minga run`. The office files and the book are written here with the `zip` crate (no
//! third-party documents ship with the repository); the ELAN file is a real one (tests/fixtures).

use std::io::{Cursor, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::util::*;

/// A zip of `(name, content)` entries: the first stored (ODT/EPUB `mimetype`), the rest deflated.
pub fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, body)) in entries.iter().enumerate() {
        let method = if i == 0 {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        w.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const ES: [&str; 3] = [
    "El domingo temprano la comunidad se reunió junto a la acequia para limpiar el canal que riega las chacras de abajo.",
    "Cada familia trajo palas, picos y comida, y los mayores contaron cómo se hacía la minga cuando ellos eran jóvenes.",
    "Al final del día el agua volvió a correr y todos compartieron la comida en la plaza del pueblo.",
];
const PT: [&str; 3] = [
    "Na feira de sábado da praça central os agricultores vendem mandioca, feijão e farinha trazidos do interior.",
    "As crianças ajudam os pais a montar as bancas antes do amanhecer, enquanto o café ainda está quente.",
    "No fim da manhã a praça fica cheia de vizinhos que conversam sobre a colheita e o preço das coisas.",
];

fn docx() -> Vec<u8> {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let paras: String = ES
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let body = format!(
        r#"<w:document {w}><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>La minga del canal</w:t></w:r></w:p>{paras}<w:p><w:r><w:t>Fin</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p></w:body></w:document>"#
    );
    let notes = format!(
        r#"<w:footnotes {w}><w:footnote w:id="1"><w:p><w:r><w:t>Relato recogido en Cotacachi.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let core = r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>La minga</dc:title><dc:creator>Rosa Quispe</dc:creator><dc:language>es-EC</dc:language><dcterms:modified>2023-04-02T11:30:00Z</dcterms:modified></cp:coreProperties>"#;
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &body),
        ("word/footnotes.xml", &notes),
        ("docProps/core.xml", core),
    ])
}

fn odt() -> Vec<u8> {
    let paras: String = PT.iter().map(|p| format!("<text:p>{p}</text:p>")).collect();
    let content = format!(
        r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h>A feira de sábado</text:h>{paras}</office:text></office:body></office:document-content>"#
    );
    let meta = r#"<office:document-meta xmlns:office="o" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="m"><office:meta><dc:title>A feira</dc:title><meta:initial-creator>João da Silva</meta:initial-creator><dc:language>pt-BR</dc:language></office:meta></office:document-meta>"#;
    zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", &content),
        ("meta.xml", meta),
    ])
}

fn epub() -> Vec<u8> {
    let container = r#"<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf"/></rootfiles></container>"#;
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Cuentos del canal</dc:title><dc:creator>María Chuquimarca</dc:creator><dc:language>es</dc:language><dc:rights>CC BY 4.0</dc:rights></metadata><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="b"/><itemref idref="a"/></spine></package>"#;
    let chapter = |h: &str, ps: &[&str]| {
        let ps: String = ps.iter().map(|p| format!("<p>{p}</p>")).collect();
        format!("<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>x</title></head><body><h1>{h}</h1>{ps}</body></html>")
    };
    zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", container),
        ("OEBPS/book.opf", opf),
        ("OEBPS/a.xhtml", &chapter("Segundo", &ES[2..])),
        ("OEBPS/b.xhtml", &chapter("Primero", &ES[..2])),
    ])
}

fn srt() -> String {
    let mut s = String::new();
    for (i, p) in PT.iter().enumerate() {
        let t = i * 5;
        s.push_str(&format!(
            "{}\r\n00:00:{t:02},000 --> 00:00:{:02},500\r\n<i>{p}</i>\r\n\r\n",
            i + 1,
            t + 2
        ));
    }
    s
}

fn vtt() -> String {
    format!(
        "WEBVTT\nLanguage: es\n\n00:01.000 --> 00:04.000\n<v Doña Rosa>{}\n\n00:04.200 --> 00:08.000\n<v Doña Rosa>{}\n\n00:08.100 --> 00:12.000\n<v Don Pedro>{}\n",
        ES[0], ES[1], ES[2]
    )
}

fn write_sources(dir: &Path) -> String {
    let put = |sub: &str, name: &str, bytes: &[u8]| {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    };
    put("docx", "minga.docx", &docx());
    put("odt", "feira.odt", &odt());
    // Told by content: an EPUB saved as .zip, subtitles without an extension.
    put("epub", "cuentos.zip", &epub());
    put("srt", "feira-legendas", srt().as_bytes());
    put("vtt", "minga.vtt", vtt().as_bytes());
    let eaf = repo().join("tests/fixtures/eaf/dzala-buddhism.eaf");
    put("eaf", "dzala.eaf", &std::fs::read(eaf).unwrap());
    let mut cfg = String::from("workdir = \"work\"\n");
    for s in ["docx", "odt", "epub", "srt", "vtt"] {
        cfg.push_str(&format!(
            "[[source]]\nname = \"{s}\"\npath = \"{s}\"\nlicence = \"CC0-1.0\"\n"
        ));
    }
    cfg.push_str(
        "[[source]]\nname = \"eaf\"\npath = \"eaf\"\nformat = \"eaf\"\n\
         eaf_tiers = [\"Dzala Sentence\"]\neaf_translation_tiers = [\"English Free Translation\"]\n",
    );
    cfg
}

#[test]
fn every_partner_format_runs_through_the_pipeline() {
    let t = tempfile::tempdir().unwrap();
    let cfg = write_sources(t.path());
    std::fs::write(t.path().join("pipeline.toml"), cfg).unwrap();
    run_ok(t.path(), &["run", "pipeline.toml"], &[]);
    let docs = read_docs(&t.path().join("work/ingest"));
    let by = |source: &str| -> Vec<&minga_manifests::Document> {
        docs.iter().filter(|d| d.source == source).collect()
    };
    let meta = |d: &minga_manifests::Document| -> serde_json::Value {
        serde_json::from_str(&d.meta).unwrap()
    };

    let d = by("docx");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].content_type, "docx");
    assert!(
        d[0].text
            .starts_with(&format!("La minga del canal\n\n{}", ES[0])),
        "{}",
        d[0].text
    );
    assert!(!d[0].text.contains("Cotacachi"));
    assert_eq!(d[0].title.as_deref(), Some("La minga"));
    assert_eq!(meta(d[0])["footnotes"][0], "Relato recogido en Cotacachi.");
    assert_eq!(meta(d[0])["language"], "es-EC");

    let d = by("odt");
    assert_eq!(d[0].content_type, "odt");
    assert_eq!(
        d[0].text,
        format!("A feira de sábado\n\n{}", PT.join("\n\n"))
    );
    assert_eq!(meta(d[0])["author"], "João da Silva");

    let d = by("epub");
    assert_eq!(d[0].content_type, "epub");
    // Spine order (b, then a), not manifest or name order.
    let want = format!("Primero\n\n{}\n\n{}\n\nSegundo\n\n{}", ES[0], ES[1], ES[2]);
    assert_eq!(d[0].text, want);
    assert_eq!(d[0].licence.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(d[0].title.as_deref(), Some("Cuentos del canal"));

    let d = by("srt");
    assert_eq!(d[0].content_type, "srt");
    assert_eq!(
        d[0].text,
        PT.join("\n\n"),
        "pauses of 2.5 s split paragraphs"
    );

    let d = by("vtt");
    assert_eq!(d[0].text, format!("{} {}\n\n{}", ES[0], ES[1], ES[2]));
    assert_eq!(
        meta(d[0])["speakers"],
        serde_json::json!(["Doña Rosa", "Don Pedro"])
    );

    let d = by("eaf");
    assert_eq!(d.len(), 2, "transcription and its translation");
    let (dz, en) = (d[0], d[1]);
    assert_eq!(dz.source_offset, 0);
    assert!(dz.text.starts_with("guru rinpoche"));
    assert!(en.text.starts_with("Guru Rinpoche was born"));
    assert_eq!(meta(en)["translation_of"]["record_id"], "Dzala Sentence");
    let dz_id = minga_manifests::doc_id(
        "eaf",
        "dzala.eaf",
        meta(en)["translation_of"]["offset"].as_u64().unwrap(),
    );
    assert_eq!(dz_id, dz.id);

    // Language identification over the new documents.
    let langs = read_docs(&t.path().join("work/langid"));
    let lang = |source: &str| -> Vec<Option<String>> {
        langs
            .iter()
            .filter(|d| d.source == source)
            .map(|d| d.lang.clone())
            .collect()
    };
    for (source, want) in [
        ("docx", "spa"),
        ("odt", "por"),
        ("epub", "spa"),
        ("srt", "por"),
        ("vtt", "spa"),
    ] {
        assert_eq!(lang(source), vec![Some(want.to_string())], "{source}");
    }
}

/// Files LibreOffice writes (DOCX, ODT, EPUB from a sample text) read back to the same words.
/// Skips when `soffice` is not installed (`apt-get install libreoffice-writer-nogui`).
#[test]
fn libreoffice_output_reads_back_to_the_source_text() {
    let Some(soffice) = ["soffice", "libreoffice"].iter().find_map(|n| {
        std::env::var_os("PATH").and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(n))
                .find(|p| p.is_file())
        })
    }) else {
        eprintln!("skipping: soffice not found");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let src = samples().join("docs/zorro-y-condor.txt");
    let want = std::fs::read_to_string(&src).unwrap();
    let input = t.path().join("zorro.txt");
    std::fs::copy(&src, &input).unwrap();
    let docs = t.path().join("docs");
    for ext in ["docx", "odt", "epub"] {
        let out = std::process::Command::new(&soffice)
            .args(["--headless", "--norestore", "--convert-to", ext, "--outdir"])
            .arg(&docs)
            .arg(&input)
            .env("HOME", t.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    run_ok(
        t.path(),
        &["ingest", "docs", "--out", "out", "--source", "lo"],
        &[],
    );
    let got = read_docs(&t.path().join("out"));
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let want_words = words(&want);
    for ext in ["docx", "odt", "epub"] {
        let d = got
            .iter()
            .find(|d| d.content_type == ext)
            .unwrap_or_else(|| panic!("no {ext}"));
        let got_words = words(&d.text);
        let same = want_words
            .iter()
            .zip(&got_words)
            .filter(|(a, b)| a == b)
            .count();
        let agreement = same as f64 / want_words.len().max(got_words.len()) as f64;
        eprintln!("{ext}: {} words, agreement {agreement:.4}", got_words.len());
        assert!(agreement >= 0.99, "{ext}: {agreement}\n{}", d.text);
    }
}
