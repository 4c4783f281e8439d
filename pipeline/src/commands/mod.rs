//! One module per subcommand; `main` dispatches.

pub mod audit;
pub mod extract;
pub mod ingest;
pub mod langid;
pub mod pii;
pub mod report;
pub mod run;
