//! Export: document shards -> Megatron-LM `.bin`/`.idx` pairs (part k in, `part-NNNNN.bin/.idx`
//! out), a per-document token index for the audit, per-part statistics and `export.json`.
//!
//! Layout of `workdir/export/` (docs/export.md):
//! `part-NNNNN.{bin,idx}`, `index/part-NNNNN.parquet` (id, sequence, token_offset, token_count),
//! `stats/part-NNNNN.json` (tokens per language and source), `_parts/part-NNNNN.json` (written
//! last), and `_manifest.json` + `export.json` once every part is done.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use minga_manifests::{part_name, Group, PartManifest, ShardReader, Tally, PARTS_DIR};
use minga_tokenizer::{Encoder, ExportConfig, GroupBy, ShardExport};

use crate::runner::{count, PartPaths};
pub use crate::stages::export_files::{clear_export, read_idx_lengths, write_export_json};
use crate::stages::export_files::{file_entry, write_index, write_stats, IndexRows};

pub const STAGE: &str = "export";
pub const INDEX_DIR: &str = "index";
pub const STATS_DIR: &str = "stats";
pub const EXPORT_JSON: &str = "export.json";
/// Counters of documents left out by the licence and consent selections (not ledgered: they
/// stay in the stage shards, fit for another export).
pub const NOT_EXPORTED_LICENCE: &str = "not_exported.licence";
pub const NOT_EXPORTED_CONSENT: &str = "not_exported.consent";
pub const NOT_EXPORTED_USE: &str = "not_exported.use";

/// A loaded tokenizer and the export settings: what every part needs.
pub struct ExportJob {
    pub config: ExportConfig,
    pub encoder: Encoder,
    pub tokenizer_json: String,
}

impl ExportJob {
    pub fn load(config: ExportConfig) -> Result<Self> {
        let (encoder, tokenizer_json) = config.encoder()?;
        Ok(ExportJob {
            config,
            encoder,
            tokenizer_json,
        })
    }

    /// The effective config recorded in manifests: the tokenizer by content, not by path, so a
    /// moved workdir still resumes and a retrained tokenizer does not.
    pub fn manifest_config(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "tokenizer_blake3": blake3::hash(self.tokenizer_json.as_bytes()).to_hex().to_string(),
            "special_tokens_as_text": self.config.special_tokens_as_text,
            "licences": self.config.licences,
        });
        // Only a grouped export records its grouping, so the digest (and every manifest) of a
        // `part` export stays what it was before grouping existed; the same for consent.
        if self.config.group_by != GroupBy::Part {
            v["group_by"] = serde_json::to_value(self.config.group_by).unwrap_or_default();
        }
        if !self.config.require_consent.is_empty() {
            v["require_consent"] = self.config.require_consent.clone().into();
        }
        v
    }

    /// Why `d` is left out of the export (the counter it goes to), if it is.
    fn left_out(&self, d: &minga_manifests::Document) -> Option<&'static str> {
        let listed = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        if !listed(&self.config.licences, d.licence.as_deref()) {
            return Some(NOT_EXPORTED_LICENCE);
        }
        if !listed(&self.config.require_consent, d.consent.as_deref()) {
            return Some(NOT_EXPORTED_CONSENT);
        }
        (!allows_pretraining(&d.meta)).then_some(NOT_EXPORTED_USE)
    }
}

/// False when the document's `meta.allowed_uses` (its source's conditions) lacks `pretraining`;
/// true when the source set no conditions.
fn allows_pretraining(meta: &str) -> bool {
    if !meta.contains("\"allowed_uses\"") {
        return true;
    }
    let v: serde_json::Value = serde_json::from_str(meta).unwrap_or_default();
    match v.get("allowed_uses").and_then(|u| u.as_array()) {
        Some(uses) => uses.iter().any(|u| u.as_str() == Some("pretraining")),
        None => true,
    }
}

/// The documents of one part bound for one Megatron dataset.
struct GroupShard<'e> {
    /// Path of the prefix relative to the export dir: `part-00003`, `spa/part-00003`.
    prefix: String,
    shard: ShardExport<'e>,
    ids: Vec<String>,
    /// The card group of each document, for the tokens per group in the part manifest.
    groups: Vec<Group>,
}

