//! The language mixture a trainer samples the export with: temperature weights over languages with
//! a UniMax-style cap on repeats (`[export.blend]`, docs/export.md).
//!
//! Language `l` with `n_l` exported tokens gets `q_l = n_l^α / Σ n_m^α` of a `train_tokens` budget
//! `T`, but never more than `max_epochs · n_l` tokens (no language is seen more than `max_epochs`
//! times). Capped languages are fixed at their cap and the rest of the budget is shared again by
//! temperature among the others, until none exceeds its cap: the small languages are lifted as far
//! as the cap allows and what they cannot use goes back to the large ones.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::TokError;

/// `[export.blend]` in `pipeline.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlendConfig {
    /// Temperature exponent over languages (1: natural proportions, 0: every language alike).
    /// Unset: the `alpha` the tokenizer was trained with (its `release.json`), else 0.75.
    pub alpha: Option<f64>,
    /// Most times one language's tokens are repeated over `train_tokens`.
    pub max_epochs: f64,
    /// Tokens the training run will draw (unset: the exported tokens, one pass's worth).
    pub train_tokens: Option<u64>,
}

impl Default for BlendConfig {
    fn default() -> Self {
        BlendConfig {
            alpha: None,
            max_epochs: 4.0,
            train_tokens: None,
        }
    }
}

impl BlendConfig {
    /// Errors name the key in backticks (the config check finds its line).
    pub fn validate(&self) -> Result<(), TokError> {
        let bad = |m: String| Err(TokError::Config(format!("[export.blend] {m}")));
        if let Some(a) = self.alpha {
            if !(a.is_finite() && a >= 0.0) {
                return bad(format!("`alpha` {a} must be a number >= 0"));
            }
        }
        if !(self.max_epochs.is_finite() && self.max_epochs > 0.0) {
            return bad(format!("`max_epochs` {} must be > 0", self.max_epochs));
        }
        if self.train_tokens == Some(0) {
            return bad("`train_tokens` must be positive".into());
        }
        Ok(())
    }
}

/// One language's line of the blend table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlendRow {
    /// Exported tokens (EOD included).
    pub tokens: u64,
    /// Share of the exported tokens.
    pub natural: f64,
    /// Share of the training tokens (the weights sum to 1).
    pub weight: f64,
    /// Times its tokens are seen over `train_tokens`: `weight · T / tokens`.
    pub epochs: f64,
    /// True when `max_epochs` bounds it.
    pub capped: bool,
}

