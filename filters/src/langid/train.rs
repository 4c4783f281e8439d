//! Training: multinomial naive Bayes over hashed character n-grams, quantised, then temperature-calibrated.
//!
//! Counting is integer and per label, the label order is sorted, and the calibration split is chosen by
//! a fixed hash of each line's text, so the same data and options give byte-identical model bytes
//! whatever order the labels or lines arrive in within a label.

use std::collections::BTreeMap;

use super::features::{FeatureSpec, Hasher, Words, MAX_ORDER};
use super::model::{seen_bit, Model, SEEN_BITS};

/// Hyper-parameters of [`Model::train`]. The defaults were chosen on a held-out split of the training
/// data (see the module docs of [`super`] for the measurements).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Shortest character n-gram used as a feature (default 3).
    pub min_order: u8,
    /// Longest character n-gram used as a feature (default 5, at most 8).
    pub max_order: u8,
    /// The features are hashed into `2^bucket_bits` buckets (default 17; the model file holds buckets × labels bytes).
    pub bucket_bits: u8,
    /// Whether n-grams may span the space between two words (default true).
    pub cross_words: bool,
    /// Whether features ignore combining marks (default true; see [`FeatureSpec::fold_marks`]).
    pub fold_marks: bool,
    /// Whether n-grams never seen in training are left out of scoring (default true; see
    /// [`FeatureSpec::skip_unseen`]).
    pub skip_unseen: bool,
    /// Additive (Lidstone) smoothing of the per-label bucket counts (default 0.02).
    pub alpha: f64,
    /// Largest per-bucket log-probability gap that is kept, in nats; it sets the quantisation step
    /// `clamp_nats / 255` (default 10).
    pub clamp_nats: f64,
    /// One line in `calibration_every` (chosen by a hash of its text) is held out to fit the posterior
    /// temperature, then added back for the final counts (default 10; 0 or 1 = temperature 1).
    pub calibration_every: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            min_order: 3,
            max_order: 5,
            bucket_bits: 17,
            cross_words: true,
            fold_marks: true,
            skip_unseen: true,
            alpha: 0.02,
            clamp_nats: 10.0,
            calibration_every: 10,
        }
    }
}

impl TrainOptions {
    /// The feature extraction these options describe, with out-of-range values clamped.
    pub fn feature_spec(&self) -> FeatureSpec {
        let max_order = self.max_order.clamp(1, MAX_ORDER as u8);
        FeatureSpec {
            min_order: self.min_order.clamp(1, max_order),
            max_order,
            bucket_bits: self.bucket_bits.clamp(8, 26),
            cross_words: self.cross_words,
            fold_marks: self.fold_marks,
            skip_unseen: self.skip_unseen,
        }
    }
}

/// Per-label bucket counts, label-major (`counts[label * buckets + bucket]`).
struct Counts {
    buckets: usize,
    counts: Vec<u32>,
    totals: Vec<u64>,
}

impl Counts {
    fn new(labels: usize, buckets: usize) -> Self {
        Counts {
            buckets,
            counts: vec![0; labels * buckets],
            totals: vec![0; labels],
        }
    }

    /// Counts the features of one line; marks every one of its n-grams in `seen`.
    fn add_line(
        &mut self,
        spec: FeatureSpec,
        label: usize,
        line: &str,
        buf: &mut Vec<u32>,
        seen: &mut [u64],
    ) {
        let row = &mut self.counts[label * self.buckets..(label + 1) * self.buckets];
        let shift = 64 - u32::from(spec.bucket_bits);
        let mut n = 0u64;
        let mut hasher = Hasher::new(spec);
        for w in Words::new(line) {
            spec.word(&line[w], buf);
            hasher.word_hashes(buf, |_, x| {
                let b = (x >> shift) as usize;
                row[b] = row[b].saturating_add(1);
                n += 1;
                let bit = seen_bit(x);
                seen[bit / 64] |= 1 << (bit % 64);
            });
        }
        self.totals[label] += n;
    }

    fn merge(&mut self, other: &Counts) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.totals.iter_mut().zip(&other.totals) {
            *a += b;
        }
    }

    /// Quantised weight rows (bucket-major, one byte per label) and the quantisation step in nats.
    fn quantise(&self, alpha: f64, clamp_nats: f64) -> (Vec<u8>, f32) {
        let labels = self.totals.len();
        let alpha = alpha.max(1e-6);
        let step = clamp_nats.max(0.1) / 255.0;
        let denom: Vec<f64> = self
            .totals
            .iter()
            .map(|&t| (t as f64 + alpha * self.buckets as f64).ln())
            .collect();
        let mut rows = vec![0u8; self.buckets * labels];
        let mut lp = vec![0f64; labels];
        for (b, row) in rows.chunks_exact_mut(labels.max(1)).enumerate() {
            for (c, v) in lp.iter_mut().enumerate() {
                *v = (f64::from(self.counts[c * self.buckets + b]) + alpha).ln() - denom[c];
            }
            let max = lp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (q, v) in row.iter_mut().zip(&lp) {
                *q = ((max - v) / step).round().min(255.0) as u8;
            }
        }
        (rows, step as f32)
    }
}

/// Whether a line goes to the calibration split: a fixed hash of its text, so the split does not
/// depend on line order.
fn is_calibration_line(line: &str, every: u32) -> bool {
    if every < 2 {
        return false;
    }
    let h = line.bytes().fold(0x9E37_79B9_7F4A_7C15u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 29)) % u64::from(every) == 0
}

