//! Line filters over stdin (`langid detect`, `pii redact`): lines are processed in parallel
//! chunks and printed in input order, so output lines match input lines one to one.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use rayon::prelude::*;

const CHUNK_LINES: usize = 4096;

/// Maps every stdin line through `f` and prints the text it returns; `each` sees the side value
/// of every line, in order. Invalid UTF-8 is replaced, never fatal.
pub fn map_stdin_lines<T: Send>(
    f: impl Fn(&str) -> (String, T) + Sync,
    mut each: impl FnMut(T),
) -> Result<()> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    loop {
        let mut chunk = Vec::with_capacity(CHUNK_LINES);
        while chunk.len() < CHUNK_LINES {
            buf.clear();
            if reader
                .read_until(b'\n', &mut buf)
                .context("cannot read stdin")?
                == 0
            {
                break;
            }
            chunk.push(
                String::from_utf8_lossy(&buf)
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
            );
        }
        if chunk.is_empty() {
            break;
        }
        let done: Vec<(String, T)> = chunk.par_iter().map(|line| f(line)).collect();
        for (text, side) in done {
            writeln!(out, "{text}")?;
            each(side);
        }
    }
    out.flush()?;
    Ok(())
}
