//! Counting pre-tokenised words in parallel with bounded memory.
//!
//! Documents are buffered into batches of about `batch_bytes`; a full batch is normalised (NFC),
//! split into pre-tokens and counted on the rayon pool (per-thread tables, then summed), and the
//! sums go into one table keyed by the word as written. When that table grows past `max_words`
//! entries, the rarest words are dropped: the smallest threshold `t` such that at most
//! `max_words / 2` words have a count ≥ `t` is found from a histogram, and every word below `t` goes.
//! Batches are cut only by the order of documents, never by threads, so the counts (and what is
//! pruned) are the same for any thread count. The byte-level spelling is made once per distinct word
//! at the end, not once per occurrence.

use std::collections::HashMap;

use ahash::AHashMap;
use compact_str::CompactString;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hash::WordHash;
use crate::pretok::{nfc, split_words, to_byte_level};

type Table<K> = HashMap<K, u64, WordHash>;

fn new_table<K>() -> Table<K> {
    HashMap::with_hasher(WordHash)
}

/// What counting saw and dropped; goes into `release.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountStats {
    /// Documents counted, repeats included.
    pub docs: u64,
    /// Word occurrences counted, repeats included.
    pub words: u64,
    /// Distinct words handed to the trainer.
    pub distinct_words: u64,
    /// How many times the table was pruned, the last threshold, and what pruning dropped.
    pub prunes: u64,
    pub prune_threshold: u64,
    pub pruned_words: u64,
    pub pruned_occurrences: u64,
    /// Factor the counts were divided by so the trainer's 32-bit pair counts cannot overflow.
    pub count_divisor: u64,
}

/// Streams weighted documents in, hands word counts out.
pub struct WordCounter {
    table: Table<Box<str>>,
    batch: Vec<(u64, String)>,
    pending_bytes: usize,
    batch_bytes: usize,
    max_words: usize,
    stats: CountStats,
}

impl WordCounter {
    pub fn new(max_words: usize, batch_bytes: usize) -> Self {
        WordCounter {
            table: new_table(),
            batch: Vec::new(),
            pending_bytes: 0,
            batch_bytes: batch_bytes.max(1),
            max_words: max_words.max(2),
            stats: CountStats::default(),
        }
    }

