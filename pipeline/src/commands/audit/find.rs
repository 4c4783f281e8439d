//! `minga audit find`: every document of a workdir that matches a URL, a domain or a text (exactly
//! or as a near-copy), where it is now and whether it reaches the export.
//!
//! URL and domain queries scan the index's document table. A text query looks up the sampled
//! shingles of the passage in the index's postings, then verifies every candidate with enough hits
//! on its full text: the reported similarity is the exact containment of the passage in the
//! document (`minga_filters::dedup::containment`), not an estimate.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minga_filters::dedup::{containment, is_sampled, min_hits, PassageShingler};
use minga_manifests::{part_name, ShardReader, REJECTED_DIR};
use serde::Serialize;

use super::index::{AuditIndex, DocEntry};

/// Candidates verified at most per text query, most hits first: bounds the time of a query made
/// of very common phrases.
const MAX_VERIFIED: usize = 100_000;

/// What to look for; exactly one of `url`, `domain`, `text`.
#[derive(Debug, Clone)]
pub enum Query {
    Url(String),
    /// A host; its subdomains match too.
    Domain(String),
    /// A file holding the passage, and the least containment reported.
    Text(PathBuf, f32),
}

/// One matching document.
#[derive(Debug, Serialize)]
pub struct Match {
    #[serde(flatten)]
    pub doc: DocEntry,
    /// Containment of the passage in the document (text queries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
}

/// The answer to a query.
#[derive(Debug, Serialize)]
pub struct Found {
    pub query: String,
    /// Text queries: shingles of the passage, and how many of them the index samples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_shingles: Option<(usize, usize)>,
    pub matches: Vec<Match>,
}

/// Runs `query` against `index` (built over `workdir`).
pub fn find(workdir: &Path, index: &AuditIndex, query: &Query) -> Result<Found> {
    match query {
        Query::Url(url) => {
            let (host, path) = url_key(url)?;
            // The host column narrows first, so only that host's URLs are split.
            let mut matches = scan(index, "host", |h| h == host)?;
            matches.retain(|m| url_key(&m.doc.url).is_ok_and(|(_, p)| p == path));
            Ok(found(format!("url {url}"), None, matches))
        }
        Query::Domain(domain) => {
            let domain = domain_key(domain)?;
            let dotted = format!(".{domain}");
            let matches = scan(index, "host", |h| h == domain || h.ends_with(&dotted))?;
            Ok(found(format!("domain {domain}"), None, matches))
        }
        Query::Text(path, min_similarity) => find_text(workdir, index, path, *min_similarity),
    }
}

fn found(query: String, passage_shingles: Option<(usize, usize)>, matches: Vec<Match>) -> Found {
    Found {
        query,
        passage_shingles,
        matches,
    }
}

/// The documents whose string column `name` satisfies `keep`.
fn scan(index: &AuditIndex, name: &str, keep: impl Fn(&str) -> bool) -> Result<Vec<Match>> {
    let rows = index.rows_where(name, keep)?;
    let entries = rows.into_iter().map(|r| index.entry(r));
    let matches = entries.map(|doc| {
        doc.map(|doc| Match {
            doc,
            similarity: None,
        })
    });
    matches.collect()
}

/// Host and path of a URL, so `http://X/a` and `https://x/a` match and an empty path is `/`.
fn url_key(url: &str) -> Result<(String, String)> {
    let (host, path) = minga_filters::urls::split_url(url.trim());
    if host.is_empty() || host.contains(char::is_whitespace) {
        anyhow::bail!("--url {url:?}: not a URL (expected scheme://host/path)");
    }
    let path = if path.is_empty() { "/" } else { path };
    Ok((host, path.to_string()))
}

fn domain_key(domain: &str) -> Result<String> {
    let d = domain.trim().trim_end_matches('.').to_lowercase();
    if d.is_empty() || d.contains(['/', ':', ' ', '@']) {
        anyhow::bail!("--domain {domain:?}: give a host name such as example.org (subdomains match too), not a URL");
    }
    Ok(d)
}

