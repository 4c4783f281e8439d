//! `minga takedown REQUEST.toml --workdir W`: withdraws the documents a request names from every
//! output of the workdir (docs/consent.md, "Takedown requests").
//!
//! The plan (what is withdrawn, which files hold it, their digests) is fixed and written to
//! `takedowns/<id>.json` as `pending` before any file changes; the rewrite then works from that
//! record only, so a run killed midway and started again finishes the same plan and ends in the
//! same workdir. A record already `applied` with the same request makes the command a no-op.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use minga_manifests::{blake3_file, PartManifest, StageManifest, MANIFEST_FILE, PARTS_DIR};
use minga_tokenizer::ExportConfig;

use crate::runner::{now_utc, RunOptions, ShardSpec};
use crate::stages::dedup::Layout;
use crate::stages::export::ExportJob;
use crate::stages::takedown::record::{FileChange, Status};
use crate::stages::takedown::rewrite::{refresh_manifest, remerge, rewrite_part, Job};
use crate::stages::takedown::text::Passage;
use crate::stages::takedown::{clusters, plan, Matcher, Record, Request, Takedowns};

#[derive(Debug, Args)]
pub struct TakedownArgs {
    /// The request (TOML: id, requested_by, date, reason, and urls, url_prefixes, domains,
    /// doc_ids, sources or texts).
    pub request: PathBuf,
    /// The pipeline workdir.
    #[arg(long, default_value = "work")]
    pub workdir: PathBuf,
    /// Pipeline config whose [export] section re-encodes the export (needed only when the export
    /// used a tokenizer other than the workdir's own release).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: &TakedownArgs) -> Result<()> {
    let (req, passages) = Request::load(&args.request)?;
    let workdir = &args.workdir;
    if !workdir.is_dir() {
        bail!("--workdir {}: no such directory", workdir.display());
    }
    let _lock = crate::stages::pipeline::lock_workdir(workdir)?;
    // A takedown killed midway leaves temps in any dir it writes; the re-run sweeps them first.
    remove_stale_temps_under(workdir);
    let export = export_job(workdir, args.config.as_deref())?;
    let path = Record::path(workdir, &req.id);
    let mut rec = if path.exists() {
        let rec = Record::read(&path)?;
        if rec.request_digest != req.digest() {
            bail!(
                "takedown {} is already recorded in {} with another request: give this one another id",
                req.id,
                path.display()
            );
        }
        if rec.status == Status::Applied {
            // A run killed after recording but before the data card was written again.
            if !report_lists(workdir, &rec.id) {
                crate::report::build(workdir, &workdir.join("report"), &[])?;
            }
            println!(
                "takedown {}: already applied at {} ({} documents); nothing changed",
                rec.id,
                rec.applied,
                rec.withdrawn.len()
            );
            return Ok(());
        }
        eprintln!(
            "takedown {}: finishing the run that was interrupted",
            rec.id
        );
        rec
    } else {
        let rec = plan_record(workdir, req, passages)?;
        rec.write(workdir)?;
        rec
    };
    apply(workdir, &rec, export.as_ref())?;
    rec.status = Status::Applied;
    rec.applied = now_utc();
    for f in rec.files.iter_mut() {
        f.after = blake3_file(&workdir.join(&f.path))
            .map(|(d, _)| d)
            .unwrap_or_default();
    }
    rec.write(workdir)?;
    // The data card lists takedowns: it is written again once this one is recorded as applied.
    if !report_lists(workdir, &rec.id) {
        crate::report::build(workdir, &workdir.join("report"), &[])?;
    }
    println!(
        "takedown {}: {} documents withdrawn ({} files rewritten); record {}",
        rec.id,
        rec.withdrawn.len(),
        rec.files.len(),
        path.display()
    );
    if rec.in_tokenizer_training > 0 {
        println!(
            "takedown {}: the tokenizer was trained on {} of them; it is not retrained (noted in tokenizer/release.json)",
            rec.id, rec.in_tokenizer_training
        );
    }
    Ok(())
}

