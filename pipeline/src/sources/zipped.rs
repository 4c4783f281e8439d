//! Bounded access to the zip containers of DOCX, ODT and EPUB.
//!
//! A zip bomb cannot inflate past the budget: every part is read through a `take` of what is
//! left of `max_record_mb` for the whole file (the size an entry declares is checked first, but
//! never trusted), the central directory may list at most [`MAX_ENTRIES`] entries, and a file
//! larger than [`FILE_FACTOR`] times the budget is not opened (images make containers larger
//! than their text; the central directory the zip crate parses grows with the file).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use zip::result::ZipError;
use zip::ZipArchive;

use super::error::SourceError;
use super::{SkipReason, SourceItem};

/// Most entries a container may list.
pub const MAX_ENTRIES: usize = 10_000;
/// A container file may be this many times `max_record_mb` before it is skipped unread.
pub const FILE_FACTOR: u64 = 4;

/// Why a container (or a part of it) was skipped.
pub type Fail = (SkipReason, String);

/// An open container with the bytes left to inflate.
pub struct Container<R: Read + Seek> {
    archive: ZipArchive<R>,
    budget: u64,
    limit: u64,
}

/// Opens the zip file at `path` with an inflate budget of `max_bytes`. `Ok(Err)` is a skip.
pub fn open_file(
    path: &Path,
    max_bytes: u64,
) -> std::io::Result<Result<Container<BufReader<File>>, Fail>> {
    let size = std::fs::metadata(path)?.len();
    let cap = max_bytes.saturating_mul(FILE_FACTOR);
    if size > cap {
        let detail =
            format!("{size} bytes, over {FILE_FACTOR} x the {max_bytes} byte record limit");
        return Ok(Err((SkipReason::RecordTooLarge, detail)));
    }
    let file = BufReader::new(File::open(path)?);
    Ok(Container::new(file, max_bytes))
}

/// The items of a zip-based file: none for an empty file, one skip for a container that does not
/// open, else what `items` makes of the container (given the file's length). I/O failures are
/// errors.
pub fn read_container(
    path: &Path,
    max_bytes: u64,
    items: impl FnOnce(&mut Container<BufReader<File>>, u64) -> Vec<SourceItem>,
) -> Result<Vec<SourceItem>, SourceError> {
    let io = |e| SourceError::io(path, e);
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len == 0 {
        return Ok(Vec::new());
    }
    Ok(match open_file(path, max_bytes).map_err(io)? {
        Ok(mut c) => items(&mut c, len),
        Err((reason, detail)) => vec![super::skip(0, reason, detail)],
    })
}

impl<R: Read + Seek> Container<R> {
    /// Reads the central directory.
    pub fn new(reader: R, max_bytes: u64) -> Result<Container<R>, Fail> {
        let archive = ZipArchive::new(reader).map_err(|e| bad(&e))?;
        if archive.len() > MAX_ENTRIES {
            let detail = format!("{} entries, over the {MAX_ENTRIES} limit", archive.len());
            return Err((SkipReason::BadZip, detail));
        }
        Ok(Container {
            archive,
            budget: max_bytes,
            limit: max_bytes,
        })
    }

    /// True when the container lists `name`.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Names of all entries, in central-directory order.
    pub fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok())
            .map(|n| n.into_owned())
            .collect()
    }

    /// The inflated bytes of `name`, `Ok(None)` when the container has no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Fail> {
        let mut entry = match self.archive.by_name(name) {
            Ok(e) => e,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err((SkipReason::BadZip, format!("{name}: {e}"))),
        };
        let over = |n: u64, limit: u64| {
            let detail = format!(
                "{name}: {n} bytes inflated, over the {limit} byte limit for the whole file"
            );
            (SkipReason::RecordTooLarge, detail)
        };
        if entry.size() > self.budget {
            return Err(over(entry.size(), self.limit));
        }
        let mut buf = Vec::with_capacity(entry.size().min(1 << 20) as usize);
        (&mut entry)
            .take(self.budget + 1)
            .read_to_end(&mut buf)
            .map_err(|e| (SkipReason::BadZip, format!("{name}: {e}")))?;
        if buf.len() as u64 > self.budget {
            return Err(over(buf.len() as u64, self.limit));
        }
        self.budget -= buf.len() as u64;
        Ok(Some(buf))
    }

    /// Byte range of an entry in the container file (local header to end of data), for the
    /// offset and length of a document made from that one entry.
    pub fn span(&mut self, name: &str) -> Option<(u64, u64)> {
        let entry = self.archive.by_name(name).ok()?;
        let start = entry.header_start();
        let end = entry.data_start()? + entry.compressed_size();
        Some((start, end.saturating_sub(start)))
    }

    /// Like [`Container::read`], but a missing entry is a `ingest.missing_part` skip.
    pub fn require(&mut self, name: &str, what: &str) -> Result<Vec<u8>, Fail> {
        self.read(name)?.ok_or_else(|| {
            let detail = format!("no {name} ({what})");
            (SkipReason::MissingPart, detail)
        })
    }
}

fn bad(e: &ZipError) -> Fail {
    (
        SkipReason::BadZip,
        format!("not a readable zip container: {e}"),
    )
}

/// `href` (relative to the part `base`, percent-encoded) as an entry name.
pub fn resolve(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or("");
    let href = percent_decode(href);
    let mut parts: Vec<&str> = match base.rfind('/') {
        Some(i) if !href.starts_with('/') => base[..i].split('/').collect(),
        _ => Vec::new(),
    };
    for seg in href.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_against_their_part() {
        assert_eq!(
            resolve("OEBPS/content.opf", "text/cap%201.xhtml#p3"),
            "OEBPS/text/cap 1.xhtml"
        );
        assert_eq!(
            resolve("OEBPS/text/a.xhtml", "../img/x.png"),
            "OEBPS/img/x.png"
        );
        assert_eq!(resolve("content.opf", "cap1.xhtml"), "cap1.xhtml");
        assert_eq!(resolve("a/b.opf", "/root.xhtml"), "root.xhtml");
        assert_eq!(resolve("a/b.opf", "../../../x"), "x");
    }
}
