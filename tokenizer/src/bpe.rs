//! Byte-level BPE merging, read straight from a `tokenizer.json` model.
//!
//! The merge loop is the same as HF's (`Word::merge_all`): a heap of candidate merges ordered by
//! merge rank, then position; a stale entry (its left symbol merged away, or its pair changed) is
//! skipped. Same order of merges, so the same ids; a word costs O(n log n) even when it is a
//! megabyte long. Symbols are token ids over raw bytes, so no byte-level string is ever built.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde_json::Value;

use crate::hash::WordHash;
use crate::pretok::byte_chars;
use crate::TokError;

/// Why a model cannot take the fast path (the encoder then uses HF's own code).
pub(crate) type Unsupported = String;

pub(crate) struct BpeTables {
    byte_ids: [u32; 256],
    /// (left id, right id) packed into a u64 → (rank, merged id).
    merges: HashMap<u64, (u32, u32), WordHash>,
    /// Whole-word lookup for models with `ignore_merges` (raw bytes → id).
    whole_words: Option<HashMap<Vec<u8>, u32, WordHash>>,
}

fn key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl BpeTables {
    /// Builds the tables from the `model` object of a `tokenizer.json`.
    pub(crate) fn from_model(model: &Value) -> Result<Result<Self, Unsupported>, TokError> {
        if model.get("type").and_then(Value::as_str) != Some("BPE") {
            return Ok(Err("model is not BPE".into()));
        }
        for (field, fine) in [
            ("dropout", Value::is_null as fn(&Value) -> bool),
            ("continuing_subword_prefix", Value::is_null),
            ("end_of_word_suffix", Value::is_null),
            ("byte_fallback", |v: &Value| v.as_bool() != Some(true)),
        ] {
            if !model.get(field).is_none_or(fine) {
                return Ok(Err(format!("model.{field} is set")));
            }
        }
        let vocab: HashMap<&str, u32> = match model.get("vocab").and_then(Value::as_object) {
            Some(v) => v
                .iter()
                .map(|(k, id)| {
                    Ok((
                        k.as_str(),
                        id.as_u64()
                            .and_then(|i| u32::try_from(i).ok())
                            .ok_or_else(|| TokError::Tokenizer(format!("vocab id of {k:?}")))?,
                    ))
                })
                .collect::<Result<_, TokError>>()?,
            None => return Err(TokError::Tokenizer("model.vocab missing".into())),
        };
        let chars = byte_chars();
        let mut byte_ids = [0u32; 256];
        for (b, slot) in byte_ids.iter_mut().enumerate() {
            match vocab.get(chars[b].to_string().as_str()) {
                Some(id) => *slot = *id,
                None => return Ok(Err(format!("byte {b:#04x} has no token"))),
            }
        }
        let merges = parse_merges(model, &vocab)?;
        let whole_words = if model.get("ignore_merges").and_then(Value::as_bool) == Some(true) {
            Some(
                vocab
                    .iter()
                    .filter_map(|(tok, id)| Some((from_byte_level(tok)?, *id)))
                    .collect(),
            )
        } else {
            None
        };
        Ok(Ok(BpeTables {
            byte_ids,
            merges,
            whole_words,
        }))
    }

    /// Appends the ids of one pre-token (raw bytes) to `out`.
    pub(crate) fn encode_word(&self, word: &[u8], out: &mut Vec<u32>) {
        if let Some(id) = self.whole_words.as_ref().and_then(|w| w.get(word)) {
            out.push(*id);
            return;
        }
        match word.len() {
            0 => {}
            1 => out.push(self.byte_ids[usize::from(word[0])]),
            _ => self.merge_all(word, out),
        }
    }

    fn merge_all(&self, word: &[u8], out: &mut Vec<u32>) {
        let n = word.len();
        // Per symbol: id, previous and next live symbol (usize::MAX = none), alive flag.
        let mut ids: Vec<u32> = word
            .iter()
            .map(|b| self.byte_ids[usize::from(*b)])
            .collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut next: Vec<usize> = (1..=n)
            .map(|i| if i == n { usize::MAX } else { i })
            .collect();
        let mut alive = vec![true; n];
        let mut heap: BinaryHeap<Reverse<(u32, usize, u32)>> = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            if let Some(&(rank, new_id)) = self.merges.get(&key(ids[i], ids[i + 1])) {
                heap.push(Reverse((rank, i, new_id)));
            }
        }
        while let Some(Reverse((_, pos, new_id))) = heap.pop() {
            let right = next[pos];
            if !alive[pos] || right == usize::MAX {
                continue;
            }
            match self.merges.get(&key(ids[pos], ids[right])) {
                Some(&(_, id)) if id == new_id => {}
                _ => continue,
            }
            ids[pos] = new_id;
            alive[right] = false;
            next[pos] = next[right];
            if next[pos] != usize::MAX {
                prev[next[pos]] = pos;
            }
            let p = prev[pos];
            if p != usize::MAX {
                if let Some(&(rank, id)) = self.merges.get(&key(ids[p], new_id)) {
                    heap.push(Reverse((rank, p, id)));
                }
            }
            let nx = next[pos];
            if nx != usize::MAX {
                if let Some(&(rank, id)) = self.merges.get(&key(new_id, ids[nx])) {
                    heap.push(Reverse((rank, pos, id)));
                }
            }
        }
        let mut i = 0;
        while i != usize::MAX {
            out.push(ids[i]);
            i = next[i];
        }
    }
}

