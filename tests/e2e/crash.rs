//! Crash safety: `minga run` is killed with SIGKILL at seeded moments in every stage, resumed with
//! `--resume` until it finishes, and must end byte-identical (modulo timings) to an uninterrupted
//! run. After every kill no partial file may be visible under a final name.
//!
//! Kill moments are chosen by progress, not wall time, so the schedule is deterministic: kill
//! number i waits until stage `s` has `n` finished parts (both drawn from a seeded generator),
//! then waits a further seeded 0..3 ms and kills. Kill points are [`KILL_POINTS`] (in
//! `minga run` order): every per-part stage, dedup's signature step and the tokenizer release.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use minga_manifests::{PartManifest, ShardReader, StageManifest, MANIFEST_FILE, PARTS_DIR};

use crate::util::*;

/// The document stages `minga run` writes (Parquet shards and a ledger), in order.
const STAGES: &[&str] = &["ingest", "langid", "filter", "dedup"];
/// Where kills are aimed: (name, dir under the workdir whose finished files are counted, files
/// to wait for at most). Export's parts are `.bin`/`.idx` pairs with part manifests; the
/// tokenizer is one reduce step whose bundle is three files written one by one.
const KILL_POINTS: &[(&str, &str, Option<usize>)] = &[
    ("ingest", "ingest/_parts", None),
    ("langid", "langid/_parts", None),
    ("filter", "filter/_parts", None),
    ("dedup-signatures", "dedup/_dedup/signatures/_parts", None),
    ("dedup", "dedup/_parts", None),
    ("tokenizer", "tokenizer", Some(2)),
    ("export", "export/_parts", None),
];
/// Kills per point per round; rounds repeat from an empty workdir.
const KILLS_PER_STAGE: usize = 4;
const ROUNDS: usize = 3;
const SEED: u64 = 0x6d69_6e67_6131;

/// xorshift64*: tiny, seeded, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Writes `gen.jsonl`: `n` short documents in es/pt/qu/gn from a fixed word list.
fn generate_jsonl(path: &Path, n: usize) {
    let words = [
        "la",
        "comunidad",
        "trabajo",
        "minga",
        "río",
        "chacra",
        "maíz",
        "escuela",
        "vizinhos",
        "mutirão",
        "rua",
        "feira",
        "llaqta",
        "wasi",
        "yaku",
        "tarpuy",
        "ñande",
        "ko'ẽ",
        "tetã",
        "ka'aguy",
        "lluvia",
        "mercado",
        "fiesta",
        "cosecha",
        "semilla",
        "montaña",
        "abuela",
    ];
    let mut rng = Rng(SEED ^ 0x5eed);
    let mut out = String::new();
    for i in 0..n {
        let len = 40 + rng.below(80) as usize;
        let text: Vec<&str> = (0..len)
            .map(|_| words[rng.below(words.len() as u64) as usize])
            .collect();
        let line = serde_json::json!({"id": format!("gen-{i:05}"), "text": text.join(" ")});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The samples plus a generated jsonl source, with small parts so each stage has many.
fn crash_config(dir: &Path) -> std::path::PathBuf {
    let cfg = samples_config(dir, 0.004);
    let gen = dir.join("gen.jsonl");
    generate_jsonl(&gen, 500);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "[[source]]\nname = \"gen\"\npath = \"{}\"\nformat = \"jsonl\"\nlicence = \"CC0-1.0\"\n",
        gen.display()
    ));
    std::fs::write(&cfg, text).unwrap();
    cfg
}

/// Finished files in `dir` (temp files, named `.NAME.tmp-PID`, and dirs left out).
fn count_parts(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter(|e| e.path().is_file())
                .count()
        })
        .unwrap_or(0)
}

