//! Scores of a forecast given as a sample of paths against one observed value (`aimak
//! backtest`, docs/model.md section 13): the randomised PIT, coverage of the central
//! intervals, the CRPS of the sample and the weighted interval score of its seven quantiles.
//!
//! Definitions, each with its source:
//! - PIT (Gneiting, Balabdaoui and Raftery, JRSS-B 2007; randomised for samples with ties,
//!   Czado, Gneiting and Held, Biometrics 2009): `P(X < a) + u * P(X = a)`, `u` uniform on
//!   [0, 1), so that a calibrated forecast gives a uniform PIT even where the sample has atoms
//!   (a stream that is zero in many paths).
//! - Central intervals from the quantiles: 50% `[p25, p75]`, 80% `[p10, p90]`, 90% `[p05, p95]`,
//!   both ends included.
//! - CRPS of the empirical distribution of the sample (Gneiting and Raftery, JASA 2007):
//!   `E|X - a| - E|X - X'| / 2`, every pair of paths counted (the sample itself, not an
//!   unbiased estimate of the CRPS of the model), in O(n log n) from the sorted sample.
//! - Weighted interval score (Bracher et al., PLoS Comput Biol 2021) of the median and the
//!   K = 3 central intervals with alpha 0.1, 0.2, 0.5:
//!   `WIS = (|m - a| / 2 + sum_k alpha_k / 2 * IS_alpha_k) / (K + 1/2)`, with the interval score
//!   `IS_alpha = (u - l) + 2/alpha * (l - a)+ + 2/alpha * (a - u)+`.

use super::quantile::{self, Named};

/// Everything `backtest.parquet` reports of one forecast against one actual.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub mean: f64,
    /// p05 p10 p25 p50 p75 p90 p95 (`quantile::PROBS`, numpy's "linear" definition).
    pub quantiles: [f64; 7],
    /// `P(X < a)` and `P(X <= a)` in the sample: the PIT lies between them.
    pub below: f64,
    pub at_or_below: f64,
    pub pit: f64,
    pub in50: bool,
    pub in80: bool,
    pub in90: bool,
    pub crps: f64,
    pub wis: f64,
}

/// Scores the sample `values` (one value per path, any order; sorted here) against the
/// actual `a`, with `u` the uniform of the randomised PIT. `None` for an empty sample.
pub fn score(values: &mut [f64], a: f64, u: f64) -> Option<Scores> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let sorted = &*values;
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let q = quantile::PROBS.map(|p| quantile::linear(sorted, p));
    let (below, at_or_below) = ranks(sorted, a);
    Some(Scores {
        mean,
        quantiles: q,
        below,
        at_or_below,
        pit: pit(below, at_or_below, u),
        in50: inside(a, q.p25(), q.p75()),
        in80: inside(a, q.p10(), q.p90()),
        in90: inside(a, q.p05(), q.p95()),
        crps: crps_sorted(sorted, a),
        wis: wis(&q, a),
    })
}

/// `P(X < a)` and `P(X <= a)` in a sorted sample.
pub fn ranks(sorted: &[f64], a: f64) -> (f64, f64) {
    let n = sorted.len() as f64;
    let lt = sorted.partition_point(|x| *x < a) as f64;
    let le = sorted.partition_point(|x| *x <= a) as f64;
    (lt / n, le / n)
}

/// The randomised PIT: `P(X < a) + u * P(X = a)`.
pub fn pit(below: f64, at_or_below: f64, u: f64) -> f64 {
    below + u * (at_or_below - below)
}

/// Whether `a` lies in `[lo, hi]`, ends included.
pub fn inside(a: f64, lo: f64, hi: f64) -> bool {
    lo <= a && a <= hi
}

/// The CRPS of the empirical distribution of a sorted sample at `a`:
/// `(1/n) sum |x_i - a| - (1/n^2) sum_i (2i - n - 1) x_(i)` (i from 1), the second term being
/// half the mean absolute difference over all ordered pairs.
pub fn crps_sorted(sorted: &[f64], a: f64) -> f64 {
    let n = sorted.len() as f64;
    if sorted.is_empty() {
        return f64::NAN;
    }
    let abs = sorted.iter().map(|x| (x - a).abs()).sum::<f64>() / n;
    let spread = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum::<f64>()
        / (n * n);
    (abs - spread).max(0.0)
}

/// The interval score of the central `1 - alpha` interval `[lo, hi]` at `a`.
pub fn interval_score(lo: f64, hi: f64, alpha: f64, a: f64) -> f64 {
    (hi - lo) + 2.0 / alpha * (lo - a).max(0.0) + 2.0 / alpha * (a - hi).max(0.0)
}

