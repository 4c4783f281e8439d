//! `minga run`: every configured stage in order, each into `workdir/<stage>/` (the stages and
//! their steps: `stages::pipeline`), locally or as Slurm job arrays (`commands::slurm`).

use anyhow::{bail, Result};

use crate::cli::RunArgs;
use crate::runner::RunOptions;
use crate::stages::pipeline::{load, lock_workdir, stage_named, StageKind, STAGES};

pub fn run(args: &RunArgs) -> Result<()> {
    if args.slurm.executor == crate::commands::slurm::Executor::Slurm {
        return crate::commands::slurm::submit(args);
    }
    let opts = RunOptions {
        resume: args.shards.resume,
        shards: crate::shard_spec(&args.shards)?,
    };
    let mut ctx = load(&args.config, args.workdir.as_ref(), opts)?;
    // A whole local run owns its workdir: a second one would clear the shards the first reads.
    // Slurm tasks and `--stage` runs share a workdir by design, one part each.
    let _lock = match (&args.stage, ctx.opts.shards.count) {
        (None, 1) => Some(lock_workdir(&ctx.workdir)?),
        _ => None,
    };
    if let Some(name) = &args.stage {
        let stage = stage_named(name)?;
        if stage.kind == StageKind::Reduce && ctx.opts.shards.count > 1 {
            bail!("stage {name} runs over the whole input: leave out --shard-index/--shard-count");
        }
        ctx.single_stage = true;
        eprintln!("minga run: stage {name} of {}", args.config.display());
        return (stage.step)(&ctx);
    }
    eprintln!(
        "minga run: {} -> {}",
        args.config.display(),
        ctx.workdir.display()
    );
    for stage in STAGES.iter().filter(|s| s.local) {
        (stage.step)(&ctx)?;
    }
    Ok(())
}
