//! One module per subcommand; `main` dispatches.

pub mod export;
pub mod extract;
pub mod ingest;
pub mod langid;
pub mod pii;
pub mod run;
pub mod tokenizer;
