//! Market drivers (docs/model.md section 2): prices, exchange rates, inflation.

use super::{Dated, Notes};
use ndarray::Array2;

#[derive(Debug, Clone)]
pub struct Driver {
    pub id: String,
    pub unit: Option<String>,
    pub name: Option<String>,
    pub kind: DriverKind,
    pub jump: Option<Jump>,
    pub notes: Notes,
}

#[derive(Debug, Clone)]
pub enum DriverKind {
    /// `X[t] = value(y)`.
    Fixed { value: Dated },
    /// Geometric Brownian motion with yearly steps.
    Gbm {
        start: f64,
        drift: f64,
        volatility: f64,
    },
    /// Exact discretisation of an Ornstein-Uhlenbeck process in logs.
    MeanReverting {
        start: f64,
        long_run: f64,
        speed: f64,
        volatility: f64,
    },
    /// Log-returns drawn with replacement from a history.
    Bootstrap { start: f64, log_returns: Vec<f64> },
    /// A price index `I[0] = 1`, `I[t] = I[t-1] (1 + pi[t])`.
    Inflation { mean: f64, sd: f64 },
    /// Recorded values by calendar year (docs/model.md section 13), then optionally a
    /// stochastic continuation anchored at the last recorded year.
    History {
        /// `(first year, values of consecutive years)`.
        first: i32,
        values: Vec<f64>,
        then: Option<Continuation>,
    },
}

/// How a history driver goes on after its last recorded year: one step a year of the
/// model's process from the previous year's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Continuation {
    Gbm {
        drift: f64,
        volatility: f64,
    },
    MeanReverting {
        long_run: f64,
        speed: f64,
        volatility: f64,
    },
    Bootstrap {
        log_returns: Vec<f64>,
    },
}

impl Continuation {
    pub fn name(&self) -> &'static str {
        match self {
            Continuation::Gbm { .. } => "gbm",
            Continuation::MeanReverting { .. } => "mean_reverting",
            Continuation::Bootstrap { .. } => "bootstrap",
        }
    }
}

impl DriverKind {
    pub fn name(&self) -> &'static str {
        match self {
            DriverKind::Fixed { .. } => "fixed",
            DriverKind::Gbm { .. } => "gbm",
            DriverKind::MeanReverting { .. } => "mean_reverting",
            DriverKind::Bootstrap { .. } => "bootstrap",
            DriverKind::Inflation { .. } => "inflation",
            DriverKind::History { .. } => "history",
        }
    }

    /// The last recorded year of a history driver.
    pub fn last_recorded(&self) -> Option<i32> {
        match self {
            DriverKind::History { first, values, .. } => Some(first + values.len() as i32 - 1),
            _ => None,
        }
    }

    /// The steps of a history driver's continuation before `start_year`: from its last
    /// recorded year up to and including the step into `start_year` (0 when the record
    /// reaches it, or there is no continuation).
    pub fn steps_before(&self, start_year: i32) -> usize {
        match (self, self.last_recorded()) {
            (DriverKind::History { then: Some(_), .. }, Some(last)) if last < start_year => {
                (start_year - last) as usize
            }
            _ => 0,
        }
    }

    /// Drivers whose yearly normal shock can be correlated with others.
    pub fn has_normal_shock(&self) -> bool {
        matches!(
            self,
            DriverKind::Gbm { .. }
                | DriverKind::MeanReverting { .. }
                | DriverKind::Inflation { .. }
                | DriverKind::History {
                    then: Some(Continuation::Gbm { .. } | Continuation::MeanReverting { .. }),
                    ..
                }
        )
    }
}

/// `J[t] = 1 + U(min, max)` with probability `probability`, else 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jump {
    pub probability: f64,
    pub min: f64,
    pub max: f64,
}

/// The correlation of the normal shocks of the drivers named in `[[correlation]]` tables.
/// Drivers not named there have independent shocks.
#[derive(Debug, Clone, Default)]
pub struct Correlation {
    /// Driver indices in the matrix, in driver order.
    pub drivers: Vec<usize>,
    /// Lower-triangular Cholesky factor `L` with `L L^T` = the correlation matrix.
    pub cholesky: Array2<f64>,
}
