//! Quantiles over paths: exact (all values kept) or a mergeable log-linear histogram sketch.
//!
//! The reported quantiles are `p05 p10 p25 p50 p75 p90 p95` with the definition numpy calls
//! "linear": for sorted values `x[0..n]` and probability `p`, `h = (n-1) p`, and the quantile
//! is `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.

use crate::codec::{DecodeError, Reader, Writer};

/// The probabilities reported everywhere, in column order.
pub const PROBS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];
pub const NAMES: [&str; 7] = ["p05", "p10", "p25", "p50", "p75", "p90", "p95"];

/// The reported quantiles by name, for seven values in the order of [`PROBS`]: `q.p50()`
/// reads better than `q[3]` and cannot pick the wrong level.
pub trait Named {
    fn p05(&self) -> f64;
    fn p10(&self) -> f64;
    fn p25(&self) -> f64;
    fn p50(&self) -> f64;
    fn p75(&self) -> f64;
    fn p90(&self) -> f64;
    fn p95(&self) -> f64;
}

impl Named for [f64; 7] {
    fn p05(&self) -> f64 {
        self[0]
    }
    fn p10(&self) -> f64 {
        self[1]
    }
    fn p25(&self) -> f64 {
        self[2]
    }
    fn p50(&self) -> f64 {
        self[3]
    }
    fn p75(&self) -> f64 {
        self[4]
    }
    fn p90(&self) -> f64 {
        self[5]
    }
    fn p95(&self) -> f64 {
        self[6]
    }
}