/// Finds what the request withdraws and where, with the digests of the files before.
fn plan_record(workdir: &Path, req: Request, passages: Vec<Passage>) -> Result<Record> {
    let matcher = Matcher::new(&req, passages);
    let (dirs, files) = plan::doc_stages(workdir)?;
    let withdrawn = plan::withdrawn(&files, &matcher)?;
    if withdrawn.is_empty() {
        bail!(
            "takedown {}: the request matches no document in {} that is not already withdrawn (every stage's shards and ledgers were searched); nothing was changed and nothing recorded",
            req.id,
            workdir.display()
        );
    }
    let ids: BTreeSet<&str> = withdrawn.keys().map(String::as_str).collect();
    let located = plan::locate(&files, &ids)?;
    let first_parts: BTreeMap<usize, u64> = files
        .iter()
        .zip(&located)
        .filter(|(f, (rows, _))| f.stage == 0 && !f.ledger && !rows.is_empty())
        .map(|(f, (rows, _))| (f.part, rows.len() as u64))
        .collect();
    let dedup_at = dirs
        .iter()
        .position(|d| d.name == crate::stages::dedup::STAGE);
    let mut changes = Vec::new();
    let mut dedup_rows: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    let mut in_training = 0u64;
    let mut export_parts = BTreeSet::new();
    for (f, (rows, digest)) in files.iter().zip(&located) {
        // The first stage's ledger gains the rows its shard loses.
        let extra = match (f.stage, f.ledger) {
            (0, true) => first_parts.get(&f.part).copied().unwrap_or(0),
            _ => 0,
        };
        if rows.is_empty() && extra == 0 {
            continue;
        }
        if dedup_at.is_some_and(|d| d > 0 && f.stage == d - 1) && !f.ledger {
            dedup_rows.insert(f.part, rows.clone());
        }
        if dedup_at == Some(f.stage) && !f.ledger {
            in_training += rows.len() as u64;
            export_parts.insert(f.part);
        }
        changes.push(FileChange {
            path: rel(workdir, &f.path),
            documents: rows.len() as u64 + extra,
            before: digest.clone(),
            after: String::new(),
        });
    }
    if let Some(d) = dedup_at {
        changes.extend(cluster_changes(&dirs[d].dir, workdir, &dedup_rows)?);
    }
    changes.extend(export_changes(workdir, &export_parts)?);
    if !workdir.join("tokenizer").join("release.json").exists() {
        in_training = 0;
    }
    Ok(Record {
        id: req.id.clone(),
        status: Status::Pending,
        request_digest: req.digest(),
        request: req,
        matcher,
        planned: now_utc(),
        applied: String::new(),
        withdrawn: withdrawn.into_values().collect(),
        files: changes,
        dedup_input_rows: dedup_rows,
        in_tokenizer_training: in_training,
    })
}

