//! Pure functions over text and documents: language identification, quality signals and rules,
//! PII detection, URL lists, near-duplicate signatures, and HTML main-content extraction.
//! Nothing here reads or writes files; the stages in the `minga` crate do the I/O.

pub mod consent;
pub mod dedup;
pub mod extract;
pub mod langid;
pub mod pii;
pub mod quality;
pub mod rng;
pub mod robots;
pub mod urls;
