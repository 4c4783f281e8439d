//! MinHash signatures and LSH band keys.
//!
//! Permutation `i` maps a shingle hash `s` (xxh3-64) to
//!
//! ```text
//! h_i(s) = ((a_i * x + b_i) mod 2^64) >> 32,    x = s mod 2^32 (the low 32 bits of s)
//! ```
//!
//! Dietzfelbinger's multiply-add-shift scheme, strongly universal from 32-bit keys to 32-bit
//! values. `a_i`, `b_i` are the 64-bit outputs `2i` and `2i + 1` of SplitMix64 started at
//! `DedupParams::seed`. The signature is `min_s h_i(s)` for every `i`, a `u32` per permutation
//! (`u32::MAX` everywhere when there are no shingles).
//!
//! The scheme is picked because it vectorises with 32-bit lanes: writing `a = a_hi·2^32 + a_lo`,
//! `h = hi32((a_lo·x + b) mod 2^64) + a_hi·x (mod 2^32)`, since `a_hi·x·2^32` only reaches the
//! high half. That is one widening 32×32→64 multiply-add and one 32-bit multiply per lane, which
//! AVX2, AVX-512 and NEON all have. The scalar path computes the 64-bit formula directly, so the
//! SIMD kernels are checked against the definition itself.

use super::{simd_neon, simd_x86, DedupParams};
use crate::rng::SplitMix64;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of band keys: band `k` hashes its rows with seed `BAND_SEED + k`.
pub const BAND_SEED: u64 = 0x6d69_6e67_612d_6264;

/// Lanes per SIMD block; the parameter arrays are padded to a multiple of this.
pub(crate) const BLOCK: usize = 16;

/// The permutation parameters laid out for the kernels, padded to whole blocks of `BLOCK`:
/// the halves of `a`, all of `b`, and `b` of the even and odd permutations apart
/// (`b_even[k] = b[2k]`, `b_odd[k] = b[2k + 1]`) for kernels that multiply 64-bit lane pairs.
pub(crate) struct Lanes {
    pub a_lo: Vec<u32>,
    pub a_hi: Vec<u32>,
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))] // read by the NEON kernel
    pub b: Vec<u64>,
    pub b_even: Vec<u64>,
    pub b_odd: Vec<u64>,
}

/// Which implementation computes signatures. All give identical output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Scalar,
    Avx2,
    Avx512,
    Neon,
}

impl Kernel {
    /// Kernels this CPU can run, scalar first, fastest last.
    pub fn available() -> Vec<Kernel> {
        let mut out = vec![Kernel::Scalar];
        out.extend(simd_x86::available());
        out.extend(simd_neon::available());
        out
    }

    /// The fastest kernel this CPU can run.
    pub fn best() -> Kernel {
        Kernel::available().pop().unwrap_or(Kernel::Scalar)
    }
}

/// Computes MinHash signatures of `bands * rows` permutations.
pub struct MinHasher {
    params: DedupParams,
    kernel: Kernel,
    a: Vec<u64>,
    b: Vec<u64>,
    lanes: Lanes,
}

impl MinHasher {
    /// Derives the permutations from `params.seed` and picks the fastest kernel of this CPU.
    pub fn new(params: DedupParams) -> Self {
        Self::with_kernel(params, Kernel::best())
    }

