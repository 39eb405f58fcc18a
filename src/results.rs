//! What a run produces, as the engine hands it to the writers: the summarised statistics of
//! every variant (docs/model.md section 6), kept per-path blocks and their row names, and
//! sensitivity shares. The engine (`sim`) builds these; `report` reads only these.

use crate::stats::{QuantileMode, Summary};

/// Names of the municipality streams that every run has; the others are named after their
/// instrument (`community:` and `fund:` prefixed for community money and fund payouts).
pub mod stream {
    pub const OWN_REVENUE: &str = "own_revenue";
    pub const GRANT: &str = "grant";
    pub const PROJECT_TOTAL: &str = "project_total";
    pub const BUDGET_TOTAL: &str = "budget_total";
    /// The prefix of a stream in start-year prices (deflated by the path's cpi index).
    pub const REAL_PREFIX: &str = "real:";
    pub const REAL_PROJECT_TOTAL: &str = "real:project_total";
    pub const REAL_BUDGET_TOTAL: &str = "real:budget_total";
    /// The sum of every instrument's stream at a level above municipalities (the republic,
    /// an oblast).
    pub const LEVEL_TOTAL: &str = "total";
    /// A fund's streams at its level.
    pub const FUND_INFLOW: &str = "inflow";
    /// A budget rule's streams over the whole horizon (`rules.parquet`, no year): the
    /// present value of spending, the reserve left, the volatility of spending.
    pub const NPV_SPENDING: &str = "npv_spending";
    /// A budget rule's reserve at the end of a year (`rules.parquet`).
    pub const RESERVE: &str = "reserve";
    pub const FINAL_RESERVE: &str = "final_reserve";
    pub const VOLATILITY: &str = "volatility";
}

/// A variant's gain is material in a path when it exceeds this fraction of what the baseline
/// gives in that path (a year's gain: of the baseline's average year; a total or NPV: of the
/// baseline's own): 5%, about what a municipal budget moves by from one year to the next
/// anyway, so a council would not change a decision for less (docs/choices.md).
pub const MATERIAL_GAIN: f64 = 0.05;

#[derive(Debug, Clone)]
pub struct Results {
    pub variants: Vec<VariantResults>,
    pub paths: u64,
    pub seed: u64,
    pub quantile_mode: QuantileMode,
}

impl Results {
    /// The largest rank error bound of any reported quantile (0 when exact).
    pub fn max_rank_error(&self) -> f64 {
        // A stream's years and its NPV.
        let stream = |w: f64, years: &[Summary], npv: &Summary| {
            years
                .iter()
                .chain(std::iter::once(npv))
                .fold(w, |w, x| w.max(x.rank_error))
        };
        let mut worst = 0.0f64;
        for v in &self.variants {
            for m in &v.municipalities {
                worst = m
                    .streams
                    .iter()
                    .fold(worst, |w, s| stream(w, &s.years, &s.npv));
            }
            for l in &v.levels {
                for s in &l.streams {
                    worst = s.years.iter().fold(worst, |w, x| w.max(x.rank_error));
                }
            }
            for p in &v.projects {
                worst = p
                    .output
                    .iter()
                    .chain(&p.revenue)
                    .fold(worst, |w, x| w.max(x.rank_error));
            }
            worst = v
                .pending
                .iter()
                .fold(worst, |w, (_, x)| w.max(x.rank_error));
            for r in &v.rules {
                worst = r
                    .years
                    .iter()
                    .flat_map(|y| &y.streams)
                    .chain(&r.whole)
                    .fold(worst, |w, x| w.max(x.rank_error));
            }
            for c in v.compare.iter().flatten() {
                for s in &c.streams {
                    worst = s
                        .years
                        .iter()
                        .chain([&s.npv, &s.total])
                        .fold(worst, |w, x| w.max(x.summary.rank_error));
                }
            }
        }
        worst
    }
}

#[derive(Debug, Clone)]
pub struct VariantResults {
    pub name: String,
    pub municipalities: Vec<MuniResults>,
    pub levels: Vec<LevelResults>,
    pub projects: Vec<ProjectResults>,
    /// Per instrument: money due inside the horizon but paid after it.
    pub pending: Vec<(String, Summary)>,
    pub years: Vec<i32>,
    /// Paired differences with the baseline, per municipality (variants only).
    pub compare: Option<Vec<CompareMuni>>,
    /// Budget rules (docs/model.md section 10), rule by rule (the reference `as_received`
    /// first), each at the municipalities it applies to; empty without `[[budget_rule]]`.
    pub rules: Vec<RuleResults>,
    /// The laws a path can fall under (docs/model.md section 11), `current` first, with the
    /// probability of each being in force in each year; empty without `[[regime]]`.
    pub laws: Vec<LawResults>,
}

/// One law (`current` or a declared regime) over the paths of a variant.
#[derive(Debug, Clone)]
pub struct LawResults {
    pub name: String,
    pub label: crate::model::Names,
    /// Per year: the share of paths under this law.
    pub in_force: Vec<f64>,
}