/// The weighted interval score of the seven quantiles p05..p95 at `a`: median p50 and the
/// central intervals with alpha 0.1 (p05-p95), 0.2 (p10-p90) and 0.5 (p25-p75).
pub fn wis(q: &[f64; 7], a: f64) -> f64 {
    let intervals = [
        (0.1, q.p05(), q.p95()),
        (0.2, q.p10(), q.p90()),
        (0.5, q.p25(), q.p75()),
    ];
    let k = intervals.len() as f64;
    let sum: f64 = intervals
        .iter()
        .map(|&(alpha, lo, hi)| alpha / 2.0 * interval_score(lo, hi, alpha, a))
        .sum();
    (0.5 * (q.p50() - a).abs() + sum) / (k + 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn crps_by_hand() {
        // One path: the CRPS is the absolute error.
        close(crps_sorted(&[3.0], 1.0), 2.0);
        // {0, 2} at 1: E|X-a| = 1; pairs (0,0),(0,2),(2,0),(2,2) give E|X-X'| = 1; 1 - 1/2.
        close(crps_sorted(&[0.0, 2.0], 1.0), 0.5);
        // {1, 2, 3} at 0: E|X-a| = 2; E|X-X'| = (0+1+2+1+0+1+2+1+0)/9 = 8/9; 2 - 4/9.
        close(crps_sorted(&[1.0, 2.0, 3.0], 0.0), 2.0 - 4.0 / 9.0);
        // A constant sample equal to the actual scores 0.
        close(crps_sorted(&[5.0; 4], 5.0), 0.0);
    }

    #[test]
    fn crps_agrees_with_the_pairwise_definition() {
        let xs: [f64; 7] = [0.3, -1.2, 4.0, 4.0, 2.5, 0.0, 7.1];
        let a: f64 = 1.7;
        let n = xs.len() as f64;
        let e1 = xs.iter().map(|x| (x - a).abs()).sum::<f64>() / n;
        let e2 = xs
            .iter()
            .flat_map(|x| xs.iter().map(move |y| (x - y).abs()))
            .sum::<f64>()
            / (n * n);
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        assert!((crps_sorted(&sorted, a) - (e1 - e2 / 2.0)).abs() < 1e-12);
    }

    #[test]
    fn pit_by_hand() {
        // {1, 2, 2, 3} at 2: P(X<2) = 1/4, P(X<=2) = 3/4; u = 0.5 gives 1/2.
        let (lo, hi) = ranks(&[1.0, 2.0, 2.0, 3.0], 2.0);
        close(lo, 0.25);
        close(hi, 0.75);
        close(pit(lo, hi, 0.5), 0.5);
        close(pit(lo, hi, 0.0), 0.25);
        // Above every path: 1 whatever u.
        let (lo, hi) = ranks(&[1.0, 2.0], 9.0);
        close(pit(lo, hi, 0.3), 1.0);
    }

    #[test]
    fn interval_and_weighted_interval_scores_by_hand() {
        close(interval_score(1.0, 7.0, 0.1, 4.0), 6.0);
        // Above by 3 at alpha 0.1: width 6 + 20 * 3.
        close(interval_score(1.0, 7.0, 0.1, 10.0), 66.0);
        let q = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        // a = 4: (0 + 0.05*6 + 0.1*4 + 0.25*2) / 3.5.
        close(wis(&q, 4.0), 1.2 / 3.5);
        // a = 10: (0.5*6 + 0.05*66 + 0.1*44 + 0.25*22) / 3.5.
        close(wis(&q, 10.0), 16.2 / 3.5);
    }

    #[test]
    fn a_constant_forecast_that_is_right_scores_perfectly() {
        let mut v = vec![7.0; 10];
        let s = score(&mut v, 7.0, 0.25).expect("scores");
        assert_eq!((s.below, s.at_or_below), (0.0, 1.0));
        close(s.pit, 0.25);
        assert!(s.in50 && s.in80 && s.in90);
        close(s.crps, 0.0);
        close(s.wis, 0.0);
        close(s.mean, 7.0);
    }

    #[test]
    fn intervals_include_their_ends() {
        // 21 values 0..=20: p05 = 1, p10 = 2, p25 = 5, p75 = 15, p90 = 18, p95 = 19.
        let mut v: Vec<f64> = (0..=20).map(f64::from).collect();
        let s = score(&mut v, 5.0, 0.0).expect("scores");
        assert_eq!(s.quantiles, [1.0, 2.0, 5.0, 10.0, 15.0, 18.0, 19.0]);
        assert!(s.in50 && s.in80 && s.in90);
        let s = score(&mut v, 1.0, 0.0).expect("scores");
        assert!(!s.in50 && !s.in80 && s.in90);
        assert!(score(&mut [], 1.0, 0.0).is_none());
    }
}
