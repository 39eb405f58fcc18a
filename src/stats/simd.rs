//! Every `unsafe` operation of the statistics, in this one file, each with what keeps it
//! sound. There are three kinds:
//!
//! - **Copies of hot loops compiled for wider vector instructions** (AVX2, AVX-512), called
//!   only after the processor is seen to have them ([`Isa::best`], [`Isa::available`]). Each
//!   does the same operations in the same order as the baseline code (integer operations, or
//!   exactly rounded ones), so results are the same bits on every processor; the tests run
//!   every copy the processor has against the baseline.
//! - **Reads without a bounds check** from [`Padded`], an array with `SCAN` values of padding.
//!   Every read clamps its index first, so it stays inside for any index a caller passes: the
//!   functions are safe, not merely safe when called right.
//! - **Cache hints** ([`prefetch`]), which never fault, whatever the address.
//!
//! Nothing else in `src/stats` (or the crate) uses `unsafe`.

use super::calibrated::edges::{GUIDE, GUIDE_PAD, SCAN};
use super::calibrated::{Edges, BATCH};

/// The instruction sets hot loops have copies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::stats) enum Isa {
    Baseline,
    Avx2,
    Avx512,
}

impl Isa {
    /// The widest set this processor has (detected once; later calls read a cached flag).
    #[inline]
    pub(in crate::stats) fn best() -> Isa {
        [Isa::Avx512, Isa::Avx2]
            .into_iter()
            .find(|i| i.available())
            .unwrap_or(Isa::Baseline)
    }

    /// Whether this processor has the set (with popcnt, which every copy also uses).
    #[inline]
    pub(in crate::stats) fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            match self {
                Isa::Baseline => true,
                Isa::Avx2 => has!("avx2") && has!("popcnt"),
                Isa::Avx512 => {
                    has!("avx512f") && has!("avx512dq") && has!("avx512vl") && has!("popcnt")
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Isa::Baseline
        }
    }
}

