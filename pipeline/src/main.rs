//! The `minga` binary: parse flags, run, print the whole error chain. Exit 0 ok, 1 error, 2 on an
//! internal failure (a panic, which is a bug: please report it).

use clap::Parser;

fn main() {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`minga status | head`) would be an
    // error on every later line; the default action ends the process quietly instead.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::panic::set_hook(Box::new(|info| {
        eprintln!("minga: internal error (a bug, please report it): {info}");
    }));
    let cli = minga::cli::Cli::parse();
    let code = match std::panic::catch_unwind(|| minga::dispatch(cli)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            1
        }
        Err(_) => 2,
    };
    std::process::exit(code);
}
