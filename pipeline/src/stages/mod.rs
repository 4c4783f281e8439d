//! One module per stage; `minga <stage>` maps to one of them.

pub mod filter;
pub mod dedup;
pub mod ingest;
pub mod langid;
