//! The trained model: quantised per-bucket class weights, its binary format, and the embedded default.
//!
//! Weights are stored per hash bucket as one byte per label: `q = round((max_c lp(b|c) - lp(b|label)) /
//! step)`, clamped to 255, where `lp` is the smoothed log-probability of the bucket under each label.
//! Subtracting the per-bucket maximum changes no posterior (it adds the same constant to every label)
//! and makes every row start at 0, so a byte covers the useful range. Scoring a text sums the bytes of
//! its features per label in integers (exact, order-independent, vectorisable); the calibrated
//! posterior is `softmax(-scale * sums)` with `scale = step / temperature`.
//!
//! File layout (little-endian): `b"MINGALID"`, `u32` version, `u8` min order, `u8` max order,
//! `u8` bucket bits, `u8` flags (bit 0: n-grams cross words, 1: fold combining marks, 2: skip unseen
//! n-grams), `f32` step, `f32` temperature, `u32` label count, per label `u8` length + UTF-8 bytes,
//! then `buckets × labels` weight bytes (bucket-major), the known-n-gram bitmap (`2^24` bits as
//! little-endian `u64` words), then a `u64` FNV-1a checksum of everything before it.

use std::sync::OnceLock;

use super::features::{FeatureSpec, Hasher, Words, MAX_ORDER};
use super::LangIdError;

const MAGIC: &[u8; 8] = b"MINGALID";
/// The known-n-gram bitmap has `2^SEEN_BITS` bits (2 MiB; about 4 % of its bits are set by the
/// default training data, so an unseen n-gram passes for seen about once in 25).
pub(crate) const SEEN_BITS: u32 = 24;
const VERSION: u32 = 2;
const EMBEDDED_BYTES: &[u8] = include_bytes!("../../models/langid.bin");

/// A character n-gram language identification model (see the module docs of [`super`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub(crate) labels: Vec<String>,
    pub(crate) spec: FeatureSpec,
    /// Labels rounded up to a multiple of 8, the row length of `weights` in memory.
    pub(crate) stride: usize,
    pub(crate) weights: Vec<u8>,
    pub(crate) step: f32,
    pub(crate) temperature: f32,
    /// Bitmap of the hashes of every training n-gram (all orders, all labels): with
    /// [`FeatureSpec::skip_unseen`] only n-grams found here are scored, and the share of a text's
    /// n-grams of order [`Model::seen_order`] found here says whether it resembles any training text.
    pub(crate) seen: Vec<u64>,
}

/// What scoring a text produced besides the per-label sums.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct TextSums {
    /// Features looked up.
    pub features: usize,
    /// Share of the text's n-grams of the seen order that occur in some training text (1 if none).
    pub coverage: f32,
}

impl TextSums {
    /// `features` scored, of which `known` of the `probes` n-grams of the seen order were seen.
    pub(crate) fn new(features: usize, probes: usize, known: usize) -> Self {
        let coverage = if probes == 0 {
            1.0
        } else {
            known as f32 / probes as f32
        };
        TextSums { features, coverage }
    }
}

/// Feature hashes gathered before they are looked up: the bitmap probes of a batch are independent
/// loads, and so are the weight rows after them, so the memory system serves them side by side
/// instead of one probe, its branch, then one row at a time. The first pass also prefetches each
/// weight row. Dev lines, one thread, 8 interleaved runs: 1.05x the mean speed of a model that
/// scores every n-gram and checks no bitmap; 0.81x batched without the prefetch, 0.78x unbatched.
struct FeatureBatch<'m> {
    model: &'m Model,
    seen_order: usize,
    hashes: [(u8, u64); FeatureBatch::LEN],
    len: usize,
    scored: usize,
    probes: usize,
    known: usize,
}

impl<'m> FeatureBatch<'m> {
    const LEN: usize = 64;

    fn new(model: &'m Model, seen_order: usize) -> Self {
        FeatureBatch {
            model,
            seen_order,
            hashes: [(0, 0); FeatureBatch::LEN],
            len: 0,
            scored: 0,
            probes: 0,
            known: 0,
        }
    }

    #[inline]
    fn push(&mut self, order: usize, x: u64, acc: &mut [u32]) {
        self.hashes[self.len] = (order as u8, x);
        self.len += 1;
        if self.len == FeatureBatch::LEN {
            self.flush(acc);
        }
    }

    fn flush(&mut self, acc: &mut [u32]) {
        let m = self.model;
        let shift = 64 - u32::from(m.spec.bucket_bits);
        let mut buckets = [0u32; FeatureBatch::LEN];
        let mut kept = 0;
        for &(k, x) in &self.hashes[..self.len] {
            let bucket = (x >> shift) as u32;
            m.prefetch_bucket(bucket);
            let is_known = m.knows(x);
            if usize::from(k) == self.seen_order {
                self.probes += 1;
                self.known += usize::from(is_known);
            }
            buckets[kept] = bucket;
            kept += usize::from(is_known || !m.spec.skip_unseen);
        }
        for &b in &buckets[..kept] {
            m.add_bucket(b, acc);
        }
        self.scored += kept;
        self.len = 0;
    }
}

