//! One module per stage; `minga <stage>` maps to one of them.

pub mod dedup;
pub mod filter;
pub mod export;
pub mod ingest;
pub mod langid;
