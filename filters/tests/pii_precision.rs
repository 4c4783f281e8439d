//! Precision: numbers that are not personal data must not be matched. First a list of the
//! look-alikes legal and literary text is full of, then the real constitutions and novels of
//! `../shared/data/documents` (skipped when that folder is absent).

use std::path::{Path, PathBuf};

use minga_filters::pii::{scan, PiiCounts};

const LOOKALIKES: &[&str] = &[
    "Ley 21.096, publicada en el Diario Oficial el 16 de junio de 2018.",
    "artículo 19 N° 24, inciso tercero, y artículo 63 letra b).",
    "Reforma publicada en el DOF 27-05-2015 y en el DOF 10-02-2014.",
    "Decreto Supremo N° 1.150, de 1980; D.F.L. N° 1-19.653; Ley N° 18.962.",
    "ISBN 978-956-12-3456-7 e ISBN 84-376-0494-X; ISSN 0717-6163; ISBN 978-956-1234-56-7.",
    "El precio fue de $ 1.234.567 (US$ 12.345.678,90), un 19,5% más.",
    "con el voto conforme de las dos terceras partes (2/3) de sus miembros en ejercicio, 120 de 155.",
    "págs. 1234-1240, tomo IV; 3.ª edición, 1999, pp. 12-18.",
    "Rol N° 1234-2019, expediente 12345/2018, causa 4567-2020.",
    "33°27′S 70°40′W, a 2.500 m s. n. m.; a las 10:30:45 horas.",
    "En 1810 1811 1812 y 1813 la población era de 1.810.000 habitantes.",
    "Lei nº 13.709, de 14 de agosto de 2018 (LGPD); art. 5º, LXXIX; Emenda Constitucional nº 115, de 2022.",
    "Censo de 2010: 190.755.799 habitantes; PIB de R$ 3.675.000.000.000,00.",
    "Artículo 123, apartado B, fracción XIII; 1o. de mayo de 1917; 05-02-1917.",
    "Firefox 2.0.0.16, sección 3.1.2.4 y numeral 1.2.3.4 del reglamento.",
    "Código Civil, artículos 1545 a 1560; Ley 19.628 sobre Protección de la Vida Privada.",
    "entre los años 1998-2003 (2) 1998-2003 y el período 2021-2026.",
    "timestamp 20200408102505, resolución 0000044063, oficio 100509263.",
];

#[test]
fn legal_and_literary_lookalikes_are_not_matched() {
    for t in LOOKALIKES {
        let m = scan(t);
        let shown: Vec<_> = m.iter().map(|m| (&t[m.start..m.end], m.kind)).collect();
        assert!(m.is_empty(), "{t:?} -> {shown:?}");
    }
}

fn shared_documents() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/documents");
    p.is_dir().then_some(p)
}

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            text_files(&e, out);
        } else if e.extension().is_some_and(|x| x == "txt" || x == "xml") {
            out.push(e);
        }
    }
}

/// Text of a TEI file: tags removed (entities are left; they hold no digits of interest).
fn strip_tags(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn real_constitutions_and_novels_have_no_matches() {
    let Some(root) = shared_documents() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let mut files = Vec::new();
    for sub in ["constitutions", "conha19-tei", "machado-txt"] {
        text_files(&root.join(sub), &mut files);
    }
    assert!(
        files.len() > 100,
        "expected the shared documents, found {} files",
        files.len()
    );
    let mut counts = PiiCounts::default();
    let mut shown = Vec::new();
    for f in &files {
        let raw = std::fs::read_to_string(f).unwrap_or_default();
        let text = if f.extension().is_some_and(|x| x == "xml") {
            strip_tags(&raw)
        } else {
            raw
        };
        for m in scan(&text) {
            counts.add(m.kind, 1);
            shown.push(format!(
                "{}: {:?} {}",
                f.display(),
                m.kind,
                &text[m.start..m.end]
            ));
        }
    }
    // The texts hold no personal data (see bench/RESULTS-pii.md); a match is a false positive.
    assert_eq!(counts.total(), 0, "{shown:#?}");
}