/// The bit of the known-n-gram bitmap for a feature hash (low bits: the bucket uses the high ones).
#[inline]
pub(crate) fn seen_bit(x: u64) -> usize {
    (x as usize) & ((1usize << SEEN_BITS) - 1)
}

impl Model {
    /// Builds a model from rows of `labels.len()` bytes per bucket (bucket-major).
    pub(crate) fn from_rows(
        labels: Vec<String>,
        spec: FeatureSpec,
        rows: &[u8],
        step: f32,
        temperature: f32,
        seen: Vec<u64>,
    ) -> Model {
        let n = labels.len();
        let stride = n.div_ceil(8).max(1) * 8;
        let buckets = 1usize << spec.bucket_bits;
        let mut weights = vec![0u8; buckets * stride];
        for (dst, src) in weights
            .chunks_exact_mut(stride)
            .zip(rows.chunks_exact(n.max(1)))
        {
            dst[..n].copy_from_slice(src);
        }
        Model {
            labels,
            spec,
            stride,
            weights,
            step,
            temperature,
            seen,
        }
    }

    /// The n-gram order recorded in the known-n-gram bitmap (4, or the nearest order the model uses).
    pub(crate) fn seen_order(spec: FeatureSpec) -> usize {
        4usize.clamp(usize::from(spec.min_order), usize::from(spec.max_order))
    }

