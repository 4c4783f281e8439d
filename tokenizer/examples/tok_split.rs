//! Benchmark driver: pre-tokenisation throughput of one thread (`tok_split FILE`).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: tok_split FILE")?;
    let text = std::fs::read_to_string(path)?;
    let start = Instant::now();
    let mut words = 0usize;
    for line in text.lines() {
        minga_tokenizer::split_words(&minga_tokenizer::nfc(line), |_| words += 1);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{words} pre-tokens in {secs:.2} s = {:.1} MB/s",
        text.len() as f64 / secs / 1e6
    );
    // The ASCII scanner must give the regex's pieces on real text too.
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    for line in text.lines() {
        let line = minga_tokenizer::nfc(line);
        fast.clear();
        slow.clear();
        minga_tokenizer::split_words(&line, |w| fast.push(w.to_string()));
        minga_tokenizer::split_words_regex(&line, |w| slow.push(w.to_string()));
        if fast != slow {
            return Err(format!("scanner and regex differ on {line:?}").into());
        }
    }
    println!("scanner and regex agree on every line");
    Ok(())
}
