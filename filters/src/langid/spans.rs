//! Language spans of a document: word-level scores, a switch-penalised best path, then per-span labels.
//!
//! Every word gets the model's per-label log-likelihood of the n-grams that end in it. The best label
//! sequence maximises the summed word scores minus a cost for every change of language; the cost is
//! lowest at a paragraph break, higher at a line break, higher at a sentence end and highest inside a
//! sentence, so a Spanish page quoting a Quechua verse switches at the verse's lines while a single
//! loan word does not open a span. Runs of one label become spans; each span is then labelled again
//! as a whole text by [`Model::detect`] (which adds the score and whatlang's other languages), and
//! neighbours with the same label merge. The document's label is the one covering most bytes.

use super::detect::{Detection, TextStats, UND};
use super::model::Model;
use super::word_scores::word_scores;

/// Switch costs (in calibrated nats) and span clean-up of [`label_document`].
#[derive(Clone, Debug, PartialEq)]
pub struct SpanOptions {
    /// Cost of changing language between two words of one sentence (default 12).
    pub word_switch_cost: f32,
    /// Cost of changing language after `.`, `!`, `?`, `;`, `:` or a quote (default 6).
    pub sentence_switch_cost: f32,
    /// Cost of changing language at a line break (default 1).
    pub line_switch_cost: f32,
    /// Cost of changing language at a blank line (default 0.5).
    pub paragraph_switch_cost: f32,
    /// Spans with fewer letters than this join their longer neighbour (default 12).
    pub min_span_letters: usize,
}

impl Default for SpanOptions {
    fn default() -> Self {
        SpanOptions {
            word_switch_cost: 12.0,
            sentence_switch_cost: 6.0,
            line_switch_cost: 1.0,
            paragraph_switch_cost: 0.5,
            min_span_letters: 12,
        }
    }
}

/// A byte range of a document's text and its language.
#[derive(Clone, Debug, PartialEq)]
pub struct LangSpan {
    pub start: u32,
    pub end: u32,
    pub lang: String,
    pub score: f32,
}

/// The languages of a document: its label (most bytes), that label's score, and all spans in order.
#[derive(Clone, Debug, PartialEq)]
pub struct DocLang {
    pub lang: String,
    pub score: f32,
    pub spans: Vec<LangSpan>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Break {
    Word,
    Sentence,
    Line,
    Paragraph,
}

/// What separates a word from the previous one, judged from the gap between them.
pub(super) fn break_kind(gap: &str) -> Break {
    let newlines = gap.bytes().filter(|&b| b == b'\n').count();
    if newlines >= 2 {
        Break::Paragraph
    } else if newlines == 1 {
        Break::Line
    } else if gap.contains(['.', '!', '?', ';', ':', '"', '«', '»', '“', '”', '(', ')']) {
        Break::Sentence
    } else {
        Break::Word
    }
}

impl SpanOptions {
    fn cost(&self, b: Break) -> f32 {
        match b {
            Break::Word => self.word_switch_cost,
            Break::Sentence => self.sentence_switch_cost,
            Break::Line => self.line_switch_cost,
            Break::Paragraph => self.paragraph_switch_cost,
        }
    }
}

/// A word of the text: its byte range and what separates it from the previous word.
pub(super) struct Word {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) brk: Break,
}

/// Labels a document and its language spans (byte ranges of `text`).
pub fn label_document(model: &Model, text: &str, opts: &SpanOptions) -> DocLang {
    let stats = TextStats::of(text);
    let n = model.labels.len();
    if stats.is_und() || n == 0 {
        return DocLang {
            lang: UND.into(),
            score: 0.0,
            spans: Vec::new(),
        };
    }
    let (words, emissions, whole) = word_scores(model, text);
    if words.is_empty() {
        return DocLang {
            lang: UND.into(),
            score: 0.0,
            spans: Vec::new(),
        };
    }
    let path = best_path(&words, &emissions, n, opts);
    if path.iter().all(|&l| l == path[0]) {
        // One language throughout (most documents): the single span is every word, whose sums
        // the word scores already made, so it is labelled without hashing the text again.
        let (start, end) = (words[0].start, words[words.len() - 1].end);
        let d = model.detect_summed(&text[start..end], &whole.acc, &whole.sums());
        return doc_label(vec![LangSpan {
            start: start as u32,
            end: end as u32,
            lang: d.lang,
            score: d.score,
        }]);
    }
    let mut runs: Vec<(usize, usize)> = Vec::new(); // word index ranges
    for (i, &label) in path.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if path[r.0] == label => r.1 = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let mut spans: Vec<LangSpan> = runs
        .iter()
        .map(|&(a, b)| span_of(model, text, words[a].start, words[b - 1].end))
        .collect();
    absorb_short_spans(text, &mut spans, opts.min_span_letters);
    let spans = merge_neighbours(model, text, spans);
    doc_label(spans)
}

