//! Quality rules: one bound per rule on one signal, and [`judge`], which returns the first
//! failing rule. The rule table below is the single source of the rule names (they are the
//! TOML keys and, prefixed with `filter.`, the ledger reasons), their order and their defaults.
//!
//! A `min` rule rejects a document whose signal is *below* the bound, a `max` rule one whose
//! signal is *above* it; a value equal to the bound passes. A NaN signal (stop words of a
//! language without a list) never fails a rule. A bound of `None` (`false` in TOML) turns the
//! rule off.

use super::signals::{Signal, Signals};
use serde::{Deserialize, Serialize};

/// Which side of a bound fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Min,
    Max,
}

/// A rule: its name, the signal it reads, its kind and whether calibration derives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub signal: Signal,
    pub kind: Kind,
    /// Language-dependent rule that `calibrate` derives from reference text.
    pub calibrated: bool,
}

macro_rules! rules {
    ($($field:ident: $signal:ident, $kind:ident, $default:expr, $cal:literal, $doc:literal;)*) => {
        /// Every rule's bound; `None` turns the rule off. Missing TOML keys take the defaults.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Thresholds {
            $(#[doc = $doc] #[serde(with = "super::limit::bound")] pub $field: Option<f64>,)*
        }

        impl Default for Thresholds {
            /// Gopher, Gopher repetition, FineWeb and C4 defaults (see docs/filter.md).
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        /// Per-language changes to [`Thresholds`]: a missing key inherits, a number sets the
        /// bound, `false` turns the rule off.
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct ThresholdOverrides {
            $(#[serde(default, skip_serializing_if = "Option::is_none",
                      with = "super::limit::overriding")]
              pub $field: Option<Option<f64>>,)*
        }

        /// All rules, in the order [`judge`] checks them.
        pub const RULES: &[Rule] = &[$(Rule {
            name: stringify!($field),
            signal: Signal::$signal,
            kind: Kind::$kind,
            calibrated: $cal,
        },)*];

        impl Thresholds {
            /// Bounds aligned with [`RULES`].
            pub fn bounds(&self) -> Vec<Option<f64>> {
                vec![$(self.$field,)*]
            }
            /// Sets the bound of the rule named `rule`; false if there is no such rule.
            pub fn set(&mut self, rule: &str, bound: Option<f64>) -> bool {
                match rule {
                    $(stringify!($field) => { self.$field = bound; true })*
                    _ => false,
                }
            }
            /// Every bound as an override (for writing a complete table).
            pub fn to_overrides(&self) -> ThresholdOverrides {
                ThresholdOverrides { $($field: Some(self.$field),)* }
            }
        }

        impl ThresholdOverrides {
            /// `base` with these overrides applied.
            pub fn apply(&self, base: &Thresholds) -> Thresholds {
                let mut t = base.clone();
                $(if let Some(v) = self.$field { t.$field = v; })*
                t
            }
            /// `self` overlaid with `top` (keys set in `top` win).
            pub fn merged(&self, top: &ThresholdOverrides) -> ThresholdOverrides {
                ThresholdOverrides { $($field: top.$field.or(self.$field),)* }
            }
            /// Sets the override of the rule named `rule`; false if there is no such rule.
            pub fn set(&mut self, rule: &str, bound: Option<f64>) -> bool {
                match rule {
                    $(stringify!($field) => { self.$field = Some(bound); true })*
                    _ => false,
                }
            }
            /// Whether nothing is overridden.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }
    };
}

