//! The data card's figures for one part, gathered by the stage that writes the part while it has
//! the rows in hand: `minga report` and `minga status` then sum small per-part tables from the
//! part manifests instead of reading every shard again (seconds at any corpus size).
//!
//! Documents are tallied per [`Group`] (language, source, country, consent, contact, licence):
//! every breakdown the card shows, including one restricted to some licences, is a sum over
//! groups. The sums do not depend on thread or batch count.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::document::{Columns, Document};
use crate::genre::{classify, Genre};

/// Word-count histogram size: bin k holds documents with 2^k <= words < 2^(k+1) (bin 0: 0-1).
pub const LENGTH_BINS: usize = 24;

/// The fields a document is grouped by (as stored: `None` where the shard has no value).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Group {
    pub lang: Option<String>,
    pub source: String,
    pub country: Option<String>,
    pub consent: Option<String>,
    pub contact: Option<String>,
    pub licence: Option<String>,
}

impl Group {
    pub fn of(d: &Document) -> Self {
        Group {
            lang: d.lang.clone(),
            source: d.source.clone(),
            country: d.country.clone(),
            consent: d.consent.clone(),
            contact: d.contact.clone(),
            licence: d.licence.clone(),
        }
    }
}

/// What the card counts of the documents of one group.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct GroupStats {
    #[serde(flatten)]
    pub group: Group,
    pub docs: u64,
    pub words: u64,
    /// Tokens, from the export (0 in document stages).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tokens: u64,
    pub religious: u64,
    pub legal: u64,
    /// Word-count histogram bin -> documents (bins as in [`LENGTH_BINS`], empty bins left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub length_bins: BTreeMap<u8, u64>,
    /// PII type -> matches.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pii: BTreeMap<String, u64>,
    /// Duplicate cluster size -> documents.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dup_clusters: BTreeMap<u32, u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The per-group figures of one part (or of several, merged).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PartStats {
    /// Sorted by group.
    pub groups: Vec<GroupStats>,
}

/// The costly per-document measures, made in parallel before the tally.
#[derive(Clone, Copy)]
pub struct Measure {
    pub words: u64,
    pub genre: Genre,
}

impl Measure {
    pub fn of(text: &str) -> Self {
        Measure {
            words: count_words(text),
            genre: classify(text),
        }
    }
}

/// Sums per group as documents arrive; [`Tally::finish`] gives the sorted [`PartStats`].
#[derive(Debug, Default, Clone)]
pub struct Tally {
    groups: BTreeMap<Group, GroupStats>,
}

impl Tally {
    /// Adds a batch of documents with the shard's column groups (PII names) and each one's
    /// tokens; the texts are measured in parallel.
    pub fn add_batch(
        &mut self,
        docs: &[Document],
        cols: &Columns,
        tokens: impl Fn(&Document) -> u64,
    ) {
        let measured: Vec<Measure> = docs.par_iter().map(|d| Measure::of(&d.text)).collect();
        for (d, m) in docs.iter().zip(measured) {
            self.add(d, m, cols, tokens(d));
        }
    }

    /// Adds one document, already measured, with its `tokens`.
    pub fn add(&mut self, d: &Document, m: Measure, cols: &Columns, tokens: u64) {
        let g = self.entry(Group::of(d));
        g.docs += 1;
        g.words += m.words;
        g.tokens += tokens;
        g.religious += u64::from(m.genre.religious);
        g.legal += u64::from(m.genre.legal);
        *g.length_bins.entry(length_bin(m.words)).or_default() += 1;
        for (name, n) in cols.pii.iter().zip(&d.pii) {
            *g.pii.entry(name.clone()).or_default() += u64::from(*n);
        }
        if let Some(c) = d.dup_cluster_size {
            *g.dup_clusters.entry(c).or_default() += 1;
        }
    }

    /// Adds one document of `group` with its `tokens`, without measuring its text: what the
    /// export knows of a document.
    pub fn add_tokens(&mut self, group: Group, tokens: u64) {
        let g = self.entry(group);
        g.docs += 1;
        g.tokens += tokens;
    }

    fn entry(&mut self, key: Group) -> &mut GroupStats {
        self.groups.entry(key).or_insert_with_key(|k| GroupStats {
            group: k.clone(),
            ..GroupStats::default()
        })
    }

    pub fn finish(self) -> PartStats {
        PartStats {
            groups: self.groups.into_values().collect(),
        }
    }
}