/// The numpy "linear" quantile of sorted values.
pub fn linear(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The values a `p` quantile estimate may take if its rank error is at most `rank_error`:
/// the exact quantiles at `p -+ (rank_error + 1/n)` of the sorted values (the `1/n` for the
/// step between neighbouring order statistics).
pub fn rank_interval(sorted: &[f64], p: f64, rank_error: f64) -> (f64, f64) {
    let slack = rank_error + 1.0 / sorted.len() as f64;
    (
        linear(sorted, (p - slack).max(0.0)),
        linear(sorted, (p + slack).min(1.0)),
    )
}

/// Exact quantiles of all values.
pub fn exact(values: &mut [f64]) -> [f64; 7] {
    values.sort_unstable_by(f64::total_cmp);
    PROBS.map(|p| linear(values, p))
}

/// Largest number of buckets one side of a sketch keeps before halving its resolution.
const MAX_SPAN: i64 = 1024;
/// Finest resolution: mantissa bits kept (2^12 buckets per octave, 0.017% wide).
const MAX_BITS: u32 = 12;

/// A log-linear histogram of magnitudes: a bucket is the float's exponent and top `bits` of
/// its mantissa, so bucket edges are exact floats and a coarser resolution is an exact merge of
/// pairs of buckets. Resolution halves only when the range of values needs it, so the final
/// state depends only on the multiset of values: merging in any split gives the same bits.
#[derive(Debug, Clone)]
struct Side {
    bits: u32,
    /// Largest number of buckets before the resolution halves.
    max_span: i64,
    lo: i64,
    counts: Vec<u32>,
    min: f64,
    max: f64,
    /// How many values equal `min` and `max` exactly: point masses at the ends (a grant with
    /// no clawback, a capped amount) are then reported exactly.
    at_min: u64,
    at_max: u64,
}

impl Default for Side {
    fn default() -> Side {
        Side {
            bits: MAX_BITS,
            max_span: MAX_SPAN,
            lo: 0,
            counts: Vec::new(),
            min: f64::INFINITY,
            max: 0.0,
            at_min: 0,
            at_max: 0,
        }
    }
}

impl Side {
    #[inline]
    fn index(x: f64, bits: u32) -> i64 {
        (x.to_bits() >> (52 - bits)) as i64
    }

    fn total(&self) -> u64 {
        self.counts.iter().map(|c| *c as u64).sum()
    }

    #[inline]
    fn add(&mut self, x: f64) {
        if x < self.min {
            self.min = x;
            self.at_min = 0;
        }
        if x == self.min {
            self.at_min += 1;
        }
        if x > self.max {
            self.max = x;
            self.at_max = 0;
        }
        if x == self.max {
            self.at_max += 1;
        }
        let i = Self::index(x, self.bits);
        if self.counts.is_empty() {
            self.lo = i;
            self.counts.push(1);
            return;
        }
        let hi = self.lo + self.counts.len() as i64 - 1;
        if i >= self.lo && i <= hi {
            self.counts[(i - self.lo) as usize] += 1;
            return;
        }
        self.add_outside(i, x);
    }

    #[cold]
    fn add_outside(&mut self, i: i64, x: f64) {
        let hi = self.lo + self.counts.len() as i64 - 1;
        let (new_lo, new_hi) = (self.lo.min(i), hi.max(i));
        if new_hi - new_lo + 1 > self.max_span {
            self.coarsen_to_fit(new_lo, new_hi);
            let i = Self::index(x, self.bits);
            self.grow(i);
            let k = (i - self.lo) as usize;
            self.counts[k] += 1;
            return;
        }
        self.grow(i);
        let k = (i - self.lo) as usize;
        self.counts[k] += 1;
    }

    /// Extends the bucket range to include index `i`.
    fn grow(&mut self, i: i64) {
        let hi = self.lo + self.counts.len() as i64 - 1;
        if i < self.lo {
            // In place (the vector's room grows by doubling): no allocation per new extreme.
            let extra = (self.lo - i) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, extra));
            self.lo = i;
        } else if i > hi {
            self.counts.resize(self.counts.len() + (i - hi) as usize, 0);
        }
    }

    /// Halves the resolution until indices `lo..=hi` (at the current resolution) fit, or
    /// until only the exponent is left (then the range is at most 2048 buckets whatever it is).
    fn coarsen_to_fit(&mut self, mut lo: i64, mut hi: i64) {
        while hi - lo + 1 > self.max_span && self.bits > 0 {
            self.halve();
            lo >>= 1;
            hi >>= 1;
        }
    }

    fn halve(&mut self) {
        // Pairs of buckets merge into one, in place: bucket `k` goes to a position at most
        // `k`, which has been read already.
        let new_lo = self.lo >> 1;
        let mut to = 0;
        let mut sum = 0;
        for k in 0..self.counts.len() {
            let t = (((self.lo + k as i64) >> 1) - new_lo) as usize;
            if t != to {
                self.counts[to] = sum;
                to = t;
                sum = 0;
            }
            sum += self.counts[k];
        }
        if !self.counts.is_empty() {
            self.counts[to] = sum;
            self.counts.truncate(to + 1);
        }
        self.lo = new_lo;
        self.bits -= 1;
    }

    fn merge(&mut self, o: &Side) {
        if o.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            *self = o.clone();
            return;
        }
        let mut o = o.clone();
        while self.bits > o.bits {
            self.halve();
        }
        while o.bits > self.bits {
            o.halve();
        }
        let lo = self.lo.min(o.lo);
        let hi = (self.lo + self.counts.len() as i64 - 1).max(o.lo + o.counts.len() as i64 - 1);
        self.grow(lo);
        self.grow(hi);
        for (k, c) in o.counts.iter().enumerate() {
            self.counts[(o.lo + k as i64 - self.lo) as usize] += c;
        }
        self.at_min = match self.min.total_cmp(&o.min) {
            std::cmp::Ordering::Less => self.at_min,
            std::cmp::Ordering::Equal => self.at_min + o.at_min,
            std::cmp::Ordering::Greater => o.at_min,
        };
        self.at_max = match self.max.total_cmp(&o.max) {
            std::cmp::Ordering::Greater => self.at_max,
            std::cmp::Ordering::Equal => self.at_max + o.at_max,
            std::cmp::Ordering::Less => o.at_max,
        };
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        let hi = self.lo + self.counts.len() as i64 - 1;
        self.coarsen_to_fit(self.lo, hi);
        // Trim empty buckets at the ends so equal multisets give equal states.
        let first = self.counts.iter().position(|c| *c > 0).unwrap_or(0);
        let last = self.counts.iter().rposition(|c| *c > 0).unwrap_or(0);
        self.counts = self.counts[first..=last].to_vec();
        self.lo += first as i64;
    }

    /// The `r`-th smallest magnitude (0-based) and the share of `n` in its bucket. Values equal
    /// to the extremes are exact; the rest of a bucket is spread evenly over its range.
    fn order_stat(&self, r: u64, n: u64) -> Located {
        let total = self.total();
        if r < self.at_min {
            return Located {
                value: self.min,
                bucket_share: 0.0,
            };
        }
        if r >= total - self.at_max.min(total) {
            return Located {
                value: self.max,
                bucket_share: 0.0,
            };
        }
        let mut seen = 0u64;
        for (k, c) in self.counts.iter().enumerate() {
            let mut c = *c as u64;
            let mut start = seen;
            seen += c;
            if r >= seen {
                continue;
            }
            // Leave out the exact end values this bucket holds.
            let (mut a, mut b) = self.bounds(k);
            if start < self.at_min {
                let skip = self.at_min - start;
                c -= skip;
                start += skip;
                a = self.min;
            }
            if seen > total - self.at_max {
                c -= seen - (total - self.at_max);
                b = self.max;
            }
            let f = (r - start) as f64 + 0.5;
            return Located {
                value: a + (b - a) * f / c as f64,
                bucket_share: if b > a { c as f64 / n as f64 } else { 0.0 },
            };
        }
        Located {
            value: self.max,
            bucket_share: 0.0,
        }
    }

    /// Bucket `k`'s value range, clamped to the observed extremes.
    fn bounds(&self, k: usize) -> (f64, f64) {
        let shift = 52 - self.bits;
        let i = (self.lo + k as i64) as u64;
        let a = f64::from_bits(i << shift);
        let b = f64::from_bits((i + 1) << shift);
        (a.max(self.min), b.min(self.max))
    }
}

