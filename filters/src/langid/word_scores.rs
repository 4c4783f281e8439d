//! The word scores of [`super::spans::label_document`]: per word, the calibrated log-likelihood
//! of each label from the n-grams ending in it, and the feature sums of the whole text, made in
//! one hashing pass with each word's table reads prefetched one word ahead.

use super::detect::TextStats;
use super::features::{Hasher, Words};
use super::model::{Model, TextSums};
use super::spans::{break_kind, Break, Word};

/// The feature sums of the whole text (every word, the hasher never restarted), as
/// `Model::sum_text` makes them, gathered while the word scores are made.
pub(super) struct WholeText {
    pub(super) acc: Vec<u32>,
    features: usize,
    probes: usize,
    known: usize,
}

impl WholeText {
    pub(super) fn sums(&self) -> TextSums {
        TextSums::new(self.features, self.probes, self.known)
    }
}

/// Word byte ranges with their preceding break; per word the calibrated log-likelihood of each
/// label (`n` values per word; words without Latin letters score 0 everywhere and follow
/// neighbours), from the n-grams ending in the word with the hasher restarted at every line
/// break; and the sums of the whole text. One hashing pass makes both: the features a restarted
/// hasher would not emit (those reaching back over a line break) count for the whole text only.
pub(super) fn word_scores(model: &Model, text: &str) -> (Vec<Word>, Vec<f32>, WholeText) {
    let seen_order = Model::seen_order(model.spec);
    let shift = 64 - u32::from(model.spec.bucket_bits);
    let mut hasher = Hasher::new(model.spec);
    let mut fresh = 1;
    let mut buf = Vec::new();
    let mut scores = Scores::new(model);
    // A word's weight rows and known-n-gram bits are random reads into tables larger than the
    // caches: they are prefetched when the word is hashed and read one word later, so the reads
    // of two words are under way at once. Sums of integers, so the order does not change them.
    let mut pending: Vec<Feature> = Vec::new();
    let mut current: Vec<Feature> = Vec::new();
    let mut pending_word: Option<Word> = None;
    let mut prev_end = 0;
    for r in Words::new(text) {
        let brk = break_kind(&text[prev_end..r.start]);
        if brk >= Break::Line {
            fresh = 1;
        }
        model.spec.word(&text[r.clone()], &mut buf);
        current.clear();
        hasher.word_hashes_fresh(&buf, &mut fresh, |order, x, in_word| {
            model.prefetch_bucket((x >> shift) as u32);
            model.prefetch_seen(x);
            current.push(Feature {
                hash: x,
                in_word,
                probe: order == seen_order,
            });
        });
        if let Some(w) = pending_word.take() {
            scores.add_word(text, w, &pending);
        }
        std::mem::swap(&mut pending, &mut current);
        pending_word = Some(Word {
            start: r.start,
            end: r.end,
            brk,
        });
        prev_end = r.end;
    }
    if let Some(w) = pending_word {
        scores.add_word(text, w, &pending);
    }
    (scores.words, scores.emissions, scores.whole)
}

/// One feature of a word, as hashed.
struct Feature {
    hash: u64,
    /// The n-gram reaches back no further than the word (the others count for the whole text
    /// only).
    in_word: bool,
    /// Of the order whose known share says whether the text is in a known language.
    probe: bool,
}

/// What [`word_scores`] builds, a word at a time.
struct Scores<'m> {
    model: &'m Model,
    scale: f32,
    /// One word's sums (cleared per word).
    acc: Vec<u32>,
    whole: WholeText,
    words: Vec<Word>,
    emissions: Vec<f32>,
}

impl<'m> Scores<'m> {
    fn new(model: &'m Model) -> Self {
        Scores {
            model,
            scale: model.scale(),
            acc: vec![0u32; model.stride],
            whole: WholeText {
                acc: vec![0u32; model.stride],
                features: 0,
                probes: 0,
                known: 0,
            },
            words: Vec::new(),
            emissions: Vec::new(),
        }
    }

    /// Adds the rows of one word's features and the word's emissions.
    fn add_word(&mut self, text: &str, w: Word, features: &[Feature]) {
        let m = self.model;
        let n = m.labels.len();
        let shift = 64 - u32::from(m.spec.bucket_bits);
        self.acc.iter_mut().for_each(|a| *a = 0);
        for f in features {
            let known = m.knows(f.hash);
            if f.probe {
                self.whole.probes += 1;
                self.whole.known += usize::from(known);
            }
            if !known && m.spec.skip_unseen {
                continue;
            }
            self.whole.features += 1;
            let into = if f.in_word {
                &mut self.acc
            } else {
                &mut self.whole.acc
            };
            m.add_bucket((f.hash >> shift) as u32, into);
        }
        self.whole
            .acc
            .iter_mut()
            .zip(&self.acc)
            .for_each(|(w, a)| *w += a);
        // Every ASCII letter is Latin, so an ASCII word needs no count.
        let word = &text[w.start..w.end];
        let latin = word.is_ascii() || TextStats::of(word).is_latin();
        let best = self.acc[..n].iter().copied().min().unwrap_or(0);
        let scale = self.scale;
        self.emissions.extend(self.acc[..n].iter().map(|&s| {
            if latin {
                -((s - best) as f32) * scale
            } else {
                0.0
            }
        }));
        self.words.push(w);
    }
}
