//! Retention of the default quality configuration on clean text from `../shared/data`:
//! indigenous, Spanish, Portuguese and English sentences of `langid/dev` joined into documents of
//! 15 lines (at most 5 % rejected per language, or one document where 5 % is less than one), and
//! the conha19 and Machado literature in ~4 KB chunks (at least 99 % kept). Skips cleanly when
//! the data is absent (a fresh clone).

#[path = "../examples/support/corpus.rs"]
mod corpus;

use minga_filters::quality::{compute_signals, judge, QualityConfig, StopWords};
use std::path::PathBuf;

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if dir.join("langid/dev").is_dir() && dir.join("documents").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/data not found");
        None
    }
}

fn rejected(docs: &[String], lang: &str, config: &QualityConfig) -> Vec<&'static str> {
    let t = config.thresholds_for(lang);
    docs.iter()
        .filter_map(|d| judge(&compute_signals(d, lang, StopWords::embedded()), &t))
        .map(|r| r.rule)
        .collect()
}

#[test]
fn langid_dev_documents_are_kept() {
    let Some(data) = data_dir() else { return };
    let config = QualityConfig::default();
    let by_lang = corpus::grouped_docs(&data.join("langid/dev"), 15).expect("langid/dev reads");
    assert_eq!(by_lang.len(), 21);
    for (lang, docs) in &by_lang {
        let lost = rejected(docs, lang, &config);
        let allowed = (docs.len() as f64 * 0.05).floor().max(1.0) as usize;
        assert!(
            lost.len() <= allowed,
            "{lang}: {} of {} documents rejected ({lost:?})",
            lost.len(),
            docs.len()
        );
    }
}

#[test]
fn literature_chunks_are_kept() {
    let Some(data) = data_dir() else { return };
    let config = QualityConfig::default();
    let docs = data.join("documents");
    let sets = [
        (
            "spa",
            corpus::conha19_chunks(&docs.join("conha19-tei")).expect("conha19 reads"),
        ),
        (
            "por",
            corpus::machado_chunks(&docs.join("machado-txt")).expect("machado reads"),
        ),
    ];
    for (lang, files) in sets {
        let chunks: Vec<String> = files.into_iter().flat_map(|(_, c)| c).collect();
        assert!(chunks.len() > 3000, "{lang}: only {} chunks", chunks.len());
        let lost = rejected(&chunks, lang, &config);
        let kept = 1.0 - lost.len() as f64 / chunks.len() as f64;
        assert!(
            kept >= 0.99,
            "{lang}: kept {kept:.4} ({} rejected)",
            lost.len()
        );
    }
}

#[test]
fn shipped_stop_word_lists_match_their_derivation() {
    let Some(data) = data_dir() else { return };
    let train = data.join("langid/train/grn.txt");
    let text = std::fs::read_to_string(&train).expect("grn train reads");
    let lines: Vec<&str> = text.lines().collect();
    let derived = minga_filters::quality::derive_stop_words(&lines, &Default::default());
    let shipped = StopWords::embedded()
        .for_lang("grn")
        .map(|l| l.words().to_vec());
    assert_eq!(
        shipped,
        Some(derived.words),
        "re-run the derive_stopwords example"
    );
}