impl PartStats {
    /// The figures of the documents of a shard, read back (a part rewritten in place, or one
    /// whose manifest predates these figures), with each document's `tokens`.
    pub fn of_shard(
        path: &std::path::Path,
        tokens: impl Fn(&Document) -> u64,
    ) -> Result<Self, crate::ManifestError> {
        let mut r = crate::ShardReader::open(path)?;
        let mut tally = Tally::default();
        while let Some((docs, cols)) = r.next_batch()? {
            tally.add_batch(&docs, &cols, &tokens);
        }
        Ok(tally.finish())
    }

    /// Adds every group of `other` to these.
    pub fn merge(&mut self, other: &PartStats) {
        let mut all: BTreeMap<Group, GroupStats> = std::mem::take(&mut self.groups)
            .into_iter()
            .map(|g| (g.group.clone(), g))
            .collect();
        for o in &other.groups {
            let g = all.entry(o.group.clone()).or_insert_with(|| GroupStats {
                group: o.group.clone(),
                ..GroupStats::default()
            });
            g.docs += o.docs;
            g.words += o.words;
            g.tokens += o.tokens;
            g.religious += o.religious;
            g.legal += o.legal;
            add_maps(&mut g.length_bins, &o.length_bins);
            add_maps(&mut g.pii, &o.pii);
            add_maps(&mut g.dup_clusters, &o.dup_clusters);
        }
        self.groups = all.into_values().collect();
    }
}

fn add_maps<K: Ord + Clone>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_default() += v;
    }
}

/// The histogram bin of a document of `words` words (the last bin takes everything longer).
pub fn length_bin(words: u64) -> u8 {
    let bin = (64 - words.leading_zeros()).saturating_sub(1) as usize;
    bin.min(LENGTH_BINS - 1) as u8
}

/// `text.split_whitespace().count()`, a byte at a time: only the lead bytes of the multi-byte
/// whitespace characters (U+0085 … U+3000) are decoded.
pub fn count_words(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut i) = (0u64, false, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        let (space, len) = match b {
            0..=0x7f => (ASCII_SPACE[b as usize], 1),
            // `i` is on a character boundary: these are lead bytes.
            0xc2 | 0xe1 | 0xe2 | 0xe3 => match text[i..].chars().next() {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => (false, 1),
            },
            _ => (false, 1),
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        i += len;
    }
    words
}

const ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8 as char).is_ascii_whitespace() || c == 0x0b;
        c += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_counts_equal_split_whitespace_for_every_whitespace_character() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert!(spaces.len() > 20);
        for s in &spaces {
            let text = format!("ñandu{s}árbol{s}{s}\u{1F600}x y\u{00A9}z{s}");
            assert_eq!(
                count_words(&text),
                text.split_whitespace().count() as u64,
                "{:?}",
                s
            );
        }
        for text in [
            "",
            "   ",
            "uno",
            " a\u{0085}b\u{1680}c\u{2029}d\u{3000}e\u{200B}f ",
        ] {
            assert_eq!(count_words(text), text.split_whitespace().count() as u64);
        }
    }

    #[test]
    fn tallies_merge_to_the_tally_of_all_documents() {
        let doc = |lang: &str, text: &str, dup: Option<u32>| Document {
            lang: Some(lang.into()),
            source: "web".into(),
            text: text.into(),
            pii: vec![1, 0],
            dup_cluster_size: dup,
            ..Document::default()
        };
        let cols = Columns {
            pii: vec!["email".into(), "phone".into()],
            ..Columns::default()
        };
        let docs = vec![
            doc("spa", "Artículo 1. Toda persona", Some(2)),
            doc("que", "Allin p'unchay", None),
            doc("spa", "Juan 3:16 dice así", Some(2)),
        ];
        let mut whole = Tally::default();
        whole.add_batch(&docs, &cols, |_| 0);
        let whole = whole.finish();
        let (mut a, mut b) = (Tally::default(), Tally::default());
        a.add_batch(&docs[..1], &cols, |_| 0);
        b.add_batch(&docs[1..], &cols, |_| 0);
        let mut merged = a.finish();
        merged.merge(&b.finish());
        assert_eq!(merged, whole);
        let spa = &whole.groups[1];
        assert_eq!(spa.group.lang.as_deref(), Some("spa"));
        assert_eq!(
            (spa.docs, spa.words, spa.religious, spa.legal),
            (2, 8, 1, 1)
        );
        assert_eq!(spa.pii.get("email"), Some(&2));
        assert_eq!(spa.dup_clusters.get(&2), Some(&2));
        assert_eq!(spa.length_bins.get(&2), Some(&2));
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<PartStats>(&json).unwrap(), whole);
    }
}
