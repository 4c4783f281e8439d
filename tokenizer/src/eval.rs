//! Tokenizer evaluation per language: fertility (tokens per word), characters and bytes per token,
//! and the share of words split into four or more pieces.
//!
//! A word is a maximal run of non-whitespace characters. A token counts as a piece of every word its
//! byte span overlaps, so a token `" casa"` is one piece of `casa` and a lone space token is a piece
//! of nothing. Fertility divides all tokens of a text (spaces and line breaks included) by its words.
//! Any `tokenizer.json` works (HF's `encode`, no post-processor tokens), so references such as Llama
//! 3's are measured the same way.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tokenizers::Tokenizer;

use crate::TokError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalRow {
    pub lang: String,
    pub texts: u64,
    pub words: u64,
    pub chars: u64,
    pub bytes: u64,
    pub tokens: u64,
    /// Words made of four or more tokens.
    pub words_split4: u64,
    pub fertility: f64,
    pub chars_per_token: f64,
    pub bytes_per_token: f64,
    pub split4_share: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalTable {
    /// Name of the tokenizer measured (e.g. `minga`, `llama3`).
    pub tokenizer: String,
    pub vocab_size: usize,
    pub rows: Vec<EvalRow>,
}

impl EvalTable {
    pub fn row(&self, lang: &str) -> Option<&EvalRow> {
        self.rows.iter().find(|r| r.lang == lang)
    }

    /// One row per language, all measures.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "Tokenizer `{}` (vocabulary {}):\n\n",
            self.tokenizer, self.vocab_size
        );
        s.push_str("| lang | texts | words | tokens | tokens/word | chars/token | bytes/token | words ≥ 4 pieces |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in &self.rows {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {:.3} | {:.2} | {:.2} | {:.1}% |\n",
                r.lang,
                r.texts,
                r.words,
                r.tokens,
                r.fertility,
                r.chars_per_token,
                r.bytes_per_token,
                100.0 * r.split4_share
            ));
        }
        s
    }
}

/// Fertility per language, one column per tokenizer (the first is the one under test).
pub fn compare_markdown(tables: &[&EvalTable]) -> String {
    let mut s = String::from("| lang |");
    let mut rule = String::from("|---|");
    for t in tables {
        s.push_str(&format!(" {} ({}) |", t.tokenizer, t.vocab_size));
        rule.push_str("---:|");
    }
    s.push('\n');
    s.push_str(&rule);
    s.push('\n');
    let langs: std::collections::BTreeSet<&str> = tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|r| r.lang.as_str()))
        .collect();
    for lang in langs {
        s.push_str(&format!("| {lang} |"));
        for t in tables {
            match t.row(lang) {
                Some(r) => s.push_str(&format!(" {:.3} |", r.fertility)),
                None => s.push_str(" – |"),
            }
        }
        s.push('\n');
    }
    s
}

/// Measures `tokenizer_json` on texts grouped by language.
pub fn eval(
    name: &str,
    tokenizer_json: &str,
    texts_by_lang: &BTreeMap<String, Vec<String>>,
) -> Result<EvalTable, TokError> {
    let tok: Tokenizer = tokenizer_json.parse().map_err(TokError::hf)?;
    let mut rows = Vec::new();
    for (lang, texts) in texts_by_lang {
        let parts: Vec<EvalRow> = texts
            .par_iter()
            .map(|t| measure(&tok, t))
            .collect::<Result<_, _>>()?;
        let mut row = EvalRow {
            lang: lang.clone(),
            ..Default::default()
        };
        for p in parts {
            row.texts += 1;
            row.words += p.words;
            row.chars += p.chars;
            row.bytes += p.bytes;
            row.tokens += p.tokens;
            row.words_split4 += p.words_split4;
        }
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        row.fertility = ratio(row.tokens, row.words);
        row.chars_per_token = ratio(row.chars, row.tokens);
        row.bytes_per_token = ratio(row.bytes, row.tokens);
        row.split4_share = ratio(row.words_split4, row.words);
        rows.push(row);
    }
    Ok(EvalTable {
        tokenizer: name.to_string(),
        vocab_size: tok.get_vocab_size(true),
        rows,
    })
}

