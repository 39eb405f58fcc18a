//! `solve.parquet` and the chart of `p(x)` of a finished solve (pure: a [`Solved`] in, a frame
//! or chart data out).
//!
//! `solve.parquet` has one row per (point, target). `kind` says what a point is: `grid` (the
//! 9 points from LO to HI), `bisection` (the search's later points, in order), `answer` (the
//! answer, as found on the search's seed) and `validation` (the answer on `seed + 1`, the only
//! rows with `ci_low` and `ci_high`, the 95% Clopper-Pearson interval of `probability`).

use super::charts::{Chart, SolveChart, SolveSeries};
use super::labels::{t, Key};
use crate::lang::Lang;
use crate::solve::search::Point;
use crate::solve::Solved;
use polars::prelude::*;

/// Columns of `solve.parquet`.
pub mod col {
    pub const KIND: &str = "kind";
    pub const STEP: &str = "step";
    pub const KEY: &str = "key";
    pub const X: &str = "x";
    pub const BALANCE_KEY: &str = "balance_key";
    pub const BALANCE_VALUE: &str = "balance_value";
    pub const SEED: &str = "seed";
    pub const PATHS: &str = "paths";
    pub const TARGET: &str = "target";
    pub const HELD: &str = "held";
    pub const PROBABILITY: &str = "probability";
    pub const REQUIRED: &str = "required";
    pub const MEETS: &str = "meets";
    pub const MEETS_ALL: &str = "meets_all";
    pub const P_ALL: &str = "p_all";
    pub const CI_LOW: &str = "ci_low";
    pub const CI_HIGH: &str = "ci_high";
}

/// The table of a solve.
pub fn frame(s: &Solved) -> PolarsResult<DataFrame> {
    let f = &s.found;
    let mut points: Vec<(&str, &Point, u64)> = Vec::new();
    points.extend(f.grid.iter().map(|p| ("grid", p, s.seed)));
    points.extend(f.steps.iter().map(|p| ("bisection", p, s.seed)));
    points.push(("answer", &f.answer, s.seed));
    points.push(("validation", &s.check, s.seed + 1));
    let intervals = s.intervals();
    let mut c = Columns::default();
    for (step, (kind, p, seed)) in points.into_iter().enumerate() {
        for (i, target) in s.targets.iter().enumerate() {
            c.kind.push(kind);
            c.step.push(step as u32);
            c.x.push(p.x);
            c.balance_value.push(s.balance.as_ref().map(|b| b.at(p.x)));
            c.seed.push(seed);
            c.paths.push(p.paths);
            c.target.push(target.spec());
            c.held.push(p.held[i]);
            c.probability.push(p.p(i));
            c.meets.push(p.p(i) >= s.required);
            c.meets_all.push(p.meets(s.required));
            c.p_all.push(p.joint as f64 / p.paths as f64);
            let ci = (kind == "validation").then(|| intervals[i]);
            c.ci_low.push(ci.map(|c| c.0));
            c.ci_high.push(ci.map(|c| c.1));
        }
    }
    let n = c.kind.len();
    DataFrame::new_infer_height(vec![
        Column::new(col::KIND.into(), c.kind),
        Column::new(col::STEP.into(), c.step),
        Column::new(col::KEY.into(), vec![s.key.clone(); n]),
        Column::new(col::X.into(), c.x),
        Column::new(
            col::BALANCE_KEY.into(),
            vec![s.balance.as_ref().map(|b| b.key.clone()); n],
        ),
        Column::new(col::BALANCE_VALUE.into(), c.balance_value),
        Column::new(col::SEED.into(), c.seed),
        Column::new(col::PATHS.into(), c.paths),
        Column::new(col::TARGET.into(), c.target),
        Column::new(col::HELD.into(), c.held),
        Column::new(col::PROBABILITY.into(), c.probability),
        Column::new(col::REQUIRED.into(), vec![s.required; n]),
        Column::new(col::MEETS.into(), c.meets),
        Column::new(col::MEETS_ALL.into(), c.meets_all),
        Column::new(col::P_ALL.into(), c.p_all),
        Column::new(col::CI_LOW.into(), c.ci_low),
        Column::new(col::CI_HIGH.into(), c.ci_high),
    ])
}

#[derive(Default)]
struct Columns {
    kind: Vec<&'static str>,
    step: Vec<u32>,
    x: Vec<f64>,
    balance_value: Vec<Option<f64>>,
    seed: Vec<u64>,
    paths: Vec<u64>,
    target: Vec<String>,
    held: Vec<u64>,
    probability: Vec<f64>,
    meets: Vec<bool>,
    meets_all: Vec<bool>,
    p_all: Vec<f64>,
    ci_low: Vec<Option<f64>>,
    ci_high: Vec<Option<f64>>,
}

/// The chart of `p(x)`: each target's probability at every point of the search's seed, the
/// required probability, the answer, and the check on `seed + 1` with its interval.
pub fn chart(s: &Solved, lang: Lang) -> Chart {
    let f = &s.found;
    let mut points: Vec<&Point> = f.grid.iter().chain(&f.steps).collect();
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    points.dedup_by(|a, b| a.x == b.x);
    let intervals = s.intervals();
    let series = s
        .targets
        .iter()
        .enumerate()
        .map(|(i, target)| SolveSeries {
            label: target.spec(),
            points: points.iter().map(|p| (p.x, p.p(i))).collect(),
            grid: f.grid.iter().map(|p| (p.x, p.p(i))).collect(),
            check: (s.check.p(i), intervals[i].0, intervals[i].1),
        })
        .collect();
    Chart::Solve(SolveChart {
        title: t(lang, Key::TitleSolve).to_string(),
        key: s.key.clone(),
        lo: f.grid[0].x,
        hi: f.grid[f.grid.len() - 1].x,
        required: s.required,
        answer: f.answer.x,
        series,
    })
}
