//! One module per stage; `minga <stage>` maps to one of them.

pub mod export;
pub mod ingest;
pub mod langid;
