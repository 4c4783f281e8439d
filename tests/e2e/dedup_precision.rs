//! Near-dedup precision and recall on real prose: Spanish-American novels (conha19) and Machado de
//! Assis (`../shared/data/documents`), cut into documents of ~700 words, with graded edits of some
//! of them: word substitutions, insertions and deletions, moved paragraphs, shared boilerplate
//! headers and footers, case changes, exact copies and chains of successive edits.
//!
//! The similarity that decides whether a removal was right is computed here, independently of
//! minga's normaliser and hashes: word 5-grams of the lower-cased alphanumeric words.
//! Precision: share of removed documents whose Jaccard with their `dup_of` is at least
//! `threshold - 0.1`. Recall: share of pairs with Jaccard at least `threshold + 0.05` of which
//! minga removed at least one.
//!
//! Files are split by position (even: `dev`, odd: `report`); defaults were chosen on `dev` with
//! `bench/dedup-curve.sh`, and the test asserts on `report`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::*;

const WORDS: usize = 700;

/// A document of the test corpus: its name (written as its URL) and the family it belongs to
/// (an original and its edited copies).
struct Doc {
    name: String,
    text: String,
    family: usize,
}

/// SplitMix64: the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The paragraphs of a TEI novel's `<body>`: each `<p>` with tags stripped.
fn tei_paragraphs(xml: &str) -> Vec<String> {
    let body = xml.split("<body").nth(1).unwrap_or("");
    let body = body.split("</body>").next().unwrap_or("");
    body.split("</p>")
        .filter_map(|chunk| chunk.rsplit_once("<p").map(|(_, p)| p))
        .map(|p| {
            let mut out = String::new();
            let mut in_tag = true; // the `<p ...>` opening tag's rest comes first
            for c in p.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn txt_paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Documents of at least `WORDS` words from consecutive paragraphs, at most `limit` of them.
fn chunks(paragraphs: &[String], limit: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut words = 0;
    for p in paragraphs {
        words += p.split(' ').count();
        cur.push(p.clone());
        if words >= WORDS {
            out.push(std::mem::take(&mut cur));
            words = 0;
            if out.len() == limit {
                break;
            }
        }
    }
    out
}

/// The originals of a split: files sorted by name, even positions `dev`, odd `report`.
fn originals(shared: &Path, split: &str) -> Vec<Vec<String>> {
    let pick = usize::from(split == "report");
    let files = |dir: &str, ext: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("documents").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        v.sort();
        v.into_iter().skip(pick).step_by(2).collect()
    };
    let mut out = Vec::new();
    for f in files("conha19-tei", "xml") {
        let xml = std::fs::read_to_string(&f).unwrap();
        out.extend(chunks(&tei_paragraphs(&xml), 25));
    }
    let mut machado = Vec::new();
    for f in files("machado-txt", "txt") {
        let text = std::fs::read_to_string(&f).unwrap();
        machado.extend(chunks(&txt_paragraphs(&text), 5));
    }
    machado.truncate(out.len());
    // Interleave the languages so every kind of edit meets both.
    let spanish = std::mem::take(&mut out);
    for (es, pt) in spanish.into_iter().zip(machado) {
        out.push(es);
        out.push(pt);
    }
    out
}

/// Replaces, inserts or deletes `rate` of the words (other words of the same document come in).
fn edit(paragraphs: &[String], rate: f64, op: u8, rng: &mut Rng) -> Vec<String> {
    let pool: Vec<&str> = paragraphs.iter().flat_map(|p| p.split(' ')).collect();
    paragraphs
        .iter()
        .map(|p| {
            let mut out: Vec<&str> = Vec::new();
            for w in p.split(' ') {
                let hit = (rng.next() % 1_000_000) as f64 / 1e6 < rate;
                match (hit, op) {
                    (true, b's') => out.push(pool[rng.below(pool.len())]),
                    (true, b'i') => out.extend([w, pool[rng.below(pool.len())]]),
                    (true, _) => {}
                    (false, _) => out.push(w),
                }
            }
            out.join(" ")
        })
        .collect()
}

const HEADERS: [&str; 3] = [
    "Inicio Noticias Cultura Biblioteca digital Contacto Suscríbase a nuestro boletín semanal para recibir las novedades del archivo Buscar en el sitio Iniciar sesión",
    "Início Acervo Literatura brasileira Quem somos Fale conosco Assine a newsletter e receba as novidades do acervo Pesquisar no site Entrar",
    "Menú principal Portada Colecciones Autores Obras completas Ayuda Preguntas frecuentes Política de privacidad Mapa del sitio",
];
const FOOTER: &str = "Todos los derechos reservados. Este sitio utiliza cookies propias y de terceros para mejorar la experiencia de navegación. Al continuar navegando acepta su uso. Aviso legal Política de cookies Accesibilidad Redes sociales Facebook Twitter Instagram";

/// The corpus of a split: originals, edited copies and boilerplate, shuffled.
fn corpus(shared: &Path, split: &str) -> Vec<Doc> {
    let mut rng = Rng(if split == "dev" { 11 } else { 29 });
    let mut docs = Vec::new();
    let add = |docs: &mut Vec<Doc>, family: usize, paragraphs: Vec<String>, kind: &str| {
        let name = format!("https://corpus.example/{family}/{}-{kind}", docs.len());
        docs.push(Doc {
            name,
            text: paragraphs.join("\n\n"),
            family,
        });
    };
    for (family, orig) in originals(shared, split).into_iter().enumerate() {
        let boiler = |p: &[String], k: usize| {
            let mut v = vec![HEADERS[k % 3].to_string()];
            v.extend(p.iter().cloned());
            v.push(FOOTER.to_string());
            v
        };
        // Every fifth original shares a site's header and footer with others (not a duplicate).
        let base = if family % 5 == 4 {
            boiler(&orig, family)
        } else {
            orig
        };
        add(&mut docs, family, base.clone(), "orig");
        let variant = |rng: &mut Rng, kind: usize| -> Vec<Vec<String>> {
            let sub = |rng: &mut Rng, r: f64| edit(&base, r, b's', rng);
            match kind {
                0 => vec![base.clone()],
                1 => vec![sub(rng, 0.01)],
                2 => vec![sub(rng, 0.02)],
                3 => vec![sub(rng, 0.03)],
                4 => vec![sub(rng, 0.05)],
                5 => vec![sub(rng, 0.08)],
                6 => vec![sub(rng, 0.12)],
                7 => vec![edit(&base, 0.02, b'i', rng)],
                8 => vec![edit(&base, 0.06, b'i', rng)],
                9 => vec![edit(&base, 0.02, b'd', rng)],
                10 => vec![edit(&base, 0.06, b'd', rng)],
                11 => {
                    let mut v = base.clone();
                    let k = v.len() / 2;
                    v.rotate_left(k);
                    vec![v]
                }
                12 => vec![boiler(&base, rng.below(3))],
                13 => {
                    // A chain: each copy 3 % away from the previous one.
                    let a = sub(rng, 0.03);
                    let b = edit(&a, 0.03, b's', rng);
                    let c = edit(&b, 0.03, b's', rng);
                    vec![a, b, c]
                }
                14 => {
                    let mut v = edit(&base, 0.02, b's', rng);
                    let last = v.len() - 1;
                    v.swap(0, last);
                    vec![boiler(&v, rng.below(3))]
                }
                _ => vec![base.iter().map(|p| p.to_uppercase()).collect()],
            }
        };
        // Two in three originals get copies, of every kind in turn.
        if family % 3 != 2 {
            for v in variant(&mut rng, (family / 3 * 2 + family % 3) % 16) {
                add(&mut docs, family, v, "copy");
            }
        }
    }
    for i in (1..docs.len()).rev() {
        docs.swap(i, rng.below(i + 1));
    }
    docs
}

/// Word 5-gram set of lower-cased alphanumeric words, hashed (FNV-1a), independent of minga.
fn grams(text: &str) -> Vec<u64> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut set: Vec<u64> = words
        .windows(5.min(words.len()).max(1))
        .map(|w| {
            let mut h = 0xcbf2_9ce4_8422_2325u64;
            for b in w.join(" ").bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
            h
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let sa: BTreeSet<_> = a.iter().collect();
    let common = b.iter().filter(|x| sa.contains(x)).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        1.0
    } else {
        common as f64 / union as f64
    }
}

/// What one dedup run did: name of each removed document -> (name of `dup_of`, ledger value).
struct Outcome {
    removed: BTreeMap<String, (String, Option<f64>)>,
    /// CPU seconds of the `minga dedup` process (user + system).
    cpu: f64,
}

/// User + system CPU seconds of this process's waited-for children, from `/proc/self/stat`.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, r)| r.split_whitespace().collect())
        .unwrap_or_default();
    // Fields 16 and 17 of stat(5) (cutime, cstime) are the 14th and 15th after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(13) + ticks(14)) / 100.0
}

/// Ingests the corpus as jsonl once; returns the ingest dir.
fn ingest(dir: &Path, docs: &[Doc]) -> PathBuf {
    let mut jsonl = String::new();
    for d in docs {
        let row = serde_json::json!({ "url": d.name, "text": d.text });
        jsonl.push_str(&row.to_string());
        jsonl.push('\n');
    }
    std::fs::write(dir.join("corpus.jsonl"), jsonl).unwrap();
    run_ok(
        dir,
        &[
            "ingest",
            "corpus.jsonl",
            "--out",
            "ingest",
            "--source",
            "prose",
        ],
        &[],
    );
    dir.join("ingest")
}

/// Runs `minga dedup` with `[dedup]` set to `section` over the ingest dir.
fn dedup(dir: &Path, section: &str, out: &str) -> Outcome {
    let cfg = dir.join(format!("{out}.toml"));
    std::fs::write(&cfg, format!("[dedup]\n{section}\n")).unwrap();
    let before = children_cpu();
    let args = ["dedup", "--in", "ingest", "--out", out, "--config"];
    let mut argv: Vec<&str> = args.to_vec();
    argv.push(cfg.to_str().unwrap());
    run_ok(dir, &argv, &[("RAYON_NUM_THREADS", "1")]);
    let cpu = children_cpu() - before;
    let url_of: BTreeMap<String, String> = read_docs(&dir.join("ingest"))
        .into_iter()
        .map(|d| (d.id, d.url.unwrap_or_default()))
        .collect();
    let removed = read_ledger(&dir.join(out))
        .into_iter()
        .map(|r| {
            let dup = r.why.dup_of.and_then(|id| url_of.get(&id).cloned());
            (
                r.doc.url.unwrap_or_default(),
                (dup.unwrap_or_default(), r.why.value),
            )
        })
        .collect();
    Outcome { removed, cpu }
}

/// Precision and recall of a run (see the module docs), with their counts.
struct Score {
    precision: (usize, usize),
    recall: (usize, usize),
    lowest: f64,
}

fn score(docs: &[Doc], outcome: &Outcome, threshold: f64) -> Score {
    let grams: BTreeMap<&str, Vec<u64>> = docs
        .iter()
        .map(|d| (d.name.as_str(), grams(&d.text)))
        .collect();
    let mut precision = (0, 0);
    let mut lowest = 1.0f64;
    for (name, (dup_of, _)) in &outcome.removed {
        let j = match (grams.get(name.as_str()), grams.get(dup_of.as_str())) {
            (Some(a), Some(b)) => jaccard(a, b),
            _ => 0.0,
        };
        lowest = lowest.min(j);
        precision.1 += 1;
        precision.0 += usize::from(j >= threshold - 0.1);
    }
    let mut families: BTreeMap<usize, Vec<&Doc>> = BTreeMap::new();
    docs.iter()
        .for_each(|d| families.entry(d.family).or_default().push(d));
    let mut recall = (0, 0);
    for members in families.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                if jaccard(&grams[a.name.as_str()], &grams[b.name.as_str()]) >= threshold + 0.05 {
                    recall.1 += 1;
                    let gone = |d: &Doc| outcome.removed.contains_key(&d.name);
                    recall.0 += usize::from(gone(a) || gone(b));
                }
            }
        }
    }
    Score {
        precision,
        recall,
        lowest,
    }
}

