//! One module per stage; `minga <stage>` maps to one of them.

pub mod config_check;
pub mod dedup;
pub mod export;
pub mod export_blend;
pub mod export_files;
pub mod export_run;
pub mod filter;
pub mod filter_config;
pub mod ingest;
pub mod langid;
pub mod pipeline;
pub mod takedown;
pub mod tokenizer;