/// Dataset directory of a document under `group_by` (empty: the export dir itself). Language
/// labels and source names become directory names, so anything that is not a plain name is an
/// error rather than a path.
fn group_dir(by: GroupBy, lang: &str, source: &str, id: &str) -> Result<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let parts: &[&str] = match by {
        GroupBy::Part => return Ok(String::new()),
        GroupBy::Lang => &[lang],
        GroupBy::LangSource => &[lang, source],
    };
    if let Some(bad) = parts.iter().find(|s| !plain(s)) {
        bail!(
            "document {id}: {bad:?} cannot name an export directory (group_by = {by:?}): \
             letters, digits, '-', '_' and '.' only"
        );
    }
    Ok(parts.join("/"))
}

/// Exports one input part into `m`, the part's manifest, and returns it (the runner checks
/// and writes it: [`check_export_part`]).
pub fn export_part(
    job: &ExportJob,
    input: &Path,
    part: usize,
    out: &Path,
    mut m: PartManifest,
) -> Result<PartManifest> {
    let name = part_name(part);
    // Temps a killed run left for this part go, in the part's dirs and the export's own.
    PartPaths::for_writing(out, part);
    for sub in [INDEX_DIR, STATS_DIR] {
        crate::runner::remove_stale_temps(&out.join(sub), &name);
    }
    let by = job.config.group_by;
    // A rerun may have fewer groups in this part than the run before it, or another grouping.
    remove_group_files(out, &name)?;
    let mut counters = BTreeMap::new();
    let (groups, rows_in) = encode_groups(job, input, out, &name, &mut counters)?;
    let mut outputs = Vec::new();
    let mut index = IndexRows::default();
    let mut all_stats = Vec::new();
    let mut tally = Tally::default();
    for (_, g) in groups {
        let mut stats = g.shard.finish()?;
        stats.prefix = g.prefix.clone();
        let lengths = read_idx_lengths(&out.join(format!("{}.idx", g.prefix)))?;
        if lengths.len() != g.ids.len() {
            bail!(
                "{}: {} sequences for {} documents",
                g.prefix,
                lengths.len(),
                g.ids.len()
            );
        }
        for (group, n) in g.groups.into_iter().zip(&lengths) {
            tally.add_tokens(group, u64::from(*n));
        }
        index.add(&g.prefix, g.ids, &lengths);
        for ext in ["bin", "idx"] {
            outputs.push(file_entry(
                out,
                &format!("{}.{ext}", g.prefix),
                stats.documents,
            )?);
        }
        all_stats.push(stats);
    }
    let documents: u64 = all_stats.iter().map(|s| s.documents).sum();
    let tokens: u64 = all_stats.iter().map(|s| s.tokens).sum();
    outputs.push(write_index(out, &name, &index, by != GroupBy::Part)?);
    outputs.push(write_stats(
        out,
        &name,
        &all_stats,
        by == GroupBy::Part,
        documents,
    )?);
    count(&mut counters, "tokens", tokens);
    m.outputs = outputs;
    m.rows_in = rows_in;
    m.rows_out = documents;
    m.counters = counters;
    m.stats = Some(tally.finish());
    Ok(m)
}

/// Conservation of an export part: every document in is exported or counted as left out.
pub fn check_export_part(m: &PartManifest) -> Result<()> {
    let left_out: u64 = [NOT_EXPORTED_LICENCE, NOT_EXPORTED_CONSENT, NOT_EXPORTED_USE]
        .iter()
        .map(|k| m.counters.get(*k).copied().unwrap_or(0))
        .sum();
    if m.rows_in != m.rows_out + left_out {
        bail!(
            "{}: {} documents in but {} exported + {} left out",
            m.part,
            m.rows_in,
            m.rows_out,
            left_out
        );
    }
    Ok(())
}

/// Reads part `input` and encodes each selected document into the dataset of its group; returns
/// the open datasets (by group directory) and the documents read.
fn encode_groups<'e>(
    job: &'e ExportJob,
    input: &Path,
    out: &Path,
    name: &str,
    counters: &mut BTreeMap<String, u64>,
) -> Result<(BTreeMap<String, GroupShard<'e>>, u64)> {
    let by = job.config.group_by;
    let mut groups: BTreeMap<String, GroupShard> = BTreeMap::new();
    if by == GroupBy::Part {
        // One dataset per part even when the part is empty, as before grouping existed.
        groups.insert(String::new(), open_group(job, out, "", name)?);
    }
    let mut rows_in = 0u64;
    let mut reader = ShardReader::open(input)?;
    while let Some((docs, _)) = reader.next_batch()? {
        for d in docs {
            rows_in += 1;
            if let Some(why) = job.left_out(&d) {
                count(counters, why, 1);
                continue;
            }
            let lang = d.lang.as_deref().unwrap_or("und");
            let dir = group_dir(by, lang, &d.source, &d.id)?;
            if !groups.contains_key(&dir) {
                let g = open_group(job, out, &dir, name)?;
                groups.insert(dir.clone(), g);
            }
            let g = groups.get_mut(&dir).expect("inserted above");
            g.shard.push(lang, &d.source, &d.text)?;
            g.groups.push(Group::of(&d));
            g.ids.push(d.id);
        }
    }
    Ok((groups, rows_in))
}

