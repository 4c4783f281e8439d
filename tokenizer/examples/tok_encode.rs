//! Benchmark driver: encodes a text file (one document per line) with [`Encoder::encode_batch`].
//!
//! `tok_encode TOKENIZER.json FILE [IDS_OUT]` — prints tokens/s of encoding (reading and writing
//! excluded); with IDS_OUT writes, per line, a u32 count then the u32 ids (little-endian) for
//! comparison. Its HF peer, with the same I/O and timed region, is `tok_encode_hf`.

mod common;

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
    let all = common::encode_timed(&lines, |chunk| Ok(enc.encode_batch(chunk)?))?;
    if let Some(out) = args.get(2) {
        common::write_ids(out, &all)?;
    }
    Ok(())
}
