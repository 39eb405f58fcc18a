//! A cell's bucket edges and the placement of values among them: the guide that finds a
//! value's place without a binary search, and the log-linear sub-buckets between edges.
//! The vector copies of placement, and the unchecked reads it makes, are in `stats::simd`.

use super::{INTERVALS, SUBS};
use crate::stats::simd::{self, Padded};
use std::sync::Arc;

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
pub(in crate::stats) const GUIDE: usize = 512;
/// Bytes after a guide's slots.
pub(in crate::stats) const GUIDE_PAD: usize = 4;
/// Edges a guide slot may hold for a cell to be guided (else it is searched).
pub(in crate::stats) const SCAN: usize = 8;

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
    padded: Padded,
    /// Per slot, the edges in earlier slots (at most `len`); `None` when some slot holds more
    /// than [`SCAN`] edges (the cell is then binary-searched).
    /// Followed by [`GUIDE_PAD`] zeros, so that a 32-bit load at any slot stays inside.
    pub(in crate::stats) first: Option<Box<[u8; GUIDE + GUIDE_PAD]>>,
    /// The guide's scale. Linear: slot `(x - lo) * scale`. Else `key(x) - key_lo`, at most
    /// `key_span`, shifted right by `shift`.
    pub(in crate::stats) linear: bool,
    pub(in crate::stats) lo: f64,
    pub(in crate::stats) scale: f64,
    pub(in crate::stats) key_lo: u64,
    pub(in crate::stats) key_span: u64,
    pub(in crate::stats) shift: u32,
    /// The cell's dominant value, if it has one (see [`DOMINANT`]): (its edge, its value).
    pub(super) dominant: Option<(usize, f64)>,
}

impl std::ops::Deref for Edges {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        self.padded.values()
    }
}

impl Edges {
    pub fn new(values: Vec<f64>) -> Edges {
        let len = values.len();
        let mut e = Edges {
            padded: Padded::new(values),
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
        simd::bucket_ids(self, simd::Isa::best(), x, out)
    }

    /// Per value, the edges in the slots before its own (by the guide `first`); none for NaN,
    /// which no edge is at or below (its key may put it in any slot).
    #[inline(always)]
    pub(in crate::stats) fn slots(
        &self,
        first: &[u8; GUIDE + GUIDE_PAD],
        x: &[f64; BATCH],
        p: &mut [u32; BATCH],
    ) {
        for j in 0..BATCH {
            p[j] = if x[j].is_nan() {
                0
            } else {
                first[self.slot(x[j])] as u32
            };
        }
    }

    /// The number of the [`SCAN`] edges in `w` at or below `x`.
    #[inline(always)]
    pub(in crate::stats) fn scan(w: &[f64; SCAN], x: f64) -> u32 {
        w.iter().map(|e| (*e <= x) as u32).sum()
    }

    /// [`Edges::bucket_ids`] for a full batch, with `scan` to count the edges at or below a
    /// value among [`SCAN`] of them (as [`Edges::scan`]).
    #[inline(always)]
    pub(in crate::stats) fn place(
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
                    p[j] += scan(self.padded.window(f), x[j]);
                }
            }
            None => partition_points(self, x, &mut p),
        }
        let m = self.len();
        for j in 0..BATCH {
            let (p, x) = (p[j] as usize, x[j]);
            let i = p.max(1) - 1;
            // `a` and `b` bound the interval above edge `i` (b is NaN past the last edge).
            let (a, b) = self.padded.pair(i);
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
pub(super) fn key(x: f64) -> u64 {
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
pub(super) fn on_key_scale(a: f64, b: f64) -> bool {
    a > 0.0 || b < 0.0
}

/// The inverse of the position of a value in an interval (see [`Edges::bucket_ids`]).
pub(super) fn at_position(a: f64, b: f64, t: f64) -> f64 {
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
pub(super) enum Slot {
    Below,
    Above,
    /// Equal to edge `i`.
    Edge(usize),
    /// Sub-bucket `i` (of all intervals, in order).
    Sub(usize),
}

impl Slot {
    /// A number for each slot of a histogram with `m` edges.
    pub(super) fn id(self, m: usize) -> u32 {
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
