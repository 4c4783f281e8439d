//! Language-balanced sampling by temperature.
//!
//! Pass 1 counts the UTF-8 bytes `n_l` of each language `l` ([`LanguageMix`]). The target share of
//! language `l` in the training sample is
//!
//! ```text
//! q_l = n_l^α / Σ_m n_m^α
//! ```
//!
//! (α = 1: natural proportions; α = 0: every language the same size). The sample has `T` bytes in
//! all (`sample_bytes`, default the corpus size `Σ n_l`), so language `l` is drawn at the rate
//! `r_l = min(q_l · T / n_l, max_repeat)`: below 1 it is down-sampled, above 1 it is repeated.
//!
//! A document of language `l` enters the sample with the integer weight
//! `⌊r_l⌋ + [u < frac(r_l)]`, where `u ∈ [0, 1)` is xxh3-64 of its text, seeded with `seed` and the
//! language label. The draw depends only on the document itself, never on its position or on the
//! thread that sees it, so the sample is the same for any order, sharding and thread count, and in
//! expectation language `l` contributes `r_l · n_l` bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Bytes and documents per language: seen in the corpus and drawn into the sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LanguageMix {
    pub languages: BTreeMap<String, LanguageShare>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LanguageShare {
    pub docs_seen: u64,
    pub bytes_seen: u64,
    /// Sampling rate `r_l` (expected copies of each document).
    pub rate: f64,
    /// Documents drawn, counting repeats.
    pub docs_sampled: u64,
    /// Bytes drawn, counting repeats.
    pub bytes_sampled: u64,
}

impl LanguageMix {
    /// Records one document of pass 1.
    pub fn observe(&mut self, lang: &str, bytes: usize) {
        let share = self.entry(lang);
        share.docs_seen += 1;
        share.bytes_seen += bytes as u64;
    }

    fn entry(&mut self, lang: &str) -> &mut LanguageShare {
        if !self.languages.contains_key(lang) {
            self.languages
                .insert(lang.to_string(), LanguageShare::default());
        }
        // Inserted just above when missing.
        self.languages
            .get_mut(lang)
            .unwrap_or_else(|| unreachable!())
    }

    pub fn bytes_seen(&self) -> u64 {
        self.languages.values().map(|s| s.bytes_seen).sum()
    }

    pub fn bytes_sampled(&self) -> u64 {
        self.languages.values().map(|s| s.bytes_sampled).sum()
    }

    /// Share of the drawn bytes per language, for the card.
    pub fn sampled_shares(&self) -> BTreeMap<String, f64> {
        let total = self.bytes_sampled().max(1) as f64;
        self.languages
            .iter()
            .map(|(l, s)| (l.clone(), s.bytes_sampled as f64 / total))
            .collect()
    }
}

/// The per-language rates computed from a [`LanguageMix`], and the seeded per-document draw.
#[derive(Debug, Clone)]
pub struct SamplingPlan {
    rates: BTreeMap<String, f64>,
    seed: u64,
}

impl SamplingPlan {
    /// `alpha` ≥ 0; `sample_bytes` = `T` (None: the corpus size); `max_repeat` caps `r_l`.
    pub fn new(
        mix: &LanguageMix,
        alpha: f64,
        sample_bytes: Option<u64>,
        max_repeat: f64,
        seed: u64,
    ) -> Self {
        let total = sample_bytes.unwrap_or_else(|| mix.bytes_seen()) as f64;
        let present = mix.languages.iter().filter(|(_, s)| s.bytes_seen > 0);
        let norm: f64 = present
            .map(|(_, s)| (s.bytes_seen as f64).powf(alpha))
            .sum();
        // A language seen only in empty documents has rate 0: nothing of it to draw.
        let rates = mix
            .languages
            .iter()
            .map(|(lang, s)| {
                let n = s.bytes_seen as f64;
                let rate = if n > 0.0 {
                    (n.powf(alpha) / norm * total / n).min(max_repeat)
                } else {
                    0.0
                };
                (lang.clone(), rate)
            })
            .collect();
        SamplingPlan { rates, seed }
    }

    /// The rate `r_l` of a language; None when pass 1 did not see it.
    pub fn rate(&self, lang: &str) -> Option<f64> {
        self.rates.get(lang).copied()
    }

