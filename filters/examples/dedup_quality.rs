//! Near-duplicate detection quality on real documents with injected near-duplicates.
//!
//! `dedup_quality [--data DIR] [--variants N] [--shards N]` loads the conha19 novels as ~4 KB
//! documents, appends edited copies of some of them (2-10% of words substituted, deleted or
//! inserted; paragraphs reordered; web boilerplate added; case and punctuation changed; and
//! combinations), computes the true Jaccard similarity of the word 5-gram sets of *every* pair
//! sharing a shingle (an inverted index, so no pair is sampled away), runs the four dedup steps
//! over shards, and reports recall of pairs with J >= 0.8, precision of removed documents, and the
//! measured LSH candidate rate next to the S-curve `1 - (1 - J^8)^14`.

#[path = "dedup_corpus/mod.rs"]
mod dedup_corpus;

use minga_filters::dedup::{
    dedup_sharded, normalise, shingle_hashes, Decision, DedupParams, DocInfo, DocInput, DupReason,
    Sketcher, Verify,
};

use minga_filters::rng::SplitMix64 as Rng;

const HEADER: &str =
    "Inicio | Noticias | Cultura | Opinión | Contacto\n\nPublicado por la redacción. \
    Compartir en redes sociales.";
const FOOTER: &str = "© 2024 Editorial Digital. Todos los derechos reservados. Política de \
    privacidad. Aviso legal. Suscríbase a nuestro boletín para recibir las novedades.";

/// Substitutes, deletes or inserts `percent`% of the words (3 : 1 : 1), keeping paragraphs.
fn edit_words(rng: &mut Rng, text: &str, percent: usize, vocab: &[&str]) -> String {
    let mut paras: Vec<Vec<String>> = text
        .split("\n\n")
        .map(|p| p.split(' ').map(str::to_string).collect())
        .collect();
    let words: usize = paras.iter().map(Vec::len).sum();
    for _ in 0..(words * percent).div_ceil(100) {
        let p = rng.below(paras.len());
        if paras[p].is_empty() {
            continue;
        }
        let w = rng.below(paras[p].len());
        let new = vocab[rng.below(vocab.len())].to_string();
        match rng.below(5) {
            0 => {
                paras[p].remove(w);
            }
            1 => paras[p].insert(w, new),
            _ => paras[p][w] = new,
        }
    }
    let paras: Vec<String> = paras.into_iter().map(|p| p.join(" ")).collect();
    paras.join("\n\n")
}

fn reorder_paragraphs(rng: &mut Rng, text: &str) -> String {
    let mut paras: Vec<&str> = text.split("\n\n").collect();
    for i in (1..paras.len()).rev() {
        paras.swap(i, rng.below(i + 1));
    }
    paras.join("\n\n")
}

/// One variant of `text`; `kind` cycles through the transformations. Returns (text, label).
fn variant(rng: &mut Rng, text: &str, kind: usize, vocab: &[&str]) -> (String, String) {
    match kind % 9 {
        0..=4 => {
            let pct = 2 + 2 * (kind % 9);
            (edit_words(rng, text, pct, vocab), format!("edit {pct}%"))
        }
        5 => (reorder_paragraphs(rng, text), "reorder".into()),
        6 => (
            format!("{HEADER}\n\n{text}\n\n{FOOTER}"),
            "boilerplate".into(),
        ),
        7 => (
            text.to_uppercase().replace(", ", " -- "),
            "exact (case, punctuation)".into(),
        ),
        _ => {
            let reordered = reorder_paragraphs(rng, text);
            let t = edit_words(rng, &reordered, 2, vocab);
            (
                format!("{HEADER}\n\n{}", t.to_uppercase()),
                "reorder+boilerplate+2%+case".into(),
            )
        }
    }
}