    /// The default model trained from `../shared/data/langid/train` plus the odd-numbered lines of
    /// `dev/oto.txt` (`scripts/langid-train.sh`), decoded once on first use.
    pub fn embedded() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| match Model::from_bytes(EMBEDDED_BYTES) {
            Ok(m) => m,
            // The bytes are compiled in and checked by the test suite; this is a build defect.
            Err(e) => panic!("the embedded filters/models/langid.bin is invalid: {e}"),
        })
    }

    /// The labels this model was trained on (ISO 639-3), sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The feature extraction this model was trained with.
    pub fn feature_spec(&self) -> FeatureSpec {
        self.spec
    }

    /// Nats per unit of summed quantised weight, after temperature calibration.
    pub(crate) fn scale(&self) -> f32 {
        self.step / self.temperature
    }

    /// Asks the CPU to start loading the weight row of `bucket` (a hint; no effect elsewhere).
    #[inline]
    pub(crate) fn prefetch_bucket(&self, bucket: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let row = &self.weights[bucket as usize * self.stride..];
            // SAFETY: SSE is part of the x86_64 baseline, and a prefetch is only a hint: it reads
            // nothing and never faults, whatever the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(row.as_ptr().cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = bucket;
    }

    /// Adds the weight row of `bucket` to `acc` (length `stride`).
    #[inline]
    pub(crate) fn add_bucket(&self, bucket: u32, acc: &mut [u32]) {
        let start = bucket as usize * self.stride;
        match self.stride {
            8 => add_row::<8>(&self.weights[start..start + 8], acc),
            16 => add_row::<16>(&self.weights[start..start + 16], acc),
            24 => add_row::<24>(&self.weights[start..start + 24], acc),
            32 => add_row::<32>(&self.weights[start..start + 32], acc),
            s => {
                for (a, &w) in acc.iter_mut().zip(&self.weights[start..start + s]) {
                    *a += u32::from(w);
                }
            }
        }
    }

    /// Prefetches the word of the known-n-gram bitmap that [`Model::knows`] reads for `x`.
    #[inline]
    pub(crate) fn prefetch_seen(&self, x: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let word = self.seen[seen_bit(x) / 64..].as_ptr();
            // SAFETY: as in `prefetch_bucket`: a hint that reads nothing and never faults.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(word.cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = x;
    }

    /// Whether the n-gram with hash `x` occurs in some training text (up to bitmap collisions).
    #[inline]
    pub(crate) fn knows(&self, x: u64) -> bool {
        let bit = seen_bit(x);
        self.seen[bit / 64] >> (bit % 64) & 1 == 1
    }

    /// Sums the weights of every feature of `text` into `acc` (cleared first).
    pub(crate) fn sum_text(&self, text: &str, acc: &mut Vec<u32>, buf: &mut Vec<u32>) -> TextSums {
        acc.clear();
        acc.resize(self.stride, 0);
        let mut hasher = Hasher::new(self.spec);
        let mut batch = FeatureBatch::new(self, Model::seen_order(self.spec));
        for w in Words::new(text) {
            self.spec.word(&text[w], buf);
            hasher.word_hashes(buf, |k, x| batch.push(k, x, acc));
        }
        batch.flush(acc);
        TextSums::new(batch.scored, batch.probes, batch.known)
    }

    /// Calibrated posterior over the labels from summed weights (`sums[i]`, lower = more likely).
    pub(crate) fn posterior(&self, sums: &[u32]) -> Vec<f32> {
        let scale = f64::from(self.scale());
        let n = self.labels.len();
        let best = sums[..n].iter().copied().min().unwrap_or(0);
        let exps: Vec<f64> = sums[..n]
            .iter()
            .map(|&s| (-(f64::from(s - best)) * scale).exp())
            .collect();
        let total: f64 = exps.iter().sum();
        exps.iter().map(|e| (e / total) as f32).collect()
    }

    /// Serialises the model (see the module docs for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.labels.len();
        let buckets = 1usize << self.spec.bucket_bits;
        let mut out = Vec::with_capacity(64 + buckets * n);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.spec.min_order);
        out.push(self.spec.max_order);
        out.push(self.spec.bucket_bits);
        out.push(
            u8::from(self.spec.cross_words)
                | u8::from(self.spec.fold_marks) << 1
                | u8::from(self.spec.skip_unseen) << 2,
        );
        out.extend_from_slice(&self.step.to_le_bytes());
        out.extend_from_slice(&self.temperature.to_le_bytes());
        out.extend_from_slice(&(n as u32).to_le_bytes());
        for l in &self.labels {
            out.push(l.len() as u8);
            out.extend_from_slice(l.as_bytes());
        }
        for row in self.weights.chunks_exact(self.stride) {
            out.extend_from_slice(&row[..n]);
        }
        for word in &self.seen {
            out.extend_from_slice(&word.to_le_bytes());
        }
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Decodes a model written by [`Model::to_bytes`], checking its structure and checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, LangIdError> {
        let body_len = bytes.len().checked_sub(8).ok_or(LangIdError::Truncated {
            offset: bytes.len(),
        })?;
        let (body, sum) = bytes.split_at(body_len);
        let mut r = Reader {
            bytes: body,
            pos: 0,
        };
        if r.take(8)? != MAGIC {
            return Err(LangIdError::BadMagic);
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(LangIdError::Version {
                found: version,
                expected: VERSION,
            });
        }
        let head = r.take(4)?;
        let spec = FeatureSpec {
            min_order: head[0],
            max_order: head[1],
            bucket_bits: head[2],
            cross_words: head[3] & 1 == 1,
            fold_marks: head[3] & 2 == 2,
            skip_unseen: head[3] & 4 == 4,
        };
        let bad_spec = spec.min_order == 0
            || spec.min_order > spec.max_order
            || usize::from(spec.max_order) > MAX_ORDER
            || !(8..=26).contains(&spec.bucket_bits);
        if bad_spec {
            return Err(LangIdError::Invalid {
                offset: 12,
                what: "feature parameters",
            });
        }
        let step = f32::from_le_bytes(r.array()?);
        let temperature = f32::from_le_bytes(r.array()?);
        if !(step > 0.0 && temperature > 0.0 && step.is_finite() && temperature.is_finite()) {
            return Err(LangIdError::Invalid {
                offset: 16,
                what: "step or temperature",
            });
        }
        let labels = read_labels(&mut r)?;
        let rows = r.take(labels.len() << spec.bucket_bits)?;
        let seen: Vec<u64> = r
            .take(1 << (SEEN_BITS - 3))?
            .chunks_exact(8)
            .map(|c| c.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)))
            .collect();
        if r.pos != body.len() {
            return Err(LangIdError::Invalid {
                offset: r.pos,
                what: "trailing bytes",
            });
        }
        if fnv1a(body).to_le_bytes() != sum {
            return Err(LangIdError::Checksum);
        }
        Ok(Model::from_rows(
            labels,
            spec,
            rows,
            step,
            temperature,
            seen,
        ))
    }
}

fn read_labels(r: &mut Reader<'_>) -> Result<Vec<String>, LangIdError> {
    let n = r.u32()? as usize;
    if n == 0 || n > 4096 {
        return Err(LangIdError::Invalid {
            offset: r.pos - 4,
            what: "label count",
        });
    }
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let at = r.pos;
        let len = usize::from(r.take(1)?[0]);
        let label = std::str::from_utf8(r.take(len)?).map_err(|_| LangIdError::Invalid {
            offset: at,
            what: "label is not UTF-8",
        })?;
        labels.push(label.to_string());
    }
    Ok(labels)
}

#[inline]
fn add_row<const S: usize>(row: &[u8], acc: &mut [u32]) {
    let (Ok(row), Some(acc)) = (<&[u8; S]>::try_from(row), acc.first_chunk_mut::<S>()) else {
        return;
    };
    for i in 0..S {
        acc[i] += u32::from(row[i]);
    }
}

/// FNV-1a 64: a small fixed checksum so a truncated or edited model file is refused.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LangIdError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(LangIdError::Truncated { offset: self.pos })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], LangIdError> {
        let at = self.pos;
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| LangIdError::Truncated { offset: at })
    }

    fn u32(&mut self) -> Result<u32, LangIdError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
