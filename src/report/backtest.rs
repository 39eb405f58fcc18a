//! What `aimak backtest` writes (docs/model.md section 13): `backtest.parquet`, a fan chart
//! per target with the published amounts marked, a PIT histogram, and the terminal summary.
//!
//! `backtest.parquet` has one row per (origin, published amount):
//! - `origin` (null for the scenario as written), `line` (of the actuals file), `year` and
//!   `year_end` (the years the amount covers; equal for one year), `target`, `stream`,
//!   `amount` (published), `source`, `paths`;
//! - the model's `mean` and `p05 p10 p25 p50 p75 p90 p95` of the value in those years (summed
//!   over them for a span), numpy's "linear" quantiles of every path;
//! - `p_below` = P(X < amount) and `p_at_or_below` = P(X <= amount) in the paths, `pit` the
//!   randomised PIT between them;
//! - `in50`, `in80`, `in90`: whether the amount lies in `[p25, p75]`, `[p10, p90]`,
//!   `[p05, p95]`, ends included;
//! - `crps` (of the paths' empirical distribution) and `wis` (of the seven quantiles), both in
//!   the scenario's currency; `median_ratio` = p50 / amount.

use super::charts::{BacktestChart, Band, Chart, ChartMeta, FanChart, MoneyUnit, PitChart, Prices};
use super::schema::{col, table};
use super::{catalog::Catalog, FileEntry, Provenance, ReportError};
use crate::lang::Lang;
use crate::pipeline::actuals::Actual;
use crate::stats::quantile::{Named, NAMES};
use crate::stats::scores::Scores;
use polars::prelude::*;
use std::path::Path;

/// One published amount scored at one origin.
#[derive(Debug, Clone)]
pub struct Scored {
    /// `None` for the scenario as written.
    pub origin: Option<i32>,
    pub actual: Actual,
    pub scores: Scores,
    pub paths: u64,
}

/// The model's bands of one target's stream by year, with the published amounts on it.
#[derive(Debug, Clone)]
pub struct Fan {
    pub origin: Option<i32>,
    pub target: String,
    pub stream: String,
    /// For amounts published for a span of years: the bands are of the sum from this year.
    pub cumulative_from: Option<i32>,
    pub bands: Vec<Band>,
    /// (last year covered, amount).
    pub actuals: Vec<(i32, f64)>,
}

/// The rows of `backtest.parquet`.
pub fn frame(rows: &[Scored]) -> PolarsResult<DataFrame> {
    let f = |g: &dyn Fn(&Scored) -> f64| rows.iter().map(g).collect::<Vec<f64>>();
    let b = |g: &dyn Fn(&Scored) -> bool| rows.iter().map(g).collect::<Vec<bool>>();
    let s = |g: &dyn Fn(&Scored) -> String| rows.iter().map(g).collect::<Vec<String>>();
    let mut cols: Vec<Column> = vec![
        Column::new(
            "origin".into(),
            rows.iter().map(|r| r.origin).collect::<Vec<Option<i32>>>(),
        ),
        Column::new(
            "line".into(),
            rows.iter()
                .map(|r| r.actual.line as u32)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            col::YEAR.into(),
            rows.iter().map(|r| r.actual.first).collect::<Vec<i32>>(),
        ),
        Column::new(
            "year_end".into(),
            rows.iter().map(|r| r.actual.last).collect::<Vec<i32>>(),
        ),
        Column::new("target".into(), s(&|r| r.actual.target.clone())),
        Column::new(col::STREAM.into(), s(&|r| r.actual.stream.clone())),
        Column::new("amount".into(), f(&|r| r.actual.amount)),
        Column::new("source".into(), s(&|r| r.actual.source.clone())),
        Column::new(
            "paths".into(),
            rows.iter().map(|r| r.paths).collect::<Vec<u64>>(),
        ),
        Column::new(col::MEAN.into(), f(&|r| r.scores.mean)),
    ];
    for (k, name) in NAMES.iter().enumerate() {
        cols.push(Column::new((*name).into(), f(&|r| r.scores.quantiles[k])));
    }
    cols.extend([
        Column::new("p_below".into(), f(&|r| r.scores.below)),
        Column::new("p_at_or_below".into(), f(&|r| r.scores.at_or_below)),
        Column::new("pit".into(), f(&|r| r.scores.pit)),
        Column::new("in50".into(), b(&|r| r.scores.in50)),
        Column::new("in80".into(), b(&|r| r.scores.in80)),
        Column::new("in90".into(), b(&|r| r.scores.in90)),
        Column::new("crps".into(), f(&|r| r.scores.crps)),
        Column::new("wis".into(), f(&|r| r.scores.wis)),
        Column::new(
            "median_ratio".into(),
            // Null where nothing was published (an amount of 0 has no ratio).
            rows.iter()
                .map(|r| ratio(r.scores.quantiles.p50(), r.actual.amount))
                .collect::<Vec<Option<f64>>>(),
        ),
    ]);
    DataFrame::new(rows.len(), cols)
}