fn rel(workdir: &Path, p: &Path) -> String {
    p.strip_prefix(workdir)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Cluster files whose table changes, with their digests now.
fn cluster_changes(dedup: &Path, workdir: &Path, rows: &clusters::Rows) -> Result<Vec<FileChange>> {
    let dir = Layout::new(dedup).clusters();
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    let mut paths: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    paths.sort();
    for p in paths {
        let table = crate::stages::dedup::records::read_cluster_part(&p)?;
        if let Some(new) = clusters::rewrite(&table, rows) {
            out.push(FileChange {
                path: rel(workdir, &p),
                documents: (table.removals().len() - new.removals().len()) as u64,
                before: blake3_file(&p)?.0,
                after: String::new(),
            });
        }
    }
    Ok(out)
}

/// The export outputs of the parts whose input changes, from their part manifests.
fn export_changes(workdir: &Path, parts: &BTreeSet<usize>) -> Result<Vec<FileChange>> {
    let out = workdir.join(crate::stages::export::STAGE);
    let mut changes = Vec::new();
    for &p in parts {
        let m = out
            .join(PARTS_DIR)
            .join(format!("{}.json", minga_manifests::part_name(p)));
        let Ok(m) = PartManifest::read(&m) else {
            continue;
        };
        for o in &m.outputs {
            changes.push(FileChange {
                path: rel(workdir, &out.join(&o.path)),
                documents: 0,
                before: o.blake3.clone(),
                after: String::new(),
            });
        }
    }
    Ok(changes)
}

/// The export job that re-encodes affected parts, checked against the export's manifest before
/// anything changes; `None` when the workdir has no finished export.
fn export_job(workdir: &Path, config: Option<&Path>) -> Result<Option<ExportJob>> {
    let out = workdir.join(crate::stages::export::STAGE);
    let Ok(sm) = StageManifest::read(&out.join(MANIFEST_FILE)) else {
        return Ok(None);
    };
    let release = workdir.join(crate::stages::tokenizer::STAGE);
    let cfg = match config {
        Some(p) => crate::stages::config_check::load_sections(p)?.export_for_run(&release),
        None => {
            let mut c = ExportConfig {
                tokenizer: release.join("tokenizer.json"),
                ..ExportConfig::default()
            };
            if let Some(v) = sm
                .config
                .get("special_tokens_as_text")
                .and_then(|v| v.as_bool())
            {
                c.special_tokens_as_text = v;
            }
            if let Some(v) = sm.config.get("licences") {
                c.licences = serde_json::from_value(v.clone()).unwrap_or_default();
            }
            c
        }
    };
    let job = ExportJob::load(cfg).context("loading the export's tokenizer to re-encode it")?;
    if job.manifest_config() != sm.config {
        bail!(
            "{} was made with a tokenizer or settings other than {}: pass --config with the pipeline config that made it, so the affected export parts can be re-encoded",
            out.join(MANIFEST_FILE).display(),
            release.join("tokenizer.json").display()
        );
    }
    Ok(Some(job))
}

/// Carries out a fixed plan; every step skips what is already done.
fn apply(workdir: &Path, rec: &Record, export: Option<&ExportJob>) -> Result<()> {
    let job = Job::new(rec);
    let (dirs, _) = plan::doc_stages(workdir)?;
    let parts: BTreeSet<usize> = rec
        .files
        .iter()
        .filter(|f| {
            f.path.ends_with(".parquet")
                && dirs
                    .iter()
                    .any(|d| f.path.starts_with(&format!("{}/", d.name)))
        })
        .filter_map(|f| part_of(&f.path))
        .collect();
    for c in rec
        .files
        .iter()
        .filter(|f| f.path.contains("/_dedup/clusters/"))
    {
        let p = workdir.join(&c.path);
        if blake3_file(&p)?.0 == c.before {
            clusters::rewrite_file(&p, &rec.dedup_input_rows)?;
        }
    }
    refresh_cluster_manifest(workdir)?;
    for (i, st) in dirs.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| dirs[j].dir.as_path());
        let ingest_config = match (i, st.name.as_str()) {
            (0, "ingest") => ingest_config(workdir, st)?,
            _ => None,
        };
        for &p in &parts {
            if crate::runner::PartPaths::new(&st.dir, p).manifest.exists() {
                rewrite_part(&job, st, p, i == 0)
                    .with_context(|| format!("{}: part {p}", st.name))?;
            }
        }
        for (_, m) in st.part_manifests()? {
            let Some(p) = part_of(&m.part) else { continue };
            let digest = ingest_config.as_ref().map(|(_, d)| d.as_str());
            if parts.contains(&p) || digest.is_some() {
                refresh_manifest(st, p, prev, digest)?;
            }
        }
        remerge(st, ingest_config.map(|(c, _)| c))?;
    }
    if let Some(job) = export {
        let input = workdir.join(crate::stages::dedup::STAGE);
        let out = workdir.join(crate::stages::export::STAGE);
        let opts = RunOptions {
            resume: true,
            shards: ShardSpec::ALL,
        };
        crate::stages::export_run::run_export(job, &input, &out, &opts)?.print("export", &out);
    }
    note_release(workdir, rec)
}

