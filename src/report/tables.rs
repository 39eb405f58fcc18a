//! The result tables of docs/model.md section 9 as polars data frames (pure: results in, frames out).

use super::schema::{col, measure, prices, table};
use crate::model::BASELINE;
use crate::results::stream;
use crate::results::{common_years, Results, Share, StreamResults, VariantResults};
use crate::stats::quantile::{Named, NAMES};
use crate::stats::Summary;
use polars::prelude::*;

/// Column builder: key columns, then the statistics columns `mean, sd, p05 ... p95`.
#[derive(Default)]
struct Stats {
    mean: Vec<f64>,
    sd: Vec<f64>,
    q: [Vec<f64>; 7],
    rank_error: Vec<f64>,
}

impl Stats {
    fn push(&mut self, s: &Summary) {
        self.mean.push(s.mean);
        self.sd.push(s.sd);
        for (k, v) in s.q.iter().enumerate() {
            self.q[k].push(*v);
        }
        self.rank_error.push(s.rank_error);
    }

    fn columns(self, prefix: &str, mean_name: &str, sd_name: &str) -> Vec<Column> {
        let mut cols = vec![
            Column::new(mean_name.into(), self.mean),
            Column::new(sd_name.into(), self.sd),
        ];
        for (k, v) in self.q.into_iter().enumerate() {
            cols.push(Column::new(format!("{prefix}{}", NAMES[k]).into(), v));
        }
        // Upper bound on the rank error of the quantiles (0 when exact).
        cols.push(Column::new(
            format!("{prefix}{}", col::RANK_ERROR).into(),
            self.rank_error,
        ));
        cols
    }
}

fn frame(mut keys: Vec<Column>, stats: Vec<Column>) -> PolarsResult<DataFrame> {
    keys.extend(stats);
    DataFrame::new_infer_height(keys)
}

/// A table of yearly statistics per (variant, `key`, year, stream); `rows` gives each
/// variant's (key value, stream) pairs.
fn yearly<'r>(
    r: &'r Results,
    key: &str,
    rows: impl Fn(&'r VariantResults) -> Vec<(&'r str, &'r StreamResults)>,
) -> PolarsResult<DataFrame> {
    let (mut variant, mut keys, mut year, mut stream) = (vec![], vec![], vec![], vec![]);
    let mut st = Stats::default();
    for v in &r.variants {
        for (k, s) in rows(v) {
            for (t, sum) in s.years.iter().enumerate() {
                variant.push(v.name.clone());
                keys.push(k.to_string());
                year.push(v.years[t]);
                stream.push(s.name.clone());
                st.push(sum);
            }
        }
    }
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(key.into(), keys),
            Column::new(col::YEAR.into(), year),
            Column::new(col::STREAM.into(), stream),
        ],
        st.columns("", col::MEAN, col::SD),
    )
}

/// `summary.parquet`: per (variant, municipality, year, stream), nominal.
pub fn summary(r: &Results) -> PolarsResult<DataFrame> {
    yearly(r, col::MUNICIPALITY, |v| municipal(v, false))
}

/// `real.parquet`: `project_total` and `budget_total` in start-year prices, per (variant,
/// municipality, year, stream), as in `summary.parquet` (empty without a cpi driver).
pub fn real(r: &Results) -> PolarsResult<DataFrame> {
    let mut df = yearly(r, col::MUNICIPALITY, |v| municipal(v, true))?;
    let names = df.column(col::STREAM)?.str()?.apply_values(|s| {
        s.strip_prefix(stream::REAL_PREFIX)
            .unwrap_or(s)
            .to_string()
            .into()
    });
    df.replace(col::STREAM, names.into_column())?;
    Ok(df)
}

/// Each municipality's streams, nominal or in start-year prices.
fn municipal(v: &VariantResults, real: bool) -> Vec<(&str, &StreamResults)> {
    v.municipalities
        .iter()
        .flat_map(|m| {
            let kept = m.streams.iter().filter(move |s| s.is_real() == real);
            kept.map(move |s| (m.id.as_str(), s))
        })
        .collect()
}