    /// As [`MinHasher::new`] with a chosen kernel; one this CPU lacks falls back to scalar.
    pub fn with_kernel(params: DedupParams, kernel: Kernel) -> Self {
        let n = params.permutations();
        // SplitMix64: a fixed, documented generator for the permutation parameters.
        let mut state = SplitMix64::new(params.seed);
        let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            a.push(state.next_u64());
            b.push(state.next_u64());
        }
        let padded = n.div_ceil(BLOCK) * BLOCK;
        let half = |shift: u32| -> Vec<u32> {
            let mut out: Vec<u32> = a.iter().map(|&w| (w >> shift) as u32).collect();
            out.resize(padded, 0);
            out
        };
        let mut b_padded = b.clone();
        b_padded.resize(padded, 0);
        let lanes = Lanes {
            a_lo: half(0),
            a_hi: half(32),
            b_even: b_padded.iter().step_by(2).copied().collect(),
            b_odd: b_padded.iter().skip(1).step_by(2).copied().collect(),
            b: b_padded,
        };
        let kernel = if Kernel::available().contains(&kernel) {
            kernel
        } else {
            Kernel::Scalar
        };
        MinHasher {
            params,
            kernel,
            a,
            b,
            lanes,
        }
    }

    pub fn params(&self) -> &DedupParams {
        &self.params
    }

    /// The kernel [`MinHasher::signature`] uses.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// Signature of a set of shingle hashes (repeats allowed) with the selected kernel.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        self.signature_into(shingles, &mut out);
        out
    }

    /// [`MinHasher::signature`] into a reused buffer.
    pub fn signature_into(&self, shingles: &[u64], out: &mut Vec<u32>) {
        self.run(self.kernel, shingles, out);
    }

    /// Signature computed by the scalar definition, whatever the CPU.
    pub fn signature_scalar(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        self.run(Kernel::Scalar, shingles, &mut out);
        out
    }

    /// Signature by a given kernel, or `None` when this CPU cannot run it.
    pub fn signature_with(&self, kernel: Kernel, shingles: &[u64]) -> Option<Vec<u32>> {
        if !Kernel::available().contains(&kernel) {
            return None;
        }
        let mut out = Vec::new();
        self.run(kernel, shingles, &mut out);
        Some(out)
    }

    fn run(&self, kernel: Kernel, shingles: &[u64], out: &mut Vec<u32>) {
        let n = self.a.len();
        out.clear();
        out.resize(self.lanes.a_lo.len(), u32::MAX);
        let done = match kernel {
            Kernel::Scalar => false,
            Kernel::Avx2 | Kernel::Avx512 => {
                simd_x86::signature(kernel, &self.lanes, shingles, out)
            }
            Kernel::Neon => simd_neon::signature(&self.lanes, shingles, out),
        };
        if !done {
            scalar_signature(&self.a, &self.b, shingles, &mut out[..n]);
        }
        out.truncate(n);
    }
}

/// The definition, one permutation at a time.
fn scalar_signature(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    for ((slot, &a), &b) in out.iter_mut().zip(a).zip(b) {
        let mut min = u32::MAX;
        for &s in shingles {
            let x = s as u32 as u64;
            let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            min = min.min(h);
        }
        *slot = min;
    }
}