rules! {
    // Gopher quality (Rae et al. 2021, appendix A)
    min_words: WordCount, Min, Some(50.0), false, "Fewest words.";
    max_words: WordCount, Max, Some(100_000.0), false, "Most words.";
    min_mean_word_length: MeanWordLength, Min, Some(3.0), true, "Shortest mean word length (characters).";
    max_mean_word_length: MeanWordLength, Max, Some(10.0), true, "Longest mean word length (characters).";
    max_hash_word_ratio: HashWordRatio, Max, Some(0.1), false, "Most `#` per word.";
    max_ellipsis_word_ratio: EllipsisWordRatio, Max, Some(0.1), false, "Most ellipses per word.";
    max_bullet_line_ratio: BulletLineRatio, Max, Some(0.9), false, "Largest share of lines starting with a bullet.";
    max_ellipsis_line_ratio: EllipsisLineRatio, Max, Some(0.3), true, "Largest share of lines ending with an ellipsis.";
    min_alpha_word_ratio: AlphaWordRatio, Min, Some(0.8), true, "Smallest share of tokens with a letter.";
    min_stop_words: StopWordCount, Min, Some(2.0), true, "Fewest stop words (only where the language has a list).";
    // Gopher repetition (table A1)
    max_dup_para_frac: DupParaFrac, Max, Some(0.3), true, "Largest share of duplicated paragraphs.";
    max_dup_para_char_frac: DupParaCharFrac, Max, Some(0.2), true, "Largest character share of duplicated paragraphs.";
    max_dup_line_frac: DupLineFrac, Max, Some(0.3), true, "Largest share of duplicated lines.";
    max_dup_line_char_frac: DupLineCharFrac, Max, Some(0.2), true, "Largest character share of duplicated lines.";
    max_top_2gram_char_frac: Top2gramCharFrac, Max, Some(0.2), true, "Largest character share of the most frequent 2-gram.";
    max_top_3gram_char_frac: Top3gramCharFrac, Max, Some(0.18), true, "Largest character share of the most frequent 3-gram.";
    max_top_4gram_char_frac: Top4gramCharFrac, Max, Some(0.16), true, "Largest character share of the most frequent 4-gram.";
    max_dup_5gram_char_frac: Dup5gramCharFrac, Max, Some(0.15), true, "Largest character share of duplicated 5-grams.";
    max_dup_6gram_char_frac: Dup6gramCharFrac, Max, Some(0.14), true, "Largest character share of duplicated 6-grams.";
    max_dup_7gram_char_frac: Dup7gramCharFrac, Max, Some(0.13), true, "Largest character share of duplicated 7-grams.";
    max_dup_8gram_char_frac: Dup8gramCharFrac, Max, Some(0.12), true, "Largest character share of duplicated 8-grams.";
    max_dup_9gram_char_frac: Dup9gramCharFrac, Max, Some(0.11), true, "Largest character share of duplicated 9-grams.";
    max_dup_10gram_char_frac: Dup10gramCharFrac, Max, Some(0.10), true, "Largest character share of duplicated 10-grams.";
    // FineWeb (Penedo et al. 2024)
    min_line_punct_ratio: LinePunctRatio, Min, Some(0.12), true, "Smallest share of lines ending with terminal punctuation.";
    max_short_line_ratio: ShortLineRatio, Max, Some(0.67), true, "Largest share of lines of at most 30 characters.";
    max_newline_word_ratio: NewlineWordRatio, Max, Some(0.3), true, "Most line breaks per word.";
    // C4 (Raffel et al. 2020)
    max_lorem_ipsum: LoremIpsumCount, Max, Some(0.0), false, "Most \"lorem ipsum\" occurrences.";
    max_javascript_line_ratio: JavascriptLineRatio, Max, Some(0.2), false, "Largest share of lines mentioning javascript.";
    max_policy_line_ratio: PolicyLineRatio, Max, Some(0.2), false, "Largest share of cookie, privacy-policy and terms-of-use lines.";
    max_curly_bracket_ratio: CurlyBracketRatio, Max, Some(0.001), false, "Most curly brackets per character.";
}

impl Kind {
    /// Whether `value` fails a bound of this kind. NaN never fails. Signals are f32, so the
    /// comparison is made in f32: a value equal to the bound as stored passes.
    pub fn fails(self, value: f32, bound: f64) -> bool {
        let bound = bound as f32;
        match self {
            Kind::Min => value < bound,
            Kind::Max => value > bound,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Kind::Min => "<",
            Kind::Max => ">",
        }
    }
}

/// Why a document was rejected: the rule (ledger reason `filter.<rule>`), the measured value,
/// and a readable detail.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub rule: &'static str,
    pub value: f64,
    pub detail: String,
}

impl Rejection {
    /// The ledger reason, `filter.<rule>`.
    pub fn reason(&self) -> String {
        format!("filter.{}", self.rule)
    }
}

