//! The names of the tables aimak writes and of their columns (docs/model.md section 9), in
//! one place: the writers (`tables.rs`, `kept.rs`) and the readers (`figures.rs`, which
//! redraws charts from a finished run) use these, so a renamed column cannot drift apart.

/// File names of the tables in a run folder.
pub mod table {
    pub const SUMMARY: &str = "summary.parquet";
    pub const LEVELS: &str = "levels.parquet";
    pub const SHORTFALL: &str = "shortfall.parquet";
    pub const NPV: &str = "npv.parquet";
    pub const PROJECTS: &str = "projects.parquet";
    pub const PENDING: &str = "pending.parquet";
    pub const COMPARE: &str = "compare.parquet";
    pub const BUDGET_LINE: &str = "budget_line.parquet";
    /// `project_total` and `budget_total` in start-year prices.
    pub const REAL: &str = "real.parquet";
    /// With `--sensitivity` only.
    pub const SENSITIVITY: &str = "sensitivity.parquet";
    /// With `--keep-paths` only.
    pub const PATHS: &str = "paths.parquet";
    /// Budget rules (docs/model.md section 10), only when the scenario declares any.
    pub const RULES: &str = "rules.parquet";
    /// Law changes (docs/model.md section 11), only when the scenario declares regimes.
    pub const REGIMES: &str = "regimes.parquet";
    /// `aimak backtest`: one row per (origin, published amount).
    pub const BACKTEST: &str = "backtest.parquet";
    /// `aimak solve` (docs/model.md section 12): the grid, the search and the answer.
    pub const SOLVE: &str = "solve.parquet";
}

/// Column names shared by more than one table or by a writer and a reader.
pub mod col {
    pub const VARIANT: &str = "variant";
    pub const MUNICIPALITY: &str = "municipality";
    pub const LEVEL: &str = "level";
    pub const PROJECT: &str = "project";
    pub const INSTRUMENT: &str = "instrument";
    pub const YEAR: &str = "year";
    pub const STREAM: &str = "stream";
    pub const MEAN: &str = "mean";
    pub const SD: &str = "sd";
    pub const RANK_ERROR: &str = "rank_error";
    pub const P_SHORTFALL: &str = "p_shortfall";
    /// `rules.parquet`: the budget rule of a row, and the probability that it cannot be kept
    /// (in a year; of at least one such year on the rows without a year).
    pub const RULE: &str = "rule";
    pub const P_CRUNCH: &str = "p_crunch";
    /// `regimes.parquet`: the law of a row (`current` or a regime's name), and the
    /// probability that it is in force.
    pub const REGIME: &str = "regime";
    pub const PROBABILITY: &str = "probability";
    pub const EXPECTED_GAP: &str = "expected_gap";
    pub const MEAN_NEED: &str = "mean_need";
    pub const P_BETTER: &str = "p_better";
    pub const P_MATERIAL: &str = "p_material";
    /// What a row of `compare.parquet` summarises: see [`super::measure`].
    pub const MEASURE: &str = "measure";
    pub const MEDIAN: &str = "median";
    /// Which prices a row of `budget_line.parquet` is in: see [`super::prices`].
    pub const PRICES: &str = "prices";
    pub const SAFE_75: &str = "safe_75";
    pub const SAFE_90: &str = "safe_90";
    pub const GROUP: &str = "group";
    pub const SHARE: &str = "share";
    pub const SE: &str = "se";
    /// Prefix of the output statistics of `projects.parquet` (`output_p05` ...).
    pub const OUTPUT_PREFIX: &str = "output_";
    pub const MEAN_OUTPUT: &str = "mean_output";
    pub const SD_OUTPUT: &str = "sd_output";
    /// Prefix of the revenue statistics of `projects.parquet`.
    pub const REVENUE_PREFIX: &str = "revenue_";
    pub const MEAN_REVENUE: &str = "mean_revenue";
    pub const SD_REVENUE: &str = "sd_revenue";
    /// Probabilities of each project state, in the order planned, producing, suspended,
    /// closed.
    pub const P_STATES: [&str; 4] = ["p_planned", "p_producing", "p_suspended", "p_closed"];
}

/// The values of `compare.parquet`'s `measure` column.
pub mod measure {
    /// One calendar year.
    pub const YEAR: &str = "year";
    /// The present value, each variant over its own horizon.
    pub const NPV: &str = "npv";
    /// The undiscounted sum over the years both variants simulate.
    pub const TOTAL: &str = "total";
}

/// The values of `budget_line.parquet`'s `prices` column.
pub mod prices {
    /// Money of each year.
    pub const NOMINAL: &str = "nominal";
    /// Money of the first simulated year: each path's amount divided by its cpi index.
    pub const START_YEAR: &str = "start_year";
}
