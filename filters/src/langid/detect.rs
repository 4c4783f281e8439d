//! Detection of one text: `und` rules, the trained model, and whatlang for languages outside it.
//!
//! 1. `und` when the text has fewer than [`MIN_LETTERS`] letters, when more than a tenth of its
//!    characters are control characters, U+FFFD or private-use code points (binary decoded as text), or
//!    when letters are under [`MIN_LETTER_SHARE`] of its non-space characters (numbers, tables, symbols).
//! 2. Mostly non-Latin letters: the model (trained on Latin-script text) has nothing to say, so
//!    whatlang's label and confidence are used (ISO 639-3 codes already; `und` when it abstains).
//! 3. Latin script: the model's calibrated posterior. whatlang is consulted only when the text is
//!    unfamiliar (few of its 4-grams occur anywhere in the training data, [`Model::coverage`]) and the
//!    model's best label is a major language (spa, por, eng: where French or Italian text lands) or the
//!    model is unsure; its label replaces the model's when it is a language the model does not know and
//!    whatlang's confidence reaches `whatlang_min_confidence` ([`DetectOptions`]). whatlang is never asked to overrule
//!    a confident indigenous label: it does not know those languages and maps them onto others.

use whatlang::{Detector, Script};

use super::model::{Model, TextSums};

/// Fewer letters than this is too short to say anything (`und`).
pub const MIN_LETTERS: usize = 3;
/// Below this share of letters among non-space characters, a text is not prose (`und`).
pub const MIN_LETTER_SHARE: f32 = 0.4;
/// Above this share of control / U+FFFD / private-use characters, a text is binary garbage (`und`).
pub const MAX_JUNK_SHARE: f32 = 0.1;

/// How [`Model::detect_with`] combines the model with whatlang.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectOptions {
    /// Ask whatlang at all (default true). Without it, the model's labels are the only ones besides `und`.
    pub whatlang: bool,
    /// The model's own posterior below which whatlang is also consulted for non-major labels (default 0.5).
    pub consult_below: f32,
    /// whatlang is consulted only when fewer than this share of the text's 4-grams occur in the
    /// training data ([`Model::coverage`]; default 0.97, about the 5th percentile of held-out
    /// training lines, while French, German or Italian lines sit around 0.90).
    pub consult_coverage_below: f32,
    /// whatlang's confidence needed to label a text with a language outside the model (default 0.5).
    pub whatlang_min_confidence: f64,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            whatlang: true,
            consult_below: 0.5,
            consult_coverage_below: 0.97,
            whatlang_min_confidence: 0.5,
        }
    }
}

/// The label of an undetermined text.
pub const UND: &str = "und";

/// The result of [`Model::detect`].
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    /// ISO 639-3 code, or `und`.
    pub lang: String,
    /// Calibrated confidence in `[0, 1]` (0 for `und`).
    pub score: f32,
    /// The three best labels with their confidences, best first (empty for `und`).
    pub top: Vec<(String, f32)>,
}

impl Detection {
    pub(crate) fn und() -> Detection {
        Detection {
            lang: UND.to_string(),
            score: 0.0,
            top: Vec::new(),
        }
    }
}

/// Character statistics behind the `und` rules and the script choice.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TextStats {
    pub chars: usize,
    pub non_space: usize,
    pub letters: usize,
    pub latin_letters: usize,
    pub junk: usize,
}

impl TextStats {
    pub fn of(text: &str) -> TextStats {
        let mut s = TextStats::default();
        for c in text.chars() {
            s.chars += 1;
            if c.is_whitespace() {
                continue;
            }
            s.non_space += 1;
            if super::features::is_letter(c) {
                s.letters += 1;
                s.latin_letters += usize::from(is_latin(c));
            } else if c.is_control() || c == '\u{FFFD}' || is_private_use(c) {
                s.junk += 1;
            }
        }
        s
    }

    /// True when the text is too short, not prose, or binary garbage.
    pub fn is_und(&self) -> bool {
        self.letters < MIN_LETTERS
            || self.junk as f32 > MAX_JUNK_SHARE * self.chars as f32
            || (self.letters as f32) < MIN_LETTER_SHARE * self.non_space as f32
    }

    /// True when at least half of the letters are Latin (the model's script).
    pub fn is_latin(&self) -> bool {
        self.latin_letters * 2 >= self.letters
    }
}

/// Latin letters, including the IPA and modifier blocks and the odd letters of indigenous
/// orthographies (Otomí writes some vowels with Tifinagh ⴘ).
fn is_latin(c: char) -> bool {
    matches!(c as u32,
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA | 0xC0..=0x24F | 0x250..=0x2FF | 0x1D00..=0x1DBF
        | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F | 0xFF21..=0xFF5A
        | 0x2D30..=0x2D7F)
}

fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

impl DetectOptions {
    /// The defaults, made once per process.
    fn shared_default() -> &'static DetectOptions {
        static DEFAULT: std::sync::OnceLock<DetectOptions> = std::sync::OnceLock::new();
        DEFAULT.get_or_init(DetectOptions::default)
    }
}

impl Model {
    /// Detects the language of `text` with the default [`DetectOptions`].
    pub fn detect(&self, text: &str) -> Detection {
        self.detect_with(text, DetectOptions::shared_default())
    }

    /// Detects the language of `text` (see the module docs for the method).
    pub fn detect_with(&self, text: &str, opts: &DetectOptions) -> Detection {
        let stats = TextStats::of(text);
        if stats.is_und() || self.labels.is_empty() {
            return Detection::und();
        }
        if !stats.is_latin() {
            return if opts.whatlang {
                whatlang_only(text)
            } else {
                Detection::und()
            };
        }
        let mut acc = Vec::new();
        let mut buf = Vec::new();
        let sums = self.sum_text(text, &mut acc, &mut buf);
        self.label_sums(text, &acc, &sums, opts)
    }

    /// [`Model::detect`] of `text` from its feature sums already made (`acc` and `sums` as
    /// `sum_text` makes them for `text`): the same result without hashing the text again.
    pub(crate) fn detect_summed(&self, text: &str, acc: &[u32], sums: &TextSums) -> Detection {
        let stats = TextStats::of(text);
        if stats.is_und() || self.labels.is_empty() {
            return Detection::und();
        }
        if !stats.is_latin() {
            return self.detect(text);
        }
        self.label_sums(text, acc, sums, DetectOptions::shared_default())
    }

    /// The label of a Latin-script text from its feature sums.
    fn label_sums(
        &self,
        text: &str,
        acc: &[u32],
        sums: &TextSums,
        opts: &DetectOptions,
    ) -> Detection {
        if sums.features == 0 {
            return Detection::und();
        }
        let top = self.top3(&self.posterior(acc));
        let Some((best, p)) = top.first().cloned() else {
            return Detection::und();
        };
        let unfamiliar = sums.coverage < opts.consult_coverage_below;
        if opts.whatlang && unfamiliar && (is_major(&best) || p < opts.consult_below) {
            if let Some(d) = self.whatlang_outside_model(text, &top, opts.whatlang_min_confidence) {
                return d;
            }
        }
        Detection {
            lang: best,
            score: p,
            top,
        }
    }

    /// Share of the text's 4-grams that occur in some training text of this model (1 when it has
    /// none): low values mean the text resembles nothing the model was trained on.
    pub fn coverage(&self, text: &str) -> f32 {
        self.sum_text(text, &mut Vec::new(), &mut Vec::new())
            .coverage
    }

    /// The three most likely labels of a posterior, best first (ties: label order).
    pub(crate) fn top3(&self, post: &[f32]) -> Vec<(String, f32)> {
        let mut idx: Vec<usize> = (0..post.len()).collect();
        idx.sort_by(|&a, &b| post[b].total_cmp(&post[a]).then(a.cmp(&b)));
        idx.iter()
            .take(3)
            .map(|&i| (self.labels[i].clone(), post[i]))
            .collect()
    }

    /// whatlang's label when it confidently names a Latin-script language this model does not know.
    fn whatlang_outside_model(
        &self,
        text: &str,
        top: &[(String, f32)],
        min_confidence: f64,
    ) -> Option<Detection> {
        let info = latin_detector().detect(text)?;
        let code = info.lang().code();
        let known = self.labels.iter().any(|l| l == code);
        if known || info.confidence() < min_confidence {
            return None;
        }
        let score = info.confidence() as f32;
        let mut out = vec![(code.to_string(), score)];
        out.extend(
            top.iter()
                .take(2)
                .map(|(l, p)| (l.clone(), p * (1.0 - score))),
        );
        Some(Detection {
            lang: code.to_string(),
            score,
            top: out,
        })
    }
}

fn is_major(label: &str) -> bool {
    matches!(label, "spa" | "por" | "eng")
}

/// whatlang restricted to Latin-script languages (the model's script).
fn latin_detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| Detector::with_allowlist(Script::Latin.langs().to_vec()))
}

fn whatlang_only(text: &str) -> Detection {
    match whatlang::detect(text) {
        Some(info) => {
            let code = info.lang().code().to_string();
            let score = info.confidence() as f32;
            Detection {
                top: vec![(code.clone(), score)],
                lang: code,
                score,
            }
        }
        None => Detection::und(),
    }
}
