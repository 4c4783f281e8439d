//! Which reader a file needs, from its name (and, for `.xml`, its first bytes).
//!
//! `format = "auto"` in a source config routes every file through [`detect_format`]; files it
//! does not recognise are left to the caller to count (they are not documents we can read).

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// A source file format, as named in `pipeline.toml` (`format = "warc"` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// WARC 1.0/1.1 (also WET conversion records), plain or gzip.
    Warc,
    /// One JSON object per line, plain or gzip.
    Jsonl,
    Txt,
    Md,
    Html,
    /// TEI P5 XML (`<TEI>` or `<teiCorpus>`).
    Tei,
    /// Office Open XML word-processing documents.
    Docx,
    /// OpenDocument text.
    Odt,
    /// EPUB 2/3 books.
    Epub,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
    /// ELAN annotation documents.
    Eaf,
}

impl Format {
    /// Every format, in the order the config documentation lists them.
    pub const ALL: [Format; 12] = [
        Format::Warc,
        Format::Txt,
        Format::Md,
        Format::Html,
        Format::Jsonl,
        Format::Tei,
        Format::Docx,
        Format::Odt,
        Format::Epub,
        Format::Srt,
        Format::Vtt,
        Format::Eaf,
    ];

    /// The name used in configs and manifests.
    pub fn name(self) -> &'static str {
        match self {
            Format::Warc => "warc",
            Format::Jsonl => "jsonl",
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Html => "html",
            Format::Tei => "tei",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Epub => "epub",
            Format::Srt => "srt",
            Format::Vtt => "vtt",
            Format::Eaf => "eaf",
        }
    }

    /// Parses a config name (case-insensitive); `auto` is not a format and gives `None`.
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How many leading bytes of an `.xml` file are searched for a TEI root element.
const SNIFF_BYTES: usize = 4096;

/// Guesses the format of `path` from its extension (case-insensitive).
///
/// `.warc`, `.warc.gz`, `.wet`, `.wet.gz` -> WARC; `.jsonl`, `.ndjson` (optionally `.gz`) -> jsonl;
/// `.txt`, `.md`, `.markdown`, `.html`, `.htm`, `.xhtml`; `.tei` and `.xml` -> TEI when the first
/// 4 KiB name a `<TEI` or `<teiCorpus` element. ARC files (`.arc`) are a different container
/// than WARC and are not recognised. `.docx`, `.odt`, `.epub`, `.srt`, `.vtt`, `.eaf` by name;
/// other names (and `.xml` without TEI) by content ([`super::sniff`]). Anything else is `None`.
pub fn detect_format(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let stem = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = stem.rsplit_once('.').map(|(_, ext)| ext)?;
    match ext {
        "warc" | "wet" => Some(Format::Warc),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        _ if stem.len() != name.len() => None,
        "txt" | "text" => Some(Format::Txt),
        "md" | "markdown" => Some(Format::Md),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "tei" => Some(Format::Tei),
        "docx" => Some(Format::Docx),
        "odt" => Some(Format::Odt),
        "epub" => Some(Format::Epub),
        "srt" => Some(Format::Srt),
        "vtt" => Some(Format::Vtt),
        "eaf" => Some(Format::Eaf),
        "xml" if sniff_tei(path) => Some(Format::Tei),
        _ => sniffed(path),
    }
}

/// A format told by content ([`super::sniff`]) for files the extension does not settle.
fn sniffed(path: &Path) -> Option<Format> {
    use super::sniff::Sniffed;
    Some(match super::sniff::sniff_file(path)? {
        Sniffed::Docx => Format::Docx,
        Sniffed::Odt => Format::Odt,
        Sniffed::Epub => Format::Epub,
        Sniffed::Srt => Format::Srt,
        Sniffed::Vtt => Format::Vtt,
        Sniffed::Eaf => Format::Eaf,
    })
}

/// True when the first bytes of the file contain a TEI root element.
fn sniff_tei(path: &Path) -> bool {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let read = File::open(path).and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head));
    read.is_ok() && head_names_tei(&head)
}

