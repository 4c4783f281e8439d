//! Language-balanced sampling by temperature, over languages and, within each, over sources.
//!
//! Pass 1 counts the UTF-8 bytes `n_l` of each language `l` and `n_ls` of each source `s` of it
//! ([`LanguageMix`]). The target share of language `l` in the training sample, and of source `s`
//! within it, are
//!
//! ```text
//! q_l = n_l^α / Σ_m n_m^α        q_s|l = n_ls^β / Σ_t n_lt^β
//! ```
//!
//! (α = 1: natural proportions; α = 0: every language the same size; β, `source_alpha`, likewise
//! for the sources of one language). The sample has `T` bytes in all (`sample_bytes`, default the
//! corpus size `Σ n_l`), so source `s` of language `l` is drawn at the rate
//! `r_ls = min(q_l · q_s|l · T / n_ls, max_repeat)`: below 1 it is down-sampled, above 1 repeated.
//!
//! With a floor φ (`min_share`, default 0: none), every language with text gets at least φ of the
//! sample: the languages whose `q_l` is below φ are raised to φ and the others scaled down in
//! proportion to their `q_l` to make room, repeated until no scaled language falls below φ (with
//! φ · L ≥ 1 for L languages, every language gets 1/L). Unlike a lower α, the floor moves only the
//! languages below it up, and takes from all the others by the same factor.
//!
//! Why sources too: one large collection (a novel corpus, a single crawl dump) would otherwise set
//! the merges of its language by itself, and its register (19th-century prose, legal text) is not
//! the language as users write it. With β < 1 the other sources of the language keep a voice.
//!
//! A document enters the sample with the integer weight `⌊r⌋ + [u < frac(r)]`, where `u ∈ [0, 1)`
//! is xxh3-64 of its text, seeded with `seed` and the language label. The draw depends only on the
//! document itself, never on its position or on the thread that sees it, so the sample is the same
//! for any order, sharding and thread count, and in expectation source `s` of `l` contributes
//! `r_ls · n_ls` bytes.

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
    /// Sampling rate `r_l` (expected copies of each byte of the language, over its sources).
    pub rate: f64,
    /// Documents drawn, counting repeats.
    pub docs_sampled: u64,
    /// Bytes drawn, counting repeats.
    pub bytes_sampled: u64,
    /// Bytes seen per source of the language.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceShare>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceShare {
    pub bytes_seen: u64,
    /// Sampling rate `r_ls` of this source.
    pub rate: f64,
}

