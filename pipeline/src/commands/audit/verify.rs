//! `minga audit verify`: every digest a manifest lists is recomputed, and every document is
//! accounted for: per part, rows in = rows out + rows rejected, the shard and ledger files hold
//! exactly those rows, the reasons add up, and each stage read what the previous one wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use minga_manifests::{blake3_file, FileEntry, PartManifest, ShardReader, REJECTED_DIR};

use crate::workdir::{find_source_file, source_roots, stages, StageDir};

/// What verify found.
#[derive(Debug, Default, serde::Serialize)]
pub struct VerifyReport {
    pub files_checked: u64,
    pub inputs_not_found: u64,
    pub parts_checked: u64,
    pub failures: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Checks `workdir`; `base` is an extra dir to resolve ingest source paths against.
pub fn verify(workdir: &Path, base: Option<&Path>) -> Result<VerifyReport> {
    let mut rep = VerifyReport::default();
    let roots = source_roots(workdir, base);
    let all = stages(workdir)?;
    let mut checked: BTreeSet<PathBuf> = BTreeSet::new();
    // rows_out per part of the previous per-document stage.
    let mut prev: Option<(String, BTreeMap<String, u64>)> = None;
    for st in &all {
        let parts = st.part_manifests()?;
        let mut outs = BTreeMap::new();
        for (mpath, m) in &parts {
            rep.parts_checked += 1;
            check_part(st, mpath, m, &mut rep, &mut checked);
            outs.insert(m.part.clone(), m.rows_out);
            if let Some((pname, pouts)) = &prev {
                check_inputs_from_stage(st, pname, m, pouts, workdir, &mut rep, &mut checked);
            } else if st.name == "ingest" {
                check_source_inputs(m, &roots, &mut rep, &mut checked);
            }
        }
        check_stage_manifest(st, &parts, &mut rep, &mut checked)?;
        if !parts.is_empty() && st.has_documents() {
            prev = Some((st.name.clone(), outs));
        }
    }
    Ok(rep)
}

fn check_file(path: &Path, e: &FileEntry, rep: &mut VerifyReport, checked: &mut BTreeSet<PathBuf>) {
    if !checked.insert(path.to_path_buf()) {
        return;
    }
    rep.files_checked += 1;
    match blake3_file(path) {
        Err(_) if !path.exists() => rep.failures.push(format!("missing: {}", path.display())),
        Err(err) => rep
            .failures
            .push(format!("unreadable: {}: {err}", path.display())),
        Ok((digest, bytes)) => {
            if digest != e.blake3 || bytes != e.bytes {
                rep.failures.push(format!(
                    "changed: {} (blake3 {} / {} bytes, manifest says {} / {} bytes)",
                    path.display(),
                    &digest[..16],
                    bytes,
                    &e.blake3[..e.blake3.len().min(16)],
                    e.bytes
                ));
            }
        }
    }
}

fn check_part(
    st: &StageDir,
    mpath: &Path,
    m: &PartManifest,
    rep: &mut VerifyReport,
    checked: &mut BTreeSet<PathBuf>,
) {
    let at = format!("{}/{}", st.name, m.part);
    // Conservation holds for per-document stages; others (tokenizer) only have their digests checked.
    let docs = st.has_documents();
    if docs && m.rows_in != m.rows_out + m.rows_rejected {
        rep.failures.push(format!(
            "conservation: {at}: rows_in {} != rows_out {} + rows_rejected {} ({})",
            m.rows_in,
            m.rows_out,
            m.rows_rejected,
            mpath.display()
        ));
    }
    let reasons: u64 = m.reasons.values().sum();
    if docs && reasons != m.rows_rejected {
        rep.failures.push(format!(
            "conservation: {at}: reasons add up to {reasons}, rows_rejected is {}",
            m.rows_rejected
        ));
    }
    for e in &m.outputs {
        let path = st.dir.join(&e.path);
        check_file(&path, e, rep, checked);
        if !docs || !e.path.ends_with(".parquet") || !path.exists() {
            continue;
        }
        let want = if e.path.starts_with(&format!("{REJECTED_DIR}/")) {
            m.rows_rejected
        } else {
            m.rows_out
        };
        match ShardReader::open(&path) {
            Ok(r) if r.rows() != want || r.rows() != e.rows => rep.failures.push(format!(
                "conservation: {at}: {} holds {} rows, the manifest counts {want} (entry {})",
                path.display(),
                r.rows(),
                e.rows
            )),
            Ok(_) => {}
            Err(err) => rep.failures.push(format!("unreadable: {err}")),
        }
    }
}

fn check_inputs_from_stage(
    st: &StageDir,
    prev_name: &str,
    m: &PartManifest,
    prev_outs: &BTreeMap<String, u64>,
    workdir: &Path,
    rep: &mut VerifyReport,
    checked: &mut BTreeSet<PathBuf>,
) {
    let at = format!("{}/{}", st.name, m.part);
    let prev_dir = workdir.join(prev_name);
    for e in &m.inputs {
        let path = prev_dir.join(&e.path);
        if path.is_file() {
            check_file(&path, e, rep, checked);
        } else {
            rep.inputs_not_found += 1;
        }
    }
    // Per-document stages map part k to part k; other stages (tokenizer, export) read many.
    if let Some(&out) = prev_outs.get(&m.part) {
        if st.has_documents() && m.rows_in != out {
            rep.failures.push(format!(
                "conservation: {at}: rows_in {} but {prev_name}/{} wrote {out} rows",
                m.rows_in, m.part
            ));
        }
    }
}

fn check_source_inputs(
    m: &PartManifest,
    roots: &[(String, PathBuf)],
    rep: &mut VerifyReport,
    checked: &mut BTreeSet<PathBuf>,
) {
    for e in &m.inputs {
        match find_source_file(roots, None, &e.path) {
            Some(p) => check_file(&p, e, rep, checked),
            None => rep.inputs_not_found += 1,
        }
    }
}

fn check_stage_manifest(
    st: &StageDir,
    parts: &[(PathBuf, PartManifest)],
    rep: &mut VerifyReport,
    checked: &mut BTreeSet<PathBuf>,
) -> Result<()> {
    let Some(sm) = st.manifest()? else {
        return Ok(());
    };
    for e in &sm.outputs {
        check_file(&st.dir.join(&e.path), e, rep, checked);
    }
    if parts.is_empty() || !st.has_documents() {
        return Ok(());
    }
    let sum = |f: fn(&PartManifest) -> u64| parts.iter().map(|(_, m)| f(m)).sum::<u64>();
    let (i, o, r) = (
        sum(|m| m.rows_in),
        sum(|m| m.rows_out),
        sum(|m| m.rows_rejected),
    );
    if (sm.rows_in, sm.rows_out, sm.rows_rejected) != (i, o, r) || sm.parts != parts.len() {
        rep.failures.push(format!(
            "conservation: {}/_manifest.json: {} parts, in/out/rejected {}/{}/{}; the part manifests give {} parts, {i}/{o}/{r}",
            st.name, sm.parts, sm.rows_in, sm.rows_out, sm.rows_rejected, parts.len()
        ));
    }
    if sm.rows_in != sm.rows_out + sm.rows_rejected {
        rep.failures.push(format!(
            "conservation: {}/_manifest.json: rows_in {} != rows_out {} + rows_rejected {}",
            st.name, sm.rows_in, sm.rows_out, sm.rows_rejected
        ));
    }
    Ok(())
}

/// Prints the outcome.
pub fn print(rep: &VerifyReport) {
    for f in &rep.failures {
        println!("FAIL {f}");
    }
    println!(
        "verify: {} files and {} parts checked, {} inputs not found here (not checked), {} failures",
        rep.files_checked,
        rep.parts_checked,
        rep.inputs_not_found,
        rep.failures.len()
    );
}
