//! Exact, mergeable mean and standard deviation.
//!
//! Values are turned into fixed-point integers (units of 2^-20, truncated toward zero) and
//! summed exactly, so the result is the same bits however the paths are split into blocks,
//! threads or machines and in whatever order the parts are merged. Quantisation moves a mean
//! by less than 1e-6 of the unit (a millionth of a som). A cell whose values are all the same
//! (a deterministic stream) reports that value itself as its mean, without quantisation.

use super::simd;
use super::wide::U384;
use crate::codec::{DecodeError, Reader, Writer};

const SCALE: f64 = (1u64 << 20) as f64;
/// Fixed-point magnitudes below this are summed in 64-bit lanes ([`Moments::add_moderate`]).
const MODERATE: f64 = (1u64 << 52) as f64;
/// Values summed in one run of 64-bit lanes: 2^8 terms below 2^52 stay below 2^60.
const RUN: usize = 256;
/// Values beyond this magnitude cannot be summarised exactly (1.3e30).
pub const MAX_ABS: f64 = 1.2676506002282294e30; // 2^100

#[derive(Debug, Clone, Default)]
pub struct Moments {
    n: u64,
    /// Fast path, for |q| < 2^63: exact sums in native integers.
    sum: i128,
    sq_lo: u128,
    sq_hi: u64,
    /// Slow path for huge values (rare; kept off the cell to keep cells small).
    big: Option<Box<Big>>,
    /// A value was not finite or too large; reported as a run-time error.
    overflow: bool,
    /// Whether every value so far has the same bits.
    same: Same,
}

/// Whether a cell's values are all the same (compared bit for bit, so that the answer and the
/// value kept do not depend on the order values arrive in: `0.0` and `-0.0` differ).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Same {
    #[default]
    Empty,
    /// Every value so far has these bits.
    All(u64),
    Mixed,
}

impl Same {
    fn and(self, o: Same) -> Same {
        match (self, o) {
            (Same::Empty, x) | (x, Same::Empty) => x,
            (Same::All(a), Same::All(b)) if a == b => self,
            _ => Same::Mixed,
        }
    }

    /// [`Same::and`] with the values `xs`.
    #[inline]
    fn and_all(self, xs: &[f64]) -> Same {
        if self == Same::Mixed || xs.is_empty() {
            return self;
        }
        let first = xs[0].to_bits();
        // Every value, not stopping at the first that differs, so the test vectorises.
        let all = xs.iter().fold(true, |ok, x| ok & (x.to_bits() == first));
        self.and(if all { Same::All(first) } else { Same::Mixed })
    }
}

/// Exact sums of huge values: positive parts, negative parts, squares.
#[derive(Debug, Clone, Default)]
struct Big {
    pos: U384,
    neg: U384,
    sq: U384,
    /// The worst value that could not be summed ([`worse`]), for the error message; kept
    /// here, off the cell, as it is only ever set on the way to an error.
    bad: Option<f64>,
}