impl Model {
    /// Trains a model from `(label, lines)` pairs. Deterministic: the same data and options give
    /// byte-identical [`Model::to_bytes`]. Labels are sorted; lines of a repeated label are pooled.
    pub fn train(data: &[(String, Vec<String>)], opts: &TrainOptions) -> Model {
        let spec = opts.feature_spec();
        let mut by_label: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (label, lines) in data {
            by_label
                .entry(label.as_str())
                .or_default()
                .extend(lines.iter().map(String::as_str));
        }
        let labels: Vec<String> = by_label.keys().map(|l| l.to_string()).collect();
        let buckets = 1usize << spec.bucket_bits;
        let mut fit = Counts::new(labels.len(), buckets);
        let mut held = Counts::new(labels.len(), buckets);
        let mut calibration: Vec<(usize, &str)> = Vec::new();
        let mut buf = Vec::new();
        let mut seen_fit = vec![0u64; 1 << (SEEN_BITS - 6)];
        let mut seen_held = seen_fit.clone();
        for (c, lines) in by_label.values().enumerate() {
            for &line in lines {
                if is_calibration_line(line, opts.calibration_every) {
                    held.add_line(spec, c, line, &mut buf, &mut seen_held);
                    calibration.push((c, line));
                } else {
                    fit.add_line(spec, c, line, &mut buf, &mut seen_fit);
                }
            }
        }
        let temperature = if calibration.is_empty() {
            1.0
        } else {
            let (rows, step) = fit.quantise(opts.alpha, opts.clamp_nats);
            let provisional =
                Model::from_rows(labels.clone(), spec, &rows, step, 1.0, seen_fit.clone());
            fit_temperature(&provisional, &calibration)
        };
        fit.merge(&held);
        let seen = seen_fit
            .iter()
            .zip(&seen_held)
            .map(|(a, b)| a | b)
            .collect();
        let (rows, step) = fit.quantise(opts.alpha, opts.clamp_nats);
        Model::from_rows(labels, spec, &rows, step, temperature, seen)
    }
}

/// The temperature minimising the negative log-likelihood of the held-out lines (golden-section
/// search on `ln T` over a fixed bracket and a fixed number of steps, so it is deterministic).
fn fit_temperature(model: &Model, lines: &[(usize, &str)]) -> f32 {
    let n = model.labels.len();
    let mut acc = Vec::new();
    let mut buf = Vec::new();
    // Per line: nats gaps to the best label, and the gap of the true label.
    let mut gaps: Vec<(Vec<f64>, f64)> = Vec::with_capacity(lines.len());
    for &(label, line) in lines {
        if model.sum_text(line, &mut acc, &mut buf).features == 0 {
            continue;
        }
        let best = acc[..n].iter().copied().min().unwrap_or(0);
        let g: Vec<f64> = acc[..n]
            .iter()
            .map(|&s| f64::from(s - best) * f64::from(model.step))
            .collect();
        let truth = g[label];
        gaps.push((g, truth));
    }
    let nll = |ln_t: f64| -> f64 {
        let inv = (-ln_t).exp();
        gaps.iter()
            .map(|(g, truth)| {
                let z: f64 = g.iter().map(|x| (-x * inv).exp()).sum();
                truth * inv + z.ln()
            })
            .sum()
    };
    let (mut lo, mut hi) = ((0.05f64).ln(), (500.0f64).ln());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..48 {
        let a = hi - r * (hi - lo);
        let b = lo + r * (hi - lo);
        if nll(a) <= nll(b) {
            hi = b;
        } else {
            lo = a;
        }
    }
    ((lo + hi) / 2.0).exp() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<(String, Vec<String>)> {
        let lines = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        vec![
            (
                "spa".into(),
                lines(&[
                    "el perro come en la casa",
                    "la niña canta una canción",
                    "vamos a la escuela",
                ]),
            ),
            (
                "que".into(),
                lines(&[
                    "allinllachu kachkanki",
                    "wasiykiman risaq paqarin",
                    "ñuqaqa runasimita rimani",
                ]),
            ),
        ]
    }

    fn opts() -> TrainOptions {
        TrainOptions {
            bucket_bits: 12,
            calibration_every: 2,
            ..TrainOptions::default()
        }
    }

    #[test]
    fn training_is_deterministic_and_order_independent() {
        let a = Model::train(&data(), &opts()).to_bytes();
        let b = Model::train(&data(), &opts()).to_bytes();
        assert_eq!(a, b);
        let mut reversed = data();
        reversed.reverse();
        assert_eq!(Model::train(&reversed, &opts()).to_bytes(), a);
        let other = TrainOptions {
            alpha: 0.5,
            ..opts()
        };
        assert_ne!(Model::train(&data(), &other).to_bytes(), a);
    }

    #[test]
    fn trained_model_separates_its_labels() {
        let m = Model::train(&data(), &opts());
        assert_eq!(m.labels(), ["que", "spa"]);
        assert_eq!(m.detect("la casa de la niña").lang, "spa");
        assert_eq!(m.detect("wasiyman risaq").lang, "que");
    }

    #[test]
    fn unseen_ngrams_carry_no_evidence() {
        // Letters no training line uses: every n-gram that touches them is unseen, and the appended
        // word leaves every n-gram of the text before it as it was.
        let text = "la casa de la niña";
        let respelled = "la casa de la niña ꝏƺꝏ ƺƺ";
        let sums = |m: &Model, t: &str| {
            let mut acc = Vec::new();
            let s = m.sum_text(t, &mut acc, &mut Vec::new());
            (acc, s.features)
        };
        let skip = Model::train(&data(), &opts());
        assert_eq!(sums(&skip, text), sums(&skip, respelled));
        let keep = Model::train(
            &data(),
            &TrainOptions {
                skip_unseen: false,
                ..opts()
            },
        );
        assert_ne!(sums(&keep, text), sums(&keep, respelled));
        assert!(skip.coverage(respelled) < skip.coverage(text));
    }
}