/// A mergeable quantile sketch for values of any sign.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    zeros: u64,
    pos: Side,
    neg: Side,
}

/// A value and, for a sketch, the share of paths in the bucket it came from: the rank error
/// of the estimate is at most that share.
#[derive(Debug, Clone, Copy)]
struct Located {
    value: f64,
    bucket_share: f64,
}

impl Sketch {
    /// A sketch that keeps at most `max_span` buckets a sign: coarser, for the few values in
    /// the tails of a calibrated histogram.
    pub fn with_span(max_span: i64) -> Sketch {
        let side = Side {
            max_span,
            ..Side::default()
        };
        Sketch {
            zeros: 0,
            pos: side.clone(),
            neg: side,
        }
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        if x > 0.0 {
            self.pos.add(x);
        } else if x < 0.0 {
            self.neg.add(-x);
        } else {
            self.zeros += 1;
        }
    }

    pub fn merge(&mut self, o: &Sketch) {
        self.zeros += o.zeros;
        self.pos.merge(&o.pos);
        self.neg.merge(&o.neg);
    }

    pub fn count(&self) -> u64 {
        self.zeros + self.pos.total() + self.neg.total()
    }

    /// The estimate of the `r`-th smallest value (0-based) and the share of `n` in its bucket.
    pub fn order_stat(&self, r: u64, n: u64) -> (f64, f64) {
        let l = self.locate(r, n);
        (l.value, l.bucket_share)
    }

    /// The estimate of the `r`-th smallest value (0-based): negatives (largest magnitude
    /// first), zeros, positives.
    fn locate(&self, r: u64, n: u64) -> Located {
        let nneg = self.neg.total();
        if r < nneg {
            let l = self.neg.order_stat(nneg - 1 - r, n);
            return Located {
                value: -l.value,
                bucket_share: l.bucket_share,
            };
        }
        let r = r - nneg;
        if r < self.zeros {
            return Located {
                value: 0.0,
                bucket_share: 0.0,
            };
        }
        self.pos.order_stat(r - self.zeros, n)
    }

    /// The seven quantiles (numpy "linear" on the estimated order statistics) and the largest
    /// bucket share involved: an upper bound on their rank error.
    pub fn quantiles(&self) -> ([f64; 7], f64) {
        from_order_stats(self.count(), |r, n| self.order_stat(r, n))
    }
}

/// The encoding of a shard's part (docs/shards.md).
impl Side {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.bits as u64);
        w.i128(self.max_span as i128);
        w.i128(self.lo as i128);
        w.u64(self.counts.len() as u64);
        for c in &self.counts {
            w.u64(*c as u64);
        }
        w.f64(self.min);
        w.f64(self.max);
        w.u64(self.at_min);
        w.u64(self.at_max);
    }

    fn decode(r: &mut Reader) -> Result<Side, DecodeError> {
        let bits = r.u32()?;
        let int = |r: &mut Reader| -> Result<i64, DecodeError> {
            i64::try_from(r.i128()?).map_err(|_| DecodeError("sketch: a bound out of range".into()))
        };
        let max_span = int(r)?;
        let lo = int(r)?;
        let n = r.len(1)?;
        let counts = (0..n)
            .map(|_| r.u32())
            .collect::<Result<Vec<u32>, DecodeError>>()?;
        if bits > MAX_BITS {
            return Err(DecodeError(format!("sketch: {bits} bits")));
        }
        Ok(Side {
            bits,
            max_span,
            lo,
            counts,
            min: r.f64()?,
            max: r.f64()?,
            at_min: r.u64()?,
            at_max: r.u64()?,
        })
    }
}