/// `levels.parquet`: per (variant, level, year, stream) for republic, oblasts and funds.
pub fn levels(r: &Results) -> PolarsResult<DataFrame> {
    yearly(r, col::LEVEL, |v| {
        v.levels
            .iter()
            .flat_map(|l| l.streams.iter().map(move |s| (l.level.as_str(), s)))
            .collect()
    })
}

/// `shortfall.parquet`: per (variant, municipality, year) with a spending need.
pub fn shortfall(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut muni, mut year) = (vec![], vec![], vec![]);
    let (mut p, mut gap, mut need) = (vec![], vec![], vec![]);
    for v in &r.variants {
        for m in &v.municipalities {
            let Some(sf) = &m.shortfall else { continue };
            for (t, s) in sf.iter().enumerate() {
                variant.push(v.name.clone());
                muni.push(m.id.clone());
                year.push(v.years[t]);
                p.push(s.p);
                gap.push(s.expected_gap);
                need.push(s.mean_need);
            }
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new(col::VARIANT.into(), variant),
        Column::new(col::MUNICIPALITY.into(), muni),
        Column::new(col::YEAR.into(), year),
        Column::new(col::P_SHORTFALL.into(), p),
        Column::new(col::EXPECTED_GAP.into(), gap),
        Column::new(col::MEAN_NEED.into(), need),
    ])
}

/// `npv.parquet`: per (variant, municipality, stream).
pub fn npv(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut muni, mut stream) = (vec![], vec![], vec![]);
    let mut st = Stats::default();
    for v in &r.variants {
        for (id, s) in municipal(v, false) {
            variant.push(v.name.clone());
            muni.push(id.to_string());
            stream.push(s.name.clone());
            st.push(&s.npv);
        }
    }
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(col::MUNICIPALITY.into(), muni),
            Column::new(col::STREAM.into(), stream),
        ],
        st.columns("", col::MEAN, col::SD),
    )
}

/// `projects.parquet`: per (variant, project, year).
pub fn projects(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut project, mut year) = (vec![], vec![], vec![]);
    let (mut out, mut rev) = (Stats::default(), Stats::default());
    let mut states: [Vec<f64>; 4] = Default::default();
    for v in &r.variants {
        for p in &v.projects {
            for t in 0..v.years.len() {
                variant.push(v.name.clone());
                project.push(p.id.clone());
                year.push(v.years[t]);
                out.push(&p.output[t]);
                rev.push(&p.revenue[t]);
                for (k, s) in states.iter_mut().enumerate() {
                    s.push(p.states[t][k]);
                }
            }
        }
    }
    let mut cols = out.columns(col::OUTPUT_PREFIX, col::MEAN_OUTPUT, col::SD_OUTPUT);
    cols.extend(rev.columns(col::REVENUE_PREFIX, col::MEAN_REVENUE, col::SD_REVENUE));
    for (name, s) in col::P_STATES.into_iter().zip(states.iter_mut()) {
        cols.push(Column::new(name.into(), std::mem::take(s)));
    }
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(col::PROJECT.into(), project),
            Column::new(col::YEAR.into(), year),
        ],
        cols,
    )
}

/// `pending.parquet`: per (variant, instrument).
pub fn pending(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut inst) = (vec![], vec![]);
    let mut st = Stats::default();
    for v in &r.variants {
        for (id, s) in &v.pending {
            variant.push(v.name.clone());
            inst.push(id.clone());
            st.push(s);
        }
    }
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(col::INSTRUMENT.into(), inst),
        ],
        st.columns("", col::MEAN, col::SD),
    )
}