fn measure(tok: &Tokenizer, text: &str) -> Result<EvalRow, TokError> {
    let enc = tok.encode(text, false).map_err(TokError::hf)?;
    let words = word_spans(text);
    let mut pieces = vec![0u32; words.len()];
    for &(s, e) in enc.get_offsets() {
        if e <= s {
            continue;
        }
        // First word ending after the token's start; count every word the token overlaps.
        let mut w = words.partition_point(|&(_, we)| we <= s);
        while w < words.len() && words[w].0 < e {
            pieces[w] += 1;
            w += 1;
        }
    }
    Ok(EvalRow {
        words: words.len() as u64,
        chars: text.chars().count() as u64,
        bytes: text.len() as u64,
        tokens: enc.get_ids().len() as u64,
        words_split4: pieces.iter().filter(|&&p| p >= 4).count() as u64,
        ..Default::default()
    })
}

/// Byte spans of the maximal non-whitespace runs.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Reads `<lang>.txt` files (one text per non-empty line) from `dir`, keyed by file stem.
pub fn read_text_dir(dir: &Path) -> Result<BTreeMap<String, Vec<String>>, TokError> {
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| TokError::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| TokError::io(dir, e))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let Some(lang) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(|e| TokError::io(&path, e))?;
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        out.insert(lang.to_string(), lines);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pretok::byte_chars;
    use crate::train::empty_tokenizer;
    use tokenizers::models::bpe::BPE;

    /// A tokenizer whose vocabulary is the 256 bytes plus the merges given.
    fn byte_tokenizer(merges: &[(&str, &str)]) -> String {
        let mut vocab: ahash::AHashMap<String, u32> = byte_chars()
            .iter()
            .enumerate()
            .map(|(i, c)| (c.to_string(), i as u32))
            .collect();
        for (a, b) in merges {
            let n = vocab.len() as u32;
            vocab.entry(format!("{a}{b}")).or_insert(n);
        }
        let merges = merges
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let bpe = BPE::builder()
            .vocab_and_merges(vocab, merges)
            .build()
            .unwrap();
        empty_tokenizer(bpe).to_string(false).unwrap()
    }

    #[test]
    fn numbers_on_a_tiny_corpus_match_a_hand_count() {
        // Bytes only: "ñe a" → [ñ₁ ñ₂ e] [␠ a] = 5 tokens; "ñandu" = 6 tokens; 3 words, 11 tokens,
        // 9 chars, 11 bytes; only "ñandu" has ≥ 4 pieces (the space token is no piece of "a").
        let texts = BTreeMap::from([(
            "grn".to_string(),
            vec!["ñe a".to_string(), "ñandu".to_string()],
        )]);
        let t = eval("bytes", &byte_tokenizer(&[]), &texts).unwrap();
        let r = t.row("grn").unwrap();
        assert_eq!(
            (r.texts, r.words, r.tokens, r.chars, r.bytes, r.words_split4),
            (2, 3, 11, 9, 11, 1)
        );
        assert!((r.fertility - 11.0 / 3.0).abs() < 1e-12);
        assert!((r.chars_per_token - 9.0 / 11.0).abs() < 1e-12);
        assert!((r.bytes_per_token - 1.0).abs() < 1e-12);
        assert!((r.split4_share - 1.0 / 3.0).abs() < 1e-12);
        // Merging ñ's two bytes and " a": "ñe a" → [ñ e] [␠a], "ñandu" → 5 tokens: 8 tokens.
        let merged = eval("merged", &byte_tokenizer(&[("Ã", "±"), ("Ġ", "a")]), &texts).unwrap();
        let m = merged.row("grn").unwrap();
        assert_eq!((m.tokens, m.words_split4), (8, 1));
        assert!((m.fertility - 8.0 / 3.0).abs() < 1e-12);
        let md = compare_markdown(&[&merged, &t]);
        assert!(md.contains("| grn | 2.667 | 3.667 |"), "{md}");
        assert!(t
            .to_markdown()
            .contains("| grn | 2 | 3 | 11 | 3.667 | 0.82 | 1.00 | 33.3% |"));
    }

    #[test]
    fn word_spans_split_on_any_unicode_space() {
        assert_eq!(word_spans(" a\u{a0}bc\n\nd "), vec![(1, 2), (4, 6), (8, 9)]);
        assert!(word_spans("   ").is_empty());
    }
}
