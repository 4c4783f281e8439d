//! Takedown requests (`minga takedown REQUEST.toml`, docs/consent.md): find the documents a
//! request names ([`plan`]), withdraw them from every stage's output that holds them
//! ([`rewrite`], [`clusters`]), and keep a record that later ingests apply ([`record`]).

pub mod clusters;
pub mod plan;
pub mod record;
pub mod request;
pub mod rewrite;
pub mod text;

pub use record::{Record, Takedowns};
pub use request::{Matcher, Request};