/// One key per band: xxh3-64 of the band's `rows` values (little-endian `u32`s) with seed
/// `BAND_SEED + band`. A trailing partial band (when `sig.len()` is not `bands * rows`) is ignored.
pub fn band_keys(sig: &[u32], bands: usize, rows: usize) -> Vec<u64> {
    let mut bytes = Vec::with_capacity(rows * 4);
    let mut keys = Vec::with_capacity(bands);
    for (band, chunk) in sig.chunks_exact(rows.max(1)).take(bands).enumerate() {
        bytes.clear();
        for v in chunk {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        keys.push(xxh3_64_with_seed(
            &bytes,
            BAND_SEED.wrapping_add(band as u64),
        ));
    }
    keys
}

/// Fraction of permutations on which two signatures agree: an unbiased estimate of the Jaccard
/// similarity of the two shingle sets. Signatures of different lengths, or empty, give 0.
pub fn estimated_jaccard(a: &[u32], b: &[u32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f32 / a.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded test input: SplitMix64 again, so the tests need no random crate.
    fn random_shingles(seed: u64, n: usize) -> Vec<u64> {
        let mut s = SplitMix64::new(seed);
        (0..n).map(|_| s.next_u64()).collect()
    }

    #[test]
    fn every_available_kernel_matches_the_scalar_definition() {
        let kernels = Kernel::available();
        eprintln!("kernels on this CPU: {kernels:?}");
        // Permutation counts that fill, miss and straddle the 16-lane blocks.
        for (bands, rows) in [(14, 8), (1, 1), (3, 5), (9, 13), (20, 16)] {
            let params = DedupParams {
                bands,
                rows,
                ..Default::default()
            };
            let mh = MinHasher::new(params);
            for (seed, n) in [(1, 0), (2, 1), (3, 7), (4, 700), (5, 5000)] {
                let sh = random_shingles(seed, n);
                let want = mh.signature_scalar(&sh);
                assert_eq!(want.len(), bands * rows);
                for &k in &kernels {
                    assert_eq!(
                        mh.signature_with(k, &sh),
                        Some(want.clone()),
                        "{k:?} {bands}x{rows} n={n}"
                    );
                }
                assert_eq!(mh.signature(&sh), want);
            }
        }
    }

    #[test]
    fn split_formula_equals_64_bit_formula() {
        // The identity the SIMD kernels rely on, including carries out of the low product.
        let mut s = SplitMix64::new(99);
        for _ in 0..10_000 {
            let (a, b, x) = (s.next_u64(), s.next_u64(), s.next_u64() as u32);
            let full = (a.wrapping_mul(x as u64).wrapping_add(b) >> 32) as u32;
            let lo = (a as u32 as u64) * x as u64 + (b as u32 as u64);
            let split = ((lo >> 32) as u32)
                .wrapping_add(((a >> 32) as u32).wrapping_mul(x))
                .wrapping_add((b >> 32) as u32);
            assert_eq!(full, split);
        }
        // Extremes: all ones.
        let (a, b, x) = (u64::MAX, u64::MAX, u32::MAX);
        let lo = (a as u32 as u64) * x as u64 + (b as u32 as u64);
        assert_eq!(lo, u64::MAX - u32::MAX as u64); // no overflow at the maximum
    }

    #[test]
    fn forced_scalar_kernel_is_used() {
        let mh = MinHasher::with_kernel(DedupParams::default(), Kernel::Scalar);
        assert_eq!(mh.kernel(), Kernel::Scalar);
        let sh = random_shingles(7, 300);
        assert_eq!(mh.signature(&sh), mh.signature_scalar(&sh));
    }

    #[test]
    fn signature_depends_on_seed_and_is_order_free() {
        let sh = random_shingles(11, 200);
        let a = MinHasher::new(DedupParams::default());
        let b = MinHasher::new(DedupParams {
            seed: 1,
            ..Default::default()
        });
        assert_ne!(a.signature(&sh), b.signature(&sh));
        let mut rev = sh.clone();
        rev.reverse();
        rev.extend_from_slice(&sh[..50]); // repeats do not matter
        assert_eq!(a.signature(&sh), a.signature(&rev));
        assert!(a.signature(&[]).iter().all(|&v| v == u32::MAX));
    }

    #[test]
    fn estimate_tracks_true_jaccard() {
        // Sets sharing 800 of 1200 distinct shingles: J = 800 / 1200 = 0.667.
        let all = random_shingles(21, 1200);
        let (x, y) = (&all[..1000], &all[200..]);
        let params = DedupParams {
            bands: 64,
            rows: 8,
            ..Default::default()
        };
        let mh = MinHasher::new(params);
        let est = estimated_jaccard(&mh.signature(x), &mh.signature(y));
        // 512 permutations: standard error sqrt(J(1-J)/512) = 0.021.
        assert!((est - 0.6667).abs() < 0.07, "estimate {est}");
        assert_eq!(estimated_jaccard(&[1, 2], &[1, 2, 3]), 0.0);
    }

    #[test]
    fn band_keys_change_with_any_row() {
        let sig: Vec<u32> = (0..112).collect();
        let keys = band_keys(&sig, 14, 8);
        assert_eq!(keys.len(), 14);
        let mut other = sig.clone();
        other[8 * 3 + 5] ^= 1;
        let changed = band_keys(&other, 14, 8);
        let differ: Vec<usize> = (0..14).filter(|&i| keys[i] != changed[i]).collect();
        assert_eq!(differ, vec![3]);
        // Equal rows in different bands still give different keys (per-band seed).
        let flat = vec![5u32; 16];
        let k = band_keys(&flat, 2, 8);
        assert_ne!(k[0], k[1]);
    }
}