/// Weights per language for `tokens` (language → exported tokens), `alpha`, `max_epochs` and a
/// budget of `train_tokens`. Deterministic (ordered maps, no hashing); errors when a language has
/// no tokens or when the budget needs every language above `max_epochs`.
pub fn blend_weights(
    tokens: &BTreeMap<String, u64>,
    alpha: f64,
    max_epochs: f64,
    train_tokens: u64,
) -> Result<BTreeMap<String, BlendRow>, TokError> {
    if tokens.is_empty() {
        return Err(TokError::Config("blend: no language has tokens".into()));
    }
    if let Some((l, _)) = tokens.iter().find(|(_, &n)| n == 0) {
        return Err(TokError::Config(format!(
            "blend: language {l:?} has no tokens"
        )));
    }
    let total: u64 = tokens.values().sum();
    let budget = train_tokens as f64;
    if budget > max_epochs * total as f64 {
        return Err(TokError::Config(format!(
            "[export.blend] `train_tokens` {train_tokens} needs more than max_epochs = \
             {max_epochs} passes over the {total} exported tokens: lower train_tokens or raise \
             max_epochs"
        )));
    }
    let cap = |n: u64| max_epochs * n as f64 / budget;
    let mut capped: BTreeMap<&str, bool> = tokens.keys().map(|l| (l.as_str(), false)).collect();
    let mut weight: BTreeMap<&str, f64> = BTreeMap::new();
    // Each round fixes at least one more language at its cap, so this ends within L rounds.
    loop {
        let fixed: f64 = tokens
            .iter()
            .filter(|(l, _)| capped[l.as_str()])
            .map(|(_, &n)| cap(n))
            .sum();
        let free: Vec<(&str, f64)> = tokens
            .iter()
            .filter(|(l, _)| !capped[l.as_str()])
            .map(|(l, &n)| (l.as_str(), (n as f64).powf(alpha)))
            .collect();
        let z: f64 = free.iter().map(|(_, p)| p).sum();
        let mut over = false;
        for (l, p) in &free {
            let w = (1.0 - fixed) * p / z;
            if w > cap(tokens[*l]) {
                capped.insert(l, true);
                over = true;
            }
            weight.insert(l, w);
        }
        if !over {
            break;
        }
    }
    for (l, _) in capped.iter().filter(|(_, &c)| c) {
        weight.insert(l, cap(tokens[*l]));
    }
    Ok(tokens
        .iter()
        .map(|(l, &n)| {
            let w = weight[l.as_str()];
            let row = BlendRow {
                tokens: n,
                natural: n as f64 / total as f64,
                weight: w,
                epochs: w * budget / n as f64,
                capped: capped[l.as_str()],
            };
            (l.clone(), row)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> BTreeMap<String, u64> {
        [
            ("spa", 100_000_000u64),
            ("por", 30_000_000),
            ("que", 600_000),
            ("aym", 200_000),
        ]
        .map(|(l, n)| (l.to_string(), n))
        .into()
    }

    fn sum(w: &BTreeMap<String, BlendRow>) -> f64 {
        w.values().map(|r| r.weight).sum()
    }

    #[test]
    fn weights_sum_to_one_and_follow_the_temperature_when_no_cap_binds() {
        let t = corpus();
        let total: u64 = t.values().sum();
        let w = blend_weights(&t, 1.0, 4.0, total).unwrap();
        assert!((sum(&w) - 1.0).abs() < 1e-12);
        for r in w.values() {
            assert!((r.weight - r.natural).abs() < 1e-12, "alpha 1 is natural");
            assert!((r.epochs - 1.0).abs() < 1e-9);
            assert!(!r.capped);
        }
        let half = blend_weights(&t, 0.5, 100.0, total).unwrap();
        let z: f64 = t.values().map(|&n| (n as f64).sqrt()).sum();
        assert!((half["que"].weight - (600_000f64).sqrt() / z).abs() < 1e-12);
        assert!(half["que"].weight > half["que"].natural);
    }

    #[test]
    fn the_cap_bounds_epochs_and_gives_the_rest_back_to_the_others() {
        let t = corpus();
        let total: u64 = t.values().sum();
        let w = blend_weights(&t, 0.0, 4.0, total).unwrap();
        assert!((sum(&w) - 1.0).abs() < 1e-12);
        for (l, r) in &w {
            assert!(r.epochs <= 4.0 + 1e-9, "{l}: {}", r.epochs);
        }
        assert!(w["que"].capped && w["aym"].capped);
        assert!((w["aym"].epochs - 4.0).abs() < 1e-9);
        // alpha 0 shares the rest equally between the two uncapped languages.
        assert!((w["spa"].weight - w["por"].weight).abs() < 1e-12);
        // Same input, same bits.
        assert_eq!(w, blend_weights(&t, 0.0, 4.0, total).unwrap());
    }

    #[test]
    fn impossible_budgets_and_empty_languages_are_errors() {
        let t = corpus();
        let total: u64 = t.values().sum();
        let err = blend_weights(&t, 0.3, 2.0, 3 * total).unwrap_err();
        assert!(err.to_string().contains("`train_tokens`"), "{err}");
        let w = blend_weights(&t, 0.3, 2.0, 2 * total).unwrap();
        // A budget of exactly max_epochs passes: every language is read max_epochs times.
        assert!(w.values().all(|r| (r.epochs - 2.0).abs() < 1e-9), "{w:?}");
        let mut empty = t.clone();
        empty.insert("gn".into(), 0);
        assert!(blend_weights(&empty, 0.3, 2.0, total)
            .unwrap_err()
            .to_string()
            .contains("\"gn\""));
        assert!(blend_weights(&BTreeMap::new(), 0.3, 2.0, 1).is_err());
        for bad in [
            BlendConfig {
                max_epochs: 0.0,
                ..Default::default()
            },
            BlendConfig {
                alpha: Some(f64::NAN),
                ..Default::default()
            },
            BlendConfig {
                train_tokens: Some(0),
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err());
        }
    }
}
