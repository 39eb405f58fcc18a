//! A pilot-calibrated histogram: bucket edges taken from the exact distribution of a fixed
//! pilot sample of paths, so that buckets are narrow where the paths are dense, whatever the
//! shape of the distribution (narrow clusters, long tails, point masses).
//!
//! The edges are order statistics of the pilot (paths `0..K`, the same whatever the split of
//! the run), deduplicated: each distinct edge value has an exact counter (a point mass is
//! reported exactly), and each open interval between edges is cut into [`SUBS`] equal
//! sub-buckets. Values outside the pilot's range go to a log-linear [`Sketch`]. Counts are
//! integers, so merging is exact and the result is the same bits however paths are split.
//!
//! A bucket that holds a needed order statistic and too many paths (a cluster narrower than
//! the pilot could see) can be made exact: a second pass collects the values that fall in it
//! ([`Edges::bucket_ids`]) and [`Calibrated::set_exact`] takes them, sorted.

use super::quantile::{from_order_stats, Sketch};
use std::sync::Arc;

/// Buckets a sign for the values beyond the pilot's range (a fraction of a percent of paths).
const TAIL_BUCKETS: i64 = 64;

/// Intervals between pilot order statistics (at most; fewer when values repeat).
pub const INTERVALS: usize = 128;
/// Equal-width sub-buckets per interval.
pub const SUBS: usize = 12;

/// Edges for one cell: distinct pilot values at ranks `i (K-1) / INTERVALS`.
pub fn edges_from_pilot(sorted: &[f64]) -> Arc<Edges> {
    let k = sorted.len();
    if k == 0 {
        return Arc::new(Edges::new(Vec::new()));
    }
    let mut e: Vec<f64> = (0..=INTERVALS)
        .map(|i| sorted[i * (k - 1) / INTERVALS])
        .collect();
    // Beside a point mass (a value the pilot holds more than once), add the nearest pilot
    // values on either side as edges: the interval next to an atom then starts where the
    // values do, instead of spanning the empty gap to the atom (zeros next to a cluster).
    // The largest point mass is remembered, to count its values without placing them.
    let mut i = 0;
    let mut largest = (0, f64::NAN);
    while i < k {
        let mut j = i;
        while j + 1 < k && sorted[j + 1] == sorted[i] {
            j += 1;
        }
        if j + 1 - i > largest.0 {
            largest = (j + 1 - i, sorted[i]);
        }
        if j > i {
            if i > 0 {
                e.push(sorted[i - 1]);
            }
            if j + 1 < k {
                e.push(sorted[j + 1]);
            }
        }
        i = j + 1;
    }
    e.sort_by(f64::total_cmp);
    e.dedup();
    let mut edges = Edges::new(e);
    if largest.0 * DOMINANT >= k {
        edges.set_dominant(largest.1);
    }
    Arc::new(edges)
}

/// A point mass holding at least 1/`DOMINANT` of the pilot is the cell's dominant value:
/// values equal to it are counted together, before any is placed (a payment not made in most
/// paths, a stream that is the same in every path). Below that share, comparing every value
/// with it would cost more than it saves.
const DOMINANT: usize = 4;

/// Slots of an edge guide.
const GUIDE: usize = 512;
/// Bytes after a guide's slots.
const GUIDE_PAD: usize = 4;
/// Edges a guide slot may hold for a cell to be guided (else it is searched).
const SCAN: usize = 8;

/// A cell's edges, sorted and distinct, with a guide that finds a value's place among them
/// without a binary search.
///
/// The guide cuts the range of the interior edges into at most [`GUIDE`] equal slots (on the
/// [`key`] scale when that range lies on one side of zero, else linearly) and keeps, per slot,
/// the number of edges in the slots before it. A value's slot is computed; since the slot map
/// is monotone, the edges at or below the value are those of earlier slots plus those of its
/// own slot at or below it, at most [`SCAN`] of them, counted by a branch-free scan. The result
/// is the same as a binary search's, so the guide changes no count, only speed.
#[derive(Debug)]
pub struct Edges {
    /// The edges, then [`SCAN`] NaNs (never at or below a value: a scan past the end counts
    /// nothing).
    padded: Box<[f64]>,
    len: usize,
    /// Per slot, the edges in earlier slots (at most `len`); `None` when some slot holds more
    /// than [`SCAN`] edges (the cell is then binary-searched).
    /// Followed by [`GUIDE_PAD`] zeros, so that a 32-bit load at any slot stays inside.
    first: Option<Box<[u8; GUIDE + GUIDE_PAD]>>,
    /// The guide's scale. Linear: slot `(x - lo) * scale`. Else `key(x) - key_lo`, at most
    /// `key_span`, shifted right by `shift`.
    linear: bool,
    lo: f64,
    scale: f64,
    key_lo: u64,
    key_span: u64,
    shift: u32,
    /// The cell's dominant value, if it has one (see [`DOMINANT`]): (its edge, its value).
    dominant: Option<(usize, f64)>,
}

impl std::ops::Deref for Edges {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.padded[..self.len]
    }
}

