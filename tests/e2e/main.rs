//! End-to-end tests: they run the real `minga` binary over `samples/` (and `../shared/data` when
//! it is there) in fresh temp dirs. One test binary, one module per command.

mod util;

mod audit;
mod audit_find;
mod consent;
mod crash;
mod dedup;
mod dedup_precision;
mod disk_errors;
mod export_groups;
mod filter;
mod formats;
mod golden;
mod hostile;
mod ingest;
mod langid;
mod pdf;
mod remote;
mod report;
mod slurm;
mod stage_contract;
mod takedown;
mod takedown_crash;
mod tokenizer;
