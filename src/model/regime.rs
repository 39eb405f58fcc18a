//! Law changes as uncertainty (docs/model.md section 11): alternative laws (`[[regime]]`) and
//! the yearly hazard that the law in force changes (`[regime_change]`).

use super::{Charge, Flow, Names, Notes};

/// The name of the law as the scenario writes it, always regime 0.
pub const CURRENT: &str = "current";

/// One law: what a regime may change, for every instrument and fund of the model.
#[derive(Debug, Clone)]
pub struct Regime {
    /// `current`, or the declared name.
    pub name: String,
    pub label: Names,
    pub notes: Notes,
    /// Relative chance of being chosen when the law changes (`current` has 1).
    pub weight: f64,
    /// Per instrument, in model order.
    pub instruments: Vec<Law>,
    /// Per fund, in model order: the share of the balance paid out each year.
    pub disburse: Vec<f64>,
}

/// What a law makes of one instrument: its charge (rate or scale), payment probability and
/// routes, resolved per project exactly as the instrument's own (same projects, same order).
#[derive(Debug, Clone)]
pub struct Law {
    pub charge: Charge,
    pub probability: f64,
    pub flows: Vec<Flow>,
}

/// How the law changes along a path.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeChange {
    pub hazard: Hazard,
    /// A change decided in year `t` applies from `t + lag_years`.
    pub lag_years: usize,
}

/// The yearly probability that the law changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Hazard {
    Fixed(f64),
    /// `min(1, base * (X[t] / X[0])^elasticity)` on driver `driver`.
    Driver {
        base: f64,
        driver: usize,
        elasticity: f64,
    },
}

impl Hazard {
    /// The hazard in a year whose driver value is `ratio` times its year-0 value.
    #[inline]
    pub fn at(&self, ratio: f64) -> f64 {
        match *self {
            Hazard::Fixed(h) => h,
            Hazard::Driver {
                base, elasticity, ..
            } => (base * ratio.powf(elasticity)).min(1.0),
        }
    }

    /// Whether the law can never change.
    pub fn is_zero(&self) -> bool {
        match *self {
            Hazard::Fixed(h) => h == 0.0,
            Hazard::Driver { base, .. } => base == 0.0,
        }
    }
}

/// The law in force in year `t` given the decisions `s` (`s[0]` is `current`): `s[max(0, t -
/// lag)]`.
pub fn in_force(s: &[u8], t: usize, lag: usize) -> u8 {
    s[t.saturating_sub(lag)]
}

/// The next law after `prev`, given the change uniform `u_change`, the hazard `h`, the choice
/// uniform `u_choice` and the laws' weights: with probability `h` one of the others, drawn with
/// probability proportional to its weight (the first whose cumulative weight exceeds
/// `u_choice` times the others' total, in regime order).
pub fn next(prev: u8, h: f64, u_change: f64, u_choice: f64, weights: &[f64]) -> u8 {
    if u_change >= h || weights.len() < 2 {
        return prev;
    }
    let total: f64 = weights
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != prev as usize)
        .map(|(_, w)| w)
        .sum();
    let target = u_choice * total;
    let mut cum = 0.0;
    let mut last = prev;
    for (k, w) in weights.iter().enumerate() {
        if k == prev as usize {
            continue;
        }
        cum += w;
        last = k as u8;
        if target < cum {
            return k as u8;
        }
    }
    // Rounding at the very top of the range: the last of the others.
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hazard_rises_with_the_price_and_stops_at_one() {
        let h = Hazard::Driver {
            base: 0.1,
            driver: 0,
            elasticity: 1.0,
        };
        assert_eq!(h.at(1.0), 0.1);
        assert!((h.at(2.0) - 0.2).abs() < 1e-15);
        assert_eq!(h.at(20.0), 1.0);
        let squared = Hazard::Driver {
            base: 0.1,
            driver: 0,
            elasticity: 2.0,
        };
        assert!((squared.at(3.0) - 0.9).abs() < 1e-15);
        assert_eq!(Hazard::Fixed(0.15).at(7.0), 0.15);
        assert!(Hazard::Fixed(0.0).is_zero() && !Hazard::Fixed(0.1).is_zero());
    }

    #[test]
    fn a_change_draws_among_the_other_laws_by_weight() {
        // current (1), a (1), b (2); from current the others weigh 3: a below 1/3, b above.
        let w = [1.0, 1.0, 2.0];
        assert_eq!(next(0, 0.5, 0.6, 0.0, &w), 0, "no change when u >= h");
        assert_eq!(next(0, 0.5, 0.4, 0.0, &w), 1);
        assert_eq!(next(0, 0.5, 0.4, 0.33, &w), 1);
        assert_eq!(next(0, 0.5, 0.4, 0.34, &w), 2);
        // From b the others are current and a, 1 each.
        assert_eq!(next(2, 1.0, 0.0, 0.49, &w), 0);
        assert_eq!(next(2, 1.0, 0.0, 0.51, &w), 1);
        // Never the law already in force, even at the top of the range.
        assert_eq!(next(1, 1.0, 0.0, 0.999_999_999_999, &w), 2);
        // A hazard of 1 always changes; one of 0 never.
        assert_eq!(next(0, 1.0, 0.999_999, 0.1, &[1.0, 1.0]), 1);
        assert_eq!(next(0, 0.0, 0.0, 0.1, &[1.0, 1.0]), 0);
    }

    #[test]
    fn the_law_in_force_lags_the_decision() {
        // Decisions: current, then a change in year 1 and back in year 3.
        let s = [0u8, 1, 1, 0, 0];
        let lag1: Vec<u8> = (0..5).map(|t| in_force(&s, t, 1)).collect();
        assert_eq!(lag1, [0, 0, 1, 1, 0]);
        let lag0: Vec<u8> = (0..5).map(|t| in_force(&s, t, 0)).collect();
        assert_eq!(lag0, s);
        let lag9: Vec<u8> = (0..5).map(|t| in_force(&s, t, 9)).collect();
        assert_eq!(lag9, [0; 5]);
    }
}
