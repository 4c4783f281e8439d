//! The signatures step: one document in, its exact key, MinHash signature and band keys out.

use super::buckets::{BandEntry, DocInfo};
use super::minhash::{band_keys, MinHasher};
use super::normalise::{exact_key_normalised, normalise_into};
use super::shingles::shingle_hashes_into;
use super::{DedupError, DedupParams};

/// Everything the later steps need from one document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSketch {
    pub doc: DocInfo,
    /// [`super::exact_key`] of the text.
    pub exact: u128,
    /// MinHash signature; empty when near-dup detection is off for this document or it has no
    /// words (such a document can still be an exact duplicate).
    pub signature: Vec<u32>,
    /// One key per band, empty exactly when `signature` is.
    pub band_keys: Vec<u64>,
}

impl DocSketch {
    /// The document's row in the exact table.
    pub fn exact_entry(&self) -> BandEntry {
        BandEntry {
            bucket: self.exact,
            doc: self.doc,
        }
    }

    /// The document's row in band table `band`, if it takes part in near-dup detection.
    pub fn band_entry(&self, band: usize) -> Option<BandEntry> {
        self.band_keys.get(band).map(|&k| BandEntry {
            bucket: u128::from(k),
            doc: self.doc,
        })
    }
}

/// Sketches documents one after another, reusing its buffers (one per thread).
pub struct Sketcher {
    hasher: MinHasher,
    normalised: String,
    starts: Vec<usize>,
    shingles: Vec<u64>,
}

impl Sketcher {
    pub fn new(params: DedupParams) -> Result<Self, DedupError> {
        params.validate()?;
        Ok(Self::with_hasher(MinHasher::new(params)))
    }

    /// A sketcher over a given hasher (e.g. one forced to a kernel).
    pub fn with_hasher(hasher: MinHasher) -> Self {
        Sketcher {
            hasher,
            normalised: String::new(),
            starts: Vec::new(),
            shingles: Vec::new(),
        }
    }

    pub fn hasher(&self) -> &MinHasher {
        &self.hasher
    }

    /// Sketch of one document. `near_dup: false` (the per-language switch) gives only the exact key.
    pub fn sketch(&mut self, doc: DocInfo, text: &str, near_dup: bool) -> DocSketch {
        normalise_into(text, &mut self.normalised);
        let exact = exact_key_normalised(&self.normalised);
        let p = *self.hasher.params();
        let (mut signature, mut keys) = (Vec::new(), Vec::new());
        if near_dup {
            shingle_hashes_into(
                &self.normalised,
                p.ngram,
                &mut self.starts,
                &mut self.shingles,
            );
            if !self.shingles.is_empty() {
                self.hasher.signature_into(&self.shingles, &mut signature);
                keys = band_keys(&signature, p.bands, p.rows);
            }
        }
        DocSketch {
            doc,
            exact,
            signature,
            band_keys: keys,
        }
    }

    /// Normalised text and shingles of the last sketched document (for diagnostics and tests).
    pub fn last_shingles(&self) -> &[u64] {
        &self.shingles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{exact_key, Kernel};

    #[test]
    fn sketch_has_exact_key_signature_and_bands() {
        let mut s = Sketcher::new(DedupParams::default()).unwrap();
        let doc = DocInfo::new(1, 2, 0.5);
        let text = "Ñande ñe'ẽ ha'e avañe'ẽ, ñe'ẽ porã ha ñe'ẽ tee.";
        let sk = s.sketch(doc, text, true);
        assert_eq!(sk.exact, exact_key(text));
        assert_eq!(sk.signature.len(), 112);
        assert_eq!(sk.band_keys.len(), 14);
        assert_eq!(
            sk.band_entry(3).map(|e| e.bucket),
            Some(u128::from(sk.band_keys[3]))
        );
        assert_eq!(sk.band_entry(14), None);
        assert_eq!(sk.exact_entry().doc, doc);
    }

    #[test]
    fn switch_off_and_wordless_docs_have_no_bands() {
        let mut s = Sketcher::new(DedupParams::default()).unwrap();
        let doc = DocInfo::new(1, 2, 0.5);
        let off = s.sketch(doc, "Allin p'unchay kuyasqa turay", false);
        assert!(off.signature.is_empty() && off.band_keys.is_empty());
        let empty = s.sketch(doc, " ¡¿...?! ", true);
        assert!(empty.band_keys.is_empty());
        assert_eq!(empty.exact, exact_key(""));
    }

    #[test]
    fn kernel_choice_does_not_change_sketches() {
        let p = DedupParams::default();
        let mut scalar = Sketcher::with_hasher(MinHasher::with_kernel(p, Kernel::Scalar));
        let mut best = Sketcher::new(p).unwrap();
        let doc = DocInfo::new(1, 2, 0.5);
        let text = "O rio corre para o mar e o mar não se enche; o vento vai e volta.";
        assert_eq!(scalar.sketch(doc, text, true), best.sketch(doc, text, true));
    }
}
