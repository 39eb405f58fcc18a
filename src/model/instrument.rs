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

    /// The charge of a rate-based base at `rate` (`None` for `fixed` and `one_off`).
    pub fn with_rate(self, rate: Rate) -> Option<Charge> {
        match self {
            Base::GrossRevenue => Some(Charge::GrossRevenue(rate)),
            Base::Output => Some(Charge::Output(rate)),
            Base::Hectares => Some(Charge::Hectares(rate)),
            Base::Payroll => Some(Charge::Payroll(rate)),
            Base::Fixed | Base::OneOff => None,
        }
    }

    /// The `when` that applies if none is given.
    pub fn default_when(self) -> When {
        match self {
            Base::Hectares | Base::Fixed | Base::OneOff => When::Active,
            Base::GrossRevenue | Base::Output | Base::Payroll => When::Producing,
        }
    }
}

/// What an instrument makes due each year, carrying exactly what its base needs: a rate for
/// the rate-based bases, an amount for `fixed`, an amount and a date for `one_off`.
#[derive(Debug, Clone, PartialEq)]
pub enum Charge {
    /// A fraction of the project's gross revenue.
    GrossRevenue(Rate),
    /// Per unit of output (in the instrument's currency, indexed if asked).
    Output(Rate),
    /// Per hectare of the project's land.
    Hectares(Rate),
    /// A fraction of the project's payroll.
    Payroll(Rate),
    /// An amount every year the instrument holds.
    Fixed(Amount),
    /// An amount once, in the year `at`.
    OneOff { amount: Amount, at: At },
}

impl Charge {
    pub fn base(&self) -> Base {
        match self {
            Charge::GrossRevenue(_) => Base::GrossRevenue,
            Charge::Output(_) => Base::Output,
            Charge::Hectares(_) => Base::Hectares,
            Charge::Payroll(_) => Base::Payroll,
            Charge::Fixed(_) => Base::Fixed,
            Charge::OneOff { .. } => Base::OneOff,
        }
    }

    /// The rate of a rate-based charge.
    pub fn rate(&self) -> Option<&Rate> {
        match self {
            Charge::GrossRevenue(r)
            | Charge::Output(r)
            | Charge::Hectares(r)
            | Charge::Payroll(r) => Some(r),
            _ => None,
        }
    }

    /// The amount of a `fixed` or `one_off` charge.
    pub fn amount(&self) -> Option<&Amount> {
        match self {
            Charge::Fixed(a) | Charge::OneOff { amount: a, .. } => Some(a),
            _ => None,
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
    pub charge: Charge,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rate_based_base_makes_a_charge_that_keeps_its_base_and_rate() {
        for base in [
            Base::GrossRevenue,
            Base::Output,
            Base::Hectares,
            Base::Payroll,
        ] {
            let charge = base.with_rate(Rate::Dated(Dated::constant(0.02))).unwrap();
            assert_eq!(charge.base(), base);
            assert_eq!(charge.rate().unwrap().at(2030, 0.0), 0.02);
            assert!(charge.amount().is_none());
        }
    }

    #[test]
    fn fixed_and_one_off_carry_an_amount_and_no_rate() {
        let rate = Rate::Dated(Dated::constant(0.02));
        assert!(Base::Fixed.with_rate(rate.clone()).is_none());
        assert!(Base::OneOff.with_rate(rate).is_none());
        let amount = Amount::Dated(Dated::constant(5e6));
        let fixed = Charge::Fixed(amount.clone());
        let once = Charge::OneOff {
            amount: amount.clone(),
            at: At::Start,
        };
        assert_eq!((fixed.base(), once.base()), (Base::Fixed, Base::OneOff));
        assert!(fixed.rate().is_none() && once.rate().is_none());
        assert_eq!(fixed.amount(), Some(&amount));
        assert_eq!(once.amount(), Some(&amount));
    }

    #[test]
    fn the_names_of_the_bases_are_the_format_s_words() {
        let all = [
            Base::GrossRevenue,
            Base::Output,
            Base::Hectares,
            Base::Payroll,
            Base::Fixed,
            Base::OneOff,
        ];
        let names: Vec<&str> = all.iter().map(|b| b.name()).collect();
        assert_eq!(names, Base::ALL);
        assert_eq!(
            all.iter().filter(|b| b.is_rate_based()).count(),
            4,
            "only fixed and one_off are not rate-based"
        );
    }
}
