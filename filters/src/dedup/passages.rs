//! Passage search: does a document hold a given text (a story, an article), exactly or as a
//! near-copy?
//!
//! MinHash estimates Jaccard, which stays small when the passage is a tenth of the document that
//! republished it; the measure that answers "is my text in it?" is containment, `|Q ∩ D| / |Q|`
//! over word-shingle sets. An index keeps a fixed sample of every document's shingles — those whose
//! hash has its low [`SAMPLE_BITS`] bits zero, so a passage shared by two texts shares its sampled
//! shingles — and a query counts sampled hits per document before verifying the best candidates
//! on their full shingle sets.

use super::normalise::normalise_into;
use super::shingles::shingle_hashes_into;
use super::verify::common_count;

/// Word n-gram length of passage shingles: the dedup default, long enough that common phrases
/// ("de la ciudad de") rarely make a hit on their own.
pub const PASSAGE_NGRAM: usize = 5;

/// One shingle in `2^SAMPLE_BITS` is indexed (1 in 8).
pub const SAMPLE_BITS: u32 = 3;

/// True when a shingle hash belongs to the indexed sample.
pub fn is_sampled(hash: u64) -> bool {
    hash & ((1 << SAMPLE_BITS) - 1) == 0
}

/// The sorted, distinct shingle hashes of `text` (normalised as dedup does), with reusable
/// buffers.
#[derive(Default)]
pub struct PassageShingler {
    normalised: String,
    starts: Vec<usize>,
    hashes: Vec<u64>,
}

impl PassageShingler {
    /// Sorted, distinct shingles of `text`.
    pub fn shingles(&mut self, text: &str) -> Vec<u64> {
        normalise_into(text, &mut self.normalised);
        shingle_hashes_into(
            &self.normalised,
            PASSAGE_NGRAM,
            &mut self.starts,
            &mut self.hashes,
        );
        let mut out = self.hashes.clone();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Sorted, distinct sampled shingles of `text`: what the index stores for a document.
    pub fn sampled(&mut self, text: &str) -> Vec<u64> {
        let mut all = self.shingles(text);
        all.retain(|h| is_sampled(*h));
        all
    }
}

/// `|Q ∩ D| / |Q|` of two sorted, distinct shingle sets; 0 for an empty query.
pub fn containment(query: &[u64], doc: &[u64]) -> f32 {
    if query.is_empty() {
        return 0.0;
    }
    common_count(query, doc) as f32 / query.len() as f32
}

/// Fewest sampled hits a document needs to be verified for a query with `sampled` sampled
/// shingles at `min_similarity`: half of what an exact match at that similarity would give, so
/// that edits falling on sampled shingles do not hide a near-copy, and at least one.
pub fn min_hits(sampled: usize, min_similarity: f32) -> usize {
    ((sampled as f32 * min_similarity * 0.5).ceil() as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Cuentan los abuelos que en tiempos antiguos el río no tenía dueño y las \
        familias de la comunidad bajaban juntas a limpiar la acequia cada domingo de lluvia, \
        cantando mientras el agua volvía a correr por los campos de maíz y de papa";

    #[test]
    fn a_passage_inside_a_longer_text_is_contained() {
        let mut s = PassageShingler::default();
        let q = s.shingles(STORY);
        let page = format!("Inicio | Noticias | Contacto\n\n{STORY}\n\nOtra nota: el mercado abre el lunes con precios nuevos para los productores de la zona alta.");
        let d = s.shingles(&page);
        assert_eq!(containment(&q, &d), 1.0);
        // Jaccard is far lower: the reason the search does not use it.
        assert!(super::super::exact_jaccard(&q, &d) < 0.7);
    }

    #[test]
    fn edits_lower_containment_and_other_text_scores_nothing() {
        let mut s = PassageShingler::default();
        let q = s.shingles(STORY);
        let edited = STORY.replace("domingo", "sábado").replace("maíz", "trigo");
        let c = containment(&q, &s.shingles(&edited));
        assert!(c > 0.6 && c < 1.0, "{c}");
        let other = "O mercado de sábado abre cedo e as famílias trazem frutas, farinha e peixe do rio para vender na praça.";
        assert_eq!(containment(&q, &s.shingles(other)), 0.0);
        assert_eq!(containment(&[], &q), 0.0);
    }

    #[test]
    fn the_sample_is_the_same_subset_in_every_text() {
        let mut s = PassageShingler::default();
        let all = s.shingles(STORY);
        let sampled = s.sampled(STORY);
        assert!(sampled.iter().all(|h| all.contains(h) && is_sampled(*h)));
        let expected = all.iter().filter(|h| is_sampled(**h)).count();
        assert_eq!(sampled.len(), expected);
        let page = format!("{STORY} y así termina la historia que contaban.");
        let in_page = s.sampled(&page);
        assert!(sampled.iter().all(|h| in_page.contains(h)));
    }

    #[test]
    fn min_hits_is_at_least_one_and_grows_with_the_passage() {
        assert_eq!(min_hits(0, 0.8), 1);
        assert_eq!(min_hits(1, 0.8), 1);
        assert_eq!(min_hits(10, 0.8), 4);
        assert_eq!(min_hits(100, 0.5), 25);
    }
}
