//! `minga audit why`: removed documents counted by stage and reason, with samples.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use minga_manifests::ShardReader;

use crate::workdir::stages;

/// Which ledger rows to count.
#[derive(Debug, Default, Clone)]
pub struct WhyFilter {
    /// Exact reason, or a prefix ending in `.` / a stage name (`filter` matches `filter.*`).
    pub reason: Option<String>,
    pub source: Option<String>,
    pub lang: Option<String>,
    pub samples: usize,
}

/// One sampled removed document.
#[derive(Debug, serde::Serialize)]
pub struct Sample {
    pub id: String,
    pub source: String,
    pub source_file: String,
    pub lang: Option<String>,
    pub value: Option<f64>,
    pub detail: String,
    pub dup_of: Option<String>,
    pub text: String,
}

/// Count and samples of one (stage, reason).
#[derive(Debug, serde::Serialize)]
pub struct ReasonCount {
    pub stage: String,
    pub reason: String,
    pub count: u64,
    pub samples: Vec<Sample>,
}

fn reason_matches(want: &str, reason: &str) -> bool {
    reason == want || reason.starts_with(&format!("{}.", want.trim_end_matches('.')))
}

/// Scans every ledger of `workdir` (streaming, one row group at a time).
pub fn why(workdir: &Path, f: &WhyFilter) -> Result<Vec<ReasonCount>> {
    let mut out: BTreeMap<(usize, String), ReasonCount> = BTreeMap::new();
    for (rank, st) in stages(workdir)?.iter().enumerate() {
        for (_, path) in st.ledgers()? {
            let mut r = ShardReader::open(&path)?;
            while let Some(rows) = r.next_ledger_batch()? {
                for row in rows {
                    if f.reason
                        .as_deref()
                        .is_some_and(|w| !reason_matches(w, &row.why.reason))
                        || f.source.as_deref().is_some_and(|s| s != row.doc.source)
                        || f.lang
                            .as_deref()
                            .is_some_and(|l| Some(l) != row.doc.lang.as_deref())
                    {
                        continue;
                    }
                    let e = out
                        .entry((rank, row.why.reason.clone()))
                        .or_insert_with(|| ReasonCount {
                            stage: st.name.clone(),
                            reason: row.why.reason.clone(),
                            count: 0,
                            samples: Vec::new(),
                        });
                    e.count += 1;
                    if e.samples.len() < f.samples {
                        e.samples.push(Sample {
                            id: row.doc.id,
                            source: row.doc.source,
                            source_file: row.doc.source_file,
                            lang: row.doc.lang,
                            value: row.why.value,
                            detail: row.why.detail,
                            dup_of: row.why.dup_of,
                            text: row.doc.text.chars().take(120).collect(),
                        });
                    }
                }
            }
        }
    }
    Ok(out.into_values().collect())
}

/// Human-readable listing.
pub fn print(rows: &[ReasonCount]) {
    let total: u64 = rows.iter().map(|r| r.count).sum();
    println!("{total} removed documents");
    for r in rows {
        println!("{:>10}  {:<10} {}", r.count, r.stage, r.reason);
        for s in &r.samples {
            let value = s
                .value
                .map(|v| format!(" value={v:.4}"))
                .unwrap_or_default();
            let dup = s
                .dup_of
                .as_ref()
                .map(|d| format!(" dup_of={d}"))
                .unwrap_or_default();
            println!(
                "            {} {}:{}{value}{dup} {}",
                s.id, s.source, s.source_file, s.detail
            );
            let t = s.text.replace('\n', " ");
            if !t.is_empty() {
                println!("              \"{t}\"");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reason_matches;

    #[test]
    fn reasons_match_exactly_or_by_stage_prefix() {
        assert!(reason_matches("filter", "filter.min_words"));
        assert!(reason_matches("filter.min_words", "filter.min_words"));
        assert!(!reason_matches("filter.min", "filter.min_words"));
        assert!(!reason_matches("dedup", "ingest.binary_payload"));
    }
}
