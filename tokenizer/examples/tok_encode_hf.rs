//! Benchmark peer of `tok_encode`: the same file encoded by the HF `tokenizers` crate that minga
//! links (so the same Rust build, no Python), through its own batch API.
//!
//! `tok_encode_hf TOKENIZER.json FILE [IDS_OUT]` — same reading, chunks, timed region and id file
//! as `tok_encode`. `TOK_HF_API=batch` (default) calls `encode_batch`, which also computes byte
//! offsets; `TOK_HF_API=fast` calls `encode_batch_fast`, which skips them. Copying each
//! `Encoding`'s ids out (the only part minga's API returns) is inside the timed region.

mod common;

use tokenizers::Tokenizer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: tok_encode_hf TOKENIZER.json FILE [IDS_OUT]".into());
    }
    let tok = Tokenizer::from_file(&args[0]).map_err(|e| e.to_string())?;
    let fast = match std::env::var("TOK_HF_API").as_deref() {
        Ok("fast") => true,
        Ok("batch") | Err(_) => false,
        Ok(other) => return Err(format!("TOK_HF_API={other}: expected batch or fast").into()),
    };
    let text = std::fs::read_to_string(&args[1])?;
    let lines: Vec<&str> = text.lines().collect();
    let all = common::encode_timed(&lines, |chunk| {
        let encodings = if fast {
            tok.encode_batch_fast(chunk.to_vec(), false)
        } else {
            tok.encode_batch(chunk.to_vec(), false)
        }
        .map_err(|e| e.to_string())?;
        Ok(encodings.iter().map(|e| e.get_ids().to_vec()).collect())
    })?;
    if let Some(out) = args.get(2) {
        common::write_ids(out, &all)?;
    }
    Ok(())
}