impl LanguageMix {
    /// Records one document of pass 1.
    pub fn observe(&mut self, lang: &str, source: &str, bytes: usize) {
        let share = self.entry(lang);
        share.docs_seen += 1;
        share.bytes_seen += bytes as u64;
        match share.sources.get_mut(source) {
            Some(s) => s.bytes_seen += bytes as u64,
            None => {
                share.sources.insert(
                    source.to_string(),
                    SourceShare {
                        bytes_seen: bytes as u64,
                        rate: 0.0,
                    },
                );
            }
        }
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

/// The per-source rates computed from a [`LanguageMix`], and the seeded per-document draw.
#[derive(Debug, Clone)]
pub struct SamplingPlan {
    /// Language → source → `r_ls`.
    rates: BTreeMap<String, BTreeMap<String, f64>>,
    seed: u64,
}

/// The temperatures and budget of a [`SamplingPlan`].
#[derive(Debug, Clone, Copy)]
pub struct Temperature {
    /// α ≥ 0, over languages.
    pub alpha: f64,
    /// β ≥ 0, over the sources of one language.
    pub source_alpha: f64,
    /// `T`; None: the corpus size.
    pub sample_bytes: Option<u64>,
    /// Cap on every rate.
    pub max_repeat: f64,
    /// φ ∈ [0, 1): least share of the sample of every language with text (0: no floor).
    pub min_share: f64,
}

/// `q_k = n_k^a / Σ n^a` over the non-empty sizes; 0 for an empty one.
fn shares<'a>(
    sizes: impl Iterator<Item = (&'a String, u64)> + Clone,
    a: f64,
) -> BTreeMap<&'a str, f64> {
    let norm: f64 = sizes
        .clone()
        .filter(|(_, n)| *n > 0)
        .map(|(_, n)| (n as f64).powf(a))
        .sum();
    sizes
        .map(|(k, n)| {
            let q = if n > 0 {
                (n as f64).powf(a) / norm
            } else {
                0.0
            };
            (k.as_str(), q)
        })
        .collect()
}

/// Raises every positive share below `floor` to it and scales the others down by one factor so
/// that the shares still sum to 1, repeated until none of the scaled ones is below `floor`
/// (water-filling; the result is independent of the map's order). `floor · L ≥ 1` for `L`
/// positive shares gives every one `1/L`.
fn apply_floor(q: &mut BTreeMap<&str, f64>, floor: f64) {
    if floor <= 0.0 {
        return;
    }
    let positive: Vec<&str> = q
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .map(|(k, _)| *k)
        .collect();
    let mut raised: std::collections::BTreeSet<&str> = Default::default();
    loop {
        let free: f64 = positive
            .iter()
            .filter(|k| !raised.contains(*k))
            .map(|k| q[*k])
            .sum();
        let room = 1.0 - floor * raised.len() as f64;
        if raised.len() == positive.len() || room <= 0.0 || free <= 0.0 {
            let even = 1.0 / positive.len() as f64;
            for k in &positive {
                q.insert(k, even);
            }
            return;
        }
        let scale = room / free;
        let below: Vec<&str> = positive
            .iter()
            .filter(|k| !raised.contains(*k) && q[**k] * scale < floor)
            .copied()
            .collect();
        if below.is_empty() {
            for k in &positive {
                let v = if raised.contains(k) {
                    floor
                } else {
                    q[*k] * scale
                };
                q.insert(k, v);
            }
            return;
        }
        raised.extend(below);
    }
}

impl SamplingPlan {
    pub fn new(mix: &LanguageMix, t: Temperature, seed: u64) -> Self {
        let total = t.sample_bytes.unwrap_or_else(|| mix.bytes_seen()) as f64;
        let mut q_lang = shares(
            mix.languages.iter().map(|(l, s)| (l, s.bytes_seen)),
            t.alpha,
        );
        apply_floor(&mut q_lang, t.min_share);
        let rates = mix
            .languages
            .iter()
            .map(|(lang, share)| {
                let q_l = q_lang[lang.as_str()];
                let q_src = shares(
                    share.sources.iter().map(|(s, v)| (s, v.bytes_seen)),
                    t.source_alpha,
                );
                // A source seen only in empty documents has rate 0: nothing of it to draw.
                let per_source = share
                    .sources
                    .iter()
                    .map(|(src, s)| {
                        let n = s.bytes_seen as f64;
                        let rate = if n > 0.0 {
                            (q_l * q_src[src.as_str()] * total / n).min(t.max_repeat)
                        } else {
                            0.0
                        };
                        (src.clone(), rate)
                    })
                    .collect();
                (lang.clone(), per_source)
            })
            .collect();
        SamplingPlan { rates, seed }
    }

    /// The rate `r_ls` of one source of a language; None when pass 1 did not see it.
    pub fn rate(&self, lang: &str, source: &str) -> Option<f64> {
        self.rates.get(lang)?.get(source).copied()
    }

    /// How many copies of this document go into the sample (0 = left out).
    pub fn weight(&self, lang: &str, source: &str, text: &str) -> Option<u64> {
        let rate = self.rate(lang, source)?;
        let whole = rate.floor();
        let frac = rate - whole;
        let seed = self.seed ^ xxh3_64_with_seed(lang.as_bytes(), crate::hash::SEED);
        // Top 53 bits of the hash as a uniform double in [0, 1).
        let u = (xxh3_64_with_seed(text.as_bytes(), seed) >> 11) as f64 / (1u64 << 53) as f64;
        Some(whole as u64 + u64::from(u < frac))
    }

