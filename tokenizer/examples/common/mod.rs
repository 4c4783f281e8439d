//! Shared by the encoding drivers (`tok_encode`, `tok_encode_hf`): both read the whole file before
//! the clock starts, encode it in the same chunks, stop the clock before writing, and write ids the
//! same way, so their timed regions match and their id files compare byte for byte.

use std::error::Error;
use std::io::Write;
use std::time::Instant;

/// Lines per batch call, the same for every encoder in bench/tok-bench.sh (tok_ref.py too).
const CHUNK: usize = 20_000;

pub type Ids = Vec<Vec<u32>>;

/// Encodes `lines` chunk by chunk with `encode_chunk`, timing only that, and prints
/// `encode: T tokens L lines in S s = R M tokens/s (N threads)`, the line tok-bench.sh parses.
pub fn encode_timed<F>(lines: &[&str], mut encode_chunk: F) -> Result<Ids, Box<dyn Error>>
where
    F: FnMut(&[&str]) -> Result<Ids, Box<dyn Error>>,
{
    let start = Instant::now();
    let mut all = Vec::with_capacity(lines.len());
    for chunk in lines.chunks(CHUNK) {
        all.extend(encode_chunk(chunk)?);
    }
    let secs = start.elapsed().as_secs_f64();
    let tokens: usize = all.iter().map(Vec::len).sum();
    println!(
        "encode: {tokens} tokens {} lines in {secs:.3} s = {:.3} M tokens/s ({} threads)",
        lines.len(),
        tokens as f64 / secs / 1e6,
        rayon::current_num_threads()
    );
    Ok(all)
}

/// Per line, a u32 count then the u32 ids, little-endian.
pub fn write_ids(path: &str, all: &Ids) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for ids in all {
        w.write_all(&(ids.len() as u32).to_le_bytes())?;
        for id in ids {
            w.write_all(&id.to_le_bytes())?;
        }
    }
    w.flush()
}
