//! NEON MinHash kernel (aarch64), four permutations per vector.
//!
//! Same arithmetic as the x86 kernels (see `minhash.rs`): `vmlal_u32` / `vmlal_high_u32` give
//! `a_lo·x + b` as 64-bit lanes for permutations 0-1 and 2-3 of the block, `vuzp2q_u32` gathers
//! their high halves in permutation order, and `vmlaq_u32` adds `a_hi·x`.

use super::minhash::{Kernel, Lanes};

/// SIMD kernels this CPU supports.
pub(crate) fn available() -> Vec<Kernel> {
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            return vec![Kernel::Neon];
        }
    }
    Vec::new()
}

/// Runs the NEON kernel when this CPU has it; returns false (and leaves `out` alone) otherwise.
/// `out` has the padded length of the parameter arrays.
pub(crate) fn signature(lanes: &Lanes, shingles: &[u64], out: &mut [u32]) -> bool {
    #[cfg(target_arch = "aarch64")]
    {
        let n = out.len();
        let sizes_ok = n.is_multiple_of(4)
            && lanes.a_lo.len() == n
            && lanes.a_hi.len() == n
            && lanes.b.len() == n;
        if sizes_ok && std::arch::is_aarch64_feature_detected!("neon") {
            // SAFETY: NEON was detected and all arrays have `n` elements, a multiple of 4.
            unsafe { imp::neon(lanes, shingles, out) };
            return true;
        }
        false
    }
    #[cfg(not(target_arch = "aarch64"))]
    {
        let _ = (lanes, shingles, out);
        false
    }
}

#[cfg(target_arch = "aarch64")]
mod imp {
    use super::super::minhash::Lanes;
    use std::arch::aarch64::*;

    /// # Safety
    /// The CPU must support NEON; every array in `l` has `out.len()` elements, a multiple of 4.
    #[target_feature(enable = "neon")]
    pub(super) unsafe fn neon(l: &Lanes, shingles: &[u64], out: &mut [u32]) {
        for blk in (0..out.len()).step_by(4) {
            let a_lo = vld1q_u32(l.a_lo.as_ptr().add(blk));
            let a_hi = vld1q_u32(l.a_hi.as_ptr().add(blk));
            let b01 = vld1q_u64(l.b.as_ptr().add(blk));
            let b23 = vld1q_u64(l.b.as_ptr().add(blk + 2));
            let a_lo_01 = vget_low_u32(a_lo);
            let mut acc = vdupq_n_u32(u32::MAX);
            for &s in shingles {
                let x = vdupq_n_u32(s as u32);
                let p01 = vmlal_u32(b01, a_lo_01, vget_low_u32(x));
                let p23 = vmlal_high_u32(b23, a_lo, x);
                // Odd 32-bit elements are the high halves: [p0.hi, p1.hi, p2.hi, p3.hi].
                let hi = vuzp2q_u32(vreinterpretq_u32_u64(p01), vreinterpretq_u32_u64(p23));
                acc = vminq_u32(acc, vmlaq_u32(hi, a_hi, x));
            }
            vst1q_u32(out.as_mut_ptr().add(blk), acc);
        }
    }
}
