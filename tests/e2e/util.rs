//! Helpers for running `minga` in a temp dir and comparing outputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (this file is `tests/e2e/util.rs`; the test binary belongs to `pipeline/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

pub fn samples() -> PathBuf {
    repo().join("samples")
}

/// `../shared/data` next to the repo, if this checkout has it.
pub fn shared_data() -> Option<PathBuf> {
    let p = repo().join("../shared/data");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/data not found next to the repository");
        None
    }
}

pub fn minga() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minga"));
    c.env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT");
    c
}

/// Runs minga with `args` in `dir`, asserting success; returns the output.
pub fn run_ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = minga();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("minga runs");
    assert!(
        out.status.success(),
        "minga {args:?} failed: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file under `dir` (relative path -> bytes), manifests with their timings removed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            // The lock a whole local run holds in its workdir is not an output (a Slurm run has none).
            if p.file_name().is_some_and(|n| n == ".minga-run.lock") {
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&p).unwrap();
            let bytes = if rel.ends_with(".json") {
                without_timings(&bytes)
            } else {
                bytes
            };
            out.insert(rel, bytes);
        }
    }
    out
}

/// A manifest with `started`, `finished` and `seconds` removed (they differ run to run).
pub fn without_timings(json: &[u8]) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(json).expect("json");
    strip(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

fn strip(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for k in ["started", "finished", "seconds"] {
                m.remove(k);
            }
            m.values_mut().for_each(strip);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

/// Writes a config that reads the bundled samples with small parts, so there are several.
pub fn samples_config(dir: &Path, part_size_mb: f64) -> PathBuf {
    let s = samples();
    let cfg = format!(
        r#"workdir = "work"
[[source]]
name = "web"
path = "{web}"
format = "warc"
licence = "CC0-1.0"
country = "CL"
[[source]]
name = "docs"
path = "{docs}"
[ingest]
part_size_mb = {part_size_mb}
"#,
        web = s.join("web").display(),
        docs = s.join("docs").display(),
    );
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, cfg).unwrap();
    path
}

/// Runs `minga run` on the samples config of [`samples_config`] with `extra` appended (a section
/// under test); returns the output, whether it succeeded or not, and the 1-based line of the config
/// where `extra` starts.
pub fn run_samples_with(dir: &Path, extra: &str) -> (Output, usize) {
    let cfg = samples_config(dir, 1.0);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    let first_line = text.lines().count() + 1;
    text.push_str(extra);
    std::fs::write(&cfg, text).unwrap();
    let out = minga()
        .current_dir(dir)
        .args(["run", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    (out, first_line)
}

/// Reads all kept documents of a stage dir with the manifests crate.
pub fn read_docs(stage_dir: &Path) -> Vec<minga_manifests::Document> {
    let mut docs = Vec::new();
    for (_, p) in minga_manifests::list_parts(stage_dir).unwrap() {
        let mut r = minga_manifests::ShardReader::open(&p).unwrap();
        while let Some((batch, _)) = r.next_batch().unwrap() {
            docs.extend(batch);
        }
    }
    docs
}

/// Reads all ledger rows of a stage dir.
pub fn read_ledger(stage_dir: &Path) -> Vec<minga_manifests::Rejected> {
    let mut rows = Vec::new();
    let dir = stage_dir.join("rejected");
    for (_, p) in minga_manifests::list_parts(&dir).unwrap() {
        let mut r = minga_manifests::ShardReader::open(&p).unwrap();
        while let Some(batch) = r.next_ledger_batch().unwrap() {
            rows.extend(batch);
        }
    }
    rows
}

/// Asserts two snapshots are equal, naming the files only in one and those that differ (JSON
/// shown whole) instead of dumping bytes.
pub fn assert_same_files(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) {
    let mut problems = Vec::new();
    for k in want.keys().filter(|k| !got.contains_key(*k)) {
        problems.push(format!("missing: {k}"));
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("extra: {k}"));
    }
    for (k, v) in got {
        match want.get(k) {
            Some(w) if w != v && k.ends_with(".json") => problems.push(format!(
                "differs: {k}\n--- got\n{}\n--- want\n{}",
                String::from_utf8_lossy(v),
                String::from_utf8_lossy(w)
            )),
            Some(w) if w != v => problems.push(format!("differs: {k}")),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
