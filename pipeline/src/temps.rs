//! Temp files: every output is written to `.NAME.tmp-PID` and renamed into place, so a killed
//! writer leaves a temp behind. This module tells a stale temp from one a live writer owns.

use std::path::Path;

/// Removes `.NAME.*tmp-PID` files a killed run left in `dir` for the file (or part) `name`. A
/// temp whose PID is a live process other than this one is left alone: a second `minga` on the
/// same workdir (two local runs, or a Slurm task resubmitted while the first still runs) is
/// writing it, and removing it would make that writer fail at its rename. Both writers produce the
/// same bytes, and each rename is atomic, so the last one to finish wins harmlessly.
pub(crate) fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix)
            && name.contains(".tmp-")
            && !written_by_another_live_process(&name)
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// True when the PID after `.tmp-` in a temp's name is a running process other than this one
/// (`/proc/PID` exists; on systems without `/proc` every temp counts as stale, as before). A PID
/// reused by an unrelated process only keeps a dead temp until that process ends.
fn written_by_another_live_process(temp: &str) -> bool {
    let Some(pid) = temp
        .rsplit_once(".tmp-")
        .and_then(|(_, p)| p.parse::<u32>().ok())
    else {
        return false;
    };
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}
