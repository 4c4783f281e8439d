//! [`Encoder`]: text → token ids, identical to HF tokenizers' `encode` on the same `tokenizer.json`.
//!
//! For tokenizers built the way minga builds them (NFC, [`SPLIT_PATTERN`] + byte level, plain BPE,
//! special added tokens only) the encoder runs its own path: NFC only where text is not NFC
//! already, the `regex` crate splitter, and a per-thread cache of word → ids in front of the BPE
//! merge loop. It skips what HF computes for every token and export never reads (offsets, alignment
//! maps, attention masks). Any other `tokenizer.json` goes through HF's `encode` unchanged.
//!
//! Special tokens written literally in a text (`<|endoftext|>` in a web page) become their special id
//! in HF's default mode. [`Encoder::with_special_tokens_as_text`] turns that off (HF's
//! `encode_special_tokens = True`), which is what `export` wants: a document cannot inject an EOD.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde_json::Value;
use tokenizers::Tokenizer;

use crate::bpe::BpeTables;
use crate::hash::WordHash;
use crate::pretok::{nfc, split_words, SPLIT_PATTERN};
use crate::TokError;

/// Words cached per thread before the cache is emptied (bounded memory on endless vocabularies).
const CACHE_WORDS: usize = 1 << 19;
/// Longer words are encoded every time (rare, and they would crowd the cache).
const CACHE_WORD_BYTES: usize = 64;

static NEXT_ENCODER: AtomicU64 = AtomicU64::new(1);

/// Word → ids, tagged with the encoder it belongs to.
type WordCache = (u64, HashMap<Box<[u8]>, Box<[u32]>, WordHash>);

thread_local! {
    static CACHE: RefCell<WordCache> = const { RefCell::new((0, HashMap::with_hasher(WordHash))) };
}

struct FastPath {
    bpe: BpeTables,
    normalize: bool,
    /// Special tokens and their ids, longest first (HF matches leftmost, then longest).
    specials: Vec<(String, u32)>,
}

/// A loaded tokenizer that encodes text to ids.
pub struct Encoder {
    hf: Tokenizer,
    fast: Option<FastPath>,
    fast_unsupported: Option<String>,
    specials_as_text: bool,
    instance: u64,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("vocab_size", &self.vocab_size())
            .field("fast_path", &self.fast_path())
            .field("specials_as_text", &self.specials_as_text)
            .finish()
    }
}

impl Encoder {
    pub fn from_json(json: &str) -> Result<Self, TokError> {
        let hf: Tokenizer = json.parse().map_err(TokError::hf)?;
        let value: Value = serde_json::from_str(json).map_err(TokError::hf)?;
        let (fast, fast_unsupported) = match fast_path(&value)? {
            Ok(f) => (Some(f), None),
            Err(why) => (None, Some(why)),
        };
        let instance = NEXT_ENCODER.fetch_add(1, Ordering::Relaxed);
        Ok(Encoder {
            hf,
            fast,
            fast_unsupported,
            specials_as_text: false,
            instance,
        })
    }

    pub fn from_file(path: &Path) -> Result<Self, TokError> {
        let json = std::fs::read_to_string(path).map_err(|e| TokError::io(path, e))?;
        Self::from_json(&json).map_err(|e| TokError::Format {
            path: path.to_path_buf(),
            what: e.to_string(),
        })
    }

    /// Encode special-token strings found in text as ordinary text (HF `encode_special_tokens`).
    pub fn with_special_tokens_as_text(mut self, as_text: bool) -> Self {
        self.specials_as_text = as_text;
        self.hf.set_encode_special_tokens(as_text);
        self
    }

    /// Whether the fast path is in use; otherwise the reason it is not.
    pub fn fast_path(&self) -> Result<(), &str> {
        match &self.fast_unsupported {
            None => Ok(()),
            Some(why) => Err(why),
        }
    }

    /// Vocabulary size including added tokens.
    pub fn vocab_size(&self) -> usize {
        self.hf.get_vocab_size(true)
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.hf.token_to_id(token)
    }

    /// The HF tokenizer behind this encoder (for offsets, decoding).
    pub fn hf(&self) -> &Tokenizer {
        &self.hf
    }

