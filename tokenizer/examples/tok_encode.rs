//! Benchmark driver: encodes a text file (one document per line) with [`Encoder::encode_batch`].
//!
//! `tok_encode TOKENIZER.json FILE [IDS_OUT]` — prints tokens/s of encoding (reading excluded); with
//! IDS_OUT writes, per line, a u32 count then the u32 ids (little-endian) for comparison.

use std::io::Write;
use std::time::Instant;

use minga_tokenizer::Encoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: tok_encode TOKENIZER.json FILE [IDS_OUT]".into());
    }
    let enc = Encoder::from_file(args[0].as_ref())?;
    if let Err(why) = enc.fast_path() {
        eprintln!("note: HF path ({why})");
    }
    let text = std::fs::read_to_string(&args[1])?;
    let lines: Vec<&str> = text.lines().collect();
    let start = Instant::now();
    let mut all = Vec::with_capacity(lines.len());
    for chunk in lines.chunks(20_000) {
        all.extend(enc.encode_batch(chunk)?);
    }
    let secs = start.elapsed().as_secs_f64();
    let tokens: usize = all.iter().map(Vec::len).sum();
    println!(
        "{tokens} tokens in {secs:.2} s = {:.3} M tokens/s ({} threads)",
        tokens as f64 / secs / 1e6,
        rayon::current_num_threads()
    );
    if let Some(out) = args.get(2) {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for ids in &all {
            w.write_all(&(ids.len() as u32).to_le_bytes())?;
            for id in ids {
                w.write_all(&id.to_le_bytes())?;
            }
        }
    }
    Ok(())
}