impl Score {
    /// `precision | recall | lowest J removed`, as table cells.
    fn cells(&self) -> String {
        let (p, r) = (self.precision, self.recall);
        format!(
            "{}/{} = {:.3} | {}/{} = {:.3} | {:.3}",
            p.0,
            p.1,
            ratio(p),
            r.0,
            r.1,
            ratio(r),
            self.lowest
        )
    }
}

fn ratio((a, b): (usize, usize)) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[test]
fn near_dedup_precision_and_recall_on_real_prose() {
    let Some(shared) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let docs = corpus(&shared, "report");
    ingest(t.path(), &docs);
    let out = dedup(t.path(), "", "dedup");
    let s = score(&docs, &out, 0.8);
    eprintln!(
        "report split: {} documents, {} removed; precision | recall | lowest J removed: {}",
        docs.len(),
        out.removed.len(),
        s.cells()
    );
    assert!(
        s.recall.1 >= 100 && s.precision.1 >= 100,
        "too few pairs to judge"
    );
    assert!(ratio(s.precision) >= 0.99, "precision below 0.99");
    assert!(ratio(s.recall) >= 0.95, "recall below 0.95");
    // Every near-duplicate removal states its verified similarity, at or above the threshold.
    for (name, (_, value)) in &out.removed {
        assert!(value.is_some_and(|v| v >= 0.8), "{name}: value {value:?}");
    }
    // The unverified LSH, on the same input, removes documents that are not near-duplicates:
    // the corpus is hard enough for the check to matter.
    let loose = dedup(t.path(), "verify = \"none\"", "dedup-none");
    assert!(ratio(score(&docs, &loose, 0.8).precision) < 0.99);
}