    /// Ids of `text` (no post-processor tokens such as a BOS are added).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, TokError> {
        match &self.fast {
            Some(fast) => {
                let mut out = Vec::with_capacity(text.len() / 3);
                self.encode_fast(fast, text, &mut out);
                Ok(out)
            }
            None => Ok(self
                .hf
                .encode(text, false)
                .map_err(TokError::hf)?
                .get_ids()
                .to_vec()),
        }
    }

    /// Encodes many texts on the rayon pool; the result is in input order.
    pub fn encode_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
    ) -> Result<Vec<Vec<u32>>, TokError> {
        texts.par_iter().map(|t| self.encode(t.as_ref())).collect()
    }

    fn encode_fast(&self, fast: &FastPath, text: &str, out: &mut Vec<u32>) {
        if self.specials_as_text || fast.specials.is_empty() {
            return self.encode_segment(fast, text, out);
        }
        let mut pos = 0;
        while let Some((start, len, id)) = next_special(&fast.specials, text, pos) {
            self.encode_segment(fast, &text[pos..start], out);
            out.push(id);
            pos = start + len;
        }
        self.encode_segment(fast, &text[pos..], out);
    }

    fn encode_segment(&self, fast: &FastPath, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        let normalised = if fast.normalize {
            nfc(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        CACHE.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (owner, cache) = &mut *guard;
            if *owner != self.instance {
                cache.clear();
                *owner = self.instance;
            }
            split_words(&normalised, |word| {
                let bytes = word.as_bytes();
                if bytes.len() > CACHE_WORD_BYTES {
                    return fast.bpe.encode_word(bytes, out);
                }
                if let Some(ids) = cache.get(bytes) {
                    return out.extend_from_slice(ids);
                }
                let start = out.len();
                fast.bpe.encode_word(bytes, out);
                if cache.len() >= CACHE_WORDS {
                    cache.clear();
                }
                cache.insert(bytes.into(), out[start..].into());
            });
        });
    }
}

/// The leftmost special token at or after `from`, the longest one on ties: (start, len, id).
fn next_special(
    specials: &[(String, u32)],
    text: &str,
    from: usize,
) -> Option<(usize, usize, u32)> {
    let hay = &text.as_bytes()[from..];
    let mut best: Option<(usize, usize, u32)> = None;
    for (tok, id) in specials {
        if let Some(i) = memchr::memmem::find(hay, tok.as_bytes()) {
            let cand = (from + i, tok.len(), *id);
            // `specials` is sorted longest first, so only a strictly earlier start wins.
            if best.is_none_or(|b| cand.0 < b.0) {
                best = Some(cand);
            }
        }
    }
    best
}

/// The fast path when `tokenizer.json` is one it reproduces exactly, else the reason it is not.
fn fast_path(v: &Value) -> Result<Result<FastPath, String>, TokError> {
    let normalize = match v.get("normalizer") {
        None | Some(Value::Null) => false,
        Some(n) if n.get("type").and_then(Value::as_str) == Some("NFC") => true,
        Some(_) => return Ok(Err("normalizer is not NFC".into())),
    };
    for field in ["truncation", "padding"] {
        if !v.get(field).is_none_or(Value::is_null) {
            return Ok(Err(format!("{field} is set")));
        }
    }
    if !pre_tokenizer_is_ours(v.get("pre_tokenizer")) {
        return Ok(Err("pre_tokenizer is not minga's split + byte level".into()));
    }
    let mut specials = Vec::new();
    for t in v
        .get("added_tokens")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let flag = |k: &str| t.get(k).and_then(Value::as_bool).unwrap_or(false);
        if !flag("special")
            || flag("normalized")
            || flag("lstrip")
            || flag("rstrip")
            || flag("single_word")
        {
            return Ok(Err("an added token is not a plain special token".into()));
        }
        let content = t.get("content").and_then(Value::as_str).unwrap_or_default();
        let id = t
            .get("id")
            .and_then(Value::as_u64)
            .and_then(|i| u32::try_from(i).ok());
        match id {
            Some(id) if !content.is_empty() => specials.push((content.to_string(), id)),
            _ => {
                return Err(TokError::Tokenizer(format!(
                    "added token {t} has no content or id"
                )))
            }
        }
    }
    specials.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    let model = v
        .get("model")
        .ok_or_else(|| TokError::Tokenizer("no model".into()))?;
    Ok(BpeTables::from_model(model)?.map(|bpe| FastPath {
        bpe,
        normalize,
        specials,
    }))
}

fn pre_tokenizer_is_ours(p: Option<&Value>) -> bool {
    let Some(list) = p
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("Sequence"))
        .and_then(|p| p.get("pretokenizers"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    let [split, byte_level] = list.as_slice() else {
        return false;
    };
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let b = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool);
    s(split, "type").as_deref() == Some("Split")
        && split
            .get("pattern")
            .and_then(|p| p.get("Regex"))
            .and_then(Value::as_str)
            == Some(SPLIT_PATTERN)
        && s(split, "behavior").as_deref() == Some("Isolated")
        && b(split, "invert") == Some(false)
        && s(byte_level, "type").as_deref() == Some("ByteLevel")
        && b(byte_level, "add_prefix_space") == Some(false)
        && b(byte_level, "use_regex") == Some(false)
}

#[cfg(test)]
pub(crate) mod tests;
