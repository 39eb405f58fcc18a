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
//! ([`bucket_id`]) and [`Calibrated::set_exact`] takes them, sorted.

use super::quantile::{from_order_stats, Sketch};
use std::sync::Arc;

/// Buckets a sign for the values beyond the pilot's range (a fraction of a percent of paths).
const TAIL_BUCKETS: i64 = 64;

/// Intervals between pilot order statistics (at most; fewer when values repeat).
pub const INTERVALS: usize = 128;
/// Equal-width sub-buckets per interval.
pub const SUBS: usize = 12;

/// Edges for one cell: distinct pilot values at ranks `i (K-1) / INTERVALS`.
pub fn edges_from_pilot(sorted: &[f64]) -> Arc<[f64]> {
    let k = sorted.len();
    if k == 0 {
        return Arc::from(Vec::new());
    }
    let mut e: Vec<f64> = (0..=INTERVALS)
        .map(|i| sorted[i * (k - 1) / INTERVALS])
        .collect();
    // Beside a point mass (a value the pilot holds more than once), add the nearest pilot
    // values on either side as edges: the interval next to an atom then starts where the
    // values do, instead of spanning the empty gap to the atom (zeros next to a cluster).
    let mut i = 0;
    while i < k {
        let mut j = i;
        while j + 1 < k && sorted[j + 1] == sorted[i] {
            j += 1;
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
    Arc::from(e)
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

/// Where `x` lies in the open interval `(a, b)`, from 0 to 1: on the log-linear [`key`] scale
/// when the interval lies on one side of zero (values spread over orders of magnitude get
/// buckets in proportion), else linearly.
#[inline]
fn position(a: f64, b: f64, x: f64) -> f64 {
    if on_key_scale(a, b) {
        let ka = key(a);
        (key(x) - ka) as f64 / (key(b) - ka) as f64
    } else {
        (x - a) / (b - a)
    }
}

/// The inverse of [`position`].
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

#[inline]
fn locate(e: &[f64], x: f64) -> Slot {
    slot(e, e.partition_point(|v| *v <= x), x)
}

/// The slot of `x`, given `p`, the number of edges at or below it.
#[inline]
fn slot(e: &[f64], p: usize, x: f64) -> Slot {
    if p == 0 {
        Slot::Below
    } else if e[p - 1] == x {
        Slot::Edge(p - 1)
    } else if p == e.len() {
        Slot::Above
    } else {
        let k = (position(e[p - 1], e[p], x) * SUBS as f64) as usize;
        Slot::Sub((p - 1) * SUBS + k.min(SUBS - 1))
    }
}

/// Values searched for together: their binary searches run side by side, so the loads of
/// one do not wait for those of another.
const BATCH: usize = 8;

/// The number of edges at or below each of `xs` (at most [`BATCH`] of them), as
/// `partition_point` would give, by a branch-free binary search.
#[inline]
fn partition_points(e: &[f64], xs: &[f64], out: &mut [usize; BATCH]) {
    let n = xs.len().min(BATCH);
    let mut base = [0usize; BATCH];
    let mut size = e.len();
    if size == 0 {
        *out = [0; BATCH];
        return;
    }
    while size > 1 {
        let half = size / 2;
        for j in 0..n {
            let mid = base[j] + half;
            base[j] = if e[mid] <= xs[j] { mid } else { base[j] };
        }
        size -= half;
    }
    for j in 0..n {
        out[j] = base[j] + (e[base[j]] <= xs[j]) as usize;
    }
}

/// The bucket of `x` in a histogram with `edges`, as numbered by [`Calibrated::refine_targets`].
#[inline]
pub fn bucket_id(edges: &[f64], x: f64) -> u32 {
    locate(edges, x).id(edges.len())
}

#[derive(Debug, Clone)]
pub struct Calibrated {
    edges: Arc<[f64]>,
    /// Values equal to each edge.
    at_edge: Vec<u32>,
    /// `SUBS` sub-buckets per open interval `(edges[i], edges[i+1])`: the low 16 bits of the
    /// counts, and the high bits once any count has wrapped (allocated only then), which keeps
    /// a cell small at national scale.
    sub: Vec<u16>,
    sub_hi: Vec<u32>,
    /// Values below the first or above the last edge.
    tails: Sketch,
    /// How many of the tail values are below the first edge.
    below: u64,
    /// Buckets whose values were collected in a second pass: (bucket id, sorted values).
    exact: Vec<(u32, Vec<f64>)>,
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
    pub fn new(edges: Arc<[f64]>) -> Calibrated {
        let m = edges.len();
        Calibrated {
            at_edge: vec![0; m],
            sub: vec![0; m.saturating_sub(1) * SUBS],
            sub_hi: Vec::new(),
            edges,
            tails: Sketch::with_span(TAIL_BUCKETS),
            below: 0,
            exact: Vec::new(),
        }
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        self.put(locate(&self.edges, x), x);
    }

    /// Asks the processor to start loading this histogram's counts and edges, so that they are
    /// in cache when values are added a little later (the counts of all cells are far larger
    /// than the caches, and each block of paths visits every cell once).
    #[inline]
    pub fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let lines = |p: *const u8, bytes: usize| {
                for off in (0..bytes).step_by(64) {
                    // SAFETY: prefetching is only a hint; the address stays inside the slice.
                    unsafe { _mm_prefetch::<_MM_HINT_T0>(p.add(off) as *const i8) };
                }
            };
            lines(self.sub.as_ptr() as *const u8, self.sub.len() * 2);
            lines(self.edges.as_ptr() as *const u8, self.edges.len() * 8);
        }
    }

    /// Adds many values (faster than one by one: their searches overlap).
    pub fn add_all(&mut self, xs: &[f64]) {
        let mut p = [0usize; BATCH];
        for chunk in xs.chunks(BATCH) {
            partition_points(&self.edges, chunk, &mut p);
            for (j, &x) in chunk.iter().enumerate() {
                self.put(slot(&self.edges, p[j], x), x);
            }
        }
    }

    #[inline]
    fn put(&mut self, s: Slot, x: f64) {
        match s {
            Slot::Below => {
                self.tails.add(x);
                self.below += 1;
            }
            Slot::Above => self.tails.add(x),
            Slot::Edge(i) => self.at_edge[i] += 1,
            Slot::Sub(i) => self.bump(i, 1),
        }
    }

    /// Adds `c` to sub-bucket `i`, carrying into the high bits.
    #[inline]
    fn bump(&mut self, i: usize, c: u64) {
        let total = self.sub[i] as u64 + c;
        self.sub[i] = total as u16;
        let carry = (total >> 16) as u32;
        if carry > 0 {
            if self.sub_hi.is_empty() {
                self.sub_hi = vec![0; self.sub.len()];
            }
            self.sub_hi[i] += carry;
        }
    }

    fn sub_count(&self, i: usize) -> u64 {
        let hi = self.sub_hi.get(i).copied().unwrap_or(0) as u64;
        (hi << 16) | self.sub[i] as u64
    }

    pub fn merge(&mut self, o: &Calibrated) {
        debug_assert!(Arc::ptr_eq(&self.edges, &o.edges) || self.edges == o.edges);
        for (a, b) in self.at_edge.iter_mut().zip(&o.at_edge) {
            *a += b;
        }
        for i in 0..self.sub.len() {
            let c = o.sub_count(i);
            if c > 0 {
                self.bump(i, c);
            }
        }
        self.tails.merge(&o.tails);
        self.below += o.below;
    }

    pub fn count(&self) -> u64 {
        self.tails.count()
            + self.at_edge.iter().map(|c| *c as u64).sum::<u64>()
            + (0..self.sub.len()).map(|i| self.sub_count(i)).sum::<u64>()
    }

    /// The estimate of the `r`-th smallest of `n` values (0-based), exact where its bucket
    /// was collected in a second pass.
    fn order_stat(&self, r: u64, n: u64) -> Located {
        let l = self.locate_rank(r, n);
        match self.exact.iter().find(|(b, _)| *b == l.bucket) {
            Some((_, v)) => Located {
                value: v[l.rank as usize],
                share: 0.0,
                ..l
            },
            None => l,
        }
    }

    fn locate_rank(&self, r: u64, n: u64) -> Located {
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
        let mut seen = self.below;
        for i in 0..m {
            let c = self.at_edge[i] as u64;
            if r < seen + c {
                return Located {
                    value: self.edges[i],
                    share: 0.0,
                    bucket: Slot::Edge(i).id(m),
                    rank: r - seen,
                };
            }
            seen += c;
            if i + 1 == m {
                break;
            }
            let (a, b) = (self.edges[i], self.edges[i + 1]);
            for k in 0..SUBS {
                let c = self.sub_count(i * SUBS + k);
                if r < seen + c {
                    let f = ((r - seen) as f64 + 0.5) / c as f64;
                    return Located {
                        value: at_position(a, b, (k as f64 + f) / SUBS as f64),
                        share: c as f64 / n as f64,
                        bucket: Slot::Sub(i * SUBS + k).id(m),
                        rank: r - seen,
                    };
                }
                seen += c;
            }
        }
        // Above the last edge: the upper part of the tails.
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
        from_order_stats(n, |r, n| {
            let l = self.order_stat(r, n);
            if l.share > limit && !t.contains(&l.bucket) {
                t.push(l.bucket);
            }
            (l.value, l.share)
        });
        t
    }

    /// The edges, to place values in buckets in a second pass.
    pub fn edges(&self) -> &Arc<[f64]> {
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
        let m = self.edges.len();
        let id = id as usize;
        match id {
            0 => self.below,
            1 => self.tails.count() - self.below,
            i if i < 2 + m => self.at_edge[i - 2] as u64,
            i => self.sub_count(i - 2 - m),
        }
    }

    /// The seven quantiles (numpy "linear" between estimated order statistics) and the
    /// largest share of paths in a bucket they came from: a bound on their rank error.
    pub fn quantiles(&self) -> ([f64; 7], f64) {
        from_order_stats(self.count(), |r, n| {
            let l = self.order_stat(r, n);
            (l.value, l.share)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_carry_past_16_bits() {
        let edges: Arc<[f64]> = Arc::from(vec![0.0, 1.0]);
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
        let mut pilot = all[..pilot_n].to_vec();
        pilot.sort_by(f64::total_cmp);
        let edges = edges_from_pilot(&pilot);
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

    #[test]
    fn merging_any_split_gives_the_same_state() {
        let all = mixture(5_000, 7);
        let mut pilot = all[..256].to_vec();
        pilot.sort_by(f64::total_cmp);
        let edges = edges_from_pilot(&pilot);
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
            assert_eq!(m.sub, whole.sub);
            assert_eq!(m.sub_hi, whole.sub_hi);
        }
    }
}