/// Of two values that cannot be summed, the one an error reports: NaN before infinities
/// before the largest magnitude, then by bits. An order of the values alone, so the value
/// reported is the same however paths were split among threads.
fn worse(a: f64, b: f64) -> f64 {
    let order = a
        .is_nan()
        .cmp(&b.is_nan())
        .then(a.abs().total_cmp(&b.abs()))
        .then(a.to_bits().cmp(&b.to_bits()));
    if order.is_lt() {
        b
    } else {
        a
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanSd {
    pub n: u64,
    pub mean: f64,
    /// Sample standard deviation (n-1); 0 for fewer than two values.
    pub sd: f64,
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.same = self.same.and(Same::All(x.to_bits()));
        self.add_one(x);
    }

    /// Adds `x` to the sums (not to [`Moments::same`]).
    #[inline]
    fn add_one(&mut self, x: f64) {
        self.n += 1;
        let y = x * SCALE;
        if y.abs() < 9.2e18 {
            let q = y as i64;
            self.sum += q as i128;
            let sq = (q as i128 * q as i128) as u128;
            let (lo, carry) = self.sq_lo.overflowing_add(sq);
            self.sq_lo = lo;
            self.sq_hi += carry as u64;
        } else {
            self.add_big(y);
        }
    }

    /// Adds many values, as [`Moments::add`] one by one would (the sums are exact, so they
    /// are the same bits), but faster: runs of moderate values are summed in 64-bit lanes
    /// the processor can add side by side.
    pub fn add_all(&mut self, xs: &[f64]) {
        self.same = self.same.and_all(xs);
        for chunk in xs.chunks(RUN) {
            // Every value, not stopping at the first large one, so the test vectorises.
            let moderate = chunk
                .iter()
                .fold(true, |ok, x| ok & ((x * SCALE).abs() < MODERATE));
            if moderate {
                simd::with_avx512(|| self.add_moderate(chunk));
            } else {
                chunk.iter().for_each(|x| self.add_one(*x));
            }
        }
    }

    /// Adds at most [`RUN`] values whose fixed-point magnitudes are below 2^52. Each
    /// magnitude is split into 26-bit halves, `a = h 2^26 + l`, so that `a^2 = h^2 2^52 +
    /// h l 2^27 + l^2` sums in three 64-bit lanes (each term is below 2^52 and a run adds at
    /// most 2^8 of them), and the value itself in a fourth.
    #[inline(always)]
    fn add_moderate(&mut self, xs: &[f64]) {
        debug_assert!(xs.len() <= RUN);
        const HALF: u32 = 26;
        let (mut sum, mut hh, mut hl, mut ll) = (0i64, 0u64, 0u64, 0u64);
        for &x in xs {
            // Exact: the caller checked that |x * SCALE| is below 2^52 (were it not, the
            // conversion would saturate and the sums be wrong, but nothing unsound).
            let q = (x * SCALE) as i64;
            sum += q;
            let a = q.unsigned_abs();
            // Both halves fit 32 bits: their products are single 32 x 32 -> 64 multiplies.
            let (h, l) = (
                (a >> HALF) as u32 as u64,
                (a & ((1 << HALF) - 1)) as u32 as u64,
            );
            hh += h * h;
            hl += h * l;
            ll += l * l;
        }
        let sq = ((hh as u128) << (2 * HALF)) + ((hl as u128) << (HALF + 1)) + ll as u128;
        self.n += xs.len() as u64;
        self.sum += sum as i128;
        let (lo, carry) = self.sq_lo.overflowing_add(sq);
        self.sq_lo = lo;
        self.sq_hi += carry as u64;
    }

    #[cold]
    fn add_big(&mut self, y: f64) {
        if y.is_nan() || y.abs() >= MAX_ABS * SCALE {
            self.overflow = true;
            let x = y / SCALE;
            let big = self.big.get_or_insert_with(Box::default);
            big.bad = Some(big.bad.map_or(x, |b| worse(b, x)));
            return;
        }
        let q = y as i128;
        let mag = U384::from_u128(q.unsigned_abs());
        let big = self.big.get_or_insert_with(Box::default);
        if q >= 0 {
            big.pos.add(&mag);
        } else {
            big.neg.add(&mag);
        }
        big.sq.add(&mag.mul(&mag));
    }

    pub fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        let (lo, carry) = self.sq_lo.overflowing_add(o.sq_lo);
        self.sq_lo = lo;
        self.sq_hi += o.sq_hi + carry as u64;
        if let Some(ob) = &o.big {
            let big = self.big.get_or_insert_with(Box::default);
            big.pos.add(&ob.pos);
            big.neg.add(&ob.neg);
            big.sq.add(&ob.sq);
            if let Some(x) = ob.bad {
                big.bad = Some(big.bad.map_or(x, |b| worse(b, x)));
            }
        }
        self.overflow |= o.overflow;
        self.same = self.same.and(o.same);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The worst value that overflowed these moments (NaN first, then the largest magnitude).
    pub fn overflow_value(&self) -> Option<f64> {
        self.big.as_ref().and_then(|b| b.bad)
    }

    /// (sign, |sum|) and sum of squares, exactly.
    fn totals(&self) -> (bool, U384, U384) {
        let big = self.big.as_deref().cloned().unwrap_or_default();
        let mut pos = big.pos;
        let mut neg = big.neg;
        if self.sum >= 0 {
            pos.add(&U384::from_u128(self.sum as u128));
        } else {
            neg.add(&U384::from_u128(self.sum.unsigned_abs()));
        }
        let (negative, mag) = match pos.cmp(&neg) {
            std::cmp::Ordering::Less => (true, neg.sub(&pos)),
            _ => (false, pos.sub(&neg)),
        };
        let mut sq = big.sq;
        let mut fast = U384::from_u128(self.sq_lo);
        fast.0[2] = self.sq_hi;
        sq.add(&fast);
        (negative, mag, sq)
    }

    pub fn finish(&self) -> MeanSd {
        if self.n == 0 {
            return MeanSd {
                n: 0,
                mean: f64::NAN,
                sd: f64::NAN,
            };
        }
        let (negative, mag, sq) = self.totals();
        let n = self.n as f64;
        let mean = match self.same {
            // `+ 0.0` turns a negative zero into zero, as the fixed-point mean gives.
            Same::All(bits) => f64::from_bits(bits) + 0.0,
            _ => mag.to_f64() / n / SCALE * if negative { -1.0 } else { 1.0 },
        };
        let sd = if self.n < 2 {
            0.0
        } else {
            // n * sum(q^2) - (sum q)^2 >= 0, computed exactly.
            let nn = U384::from_u128(self.n as u128);
            let num = nn.mul(&sq).sub(&mag.mul(&mag));
            (num.to_f64() / (n * (n - 1.0))).sqrt() / SCALE
        };
        MeanSd {
            n: self.n,
            mean,
            sd,
        }
    }
}

/// The encoding of a shard's part (docs/shards.md): the exact sums, so that merged parts
/// give the same bits as one process.
impl Moments {
    pub(crate) fn encode(&self, w: &mut Writer) {
        let flags = self.big.is_some() as u8
            | (self.overflow as u8) << 1
            | match self.same {
                Same::Empty => 0,
                Same::All(_) => 1 << 2,
                Same::Mixed => 2 << 2,
            };
        w.u8(flags);
        if let Same::All(bits) = self.same {
            w.u64(bits);
        }
        w.u64(self.n);
        w.i128(self.sum);
        w.var(self.sq_lo);
        w.u64(self.sq_hi);
        if let Some(b) = &self.big {
            for x in [&b.pos, &b.neg, &b.sq] {
                for limb in x.0 {
                    w.u64(limb);
                }
            }
            match b.bad {
                None => w.u8(0),
                Some(x) => {
                    w.u8(1);
                    w.f64(x);
                }
            }
        }
    }

    pub(crate) fn decode(r: &mut Reader) -> Result<Moments, DecodeError> {
        let flags = r.u8()?;
        let same = match flags >> 2 {
            0 => Same::Empty,
            1 => Same::All(r.u64()?),
            2 => Same::Mixed,
            k => return Err(DecodeError(format!("moments: unknown kind {k}"))),
        };
        let mut m = Moments {
            n: r.u64()?,
            sum: r.i128()?,
            sq_lo: r.var()?,
            sq_hi: r.u64()?,
            big: None,
            overflow: flags & 2 != 0,
            same,
        };
        if flags & 1 != 0 {
            let mut wide = || -> Result<U384, DecodeError> {
                let mut x = U384::default();
                for limb in x.0.iter_mut() {
                    *limb = r.u64()?;
                }
                Ok(x)
            };
            let (pos, neg, sq) = (wide()?, wide()?, wide()?);
            let bad = match r.u8()? {
                0 => None,
                _ => Some(r.f64()?),
            };
            m.big = Some(Box::new(Big { pos, neg, sq, bad }));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(xs: &[f64]) -> Moments {
        let mut m = Moments::default();
        for x in xs {
            m.add(*x);
        }
        m
    }

    #[test]
    fn mean_and_sample_sd_by_hand() {
        // mean 5, deviations -3,-1,1,3 -> sum of squares 20, sd = sqrt(20/3)
        let r = of(&[2.0, 4.0, 6.0, 8.0]).finish();
        assert_eq!(r.mean, 5.0);
        assert!((r.sd - (20.0f64 / 3.0).sqrt()).abs() < 1e-12);
        let c = of(&[7e6; 10]).finish();
        assert_eq!((c.mean, c.sd), (7e6, 0.0));
    }

    /// A deterministic stream's mean is its value, not the value on the fixed-point grid;
    /// whatever the split, and however the values are added.
    #[test]
    fn the_same_value_everywhere_is_its_own_mean() {
        let x = 1.624_930_601_512_437_8; // not a multiple of 2^-20
        let xs = vec![x; 700];
        let mut many = Moments::default();
        many.add_all(&xs[..300]);
        let mut rest = of(&xs[300..]);
        rest.merge(&many);
        for m in [of(&xs), rest] {
            assert_eq!((m.finish().mean, m.finish().sd), (x, 0.0));
        }
        // One value apart, and the mean is the fixed-point one again.
        let mut ys = xs.clone();
        ys[500] = x + 1.0;
        let (a, b) = ((x * SCALE).trunc(), ((x + 1.0) * SCALE).trunc());
        let want = (699.0 * a + b) / 700.0 / SCALE;
        assert!((of(&ys).finish().mean - want).abs() < 1e-12);
        // Zero and negative zero are not the same bits; either way the mean is zero.
        for zeros in [[-0.0, 0.0], [-0.0, -0.0]] {
            assert_eq!(of(&zeros).finish().mean.to_bits(), 0.0f64.to_bits());
        }
    }

    #[test]
    fn merging_in_any_split_gives_the_same_bits() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 1234.567 - 3e5)
            .collect();
        let whole = of(&xs).finish();
        for parts in [2, 3, 7, 100] {
            let chunk = xs.len().div_ceil(parts);
            let mut m = Moments::default();
            for c in xs.chunks(chunk).rev() {
                m.merge(&of(c));
            }
            assert_eq!(m.finish(), whole);
        }
        let naive_mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((whole.mean - naive_mean).abs() < 1e-5);
    }

    /// Sums of runs (moderate values in 64-bit lanes, large ones one by one) are the sums of
    /// the values one by one, to the bit: at the edges of the lanes' range, past it, and
    /// with negative values, whichever instructions the processor has.
    #[test]
    fn adding_many_is_adding_one_by_one() {
        let edge = MODERATE / SCALE;
        let mut xs: Vec<f64> = (0..3000)
            .map(|i| ((i * 7919) % 1013) as f64 * 1234.567 - 3e5)
            .collect();
        xs.extend([
            edge * 0.999_999,
            -edge * 0.999_999,
            edge,
            -edge,
            2.0 * edge,
            1e20,
        ]);
        xs.extend(std::iter::repeat_n(edge * 0.999_999, 300));
        xs.extend(std::iter::repeat_n(-edge * 0.999_999, 300));
        let state = |m: &Moments| {
            let big = m.big.clone().map(|b| b.sq.0);
            (m.n, m.sum, m.sq_lo, m.sq_hi, big, m.same)
        };
        for run in [1, 5, 256, 257, xs.len()] {
            let mut one = Moments::default();
            let mut many = Moments::default();
            for c in xs.chunks(run) {
                c.iter().for_each(|x| one.add(*x));
                many.add_all(c);
            }
            assert_eq!(state(&one), state(&many), "runs of {run}");
            assert_eq!(one.finish(), many.finish());
        }
        // The portable copy too (the vector copy runs above where the processor has it).
        let mut portable = Moments::default();
        let run = &xs[..200];
        portable.add_moderate(run);
        portable.same = portable.same.and_all(run);
        let mut one = Moments::default();
        run.iter().for_each(|x| one.add(*x));
        assert_eq!(state(&one), state(&portable));
    }

    #[test]
    fn huge_values_take_the_exact_slow_path() {
        let r = of(&[1e20, -1e20, 3e20]).finish();
        assert!((r.mean - 1e20).abs() / 1e20 < 1e-12);
        assert!((r.sd - 2e20).abs() / 2e20 < 1e-12);
        let mut m = of(&[1.0]);
        m.add(f64::NAN);
        assert!(m.overflowed());
    }

    /// The value an overflow reports is the worst one, whatever the order of adding and
    /// merging.
    #[test]
    fn overflow_reports_the_worst_value_in_any_order() {
        let xs = [1.0, 2e30, f64::INFINITY, -3e30, 5.0];
        let mut all = of(&xs);
        assert!(all.overflowed());
        assert_eq!(all.overflow_value(), Some(f64::INFINITY));
        let (mut a, b) = (of(&xs[3..]), of(&xs[..3]));
        a.merge(&b);
        assert_eq!(a.overflow_value(), Some(f64::INFINITY));
        all.add(f64::NAN);
        assert!(all.overflow_value().unwrap().is_nan());
        let (mut c, d) = (of(&[-3e30]), of(&[2e30]));
        c.merge(&d);
        assert_eq!(c.overflow_value(), Some(-3e30));
        assert_eq!(of(&[1e20]).overflow_value(), None);
    }
}
