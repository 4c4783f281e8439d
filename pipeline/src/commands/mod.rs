//! One module per subcommand; `main` dispatches.

pub mod audit;
pub mod dedup;
pub mod export;
pub mod extract;
pub mod filter;
pub mod ingest;
pub mod langid;
pub mod lines;
pub mod pii;
pub mod report;
pub mod run;
pub mod slurm;
pub mod status;
pub mod takedown;
pub mod tokenizer;
