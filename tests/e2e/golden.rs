//! The golden samples run: `minga run samples/pipeline.toml` must give the workdir recorded in
//! `tests/golden/samples-run.txt` — every stage's row counts and skip/removal reasons, and the
//! BLAKE3 of every file written (JSON with its run times removed). A refactoring that is meant to
//! change nothing is checked against it; a change that is meant to change the output updates the
//! file (`MINGA_BLESS=1 cargo test --release --test e2e golden`) and the diff shows what moved.

use std::fmt::Write as _;
use std::path::Path;

use crate::util::*;

/// Stages in pipeline order, as their manifests are summarised.
const STAGE_DIRS: &[&str] = &["ingest", "langid", "filter", "dedup", "export"];

fn golden_path() -> std::path::PathBuf {
    repo().join("tests/golden/samples-run.txt")
}

/// The text the golden file holds for a finished workdir.
fn summary(work: &Path) -> String {
    let mut s = String::from(
        "# minga run samples/pipeline.toml: per stage rows in / out / removed and reasons, then\n\
         # the BLAKE3 of every file of the workdir (JSON without started/finished/seconds).\n",
    );
    for stage in STAGE_DIRS {
        let m = read_json(&work.join(stage).join("_manifest.json"));
        let _ = writeln!(
            s,
            "{stage}: in {} out {} removed {}",
            m["rows_in"], m["rows_out"], m["rows_rejected"]
        );
        if let Some(reasons) = m["reasons"].as_object() {
            for (reason, n) in reasons {
                let _ = writeln!(s, "  {reason} {n}");
            }
        }
    }
    s.push('\n');
    for (path, bytes) in snapshot(work) {
        let _ = writeln!(s, "{}  {path}", blake3::hash(&bytes).to_hex());
    }
    s
}

#[test]
fn samples_run_equals_the_golden_workdir() {
    let t = tempfile::tempdir().unwrap();
    let config = samples().join("pipeline.toml");
    run_ok(
        t.path(),
        &["run", config.to_str().unwrap(), "--workdir", "work"],
        &[],
    );
    let got = summary(&t.path().join("work"));
    let path = golden_path();
    if std::env::var_os("MINGA_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (MINGA_BLESS=1 writes it)", path.display()));
    if got != want {
        let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        let mut diff = String::new();
        for line in w.iter().filter(|l| !g.contains(l)) {
            let _ = writeln!(diff, "- {line}");
        }
        for line in g.iter().filter(|l| !w.contains(l)) {
            let _ = writeln!(diff, "+ {line}");
        }
        panic!(
            "the samples run differs from {} (- recorded, + now); if the change is meant, \
             MINGA_BLESS=1 rewrites it:\n{diff}",
            path.display()
        );
    }
}
