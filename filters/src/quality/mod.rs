//! Document quality: the signals of Gopher, FineWeb and C4 computed per document
//! ([`compute_signals`]), rules with per-language bounds ([`judge`], [`QualityConfig`]),
//! stop-word lists derived from data ([`StopWords`]) and calibration of the bounds from
//! reference text ([`calibrate`]).
//!
//! ```
//! use minga_filters::quality::{compute_signals, judge, QualityConfig, StopWords};
//! let config = QualityConfig::default();
//! let text = "Ñande ñe'ẽ. ".repeat(3);
//! let signals = compute_signals(&text, "grn", StopWords::embedded());
//! let verdict = judge(&signals, &config.thresholds_for("grn"));
//! assert_eq!(verdict.map(|r| r.reason()).as_deref(), Some("filter.min_words"));
//! ```

mod calibrate;
mod config;
mod limit;
mod phrases;
mod repetition;
mod rules;
mod signals;
mod stopwords;
pub mod text;

pub use calibrate::{
    calibrate, calibrate_languages, overrides_to_toml, read_reference_dir, split_reference_docs,
    CalibrateOptions, LangCalibration,
};
pub use config::{
    check_lang_keys, is_rule_name, QualityConfig, QualityConfigError, QualityFilter, ThresholdTable,
};
pub use rules::{judge, Kind, Rejection, Rule, ThresholdOverrides, Thresholds, RULES};
pub use signals::{compute_signals, Signal, Signals, SHORT_LINE_CHARS, SIGNAL_COUNT, SIGNAL_NAMES};
pub use stopwords::{
    count_stop_words, derive_stop_words, DeriveOptions, DerivedList, StopList, StopWords,
    StopWordsError, StopWordsFile,
};
