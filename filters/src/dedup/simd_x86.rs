//! AVX2 and AVX-512 MinHash kernels (x86-64), chosen at run time.
//!
//! Both compute `h = hi32(a_lo·x + b) + a_hi·x (mod 2^32)` (see `minhash.rs`) for a block of
//! permutations at once. `mul_epu32` multiplies the low halves of 64-bit lanes, so one multiply-add
//! covers the even permutations and a second, on `a_lo` shifted down by 32 bits, the odd ones; the
//! two high halves are then put back in permutation order (a blend on AVX2, one two-source
//! permute on AVX-512). The loop runs over
//! one block of permutations at a time with its parameters and running minimum in registers, and
//! streams the shingles (which stay in L1) through it.

use super::minhash::{Kernel, Lanes};

/// SIMD kernels this CPU supports, slower first.
pub(crate) fn available() -> Vec<Kernel> {
    [Kernel::Avx2, Kernel::Avx512]
        .into_iter()
        .filter(|&k| supported(k))
        .collect()
}

/// Whether this CPU runs `kernel` (the detection result is cached by std).
pub(crate) fn supported(kernel: Kernel) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        match kernel {
            Kernel::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            Kernel::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            _ => false,
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = kernel;
        false
    }
}

/// Runs `kernel` when this CPU has it; returns false (and leaves `out` alone) otherwise.
/// `out` has the padded length of the parameter arrays.
pub(crate) fn signature(kernel: Kernel, lanes: &Lanes, shingles: &[u64], out: &mut [u32]) -> bool {
    if out.len() != lanes.a_lo.len() || !supported(kernel) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: the CPU feature was detected just above, and every array has `out.len()`
        // elements, a multiple of 16 (checked in `imp`).
        match kernel {
            Kernel::Avx2 => unsafe { imp::avx2(lanes, shingles, out) },
            Kernel::Avx512 => unsafe { imp::avx512(lanes, shingles, out) },
            _ => return false,
        }
        true
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (lanes, shingles);
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::super::minhash::{Lanes, BLOCK};
    use std::arch::x86_64::*;

    fn check(lanes: &Lanes, out: &[u32]) -> bool {
        let n = out.len();
        n.is_multiple_of(BLOCK)
            && lanes.a_lo.len() == n
            && lanes.a_hi.len() == n
            && lanes.b_even.len() * 2 == n
            && lanes.b_odd.len() * 2 == n
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2(l: &Lanes, shingles: &[u64], out: &mut [u32]) {
        if !check(l, out) {
            return;
        }
        for blk in (0..out.len()).step_by(8) {
            let a_lo = _mm256_loadu_si256(l.a_lo.as_ptr().add(blk) as *const __m256i);
            let a_hi = _mm256_loadu_si256(l.a_hi.as_ptr().add(blk) as *const __m256i);
            let b_even = _mm256_loadu_si256(l.b_even.as_ptr().add(blk / 2) as *const __m256i);
            let b_odd = _mm256_loadu_si256(l.b_odd.as_ptr().add(blk / 2) as *const __m256i);
            let a_odd = _mm256_srli_epi64::<32>(a_lo);
            let mut acc = _mm256_set1_epi32(-1);
            for &s in shingles {
                let x = _mm256_set1_epi32(s as u32 as i32);
                let even = _mm256_add_epi64(_mm256_mul_epu32(a_lo, x), b_even);
                let odd = _mm256_add_epi64(_mm256_mul_epu32(a_odd, x), b_odd);
                let hi = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(even), odd);
                let h = _mm256_add_epi32(hi, _mm256_mullo_epi32(a_hi, x));
                acc = _mm256_min_epu32(acc, h);
            }
            _mm256_storeu_si256(out.as_mut_ptr().add(blk) as *mut __m256i, acc);
        }
    }

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn avx512(l: &Lanes, shingles: &[u64], out: &mut [u32]) {
        if !check(l, out) {
            return;
        }
        // Result lane 2j takes the high half of `even` lane j (u32 index 2j + 1), lane 2j + 1 that
        // of `odd` lane j (index 16 + 2j + 1: bit 4 picks the second source).
        let pick_high =
            _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        for blk in (0..out.len()).step_by(16) {
            let a_lo = _mm512_loadu_si512(l.a_lo.as_ptr().add(blk) as *const __m512i);
            let a_hi = _mm512_loadu_si512(l.a_hi.as_ptr().add(blk) as *const __m512i);
            let b_even = _mm512_loadu_si512(l.b_even.as_ptr().add(blk / 2) as *const __m512i);
            let b_odd = _mm512_loadu_si512(l.b_odd.as_ptr().add(blk / 2) as *const __m512i);
            let a_odd = _mm512_srli_epi64::<32>(a_lo);
            let mut acc = _mm512_set1_epi32(-1);
            for &s in shingles {
                let x = _mm512_set1_epi32(s as u32 as i32);
                let even = _mm512_add_epi64(_mm512_mul_epu32(a_lo, x), b_even);
                let odd = _mm512_add_epi64(_mm512_mul_epu32(a_odd, x), b_odd);
                let hi = _mm512_permutex2var_epi32(even, pick_high, odd);
                let h = _mm512_add_epi32(hi, _mm512_mullo_epi32(a_hi, x));
                acc = _mm512_min_epu32(acc, h);
            }
            _mm512_storeu_si512(out.as_mut_ptr().add(blk) as *mut __m512i, acc);
        }
    }
}