impl Edges {
    pub fn new(values: Vec<f64>) -> Edges {
        let len = values.len();
        let mut padded = values;
        padded.resize(len + SCAN, f64::NAN);
        let mut e = Edges {
            padded: padded.into_boxed_slice(),
            len,
            first: None,
            linear: true,
            lo: 0.0,
            scale: 0.0,
            key_lo: 0,
            key_span: 0,
            shift: 0,
            dominant: None,
        };
        if len < 2 || len > u8::MAX as usize {
            return e;
        }
        // The interior edges set the range: the outermost may be far out (a point mass at
        // zero beside values in the millions).
        let (a, b) = if len >= 4 {
            (e[1], e[len - 2])
        } else {
            (e[0], e[len - 1])
        };
        e.linear = !on_key_scale(a, b);
        if e.linear {
            e.lo = a;
            e.scale = GUIDE as f64 / (b - a);
            if !(e.scale.is_finite() && e.scale > 0.0) {
                return e;
            }
        } else {
            e.key_lo = key(a);
            e.key_span = key(b) - e.key_lo;
            while e.key_span >> e.shift >= GUIDE as u64 {
                e.shift += 1;
            }
        }
        let slots: Vec<usize> = e.iter().map(|x| e.slot(*x)).collect();
        let mut first = Box::new([0u8; GUIDE + GUIDE_PAD]);
        let (mut i, mut widest) = (0, 0);
        for (j, f) in first[..GUIDE].iter_mut().enumerate() {
            *f = i as u8;
            let from = i;
            while i < len && slots[i] == j {
                i += 1;
            }
            widest = widest.max(i - from);
        }
        if widest <= SCAN {
            e.first = Some(first);
        }
        e
    }

    /// Makes the edge equal to `x` the dominant value (none if no edge is).
    fn set_dominant(&mut self, x: f64) {
        self.dominant = self.iter().position(|e| *e == x).map(|i| (i, self[i]));
    }

    /// The guide slot of `x`: monotone in `x`, below [`GUIDE`].
    #[inline(always)]
    fn slot(&self, x: f64) -> usize {
        if self.linear {
            // `max` also sends NaN to 0.
            let t = ((x - self.lo) * self.scale)
                .max(0.0)
                .min((GUIDE - 1) as f64);
            t as i32 as usize
        } else {
            let d = key(x).saturating_sub(self.key_lo).min(self.key_span);
            ((d >> self.shift) as usize).min(GUIDE - 1)
        }
    }

    /// Whether the guide is used (else values are binary-searched).
    pub fn guided(&self) -> bool {
        self.first.is_some()
    }