/// The curve of `bench/dedup-curve.sh`: threshold x bands/rows x verify -> precision, recall, CPU
/// time, on the split named by `MINGA_DEDUP_SPLIT` (default `dev`).
#[test]
#[ignore = "benchmark: run by bench/dedup-curve.sh"]
fn near_dedup_curve() {
    let Some(shared) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let split = std::env::var("MINGA_DEDUP_SPLIT").unwrap_or_else(|_| "dev".into());
    let runs: usize = std::env::var("MINGA_DEDUP_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let t = tempfile::tempdir().unwrap();
    let docs = corpus(&shared, &split);
    ingest(t.path(), &docs);
    println!(
        "split {split}: {} documents; CPU seconds: median of {runs} runs (min-max), one thread",
        docs.len()
    );
    println!("| threshold | bands x rows | verify | removed | precision | recall | lowest J removed | CPU s |");
    println!("|---|---|---|---|---|---|---|---|");
    for threshold in [0.7, 0.75, 0.8, 0.85] {
        for (bands, rows) in [(14, 8), (20, 5), (9, 13), (20, 10)] {
            for verify in ["none", "signature", "exact"] {
                let section = format!(
                    "threshold = {threshold}\nbands = {bands}\nrows = {rows}\nverify = \"{verify}\""
                );
                let mut cpu = Vec::new();
                let mut last = None;
                for _ in 0..runs {
                    let o = dedup(t.path(), &section, "curve");
                    cpu.push(o.cpu);
                    last = Some(o);
                }
                cpu.sort_by(f64::total_cmp);
                let o = last.unwrap();
                let s = score(&docs, &o, threshold);
                println!(
                    "| {threshold} | {bands} x {rows} | {verify} | {} | {} | {:.2} ({:.2}-{:.2}) |",
                    o.removed.len(),
                    s.cells(),
                    cpu[cpu.len() / 2],
                    cpu[0],
                    cpu[cpu.len() - 1]
                );
            }
        }
    }
}