impl Sketch {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u64(self.zeros);
        self.pos.encode(w);
        self.neg.encode(w);
    }

    pub(crate) fn decode(r: &mut Reader) -> Result<Sketch, DecodeError> {
        Ok(Sketch {
            zeros: r.u64()?,
            pos: Side::decode(r)?,
            neg: Side::decode(r)?,
        })
    }
}

/// numpy "linear" quantiles of `n` values given an estimate of each order statistic
/// (0-based) with the share of paths in the bucket it came from; returns the quantiles and
/// the largest share involved, a bound on their rank error.
pub fn from_order_stats(
    n: u64,
    mut order_stat: impl FnMut(u64, u64) -> (f64, f64),
) -> ([f64; 7], f64) {
    if n == 0 {
        return ([f64::NAN; 7], 0.0);
    }
    let mut worst = 0.0f64;
    let q = PROBS.map(|p| {
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as u64;
        let (a, sa) = order_stat(lo, n);
        let (b, sb) = order_stat((lo + 1).min(n - 1), n);
        worst = worst.max(sa).max(sb);
        a + (h - lo as f64) * (b - a)
    });
    (q, worst)
}

#[cfg(test)]
mod tests {
    #[test]
    fn named_quantiles_read_the_level_they_name() {
        use super::Named;
        let q = PROBS;
        let named = [
            q.p05(),
            q.p10(),
            q.p25(),
            q.p50(),
            q.p75(),
            q.p90(),
            q.p95(),
        ];
        for (name, (p, got)) in NAMES.iter().zip(PROBS.iter().zip(named)) {
            assert_eq!(got, *p, "{name}");
            assert_eq!(format!("p{:02}", (p * 100.0).round()), *name);
        }
    }

    use super::*;

    #[test]
    fn linear_matches_numpy_by_hand() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        // numpy.quantile(v, 0.9) = 4 + 0.6 * (10 - 4) = 7.6; p50 = 3; p05 = 1 + 0.2 = 1.2
        assert!((linear(&v, 0.9) - 7.6).abs() < 1e-12);
        assert_eq!(linear(&v, 0.5), 3.0);
        assert!((linear(&v, 0.05) - 1.2).abs() < 1e-12);
        assert_eq!(linear(&[5.0], 0.95), 5.0);
    }

    /// A log-normal-like sample with zeros and negatives, deterministic.
    fn sample(n: usize) -> Vec<f64> {
        let mut x = 0x12345678u64;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                match i % 10 {
                    0 => 0.0,
                    1 => -(1.0 + u) * 1e5,
                    _ => (8.0 * u - 4.0).exp() * 3e6,
                }
            })
            .collect()
    }

    #[test]
    fn sketch_rank_error_is_within_its_stated_bound() {
        let xs = sample(50_000);
        let mut s = Sketch::default();
        for x in &xs {
            s.add(*x);
        }
        let (q, bound) = s.quantiles();
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        for (k, p) in PROBS.iter().enumerate() {
            // Rank of the estimate among the data.
            let rank = sorted.partition_point(|v| *v < q[k]) as f64 / (n - 1.0);
            let err = (rank - p).abs();
            assert!(
                err <= bound + 2.0 / n,
                "p{p}: rank error {err} > bound {bound}"
            );
        }
        assert!(bound < 0.005, "bound {bound}");
    }

    #[test]
    fn sketch_merges_to_the_same_state_in_any_split() {
        let xs = sample(20_000);
        let whole = {
            let mut s = Sketch::default();
            xs.iter().for_each(|x| s.add(*x));
            s
        };
        for parts in [2, 5, 64] {
            let mut m = Sketch::default();
            for c in xs.chunks(xs.len().div_ceil(parts)).rev() {
                let mut s = Sketch::default();
                c.iter().for_each(|x| s.add(*x));
                m.merge(&s);
            }
            assert_eq!(m.quantiles().0, whole.quantiles().0);
            assert_eq!(m.pos.bits, whole.pos.bits);
        }
    }

    #[test]
    fn values_over_the_whole_float_range_fit_a_small_sketch() {
        let mut s = Sketch::with_span(64);
        for e in -300..=300 {
            s.add(10f64.powi(e));
            s.add(-(10f64.powi(e)));
        }
        assert_eq!(s.count(), 2 * 601);
        let (q, _) = s.quantiles();
        assert!(q[0] < 0.0 && q[6] > 0.0, "{q:?}");
        assert!(s.pos.counts.len() <= 2048);
    }

    #[test]
    fn constant_values_give_exact_quantiles() {
        let mut s = Sketch::default();
        for _ in 0..100 {
            s.add(2_500_000.0);
        }
        assert_eq!(s.quantiles().0, [2_500_000.0; 7]);
    }
}