    /// Writes the rates into `mix` (for the release record): per source, and per language the
    /// byte-weighted mean over its sources.
    pub fn annotate(&self, mix: &mut LanguageMix) {
        for (lang, share) in mix.languages.iter_mut() {
            let mut drawn = 0.0;
            for (src, s) in share.sources.iter_mut() {
                s.rate = self.rate(lang, src).unwrap_or(0.0);
                drawn += s.rate * s.bytes_seen as f64;
            }
            share.rate = if share.bytes_seen > 0 {
                drawn / share.bytes_seen as f64
            } else {
                0.0
            };
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

    fn plan_of(
        m: &LanguageMix,
        alpha: f64,
        sample_bytes: Option<u64>,
        max_repeat: f64,
        seed: u64,
    ) -> SamplingPlan {
        let t = Temperature {
            alpha,
            source_alpha: 1.0,
            sample_bytes,
            max_repeat,
            min_share: 0.0,
        };
        SamplingPlan::new(m, t, seed)
    }

    #[test]
    fn sources_of_a_language_share_its_budget_by_their_own_temperature() {
        // spa: a 9 MB novel corpus and a 1 MB news source; que 1 MB. α = 1 keeps spa at 10/11 of
        // T = 11 MB; β = 0 splits it evenly: 5 MB each (rates 5/9 and 5), β = 1 keeps 9:1.
        let mut m = LanguageMix::default();
        m.observe("spa", "novels", 9_000_000);
        m.observe("spa", "news", 1_000_000);
        m.observe("que", "web", 1_000_000);
        let t = |source_alpha| Temperature {
            alpha: 1.0,
            source_alpha,
            sample_bytes: None,
            max_repeat: 16.0,
            min_share: 0.0,
        };
        let even = SamplingPlan::new(&m, t(0.0), 7);
        assert!((even.rate("spa", "novels").unwrap() - 5.0 / 9.0).abs() < 1e-9);
        assert!((even.rate("spa", "news").unwrap() - 5.0).abs() < 1e-9);
        assert!((even.rate("que", "web").unwrap() - 1.0).abs() < 1e-9);
        let natural = SamplingPlan::new(&m, t(1.0), 7);
        assert!((natural.rate("spa", "novels").unwrap() - 1.0).abs() < 1e-9);
        assert!((natural.rate("spa", "news").unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(natural.rate("spa", "web"), None);
        // The release record: per source, and the byte-weighted mean per language (1.0 here).
        let mut annotated = m.clone();
        even.annotate(&mut annotated);
        let spa = &annotated.languages["spa"];
        assert!((spa.sources["news"].rate - 5.0).abs() < 1e-9);
        assert!((spa.rate - 1.0).abs() < 1e-9);
    }

    fn mix(sizes: &[(&str, u64)]) -> LanguageMix {
        let mut m = LanguageMix::default();
        for (l, n) in sizes {
            m.observe(l, "web", *n as usize);
        }
        m
    }

    #[test]
    fn rates_follow_the_temperature_formula() {
        // spa 8 MB, que 1 MB, α = 1/3: n^α = 200 and 100, so q = 2/3 and 1/3 of T = 9 MB:
        // spa gets 6 MB (rate 0.75), que 3 MB (rate 3).
        let m = mix(&[("spa", 8_000_000), ("que", 1_000_000)]);
        let plan = plan_of(&m, 1.0 / 3.0, None, 100.0, 7);
        assert!((plan.rate("spa", "web").unwrap() - 0.75).abs() < 1e-9);
        assert!((plan.rate("que", "web").unwrap() - 3.0).abs() < 1e-9);
        // α = 1 keeps natural proportions; α = 0 makes languages equal (4.5 MB each).
        let natural = plan_of(&m, 1.0, None, 100.0, 7);
        assert!((natural.rate("spa", "web").unwrap() - 1.0).abs() < 1e-9);
        let flat = plan_of(&m, 0.0, None, 100.0, 7);
        assert!((flat.rate("que", "web").unwrap() - 4.5).abs() < 1e-9);
        // The repeat cap and an explicit budget.
        let capped = plan_of(&m, 0.0, None, 2.0, 7);
        assert_eq!(capped.rate("que", "web"), Some(2.0));
        let small = plan_of(&m, 1.0, Some(900_000), 100.0, 7);
        assert!((small.rate("que", "web").unwrap() - 0.1).abs() < 1e-9);
        assert!((small.rate("spa", "web").unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(small.rate("grn", "web"), None);
    }

    #[test]
    fn draw_is_seeded_and_matches_the_rate() {
        let m = mix(&[("spa", 1000), ("grn", 10)]);
        let plan = plan_of(&m, 0.5, Some(300), 100.0, 42);
        let r = plan.rate("spa", "web").unwrap();
        let docs: Vec<String> = (0..20_000)
            .map(|i| format!("Oración número {i}."))
            .collect();
        let kept: u64 = docs
            .iter()
            .map(|d| plan.weight("spa", "web", d).unwrap())
            .sum();
        let expected = r * docs.len() as f64;
        assert!(
            (kept as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{kept} vs {expected}"
        );
        // Same seed: same draw in any order; another seed: another draw.
        let again: u64 = docs
            .iter()
            .rev()
            .map(|d| plan.weight("spa", "web", d).unwrap())
            .sum();
        assert_eq!(kept, again);
        let other = plan_of(&m, 0.5, Some(300), 100.0, 43);
        let picks = |p: &SamplingPlan| -> Vec<u64> {
            docs.iter()
                .map(|d| p.weight("spa", "web", d).unwrap())
                .collect()
        };
        assert_ne!(picks(&plan), picks(&other));
        // A repeated language gets ⌊r⌋ or ⌈r⌉ copies.
        let rg = plan.rate("grn", "web").unwrap();
        assert!(rg > 1.0);
        let w = plan.weight("grn", "web", "Mba'éichapa").unwrap();
        assert!(w == rg.floor() as u64 || w == rg.ceil() as u64);
        assert_eq!(plan.weight("que", "web", "Allillanchu"), None);
        let mut with_empty = m.clone();
        with_empty.observe("aym", "web", 0);
        let p = plan_of(&with_empty, 0.5, Some(300), 100.0, 42);
        assert_eq!(p.weight("aym", "web", ""), Some(0));
        assert_eq!(p.rate("spa", "web"), plan.rate("spa", "web"));
    }

    #[test]
    fn floor_raises_small_languages_and_scales_the_rest_alike() {
        // α = 1, T = 100 MB: spa 60, por 30, aym 6, yua 4 (MB). Floor 0.1: aym and yua rise to
        // 10 MB each; spa and por give the 10 MB alike (×8/9 of their share): 53.3 and 26.7 MB.
        let m = mix(&[
            ("spa", 60_000_000),
            ("por", 30_000_000),
            ("aym", 6_000_000),
            ("yua", 4_000_000),
        ]);
        let t = |min_share| Temperature {
            alpha: 1.0,
            source_alpha: 1.0,
            sample_bytes: None,
            max_repeat: 16.0,
            min_share,
        };
        let p = SamplingPlan::new(&m, t(0.1), 7);
        let near = |l: &str, r: f64| (p.rate(l, "web").unwrap() - r).abs() < 1e-9;
        assert!(near("aym", 10.0 / 6.0) && near("yua", 2.5), "{p:?}");
        assert!(near("spa", 8.0 / 9.0) && near("por", 8.0 / 9.0), "{p:?}");
        // Floor 0.0 is the plain temperature; a floor above 1/L makes every language equal.
        let none = SamplingPlan::new(&m, t(0.0), 7);
        assert!((none.rate("aym", "web").unwrap() - 1.0).abs() < 1e-9);
        let flat = SamplingPlan::new(&m, t(0.3), 7);
        assert!((flat.rate("yua", "web").unwrap() - 25.0 / 4.0).abs() < 1e-9);
        assert!((flat.rate("spa", "web").unwrap() - 25.0 / 60.0).abs() < 1e-9);
        // Cascade: floor 0.22. Raising aym and yua leaves 0.56 for spa and por, scaled 0.56/0.9,
        // which puts por (0.187) below the floor too: it rises, and spa keeps the rest, 0.34.
        let cascade = SamplingPlan::new(&m, t(0.22), 7);
        let share = |l: &str, n: f64| cascade.rate(l, "web").unwrap() * n / 100e6;
        assert!((share("por", 30e6) - 0.22).abs() < 1e-9);
        assert!((share("aym", 6e6) - 0.22).abs() < 1e-9);
        assert!((share("spa", 60e6) - 0.34).abs() < 1e-9);
    }
}