/// The label sequence maximising word scores minus switch costs (Viterbi with a uniform switch cost,
/// O(words × labels)). Ties keep the current label, then the lowest label index.
fn best_path(words: &[Word], emissions: &[f32], n: usize, opts: &SpanOptions) -> Vec<usize> {
    let mut score: Vec<f32> = emissions[..n].to_vec();
    let mut back: Vec<u16> = Vec::with_capacity(words.len() * n);
    back.extend((0..n).map(|c| c as u16));
    let mut next = vec![0f32; n];
    for (w, word) in words.iter().enumerate().skip(1) {
        let cost = opts.cost(word.brk);
        let (best, best_score) = argmax(&score);
        for c in 0..n {
            let switched = best_score - cost;
            let (from, s) = if score[c] >= switched {
                (c, score[c])
            } else {
                (best, switched)
            };
            next[c] = s + emissions[w * n + c];
            back.push(from as u16);
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut path = vec![argmax(&score).0; words.len()];
    for w in (1..words.len()).rev() {
        path[w - 1] = usize::from(back[w * n + path[w]]);
    }
    path
}

fn argmax(v: &[f32]) -> (usize, f32) {
    v.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bs), (i, &s)| {
            if s > bs {
                (i, s)
            } else {
                (bi, bs)
            }
        })
}

fn span_of(model: &Model, text: &str, start: usize, end: usize) -> LangSpan {
    let Detection { lang, score, .. } = model.detect(&text[start..end]);
    LangSpan {
        start: start as u32,
        end: end as u32,
        lang,
        score,
    }
}

fn letters(text: &str, s: &LangSpan) -> usize {
    TextStats::of(&text[s.start as usize..s.end as usize]).letters
}

/// Spans too short to trust (or `und`) take the label of their longer neighbour.
fn absorb_short_spans(text: &str, spans: &mut [LangSpan], min_letters: usize) {
    if spans.len() < 2 {
        return;
    }
    let sizes: Vec<usize> = spans.iter().map(|s| letters(text, s)).collect();
    for i in 0..spans.len() {
        if sizes[i] >= min_letters && spans[i].lang != UND {
            continue;
        }
        let left = i.checked_sub(1).map(|j| (sizes[j], j));
        let right = (i + 1 < spans.len()).then(|| (sizes[i + 1], i + 1));
        let pick = match (left, right) {
            (Some(l), Some(r)) => Some(if r.0 > l.0 { r.1 } else { l.1 }),
            (l, r) => l.or(r).map(|x| x.1),
        };
        if let Some(j) = pick {
            if spans[j].lang != UND && sizes[j] >= sizes[i] {
                spans[i].lang = spans[j].lang.clone();
                spans[i].score = spans[j].score;
            }
        }
    }
}

/// Joins neighbours with the same label; a joined span is scored again as one text.
fn merge_neighbours(model: &Model, text: &str, spans: Vec<LangSpan>) -> Vec<LangSpan> {
    let mut out: Vec<(LangSpan, bool)> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some((last, joined)) if last.lang == s.lang => {
                last.end = s.end;
                *joined = true;
            }
            _ => out.push((s, false)),
        }
    }
    out.into_iter()
        .map(|(mut s, joined)| {
            if joined {
                let d = model.detect(&text[s.start as usize..s.end as usize]);
                if d.lang == s.lang {
                    s.score = d.score;
                }
            }
            s
        })
        .collect()
}