/// Writes `backtest.parquet` and the charts into `dir`; returns the files written.
pub fn write(
    dir: &Path,
    rows: &[Scored],
    fans: &[Fan],
    prov: &Provenance,
    catalog: &Catalog,
) -> Result<Vec<FileEntry>, ReportError> {
    let mut df = frame(rows).map_err(|source| ReportError::Table {
        name: table::BACKTEST.into(),
        source,
    })?;
    super::write_parquet(&mut df, &dir.join(table::BACKTEST), prov)?;
    let mut files = vec![FileEntry {
        name: table::BACKTEST.into(),
        rows: df.height(),
    }];
    let lang = Lang::En;
    let meta = ChartMeta {
        lang,
        footer: prov.footer(lang, catalog),
    };
    let charts = charts(rows, fans);
    let charts_dir = dir.join("charts");
    std::fs::create_dir_all(&charts_dir).map_err(super::io(&charts_dir))?;
    let names =
        super::figures::render_all(&charts, &meta, &charts_dir).map_err(|e| ReportError::Io {
            path: charts_dir.clone(),
            source: std::io::Error::other(e),
        })?;
    files.extend(names.into_iter().map(|name| FileEntry { name, rows: 0 }));
    Ok(files)
}

/// The charts of a backtest, named by their path under charts/ without extension.
pub fn charts(rows: &[Scored], fans: &[Fan]) -> Vec<(String, Chart)> {
    let mut out = Vec::new();
    for f in fans {
        let when = match f.origin {
            None => "scenario as written".to_string(),
            Some(o) => format!("forecast from {o}"),
        };
        let what = match f.cumulative_from {
            None => f.stream.clone(),
            Some(y) => format!("{}, summed from {y}", f.stream),
        };
        let name = format!(
            "backtest/{}-{}-{}{}",
            f.origin
                .map_or("replay".to_string(), |o| format!("origin-{o}")),
            super::slug(&f.target),
            super::slug(&f.stream),
            f.cumulative_from
                .map_or(String::new(), |y| format!("-from-{y}"))
        );
        out.push((
            name,
            Chart::Backtest(BacktestChart {
                fan: FanChart {
                    title: format!("{} · {what}: model ({when}) and published", f.target),
                    unit: MoneyUnit::Som(Prices::Nominal),
                    bands: f.bands.clone(),
                },
                actual_label: "published".into(),
                actuals: f.actuals.clone(),
            }),
        ));
    }
    let pits: Vec<f64> = rows.iter().map(|r| r.scores.pit).collect();
    if !pits.is_empty() {
        out.push((
            "backtest/pit".to_string(),
            Chart::Pit(PitChart {
                title: format!(
                    "Where the published amounts fell in the model's futures ({} PIT value{})",
                    pits.len(),
                    if pits.len() == 1 { "" } else { "s" }
                ),
                caption: "PIT: share of simulated futures below the published amount".into(),
                bars_label: "published amounts".into(),
                uniform_label: "what a well-calibrated model gives on average".into(),
                count_label: "number of published amounts".into(),
                bins: if pits.len() >= 20 { 10 } else { 5 },
                pits,
            }),
        ));
    }
    out
}

/// The terminal summary: the coverage line ("80% intervals held for 9 of 12 actuals") and a
/// compact table of every scored amount, in millions.
pub fn summary(rows: &[Scored], origins: bool) -> String {
    let n = rows.len();
    let count = |f: &dyn Fn(&Scores) -> bool| rows.iter().filter(|r| f(&r.scores)).count();
    let mut s = format!(
        "80% intervals held for {} of {n} actual{} (50%: {} of {n}; 90%: {} of {n})\n",
        count(&|x| x.in80),
        if n == 1 { "" } else { "s" },
        count(&|x| x.in50),
        count(&|x| x.in90),
    );
    if n == 0 {
        return s;
    }
    let m = |x: f64| format!("{:.1}", x * 1e-6);
    let mut table = vec![[
        if origins { "origin" } else { "run" }.to_string(),
        "years".into(),
        "target".into(),
        "stream".into(),
        "published M".into(),
        "median M".into(),
        "median/published".into(),
        "P10-P90 M".into(),
        "PIT".into(),
    ]];
    for r in rows {
        let q = &r.scores.quantiles;
        table.push([
            r.origin.map_or("replay".into(), |o| o.to_string()),
            r.actual.years(),
            r.actual.target.clone(),
            r.actual.stream.clone(),
            m(r.actual.amount),
            m(q.p50()),
            ratio(q.p50(), r.actual.amount).map_or("–".into(), |x| format!("{x:.2}")),
            format!("{}-{}", m(q.p10()), m(q.p90())),
            format!("{:.2}", r.scores.pit),
        ]);
    }
    let widths: Vec<usize> = (0..9)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (x, w))| {
                if (4..=8).contains(&c) {
                    format!("{x:>w$}")
                } else {
                    format!("{x:<w$}")
                }
            })
            .collect();
        s.push_str(cells.join("  ").trim_end());
        s.push('\n');
    }
    let mean =
        |f: &dyn Fn(&Scores) -> f64| rows.iter().map(|r| f(&r.scores)).sum::<f64>() / n as f64;
    s.push_str(&format!(
        "mean CRPS {} M, mean WIS {} M (lower is better)\n",
        m(mean(&|x| x.crps)),
        m(mean(&|x| x.wis))
    ));
    s
}

/// The model's median over the published amount, when that amount is not 0.
fn ratio(median: f64, published: f64) -> Option<f64> {
    (published != 0.0).then(|| median / published)
}
