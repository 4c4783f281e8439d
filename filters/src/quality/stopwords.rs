//! Stop-word lists per language, derived from data rather than written by hand: the words with
//! the highest document frequency in a language's reference text (Gopher's stop-word rule asks
//! for a minimum count of such words, which separates running text from lists, menus and
//! tables).
//!
//! The lists shipped with minga live in `filters/data/stopwords.json`, written by
//! `cargo run -p minga-filters --example derive_stopwords -- ../shared/data/langid/train filters/data/stopwords.json`
//! and embedded at compile time ([`StopWords::embedded`]).

use super::text::{lowercase_into, scan_words};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

const EMBEDDED_JSON: &str = include_str!("../../data/stopwords.json");

/// Errors reading a stop-word file.
#[derive(Debug, thiserror::Error)]
pub enum StopWordsError {
    #[error("stop-word file is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// How the lists were derived, and the lists (the JSON file's layout).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StopWordsFile {
    /// What the lists are and how they were made.
    pub about: String,
    /// The command that wrote the file.
    pub command: String,
    pub options: DeriveOptions,
    pub languages: BTreeMap<String, DerivedList>,
}

/// Options of [`derive_stop_words`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeriveOptions {
    /// Keep at most this many words.
    pub top_n: usize,
    /// Keep only words found in at least this share of the documents.
    pub min_doc_share: f64,
    /// Held-out documents are this many consecutive reference documents joined.
    pub holdout_group: usize,
    /// Stop words a held-out document must hold to count as covered.
    pub holdout_min_count: usize,
    /// The list applies only if at least this share of held-out documents are covered.
    pub min_coverage: f64,
    /// The list applies only if the reference has at least this many documents.
    pub min_docs: usize,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        Self {
            top_n: 16,
            min_doc_share: 0.02,
            holdout_group: 1,
            holdout_min_count: 1,
            min_coverage: 0.8,
            min_docs: 1000,
        }
    }
}

/// One language's derived list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DerivedList {
    /// Documents the frequencies were counted on.
    pub docs: usize,
    /// Words, most frequent first (lower-case).
    pub words: Vec<String>,
    /// Share of documents holding each word, aligned with `words`.
    pub doc_share: Vec<f64>,
    /// Held-out documents the list was checked on.
    #[serde(default)]
    pub holdout_docs: usize,
    /// Share of them with at least `holdout_min_count` stop words.
    #[serde(default)]
    pub holdout_coverage: f64,
    /// Whether the stop-word rule applies to the language.
    #[serde(default = "yes")]
    pub apply: bool,
}

fn yes() -> bool {
    true
}