/// Sorted distinct shingles of every document.
fn shingle_sets(texts: &[String], ngram: usize) -> Vec<Vec<u64>> {
    texts
        .iter()
        .map(|t| {
            let mut s = shingle_hashes(&normalise(t), ngram);
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect()
}

/// `(a, b, J)` for every pair (a < b) sharing at least one shingle, sorted by (a, b).
fn all_similar_pairs(sets: &[Vec<u64>]) -> Vec<(u32, u32, f32)> {
    let mut postings: Vec<(u64, u32)> = sets
        .iter()
        .enumerate()
        .flat_map(|(d, s)| s.iter().map(move |&h| (h, d as u32)))
        .collect();
    postings.sort_unstable();
    let mut co: Vec<(u32, u32)> = Vec::new();
    for group in postings.chunk_by(|x, y| x.0 == y.0) {
        for (i, x) in group.iter().enumerate() {
            co.extend(group[i + 1..].iter().map(|y| (x.1, y.1)));
        }
    }
    co.sort_unstable();
    co.chunk_by(|x, y| x == y)
        .map(|run| {
            let (a, b) = run[0];
            let inter = run.len() as f32;
            let union = (sets[a as usize].len() + sets[b as usize].len()) as f32 - inter;
            (a, b, inter / union)
        })
        .collect()
}

fn jaccard(pairs: &[(u32, u32, f32)], a: u32, b: u32) -> f32 {
    let key = (a.min(b), a.max(b));
    pairs
        .binary_search_by_key(&key, |p| (p.0, p.1))
        .map_or(0.0, |i| pairs[i].2)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = dedup_corpus::data_dir(dedup_corpus::arg("--data").as_deref()) else {
        return Ok(());
    };
    let n_variants: usize = dedup_corpus::arg("--variants")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let shards: usize = dedup_corpus::arg("--shards")
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let params = DedupParams::default();
    let originals = dedup_corpus::load_documents(&dir, 4096)?;
    let vocab: Vec<&str> = originals
        .iter()
        .take(200)
        .flat_map(|d| d.split_whitespace())
        .collect();

    // Corpus: originals, then variants; family[i] = the original a document derives from.
    let mut rng = Rng::new(0x006d_696e_6761);
    let mut texts = originals.clone();
    let mut family: Vec<usize> = (0..originals.len()).collect();
    let mut labels: Vec<String> = vec!["original".into(); originals.len()];
    for k in 0..n_variants {
        // Every fifth source gets a second variant, so variants of one source meet each other.
        let src = if k % 5 == 4 {
            family[texts.len() - 1]
        } else {
            rng.below(originals.len())
        };
        let (t, label) = variant(&mut rng, &originals[src], k, &vocab);
        texts.push(t);
        family.push(src);
        labels.push(label);
    }
    println!(
        "{} real documents + {} injected variants; {}x{} LSH, threshold {}, {} shards\n",
        originals.len(),
        n_variants,
        params.bands,
        params.rows,
        params.threshold,
        shards
    );

    let sets = shingle_sets(&texts, params.ngram);
    let pairs = all_similar_pairs(&sets);
    let truth: Vec<&(u32, u32, f32)> = pairs.iter().filter(|p| p.2 >= params.threshold).collect();
    println!(
        "pairs sharing a shingle: {}; pairs with J >= {}: {}\n",
        pairs.len(),
        params.threshold,
        truth.len()
    );

    let docs: Vec<DocInput> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| DocInput {
            doc: DocInfo::new(
                DocInfo::part_row_key(i as u32 / 500, i as u32 % 500),
                i as u128,
                0.5,
            ),
            text: t,
            near_dup: true,
        })
        .collect();
    let index_of = |key: u64| (DocInfo::part_of(key) * 500 + key as u32) as usize;

    // LSH candidates (any shared band) straight from the sketches, for the S-curve table.
    let mut sk = Sketcher::new(params)?;
    let bands: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| sk.sketch(d.doc, d.text, true).band_keys)
        .collect();
    let candidate = |a: u32, b: u32| {
        let (x, y) = (&bands[a as usize], &bands[b as usize]);
        x.iter().zip(y).any(|(p, q)| p == q)
    };

    // Verification settings compared: off, and on (exact, signature) at three thresholds.
    let settings: [(Verify, f32); 7] = [
        (Verify::None, 0.8),
        (Verify::Signature, 0.8),
        (Verify::Signature, 0.75),
        (Verify::Signature, 0.7),
        (Verify::Exact, 0.8),
        (Verify::Exact, 0.75),
        (Verify::Exact, 0.7),
    ];
    let name = |(verify, t): (Verify, f32)| match verify {
        Verify::None => "no verify".to_string(),
        v => format!("verify {} >= {t}", v.as_str()),
    };
    println!("| run | removed | exact | minhash | recall J>=0.8 | precision (J>=0.8 with kept) | precision (same source) | lowest J removed |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut runs = Vec::new();
    for (verify, threshold) in settings {
        let p = DedupParams {
            verify,
            threshold,
            ..params
        };
        let decisions = dedup_sharded(&docs, p, shards)?;
        let mut rep: Vec<usize> = (0..texts.len()).collect();
        let (mut exact, mut minhash, mut strict_ok, mut family_ok) = (0, 0, 0, 0);
        let mut lowest = 1.0f32;
        for (key, d) in &decisions {
            if let Decision::Drop { reason, kept, .. } = d {
                let (m, k) = (index_of(*key), index_of(kept.key));
                rep[m] = k;
                match reason {
                    DupReason::Exact => exact += 1,
                    DupReason::MinHash => minhash += 1,
                }
                let j = jaccard(&pairs, m as u32, k as u32);
                strict_ok += usize::from(j >= params.threshold);
                family_ok += usize::from(family[m] == family[k]);
                lowest = lowest.min(j);
            }
        }
        let removed = exact + minhash;
        let found = truth
            .iter()
            .filter(|t| rep[t.0 as usize] == rep[t.1 as usize])
            .count();
        let ratio = |a: usize, b: usize| format!("{a}/{b} = {:.3}", a as f64 / b.max(1) as f64);
        println!(
            "| {} | {removed} | {exact} | {minhash} | {} | {} | {} | {lowest:.3} |",
            name((verify, threshold)),
            ratio(found, truth.len()),
            ratio(strict_ok, removed),
            ratio(family_ok, removed)
        );
        runs.push(rep);
    }
    println!();

    let run_names: Vec<String> = settings.iter().map(|&s| name(s)).collect();
    println!(
        "| true J | pairs | LSH candidates | S-curve expects | same cluster: {} |",
        run_names.join(" | ")
    );
    println!("|---|---|---|---|{}", "---|".repeat(runs.len()));
    for lo in [0.5f32, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] {
        let hi = match lo {
            x if x >= 0.95 => 1.01,
            x if x >= 0.75 => lo + 0.05,
            x if x >= 0.7 => 0.75,
            _ => lo + 0.1,
        };
        let bin: Vec<&(u32, u32, f32)> = pairs.iter().filter(|p| p.2 >= lo && p.2 < hi).collect();
        if bin.is_empty() {
            continue;
        }
        let n = bin.len() as f64;
        let cand = bin.iter().filter(|p| candidate(p.0, p.1)).count() as f64 / n;
        let expect = bin
            .iter()
            .map(|p| params.candidate_probability(f64::from(p.2)))
            .sum::<f64>()
            / n;
        let same: Vec<String> = runs
            .iter()
            .map(|rep| {
                let k = bin
                    .iter()
                    .filter(|p| rep[p.0 as usize] == rep[p.1 as usize])
                    .count();
                format!("{:.3}", k as f64 / n)
            })
            .collect();
        println!(
            "| [{lo:.2}, {:.2}) | {} | {cand:.3} | {expect:.3} | {} |",
            hi.min(1.0),
            bin.len(),
            same.join(" | ")
        );
    }

    // Per transformation: how close variants are to their source, and how many were removed.
    println!(
        "\n| variant | count | mean J to source | removed: {} |\n|---|---|---|{}",
        run_names.join(" | "),
        "---|".repeat(runs.len())
    );
    let mut kinds: Vec<&String> = labels[originals.len()..].iter().collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let idx: Vec<usize> = (originals.len()..texts.len())
            .filter(|&i| &labels[i] == kind)
            .collect();
        let mean_j = idx
            .iter()
            .map(|&i| jaccard(&pairs, i as u32, family[i] as u32))
            .sum::<f32>()
            / idx.len() as f32;
        let removed: Vec<String> = runs
            .iter()
            .map(|rep| idx.iter().filter(|&&i| rep[i] != i).count().to_string())
            .collect();
        println!(
            "| {kind} | {} | {mean_j:.3} | {} |",
            idx.len(),
            removed.join(" | ")
        );
    }
    Ok(())
}
