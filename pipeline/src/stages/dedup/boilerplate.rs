//! `[dedup] boilerplate_lines`: the apply step's optional removal of lines repeated across
//! documents of one site within a part (`minga_filters::dedup::strip_lines`; why per part: see
//! there). Pass 1 counts, per site, the documents each line occurs in; pass 2 (the apply loop)
//! strips lines of at least `boilerplate_min_words` words found in at least
//! `boilerplate_min_docs` of them. Every removed line is listed in
//! the part's `boilerplate/part-NNNNN.jsonl` (site, line, documents it occurs in, documents it was
//! removed from), an output of the part's manifest; a document left with no text goes to the
//! ledger as `dedup.boilerplate_only`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use minga_filters::dedup::{line_hashes, site_hash, site_of, strip_lines};
use minga_manifests::{Document, FileEntry, ShardReader};

/// Ledger reason of a document whose every line was boilerplate.
pub const ONLY_BOILERPLATE: &str = "dedup.boilerplate_only";

/// Directory, under the stage's output, of the per-part lists of removed lines.
pub const DIR: &str = "boilerplate";

/// The repeated lines of one part and what was removed.
pub struct Boilerplate {
    /// `(site, line)` hash -> documents of the site holding the line; only lines at or above
    /// `min_docs` are kept after counting.
    repeated: HashMap<(u64, u64), u32>,
    /// `(site, line)` text -> (documents holding it, documents it was removed from).
    removed: BTreeMap<(String, String), (u32, u32)>,
}

/// Counters of one part's stripping.
#[derive(Default, Debug, PartialEq)]
pub struct Stripped {
    pub lines: u64,
    pub bytes: u64,
}

impl Boilerplate {
    /// Pass 1 over the part at `path`.
    pub fn count(path: &Path, min_docs: u32, min_words: usize) -> Result<Boilerplate> {
        let mut counts: HashMap<(u64, u64), u32> = HashMap::new();
        let mut reader = ShardReader::open(path)?;
        while let Some((docs, _)) = reader.next_batch()? {
            for d in &docs {
                let site = site_hash(site_of(&d.source, d.url.as_deref()));
                for line in line_hashes(&d.text, min_words) {
                    *counts.entry((site, line)).or_default() += 1;
                }
            }
        }
        counts.retain(|_, n| *n >= min_docs);
        Ok(Boilerplate {
            repeated: counts,
            removed: BTreeMap::new(),
        })
    }

    /// Pass 2, for one kept document: removes its repeated lines. Returns the lines and bytes
    /// removed (zero when none).
    pub fn strip(&mut self, doc: &mut Document) -> Stripped {
        if self.repeated.is_empty() {
            return Stripped::default();
        }
        let site_name = site_of(&doc.source, doc.url.as_deref()).to_string();
        let site = site_hash(&site_name);
        let mut gone: Vec<(u64, String)> = Vec::new();
        let stripped = strip_lines(
            &doc.text,
            |h| self.repeated.contains_key(&(site, h)),
            |h, line| gone.push((h, line.trim().to_string())),
        );
        let Some(text) = stripped else {
            return Stripped::default();
        };
        let out = Stripped {
            lines: gone.len() as u64,
            bytes: (doc.text.len() - text.len()) as u64,
        };
        doc.text = text;
        gone.sort();
        gone.dedup_by_key(|g| g.0);
        for (h, line) in gone {
            let docs = self.repeated[&(site, h)];
            let e = self
                .removed
                .entry((site_name.clone(), line))
                .or_insert((docs, 0));
            e.1 += 1;
        }
        out
    }

    /// Writes the list of removed lines (sorted by site, then line) as JSON lines to
    /// `out/boilerplate/<part>.jsonl`; returns its manifest entry (path relative to `out`).
    pub fn write_list(&self, out: &Path, part: usize) -> Result<FileEntry> {
        let mut body = String::new();
        for ((site, line), (docs, removed_from)) in &self.removed {
            let row = serde_json::json!({
                "site": site, "line": line, "docs": docs, "removed_from": removed_from,
            });
            body.push_str(&row.to_string());
            body.push('\n');
        }
        let rel = format!("{DIR}/{}.jsonl", minga_manifests::part_name(part));
        let path = out.join(&rel);
        let dir = out.join(DIR);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        minga_manifests::atomic_write(&path, body.as_bytes())?;
        Ok(FileEntry {
            path: rel,
            bytes: body.len() as u64,
            rows: self.removed.len() as u64,
            blake3: minga_manifests::blake3_hex(body.as_bytes()),
        })
    }
}
