//! Exact, mergeable mean and standard deviation.
//!
//! Values are turned into fixed-point integers (units of 2^-20, truncated toward zero) and
//! summed exactly, so the result is the same bits however the paths are split into blocks,
//! threads or machines and in whatever order the parts are merged. Quantisation moves a mean
//! by less than 1e-6 of the unit (a millionth of a som).

use super::wide::U384;

const SCALE: f64 = (1u64 << 20) as f64;
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
}

/// Exact sums of huge values: positive parts, negative parts, squares.
#[derive(Debug, Clone, Default)]
struct Big {
    pos: U384,
    neg: U384,
    sq: U384,
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

    /// Adds many values, as [`Moments::add`] one by one would: the running sums stay in
    /// registers instead of going through memory for every value.
    pub fn add_all(&mut self, xs: &[f64]) {
        let (mut sum, mut sq_lo, mut sq_hi) = (0i128, 0u128, 0u64);
        for &x in xs {
            let y = x * SCALE;
            if y.abs() < 9.2e18 {
                let q = y as i64;
                sum += q as i128;
                let (lo, carry) = sq_lo.overflowing_add((q as i128 * q as i128) as u128);
                sq_lo = lo;
                sq_hi += carry as u64;
            } else {
                self.add_big(y);
            }
        }
        self.n += xs.len() as u64;
        self.sum += sum;
        let (lo, carry) = self.sq_lo.overflowing_add(sq_lo);
        self.sq_lo = lo;
        self.sq_hi += sq_hi + carry as u64;
    }

    #[cold]
    fn add_big(&mut self, y: f64) {
        if y.is_nan() || y.abs() >= MAX_ABS * SCALE {
            self.overflow = true;
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
        }
        self.overflow |= o.overflow;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn overflowed(&self) -> bool {
        self.overflow
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
        let mean = mag.to_f64() / n / SCALE * if negative { -1.0 } else { 1.0 };
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

    #[test]
    fn huge_values_take_the_exact_slow_path() {
        let r = of(&[1e20, -1e20, 3e20]).finish();
        assert!((r.mean - 1e20).abs() / 1e20 < 1e-12);
        assert!((r.sd - 2e20).abs() / 2e20 < 1e-12);
        let mut m = of(&[1.0]);
        m.add(f64::NAN);
        assert!(m.overflowed());
    }
}
