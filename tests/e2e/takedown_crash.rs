//! A takedown killed at seeded moments and run again ends in the workdir an uninterrupted one
//! leaves (issue 19: "a takedown killed midway and re-run ends in the same workdir").

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::takedown::{assert_withdrawn, run_and_request_domain, takedown_ok, withdrawn_ids};
use crate::util::*;

/// A snapshot with the record's and card's run times left out.
fn snapshot_untimed(work: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut s = snapshot(work);
    for (k, v) in s.iter_mut() {
        if k.starts_with("takedowns/") || k == "report/stats.json" {
            let mut j: serde_json::Value = serde_json::from_slice(v).unwrap();
            strip_times(&mut j);
            *v = serde_json::to_vec_pretty(&j).unwrap();
        }
    }
    // The card shows the time the takedown was applied; its stats.json is compared instead.
    s.remove("report/index.html");
    s
}

fn strip_times(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("planned");
            m.remove("applied");
            m.values_mut().for_each(strip_times);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_times),
        _ => {}
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dst = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dst);
        } else {
            std::fs::copy(&p, &dst).unwrap();
        }
    }
}

#[test]
fn takedown_killed_midway_and_rerun_ends_like_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let (work, req) = run_and_request_domain(dir.path(), 0.02, 300);
    let pristine = dir.path().join("pristine");
    copy_dir(&work, &pristine);
    // The reference runs on one thread, the killed ones on all: the result may not depend on it.
    let clock = Instant::now();
    let out = minga()
        .current_dir(dir.path())
        .args([
            "--threads",
            "1",
            "takedown",
            req.to_str().unwrap(),
            "--workdir",
            "work",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let took = clock.elapsed().as_micros().max(1000) as u64;
    let want = snapshot_untimed(&work);

    // Seeded kill moments within the first half of the uninterrupted run's duration; a round
    // ends when a run is not killed in time and finishes by itself.
    let mut x: u64 = 0x6b69_6c6c_6d69_6e67;
    let mut landed = 0;
    for round in 0..4 {
        std::fs::remove_dir_all(&work).unwrap();
        copy_dir(&pristine, &work);
        for _ in 0..8 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut child = minga()
                .current_dir(dir.path())
                .args(["takedown", req.to_str().unwrap(), "--workdir", "work"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_micros(x % (took / 2)));
            let running = child.try_wait().unwrap().is_none();
            let _ = child.kill();
            let _ = child.wait();
            if !running {
                break;
            }
            landed += 1;
        }
        takedown_ok(dir.path(), &req);
        assert_same_files(&snapshot_untimed(&work), &want);
        eprintln!("round {round}: {landed} kills so far");
    }
    assert!(
        landed >= 4,
        "only {landed} kills landed while the takedown ran"
    );
    let ids = withdrawn_ids(&work, "radio");
    assert_withdrawn(&work, &ids, "takedown.radio");
}