    /// How many copies of this document go into the sample (0 = left out).
    pub fn weight(&self, lang: &str, text: &str) -> Option<u64> {
        let rate = self.rate(lang)?;
        let whole = rate.floor();
        let frac = rate - whole;
        let seed = self.seed ^ xxh3_64_with_seed(lang.as_bytes(), crate::hash::SEED);
        // Top 53 bits of the hash as a uniform double in [0, 1).
        let u = (xxh3_64_with_seed(text.as_bytes(), seed) >> 11) as f64 / (1u64 << 53) as f64;
        Some(whole as u64 + u64::from(u < frac))
    }

    /// Writes the rates into `mix` (for the release record).
    pub fn annotate(&self, mix: &mut LanguageMix) {
        for (lang, share) in mix.languages.iter_mut() {
            share.rate = self.rates.get(lang).copied().unwrap_or(0.0);
        }
    }

    /// Records a drawn document.
    pub fn record(mix: &mut LanguageMix, lang: &str, bytes: usize, weight: u64) {
        let share = mix.entry(lang);
        share.docs_sampled += weight;
        share.bytes_sampled += bytes as u64 * weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(sizes: &[(&str, u64)]) -> LanguageMix {
        let mut m = LanguageMix::default();
        for (l, n) in sizes {
            m.observe(l, *n as usize);
        }
        m
    }

    #[test]
    fn rates_follow_the_temperature_formula() {
        // spa 8 MB, que 1 MB, α = 1/3: n^α = 200 and 100, so q = 2/3 and 1/3 of T = 9 MB:
        // spa gets 6 MB (rate 0.75), que 3 MB (rate 3).
        let m = mix(&[("spa", 8_000_000), ("que", 1_000_000)]);
        let plan = SamplingPlan::new(&m, 1.0 / 3.0, None, 100.0, 7);
        assert!((plan.rate("spa").unwrap() - 0.75).abs() < 1e-9);
        assert!((plan.rate("que").unwrap() - 3.0).abs() < 1e-9);
        // α = 1 keeps natural proportions; α = 0 makes languages equal (4.5 MB each).
        let natural = SamplingPlan::new(&m, 1.0, None, 100.0, 7);
        assert!((natural.rate("spa").unwrap() - 1.0).abs() < 1e-9);
        let flat = SamplingPlan::new(&m, 0.0, None, 100.0, 7);
        assert!((flat.rate("que").unwrap() - 4.5).abs() < 1e-9);
        // The repeat cap and an explicit budget.
        let capped = SamplingPlan::new(&m, 0.0, None, 2.0, 7);
        assert_eq!(capped.rate("que"), Some(2.0));
        let small = SamplingPlan::new(&m, 1.0, Some(900_000), 100.0, 7);
        assert!((small.rate("que").unwrap() - 0.1).abs() < 1e-9);
        assert!((small.rate("spa").unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(small.rate("grn"), None);
    }

    #[test]
    fn draw_is_seeded_and_matches_the_rate() {
        let m = mix(&[("spa", 1000), ("grn", 10)]);
        let plan = SamplingPlan::new(&m, 0.5, Some(300), 100.0, 42);
        let r = plan.rate("spa").unwrap();
        let docs: Vec<String> = (0..20_000)
            .map(|i| format!("Oración número {i}."))
            .collect();
        let kept: u64 = docs.iter().map(|d| plan.weight("spa", d).unwrap()).sum();
        let expected = r * docs.len() as f64;
        assert!(
            (kept as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{kept} vs {expected}"
        );
        // Same seed: same draw in any order; another seed: another draw.
        let again: u64 = docs
            .iter()
            .rev()
            .map(|d| plan.weight("spa", d).unwrap())
            .sum();
        assert_eq!(kept, again);
        let other = SamplingPlan::new(&m, 0.5, Some(300), 100.0, 43);
        let picks = |p: &SamplingPlan| -> Vec<u64> {
            docs.iter().map(|d| p.weight("spa", d).unwrap()).collect()
        };
        assert_ne!(picks(&plan), picks(&other));
        // A repeated language gets ⌊r⌋ or ⌈r⌉ copies.
        let rg = plan.rate("grn").unwrap();
        assert!(rg > 1.0);
        let w = plan.weight("grn", "Mba'éichapa").unwrap();
        assert!(w == rg.floor() as u64 || w == rg.ceil() as u64);
        assert_eq!(plan.weight("que", "Allillanchu"), None);
        let mut with_empty = m.clone();
        with_empty.observe("aym", 0);
        let p = SamplingPlan::new(&with_empty, 0.5, Some(300), 100.0, 42);
        assert_eq!(p.weight("aym", ""), Some(0));
        assert_eq!(p.rate("spa"), plan.rate("spa"));
    }
}
