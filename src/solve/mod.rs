//! The target solver, `aimak solve` (docs/model.md section 12): the value of one numeric key of
//! a scenario at which every target (a municipality's stream at least an amount, in a year,
//! in every year of a range, or in present value) holds with a given probability.
//!
//! [`target`] reads and checks the targets and tests them path by path; [`search`] is the
//! grid, the monotonicity check and the bisection over any `p(x)`; [`count`] gets `p(x)`
//! from the engine, from the per-path values it hands to `keep` (the same values
//! `--keep-paths` writes), on common random numbers.

pub mod search;
pub mod target;

use crate::model::Scenario;
use crate::results::KeptBlock;
use crate::sim::{self, Settings, SimError};
use search::Point;
use std::sync::atomic::{AtomicU64, Ordering};
use target::Target;

/// Simulates `variant` of `scenario` and counts, at `x`, the paths in which each target
/// holds and those in which all of them hold. Counts are integers, so they are the same
/// whatever the number of threads.
pub fn count(
    scenario: &Scenario,
    variant: &str,
    targets: &[Target],
    settings: &Settings,
    x: f64,
) -> Result<Point, SimError> {
    // The caller has checked the variant's name against the scenario.
    let model = scenario
        .models()
        .find(|(name, _)| *name == variant)
        .map(|(_, m)| m)
        .expect("a variant of the scenario");
    let rows = sim::kept_rows(variant, model);
    let located: Vec<target::Located> = targets.iter().map(|t| t.locate(model, &rows)).collect();
    let held: Vec<AtomicU64> = targets.iter().map(|_| AtomicU64::new(0)).collect();
    let joint = AtomicU64::new(0);
    let keep = |kb: KeptBlock| {
        let mut counts = vec![0u64; located.len()];
        let mut all = 0u64;
        for lane in 0..kb.lanes {
            let value = |row: usize, t: usize| kb.values[row][t * kb.width + lane];
            let mut every = true;
            for (c, l) in counts.iter_mut().zip(&located) {
                if l.holds(value) {
                    *c += 1;
                } else {
                    every = false;
                }
            }
            all += u64::from(every);
        }
        for (h, c) in held.iter().zip(counts) {
            h.fetch_add(c, Ordering::Relaxed);
        }
        joint.fetch_add(all, Ordering::Relaxed);
    };
    sim::run(scenario, &[variant], settings, &|_, _| {}, Some(&keep))?;
    Ok(Point {
        x,
        held: held.into_iter().map(AtomicU64::into_inner).collect(),
        joint: joint.into_inner(),
        paths: settings.paths,
    })
}

/// `--balance`: a second key that moves against the first, so that the two keep their sum
/// (two shares of one route): it takes `v2 - (x - v1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    pub key: String,
    /// The first key's value in the scenario.
    pub v1: f64,
    /// This key's value in the scenario.
    pub v2: f64,
}

impl Balance {
    /// This key's value when the first key is `x`: `v2 - (x - v1)` (exactly `v2` at
    /// `x = v1`), with a rounding residue snapped to 0, so that the far end of a route's
    /// shares (x = v1 + v2) gives exactly 0, not -1e-16, which no share may be.
    pub fn at(&self, x: f64) -> f64 {
        let b = self.v2 - (x - self.v1);
        let scale = 1f64.max(self.v1.abs()).max(self.v2.abs());
        if b.abs() <= 1e-12 * scale {
            0.0
        } else {
            b
        }
    }
}

/// A finished solve: what was asked, the search, and the check on another seed.
#[derive(Debug, Clone)]
pub struct Solved {
    pub key: String,
    pub balance: Option<Balance>,
    pub targets: Vec<Target>,
    /// The probability every target must reach.
    pub required: f64,
    /// The seed of the search; the check ran on `seed + 1`.
    pub seed: u64,
    pub found: search::Found,
    /// The answer simulated again on `seed + 1`.
    pub check: Point,
}

impl Solved {
    /// The 95% Clopper-Pearson interval of each target's probability on the check seed.
    pub fn intervals(&self) -> Vec<(f64, f64)> {
        self.check
            .held
            .iter()
            .map(|&k| crate::stats::binomial::clopper_pearson(k, self.check.paths, 0.95))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Balance;

    #[test]
    fn a_balanced_share_reaches_exactly_zero_at_the_far_end() {
        // 0.82 - (1 - 0.18) is -1.1e-16 in floating point: no share may be negative.
        let b = Balance {
            key: "instrument.x.route.1.share".into(),
            v1: 0.18,
            v2: 0.82,
        };
        assert_eq!(b.at(1.0), 0.0);
        assert_eq!(b.at(0.18), 0.82);
        assert!((b.at(0.5) - 0.5).abs() < 1e-15);
        // Every split of a hundredth, at its far end.
        for k in 1..100 {
            let v1 = k as f64 / 100.0;
            let b = Balance {
                key: String::new(),
                v1,
                v2: 1.0 - v1,
            };
            assert_eq!(b.at(1.0), 0.0, "{v1}");
        }
    }
}
