//! Benchmark driver: trains a tokenizer on plain-text files, one document per line.
//!
//! `tok_train OUT.json VOCAB ALPHA LANG[:SOURCE]=FILE ...` — prints seconds and the language mix.
//! SOURCE defaults to the file name. `TOK_MAX_REPEAT`, `TOK_SOURCE_ALPHA`, `TOK_MIN_SHARE`, `TOK_MIN_FREQUENCY`,
//! `TOK_SAMPLE_BYTES` and `TOK_SEED` override those settings.

use std::io::BufRead;
use std::time::Instant;

use minga_tokenizer::{train, CorpusDoc, TokError, TrainConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        return Err("usage: tok_train OUT.json VOCAB ALPHA LANG=FILE...".into());
    }
    let mut cfg = TrainConfig {
        vocab_size: args[1].parse()?,
        alpha: args[2].parse()?,
        ..TrainConfig::default()
    };
    // Overrides for sweeps.
    if let Ok(v) = std::env::var("TOK_MAX_REPEAT") {
        cfg.max_repeat = v.parse()?;
    }
    if let Ok(v) = std::env::var("TOK_SOURCE_ALPHA") {
        cfg.source_alpha = v.parse()?;
    }
    if let Ok(v) = std::env::var("TOK_MIN_SHARE") {
        cfg.min_share = v.parse()?;
    }
    if let Ok(v) = std::env::var("TOK_SEED") {
        cfg.seed = v.parse()?;
    }
    if let Ok(v) = std::env::var("TOK_SAMPLE_BYTES") {
        cfg.sample_bytes = Some(v.parse()?);
    }
    if let Ok(v) = std::env::var("TOK_MIN_FREQUENCY") {
        cfg.min_frequency = v.parse()?;
    }
    let inputs: Vec<(String, String, String)> = args[3..]
        .iter()
        .map(|a| {
            let (key, path) = a.split_once('=').ok_or("expected LANG[:SOURCE]=FILE")?;
            let (lang, source) = key.split_once(':').unwrap_or((key, path));
            Ok::<_, &str>((lang.to_string(), source.to_string(), path.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let mut corpus = |sink: &mut dyn FnMut(CorpusDoc<'_>)| -> Result<(), TokError> {
        for (lang, source, path) in &inputs {
            let file =
                std::fs::File::open(path).map_err(|e| TokError::Corpus(format!("{path}: {e}")))?;
            for line in std::io::BufReader::with_capacity(1 << 20, file).lines() {
                let line = line.map_err(|e| TokError::Corpus(format!("{path}: {e}")))?;
                sink(CorpusDoc {
                    lang,
                    source,
                    text: &line,
                });
            }
        }
        Ok(())
    };
    let start = Instant::now();
    let outcome = train(&mut corpus, &cfg)?;
    let secs = start.elapsed().as_secs_f64();
    std::fs::write(&args[0], &outcome.tokenizer_json)?;
    println!(
        "trained vocab {} in {secs:.2} s (count {:.2} s, merges {:.2} s), {} distinct words",
        outcome.vocab_size,
        outcome.timings.count_s,
        outcome.timings.merge_s,
        outcome.counts.distinct_words
    );
    let rates: Vec<String> = outcome
        .mix
        .languages
        .iter()
        .map(|(lang, m)| format!("{lang}={:.2}", m.rate))
        .collect();
    println!("  rates: {}", rates.join(" "));
    Ok(())
}