    /// The buckets of `xs` (at most [`BATCH`] values), as [`Slot::id`] numbers them: below
    /// the first edge, above the last, equal to an edge, or in one of the [`SUBS`] sub-buckets
    /// of the open interval `(a, b)` between two edges, cut on the log-linear [`key`] scale
    /// when the interval lies on one side of zero (values spread over orders of magnitude get
    /// buckets in proportion), else linearly.
    ///
    /// A batch is placed step by step (slots, places among the edges, buckets), each step a
    /// loop without branches over the whole batch, so the loads of one value do not wait for
    /// those of another and the processor's vector instructions can do several at once. Where
    /// the processor has wider vector instructions than the baseline, a copy compiled for them
    /// runs: the same operations in the same order, so the same results.
    pub fn bucket_ids(&self, xs: &[f64], out: &mut [u32; BATCH]) {
        let mut padded = [f64::NAN; BATCH];
        let x: &[f64; BATCH] = match xs.try_into() {
            Ok(x) => x,
            Err(_) => {
                padded[..xs.len()].copy_from_slice(xs);
                &padded
            }
        };
        #[cfg(target_arch = "x86_64")]
        {
            if super::has_avx512() {
                // SAFETY: the processor has these instructions.
                return unsafe { self.bucket_ids_avx512(x, out) };
            }
            if super::has_avx2() {
                // SAFETY: the processor has these instructions.
                return unsafe { self.bucket_ids_avx2(x, out) };
            }
        }
        self.place(x, out, Self::slots, Self::scan)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,popcnt")]
    unsafe fn bucket_ids_avx512(&self, x: &[f64; BATCH], out: &mut [u32; BATCH]) {
        use std::arch::x86_64::*;
        self.place(
            x,
            out,
            |e, f, x, p| e.slots_avx512(f, x, p),
            |w, x| {
                // SAFETY: `w` holds SCAN = 8 values, one 512-bit load.
                let v = unsafe { _mm512_loadu_pd(w.as_ptr()) };
                _mm512_cmp_pd_mask::<_CMP_LE_OQ>(v, _mm512_set1_pd(x)).count_ones()
            },
        )
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    unsafe fn bucket_ids_avx2(&self, x: &[f64; BATCH], out: &mut [u32; BATCH]) {
        use std::arch::x86_64::*;
        self.place(x, out, Self::slots, |w, x| {
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

    /// Per value, the edges in the slots before its own (by the guide `first`); none for NaN,
    /// which no edge is at or below (its key may put it in any slot).
    #[inline(always)]
    fn slots(&self, first: &[u8; GUIDE + GUIDE_PAD], x: &[f64; BATCH], p: &mut [u32; BATCH]) {
        for j in 0..BATCH {
            p[j] = if x[j].is_nan() {
                0
            } else {
                first[self.slot(x[j])] as u32
            };
        }
    }

    /// [`Edges::slots`] eight values at a time: the same operations (integer, or exactly
    /// rounded), so the same slots.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,popcnt")]
    fn slots_avx512(
        &self,
        first: &[u8; GUIDE + GUIDE_PAD],
        x: &[f64; BATCH],
        p: &mut [u32; BATCH],
    ) {
        use std::arch::x86_64::*;
        let top = (GUIDE - 1) as u64;
        for j in (0..BATCH).step_by(8) {
            // SAFETY: `x` and `p` hold `j + 8` values.
            let v = unsafe { _mm512_loadu_pd(x.as_ptr().add(j)) };
            let slot = if self.linear {
                // `max` returns its second operand where the first is NaN, as `slot` sends
                // NaN to 0.
                let t = _mm512_mul_pd(
                    _mm512_sub_pd(v, _mm512_set1_pd(self.lo)),
                    _mm512_set1_pd(self.scale),
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
                let lo = _mm512_set1_epi64(self.key_lo as i64);
                let d = _mm512_sub_epi64(_mm512_max_epu64(k, lo), lo);
                let d = _mm512_min_epu64(d, _mm512_set1_epi64(self.key_span as i64));
                let d = _mm512_srlv_epi64(d, _mm512_set1_epi64(self.shift as i64));
                _mm512_min_epu64(d, _mm512_set1_epi64(top as i64))
            };
            // One byte per slot, read as 32 bits (the guide is padded) and masked.
            // SAFETY: slots are below GUIDE, and the guide holds GUIDE + GUIDE_PAD bytes.
            let g = unsafe { _mm512_i64gather_epi32::<1>(slot, first.as_ptr() as *const i32) };
            let g = _mm256_and_si256(g, _mm256_set1_epi32(0xFF));
            let nan = _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(v, v);
            let g = _mm256_maskz_mov_epi32(!nan, g);
            // SAFETY: `p` holds `j + 8` values.
            unsafe { _mm256_storeu_si256(p.as_mut_ptr().add(j) as *mut __m256i, g) };
        }
    }

    /// The number of the [`SCAN`] edges in `w` at or below `x`.
    #[inline(always)]
    fn scan(w: &[f64; SCAN], x: f64) -> u32 {
        w.iter().map(|e| (*e <= x) as u32).sum()
    }

    /// [`Edges::bucket_ids`] for a full batch, with `scan` to count the edges at or below a
    /// value among [`SCAN`] of them (as [`Edges::scan`]).
    #[inline(always)]
    fn place(
        &self,
        x: &[f64; BATCH],
        out: &mut [u32; BATCH],
        slots: impl Fn(&Self, &[u8; GUIDE + GUIDE_PAD], &[f64; BATCH], &mut [u32; BATCH]),
        scan: impl Fn(&[f64; SCAN], f64) -> u32,
    ) {
        let mut p = [0u32; BATCH];
        match &self.first {
            Some(first) => {
                slots(self, first, x, &mut p);
                for j in 0..BATCH {
                    let f = p[j] as usize;
                    // SAFETY: `f` is at most `len` and `padded` holds `len + SCAN` values.
                    let w = unsafe { &*(self.padded.as_ptr().add(f) as *const [f64; SCAN]) };
                    p[j] += scan(w, x[j]);
                }
            }
            None => partition_points(self, x, &mut p),
        }
        let m = self.len;
        for j in 0..BATCH {
            let (p, x) = (p[j] as usize, x[j]);
            let i = p.max(1) - 1;
            // `a` and `b` bound the interval above edge `i` (b is NaN past the last edge).
            // SAFETY: `p` is at most `len`, so `i + 1` is below `len + SCAN`.
            let (a, b) = unsafe {
                (
                    *self.padded.get_unchecked(i),
                    *self.padded.get_unchecked(i + 1),
                )
            };
            let on_key = on_key_scale(a, b);
            let ka = key(a);
            // Keys on one side of zero differ by less than 2^63: converting their
            // differences as signed integers is exact.
            let num = if on_key {
                key(x).wrapping_sub(ka) as i64 as f64
            } else {
                x - a
            };
            let den = if on_key {
                key(b).wrapping_sub(ka) as i64 as f64
            } else {
                b - a
            };
            // `max` also sends NaN to 0.
            let k = (num / den * SUBS as f64).max(0.0).min((SUBS - 1) as f64) as i32 as usize;
            let sub = 2 + m + i * SUBS + k;
            let id = if p == m { 1 } else { sub };
            let id = if a == x { 2 + i } else { id };
            out[j] = if p == 0 { 0 } else { id as u32 };
        }
    }
}

/// The bits of `x` as an integer that orders like the value: within one binade it grows
/// linearly with `x`, across binades like `log2 |x|`; so a straight line in it is a
/// log-linear scale, without calling `ln`.
#[inline]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if (b as i64) < 0 {
        !b
    } else {
        b | 1 << 63
    }
}

/// The inverse of [`key`].
fn from_key(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// Whether the interval `(a, b)` is cut on the [`key`] scale (it lies on one side of zero and
/// does not touch it) or linearly.
#[inline]
fn on_key_scale(a: f64, b: f64) -> bool {
    a > 0.0 || b < 0.0
}

/// The inverse of the position of a value in an interval (see [`Edges::bucket_ids`]).
fn at_position(a: f64, b: f64, t: f64) -> f64 {
    if on_key_scale(a, b) {
        let (ka, kb) = (key(a), key(b));
        let v = from_key(ka + ((kb - ka) as f64 * t) as u64);
        v.clamp(a, b)
    } else {
        a + (b - a) * t
    }
}

/// Where a value goes in a histogram with these edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Below,
    Above,
    /// Equal to edge `i`.
    Edge(usize),
    /// Sub-bucket `i` (of all intervals, in order).
    Sub(usize),
}

impl Slot {
    /// A number for each slot of a histogram with `m` edges.
    fn id(self, m: usize) -> u32 {
        match self {
            Slot::Below => 0,
            Slot::Above => 1,
            Slot::Edge(i) => (2 + i) as u32,
            Slot::Sub(i) => (2 + m + i) as u32,
        }
    }
}

/// Values placed together: their searches run side by side, so the loads of one do not
/// wait for those of another.
pub const BATCH: usize = 32;

/// The number of edges at or below each of `xs`, as `partition_point` would give, by a
/// branch-free binary search.
#[inline(always)]
fn partition_points(e: &[f64], xs: &[f64; BATCH], out: &mut [u32; BATCH]) {
    let mut base = [0usize; BATCH];
    let mut size = e.len();
    if size == 0 {
        *out = [0; BATCH];
        return;
    }
    while size > 1 {
        let half = size / 2;
        for j in 0..BATCH {
            let mid = base[j] + half;
            base[j] = if e[mid] <= xs[j] { mid } else { base[j] };
        }
        size -= half;
    }
    for j in 0..BATCH {
        out[j] = (base[j] + (e[base[j]] <= xs[j]) as usize) as u32;
    }
}

/// Where a histogram's memory lies (its lock and header, counts, edges and guide), so that a
/// worker can ask the processor to start loading it a little before use, without taking its
/// lock or reading it: the counts of all cells are far larger than the caches, and each block
/// of paths visits every cell once. Addresses only: a hint is never dereferenced.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prefetch {
    spans: [(usize, usize); 4],
}

impl Prefetch {
    /// The spans of the histogram `c`. Its counts and edges never move: they are allocated
    /// once, whole (the high bits of counts, allocated later and seldom used, are left out).
    pub fn of(c: &Arc<std::sync::Mutex<Calibrated>>) -> Prefetch {
        let h = c.lock().unwrap_or_else(|e| e.into_inner());
        let first = h
            .edges
            .first
            .as_ref()
            .map_or((0, 0), |f| (f.as_ptr() as usize, GUIDE));
        Prefetch {
            spans: [
                (
                    Arc::as_ptr(c) as usize,
                    std::mem::size_of::<std::sync::Mutex<Calibrated>>(),
                ),
                (h.counts.as_ptr() as usize, h.counts.len() * 2),
                (h.edges.as_ptr() as usize, h.edges.len() * 8),
                first,
            ],
        }
    }

    /// Asks the processor to start loading the spans into its first-level cache.
    #[inline]
    pub fn issue(&self) {
        self.issue_part(0, 1);
    }

    /// Asks for part `part` of `parts` of each span: a histogram is about 80 cache lines,
    /// more than the processor keeps loading at once, so they are asked for a few at a time
    /// while the previous histogram is counted.
    #[inline]
    pub fn issue_part(&self, part: usize, parts: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            for &(at, bytes) in &self.spans {
                let lines = bytes.div_ceil(64);
                for line in part * lines / parts..(part + 1) * lines / parts {
                    // SAFETY: a prefetch is a hint that never faults, whatever the address.
                    unsafe { _mm_prefetch::<_MM_HINT_T0>((at + 64 * line) as *const i8) };
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Calibrated {
    edges: Arc<Edges>,
    /// Counts by bucket id less 2 ([`Slot::id`]): values equal to each edge, then `SUBS`
    /// sub-buckets per open interval `(edges[i], edges[i+1])`. The low 16 bits, and the high
    /// bits once any count has wrapped (allocated only then), which keeps a cell small at
    /// national scale.
    counts: Vec<u16>,
    hi: Vec<u32>,
    /// Values below the first or above the last edge.
    tails: Sketch,
    /// How many of the tail values are below the first edge.
    below: u64,
    /// Buckets whose values were collected in a second pass: (bucket id, sorted values).
    exact: Vec<(u32, Vec<f64>)>,
}

/// Where a walk through a histogram's buckets in value order stands: at a bucket (as
/// [`Calibrated::in_order`] numbers them), with the values below it.
#[derive(Debug, Clone, Copy, Default)]
struct Walk {
    bucket: usize,
    seen: u64,
}

#[derive(Debug, Clone, Copy)]
struct Located {
    value: f64,
    share: f64,
    /// The bucket (as [`Slot::id`]) and the rank of the value within it.
    bucket: u32,
    rank: u64,
}

impl Calibrated {
    pub fn new(edges: Arc<Edges>) -> Calibrated {
        let m = edges.len();
        Calibrated {
            counts: vec![0; m + m.saturating_sub(1) * SUBS],
            hi: Vec::new(),
            edges,
            tails: Sketch::with_span(TAIL_BUCKETS),
            below: 0,
            exact: Vec::new(),
        }
    }

    pub fn add(&mut self, x: f64) {
        self.add_all(std::slice::from_ref(&x));
    }

    /// Adds many values, as [`Calibrated::add`] one by one would, but faster: values equal to
    /// the cell's dominant value are counted at once, the others placed by
    /// [`Edges::bucket_ids`]. A value equal to an edge is always counted at that edge, so both
    /// ways give the same counts.
    pub fn add_all(&mut self, xs: &[f64]) {
        self.add_all_ahead(xs, None);
    }

    /// [`Calibrated::add_all`], loading the histogram `ahead` into cache meanwhile.
    pub fn add_all_ahead(&mut self, xs: &[f64], ahead: Option<&Prefetch>) {
        let Some((edge, value)) = self.edges.dominant else {
            return self.place_all(xs, ahead);
        };
        // Counting the dominant value is quick: the next histogram is asked for at once.
        if let Some(p) = ahead {
            p.issue();
        }
        const RUN: usize = 256;
        let mut rest = [0.0; RUN];
        for run in xs.chunks(RUN) {
            // Without branches: every value is written, and kept when it differs.
            let mut n = 0;
            for &x in run {
                rest[n] = x;
                n += (x != value) as usize;
            }
            if n < run.len() {
                self.bump(edge, (run.len() - n) as u64);
            }
            self.place_all(&rest[..n], None);
        }
    }

    /// Adds values one batch of [`BATCH`] after another, each placed by [`Edges::bucket_ids`].
    fn place_all(&mut self, xs: &[f64], ahead: Option<&Prefetch>) {
        let mut ids = [0u32; BATCH];
        let parts = xs.len().div_ceil(BATCH);
        for (part, chunk) in xs.chunks(BATCH).enumerate() {
            if let Some(p) = ahead {
                p.issue_part(part, parts);
            }
            self.edges.bucket_ids(chunk, &mut ids);
            for (&id, &x) in ids.iter().zip(chunk) {
                match id {
                    0 => {
                        self.tails.add(x);
                        self.below += 1;
                    }
                    1 => self.tails.add(x),
                    _ => self.bump(id as usize - 2, 1),
                }
            }
        }
    }

    /// Adds `c` to count `i`, carrying into the high bits.
    #[inline]
    fn bump(&mut self, i: usize, c: u64) {
        let total = self.counts[i] as u64 + c;
        self.counts[i] = total as u16;
        let carry = (total >> 16) as u32;
        if carry > 0 {
            if self.hi.is_empty() {
                self.hi = vec![0; self.counts.len()];
            }
            self.hi[i] += carry;
        }
    }

    fn count_at(&self, i: usize) -> u64 {
        let hi = self.hi.get(i).copied().unwrap_or(0) as u64;
        (hi << 16) | self.counts[i] as u64
    }

    pub fn merge(&mut self, o: &Calibrated) {
        debug_assert!(Arc::ptr_eq(&self.edges, &o.edges) || **self.edges == **o.edges);
        for i in 0..self.counts.len() {
            let c = o.count_at(i);
            if c > 0 {
                self.bump(i, c);
            }
        }
        self.tails.merge(&o.tails);
        self.below += o.below;
    }

    pub fn count(&self) -> u64 {
        self.tails.count()
            + (0..self.counts.len())
                .map(|i| self.count_at(i))
                .sum::<u64>()
    }

    /// The estimate of the `r`-th smallest of `n` values (0-based), exact where its bucket
    /// was collected in a second pass. `walk` is where the previous call stopped: the order
    /// statistics of the quantiles are asked for in (nearly) increasing order, so each call
    /// goes on from there instead of summing the counts from the first bucket again.
    fn order_stat(&self, r: u64, n: u64, walk: &mut Walk) -> Located {
        let l = self.locate_rank(r, n, walk);
        match self.exact.iter().find(|(b, _)| *b == l.bucket) {
            Some((_, v)) => Located {
                value: v[l.rank as usize],
                share: 0.0,
                ..l
            },
            None => l,
        }
    }

    /// Buckets in value order (each edge, then the sub-buckets above it): the `j`-th as
    /// (its count's index, its id).
    #[inline]
    fn in_order(&self, j: usize) -> (usize, Slot) {
        let (i, k) = (j / (SUBS + 1), j % (SUBS + 1));
        match k {
            0 => (i, Slot::Edge(i)),
            _ => (
                self.edges.len() + i * SUBS + k - 1,
                Slot::Sub(i * SUBS + k - 1),
            ),
        }
    }

    fn locate_rank(&self, r: u64, n: u64, walk: &mut Walk) -> Located {
        let m = self.edges.len();
        if r < self.below {
            let (v, share) = self.tails.order_stat(r, n);
            return Located {
                value: v,
                share,
                bucket: Slot::Below.id(m),
                rank: r,
            };
        }
        if walk.seen > r || walk.seen < self.below {
            *walk = Walk {
                bucket: 0,
                seen: self.below,
            };
        }
        // Edges, and the sub-buckets between them: the last edge has none above it.
        let buckets = (m * (SUBS + 1)).saturating_sub(SUBS);
        while walk.bucket < buckets {
            // A whole interval (an edge and its sub-buckets) at once where the rank lies
            // beyond it: its counts lie together, and are summed without a branch.
            let e = walk.bucket / (SUBS + 1);
            if walk.bucket.is_multiple_of(SUBS + 1) && e + 1 < m && self.hi.is_empty() {
                let subs = &self.counts[m + e * SUBS..m + (e + 1) * SUBS];
                let whole = self.counts[e] as u64 + subs.iter().map(|c| *c as u64).sum::<u64>();
                if r >= walk.seen + whole {
                    walk.seen += whole;
                    walk.bucket += SUBS + 1;
                    continue;
                }
            }
            let (i, slot) = self.in_order(walk.bucket);
            let c = self.count_at(i);
            if r < walk.seen + c {
                let rank = r - walk.seen;
                let (value, share) = match slot {
                    Slot::Sub(s) => {
                        let e = s / SUBS;
                        let (a, b) = (self.edges[e], self.edges[e + 1]);
                        let f = (rank as f64 + 0.5) / c as f64;
                        let t = ((s % SUBS) as f64 + f) / SUBS as f64;
                        (at_position(a, b, t), c as f64 / n as f64)
                    }
                    _ => (self.edges[i], 0.0),
                };
                return Located {
                    value,
                    share,
                    bucket: slot.id(m),
                    rank,
                };
            }
            walk.seen += c;
            walk.bucket += 1;
        }
        // Above the last edge: the upper part of the tails.
        let seen = walk.seen;
        let (v, share) = self.tails.order_stat(r - seen + self.below, n);
        Located {
            value: v,
            share,
            bucket: Slot::Above.id(m),
            rank: r - seen,
        }
    }

    /// The buckets holding an order statistic that the quantiles need whose share of paths is
    /// above `limit`: collecting their values in a second pass makes those exact.
    pub fn refine_targets(&self, limit: f64) -> Vec<u32> {
        let n = self.count();
        let mut t = Vec::new();
        let mut walk = Walk::default();
        from_order_stats(n, |r, n| {
            let l = self.order_stat(r, n, &mut walk);
            if l.share > limit && !t.contains(&l.bucket) {
                t.push(l.bucket);
            }
            (l.value, l.share)
        });
        t
    }

    /// The edges, to place values in buckets in a second pass.
    pub fn edges(&self) -> &Arc<Edges> {
        &self.edges
    }

    /// Takes the values of bucket `bucket` collected in a second pass. If they are not as
    /// many as the bucket counted (which would be a defect), they are not used.
    pub fn set_exact(&mut self, bucket: u32, mut values: Vec<f64>) {
        if values.len() as u64 != self.bucket_count(bucket) {
            debug_assert!(false, "bucket {bucket}: {} values collected", values.len());
            return;
        }
        values.sort_unstable_by(f64::total_cmp);
        self.exact.push((bucket, values));
    }

    /// How many values bucket `id` holds.
    pub fn bucket_count(&self, id: u32) -> u64 {
        match id as usize {
            0 => self.below,
            1 => self.tails.count() - self.below,
            i => self.count_at(i - 2),
        }
    }

    /// The seven quantiles (numpy "linear" between estimated order statistics) and the
    /// largest share of paths in a bucket they came from: a bound on their rank error.
    pub fn quantiles(&self) -> ([f64; 7], f64) {
        let mut walk = Walk::default();
        from_order_stats(self.count(), |r, n| {
            let l = self.order_stat(r, n, &mut walk);
            (l.value, l.share)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_carry_past_16_bits() {
        let edges = Arc::new(Edges::new(vec![0.0, 1.0]));
        let mut a = Calibrated::new(edges.clone());
        for _ in 0..70_000 {
            a.add(0.5);
        }
        let mut b = Calibrated::new(edges);
        for _ in 0..65_535 {
            b.add(0.5);
        }
        a.merge(&b);
        assert_eq!(a.count(), 135_535);
        // Every value sits in the sub-bucket [0.5, 0.5 + 1/SUBS).
        let (q, bound) = a.quantiles();
        assert!(
            q.iter().all(|x| (0.5..0.5 + 1.0 / SUBS as f64).contains(x)),
            "{q:?}"
        );
        assert_eq!(bound, 1.0);
    }
    use crate::stats::quantile::{linear, rank_interval, PROBS};

    /// Every estimate lies within its stated rank error of the exact quantile.
    fn assert_within_bound(sorted: &[f64], q: &[f64; 7], bound: f64) {
        for (k, p) in PROBS.iter().enumerate() {
            let (lo, hi) = rank_interval(sorted, *p, bound);
            assert!(
                q[k] >= lo && q[k] <= hi,
                "p{p}: {} not in [{lo}, {hi}]",
                q[k]
            );
        }
    }

    /// Edges calibrated on the first `k` of `all`, as a run's pilot.
    fn pilot_edges(all: &[f64], k: usize) -> Arc<Edges> {
        let mut pilot = all[..k].to_vec();
        pilot.sort_by(f64::total_cmp);
        edges_from_pilot(&pilot)
    }

    fn xorshift(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    /// A hard mixture: 30% exact zeros, 20% tiny values spread over 15 orders of magnitude,
    /// a narrow cluster (sd 1%) and a long tail.
    fn mixture(n: usize, seed: u64) -> Vec<f64> {
        let u = xorshift(2 * n, seed);
        (0..n)
            .map(|i| {
                let (a, b) = (u[2 * i], u[2 * i + 1]);
                if a < 0.3 {
                    0.0
                } else if a < 0.5 {
                    10f64.powf(-12.0 + 15.0 * b)
                } else if a < 0.9 {
                    2e7 * (1.0 + 0.01 * (b - 0.5))
                } else {
                    2e7 * (8.0 * b).exp()
                }
            })
            .collect()
    }

    #[test]
    fn rank_error_stays_small_on_a_hard_mixture() {
        let pilot_n = 512;
        let all = mixture(40_000, 0xABCDEF);
        let edges = pilot_edges(&all, pilot_n);
        let mut c = Calibrated::new(edges);
        for x in &all {
            c.add(*x);
        }
        let (q, bound) = c.quantiles();
        assert!(bound < 0.005, "bound {bound}");
        let mut sorted = all.clone();
        sorted.sort_by(f64::total_cmp);
        assert_within_bound(&sorted, &q, bound);
        // The point mass at zero is exact.
        assert_eq!(q[0], 0.0);
    }

    #[test]
    fn a_second_pass_makes_crowded_buckets_exact() {
        // The pilot sees a uniform spread; the run then puts half its paths in a cluster far
        // narrower than any sub-bucket, so p50's bucket holds a third of the paths.
        let mut pilot = xorshift(512, 3);
        pilot.sort_by(f64::total_cmp);
        let edges = edges_from_pilot(&pilot);
        let u = xorshift(30_000, 9);
        let all: Vec<f64> = u
            .iter()
            .enumerate()
            .map(|(i, x)| if i % 2 == 0 { 0.5 + 1e-9 * x } else { *x })
            .collect();
        let mut c = Calibrated::new(edges.clone());
        all.iter().for_each(|x| c.add(*x));
        assert!(c.quantiles().1 > 0.3);
        let wanted = c.refine_targets(0.0025);
        assert!(!wanted.is_empty());
        for b in &wanted {
            let v: Vec<f64> = all
                .iter()
                .copied()
                .filter(|x| bucket_id(&edges, *x) == *b)
                .collect();
            c.set_exact(*b, v);
        }
        let (q, bound) = c.quantiles();
        assert!(bound <= 0.0025, "bound {bound}");
        let mut sorted = all.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(q[3], linear(&sorted, 0.5));
        assert_within_bound(&sorted, &q, bound);
    }

    /// The bucket of `x`, through the batch placement.
    fn bucket_id(edges: &Edges, x: f64) -> u32 {
        let mut id = [0; BATCH];
        edges.bucket_ids(&[x], &mut id);
        id[0]
    }

    /// A value's bucket by the definition, one value at a time: its place among the edges by
    /// binary search, then below, above, at an edge or the sub-bucket of its interval.
    fn reference_bucket(e: &[f64], x: f64) -> u32 {
        let p = e.partition_point(|v| *v <= x);
        let m = e.len();
        let slot = if p == 0 {
            Slot::Below
        } else if e[p - 1] == x {
            Slot::Edge(p - 1)
        } else if p == m {
            Slot::Above
        } else {
            let (a, b) = (e[p - 1], e[p]);
            let t = if on_key_scale(a, b) {
                (key(x) - key(a)) as f64 / (key(b) - key(a)) as f64
            } else {
                (x - a) / (b - a)
            };
            let k = ((t * SUBS as f64) as usize).min(SUBS - 1);
            Slot::Sub((p - 1) * SUBS + k)
        };
        slot.id(m)
    }

    /// Buckets found through the guide (or the search), in batches and one by one, with the
    /// baseline instructions and the processor's vector ones, are those of the definition:
    /// for values at, between and beyond the edges, both zeros, infinities and NaN, on both
    /// scales.
    #[test]
    fn buckets_are_placed_as_defined() {
        let spread = |n: usize, seed: u64, f: &dyn Fn(f64) -> f64| -> Vec<f64> {
            let mut v: Vec<f64> = xorshift(n, seed).into_iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let pilots = [
            mixture(512, 11),
            spread(512, 12, &|u| 1e6 * (1.0 + 0.02 * u)),
            spread(512, 13, &|u| -5e5 + 1e6 * u),
            spread(512, 14, &|u| -(10f64.powf(9.0 * u))),
            spread(512, 15, &|u| if u < 0.4 { 0.0 } else { 3e4 * u }),
        ];
        let mut guided = Vec::new();
        for pilot in &pilots {
            let e = edges_from_pilot(pilot);
            guided.push(e.guided());
            let mut xs: Vec<f64> = e.iter().copied().collect();
            for w in e.windows(2) {
                xs.push(w[0] + (w[1] - w[0]) * 0.37);
            }
            xs.extend(mixture(2000, 17));
            xs.extend(spread(2000, 18, &|u| -1e6 + 2e6 * u));
            xs.extend([0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
            xs.extend([f64::MIN_POSITIVE, f64::MAX, -f64::MAX]);
            xs.extend([e[0] - 1.0, e[e.len() - 1] * 2.0]);
            let want: Vec<u32> = xs.iter().map(|x| reference_bucket(&e, *x)).collect();
            for (x, w) in xs.iter().zip(&want) {
                assert_eq!(bucket_id(&e, *x), *w, "x = {x}");
            }
            for (chunk, w) in xs.chunks(BATCH).zip(want.chunks(BATCH)) {
                let mut ids = [0; BATCH];
                e.bucket_ids(chunk, &mut ids);
                assert_eq!(&ids[..chunk.len()], w);
                if let Ok(full) = chunk.try_into() {
                    e.place(full, &mut ids, Edges::slots, Edges::scan);
                    assert_eq!(&ids[..], w, "baseline instructions");
                    #[cfg(target_arch = "x86_64")]
                    if crate::stats::has_avx2() {
                        // SAFETY: the processor has these instructions.
                        unsafe { e.bucket_ids_avx2(full, &mut ids) };
                        assert_eq!(&ids[..], w, "AVX2");
                    }
                }
            }
        }
        // The hard mixture puts 40% of its pilot in a cluster 1% wide, within one slot of a
        // guide spread over 20 orders of magnitude: it is searched. The others are guided.
        assert_eq!(guided, [false, true, true, true, true]);
    }

    #[test]
    fn one_walk_finds_the_order_statistics_as_fresh_walks_do() {
        let all = mixture(2_000, 5);
        let edges = pilot_edges(&all, 512);
        // Few values make the quantiles ask for the same ranks twice, and for a lower rank
        // after a higher one.
        for n in [1, 2, 3, 7, 20, 513, 2_000] {
            let mut c = Calibrated::new(edges.clone());
            c.add_all(&all[..n]);
            let fresh = from_order_stats(c.count(), |r, n| {
                let l = c.order_stat(r, n, &mut Walk::default());
                (l.value, l.share)
            });
            assert_eq!(c.quantiles(), fresh, "{n} values");
        }
    }

    #[test]
    fn dominant_values_counted_at_once_as_if_placed() {
        // Zeros are 30% of the mixture: its dominant value. Negative zeros and NaN are mixed
        // in, and a run of nothing but zeros, as a payment not made in a whole block.
        let mut all = mixture(3_000, 11);
        all.iter_mut().step_by(7).for_each(|x| *x = -0.0);
        all.iter_mut()
            .skip(3)
            .step_by(101)
            .for_each(|x| *x = f64::NAN);
        all.extend([0.0; 300]);
        let edges = pilot_edges(&all, 512);
        assert_eq!(edges.dominant.map(|(_, v)| v), Some(0.0));
        let mut counted = Calibrated::new(edges.clone());
        let mut placed = Calibrated::new(edges.clone());
        for run in all.chunks(250) {
            counted.add_all(run);
            placed.place_all(run, None);
        }
        assert_eq!(counted.counts, placed.counts);
        assert_eq!(counted.below, placed.below);
        assert_eq!(counted.tails.count(), placed.tails.count());
        // A pilot without a point mass of a quarter has no dominant value.
        let spread: Vec<f64> = (0..512).map(f64::from).collect();
        assert_eq!(edges_from_pilot(&spread).dominant, None);
    }

    #[test]
    fn merging_any_split_gives_the_same_state() {
        let all = mixture(5_000, 7);
        let edges = pilot_edges(&all, 256);
        let mut whole = Calibrated::new(edges.clone());
        all.iter().for_each(|x| whole.add(*x));
        for parts in [2, 7, 40] {
            let mut m = Calibrated::new(edges.clone());
            for chunk in all.chunks(all.len().div_ceil(parts)).rev() {
                let mut c = Calibrated::new(edges.clone());
                chunk.iter().for_each(|x| c.add(*x));
                m.merge(&c);
            }
            assert_eq!(m.quantiles().0, whole.quantiles().0);
            assert_eq!(m.counts, whole.counts);
            assert_eq!(m.hi, whole.hi);
        }
    }
}