/// `compare.parquet`: per (variant, municipality, stream) the paired difference variant minus
/// baseline, with `p_better` = P(variant > baseline) and `p_material` = P(variant - baseline >
/// 5% of what the baseline gives: in an average year of the same path for a year's row, in
/// total or present value for those rows). `measure` says what a row summarises: `year` (one
/// calendar year), `npv` (each over its own horizon) or `total` (the sum over the years both
/// simulate); `year` is null but for `year` rows.
pub fn compare(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut muni, mut year, mut measure, mut stream) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut better, mut material) = (vec![], vec![]);
    let mut st = Stats::default();
    // Variants are compared with the baseline, which runs first, in the years both simulate.
    let horizon = |v: &VariantResults| (v.years[0], v.years.len());
    for v in &r.variants {
        let Some(cmp) = &v.compare else { continue };
        let (first, _) = common_years(horizon(&r.variants[0]), horizon(v));
        for m in cmp {
            for s in &m.streams {
                let years = s.years.iter().enumerate();
                let rows = years
                    .map(|(t, w)| (Some(first + t as i32), measure::YEAR, w))
                    .chain([
                        (None, measure::NPV, &s.npv),
                        (None, measure::TOTAL, &s.total),
                    ]);
                for (y, what, w) in rows {
                    variant.push(v.name.clone());
                    muni.push(m.id.clone());
                    year.push(y);
                    measure.push(what);
                    stream.push(s.name.clone());
                    st.push(&w.summary);
                    better.push(w.p_better);
                    material.push(w.p_material);
                }
            }
        }
    }
    let mut cols = st.columns("", col::MEAN, col::SD);
    cols.push(Column::new(col::P_BETTER.into(), better));
    cols.push(Column::new(col::P_MATERIAL.into(), material));
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(col::MUNICIPALITY.into(), muni),
            Column::new(col::YEAR.into(), year),
            Column::new(col::MEASURE.into(), measure),
            Column::new(col::STREAM.into(), stream),
        ],
        cols,
    )
}

/// `budget_line.parquet`: per (variant, municipality, prices, year) the project money a
/// council can count on: with 90% confidence the 10th percentile of `project_total`, with 75%
/// the 25th, beside the median. `prices` is `nominal`, or `start_year` (deflated by each
/// path's cpi index) when the scenario has a cpi driver.
pub fn budget_line(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut muni, mut prices, mut year) = (vec![], vec![], vec![], vec![]);
    let (mut median, mut safe75, mut safe90, mut err) = (vec![], vec![], vec![], vec![]);
    for v in &r.variants {
        for m in &v.municipalities {
            let lines = [
                (prices::NOMINAL, stream::PROJECT_TOTAL),
                (prices::START_YEAR, stream::REAL_PROJECT_TOTAL),
            ];
            for (basis, name) in lines {
                let Some(s) = m.stream(name) else {
                    continue;
                };
                for (t, sum) in s.years.iter().enumerate() {
                    variant.push(v.name.clone());
                    muni.push(m.id.clone());
                    prices.push(basis);
                    year.push(v.years[t]);
                    median.push(sum.q.p50());
                    safe75.push(sum.q.p25());
                    safe90.push(sum.q.p10());
                    err.push(sum.rank_error);
                }
            }
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new(col::VARIANT.into(), variant),
        Column::new(col::MUNICIPALITY.into(), muni),
        Column::new(col::PRICES.into(), prices),
        Column::new(col::YEAR.into(), year),
        Column::new(col::MEDIAN.into(), median),
        Column::new(col::SAFE_75.into(), safe75),
        Column::new(col::SAFE_90.into(), safe90),
        Column::new(col::RANK_ERROR.into(), err),
    ])
}

/// `sensitivity.parquet`: per (municipality, year, group) the share of the variance of the
/// baseline's project money due to the group (first-order Sobol index) and its standard
/// error; rows with a null year are the NPV.
pub fn sensitivity(shares: &[Share]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(col::VARIANT.into(), vec![BASELINE; shares.len()]),
        Column::new(
            col::MUNICIPALITY.into(),
            shares
                .iter()
                .map(|s| s.municipality.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::YEAR.into(),
            shares.iter().map(|s| s.year).collect::<Vec<_>>(),
        ),
        Column::new(
            col::GROUP.into(),
            shares.iter().map(|s| s.group.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::SHARE.into(),
            shares.iter().map(|s| s.share).collect::<Vec<_>>(),
        ),
        Column::new(
            col::SE.into(),
            shares.iter().map(|s| s.se).collect::<Vec<_>>(),
        ),
    ])
}