/// Merges as `["a", "b"]` pairs (current format) or `"a b"` strings (older files); a later duplicate
/// replaces an earlier one, as in HF.
fn parse_merges(
    model: &Value,
    vocab: &HashMap<&str, u32>,
) -> Result<HashMap<u64, (u32, u32), WordHash>, TokError> {
    let list = model
        .get("merges")
        .and_then(Value::as_array)
        .ok_or_else(|| TokError::Tokenizer("model.merges missing".into()))?;
    let mut merges = HashMap::with_capacity_and_hasher(list.len(), WordHash);
    for (rank, m) in list.iter().enumerate() {
        let (a, b) = match m {
            Value::Array(p) if p.len() == 2 => (
                p[0].as_str().unwrap_or_default(),
                p[1].as_str().unwrap_or_default(),
            ),
            Value::String(s) => s.split_once(' ').unwrap_or((s.as_str(), "")),
            _ => {
                return Err(TokError::Tokenizer(format!(
                    "merge {rank} is neither a pair nor a string"
                )))
            }
        };
        let id = |t: &str| {
            vocab.get(t).copied().ok_or_else(|| {
                TokError::Tokenizer(format!("merge {rank}: token {t:?} not in vocab"))
            })
        };
        let merged = format!("{a}{b}");
        merges.insert(key(id(a)?, id(b)?), (rank as u32, id(&merged)?));
    }
    Ok(merges)
}

/// Raw bytes of a byte-level token; None for a token outside the byte alphabet (e.g. a special).
fn from_byte_level(token: &str) -> Option<Vec<u8>> {
    let chars = byte_chars();
    token
        .chars()
        .map(|c| chars.iter().position(|&x| x == c).map(|b| b as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(merges: &[(&str, &str)], ignore_merges: bool) -> BpeTables {
        let chars = byte_chars();
        let mut vocab = serde_json::Map::new();
        for (i, c) in chars.iter().enumerate() {
            vocab.insert(c.to_string(), (i as u64).into());
        }
        for (a, b) in merges {
            let n = vocab.len() as u64;
            vocab.entry(format!("{a}{b}")).or_insert(n.into());
        }
        let model = serde_json::json!({"type": "BPE", "vocab": vocab, "merges": merges, "ignore_merges": ignore_merges});
        BpeTables::from_model(&model).unwrap().unwrap()
    }

    #[test]
    fn merges_lowest_rank_first_and_leftmost_on_ties() {
        let t = tables(&[("a", "a"), ("aa", "a"), ("ñ", "e")], false);
        let mut out = Vec::new();
        t.encode_word(b"aaaaa", &mut out);
        // Ranks: aa (256) first at 0 and 2, then aa+a is impossible (aa aa a → (aa,aa) unknown,
        // (aa,a) at 2) → aa, aaa.
        assert_eq!(out, vec![256, 257]);
        out.clear();
        t.encode_word("ñe".as_bytes(), &mut out);
        // "ñ" is two bytes (Ã±) with no merge between them, so nothing applies.
        assert_eq!(out, vec![0xC3, 0xB1, u32::from(b'e')]);
    }

    #[test]
    fn ignore_merges_takes_whole_words_from_the_vocab() {
        let t = tables(&[("a", "b"), ("ab", "c")], true);
        let mut out = Vec::new();
        t.encode_word(b"abc", &mut out);
        assert_eq!(out, vec![257]);
        let plain = tables(&[("b", "c"), ("a", "b")], false);
        out.clear();
        plain.encode_word(b"abc", &mut out);
        assert_eq!(out, vec![u32::from(b'a'), 256]);
    }
}