fn open_group<'e>(job: &'e ExportJob, out: &Path, dir: &str, name: &str) -> Result<GroupShard<'e>> {
    let prefix = if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    };
    let path = out.join(&prefix);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let shard = ShardExport::create(&path, &job.encoder)?.batch_bytes(job.config.batch_bytes);
    Ok(GroupShard {
        prefix,
        shard,
        ids: Vec::new(),
        groups: Vec::new(),
    })
}

/// Removes `name.bin`/`name.idx` (and stale temps of them) from `out` and every dataset directory
/// under it, so a rewritten part leaves no dataset of a group (or a grouping) it no longer has.
fn remove_group_files(out: &Path, name: &str) -> Result<()> {
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let file = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                let top = dir == out;
                if !(top && [INDEX_DIR, STATS_DIR, PARTS_DIR].contains(&file.as_str())) {
                    stack.push(p);
                }
            } else if file == format!("{name}.bin") || file == format!("{name}.idx") {
                std::fs::remove_file(&p)
                    .with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
        crate::runner::remove_stale_temps(&dir, name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_directories_are_plain_names_or_an_error_naming_the_document() {
        assert_eq!(group_dir(GroupBy::Part, "../x", "a", "d1").unwrap(), "");
        assert_eq!(group_dir(GroupBy::Lang, "que", "web", "d1").unwrap(), "que");
        assert_eq!(
            group_dir(GroupBy::LangSource, "que", "web-2", "d1").unwrap(),
            "que/web-2"
        );
        for (lang, source) in [("..", "web"), ("", "web"), ("que", "a/b"), ("q e", "web")] {
            let err = group_dir(GroupBy::LangSource, lang, source, "doc-7").unwrap_err();
            assert!(err.to_string().contains("doc-7"), "{err}");
        }
    }

    #[test]
    fn licence_consent_and_use_selections() {
        let json = minga_tokenizer::empty_tokenizer(Default::default())
            .to_string(false)
            .unwrap();
        let mut job = ExportJob {
            config: ExportConfig::default(),
            encoder: Encoder::from_json(&json).unwrap(),
            tokenizer_json: json,
        };
        let doc =
            |licence: Option<&str>, consent: Option<&str>, meta: &str| minga_manifests::Document {
                licence: licence.map(String::from),
                consent: consent.map(String::from),
                meta: meta.into(),
                ..Default::default()
            };
        assert_eq!(job.left_out(&doc(None, None, "{}")), None);
        job.config.licences = vec!["CC0-1.0".into()];
        assert_eq!(job.left_out(&doc(Some("CC0-1.0"), None, "{}")), None);
        let by = |l| job.left_out(&doc(l, None, "{}"));
        assert_eq!(by(Some("CC-BY-4.0")), Some(NOT_EXPORTED_LICENCE));
        assert_eq!(by(None), Some(NOT_EXPORTED_LICENCE));
        job.config.licences.clear();
        job.config.require_consent = vec!["community".into()];
        assert_eq!(job.left_out(&doc(None, Some("community"), "{}")), None);
        let web = doc(None, Some("public web"), "{}");
        assert_eq!(job.left_out(&web), Some(NOT_EXPORTED_CONSENT));
        job.config.require_consent.clear();
        let eval_only = r#"{"allowed_uses":["evaluation","research"]}"#;
        assert_eq!(
            job.left_out(&doc(None, None, eval_only)),
            Some(NOT_EXPORTED_USE)
        );
        let with_pretraining = r#"{"allowed_uses":["pretraining"],"attribution":"x"}"#;
        assert_eq!(job.left_out(&doc(None, None, with_pretraining)), None);
    }
}