/// The first rule (in [`RULES`] order) that `signals` fail under `t`, or `None` to keep.
pub fn judge(signals: &Signals, t: &Thresholds) -> Option<Rejection> {
    let bounds = t.bounds();
    RULES.iter().zip(bounds).find_map(|(rule, bound)| {
        let bound = bound?;
        let value = signals.get(rule.signal);
        rule.kind.fails(value, bound).then(|| Rejection {
            rule: rule.name,
            value: f64::from(value),
            detail: format!(
                "{} {} {} {}",
                rule.signal.name(),
                value,
                rule.kind.symbol(),
                bound as f32
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::signals::{compute_signals, SIGNAL_COUNT};
    use crate::quality::stopwords::StopWords;

    const ES: &str = "La minga es un trabajo comunitario que reúne a las familias del pueblo. \
        Cada casa aporta herramientas, comida y manos para levantar un puente o sembrar la chacra. \
        Al terminar la jornada se comparte una olla grande de sopa con papas y maíz. \
        Los abuelos cuentan historias antiguas mientras los niños juegan cerca del fogón.";

    fn stop() -> StopWords {
        StopWords::from_lists([("spa".to_string(), vec!["la", "de", "y", "que"])])
    }

    fn first_words(n: usize) -> String {
        let words: Vec<&str> = ES.split_whitespace().take(n).collect();
        assert_eq!(words.len(), n, "ES has too few words");
        format!("{}.", words.join(" ").trim_end_matches(['.', ',']))
    }

    #[test]
    fn every_rule_keeps_at_its_bound_and_rejects_just_past_it() {
        let base = compute_signals(ES, "spa", &stop());
        let t = Thresholds::default();
        assert_eq!(judge(&base, &t), None);
        for (rule, bound) in RULES.iter().zip(t.bounds()) {
            let b = bound.unwrap_or_else(|| panic!("{} has no default", rule.name)) as f32;
            let mut at = base.clone();
            at.values[rule.signal as usize] = b;
            assert_eq!(judge(&at, &t), None, "{} at its bound {b}", rule.name);
            let step = (b.abs() * 1e-4).max(1e-4);
            let past = match rule.kind {
                Kind::Min => b - step,
                Kind::Max => b + step,
            };
            at.values[rule.signal as usize] = past;
            let r = judge(&at, &t).map(|r| (r.rule, r.value as f32));
            assert_eq!(r, Some((rule.name, past)), "{} just past {b}", rule.name);
        }
    }

    #[test]
    fn word_count_boundary_on_real_text() {
        let t = Thresholds {
            min_words: Some(20.0),
            max_words: Some(22.0),
            ..Thresholds::default()
        };
        let verdict = |n| judge(&compute_signals(&first_words(n), "spa", &stop()), &t);
        assert_eq!(
            verdict(19).map(|r| (r.rule, r.value)),
            Some(("min_words", 19.0))
        );
        assert_eq!(verdict(20), None);
        assert_eq!(verdict(22), None);
        assert_eq!(verdict(23).map(|r| r.rule), Some("max_words"));
    }

    #[test]
    fn mean_word_length_boundary_on_agglutinative_text() {
        // Mean length 12.6 characters: over the default bound, kept under a calibrated one.
        let text = "Kawsaypachata yachachinakunapaqmi tukuy ayllukunawan rimanakurqanku.";
        let s = compute_signals(text, "que", &stop());
        let mean = s.get(Signal::MeanWordLength);
        let mut t = Thresholds {
            min_words: None,
            ..Thresholds::default()
        };
        assert_eq!(judge(&s, &t).map(|r| r.rule), Some("max_mean_word_length"));
        t.max_mean_word_length = Some(f64::from(mean));
        assert_eq!(judge(&s, &t), None);
        t.max_mean_word_length = Some(f64::from(mean) - 0.01);
        assert_eq!(judge(&s, &t).map(|r| r.rule), Some("max_mean_word_length"));
    }

    #[test]
    fn off_rules_nan_and_order() {
        let mut s = compute_signals(ES, "spa", &stop());
        s.values[Signal::StopWordCount as usize] = f32::NAN;
        assert_eq!(judge(&s, &Thresholds::default()), None);
        // Two failures: the first in table order is reported.
        s.values[Signal::WordCount as usize] = 3.0;
        s.values[Signal::LoremIpsumCount as usize] = 1.0;
        let r = judge(&s, &Thresholds::default());
        assert_eq!(
            r.as_ref().map(|r| r.reason()),
            Some("filter.min_words".into())
        );
        assert_eq!(r.map(|r| r.detail), Some("word_count 3 < 50".into()));
        let t = Thresholds {
            min_words: None,
            ..Thresholds::default()
        };
        assert_eq!(judge(&s, &t).map(|r| r.rule), Some("max_lorem_ipsum"));
        assert_eq!(RULES.len(), t.bounds().len());
        assert!(RULES.iter().all(|r| (r.signal as usize) < SIGNAL_COUNT));
    }

    #[test]
    fn thresholds_round_trip_through_toml() {
        let t = Thresholds {
            max_curly_bracket_ratio: None,
            max_mean_word_length: Some(12.25),
            ..Thresholds::default()
        };
        let text = toml::to_string(&t).expect("serialises");
        assert!(
            text.contains("min_words = 50\n") && text.contains("max_curly_bracket_ratio = false")
        );
        let back: Thresholds = toml::from_str(&text).expect("parses");
        assert_eq!(back, t);
        let partial: Thresholds = toml::from_str("min_words = 10").expect("parses");
        assert_eq!(partial.min_words, Some(10.0));
        assert_eq!(partial.max_words, Thresholds::default().max_words);
        assert!(toml::from_str::<Thresholds>("min_wrods = 10").is_err());
    }
}
