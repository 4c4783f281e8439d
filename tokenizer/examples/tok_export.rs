//! Benchmark driver: exports a text file (one document per line) to one Megatron shard.
//!
//! `tok_export TOKENIZER.json FILE PREFIX [LANG]` — writes PREFIX.bin/.idx and PREFIX.export.json.

use std::time::Instant;

use minga_tokenizer::{Encoder, ExportStats, ShardExport};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        return Err("usage: tok_export TOKENIZER.json FILE PREFIX [LANG]".into());
    }
    let json = std::fs::read_to_string(&args[0])?;
    let enc = Encoder::from_json(&json)?.with_special_tokens_as_text(true);
    let text = std::fs::read_to_string(&args[1])?;
    let lang = args.get(3).map(String::as_str).unwrap_or("und");
    let start = Instant::now();
    let mut shard = ShardExport::create(args[2].as_ref(), &enc)?;
    for line in text.lines() {
        shard.push(lang, &args[1], line)?;
    }
    let stats = shard.finish()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} documents, {} tokens in {secs:.2} s = {:.3} M tokens/s",
        stats.documents,
        stats.tokens,
        stats.tokens as f64 / secs / 1e6
    );
    let mut all = ExportStats::new(&json, &enc);
    all.add(stats);
    all.write_json(format!("{}.export.json", args[2]).as_ref())?;
    Ok(())
}