/// `part-00003...` → 3.
fn part_of(path: &str) -> Option<usize> {
    let name = path.rsplit('/').next()?;
    let digits = name.strip_prefix("part-")?.get(..5)?;
    digits.parse().ok()
}

/// The ingest config with the workdir's takedowns in it, and its digest: what `minga run` will
/// compute, so `--resume` keeps the rewritten parts.
fn ingest_config(
    workdir: &Path,
    st: &crate::workdir::StageDir,
) -> Result<Option<(serde_json::Value, String)>> {
    let Some(sm) = st.manifest()? else {
        return Ok(None);
    };
    let mut config = sm.config;
    let t = Takedowns::load(workdir)?;
    if let Some(obj) = config.as_object_mut() {
        obj.insert(
            crate::stages::ingest::TAKEDOWNS_KEY.to_string(),
            t.config_entry(),
        );
    }
    let digest = crate::config::digest_of(&config);
    Ok(Some((config, digest)))
}

/// The clusters step manifest lists its files' digests: they follow the rewrite.
fn refresh_cluster_manifest(workdir: &Path) -> Result<()> {
    let dir = Layout::new(&workdir.join(crate::stages::dedup::STAGE)).clusters();
    let path = Layout::step_manifest(&dir, crate::stages::dedup::clusters::MANIFEST);
    let Ok(old) = PartManifest::read(&path) else {
        return Ok(());
    };
    let mut m = old.clone();
    for o in m.outputs.iter_mut() {
        let p = dir.join(&o.path);
        let Ok((digest, bytes)) = blake3_file(&p) else {
            continue;
        };
        if digest != o.blake3 {
            o.blake3 = digest;
            o.bytes = bytes;
            o.rows = crate::stages::dedup::records::read_cluster_part(&p)?
                .removals()
                .len() as u64;
        }
    }
    if m != old {
        m.write(&path)?;
    }
    Ok(())
}

/// Notes in `tokenizer/release.json` that it was trained on documents since withdrawn.
fn note_release(workdir: &Path, rec: &Record) -> Result<()> {
    let path = workdir.join("tokenizer").join("release.json");
    if rec.in_tokenizer_training == 0 || !path.exists() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let Some(obj) = v.as_object_mut() else {
        bail!("{}: not a release record", path.display());
    };
    let list = obj
        .entry("withdrawn_since_training")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    let Some(list) = list.as_array_mut() else {
        bail!("{}: withdrawn_since_training is not a list", path.display());
    };
    if list
        .iter()
        .any(|e| e.get("takedown").and_then(|t| t.as_str()) == Some(rec.id.as_str()))
    {
        return Ok(());
    }
    list.push(serde_json::json!({
        "takedown": rec.id,
        "requested_by": rec.request.requested_by,
        "date": rec.request.date,
        "documents": rec.in_tokenizer_training,
        "note": "the tokenizer was trained on these documents before they were withdrawn; it is not retrained by the takedown (a later `minga run --resume` retrains it, since its training shards changed)",
    }));
    let mut bytes = serde_json::to_vec_pretty(&v)?;
    bytes.push(b'\n');
    minga_manifests::atomic_write(&path, &bytes)?;
    Ok(())
}

/// True when the workdir has no data card, or its card lists takedown `id` as applied.
fn report_lists(workdir: &Path, id: &str) -> bool {
    let dir = workdir.join("report");
    if !dir.join("index.html").exists() {
        return true;
    }
    let Ok(text) = std::fs::read_to_string(dir.join("stats.json")) else {
        return false;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    v.get("takedowns")
        .and_then(|t| t.as_array())
        .is_some_and(|t| {
            t.iter().any(|r| {
                r.get("id").and_then(|x| x.as_str()) == Some(id)
                    && r.get("status").and_then(|x| x.as_str()) == Some("applied")
            })
        })
}

/// Removes, under `dir`, the temps (`.NAME.tmp-PID`) of processes no longer running.
fn remove_stale_temps_under(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_stale_temps_under(&p);
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            .map(|(n, _)| n.to_string());
        if let Some(stem) = stem {
            crate::runner::remove_stale_temps(dir, &stem);
        }
    }
}
