//! The ingest plan: which input files (or byte ranges of them) make up each part.
//!
//! The plan depends only on the sorted file list and the file sizes, so every Slurm task computes
//! the same plan and runs its own parts without talking to the others.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::{Format, SourceConfig};

/// One input file (or a byte range of it) of one source.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItem {
    /// Index into the ingest sources.
    pub source: usize,
    pub path: PathBuf,
    /// Path relative to the source root, with `/` separators: the `source_file` column.
    pub rel: String,
    pub size: u64,
    /// Byte range of a split file (records starting inside it belong to this item).
    pub range: Option<(u64, u64)>,
    pub format: Format,
}

/// Files of a source: its path may be a file, a directory (read recursively) or a glob.
/// Returns `(root, files)` with files sorted by their path relative to root.
pub fn list_files(base: &Path, spec: &str) -> Result<(PathBuf, Vec<PathBuf>)> {
    let full = if Path::new(spec).is_absolute() {
        PathBuf::from(spec)
    } else {
        base.join(spec)
    };
    let mut files = Vec::new();
    let root;
    if spec.contains(['*', '?', '[']) {
        let pattern = full.to_string_lossy().into_owned();
        root = glob_root(&full);
        for entry in glob::glob(&pattern).with_context(|| format!("bad glob {pattern}"))? {
            let p = entry.with_context(|| format!("cannot read a match of {pattern}"))?;
            if p.is_file() {
                files.push(p);
            } else if p.is_dir() {
                walk(&p, &mut files)?;
            }
        }
        if files.is_empty() {
            bail!("no file matches {pattern}");
        }
    } else if full.is_dir() {
        root = full.clone();
        walk(&full, &mut files)?;
    } else if full.is_file() {
        root = full.parent().map(Path::to_path_buf).unwrap_or_default();
        files.push(full.clone());
    } else {
        bail!("input {} does not exist", full.display());
    }
    files.sort_by_key(|p| rel_path(&root, p));
    files.dedup();
    Ok((root, files))
}

fn glob_root(pattern: &Path) -> PathBuf {
    let mut root = PathBuf::new();
    for c in pattern.components() {
        if c.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            break;
        }
        root.push(c);
    }
    root
}

/// Recursive directory walk without following symlinked dirs; hidden files are skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?
        {
            let entry = entry.with_context(|| format!("cannot list {}", d.display()))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let ft = entry
                .file_type()
                .with_context(|| format!("cannot stat {}", entry.path().display()))?;
            if ft.is_dir() {
                stack.push(entry.path());
            } else if ft.is_file() || (ft.is_symlink() && entry.path().is_file()) {
                out.push(entry.path());
            }
        }
    }
    Ok(())
}

/// `p` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The format of a file for `format = "auto"`; `None` = not an input we read. Known extensions
/// decide (`.xml` is TEI unless its first bytes name an ELAN `<ANNOTATION_DOCUMENT>`); other
/// names are told by content: zip `mimetype`/`[Content_Types].xml`, `WEBVTT`, SRT timing lines.
pub fn detect_format(path: &Path) -> Option<Format> {
    use crate::sources::sniff::sniff_file;
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit('.').next()?;
    Some(match ext {
        "warc" | "arc" | "wet" => Format::Warc,
        "jsonl" | "ndjson" => Format::Jsonl,
        "txt" | "text" => Format::Txt,
        "md" | "markdown" => Format::Md,
        "html" | "htm" | "xhtml" => Format::Html,
        "xml" if sniff_file(path) == Some(Format::Eaf) => Format::Eaf,
        "xml" | "tei" => Format::Tei,
        "pdf" => Format::Pdf,
        "docx" => Format::Docx,
        "odt" => Format::Odt,
        "epub" => Format::Epub,
        "srt" => Format::Srt,
        "vtt" | "webvtt" => Format::Vtt,
        "eaf" => Format::Eaf,
        _ => sniff_file(path)?,
    })
}

/// Plain `.warc` and `.jsonl` files can be cut at record boundaries; compressed ones cannot.
fn splittable(item: &PlanItem) -> bool {
    let name = item.path.to_string_lossy().to_ascii_lowercase();
    !name.ends_with(".gz")
        && crate::sources::reader::reader_for(item.format).is_ok_and(|r| r.splits())
}

