//! The reduce half of the stage contract: a stage that reads its whole input at once (dedup
//! clusters, tokenizer training, the report) says when it can run and when its output is
//! current; [`run_reduce`] alone decides whether to wait, keep or run.
//!
//! Dedup clusters, the tokenizer and the report implement [`ReduceStage`].

use anyhow::Result;

/// A stage that runs once over the whole of its input.
pub trait ReduceStage {
    /// Name in messages.
    fn name(&self) -> &'static str;
    /// `None` when the input is complete; otherwise what the stage waits for (a sharded run's
    /// other tasks are still writing it), said once and not an error.
    fn waits_for(&self) -> Option<String>;
    /// True when the output already there was made from the same input and config and is
    /// intact: `--resume` keeps it.
    fn is_current(&self) -> Result<bool>;
    /// Makes the output.
    fn run(&mut self) -> Result<()>;
}

/// What [`run_reduce`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduced {
    Waiting,
    Kept,
    Ran,
}

impl Reduced {
    /// True when the stage's output is in place (kept or made).
    pub fn done(self) -> bool {
        self != Reduced::Waiting
    }
}

/// Runs `stage` unless it must wait, or `--resume` finds its output current.
pub fn run_reduce<S: ReduceStage + ?Sized>(stage: &mut S, resume: bool) -> Result<Reduced> {
    if let Some(what) = stage.waits_for() {
        eprintln!("{}: waits for {what}", stage.name());
        return Ok(Reduced::Waiting);
    }
    if resume && stage.is_current()? {
        eprintln!("{}: output is current (resume)", stage.name());
        return Ok(Reduced::Kept);
    }
    stage.run()?;
    Ok(Reduced::Ran)
}
