//! Statistics over paths: exact mergeable moments, quantiles (exact or sketched), NPV.
//!
//! Every accumulator merges exactly: the result is the same bits however the paths were split
//! into blocks, threads or machines (a run may one day be split over many machines).

pub mod moments;
pub mod quantile;
pub mod wide;

pub use moments::{MeanSd, Moments};
use quantile::Sketch;

/// How quantiles are computed in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantileMode {
    /// Every value kept, sorted, numpy "linear" quantiles.
    Exact,
    /// Log-linear histogram sketch; rank error bounded and reported.
    Sketch,
}

impl QuantileMode {
    pub fn describe(self) -> &'static str {
        match self {
            QuantileMode::Exact => "exact: linear interpolation between order statistics (numpy 'linear')",
            QuantileMode::Sketch => "log-linear histogram sketch (2^12 buckets per octave at most, 1024 buckets per sign; the estimate's rank error is at most the share of paths in its bucket, reported as max_rank_error), then numpy 'linear' interpolation between estimated order statistics",
        }
    }
}

/// The statistics of one cell (one number per path): mean, sd and the seven quantiles.
#[derive(Debug, Clone)]
pub struct Cell {
    pub moments: Moments,
    quantiles: Quantiles,
}

#[derive(Debug, Clone)]
enum Quantiles {
    Exact(Vec<f64>),
    Sketch(Box<Sketch>),
}

/// A finished cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub q: [f64; 7],
    /// Upper bound on the rank error of `q` (0 when exact).
    pub rank_error: f64,
}

impl Cell {
    pub fn new(mode: QuantileMode) -> Cell {
        Cell {
            moments: Moments::default(),
            quantiles: match mode {
                QuantileMode::Exact => Quantiles::Exact(Vec::new()),
                QuantileMode::Sketch => Quantiles::Sketch(Box::default()),
            },
        }
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        self.moments.add(x);
        match &mut self.quantiles {
            Quantiles::Exact(v) => v.push(x),
            Quantiles::Sketch(s) => s.add(x),
        }
    }

    pub fn merge(&mut self, o: &Cell) {
        self.moments.merge(&o.moments);
        match (&mut self.quantiles, &o.quantiles) {
            (Quantiles::Exact(a), Quantiles::Exact(b)) => a.extend_from_slice(b),
            (Quantiles::Sketch(a), Quantiles::Sketch(b)) => a.merge(b),
            _ => unreachable!("cells of one run share a mode"),
        }
    }

    pub fn finish(&mut self) -> Summary {
        let m = self.moments.finish();
        let (q, rank_error) = match &mut self.quantiles {
            Quantiles::Exact(v) => (quantile::exact(v), 0.0),
            Quantiles::Sketch(s) => s.quantiles(),
        };
        Summary {
            mean: m.mean,
            sd: m.sd,
            q,
            rank_error,
        }
    }
}

/// Net present value of a yearly series: `sum_t x[t] / (1 + r)^t`, the first year undiscounted.
pub fn npv(discount: &[f64], x: impl Iterator<Item = f64>) -> f64 {
    x.zip(discount).map(|(v, d)| v * d).sum()
}

/// Discount factors `1 / (1 + r)^t` for `t = 0..years`.
pub fn discount_factors(rate: f64, years: usize) -> Vec<f64> {
    (0..years).map(|t| (1.0 + rate).powi(-(t as i32))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npv_by_hand() {
        let d = discount_factors(0.10, 3);
        // 100 + 110/1.1 + 121/1.21 = 300
        let v = npv(&d, [100.0, 110.0, 121.0].into_iter());
        assert!((v - 300.0).abs() < 1e-9);
    }
}