/// The document label is the label with most bytes (`und` only if nothing else); its score is the
/// byte-weighted mean score of its spans.
fn doc_label(spans: Vec<LangSpan>) -> DocLang {
    let mut totals: Vec<(&str, u64, f64)> = Vec::new();
    for s in &spans {
        let bytes = u64::from(s.end - s.start);
        match totals.iter_mut().find(|t| t.0 == s.lang) {
            Some(t) => {
                t.1 += bytes;
                t.2 += f64::from(s.score) * bytes as f64;
            }
            None => totals.push((&s.lang, bytes, f64::from(s.score) * bytes as f64)),
        }
    }
    let best =
        totals
            .iter()
            .filter(|t| t.0 != UND)
            .fold(None::<&(&str, u64, f64)>, |b, t| match b {
                Some(b) if b.1 >= t.1 => Some(b),
                _ => Some(t),
            });
    let (lang, score) = match best {
        Some(&(l, bytes, weighted)) => (l.to_string(), (weighted / bytes.max(1) as f64) as f32),
        None => (UND.to_string(), 0.0),
    };
    DocLang { lang, score, spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-text sums gathered with the word scores are those `detect` makes by hashing the
    /// text again, so a one-language document gets the label it always got. Checked on texts with
    /// line and paragraph breaks, short lines, digits, non-Latin words and marks, and on every
    /// line of the shared langid dev set joined into paragraphs when it is there.
    #[test]
    fn whole_text_sums_equal_a_second_pass() {
        let model = Model::embedded();
        let mut texts: Vec<String> = [
            "Hola, ¿cómo estás?\nMuy bien.\n\nAllinllachu kachkanki.",
            "a\nb\nc d e\nfghij klm\n\n\nñandú",
            "Mba'éichapa reiko? Iporã, ha nde?\n1984 — «Kuñataĩ»\nπαράδειγμα κείμενο\nfin.",
            "  \n\n  leading breaks, then words\n",
            "Ñuqa runasimita rimani.\nEu falo português também.\nI speak English too.",
        ]
        .map(String::from)
        .to_vec();
        let dev =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/langid/dev");
        match std::fs::read_dir(&dev) {
            Ok(rd) => {
                for f in rd.flatten() {
                    let lines = std::fs::read_to_string(f.path()).unwrap_or_default();
                    let lines: Vec<&str> = lines.lines().collect();
                    texts.extend(lines.chunks(7).map(|c| c.join("\n")));
                }
            }
            Err(_) => eprintln!("skipped the shared dev lines: {} is absent", dev.display()),
        }
        for text in &texts {
            let (words, _, whole) = word_scores(model, text);
            let Some(last) = words.last() else { continue };
            let span = &text[words[0].start..last.end];
            let (mut acc, mut buf) = (Vec::new(), Vec::new());
            let sums = model.sum_text(span, &mut acc, &mut buf);
            assert_eq!(whole.acc, acc, "{text:?}");
            assert_eq!(whole.sums().features, sums.features, "{text:?}");
            assert_eq!(whole.sums().coverage, sums.coverage, "{text:?}");
            assert_eq!(
                model.detect_summed(span, &whole.acc, &whole.sums()),
                model.detect(span)
            );
        }
    }

    #[test]
    fn breaks_are_read_from_the_gap() {
        assert_eq!(break_kind(" "), Break::Word);
        assert_eq!(break_kind(", "), Break::Word);
        assert_eq!(break_kind(". "), Break::Sentence);
        assert_eq!(break_kind(" «"), Break::Sentence);
        assert_eq!(break_kind(".\n"), Break::Line);
        assert_eq!(break_kind("\n \n"), Break::Paragraph);
    }

    fn words(breaks: &[Break]) -> Vec<Word> {
        breaks
            .iter()
            .map(|&brk| Word {
                start: 0,
                end: 0,
                brk,
            })
            .collect()
    }

    #[test]
    fn switching_needs_more_evidence_than_its_cost() {
        let opts = SpanOptions::default();
        // Two labels; word 2 mildly prefers label 1 (by 4 nats < word cost 12): no switch.
        let e = [0.0, -5.0, 0.0, -5.0, -4.0, 0.0, 0.0, -5.0];
        assert_eq!(
            best_path(&words(&[Break::Word; 4]), &e, 2, &opts),
            [0, 0, 0, 0]
        );
        // Three words strongly for label 1 (3 × 9 nats > 2 switches × 12): they switch.
        let e = [0.0, -30.0, -9.0, 0.0, -9.0, 0.0, -9.0, 0.0, 0.0, -30.0];
        assert_eq!(
            best_path(&words(&[Break::Word; 5]), &e, 2, &opts),
            [0, 1, 1, 1, 0]
        );
        // At line breaks a single line's evidence is enough.
        let e = [0.0, -9.0, -3.0, 0.0, 0.0, -9.0];
        let b = [Break::Word, Break::Line, Break::Line];
        assert_eq!(best_path(&words(&b), &e, 2, &opts), [0, 1, 0]);
    }
}
