//! Derives the stop-word lists shipped in `filters/data/stopwords.json` from reference text:
//! for every `<lang>.txt` of a directory (one document per line), the words with the highest
//! document frequency (see `minga_filters::quality::derive_stop_words`).
//!
//! ```sh
//! cargo run -p minga-filters --example derive_stopwords -- \
//!     ../shared/data/langid/train filters/data/stopwords.json [--top 16] [--min-share 0.02]
//! ```

#[path = "support/corpus.rs"]
mod corpus;

use minga_filters::quality::{derive_stop_words, DeriveOptions, StopWordsFile};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("derive_stopwords: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = DeriveOptions::default();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--top" => opts.top_n = parse(it.next(), "--top")?,
            "--min-share" => opts.min_doc_share = parse(it.next(), "--min-share")?,
            _ => positional.push(a.clone()),
        }
    }
    let [dir, out] = positional.as_slice() else {
        return Err("usage: derive_stopwords DIR OUT.json [--top N] [--min-share X]".into());
    };
    let dir = PathBuf::from(dir);
    let mut file = StopWordsFile {
        about: "Stop words per language (ISO 639-3): the most frequent words by document \
                frequency in the language's reference text, one document per line, \
                lower-cased, words without a letter excluded. `apply`: the stop-word rule \
                is used for the language only if a list ranked on the even-numbered lines \
                finds holdout_min_count stop words in min_coverage of the odd-numbered lines \
                joined in groups of holdout_group (`holdout_coverage`), and the reference \
                has min_docs lines."
            .into(),
        command: format!(
            "cargo run -p minga-filters --example derive_stopwords -- {} {} --top {} --min-share {}",
            dir.display(),
            out,
            opts.top_n,
            opts.min_doc_share
        ),
        options: opts.clone(),
        languages: Default::default(),
    };
    for (lang, path) in corpus::lang_files(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let lines: Vec<&str> = text.lines().collect();
        let list = derive_stop_words(&lines, &opts);
        eprintln!(
            "{lang}: {} docs, held-out coverage {:.4}, apply {} -> {}",
            list.docs,
            list.holdout_coverage,
            list.apply,
            list.words.join(" ")
        );
        file.languages.insert(lang, list);
    }
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    std::fs::write(out, json + "\n").map_err(|e| format!("{out}: {e}"))?;
    Ok(())
}

fn parse<T: std::str::FromStr>(v: Option<&String>, flag: &str) -> Result<T, String> {
    v.and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{flag} needs a number"))
}
