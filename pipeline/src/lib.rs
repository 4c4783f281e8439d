//! minga: the stage runner, CLI and source readers.
pub mod sources;
