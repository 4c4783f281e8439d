//! Sharded composition versus the in-memory reference, on generated es/pt/qu/gn texts.

use super::*;
use crate::rng::SplitMix64 as Rng;

const WORDS: &[&str] = &[
    "el",
    "río",
    "la",
    "montaña",
    "casa",
    "camino",
    "o",
    "mar",
    "vento",
    "cidade",
    "não",
    "coração",
    "allin",
    "p'unchay",
    "wasi",
    "mayu",
    "ch'aki",
    "jach'a",
    "uta",
    "ñe'ẽ",
    "avañe'ẽ",
    "ỹvy",
    "yvytu",
    "kuarahy",
    "pueblo",
    "tierra",
    "agua",
    "sol",
    "luna",
    "noche",
    "día",
    "gente",
    "trabajo",
    "minga",
    "comunidad",
    "escuela",
    "praia",
    "rua",
    "livro",
    "amigo",
    "tiempo",
    "palabra",
    "kawsay",
    "runa",
];

fn text(rng: &mut Rng, words: usize) -> Vec<String> {
    (0..words)
        .map(|_| WORDS[rng.below(WORDS.len())].to_string())
        .collect()
}

/// Replaces `percent`% of the words.
fn edit(rng: &mut Rng, words: &[String], percent: usize) -> Vec<String> {
    let mut out = words.to_vec();
    for _ in 0..words.len() * percent / 100 {
        let i = rng.below(out.len());
        out[i] = format!("{}x", WORDS[rng.below(WORDS.len())]);
    }
    out
}

/// Base documents, exact copies with other case and punctuation, near-duplicates at several edit
/// rates (some near the threshold, where verification decides), short and empty documents, and
/// documents with near-dup detection switched off.
fn corpus() -> Vec<(String, f32, bool)> {
    let mut rng = Rng::new(2024);
    let qualities = [0.1f32, 0.5, 0.9];
    let mut docs = Vec::new();
    for base_no in 0..40 {
        let len = 60 + rng.below(140);
        let base = text(&mut rng, len);
        let q = |rng: &mut Rng| qualities[rng.below(3)];
        docs.push((base.join(" "), q(&mut rng), base_no % 9 != 0));
        match base_no % 4 {
            0 => docs.push((base.join(", ").to_uppercase(), q(&mut rng), true)),
            1 => {
                for percent in [1, 3, 6] {
                    docs.push((edit(&mut rng, &base, percent).join(" "), q(&mut rng), true));
                }
            }
            2 => {
                let near = edit(&mut rng, &base, 2).join(" ");
                docs.push((near.clone(), q(&mut rng), true));
                docs.push((format!("{near}!"), q(&mut rng), base_no % 3 != 0));
            }
            _ => {}
        }
    }
    docs.push(("Mba'éichapa".into(), 0.5, true));
    docs.push(("mba’éichapa?".into(), 0.5, true));
    docs.push((String::new(), 0.5, true));
    docs.push(("...".into(), 0.5, true));
    docs
}

fn inputs<'a>(corpus: &'a [(String, f32, bool)], order: &[usize]) -> Vec<DocInput<'a>> {
    order
        .iter()
        .map(|&i| {
            let (text, quality, near_dup) = &corpus[i];
            // Five documents per part, so shards split the input the way the stage does.
            let key = DocInfo::part_row_key((i / 5) as u32, (i % 5) as u32);
            DocInput {
                doc: DocInfo::new(key, 0x1d00 + i as u128, *quality),
                text,
                near_dup: *near_dup,
            }
        })
        .collect()
}

fn count(decisions: &[(u64, Decision)], reason: DupReason) -> usize {
    let is = |d: &Decision| matches!(d, Decision::Drop { reason: r, .. } if *r == reason);
    decisions.iter().filter(|(_, d)| is(d)).count()
}