    /// Adds a document that counts `weight` times.
    pub fn push(&mut self, weight: u64, text: &str) {
        if weight == 0 {
            return;
        }
        self.pending_bytes += text.len();
        self.batch.push((weight, text.to_string()));
        if self.pending_bytes >= self.batch_bytes {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.pending_bytes = 0;
        let normalised: Vec<(u64, std::borrow::Cow<'_, str>)> =
            batch.par_iter().map(|(w, t)| (*w, nfc(t))).collect();
        // A few chunks per thread: enough to balance the load, few enough that merging the
        // per-chunk tables stays cheap. The sums do not depend on how the chunks fall.
        let chunk = normalised
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1);
        let tables: Vec<Table<&str>> = normalised
            .par_chunks(chunk)
            .map(|docs| {
                let mut local = new_table::<&str>();
                for (weight, text) in docs {
                    split_words(text, |w| *local.entry(w).or_insert(0) += weight);
                }
                local
            })
            .collect();
        let counted = tables.into_iter().fold(new_table::<&str>(), merge_tables);
        self.stats.docs += batch.iter().map(|(w, _)| *w).sum::<u64>();
        for (word, n) in counted {
            self.stats.words += n;
            match self.table.get_mut(word) {
                Some(c) => *c += n,
                None => {
                    self.table.insert(word.into(), n);
                }
            }
        }
        if self.table.len() > self.max_words {
            self.prune();
        }
    }

    /// Drops the rarest words so that at most `max_words / 2` remain.
    fn prune(&mut self) {
        let keep = self.max_words / 2;
        let mut counts: Vec<u64> = self.table.values().copied().collect();
        // The keep-th largest count; words at or above it stay, unless ties push past `keep`, in
        // which case the threshold goes one higher.
        let idx = counts.len() - keep;
        let (_, kth, _) = counts.select_nth_unstable(idx);
        let mut threshold = *kth;
        if self.table.values().filter(|&&c| c >= threshold).count() > keep {
            threshold += 1;
        }
        let before = self.table.len();
        let mut dropped = 0u64;
        self.table.retain(|_, c| {
            let stay = *c >= threshold;
            if !stay {
                dropped += *c;
            }
            stay
        });
        self.stats.prunes += 1;
        self.stats.prune_threshold = threshold;
        self.stats.pruned_words += (before - self.table.len()) as u64;
        self.stats.pruned_occurrences += dropped;
    }

    /// Counts the last batch and returns the counts in byte-level spelling, ready for the trainer.
    pub fn finish(mut self) -> (AHashMap<CompactString, u64>, CountStats) {
        if !self.batch.is_empty() {
            self.flush();
        }
        let divisor = trainer_divisor(&self.table);
        // Converted one word at a time so only the source table and the result are ever in memory.
        let mut out = AHashMap::with_capacity(self.table.len());
        for (w, c) in self.table {
            // The byte-level map is a bijection, so two words never collide here.
            *out.entry(CompactString::from(to_byte_level(&w)))
                .or_insert(0) += (c / divisor).max(1);
        }
        self.stats.distinct_words = out.len() as u64;
        self.stats.count_divisor = divisor;
        (out, self.stats)
    }
}

fn merge_tables<'a>(mut a: Table<&'a str>, b: Table<&'a str>) -> Table<&'a str> {
    let (mut big, small) = if a.len() >= b.len() {
        (a, b)
    } else {
        (b, std::mem::take(&mut a))
    };
    for (k, v) in small {
        *big.entry(k).or_insert(0) += v;
    }
    big
}

/// HF's BPE trainer keeps pair counts in `i32`. A pair occurs at most once per byte of a word, so
/// the sum of `count × bytes` bounds every pair count; counts are divided down until it fits.
fn trainer_divisor(table: &Table<Box<str>>) -> u64 {
    let bound: u128 = table
        .iter()
        .map(|(w, c)| u128::from(*c) * w.len() as u128)
        .sum();
    let limit = i32::MAX as u128 / 2;
    if bound <= limit {
        1
    } else {
        bound.div_ceil(limit) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(
        docs: &[(u64, &str)],
        max_words: usize,
        batch_bytes: usize,
    ) -> (Vec<(String, u64)>, CountStats) {
        let mut c = WordCounter::new(max_words, batch_bytes);
        for (w, t) in docs {
            c.push(*w, t);
        }
        let (table, stats) = c.finish();
        let mut v: Vec<(String, u64)> =
            table.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        v.sort();
        (v, stats)
    }

    #[test]
    fn counts_weighted_byte_level_words() {
        let (v, stats) = count(
            &[(1, "Allin p'unchay, allin p'unchay"), (3, "allin")],
            100,
            8,
        );
        let get = |w: &str| v.iter().find(|(k, _)| k == w).map(|x| x.1);
        assert_eq!(get("Allin"), Some(1));
        assert_eq!(get("allin"), Some(3));
        assert_eq!(get("Ġallin"), Some(1));
        assert_eq!(get("Ġp'unchay"), Some(2));
        assert_eq!(get(","), Some(1));
        assert_eq!(stats.docs, 4);
        assert_eq!(stats.words, 8);
        assert_eq!(stats.count_divisor, 1);
    }

    #[test]
    fn pruning_keeps_the_frequent_words_and_is_batch_order_stable() {
        let mut docs: Vec<(u64, String)> = (0..200).map(|i| (1, format!("ñe'ẽ{i}"))).collect();
        docs.push((50, "ha che".into()));
        let refs: Vec<(u64, &str)> = docs.iter().map(|(w, t)| (*w, t.as_str())).collect();
        let (v, stats) = count(&refs, 20, 64);
        assert!(stats.prunes > 0 && stats.pruned_words > 0);
        assert!(v.len() <= 20);
        assert!(v.iter().any(|(k, c)| k == "ha" && *c == 50));
        assert!(v.iter().any(|(k, c)| k == "Ġche" && *c == 50));
        // Without pruning every word is there.
        let (all, s2) = count(&refs, 10_000, 64);
        assert_eq!(s2.prunes, 0);
        assert!(all.len() > 200);
    }

    #[test]
    fn same_counts_on_one_or_two_threads() {
        let text: Vec<String> = (0..500)
            .map(|i| format!("Mba'éichapa {i} ko’ã ára, {} kuña.", i % 7))
            .collect();
        let refs: Vec<(u64, &str)> = text.iter().map(|t| (1, t.as_str())).collect();
        let run = |n| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap();
            pool.install(|| count(&refs, 300, 512))
        };
        assert_eq!(run(1), run(2));
    }
}