/// `rules.parquet`: per (variant, rule, municipality, year) the streams `spending`, `reserve`
/// and `budget`, with `p_crunch` (the probability that the rule cannot be kept that year) and
/// `p_shortfall` (P(budget < need), null without a need); then per (variant, rule,
/// municipality), `year` null, the streams `npv_spending`, `final_reserve` and `volatility`,
/// with `p_crunch` the probability of at least one crunch year (docs/model.md section 10).
pub fn rules(r: &Results) -> PolarsResult<DataFrame> {
    use crate::sim::rules::{WHOLE_STREAMS, YEAR_STREAMS};
    let (mut variant, mut rule, mut muni, mut year, mut stream) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut crunch, mut short) = (vec![], vec![]);
    let mut st = Stats::default();
    for v in &r.variants {
        for x in &v.rules {
            let rows = x.years.iter().enumerate().flat_map(|(t, y)| {
                let year = Some(v.years[t]);
                YEAR_STREAMS
                    .iter()
                    .zip(&y.streams)
                    .map(move |(name, s)| (year, *name, s, y.p_crunch, y.p_shortfall))
            });
            let whole = WHOLE_STREAMS
                .iter()
                .zip(&x.whole)
                .map(|(name, s)| (None, *name, s, x.p_any_crunch, None));
            for (y, name, s, c, sh) in rows.chain(whole) {
                variant.push(v.name.clone());
                rule.push(x.rule.clone());
                muni.push(x.municipality.clone());
                year.push(y);
                stream.push(name);
                st.push(s);
                crunch.push(c);
                short.push(sh);
            }
        }
    }
    let mut cols = st.columns("", col::MEAN, col::SD);
    cols.push(Column::new(col::P_CRUNCH.into(), crunch));
    cols.push(Column::new(col::P_SHORTFALL.into(), short));
    frame(
        vec![
            Column::new(col::VARIANT.into(), variant),
            Column::new(col::RULE.into(), rule),
            Column::new(col::MUNICIPALITY.into(), muni),
            Column::new(col::YEAR.into(), year),
            Column::new(col::STREAM.into(), stream),
        ],
        cols,
    )
}

/// `regimes.parquet`: per (variant, year, regime) the probability that the regime is the law
/// in force (docs/model.md section 11); `current` is the law as the scenario writes it.
pub fn regimes(r: &Results) -> PolarsResult<DataFrame> {
    let (mut variant, mut year, mut regime, mut p) = (vec![], vec![], vec![], vec![]);
    for v in &r.variants {
        for (t, y) in v.years.iter().enumerate() {
            for law in &v.laws {
                variant.push(v.name.clone());
                year.push(*y);
                regime.push(law.name.clone());
                p.push(law.in_force[t]);
            }
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new(col::VARIANT.into(), variant),
        Column::new(col::YEAR.into(), year),
        Column::new(col::REGIME.into(), regime),
        Column::new(col::PROBABILITY.into(), p),
    ])
}

/// Tables with their file names.
pub type Frames = Vec<(&'static str, DataFrame)>;

/// All tables, with their file names, in the order they are written; `rules.parquet` only
/// when the scenario has budget rules, `regimes.parquet` only when it has regimes.
pub fn all(r: &Results) -> PolarsResult<Frames> {
    let mut frames = vec![
        (table::SUMMARY, summary(r)?),
        (table::LEVELS, levels(r)?),
        (table::SHORTFALL, shortfall(r)?),
        (table::NPV, npv(r)?),
        (table::PROJECTS, projects(r)?),
        (table::PENDING, pending(r)?),
        (table::COMPARE, compare(r)?),
        (table::BUDGET_LINE, budget_line(r)?),
        (table::REAL, real(r)?),
    ];
    if r.variants.iter().any(|v| !v.rules.is_empty()) {
        frames.push((table::RULES, rules(r)?));
    }
    if r.variants.iter().any(|v| !v.laws.is_empty()) {
        frames.push((table::REGIMES, regimes(r)?));
    }
    Ok(frames)
}
