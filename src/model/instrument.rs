//! Instruments: the fiscal rules, and where their money goes (docs/model.md section 5).

use super::{Dated, Names, Notes};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    GrossRevenue,
    Output,
    Hectares,
    Payroll,
    Fixed,
    OneOff,
}

impl Base {
    pub const ALL: [&'static str; 6] = [
        "gross_revenue",
        "output",
        "hectares",
        "payroll",
        "fixed",
        "one_off",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Base::GrossRevenue => "gross_revenue",
            Base::Output => "output",
            Base::Hectares => "hectares",
            Base::Payroll => "payroll",
            Base::Fixed => "fixed",
            Base::OneOff => "one_off",
        }
    }

    pub fn is_rate_based(self) -> bool {
        !matches!(self, Base::Fixed | Base::OneOff)
    }

    /// The `when` that applies if none is given.
    pub fn default_when(self) -> When {
        match self {
            Base::Hectares | Base::Fixed | Base::OneOff => When::Active,
            Base::GrossRevenue | Base::Output | Base::Payroll => When::Producing,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Producing,
    Active,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    Dated(Dated),
    /// A step scale on a driver: `rates[i]` where `i` = number of thresholds `<=` the value.
    Scale {
        driver: usize,
        thresholds: Vec<f64>,
        rates: Vec<f64>,
    },
}

impl Rate {
    /// The rate that applies when the scale driver (if any) is at `driver_value`.
    pub fn at(&self, year: i32, driver_value: f64) -> f64 {
        match self {
            Rate::Dated(d) => d.at(year),
            Rate::Scale {
                thresholds, rates, ..
            } => rates[thresholds.partition_point(|t| *t <= driver_value)],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    Dated(Dated),
    /// `median * exp(sigma * Z)`, `Z` drawn once per (path, instrument, project).
    LogNormal {
        median: f64,
        sigma: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Year(i32),
    Start,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RouteTo {
    Host,
    HostCommunity,
    Municipality(usize),
    /// A fund id as declared; for an `area = "*"` fund, the expansion for each host's area.
    Fund(String),
    DistrictFund,
    OblastFund,
    Republic,
    Oblast,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub to: RouteTo,
    pub share: f64,
}

/// Where a share of one project's payment ends up, resolved against the project's hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A municipality's budget (on-budget receipts).
    Budget(usize),
    /// A municipality's community funds (off-budget).
    Community(usize),
    Fund(usize),
    Republic,
    /// An oblast budget, by index into `Model::oblasts`.
    Oblast(usize),
}

#[derive(Debug, Clone)]
pub struct Instrument {
    pub id: String,
    pub label: Names,
    pub base: Base,
    /// For rate-based bases.
    pub rate: Option<Rate>,
    /// For `fixed` and `one_off`.
    pub amount: Option<Amount>,
    /// For `one_off`.
    pub at: Option<At>,
    /// Rates per unit and amounts are in USD and convert with fx.
    pub usd: bool,
    pub route: Vec<Route>,
    pub lag_years: usize,
    pub when: When,
    pub probability: f64,
    pub counts_for_grant: bool,
    pub indexed: bool,
    /// The projects it applies to, with each one's resolved targets and shares (summing to 1).
    pub flows: Vec<Flow>,
    pub notes: Notes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub project: usize,
    pub targets: Vec<(Target, f64)>,
}