/// One budget rule at one municipality, over the paths.
#[derive(Debug, Clone)]
pub struct RuleResults {
    pub rule: String,
    pub municipality: String,
    /// One per year.
    pub years: Vec<RuleYear>,
    /// `npv_spending`, `final_reserve` and `volatility`, in the order of
    /// [`crate::sim::rules::WHOLE_STREAMS`].
    pub whole: [Summary; 3],
    /// The probability of at least one crunch over the horizon.
    pub p_any_crunch: f64,
}

/// One year of a budget rule at a municipality.
#[derive(Debug, Clone)]
pub struct RuleYear {
    /// `spending`, `reserve` and `budget`, in the order of
    /// [`crate::sim::rules::YEAR_STREAMS`].
    pub streams: [Summary; 3],
    /// The probability that the rule cannot be kept that year (the reserve ran dry).
    pub p_crunch: f64,
    /// P(budget < spending need), where the municipality has a need.
    pub p_shortfall: Option<f64>,
}

/// Paired differences `variant - baseline` of one municipality's streams.
#[derive(Debug, Clone)]
pub struct CompareMuni {
    pub id: String,
    pub streams: Vec<CompareStream>,
}

#[derive(Debug, Clone)]
pub struct CompareStream {
    pub name: String,
    /// One per calendar year that both the variant and the baseline simulate
    /// ([`common_years`]).
    pub years: Vec<Whole>,
    /// The NPV of each over its own horizon.
    pub npv: Whole,
    /// The sum over the years both simulate, undiscounted.
    pub total: Whole,
}

/// The paired difference `variant - baseline` of one quantity: its statistics, P(variant >
/// baseline), and the probability that the gain is material ([`MATERIAL_GAIN`]).
#[derive(Debug, Clone, Copy)]
pub struct Whole {
    pub summary: Summary,
    pub p_better: f64,
    pub p_material: f64,
}

#[derive(Debug, Clone)]
pub struct StreamResults {
    pub name: String,
    /// One summary per year.
    pub years: Vec<Summary>,
    /// Summary of the per-path NPV (municipal streams only; NaN elsewhere).
    pub npv: Summary,
}

impl StreamResults {
    /// Whether the stream is in start-year prices (`real:`); the nominal tables leave these to
    /// `real.parquet`.
    pub fn is_real(&self) -> bool {
        self.name.starts_with(stream::REAL_PREFIX)
    }
}

#[derive(Debug, Clone)]
pub struct MuniResults {
    pub id: String,
    pub streams: Vec<StreamResults>,
    /// Per year, for municipalities with a spending need.
    pub shortfall: Option<Vec<Shortfall>>,
}

impl MuniResults {
    pub fn stream(&self, name: &str) -> Option<&StreamResults> {
        self.streams.iter().find(|s| s.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortfall {
    /// P(budget_total < need)
    pub p: f64,
    /// E[max(0, need - budget_total)]
    pub expected_gap: f64,
    /// Mean spending need (random only when indexed).
    pub mean_need: f64,
}

#[derive(Debug, Clone)]
pub struct LevelResults {
    /// `republic`, `oblast:<name>` or `fund:<id>`.
    pub level: String,
    pub streams: Vec<StreamResults>,
}

#[derive(Debug, Clone)]
pub struct ProjectResults {
    pub id: String,
    pub output: Vec<Summary>,
    pub revenue: Vec<Summary>,
    /// Per year: probability of planned, producing, suspended, closed.
    pub states: Vec<[f64; 4]>,
}

/// The calendar years two horizons `(start_year, years)` share: the first of them and how
/// many (none when they do not overlap; the first is then the later start).
pub fn common_years(base: (i32, usize), var: (i32, usize)) -> (i32, usize) {
    let first = base.0.max(var.0);
    let end = (base.0 + base.1 as i32).min(var.0 + var.1 as i32);
    (first, (end - first).max(0) as usize)
}

/// Every municipal value of one block of paths of one variant, for `--keep-paths`.
#[derive(Debug, Clone)]
pub struct KeptBlock {
    pub block: usize,
    /// Index of the variant in the run's order.
    pub variant: usize,
    pub first: u64,
    pub lanes: usize,
    pub width: usize,
    /// One row per entry of [`KeptRows::rows`], each `[t * width + lane]`.
    pub values: Vec<Vec<f64>>,
}

/// What the rows of a variant's [`KeptBlock`]s are.
#[derive(Debug, Clone)]
pub struct KeptRows {
    pub variant: String,
    /// (municipality id, stream name) per row, in row order; with levels
    /// (`sim::kept_rows_with_levels`), then (level, stream name).
    pub rows: Vec<(String, String)>,
    /// The calendar year of each simulated year.
    pub years: Vec<i32>,
}

/// One municipality's share of variance due to one group, in one year (or for the NPV).
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub municipality: String,
    /// `None` for the NPV.
    pub year: Option<i32>,
    pub group: String,
    pub share: f64,
    /// Standard error of `share` (batch means).
    pub se: f64,
}
