//! A pilot-calibrated histogram: bucket edges taken from the exact distribution of a fixed
//! pilot sample of paths, so that buckets are narrow where the paths are dense, whatever the
//! shape of the distribution (narrow clusters, long tails, point masses).
//!
//! The edges are order statistics of the pilot (paths `0..K`, the same whatever the split of
//! the run), deduplicated: each distinct edge value has an exact counter (a point mass is
//! reported exactly), and each open interval between edges is cut into [`SUBS`] equal
//! sub-buckets. Values outside the pilot's range go to a log-linear [`Sketch`]. Counts are
//! integers, so merging is exact and the result is the same bits however paths are split.

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

/// Where `x` lies in the open interval `(a, b)`, from 0 to 1: on a log scale when the interval
/// spans more than a factor of two on one side of zero (tiny values spread over orders of
/// magnitude), else linearly.
#[inline]
fn position(a: f64, b: f64, x: f64) -> f64 {
    if a > 0.0 && b > 2.0 * a {
        (x / a).ln() / (b / a).ln()
    } else if b < 0.0 && a < 2.0 * b {
        1.0 - (x / b).ln() / (a / b).ln()
    } else {
        (x - a) / (b - a)
    }
}

/// The inverse of [`position`].
fn at_position(a: f64, b: f64, t: f64) -> f64 {
    if a > 0.0 && b > 2.0 * a {
        a * (b / a).powf(t)
    } else if b < 0.0 && a < 2.0 * b {
        b * (a / b).powf(1.0 - t)
    } else {
        a + (b - a) * t
    }
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
}

#[derive(Debug, Clone, Copy)]
struct Located {
    value: f64,
    share: f64,
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
        }
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        let e = &self.edges;
        let p = e.partition_point(|v| *v <= x);
        if p == 0 {
            self.tails.add(x);
            self.below += 1;
        } else if e[p - 1] == x {
            self.at_edge[p - 1] += 1;
        } else if p == e.len() {
            self.tails.add(x);
        } else {
            let k = (position(e[p - 1], e[p], x) * SUBS as f64) as usize;
            self.bump((p - 1) * SUBS + k.min(SUBS - 1), 1);
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

    fn order_stat(&self, r: u64, n: u64) -> Located {
        if r < self.below {
            let (v, share) = self.tails.order_stat(r, n);
            return Located { value: v, share };
        }
        let mut seen = self.below;
        let m = self.edges.len();
        for i in 0..m {
            let c = self.at_edge[i] as u64;
            if r < seen + c {
                return Located {
                    value: self.edges[i],
                    share: 0.0,
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
                    };
                }
                seen += c;
            }
        }
        // Above the last edge: the upper part of the tails.
        let (v, share) = self.tails.order_stat(r - seen + self.below, n);
        Located { value: v, share }
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
    use crate::stats::quantile::{linear, PROBS};

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
        let n = sorted.len() as f64;
        for (k, p) in PROBS.iter().enumerate() {
            let slack = bound + 1.0 / n;
            let lo = linear(&sorted, (p - slack).max(0.0));
            let hi = linear(&sorted, (p + slack).min(1.0));
            assert!(
                q[k] >= lo && q[k] <= hi,
                "p{p}: {} not in [{lo}, {hi}]",
                q[k]
            );
        }
        // The point mass at zero is exact.
        assert_eq!(q[0], 0.0);
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