/// True when `head` has `<TEI` or `<teiCorpus` (optionally with a namespace prefix) as a tag.
fn head_names_tei(head: &[u8]) -> bool {
    memchr::memchr_iter(b'<', head).any(|at| {
        let rest = &head[at + 1..];
        let name_end = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        name_end < rest.len() && (local == b"TEI" || local == b"teiCorpus")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn extensions_map_to_formats() {
        let cases = [
            ("crawl.warc.gz", Some(Format::Warc)),
            ("CRAWL.WARC", Some(Format::Warc)),
            ("x.warc.wet.gz", Some(Format::Warc)),
            ("a.jsonl", Some(Format::Jsonl)),
            ("a.jsonl.gz", Some(Format::Jsonl)),
            ("cuento.txt", Some(Format::Txt)),
            ("poema.md", Some(Format::Md)),
            ("pagina.htm", Some(Format::Html)),
            ("pagina.html", Some(Format::Html)),
            ("texto.txt.gz", None),
            ("old.arc.gz", None),
            ("imagen.png", None),
            ("README", None),
        ];
        for (name, want) in cases {
            assert_eq!(detect_format(Path::new(name)), want, "{name}");
        }
    }

    #[test]
    fn xml_is_tei_only_when_sniffed() {
        let dir = tempfile::tempdir().unwrap();
        let tei = dir.path().join("novela.xml");
        let other = dir.path().join("datos.xml");
        let mut f = File::create(&tei).unwrap();
        writeln!(
            f,
            "<?xml version=\"1.0\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">"
        )
        .unwrap();
        std::fs::write(
            &other,
            "<?xml version=\"1.0\"?><catalogo><TEIx/></catalogo>",
        )
        .unwrap();
        assert_eq!(detect_format(&tei), Some(Format::Tei));
        assert_eq!(detect_format(&other), None);
        assert_eq!(detect_format(&dir.path().join("missing.xml")), None);
    }

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name(" TEI "), Some(Format::Tei));
        assert_eq!(Format::from_name("auto"), None);
    }

    /// The bundled sample documents: each file is recognised and reads without a skip.
    #[test]
    fn sample_documents_read_cleanly() {
        use crate::sources::{jsonl, plain, tei, Body, SourceItem};
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/docs");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let mut docs = Vec::new();
        for path in &names {
            let items: Vec<SourceItem> = match detect_format(path) {
                Some(Format::Tei) => tei::read_tei(path, &tei::TeiOptions::default()).unwrap(),
                Some(Format::Jsonl) => jsonl::read_jsonl(path, None, &Default::default())
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap(),
                Some(Format::Txt) => {
                    plain::read_plain(path, plain::PlainKind::Txt, 1 << 20).unwrap()
                }
                Some(Format::Md) => plain::read_plain(path, plain::PlainKind::Md, 1 << 20).unwrap(),
                other => panic!("{}: {other:?}", path.display()),
            };
            for item in items {
                match item {
                    SourceItem::Doc(d) => docs.push(d),
                    SourceItem::Skip(s) => panic!("{}: {s:?}", path.display()),
                    SourceItem::NotDocument { kind, .. } => panic!("{}: {kind}", path.display()),
                }
            }
        }
        assert_eq!(docs.len(), 6 + 4);
        let tei = docs.iter().find(|d| d.content_type == "tei").unwrap();
        assert_eq!(tei.title.as_deref(), Some("La minga del canal"));
        assert_eq!(tei.country.as_deref(), Some("EC"));
        assert_eq!(tei.licence.as_deref(), Some("CC0-1.0"));
        let Body::Text(text) = &tei.body else {
            panic!()
        };
        assert!(text.starts_with("I. La convocatoria\n\nEl domingo temprano"));
        assert!(text.contains("—Shuk shunkulla, shuk makilla —dijo doña Rosa"));
        assert!(text.contains("El agua no tiene dueño,\nla acequia es de quien la cuida;"));
        assert!(!text.contains("diez años") && !text.contains("Relato de ejemplo"));
        let md = docs.iter().find(|d| d.content_type == "md").unwrap();
        assert_eq!(md.country.as_deref(), Some("BR"));
        assert_eq!(md.title.as_deref(), Some("A feira de sábado"));
        let langs: Vec<_> = docs.iter().filter_map(|d| d.record_id.clone()).collect();
        assert!(langs.contains(&"aym-005".to_string()) && langs.contains(&"gn-004".to_string()));
    }
}
