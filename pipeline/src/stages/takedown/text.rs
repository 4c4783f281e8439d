//! Passages of a takedown request and the near-copy test.
//!
//! A document is withdrawn with a passage when it *contains* a near-copy of it: the measure is
//! containment, |S(passage) ∩ S(doc)| / |S(passage)| over word 5-gram shingles of the text as
//! dedup normalises it (`minga_filters::dedup`), at [`CONTAINMENT`] = 0.8. Containment rather than
//! Jaccard because a republished story usually sits inside a longer page (menus, comments, other
//! stories): its Jaccard with the passage falls with the page's length, its containment does not.
//! 0.8 of 5-gram shingles tolerates about one edited word in twenty-five (each edit breaks up to
//! five shingles) and is the threshold dedup verifies near-duplicates with.
//!
//! Candidates come from a MinHash sketch: the passage's [`SKETCH`] smallest shingle hashes (a
//! bottom-k MinHash). The share of them a document holds estimates the containment; documents
//! whose estimate is within [`SLACK`] of the threshold are verified exactly. Passages are stored
//! in the workdir as shingle hashes only, so the withdrawn text itself is not kept there.

use anyhow::{bail, Result};
use minga_filters::dedup::{normalise, shingle_hashes};
use serde::{Deserialize, Serialize};

/// Words per shingle (dedup's default n-gram).
pub const NGRAM: usize = 5;
/// Containment a document must reach with a passage.
pub const CONTAINMENT: f32 = 0.8;
/// Bottom-k sketch size.
pub const SKETCH: usize = 64;
/// How far below the threshold a sketch estimate may fall and still be verified (the estimate's
/// standard error at k = 64 is at most 0.0625).
pub const SLACK: f32 = 0.25;
/// Shorter passages are refused: a match of a few words is a common phrase, not a copy.
pub const MIN_SHINGLES: usize = 10;

/// One passage, as sorted distinct shingle hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// `file.txt` or `file.txt#2` for the second passage of a file.
    pub name: String,
    pub shingles: Vec<u64>,
}

impl Passage {
    /// The passages of one text file: `---` alone on a line separates them.
    pub fn split(body: &str, file: &str) -> Result<Vec<Passage>> {
        let mut chunks = vec![String::new()];
        for line in body.lines() {
            if line.trim() == "---" {
                chunks.push(String::new());
            } else if let Some(c) = chunks.last_mut() {
                c.push_str(line);
                c.push('\n');
            }
        }
        let chunks: Vec<String> = chunks
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .collect();
        if chunks.is_empty() {
            bail!("{file} holds no text");
        }
        let many = chunks.len() > 1;
        let mut out = Vec::new();
        for (i, c) in chunks.iter().enumerate() {
            let name = if many {
                format!("{file}#{}", i + 1)
            } else {
                file.to_string()
            };
            let shingles = shingle_set(c);
            if shingles.len() < MIN_SHINGLES {
                bail!(
                    "{name}: a passage of {} words is too short to identify a copy (at least {} words)",
                    c.split_whitespace().count(),
                    MIN_SHINGLES + NGRAM - 1
                );
            }
            out.push(Passage { name, shingles });
        }
        Ok(out)
    }

    fn sketch(&self) -> &[u64] {
        &self.shingles[..self.shingles.len().min(SKETCH)]
    }
}

/// Sorted, distinct shingle hashes of a text.
pub fn shingle_set(text: &str) -> Vec<u64> {
    let mut s = shingle_hashes(&normalise(text), NGRAM);
    s.sort_unstable();
    s.dedup();
    s
}

/// Share of `passage` (sorted) found in `doc` (sorted).
pub fn containment(passage: &[u64], doc: &[u64]) -> f32 {
    if passage.is_empty() {
        return 0.0;
    }
    let common = minga_filters::dedup::common_count(passage, doc);
    common as f32 / passage.len() as f32
}

/// Every passage of a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PassageSet {
    pub passages: Vec<Passage>,
}

impl PassageSet {
    pub fn new(passages: Vec<Passage>) -> Self {
        PassageSet { passages }
    }

    /// The first passage `text` holds a near-copy of, with the measured containment.
    pub fn matches(&self, text: &str) -> Option<String> {
        if self.passages.is_empty() || text.is_empty() {
            return None;
        }
        let doc = shingle_set(text);
        for p in &self.passages {
            let sketch = p.sketch();
            let hits = sketch
                .iter()
                .filter(|h| doc.binary_search(h).is_ok())
                .count();
            if (hits as f32) < (CONTAINMENT - SLACK) * sketch.len() as f32 {
                continue;
            }
            let c = containment(&p.shingles, &doc);
            if c >= CONTAINMENT {
                return Some(format!("text {} (containment {c:.2})", p.name));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Kay willakuyqa ñawpa pachamanta hamun. Huk runa mayu patapi tiyaq, \
        sapa punchaw challwakuq, wawankunapaq mikhuyta apamuq. Huk punchawmi mayu hatunyarqa \
        chaymanta runaqa urquman wicharqa llaqtanta qispichinanpaq. Tutamanta llaqta runakuna \
        huñunakurqanku, mikhuyta rakinakurqanku, hinaspa huk wasita musuqmanta sayarichirqanku \
        mayu karupi, chaypi kunankama tiyanku wawankunawan kusisqa.";

    #[test]
    fn a_copy_inside_a_longer_page_matches_and_an_edited_one_too() {
        let set = PassageSet::new(Passage::split(STORY, "story.txt").unwrap());
        let page = format!("Inicio | Noticias | Contacto\n\n{STORY}\n\nComentarios (3) ...");
        assert!(set.matches(&page).is_some());
        let edited = STORY.replace("challwakuq", "challwaq");
        assert!(set.matches(&edited).is_some());
        let other = "La comunidad se reunió para la minga de la cosecha de maíz en la chacra \
            del abuelo, y después hubo fiesta en la plaza del pueblo con música y comida.";
        assert!(set.matches(other).is_none());
        // Half the story is not a near-copy of it.
        let half: String = STORY.chars().take(STORY.len() / 2).collect();
        assert!(set.matches(&half).is_none());
    }

    #[test]
    fn passages_split_and_short_ones_are_refused() {
        let two = format!("{STORY}\n---\n{STORY} {STORY}");
        assert_eq!(Passage::split(&two, "f.txt").unwrap().len(), 2);
        assert!(Passage::split("muy corto", "f.txt").is_err());
        assert!(Passage::split("\n---\n", "f.txt").is_err());
    }
}