#[test]
fn sharded_steps_equal_the_reference_for_any_shard_count() {
    let corpus = corpus();
    let order: Vec<usize> = (0..corpus.len()).collect();
    let docs = inputs(&corpus, &order);
    for verify in [Verify::Exact, Verify::Signature, Verify::None] {
        let params = DedupParams {
            verify,
            ..Default::default()
        };
        let want = dedup_in_memory(&docs, params).unwrap();
        // The corpus must exercise every outcome, or equality proves little.
        assert!(count(&want, DupReason::Exact) >= 10, "{want:?}");
        assert!(count(&want, DupReason::MinHash) >= 10, "{want:?}");
        for shards in [1, 2, 3, 7] {
            let got = dedup_sharded(&docs, params, shards).unwrap();
            assert_eq!(got, want, "verify={verify:?} shards={shards}");
        }
    }
}

#[test]
fn input_order_does_not_matter() {
    let corpus = corpus();
    let forward: Vec<usize> = (0..corpus.len()).collect();
    let mut shuffled = forward.clone();
    let mut rng = Rng::new(7);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i + 1));
    }
    let params = DedupParams {
        verify: Verify::Exact,
        ..Default::default()
    };
    let want = dedup_sharded(&inputs(&corpus, &forward), params, 3).unwrap();
    assert_eq!(
        dedup_sharded(&inputs(&corpus, &shuffled), params, 2).unwrap(),
        want
    );
    assert_eq!(
        dedup_in_memory(&inputs(&corpus, &shuffled), params).unwrap(),
        want
    );
}

#[test]
fn verification_only_removes_fewer() {
    let corpus = corpus();
    let order: Vec<usize> = (0..corpus.len()).collect();
    let docs = inputs(&corpus, &order);
    let loose = dedup_in_memory(
        &docs,
        DedupParams {
            verify: Verify::None,
            ..Default::default()
        },
    )
    .unwrap();
    let strict = dedup_in_memory(
        &docs,
        DedupParams {
            verify: Verify::Exact,
            ..Default::default()
        },
    )
    .unwrap();
    let dropped = |v: &[(u64, Decision)]| {
        v.iter()
            .filter(|(_, d)| matches!(d, Decision::Drop { .. }))
            .count()
    };
    assert!(
        dropped(&strict) < dropped(&loose),
        "verification must reject some pair here"
    );
    assert_eq!(
        count(&strict, DupReason::Exact),
        count(&loose, DupReason::Exact)
    );
}

#[test]
fn exact_copies_keep_the_best_then_first() {
    let texts = [
        "Allin p'unchay, turay.",
        "ALLIN P’UNCHAY TURAY",
        "allin p'unchay turay!",
    ];
    let qualities = [0.5f32, 0.5, 0.9];
    let docs: Vec<DocInput> = (0..3)
        .map(|i| DocInput {
            doc: DocInfo::new(i as u64, i as u128, qualities[i]),
            text: texts[i],
            near_dup: true,
        })
        .collect();
    let got = dedup_sharded(&docs, DedupParams::default(), 2).unwrap();
    assert_eq!(got[2].1, Decision::Keep { cluster_size: 3 });
    assert_eq!(
        got[0].1,
        Decision::Drop {
            reason: DupReason::Exact,
            kept: docs[2].doc,
            similarity: Some(1.0)
        }
    );
    // Equal quality: the first occurrence wins.
    let flat: Vec<DocInput> = docs
        .iter()
        .map(|d| DocInput {
            doc: DocInfo {
                quality: 0.5,
                ..d.doc
            },
            ..*d
        })
        .collect();
    let got = dedup_in_memory(&flat, DedupParams::default()).unwrap();
    assert_eq!(got[0].1, Decision::Keep { cluster_size: 3 });
}

#[test]
fn duplicate_keys_are_rejected() {
    let d = DocInput {
        doc: DocInfo::new(1, 1, 0.0),
        text: "a",
        near_dup: true,
    };
    assert_eq!(
        dedup_in_memory(&[d, d], DedupParams::default()),
        Err(DedupError::DuplicateKey { key: 1 })
    );
}