/// Ranks the lower-cased words of `docs` by document frequency (ties: alphabetical) and keeps
/// the top `top_n` that reach `min_doc_share`. Words without a letter (numbers) never qualify.
///
/// Whether the list is reliable enough for the stop-word rule is measured out of sample: a list
/// ranked on the even-numbered documents is counted on the odd-numbered ones joined in groups of
/// `holdout_group`; the rule applies only if `min_coverage` of those groups hold
/// `holdout_min_count` stop words and there are `min_docs` documents. With the defaults (single
/// sentences, one stop word, 80 %) a list applies only where nearly every sentence has a stop
/// word, which is what makes "at least 2 per document" safe for short documents too. The list
/// itself is ranked on all documents.
pub fn derive_stop_words(docs: &[&str], opts: &DeriveOptions) -> DerivedList {
    let ranked = rank(docs.iter().copied(), opts);
    let even: Vec<&str> = docs.iter().step_by(2).copied().collect();
    let odd: Vec<&str> = docs.iter().skip(1).step_by(2).copied().collect();
    let half = StopList::new(rank(even.iter().copied(), opts).into_iter().map(|(w, _)| w));
    let groups: Vec<String> = odd
        .chunks(opts.holdout_group.max(1))
        .map(|g| g.join("\n"))
        .collect();
    let covered = groups
        .iter()
        .filter(|g| count_stop_words(g, &half) >= opts.holdout_min_count)
        .count();
    let coverage = covered as f64 / groups.len().max(1) as f64;
    let n_docs = docs.len();
    DerivedList {
        docs: n_docs,
        doc_share: ranked
            .iter()
            .map(|(_, n)| round4(*n as f64 / n_docs.max(1) as f64))
            .collect(),
        words: ranked.into_iter().map(|(w, _)| w).collect(),
        holdout_docs: groups.len(),
        holdout_coverage: round4(coverage),
        apply: n_docs >= opts.min_docs && coverage >= opts.min_coverage,
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn rank<'a>(docs: impl Iterator<Item = &'a str>, opts: &DeriveOptions) -> Vec<(String, usize)> {
    let mut df: HashMap<String, usize, Xxh3DefaultBuilder> = HashMap::default();
    let mut in_doc: HashSet<String, Xxh3DefaultBuilder> = HashSet::default();
    let mut lower = String::new();
    let mut n_docs = 0usize;
    for doc in docs {
        n_docs += 1;
        in_doc.clear();
        for line in doc.split('\n') {
            scan_words(line, |w| {
                if w.alphabetic {
                    lowercase_into(w.text, &mut lower);
                    if !in_doc.contains(lower.as_str()) {
                        in_doc.insert(lower.clone());
                    }
                }
            });
        }
        for w in in_doc.drain() {
            *df.entry(w).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = df.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let min_df = (opts.min_doc_share * n_docs as f64).ceil().max(1.0) as usize;
    ranked
        .into_iter()
        .filter(|(_, n)| *n >= min_df)
        .take(opts.top_n)
        .collect()
}

/// Occurrences of stop words of `list` in `text` (the count the stop-word signal reports).
pub fn count_stop_words(text: &str, list: &StopList) -> usize {
    let mut lower = String::new();
    let mut n = 0;
    for line in text.split('\n') {
        scan_words(line, |w| {
            if w.chars as usize <= list.max_chars() {
                lowercase_into(w.text, &mut lower);
                n += usize::from(list.contains(&lower));
            }
        });
    }
    n
}

/// A language's stop words, looked up lower-case.
#[derive(Clone, Debug, Default)]
pub struct StopList {
    set: HashSet<String, Xxh3DefaultBuilder>,
    ordered: Vec<String>,
    max_chars: usize,
}

impl StopList {
    /// Builds a list; words are lower-cased.
    pub fn new<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Self {
        let mut list = StopList::default();
        let mut lower = String::new();
        for w in words {
            lowercase_into(w.as_ref(), &mut lower);
            if !lower.is_empty() && list.set.insert(lower.clone()) {
                list.max_chars = list.max_chars.max(lower.chars().count());
                list.ordered.push(lower.clone());
            }
        }
        list
    }
    /// Whether the lower-cased word `lower` is a stop word.
    pub fn contains(&self, lower: &str) -> bool {
        self.set.contains(lower)
    }
    /// Length in characters of the longest word (longer words are never looked up).
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }
    /// The words, most frequent first.
    pub fn words(&self) -> &[String] {
        &self.ordered
    }
}

/// Stop-word lists of several languages (ISO 639-3 codes).
#[derive(Clone, Debug, Default)]
pub struct StopWords {
    lists: BTreeMap<String, StopList>,
}

impl StopWords {
    /// The lists shipped with minga (`filters/data/stopwords.json`).
    pub fn embedded() -> &'static StopWords {
        static EMBEDDED: OnceLock<StopWords> = OnceLock::new();
        // The file is checked by a unit test; if it were ever broken, every language would
        // simply have no list (the stop-word rule is then skipped, never wrongly applied).
        EMBEDDED.get_or_init(|| Self::from_json(EMBEDDED_JSON).unwrap_or_default())
    }

    /// Parses a file in the layout of [`StopWordsFile`]; lists marked `apply: false` are left
    /// out, so the stop-word rule is skipped for their languages.
    pub fn from_json(json: &str) -> Result<StopWords, StopWordsError> {
        let file: StopWordsFile = serde_json::from_str(json)?;
        Ok(Self::from_lists(
            file.languages
                .into_iter()
                .filter(|(_, d)| d.apply)
                .map(|(l, d)| (l, d.words)),
        ))
    }

    /// Builds from `(language, words)` pairs; a language with no words gets no list.
    pub fn from_lists<S: AsRef<str>>(
        lists: impl IntoIterator<Item = (String, Vec<S>)>,
    ) -> StopWords {
        let lists = lists
            .into_iter()
            .map(|(lang, words)| (lang, StopList::new(words)))
            .filter(|(_, l)| !l.ordered.is_empty())
            .collect();
        StopWords { lists }
    }

    /// The list of `lang`, if there is one.
    pub fn for_lang(&self, lang: &str) -> Option<&StopList> {
        self.lists.get(lang)
    }

    /// Languages that have a list.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.lists.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_ranks_by_document_frequency() {
        let docs = [
            "El perro y la casa.",
            "La casa de Pedro y el río.",
            "Y el gato.",
            "Año 1999 y 1999.",
        ];
        let opts = DeriveOptions {
            top_n: 3,
            min_doc_share: 0.5,
            holdout_group: 1,
            holdout_min_count: 2,
            min_docs: 1,
            ..DeriveOptions::default()
        };
        let d = derive_stop_words(&docs, &opts);
        assert_eq!(d.docs, 4);
        // "y" is in 4 docs, "el" in 3, "casa"/"la" in 2 (alphabetical tie-break); numbers never.
        assert_eq!(d.words, ["y", "el", "casa"]);
        assert_eq!(d.doc_share, [1.0, 0.75, 0.5]);
        // Held out: docs 1 and 3, checked against the list ranked on docs 0 and 2
        // ("el", "y", ...): doc 1 has "y" and "el", doc 3 only "y".
        assert_eq!(
            (d.holdout_docs, d.holdout_coverage, d.apply),
            (2, 0.5, false)
        );
    }

    #[test]
    fn lists_are_case_insensitive_and_keep_apostrophes() {
        let s = StopWords::from_lists([("gug".to_string(), vec!["Ha", "ko'ã"])]);
        let l = s
            .for_lang("gug")
            .map(|l| (l.contains("ha"), l.contains("ko'ã")));
        assert_eq!(l, Some((true, true)));
        assert!(s.for_lang("spa").is_none());
    }

    #[test]
    fn embedded_lists_parse_and_cover_spanish_and_portuguese() {
        let s = StopWords::embedded();
        for lang in ["spa", "por", "eng"] {
            let list = s.for_lang(lang).map(|l| l.words().len()).unwrap_or(0);
            assert!(list >= 8, "{lang}: {list} words");
        }
        assert!(s.for_lang("spa").is_some_and(|l| l.contains("de")));
    }
}
