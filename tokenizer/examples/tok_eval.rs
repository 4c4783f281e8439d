//! Benchmark driver: fertility per language of several tokenizers on a directory of `<lang>.txt`.
//!
//! `tok_eval DEV_DIR NAME=TOKENIZER.json [NAME=TOKENIZER.json ...]` — prints the comparison table and
//! each tokenizer's full table; `TOK_EVAL_JSON=path` also writes all tables as JSON.

use minga_tokenizer::{compare_markdown, eval, read_text_dir};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: tok_eval DEV_DIR NAME=TOKENIZER.json...".into());
    }
    let texts = read_text_dir(args[0].as_ref())?;
    let mut tables = Vec::new();
    for a in &args[1..] {
        let (name, path) = a.split_once('=').ok_or("expected NAME=TOKENIZER.json")?;
        tables.push(eval(name, &std::fs::read_to_string(path)?, &texts)?);
    }
    let refs: Vec<_> = tables.iter().collect();
    println!("{}", compare_markdown(&refs));
    for t in &tables {
        println!("{}", t.to_markdown());
    }
    if let Ok(path) = std::env::var("TOK_EVAL_JSON") {
        std::fs::write(path, serde_json::to_string_pretty(&tables)?)?;
    }
    Ok(())
}
