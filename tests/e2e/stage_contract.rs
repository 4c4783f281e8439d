//! The stage contract on ingest: thread-count determinism, shard union == single run, resume.

use crate::util::*;

#[test]
fn thread_count_does_not_change_a_byte() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_ok(
        t.path(),
        &["run", cfg, "--workdir", "w1"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    run_ok(
        t.path(),
        &["run", cfg, "--workdir", "w2"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    let (a, b) = (
        snapshot(&t.path().join("w1")),
        snapshot(&t.path().join("w2")),
    );
    assert!(
        a.keys().filter(|k| k.ends_with(".parquet")).count() >= 3,
        "expected several parts: {:?}",
        a.keys()
    );
    assert_eq!(a, b);
}

#[test]
fn shards_run_separately_equal_one_run() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_ok(t.path(), &["run", cfg, "--workdir", "single"], &[]);
    for i in 0..3 {
        let idx = i.to_string();
        let out = run_ok(
            t.path(),
            &[
                "run",
                cfg,
                "--workdir",
                "sharded",
                "--shard-index",
                &idx,
                "--shard-count",
                "3",
            ],
            &[],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("waits for the other shards"),
            i < 2,
            "{stderr}"
        );
    }
    // The Slurm variables select the shard the same way.
    run_ok(
        t.path(),
        &["run", cfg, "--workdir", "slurm"],
        &[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ],
    );
    run_ok(
        t.path(),
        &["run", cfg, "--workdir", "slurm"],
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ],
    );
    let single = snapshot(&t.path().join("single"));
    assert_eq!(single, snapshot(&t.path().join("sharded")));
    assert_eq!(single, snapshot(&t.path().join("slurm")));
}

#[test]
fn resume_redoes_only_what_an_interrupted_run_left_undone() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_ok(t.path(), &["run", cfg, "--workdir", "clean"], &[]);
    run_ok(t.path(), &["run", cfg, "--workdir", "broken"], &[]);
    let ingest = t.path().join("broken/ingest");
    // An interrupted run: part 1 never got its manifest, part 2's shard was left half-written
    // under a temp name, and the stage manifest was never merged.
    std::fs::remove_file(ingest.join("_parts/part-00001.json")).unwrap();
    std::fs::remove_file(ingest.join("_manifest.json")).unwrap();
    std::fs::remove_file(ingest.join("part-00002.parquet")).unwrap();
    // The temp's pid is above any Linux pid_max: its writer is surely gone. A temp named after a
    // live process (this test) belongs to another writer and must be left alone.
    std::fs::write(
        ingest.join(".part-00002.parquet.tmp-4294967"),
        b"PAR1 partial",
    )
    .unwrap();
    let live = ingest.join(format!(".part-00001.parquet.tmp-{}", std::process::id()));
    std::fs::write(&live, b"PAR1 another writer").unwrap();
    let out = run_ok(
        t.path(),
        &["run", cfg, "--workdir", "broken", "--resume"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 parts run"), "{stderr}");
    assert!(
        !ingest.join(".part-00002.parquet.tmp-4294967").exists(),
        "the stale temp file is cleaned up"
    );
    assert!(live.exists(), "a live writer's temp is kept");
    std::fs::remove_file(&live).unwrap();
    assert_eq!(
        snapshot(&t.path().join("clean")),
        snapshot(&t.path().join("broken"))
    );
    // A resumed run with everything done runs nothing.
    let out = run_ok(
        t.path(),
        &["run", cfg, "--workdir", "broken", "--resume"],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 parts run"));
}

#[test]
fn bad_shard_flags_are_clear_errors() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 1.0);
    let out = minga()
        .current_dir(t.path())
        .args([
            "run",
            cfg.to_str().unwrap(),
            "--shard-index",
            "3",
            "--shard-count",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be below --shard-count"));
}

/// A mistake in the section of the last stage fails `minga run` before ingest writes anything,
/// naming the file, the section or key and its line.
#[test]
fn a_config_typo_fails_the_run_before_any_stage() {
    let cases = [
        ("[export]\ntokenzier = \"x\"\n", "unknown field `tokenzier`"),
        ("[filter]\npii_mode = \"tag\"\n", "[filter] (line"),
        ("[dedup]\nverify = \"exakt\"\n", "unknown variant `exakt`"),
        ("[dedup]\nbands = 0\n", "[dedup]: bad dedup parameters"),
        ("[tokenizer]\nvocab_size = \"big\"\n", "invalid type"),
        ("[report]\ntitle = \"x\"\n", "unknown field `title`"),
        (
            "[tokenizer.release]\neos_token = \"<|eos|>\"\n",
            "`eos_token` \"<|eos|>\" is not one of [tokenizer] special_tokens",
        ),
        (
            "[tokenizer.release]\nchat_template = \"llama\"\n",
            "unknown variant `llama`",
        ),
        (
            "[export]\ngroup_by = \"language\"\n",
            "unknown variant `language`",
        ),
        (
            "[export.blend]\nmax_epochs = 0\n",
            "`max_epochs` 0 must be > 0",
        ),
    ];
    for (section, want) in cases {
        let t = tempfile::tempdir().unwrap();
        let (out, header) = run_samples_with(t.path(), section);
        let line = header + 1; // the key, below its section header
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{section}: {err}");
        assert!(err.contains(want), "{section}: {err}");
        assert!(err.contains("pipeline.toml"), "{err}");
        if !want.contains("bad dedup") {
            assert!(
                err.contains(&format!("line {line}")),
                "{section}: line {line}: {err}"
            );
        }
        assert!(!t.path().join("work").exists(), "{section}: a stage ran");
    }
}

/// Two whole runs started together on one workdir: the second either finds the first's lock and
/// says which pid holds it, or (when the first is already done) runs; both leave a workdir that
/// `audit verify` accepts, equal to a run alone.
#[test]
fn concurrent_runs_on_one_workdir_do_not_clobber_each_other() {
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let spawn = || {
        minga()
            .current_dir(t.path())
            .args(["run", cfg.to_str().unwrap()])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut finished = 0;
    for o in &outs {
        let err = String::from_utf8_lossy(&o.stderr);
        if o.status.success() {
            finished += 1;
        } else {
            assert!(
                err.contains("being written by another minga run (pid "),
                "{err}"
            );
            assert!(!err.contains("No such file"), "{err}");
        }
    }
    assert!(finished >= 1);
    run_ok(t.path(), &["audit", "verify", "--workdir", "work"], &[]);
    let mut alone = std::fs::read_to_string(&cfg).unwrap();
    alone = alone.replace("workdir = \"work\"", "workdir = \"alone\"");
    std::fs::write(t.path().join("alone.toml"), alone).unwrap();
    run_ok(t.path(), &["run", "alone.toml"], &[]);
    assert_same_files(
        &snapshot(&t.path().join("work")),
        &snapshot(&t.path().join("alone")),
    );
}

/// A part whose lock another process holds (a resubmitted Slurm task beside one still running) is
/// left to that process, with its pid named, and the stage manifest waits for it; once the holder
/// is gone, `--resume` finishes the part and the workdir equals a run alone.
#[test]
fn a_held_part_is_left_to_its_holder_and_finished_by_resume() {
    use std::io::Write;
    let t = tempfile::tempdir().unwrap();
    let cfg = samples_config(t.path(), 0.004);
    let cfg = cfg.to_str().unwrap();
    run_ok(t.path(), &["run", cfg, "--workdir", "alone"], &[]);
    run_ok(t.path(), &["run", cfg, "--stage", "ingest"], &[]);
    let parts_dir = t.path().join("work/langid/_parts");
    std::fs::create_dir_all(&parts_dir).unwrap();
    let lock_path = parts_dir.join(".part-00001.lock");
    let mut lock = std::fs::File::create(&lock_path).unwrap();
    lock.try_lock().unwrap();
    write!(lock, "4242").unwrap();
    // A fresh run would remove every part: it refuses, naming the holder.
    let fresh = minga()
        .current_dir(t.path())
        .args(["run", cfg, "--stage", "langid"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&fresh.stderr);
    assert!(!fresh.status.success());
    assert!(
        err.contains("part-00001 is being written by pid 4242"),
        "{err}"
    );
    let out = run_ok(
        t.path(),
        &["run", cfg, "--stage", "langid", "--resume"],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("part-00001 is being written by pid 4242"),
        "{err}"
    );
    assert!(
        err.contains("1 parts are being written by another process"),
        "{err}"
    );
    let langid = t.path().join("work/langid");
    assert!(!langid.join("part-00001.parquet").exists());
    assert!(langid.join("part-00000.parquet").exists());
    assert!(!langid.join("_manifest.json").exists());
    drop(lock);
    std::fs::remove_file(&lock_path).unwrap();
    run_ok(t.path(), &["run", cfg, "--resume"], &[]);
    run_ok(t.path(), &["audit", "verify", "--workdir", "work"], &[]);
    assert_same_files(
        &snapshot(&t.path().join("work")),
        &snapshot(&t.path().join("alone")),
    );
}
