//! Opens the right reader for a plan item: every format yields the same [`SourceItem`] stream.

use anyhow::Result;

use super::plan::PlanItem;
use crate::config::EpubSplit;
use crate::config::{Format, SourceConfig};
use crate::sources::{eaf, epub, jsonl, office, pdf, plain, subtitles, tei, warc, SourceItem};

/// Readers' size limits, from `[ingest]`.
pub struct ReadLimits {
    pub max_record_bytes: u64,
}

/// The items of one plan item, in file order.
pub fn open(
    item: &PlanItem,
    source: &SourceConfig,
    limits: &ReadLimits,
) -> Result<Box<dyn Iterator<Item = SourceItem>>> {
    Ok(match item.format {
        Format::Warc => open_warc(item, limits)?,
        Format::Jsonl => open_jsonl(item, source, limits)?,
        Format::Tei => {
            let opts = tei::TeiOptions {
                max_bytes: limits.max_record_bytes,
                ..Default::default()
            };
            Box::new(tei::read_tei(&item.path, &opts)?.into_iter())
        }
        Format::Txt => Box::new(
            plain::read_plain(&item.path, plain::PlainKind::Txt, limits.max_record_bytes)?
                .into_iter(),
        ),
        Format::Md => Box::new(
            plain::read_plain(&item.path, plain::PlainKind::Md, limits.max_record_bytes)?
                .into_iter(),
        ),
        Format::Html => Box::new(
            plain::read_plain(&item.path, plain::PlainKind::Html, limits.max_record_bytes)?
                .into_iter(),
        ),
        Format::Srt | Format::Vtt => {
            let kind = match item.format {
                Format::Srt => subtitles::SubKind::Srt,
                _ => subtitles::SubKind::Vtt,
            };
            Box::new(
                subtitles::read_subtitles(&item.path, kind, limits.max_record_bytes)?.into_iter(),
            )
        }
        Format::Docx | Format::Odt => {
            let kind = match item.format {
                Format::Docx => office::OfficeKind::Docx,
                _ => office::OfficeKind::Odt,
            };
            Box::new(office::read_office(&item.path, kind, limits.max_record_bytes)?.into_iter())
        }
        Format::Epub => {
            let per_chapter = source.epub_split == Some(EpubSplit::Chapter);
            Box::new(epub::read_epub(&item.path, per_chapter, limits.max_record_bytes)?.into_iter())
        }
        Format::Eaf => {
            let opts = eaf::EafOptions {
                max_bytes: limits.max_record_bytes,
                tiers: source.eaf_tiers.clone(),
                translation_tiers: source.eaf_translation_tiers.clone().unwrap_or_default(),
            };
            Box::new(eaf::read_eaf(&item.path, &opts)?.into_iter())
        }
        Format::Pdf => {
            let opts = pdf::PdfOptions {
                max_bytes: limits.max_record_bytes,
                ..Default::default()
            };
            Box::new(pdf::read_pdf(&item.path, &opts)?.into_iter())
        }
        Format::Auto => anyhow::bail!("{}: format not resolved", item.path.display()),
    })
}

/// A WARC file, local or behind a URL (read by HTTP ranges).
fn open_warc(item: &PlanItem, limits: &ReadLimits) -> Result<Box<dyn Iterator<Item = SourceItem>>> {
    let opts = warc::WarcOptions {
        max_record_bytes: limits.max_record_bytes,
    };
    let url = item.path.to_string_lossy();
    if !crate::sources::remote::is_url(&url) {
        return Ok(Box::new(warc::read_warc(&item.path, item.range, &opts)?));
    }
    let file = crate::sources::remote::HttpFile::new(&url, item.size, Default::default());
    Ok(Box::new(warc::read_warc_from(
        Box::new(file),
        &item.path,
        item.range,
        &opts,
    )?))
}

/// A jsonl file, streamed line by line.
fn open_jsonl(
    item: &PlanItem,
    source: &SourceConfig,
    limits: &ReadLimits,
) -> Result<Box<dyn Iterator<Item = SourceItem>>> {
    let mut opts = jsonl::JsonlOptions {
        max_line_bytes: limits.max_record_bytes,
        ..Default::default()
    };
    if let Some(f) = &source.text_field {
        opts.text_field = f.clone();
    }
    if let Some(f) = &source.id_field {
        opts.id_field = Some(f.clone());
    }
    let path = item.path.clone();
    // A read error ends the file; it is recorded as a skip at the last good offset.
    Ok(Box::new(
        jsonl::read_jsonl(&item.path, item.range, &opts)?.map(move |r| match r {
            Ok(it) => it,
            Err(e) => SourceItem::Skip(crate::sources::Skip {
                offset: 0,
                length: 0,
                reason: crate::sources::SkipReason::ReadError,
                detail: format!("{}: {e}", path.display()),
            }),
        }),
    ))
}
