//! The validated scenario model the engine runs on.
//!
//! Values of these types are built only by [`crate::scenario`], which checks every rule of
//! docs/model.md sections 1-5 first: ids are resolved to indices, shares sum to 1, ranges hold,
//! dated tables cover the horizon. Code downstream never re-validates.

mod dated;
mod driver;
mod instrument;
mod place;
mod project;
pub(crate) mod regime;
mod rule;

pub use dated::Dated;
pub use driver::{Continuation, Correlation, Driver, DriverKind, Jump};
pub use instrument::{
    Amount, At, Base, Charge, Flow, Instrument, Rate, Route, RouteTo, Target, When,
};
pub use place::{Allocation, Fund, Level, Municipality};
pub use project::{Host, Jobs, Output, Product, Project, ProjectKind, Risk, Status};
pub use regime::{in_force, Hazard, Law, Regime, RegimeChange, CURRENT};
pub use rule::{BudgetRule, RuleError, Spend, AS_RECEIVED};

use std::collections::BTreeMap;

/// Labels in several languages (`en`, `ru`, `ky`, ...), as given in the scenario.
pub type Names = BTreeMap<String, String>;

/// Free text a table may carry; kept with the model and shown by `aimak check`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notes {
    pub reference: Option<String>,
    pub notes: Option<String>,
}

/// The name of the scenario as written, before any `[[variants]]`; always run first.
pub const BASELINE: &str = "baseline";

/// One fully validated scenario variant.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    /// The scenario's own `reference` and `notes` (`[scenario]`).
    pub notes: Notes,
    /// The scenario's name in other languages (`scenario.names`).
    pub names: Names,
    /// Districts' and oblasts' names in other languages (`[place_names]`), by the name the
    /// scenario gives them.
    pub place_names: std::collections::BTreeMap<String, Names>,
    pub description: Option<String>,
    pub start_year: i32,
    /// Number of simulated years `T`.
    pub years: usize,
    pub currency: String,
    /// Driver converting USD to the reporting currency.
    pub fx: Option<usize>,
    /// Inflation driver used by `indexed` amounts.
    pub cpi: Option<usize>,
    /// Whether a run also reports the municipalities' totals in start-year prices (deflated by
    /// the cpi driver, path by path). They cost about a fifth more time at national scale, so
    /// they are on by default for scenarios of at most [`REAL_PRICES_UP_TO`] municipalities,
    /// which all get charts and council sheets, and otherwise on request
    /// ([`Scenario::with_real_prices`], `--prices start-year`).
    pub real_prices: bool,
    pub discount_rate: f64,
    pub drivers: Vec<Driver>,
    pub correlation: Correlation,
    pub municipalities: Vec<Municipality>,
    pub funds: Vec<Fund>,
    pub projects: Vec<Project>,
    pub instruments: Vec<Instrument>,
    /// Municipal budget rules (`[[budget_rule]]`, docs/model.md section 10), in file order;
    /// empty when the scenario declares none (the `as_received` reference is added by the
    /// engine, not here).
    pub budget_rules: Vec<BudgetRule>,
    /// The laws a path can fall under (docs/model.md section 11): `current` (the scenario as
    /// written) first, then the declared `[[regime]]`s in file order; empty without any.
    pub regimes: Vec<Regime>,
    /// How the law changes (`[regime_change]`); `None`: never (the law as written holds).
    pub regime_change: Option<RegimeChange>,
    /// Distinct oblast names of the municipalities, sorted: the `oblast:<name>` budget levels.
    pub oblasts: Vec<String>,
}

/// Scenarios of at most this many municipalities report start-year prices by default.
pub const REAL_PRICES_UP_TO: usize = 40;

impl Model {
    pub fn year(&self, t: usize) -> i32 {
        self.start_year + t as i32
    }

    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }

    pub fn fund_index(&self, id: &str) -> Option<usize> {
        self.funds.iter().position(|f| f.id == id)
    }

    /// Instrument `i`'s charge and payment probability under law `law` (0, the law as
    /// written, when the scenario declares no regimes).
    #[inline]
    pub fn law(&self, law: usize, i: usize) -> (&Charge, f64) {
        match self.regimes.get(law) {
            Some(r) => (&r.instruments[i].charge, r.instruments[i].probability),
            None => (&self.instruments[i].charge, self.instruments[i].probability),
        }
    }

    /// Fund `f`'s payout share under law `law`.
    #[inline]
    pub fn disburse(&self, law: usize, f: usize) -> f64 {
        match self.regimes.get(law) {
            Some(r) => r.disburse[f],
            None => self.funds[f].disburse,
        }
    }

    /// Whether the law in force can differ between paths and years: declared regimes and a
    /// hazard that is not zero.
    pub fn switches_law(&self) -> bool {
        self.regimes.len() > 1
            && self
                .regime_change
                .as_ref()
                .is_some_and(|c| !c.hazard.is_zero())
    }
}

/// A scenario file after loading: the baseline and each variant, all validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub baseline: Model,
    pub variants: Vec<Variant>,
    /// `[run]` defaults.
    pub run: RunDefaults,
    /// SHA-256 of every file read, in order, for provenance in outputs.
    pub sha256: String,
    /// Names of the files read (the scenario first).
    pub files: Vec<String>,
    /// The name and text of every file read, in order: a shard's part carries them, so that
    /// `aimak merge` reads the scenario from the parts alone (docs/shards.md).
    pub sources: std::sync::Arc<Vec<(String, String)>>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub label: Names,
    pub description: Option<String>,
    pub notes: Notes,
    /// The key paths this variant changes, as written.
    pub changes: Vec<String>,
    pub model: Model,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunDefaults {
    pub paths: u64,
    pub seed: u64,
}

impl Default for RunDefaults {
    fn default() -> Self {
        RunDefaults {
            paths: 10_000,
            seed: 0,
        }
    }
}

impl Scenario {
    /// Baseline first, then the variants in file order.
    /// Whether the run reports amounts in start-year prices: it can, with a cpi driver, and
    /// is asked to or small enough (see [`Model::real_prices`]).
    pub fn real_prices(&self) -> bool {
        self.baseline.real_prices
    }

    /// Asks every variant for amounts in start-year prices; false when the scenario has no
    /// cpi driver to deflate with.
    pub fn with_real_prices(&mut self) -> bool {
        let possible = self.models().all(|(_, m)| m.cpi.is_some());
        if possible {
            self.baseline.real_prices = true;
            for v in &mut self.variants {
                v.model.real_prices = true;
            }
        }
        possible
    }

    pub fn models(&self) -> impl Iterator<Item = (&str, &Model)> {
        std::iter::once((BASELINE, &self.baseline))
            .chain(self.variants.iter().map(|v| (v.name.as_str(), &v.model)))
    }
}