/// Groups the files of all sources, in source order then sorted path order, into parts of about
/// `part_size` input bytes. Files are never reordered, so part k always holds the same inputs.
pub fn plan_parts(items: Vec<PlanItem>, part_size: u64) -> Vec<Vec<PlanItem>> {
    let mut parts = Vec::new();
    let mut current: Vec<PlanItem> = Vec::new();
    let mut bytes = 0u64;
    for item in items {
        if item.size > part_size && splittable(&item) {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
                bytes = 0;
            }
            let mut start = 0;
            while start < item.size {
                let end = (start + part_size).min(item.size);
                parts.push(vec![PlanItem {
                    range: Some((start, end)),
                    ..item.clone()
                }]);
                start = end;
            }
            continue;
        }
        if !current.is_empty() && bytes + item.size > part_size {
            parts.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += item.size;
        current.push(item);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// A file whose format cannot be told: the index of its source and its path relative to it.
pub type UnknownFile = (usize, String);

/// Lists and plans every source. Files whose format cannot be told are counted by the caller.
pub fn plan_sources(
    base: &Path,
    sources: &[SourceConfig],
    part_size: u64,
) -> Result<(Vec<Vec<PlanItem>>, Vec<UnknownFile>)> {
    let mut items = Vec::new();
    let mut unknown = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        if crate::sources::remote::is_url(&s.path) {
            items.push(remote_item(i, s)?);
            continue;
        }
        let (root, files) =
            list_files(base, &s.path).with_context(|| format!("source {:?}", s.name))?;
        if files.is_empty() {
            bail!("source {:?}: no files under {}", s.name, s.path);
        }
        for f in files {
            let rel = rel_path(&root, &f);
            let format = match s.format {
                Format::Auto => match detect_format(&f) {
                    Some(fmt) => fmt,
                    None => {
                        unknown.push((i, rel));
                        continue;
                    }
                },
                fmt => fmt,
            };
            let size = f
                .metadata()
                .with_context(|| format!("cannot stat {}", f.display()))?
                .len();
            items.push(PlanItem {
                source: i,
                path: f,
                rel,
                size,
                range: None,
                format,
            });
        }
    }
    Ok((plan_parts(items, part_size), unknown))
}

/// A URL source is one input file: its size is the Content-Length of a HEAD request, so the
/// plan depends on what the server reports.
fn remote_item(i: usize, s: &SourceConfig) -> Result<PlanItem> {
    let url = s.path.as_str();
    let format = match s.format {
        Format::Auto => detect_format(Path::new(crate::sources::remote::url_path(url)))
            .with_context(|| format!("{url}: cannot tell the format; set `format`"))?,
        f => f,
    };
    if format != Format::Warc {
        bail!("{url}: only WARC files can be read by URL");
    }
    let size = crate::sources::remote::content_length(url, Default::default())?;
    Ok(PlanItem {
        source: i,
        path: PathBuf::from(url),
        rel: crate::sources::remote::url_path(url).to_string(),
        size,
        range: None,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(rel: &str, size: u64, format: Format) -> PlanItem {
        PlanItem {
            source: 0,
            path: PathBuf::from(rel),
            rel: rel.into(),
            size,
            range: None,
            format,
        }
    }

    #[test]
    fn files_group_into_parts_and_big_plain_files_split() {
        let items = vec![
            item("a.txt", 40, Format::Txt),
            item("b.txt", 40, Format::Txt),
            item("c.txt", 40, Format::Txt),
            item("big.warc", 250, Format::Warc),
            item("big.warc.gz", 250, Format::Warc),
            item("d.txt", 10, Format::Txt),
        ];
        let parts = plan_parts(items, 100);
        type Shape = Vec<(String, Option<(u64, u64)>)>;
        let shape: Vec<Shape> = parts
            .iter()
            .map(|p| p.iter().map(|i| (i.rel.clone(), i.range)).collect())
            .collect();
        assert_eq!(
            shape,
            vec![
                vec![("a.txt".into(), None), ("b.txt".into(), None)],
                vec![("c.txt".into(), None)],
                vec![("big.warc".into(), Some((0, 100)))],
                vec![("big.warc".into(), Some((100, 200)))],
                vec![("big.warc".into(), Some((200, 250)))],
                vec![("big.warc.gz".into(), None)],
                vec![("d.txt".into(), None)],
            ]
        );
    }

    #[test]
    fn formats_are_told_by_extension() {
        assert_eq!(
            detect_format(Path::new("x/CC-1.warc.gz")),
            Some(Format::Warc)
        );
        assert_eq!(detect_format(Path::new("a.WET.gz")), Some(Format::Warc));
        assert_eq!(detect_format(Path::new("nh0007.xml")), Some(Format::Tei));
        assert_eq!(detect_format(Path::new("d.jsonl")), Some(Format::Jsonl));
        assert_eq!(detect_format(Path::new("README")), None);
    }
}
