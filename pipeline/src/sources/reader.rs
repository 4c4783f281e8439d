//! The one reader contract: every format is read by a [`SourceReader`] that turns one file (or
//! the byte range of it a part reads) into a stream of [`SourceItem`]s, with the record size
//! limit of `[ingest] max_record_mb` and its source's options. [`READERS`] lists them all; ingest
//! finds a file's reader with [`reader_for`].

use std::path::Path;

use anyhow::Result;

use super::{eaf, epub, jsonl, office, pdf, plain, remote, subtitles, tei, warc, SourceItem};
use crate::config::{EpubSplit, Format, SourceConfig};

/// What one read needs.
pub struct ReadRequest<'a> {
    /// The file's format, resolved (never `auto`).
    pub format: Format,
    /// A local path, or a URL (WARC only: read by HTTP ranges).
    pub path: &'a Path,
    /// The byte range a part reads, for formats that split ([`SourceReader::splits`]).
    pub range: Option<(u64, u64)>,
    /// The file's size in bytes.
    pub size: u64,
    pub source: &'a SourceConfig,
    /// `[ingest] max_record_mb` in bytes: a larger record is a counted skip.
    pub max_record_bytes: u64,
}

/// A file's items, in file order.
pub type Items = Box<dyn Iterator<Item = SourceItem>>;

/// A reader of one family of formats.
pub trait SourceReader: Sync {
    /// The `format` values it reads.
    fn formats(&self) -> &'static [Format];
    /// True when an uncompressed file can be cut into byte ranges at record boundaries, so a
    /// large file spreads over several parts.
    fn splits(&self) -> bool {
        false
    }
    fn open(&self, req: &ReadRequest) -> Result<Items>;
}

/// Every reader.
pub const READERS: &[&dyn SourceReader] = &[
    &WarcReader,
    &JsonlReader,
    &TeiReader,
    &PlainReader,
    &SubtitleReader,
    &OfficeReader,
    &EpubReader,
    &EafReader,
    &PdfReader,
];

/// The reader of `format`; an error for `auto` (resolved by the plan before any read).
pub fn reader_for(format: Format) -> Result<&'static dyn SourceReader> {
    READERS
        .iter()
        .copied()
        .find(|r| r.formats().contains(&format))
        .ok_or_else(|| anyhow::anyhow!("no reader for format {format:?}"))
}

fn items<I: IntoIterator<Item = SourceItem>>(v: I) -> Items
where
    I::IntoIter: 'static,
{
    Box::new(v.into_iter())
}

struct WarcReader;
impl SourceReader for WarcReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Warc]
    }
    fn splits(&self) -> bool {
        true
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let opts = warc::WarcOptions {
            max_record_bytes: req.max_record_bytes,
        };
        let url = req.path.to_string_lossy();
        if !remote::is_url(&url) {
            return Ok(Box::new(warc::read_warc(req.path, req.range, &opts)?));
        }
        let file = remote::HttpFile::new(&url, req.size, Default::default());
        Ok(Box::new(warc::read_warc_from(
            Box::new(file),
            req.path,
            req.range,
            &opts,
        )?))
    }
}

struct JsonlReader;
impl SourceReader for JsonlReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Jsonl]
    }
    fn splits(&self) -> bool {
        true
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let mut opts = jsonl::JsonlOptions {
            max_line_bytes: req.max_record_bytes,
            ..Default::default()
        };
        if let Some(f) = &req.source.text_field {
            opts.text_field = f.clone();
        }
        if let Some(f) = &req.source.id_field {
            opts.id_field = Some(f.clone());
        }
        let path = req.path.to_path_buf();
        // A read error ends the file; it is recorded as a skip at the last good offset.
        Ok(Box::new(
            jsonl::read_jsonl(req.path, req.range, &opts)?.map(move |r| match r {
                Ok(it) => it,
                Err(e) => SourceItem::Skip(super::Skip {
                    offset: 0,
                    length: 0,
                    reason: super::SkipReason::ReadError,
                    detail: format!("{}: {e}", path.display()),
                }),
            }),
        ))
    }
}

struct TeiReader;
impl SourceReader for TeiReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Tei]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let opts = tei::TeiOptions {
            max_bytes: req.max_record_bytes,
            ..Default::default()
        };
        Ok(items(tei::read_tei(req.path, &opts)?))
    }
}

struct PlainReader;
impl SourceReader for PlainReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Txt, Format::Md, Format::Html]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let kind = match req.format {
            Format::Md => plain::PlainKind::Md,
            Format::Html => plain::PlainKind::Html,
            _ => plain::PlainKind::Txt,
        };
        Ok(items(plain::read_plain(
            req.path,
            kind,
            req.max_record_bytes,
        )?))
    }
}

struct SubtitleReader;
impl SourceReader for SubtitleReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Srt, Format::Vtt]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let kind = match req.format {
            Format::Srt => subtitles::SubKind::Srt,
            _ => subtitles::SubKind::Vtt,
        };
        Ok(items(subtitles::read_subtitles(
            req.path,
            kind,
            req.max_record_bytes,
        )?))
    }
}

struct OfficeReader;
impl SourceReader for OfficeReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Docx, Format::Odt]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let kind = match req.format {
            Format::Docx => office::OfficeKind::Docx,
            _ => office::OfficeKind::Odt,
        };
        Ok(items(office::read_office(
            req.path,
            kind,
            req.max_record_bytes,
        )?))
    }
}

struct EpubReader;
impl SourceReader for EpubReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Epub]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let per_chapter = req.source.epub_split == Some(EpubSplit::Chapter);
        Ok(items(epub::read_epub(
            req.path,
            per_chapter,
            req.max_record_bytes,
        )?))
    }
}

struct EafReader;
impl SourceReader for EafReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Eaf]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let opts = eaf::EafOptions {
            max_bytes: req.max_record_bytes,
            tiers: req.source.eaf_tiers.clone(),
            translation_tiers: req.source.eaf_translation_tiers.clone().unwrap_or_default(),
        };
        Ok(items(eaf::read_eaf(req.path, &opts)?))
    }
}

struct PdfReader;
impl SourceReader for PdfReader {
    fn formats(&self) -> &'static [Format] {
        &[Format::Pdf]
    }
    fn open(&self, req: &ReadRequest) -> Result<Items> {
        let opts = pdf::PdfOptions {
            max_bytes: req.max_record_bytes,
            ..Default::default()
        };
        Ok(items(pdf::read_pdf(req.path, &opts)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_exactly_one_reader() {
        use Format::*;
        for f in [
            Warc, Txt, Md, Html, Jsonl, Tei, Docx, Odt, Epub, Srt, Vtt, Eaf, Pdf,
        ] {
            let n = READERS.iter().filter(|r| r.formats().contains(&f)).count();
            assert_eq!(n, 1, "{f:?}");
        }
        assert!(reader_for(Auto).is_err());
        assert!(reader_for(Warc).unwrap().splits());
        assert!(!reader_for(Pdf).unwrap().splits());
    }
}