/// Runs `f` in a copy compiled for AVX-512 where the processor has it, else as it is. `f`
/// should be a closure over `#[inline(always)]` code, so that the copy is the whole loop.
#[inline(always)]
pub(in crate::stats) fn with_avx512<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if Isa::Avx512.available() {
        // SAFETY: the processor has the instructions `avx512` is compiled for.
        return unsafe { avx512(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,popcnt")]
unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Values followed by [`SCAN`] NaNs, read [`SCAN`] at a time from any place up to their
/// length without a bounds check (the placement of values among a cell's edges reads one such
/// window per value, the hottest load of a run).
#[derive(Debug)]
pub(in crate::stats) struct Padded {
    /// Always `len + SCAN` values: the invariant every read relies on. It is set by
    /// [`Padded::new`] and nothing changes it (the fields are private to this file).
    values: Box<[f64]>,
    len: usize,
}

// `pair` reads two values from the last place a window may start.
const _: () = assert!(SCAN >= 2);

impl Padded {
    pub(in crate::stats) fn new(mut values: Vec<f64>) -> Padded {
        let len = values.len();
        values.resize(len + SCAN, f64::NAN);
        Padded {
            values: values.into_boxed_slice(),
            len,
        }
    }

    /// The values, without the padding.
    #[inline]
    pub(in crate::stats) fn values(&self) -> &[f64] {
        &self.values[..self.len]
    }

    /// The [`SCAN`] values from `at` (padding past the end), `at` clamped to the length.
    #[inline(always)]
    pub(in crate::stats) fn window(&self, at: usize) -> &[f64; SCAN] {
        let at = at.min(self.len);
        // SAFETY: `at + SCAN <= len + SCAN`, the length of `values`.
        unsafe { &*(self.values.as_ptr().add(at) as *const [f64; SCAN]) }
    }

    /// The values at `i` and `i + 1` (NaN past the end), `i` clamped to the length.
    #[inline(always)]
    pub(in crate::stats) fn pair(&self, i: usize) -> (f64, f64) {
        let i = i.min(self.len);
        // SAFETY: `i + 1 <= len + 1 < len + SCAN`, the length of `values` (`SCAN >= 2`).
        unsafe {
            (
                *self.values.get_unchecked(i),
                *self.values.get_unchecked(i + 1),
            )
        }
    }
}

/// [`Edges::bucket_ids`] for a full batch, in the copy for `isa` (the baseline copy if the
/// processor does not have it).
#[inline]
pub(in crate::stats) fn bucket_ids(e: &Edges, isa: Isa, x: &[f64; BATCH], out: &mut [u32; BATCH]) {
    #[cfg(target_arch = "x86_64")]
    if isa.available() {
        match isa {
            // SAFETY: the processor has these instructions.
            Isa::Avx512 => return unsafe { bucket_ids_avx512(e, x, out) },
            // SAFETY: the processor has these instructions.
            Isa::Avx2 => return unsafe { bucket_ids_avx2(e, x, out) },
            Isa::Baseline => {}
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = isa;
    e.place(x, out, Edges::slots, Edges::scan)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,popcnt")]
unsafe fn bucket_ids_avx512(e: &Edges, x: &[f64; BATCH], out: &mut [u32; BATCH]) {
    use std::arch::x86_64::*;
    e.place(
        x,
        out,
        |e, f, x, p| slots_avx512(e, f, x, p),
        |w, x| {
            // SAFETY: `w` holds SCAN = 8 values, one 512-bit load.
            let v = unsafe { _mm512_loadu_pd(w.as_ptr()) };
            _mm512_cmp_pd_mask::<_CMP_LE_OQ>(v, _mm512_set1_pd(x)).count_ones()
        },
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn bucket_ids_avx2(e: &Edges, x: &[f64; BATCH], out: &mut [u32; BATCH]) {
    use std::arch::x86_64::*;
    e.place(x, out, Edges::slots, |w, x| {
        let xv = _mm256_set1_pd(x);
        // SAFETY: `w` holds SCAN = 8 values, two 256-bit loads.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_pd(w.as_ptr()),
                _mm256_loadu_pd(w.as_ptr().add(4)),
            )
        };
        let lo = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(lo, xv));
        let hi = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(hi, xv));
        (lo | hi << 4).count_ones()
    })
}

/// [`Edges::slots`] eight values at a time: the same operations (integer, or exactly
/// rounded), so the same slots.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,popcnt")]
fn slots_avx512(
    e: &Edges,
    first: &[u8; GUIDE + GUIDE_PAD],
    x: &[f64; BATCH],
    p: &mut [u32; BATCH],
) {
    use std::arch::x86_64::*;
    let top = (GUIDE - 1) as u64;
    for j in (0..BATCH).step_by(8) {
        // SAFETY: `x` and `p` hold `j + 8` values.
        let v = unsafe { _mm512_loadu_pd(x.as_ptr().add(j)) };
        let slot = if e.linear {
            // `max` returns its second operand where the first is NaN, as `slot` sends
            // NaN to 0.
            let t = _mm512_mul_pd(
                _mm512_sub_pd(v, _mm512_set1_pd(e.lo)),
                _mm512_set1_pd(e.scale),
            );
            let t = _mm512_min_pd(
                _mm512_max_pd(t, _mm512_setzero_pd()),
                _mm512_set1_pd(top as f64),
            );
            _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(t))
        } else {
            // `key`: the bits, flipped where negative, else with the top bit set.
            let b = _mm512_castpd_si512(v);
            let flip = _mm512_or_si512(_mm512_srai_epi64::<63>(b), _mm512_set1_epi64(i64::MIN));
            let k = _mm512_xor_si512(b, flip);
            let lo = _mm512_set1_epi64(e.key_lo as i64);
            let d = _mm512_sub_epi64(_mm512_max_epu64(k, lo), lo);
            let d = _mm512_min_epu64(d, _mm512_set1_epi64(e.key_span as i64));
            let d = _mm512_srlv_epi64(d, _mm512_set1_epi64(e.shift as i64));
            _mm512_min_epu64(d, _mm512_set1_epi64(top as i64))
        };
        // One byte per slot, read as 32 bits (the guide is padded) and masked.
        // SAFETY: the slots were clamped to GUIDE - 1 above (NaN to 0), and the guide holds
        // GUIDE + GUIDE_PAD bytes: a 32-bit read at any slot stays inside.
        let g = unsafe { _mm512_i64gather_epi32::<1>(slot, first.as_ptr() as *const i32) };
        let g = _mm256_and_si256(g, _mm256_set1_epi32(0xFF));
        let nan = _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(v, v);
        let g = _mm256_maskz_mov_epi32(!nan, g);
        // SAFETY: `p` holds `j + 8` values.
        unsafe { _mm256_storeu_si256(p.as_mut_ptr().add(j) as *mut __m256i, g) };
    }
}

/// Asks the processor to start loading the cache line at address `at` into its first-level
/// cache.
#[inline(always)]
pub(in crate::stats) fn prefetch(at: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is a hint that never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}