fn spawn_run(dir: &Path, cfg: &Path, work: &str) -> Child {
    minga()
        .current_dir(dir)
        .args(["run", cfg.to_str().unwrap(), "--workdir", work, "--resume"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("minga starts")
}

/// Waits until `stage` has at least `parts` finished parts, then `extra`, then kills. Returns
/// whether the kill landed (the run was still going).
fn kill_at(child: &mut Child, stage_dir: &Path, parts: usize, extra: Duration) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while count_parts(stage_dir) < parts {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    std::thread::sleep(extra);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Every file under a final name is complete: shards decode to the end, part manifests parse
/// and (when present) their outputs' digests and row counts match the files.
pub fn assert_no_partial_files(work: &Path) {
    for stage in STAGES.iter().chain(&["export"]) {
        let sd = work.join(stage);
        if !sd.exists() {
            continue;
        }
        for dir in [sd.clone(), sd.join("rejected")] {
            for (_, p) in minga_manifests::list_parts(&dir).unwrap_or_default() {
                let mut r = ShardReader::open(&p)
                    .unwrap_or_else(|e| panic!("partial shard {}: {e}", p.display()));
                if dir == sd {
                    while r.next_batch().unwrap().is_some() {}
                } else {
                    while r.next_ledger_batch().unwrap().is_some() {}
                }
            }
        }
        let parts = sd.join(PARTS_DIR);
        for e in std::fs::read_dir(&parts).into_iter().flatten() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue; // a temp file: never a final name
            }
            let m = PartManifest::read(&p)
                .unwrap_or_else(|e| panic!("partial part manifest {}: {e}", p.display()));
            for o in &m.outputs {
                let f = sd.join(&o.path);
                let (digest, bytes) = minga_manifests::blake3_file(&f)
                    .unwrap_or_else(|e| panic!("{} lists {}: {e}", p.display(), f.display()));
                assert_eq!(bytes, o.bytes, "{}", f.display());
                assert_eq!(
                    digest,
                    o.blake3,
                    "{} does not match {}",
                    f.display(),
                    p.display()
                );
            }
        }
        if sd.join(MANIFEST_FILE).exists() {
            StageManifest::read(&sd.join(MANIFEST_FILE)).expect("complete stage manifest");
        }
    }
}

fn assert_ledger_unique(work: &Path) {
    for stage in STAGES {
        let rows = read_ledger(&work.join(stage));
        let mut ids: Vec<_> = rows
            .iter()
            .map(|r| (r.doc.id.clone(), r.stage.clone()))
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{stage}: duplicate ids in the ledger");
        let docs = read_docs(&work.join(stage));
        let mut dids: Vec<_> = docs.iter().map(|d| d.id.clone()).collect();
        let n = dids.len();
        dids.sort();
        dids.dedup();
        assert_eq!(dids.len(), n, "{stage}: duplicate document ids");
    }
}

#[test]
fn sigkill_at_seeded_moments_then_resume_equals_clean_run() {
    let t = tempfile::tempdir().unwrap();
    let cfg = crash_config(t.path());
    run_ok(
        t.path(),
        &["run", cfg.to_str().unwrap(), "--workdir", "clean"],
        &[],
    );
    let clean = snapshot(&t.path().join("clean"));
    let parts: Vec<usize> = KILL_POINTS
        .iter()
        .map(|(_, dir, cap)| {
            let n = count_parts(&t.path().join("clean").join(dir));
            cap.map_or(n, |c| c.min(n))
        })
        .collect();
    for (&(name, _, cap), &n) in KILL_POINTS.iter().zip(&parts) {
        assert!(n >= cap.unwrap_or(10), "{name}: too few parts ({n})");
    }

    let mut rng = Rng(SEED);
    let mut landed = vec![0usize; KILL_POINTS.len()];
    for round in 0..ROUNDS {
        let work = format!("crash{round}");
        let wd = t.path().join(&work);
        for (si, (_, dir, _)) in KILL_POINTS.iter().enumerate() {
            let mut targets: Vec<usize> = (0..KILLS_PER_STAGE)
                .map(|_| 1 + rng.below(parts[si] as u64 - 1) as usize)
                .collect();
            targets.sort();
            for target in targets {
                let extra = Duration::from_micros(rng.below(3000));
                let mut child = spawn_run(t.path(), &cfg, &work);
                if kill_at(&mut child, &wd.join(dir), target, extra) {
                    landed[si] += 1;
                }
                assert_no_partial_files(&wd);
            }
        }
        run_ok(
            t.path(),
            &["run", cfg.to_str().unwrap(), "--workdir", &work, "--resume"],
            &[],
        );
        assert_no_partial_files(&wd);
        assert_ledger_unique(&wd);
        assert_same_files(&snapshot(&wd), &clean);
    }
    let names: Vec<&str> = KILL_POINTS.iter().map(|p| p.0).collect();
    eprintln!("kills landed per point {names:?}: {landed:?}");
    assert!(
        landed.iter().sum::<usize>() >= 20 && landed.iter().all(|&n| n >= 3),
        "too few kills landed: {landed:?}"
    );
}