fn find_text(
    workdir: &Path,
    index: &AuditIndex,
    path: &Path,
    min_similarity: f32,
) -> Result<Found> {
    if !(0.0..=1.0).contains(&min_similarity) || min_similarity == 0.0 {
        anyhow::bail!("--min-similarity {min_similarity}: must be in (0, 1]");
    }
    let passage = std::fs::read_to_string(path)
        .with_context(|| format!("--text {}: cannot read the passage", path.display()))?;
    let mut shingler = PassageShingler::default();
    let query = shingler.shingles(&passage);
    let sampled: Vec<u64> = query.iter().copied().filter(|h| is_sampled(*h)).collect();
    if sampled.is_empty() {
        anyhow::bail!(
            "--text {}: too short to search ({} word shingles, none of them indexed); give a passage of at least 30 words",
            path.display(),
            query.len()
        );
    }
    let mut hits: HashMap<u32, usize> = HashMap::new();
    for h in &sampled {
        let start = index.postings.partition_point(|(k, _)| k < h);
        for (_, doc) in index.postings[start..].iter().take_while(|(k, _)| k == h) {
            *hits.entry(*doc).or_default() += 1;
        }
    }
    let need = min_hits(sampled.len(), min_similarity);
    let mut candidates: Vec<(usize, u32)> = hits
        .into_iter()
        .filter(|&(_, n)| n >= need)
        .map(|(doc, n)| (n, doc))
        .collect();
    candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    candidates.truncate(MAX_VERIFIED);
    let mut matches = verify(workdir, index, &candidates, &query, min_similarity)?;
    matches.sort_by(|a, b| {
        let (sa, sb) = (a.similarity.unwrap_or(0.0), b.similarity.unwrap_or(0.0));
        sb.total_cmp(&sa).then_with(|| a.doc.id.cmp(&b.doc.id))
    });
    let label = format!("text {}", path.display());
    Ok(found(label, Some((query.len(), sampled.len())), matches))
}

/// Reads the ingested text of every candidate (one pass per shard, only the row groups that
/// hold one) and keeps those whose containment reaches `min_similarity`.
fn verify(
    workdir: &Path,
    index: &AuditIndex,
    candidates: &[(usize, u32)],
    query: &[u64],
    min_similarity: f32,
) -> Result<Vec<Match>> {
    let mut by_shard: BTreeMap<(bool, u32), Vec<(usize, u32)>> = BTreeMap::new();
    for &(_, doc) in candidates {
        let (in_ledger, part, row) = index.entry(doc as usize)?.text_at;
        by_shard
            .entry((in_ledger, part))
            .or_default()
            .push((row as usize, doc));
    }
    let mut shingler = PassageShingler::default();
    let mut out = Vec::new();
    for ((in_ledger, part), mut rows) in by_shard {
        rows.sort_unstable();
        let mut dir = workdir.join("ingest");
        if in_ledger {
            dir = dir.join(REJECTED_DIR);
        }
        let path = dir.join(format!("{}.parquet", part_name(part as usize)));
        let wanted: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let texts = ShardReader::open(&path)?.texts_at(&wanted)?;
        let doc_of: HashMap<usize, u32> = rows.into_iter().collect();
        for (row, text) in texts {
            let sim = containment(query, &shingler.shingles(&text));
            if sim >= min_similarity {
                let doc = doc_of[&row];
                out.push(Match {
                    doc: index.entry(doc as usize)?,
                    similarity: Some(sim),
                });
            }
        }
    }
    Ok(out)
}

/// The human-readable answer.
pub fn render(f: &Found) -> String {
    let mut out = String::new();
    if let Some((all, sampled)) = f.passage_shingles {
        out.push_str(&format!(
            "passage: {all} shingles, {sampled} in the index sample\n"
        ));
    }
    let n = f.matches.len();
    let exported = f.matches.iter().filter(|m| m.doc.exported).count();
    out.push_str(&format!(
        "{}: {n} document{} found, {exported} in the export\n",
        f.query,
        if n == 1 { "" } else { "s" }
    ));
    for m in &f.matches {
        let d = &m.doc;
        let sim = m
            .similarity
            .map(|s| format!("  similarity {s:.3}"))
            .unwrap_or_default();
        out.push_str(&format!("\n{}{sim}\n", d.id));
        if !d.url.is_empty() {
            out.push_str(&format!("  url:    {}\n", d.url));
        }
        out.push_str(&format!(
            "  source: {}  lang: {}\n",
            d.source,
            if d.lang.is_empty() { "-" } else { &d.lang }
        ));
        let now = match d.status.as_str() {
            "removed" => format!("removed at {} ({})", d.stage, d.reason),
            _ => format!("kept through {}", d.stage),
        };
        let export = if d.exported {
            "in the export"
        } else {
            "not in the export"
        };
        out.push_str(&format!("  now:    {now}; {export}\n"));
    }
    out
}
