//! Reader tests on PDFs built by hand (`build.rs`).

use super::build::{PdfBuilder, TextLine};
use super::*;

fn line(x: f32, y: f32, text: &str) -> TextLine<'_> {
    TextLine {
        x,
        y,
        size: 10.0,
        text,
    }
}

fn read(bytes: &[u8]) -> SourceItem {
    read_pdf_bytes(bytes, &PdfOptions::default())
}

fn doc(bytes: &[u8]) -> SourceDoc {
    match read(bytes) {
        SourceItem::Doc(d) => d,
        other => panic!("expected a document, got {other:?}"),
    }
}

fn text(d: &SourceDoc) -> &str {
    match &d.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!("html"),
    }
}

fn skip_reason(bytes: &[u8]) -> SkipReason {
    match read(bytes) {
        SourceItem::Skip(s) => s.reason,
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn one_column_text_and_metadata() {
    let mut b = PdfBuilder::new();
    b.info("Title", "Memoria de la minga")
        .info("Author", "Comunidad de Tarqui")
        .info("CreationDate", "D:20240315093000-05'00'")
        .lang("es-EC")
        .text_page(&[
            line(72.0, 760.0, "La minga del canal empezó al alba."),
            line(72.0, 746.0, "Vinieron familias de tres comunidades."),
        ]);
    let d = doc(&b.to_bytes());
    assert_eq!(
        text(&d),
        "La minga del canal empezó al alba.\nVinieron familias de tres comunidades."
    );
    assert_eq!(d.content_type, "pdf");
    assert_eq!(d.title.as_deref(), Some("Memoria de la minga"));
    assert_eq!(d.date.as_deref(), Some("2024-03-15T09:30:00-05:00"));
    assert_eq!(d.meta["author"], "Comunidad de Tarqui");
    assert_eq!(d.meta["language"], "es-EC");
    assert_eq!(d.meta["page_count"], 1);
}

#[test]
fn two_columns_are_read_column_by_column() {
    // Drawn line by line across both columns, as many producers do.
    let mut lines = Vec::new();
    let left = ["O rio corria", "manso entre", "as pedras."];
    let right = ["Na outra margem", "cantavam as", "lavadeiras."];
    for (i, (l, r)) in left.iter().zip(right).enumerate() {
        let y = 700.0 - 12.0 * i as f32;
        lines.push(line(72.0, y, l));
        lines.push(line(320.0, y, r));
    }
    let mut b = PdfBuilder::new();
    b.text_page(&lines);
    assert_eq!(
        text(&doc(&b.to_bytes())),
        "O rio corria\nmanso entre\nas pedras.\n\nNa outra margem\ncantavam as\nlavadeiras."
    );
}

#[test]
fn header_page_numbers_and_hyphens_across_pages() {
    let mut b = PdfBuilder::new();
    let bodies = [
        ["Los tejidos de la comu-", "nidad guardan la memoria."],
        ["Cada color tiene un sig-", "nificado para las abuelas."],
        ["El telar se arma en el pa-", "tio de la casa grande."],
    ];
    for (n, body) in bodies.iter().enumerate() {
        let num = (n + 1).to_string();
        b.text_page(&[
            line(72.0, 800.0, "Revista Andina de Textiles"),
            line(72.0, 700.0, body[0]),
            line(72.0, 688.0, body[1]),
            line(290.0, 40.0, &num),
        ]);
    }
    let d = doc(&b.to_bytes());
    let t = text(&d);
    assert_eq!(
        t,
        "Los tejidos de la comunidad guardan la memoria.\n\n\
         Cada color tiene un significado para las abuelas.\n\n\
         El telar se arma en el patio de la casa grande."
    );
    assert_eq!(d.meta["furniture_lines"], 6);
    let pages = d.meta["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 3);
    let second = &pages[1];
    let (s, e) = (
        second["start"].as_u64().unwrap() as usize,
        second["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &t[s..e],
        "Cada color tiene un significado para las abuelas."
    );
    let at = t.find("patio").unwrap();
    assert_eq!(page_at(&Value::Object(d.meta.clone()), at), Some(3));
}

#[test]
fn tj_arrays_kerning_and_word_gaps() {
    // Kerning inside a word must not split it; a wide negative kern is a word space.
    let content = b"BT /F1 10 Tf 72 700 Td [(Ca) 20 (mi) -30 (no)] TJ \
        0 -12 Td [(dos) -600 (palabras)] TJ ET";
    let mut b = PdfBuilder::new();
    b.raw_page(content);
    assert_eq!(text(&doc(&b.to_bytes())), "Camino\ndos palabras");
}

#[test]
fn page_without_text_is_no_text_layer() {
    let mut b = PdfBuilder::new();
    b.raw_page(b"q 500 0 0 700 40 60 cm 0.5 g 0 0 1 1 re f Q")
        .raw_page(b"q 0 0 1 rg 10 10 100 100 re f Q");
    assert_eq!(skip_reason(&b.to_bytes()), SkipReason::NoTextLayer);
}

#[test]
fn broken_files_are_skipped_with_reasons() {
    let mut b = PdfBuilder::new();
    b.text_page(&[line(72.0, 700.0, "Texto que se corta")]);
    let good = b.to_bytes();
    assert_eq!(skip_reason(b"GIF89a not a pdf"), SkipReason::BadPdf);
    assert_eq!(skip_reason(b""), SkipReason::BadPdf);
    // Cut before the cross-reference table: a truncated file, never a panic.
    let cut = &good[..good.len() / 3];
    let r = skip_reason(cut);
    assert!(
        matches!(
            r,
            SkipReason::TruncatedRecord | SkipReason::NoTextLayer | SkipReason::BadPdf
        ),
        "{r:?}"
    );
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend(std::iter::repeat_n(b'(', 5000));
    garbage.extend_from_slice(b"\n%%EOF\n");
    assert!(matches!(read(&garbage), SourceItem::Skip(_)));
}

#[test]
fn size_and_operator_limits_skip() {
    let mut b = PdfBuilder::new();
    b.text_page(&[line(72.0, 700.0, "Hola")]);
    let bytes = b.to_bytes();
    let small = PdfOptions {
        max_bytes: 100,
        ..PdfOptions::default()
    };
    assert!(matches!(
        read_pdf_bytes(&bytes, &small),
        SourceItem::Skip(crate::sources::Skip {
            reason: SkipReason::RecordTooLarge,
            ..
        })
    ));
    let mut content = Vec::new();
    for _ in 0..2000 {
        content.extend_from_slice(b"q Q ");
    }
    let mut b = PdfBuilder::new();
    b.raw_page(&content);
    let few_ops = PdfOptions {
        max_page_ops: 1000,
        ..PdfOptions::default()
    };
    assert!(matches!(
        read_pdf_bytes(&b.to_bytes(), &few_ops),
        SourceItem::Skip(crate::sources::Skip {
            reason: SkipReason::RecordTooLarge,
            ..
        })
    ));
}

#[test]
fn self_referencing_form_xobject_terminates() {
    // A form that draws itself: the depth cap ends it.
    let mut pdf = PdfBuilder::new();
    pdf.text_page(&[line(72.0, 700.0, "Antes")]);
    let bytes = pdf.to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let patched = text.replace(
        "/Resources << /Font << /F1 3 0 R >> >>",
        "/Resources << /Font << /F1 3 0 R >> /XObject << /X 5 0 R >> >>",
    );
    // Object 5 is the page itself, not a form: `Do` must ignore it rather than recurse.
    let patched = patched.replace("Tj ET", "Tj ET /X Do");
    let d = read(patched.as_bytes());
    assert!(matches!(d, SourceItem::Doc(_) | SourceItem::Skip(_)));
}

/// Mutation stress run, for machines without cargo-fuzz: seeds (PDFs under
/// `MINGA_PDF_STRESS_DIR`, plus the hand-built ones) are mutated for `MINGA_PDF_STRESS_SECS`
/// seconds (bit flips, byte runs, cuts, splices) and read; any panic fails the test.
///   cargo test --release -p minga --lib pdf::tests::stress -- --ignored --nocapture
#[test]
#[ignore]
fn stress_mutated_pdfs_never_panic() {
    let secs: u64 = std::env::var("MINGA_PDF_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    if let Ok(dir) = std::env::var("MINGA_PDF_STRESS_DIR") {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for p in paths {
            let b = std::fs::read(&p).unwrap();
            if b.len() < 300_000 {
                seeds.push(b);
            }
        }
    }
    let mut b = PdfBuilder::new();
    b.info("Title", "Semilla").text_page(&[line(
        72.0,
        700.0,
        "Texto de la semilla con acentos: ñandú",
    )]);
    seeds.push(b.to_bytes());
    let opts = PdfOptions {
        max_bytes: 1 << 20,
        max_page_ops: 100_000,
        max_doc_ops: 1_000_000,
        ..PdfOptions::default()
    };
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let start = std::time::Instant::now();
    let (mut runs, mut docs) = (0u64, 0u64);
    while start.elapsed().as_secs() < secs {
        let seed = &seeds[(rnd() % seeds.len() as u64) as usize];
        let mut m = seed.clone();
        for _ in 0..1 + rnd() % 8 {
            let at = (rnd() % m.len().max(1) as u64) as usize;
            match rnd() % 5 {
                0 => {
                    let i = at.min(m.len() - 1);
                    m[i] ^= 1 << (rnd() % 8);
                }
                1 => m.truncate(at),
                2 => {
                    let n = (rnd() % 64) as usize;
                    let byte = b"()<>[]/0123456789 \n"[(rnd() % 19) as usize];
                    m.splice(at..at, std::iter::repeat_n(byte, n));
                }
                3 => {
                    let other = &seeds[(rnd() % seeds.len() as u64) as usize];
                    let from = (rnd() % other.len() as u64) as usize;
                    let len = ((rnd() % 512) as usize).min(other.len() - from);
                    m.splice(at..at, other[from..from + len].iter().copied());
                }
                _ => {
                    let end = (at + (rnd() % 256) as usize).min(m.len());
                    m.drain(at..end);
                }
            }
            if m.is_empty() {
                m.extend_from_slice(b"%PDF-1.4\n");
            }
        }
        docs += u64::from(matches!(read_pdf_bytes(&m, &opts), SourceItem::Doc(_)));
        runs += 1;
    }
    eprintln!("pdf stress: {runs} inputs in {secs} s, {docs} read as documents, no panic");
}
