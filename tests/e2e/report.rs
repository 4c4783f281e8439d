//! `minga report` from the per-part figures in the part manifests: it reads no shard when every
//! part has them, and the card is the one a reading of every shard gives, also after a takedown.

use std::path::Path;

use serde_json::Value;

use crate::util::{read_json, run_ok, samples_config};

fn card(dir: &Path, out: &str) -> Value {
    run_ok(dir, &["report", "--workdir", "work", "--out", out], &[]);
    read_json(&dir.join(out).join("stats.json"))
}

/// The part manifests of every stage dir of `work` (dedup's internal steps included).
fn part_manifests(work: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![work.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if dir.ends_with("_parts") && p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Removes the per-part figures from every part manifest, as a workdir written before they
/// existed has them; returns how many manifests had them.
fn strip_figures(work: &Path) -> usize {
    let mut n = 0;
    for p in part_manifests(work) {
        let mut m = read_json(&p);
        if m.as_object_mut().unwrap().remove("stats").is_some() {
            n += 1;
            std::fs::write(&p, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        }
    }
    n
}

#[test]
fn the_card_comes_from_part_figures_and_equals_a_reading_of_every_shard() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = samples_config(dir.path(), 0.01);
    run_ok(dir.path(), &["run", cfg.to_str().unwrap()], &[]);
    let work = dir.path().join("work");
    let parts = minga_manifests::list_parts(&work.join("dedup")).unwrap();
    assert!(parts.len() > 1, "several parts: {}", parts.len());
    let from_figures = card(dir.path(), "r1");
    assert!(from_figures["total"]["docs"].as_u64().unwrap() > 10);
    assert!(from_figures["total"]["tokens"].as_u64().unwrap() > 0);

    // Shards of the same size but no longer Parquet: the card does not read them.
    let saved: Vec<Vec<u8>> = parts
        .iter()
        .map(|(_, p)| std::fs::read(p).unwrap())
        .collect();
    for ((_, p), bytes) in parts.iter().zip(&saved) {
        std::fs::write(p, vec![0u8; bytes.len()]).unwrap();
    }
    assert_eq!(card(dir.path(), "r2"), from_figures);
    for ((_, p), bytes) in parts.iter().zip(&saved) {
        std::fs::write(p, bytes).unwrap();
    }

    // A takedown rewrites the figures of the parts it changes.
    let id = crate::util::read_docs(&work.join("dedup"))[0].id.clone();
    let req = dir.path().join("t1.toml");
    let body = format!("id = \"t1\"\nrequested_by = \"a community radio\"\ndate = \"2026-12-01\"\nreason = \"consent withdrawn\"\ndoc_ids = [\"{id}\"]\n");
    std::fs::write(&req, body).unwrap();
    run_ok(
        dir.path(),
        &["takedown", req.to_str().unwrap(), "--workdir", "work"],
        &[],
    );
    let after = card(dir.path(), "r3");
    let docs = |c: &Value| c["total"]["docs"].as_u64().unwrap();
    assert!(docs(&after) < docs(&from_figures));

    // Without the figures the card reads every shard (and the export index): the same card.
    assert!(strip_figures(&work) >= 2 * parts.len());
    assert_eq!(card(dir.path(), "r4"), after);
}
