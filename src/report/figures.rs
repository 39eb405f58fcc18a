//! The charts of a run, built from its tables and catalog only, so that `aimak chart` on a
//! finished run draws exactly what the run drew.

use super::catalog::{Catalog, Entry};
use super::charts::*;
use super::labels::{t, Key};
use super::schema::{col, measure, prices, table};
use crate::lang::Lang;
use crate::model::BASELINE;
use crate::results::stream;
use crate::stats::quantile::{Named, NAMES};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The tables charts are drawn from.
pub struct Tables {
    pub summary: DataFrame,
    pub npv: DataFrame,
    pub shortfall: DataFrame,
    pub projects: DataFrame,
    pub compare: DataFrame,
    pub budget_line: DataFrame,
    /// The levels above municipalities: the republic, the oblasts, the funds.
    pub levels: DataFrame,
    /// `project_total` and `budget_total` in start-year prices; `None` in the folder of a
    /// run whose scenario has no cpi driver.
    pub real: Option<DataFrame>,
    /// With `--sensitivity` only.
    pub sensitivity: Option<DataFrame>,
    /// With `[[budget_rule]]` tables only.
    pub rules: Option<DataFrame>,
    /// `regimes.parquet`, when the scenario declares regimes.
    pub regimes: Option<DataFrame>,
}

impl Tables {
    pub fn read(dir: &Path) -> PolarsResult<Tables> {
        let read = |f: &str| -> PolarsResult<DataFrame> {
            let path = dir.join(f);
            let file = std::fs::File::open(&path).map_err(|e| PolarsError::IO {
                error: std::sync::Arc::new(e),
                msg: Some(format!("cannot read {}", path.display()).into()),
            })?;
            ParquetReader::new(file).finish().map_err(|e| {
                PolarsError::ComputeError(
                    format!("{} is not a readable Parquet table: {e}", path.display()).into(),
                )
            })
        };
        let optional = |f: &str| -> PolarsResult<Option<DataFrame>> {
            dir.join(f).exists().then(|| read(f)).transpose()
        };
        Ok(Tables {
            summary: read(table::SUMMARY)?,
            npv: read(table::NPV)?,
            shortfall: read(table::SHORTFALL)?,
            projects: read(table::PROJECTS)?,
            compare: read(table::COMPARE)?,
            budget_line: read(table::BUDGET_LINE)?,
            levels: read(table::LEVELS)?,
            real: optional(table::REAL)?.filter(|d| d.height() > 0),
            sensitivity: optional(table::SENSITIVITY)?,
            rules: optional(table::RULES)?,
            regimes: optional(table::REGIMES)?,
        })
    }

    /// From the frames a run has just written (see `tables::all`).
    pub fn from_frames(frames: &[(&str, DataFrame)]) -> Tables {
        let get = |name: &str| {
            frames
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, d)| d.clone())
                .expect("every table is written")
        };
        Tables {
            summary: get(table::SUMMARY),
            npv: get(table::NPV),
            shortfall: get(table::SHORTFALL),
            projects: get(table::PROJECTS),
            compare: get(table::COMPARE),
            budget_line: get(table::BUDGET_LINE),
            levels: get(table::LEVELS),
            real: Some(get(table::REAL)).filter(|d| d.height() > 0),
            sensitivity: frames
                .iter()
                .find(|(n, _)| *n == table::SENSITIVITY)
                .map(|(_, d)| d.clone()),
            rules: frames
                .iter()
                .find(|(n, _)| *n == table::RULES)
                .map(|(_, d)| d.clone()),
            regimes: frames
                .iter()
                .find(|(n, _)| *n == table::REGIMES)
                .map(|(_, d)| d.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Stat {
    pub(super) mean: f64,
    pub(super) q: [f64; 7],
}

impl Stat {
    fn band(&self, year: i32) -> Band {
        Band {
            year,
            mean: self.mean,
            p05: self.q.p05(),
            p25: self.q.p25(),
            p50: self.q.p50(),
            p75: self.q.p75(),
            p95: self.q.p95(),
        }
    }
}

pub(super) fn strs(df: &DataFrame, c: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(c)?
        .str()?
        .iter()
        .map(|x| x.unwrap_or_default().to_string())
        .collect())
}

pub(super) fn f64s(df: &DataFrame, c: &str) -> PolarsResult<Vec<f64>> {
    Ok(df
        .column(c)?
        .f64()?
        .iter()
        .map(|x| x.unwrap_or(f64::NAN))
        .collect())
}

pub(super) fn years(df: &DataFrame) -> PolarsResult<Vec<Option<i32>>> {
    Ok(df.column(col::YEAR)?.i32()?.iter().collect())
}

pub(super) fn stats(df: &DataFrame, prefix: &str, mean: &str) -> PolarsResult<Vec<Stat>> {
    let m = f64s(df, mean)?;
    let qs: Vec<Vec<f64>> = NAMES
        .iter()
        .map(|n| f64s(df, &format!("{prefix}{n}")))
        .collect::<PolarsResult<_>>()?;
    Ok((0..df.height())
        .map(|i| Stat {
            mean: m[i],
            q: std::array::from_fn(|k| qs[k][i]),
        })
        .collect())
}

/// At most this many municipalities get charts of their own (the largest by project money).
pub const MAX_CHARTED: usize = 40;

/// (variant, municipality or project)
type Key2 = (String, String);

/// A project's year: output statistics and the probability of each state.
type ProjectYear = (i32, Stat, [f64; 4]);

/// (variant, key, stream) -> [(year, stat)] in table order.
pub(super) type Series = HashMap<(String, String, String), Vec<(Option<i32>, Stat)>>;

pub(super) fn series(df: &DataFrame, key: &str) -> PolarsResult<Series> {
    let (v, k, s, y, st) = (
        strs(df, col::VARIANT)?,
        strs(df, key)?,
        strs(df, col::STREAM)?,
        years(df)?,
        stats(df, "", col::MEAN)?,
    );
    let mut out: Series = HashMap::new();
    for i in 0..df.height() {
        out.entry((v[i].clone(), k[i].clone(), s[i].clone()))
            .or_default()
            .push((y[i], st[i]));
    }
    Ok(out)
}

/// (variant, municipality, stream) -> present value statistics.
type Npv = HashMap<(String, String, String), Stat>;

fn npv_by_stream(tables: &Tables) -> PolarsResult<Npv> {
    let (v, m, s, st) = (
        strs(&tables.npv, col::VARIANT)?,
        strs(&tables.npv, col::MUNICIPALITY)?,
        strs(&tables.npv, col::STREAM)?,
        stats(&tables.npv, "", col::MEAN)?,
    );
    Ok((0..tables.npv.height())
        .map(|i| ((v[i].clone(), m[i].clone(), s[i].clone()), st[i]))
        .collect())
}

/// The municipalities that get charts (and council sheets) of their own: those in `only`,
/// else all of them up to [`MAX_CHARTED`]; a national run has hundreds, and then the
/// [`MAX_CHARTED`] with the most project money (median present value in the baseline) are
/// chosen, in scenario order.
fn charted<'c>(cat: &'c Catalog, npv: &Npv, only: Option<&[String]>) -> Vec<&'c Entry> {
    let mut all: Vec<(&Entry, f64)> = cat
        .municipalities
        .iter()
        .map(|m| {
            let key = (
                BASELINE.to_string(),
                m.id.clone(),
                stream::PROJECT_TOTAL.to_string(),
            );
            (m, npv.get(&key).map_or(0.0, |s| s.q.p50()))
        })
        .collect();
    if let Some(ids) = only {
        all.retain(|(m, _)| ids.contains(&m.id));
    } else if all.len() > MAX_CHARTED {
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
        all.truncate(MAX_CHARTED);
        // Back in scenario order.
        all.sort_by_key(|(m, _)| cat.municipalities.iter().position(|x| x.id == m.id));
    }
    all.into_iter().map(|(m, _)| m).collect()
}

/// The ids of the municipalities charted by default (see [`charted`]).
pub fn default_selection(tables: &Tables, cat: &Catalog) -> PolarsResult<Vec<String>> {
    let npv = npv_by_stream(tables)?;
    Ok(charted(cat, &npv, None)
        .into_iter()
        .map(|m| m.id.clone())
        .collect())
}

impl Tables {
    /// Whether the run has amounts in start-year prices (its scenario has a cpi driver).
    pub fn has_real(&self) -> bool {
        self.real.is_some()
    }
}

/// Every chart of a run: (path under charts/ without extension, chart); the charts of each
/// municipality for those in `only`, else for at most [`MAX_CHARTED`] of them. With
/// `Prices::StartYear` (and a run that has them, see [`Tables::has_real`]) the charts of
/// project money and of the variants' gains are in start-year prices; the budget, its
/// composition and present values stay nominal, and every money axis says which.
pub fn figures(
    tables: &Tables,
    cat: &Catalog,
    lang: Lang,
    only: Option<&[String]>,
    prices: Prices,
) -> PolarsResult<Vec<(String, Chart)>> {
    let code = lang.code();
    let prices = if tables.has_real() {
        prices
    } else {
        Prices::Nominal
    };
    let real = prices != Prices::Nominal;
    let summary = series(&tables.summary, col::MUNICIPALITY)?;
    // Project money in the prices asked for.
    let money = match (&tables.real, real) {
        (Some(r), true) => series(r, col::MUNICIPALITY)?,
        _ => summary.clone(),
    };
    let gain_stream = if real {
        stream::REAL_PROJECT_TOTAL
    } else {
        stream::PROJECT_TOTAL
    };
    let line_prices = if real {
        prices::START_YEAR
    } else {
        prices::NOMINAL
    };
    let npv = npv_by_stream(tables)?;
    // shortfall: (variant, municipality) -> [(year, p, need)]
    let mut shortfall: HashMap<Key2, Vec<(i32, f64, f64)>> = HashMap::new();
    {
        let sf = &tables.shortfall;
        let (v, m, y, p, n) = (
            strs(sf, col::VARIANT)?,
            strs(sf, col::MUNICIPALITY)?,
            years(sf)?,
            f64s(sf, col::P_SHORTFALL)?,
            f64s(sf, col::MEAN_NEED)?,
        );
        for i in 0..sf.height() {
            shortfall
                .entry((v[i].clone(), m[i].clone()))
                .or_default()
                .push((y[i].unwrap_or_default(), p[i], n[i]));
        }
    }
    let compare = series(&tables.compare, col::MUNICIPALITY)?;
    let material: HashMap<(String, String, String, Option<i32>), f64> = {
        let c = &tables.compare;
        let (v, m, s, y, b) = (
            strs(c, col::VARIANT)?,
            strs(c, col::MUNICIPALITY)?,
            strs(c, col::STREAM)?,
            years(c)?,
            f64s(c, col::P_MATERIAL)?,
        );
        (0..c.height())
            .map(|i| ((v[i].clone(), m[i].clone(), s[i].clone(), y[i]), b[i]))
            .collect()
    };
    // Each variant's paired gain of project money summed over the horizon, by municipality.
    let totals: HashMap<Key2, Stat> = {
        let c = &tables.compare;
        let (v, m, s, what) = (
            strs(c, col::VARIANT)?,
            strs(c, col::MUNICIPALITY)?,
            strs(c, col::STREAM)?,
            strs(c, col::MEASURE)?,
        );
        let st = stats(c, "", col::MEAN)?;
        (0..c.height())
            .filter(|i| what[*i] == measure::TOTAL && s[*i] == gain_stream)
            .map(|i| ((v[i].clone(), m[i].clone()), st[i]))
            .collect()
    };
    let projects = {
        let p = &tables.projects;
        let (v, id, y) = (strs(p, col::VARIANT)?, strs(p, col::PROJECT)?, years(p)?);
        let out = stats(p, col::OUTPUT_PREFIX, col::MEAN_OUTPUT)?;
        let states: Vec<Vec<f64>> = col::P_STATES
            .iter()
            .map(|c| f64s(p, c))
            .collect::<PolarsResult<_>>()?;
        let mut h: BTreeMap<Key2, Vec<ProjectYear>> = BTreeMap::new();
        for i in 0..p.height() {
            h.entry((v[i].clone(), id[i].clone())).or_default().push((
                y[i].unwrap_or_default(),
                out[i],
                std::array::from_fn(|k| states[k][i]),
            ));
        }
        h
    };

    // budget line: (variant, municipality) -> [(year, median, safe_75, safe_90)]
    let mut line: HashMap<Key2, Vec<[f64; 4]>> = HashMap::new();
    {
        let b = &tables.budget_line;
        let (v, m, y) = (
            strs(b, col::VARIANT)?,
            strs(b, col::MUNICIPALITY)?,
            years(b)?,
        );
        let (md, s75, s90) = (
            f64s(b, col::MEDIAN)?,
            f64s(b, col::SAFE_75)?,
            f64s(b, col::SAFE_90)?,
        );
        let basis = strs(b, col::PRICES)?;
        for i in (0..b.height()).filter(|i| basis[*i] == line_prices) {
            line.entry((v[i].clone(), m[i].clone())).or_default().push([
                y[i].unwrap_or_default() as f64,
                md[i],
                s75[i],
                s90[i],
            ]);
        }
    }
    let title = |key: Key, name: &str| format!("{} — {name}", super::labels::t(lang, key));
    let charted = charted(cat, &npv, only);
    let of_all = if charted.len() < cat.municipalities.len() {
        format!(" ({}/{})", charted.len(), cat.municipalities.len())
    } else {
        String::new()
    };
    let mut out = Vec::new();
    for v in &cat.variants {
        let vid = &v.id;
        // A variant's charts say which variant they show, so that a slide of one cannot be
        // taken for the baseline's.
        let label = v.name_in(code).to_string();
        let named = |s: String| {
            if vid == BASELINE {
                s
            } else {
                format!("{s} · {label}")
            }
        };
        let title = |key: Key, name: &str| named(title(key, name));
        let vdir = vid.clone();
        let mut npv_items = Vec::new();
        let mut gain_items = Vec::new();
        let mut heat_rows = Vec::new();
        let mut heat_values = Vec::new();
        let mut heat_years = Vec::new();
        for m in &charted {
            let name = m.name_in(code);
            let get = |stream: &str| summary.get(&(vid.clone(), m.id.clone(), stream.to_string()));
            let key = (vid.clone(), m.id.clone(), stream::PROJECT_TOTAL.to_string());
            if let Some(rows) = money.get(&key) {
                let bands = rows
                    .iter()
                    .map(|(y, s)| s.band(y.unwrap_or_default()))
                    .collect();
                out.push((
                    format!("{vdir}/project-money-{}", m.id),
                    Chart::Fan(FanChart {
                        title: title(Key::TitleRevenue, name),
                        unit: MoneyUnit::Som(prices),
                        bands,
                    }),
                ));
            }
            if let Some(rows) = line.get(&(vid.clone(), m.id.clone())) {
                let col = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
                out.push((
                    format!("{vdir}/budget-line-{}", m.id),
                    Chart::BudgetLine(BudgetLineChart {
                        title: title(Key::TitleBudgetLine, name),
                        prices,
                        years: rows.iter().map(|r| r[0] as i32).collect(),
                        median: col(1),
                        safe_75: col(2),
                        safe_90: col(3),
                    }),
                ));
            }
            if let (Some(rows), Some(sf)) = (
                get(stream::BUDGET_TOTAL),
                shortfall.get(&(vid.clone(), m.id.clone())),
            ) {
                out.push((
                    format!("{vdir}/budget-{}", m.id),
                    Chart::Budget(BudgetChart {
                        title: title(Key::TitleBudget, name),
                        prices: Prices::Nominal,
                        bands: rows
                            .iter()
                            .map(|(y, s)| s.band(y.unwrap_or_default()))
                            .collect(),
                        need: sf.iter().map(|(y, _, n)| (*y, *n)).collect(),
                        p_shortfall: sf.iter().map(|(y, p, _)| (*y, *p)).collect(),
                    }),
                ));
                heat_rows.push(name.to_string());
                heat_values.push(sf.iter().map(|(_, p, _)| *p).collect::<Vec<f64>>());
                heat_years = sf.iter().map(|(y, _, _)| *y).collect();
            }
            // Composition: every project stream of the municipality.
            let mut layers = Vec::new();
            let mut years_c: Vec<i32> = Vec::new();
            let mut names: Vec<&String> = summary
                .keys()
                .filter(|(vv, mm, s)| {
                    vv == vid
                        && *mm == m.id
                        && !matches!(
                            s.as_str(),
                            stream::OWN_REVENUE
                                | stream::GRANT
                                | stream::PROJECT_TOTAL
                                | stream::BUDGET_TOTAL
                        )
                })
                .map(|(_, _, s)| s)
                .collect();
            names.sort();
            for s in names {
                let rows = &summary[&(vid.clone(), m.id.clone(), s.clone())];
                years_c = rows.iter().map(|(y, _)| y.unwrap_or_default()).collect();
                let values: Vec<f64> = rows.iter().map(|(_, st)| st.mean.max(0.0)).collect();
                if values.iter().all(|x| *x == 0.0) {
                    continue;
                }
                layers.push(Layer {
                    label: stream_label(cat, s, lang),
                    off_budget: s.starts_with("community:"),
                    values,
                });
            }
            if !layers.is_empty() {
                out.push((
                    format!("{vdir}/composition-{}", m.id),
                    Chart::Composition(CompositionChart {
                        title: title(Key::TitleComposition, name),
                        prices: Prices::Nominal,
                        heading: Key::LocalBudget,
                        years: years_c,
                        layers,
                    }),
                ));
            }
            if let Some(n) = npv.get(&(vid.clone(), m.id.clone(), stream::PROJECT_TOTAL.into())) {
                npv_items.push(NpvItem {
                    name: name.to_string(),
                    p10: n.q.p10(),
                    p50: n.q.p50(),
                    p90: n.q.p90(),
                });
            }
            if let Some(g) = totals.get(&(vid.clone(), m.id.clone())) {
                gain_items.push(NpvItem {
                    name: name.to_string(),
                    p10: g.q.p10(),
                    p50: g.q.p50(),
                    p90: g.q.p90(),
                });
            }
            // None for the baseline, or a variant whose horizon does not overlap the baseline's.
            let yearly: Vec<&(Option<i32>, Stat)> = compare
                .get(&(vid.clone(), m.id.clone(), gain_stream.into()))
                .map_or(vec![], |rows| {
                    rows.iter().filter(|(y, _)| y.is_some()).collect()
                });
            if !yearly.is_empty() {
                out.push((
                    format!("{vdir}/versus-baseline-{}", m.id),
                    Chart::VariantDiff(VariantDiffChart {
                        // Its subtitle names the variant.
                        title: format!("{} — {name}", t(lang, Key::TitleVariant)),
                        prices,
                        variant_label: v.name_in(code).to_string(),
                        bands: yearly
                            .iter()
                            .map(|(y, s)| s.band(y.unwrap_or_default()))
                            .collect(),
                        p_material: yearly
                            .iter()
                            .map(|(y, _)| {
                                let p = material
                                    .get(&(vid.clone(), m.id.clone(), gain_stream.into(), *y))
                                    .copied()
                                    .unwrap_or(0.0);
                                (y.unwrap_or_default(), p)
                            })
                            .collect(),
                    }),
                ));
            }
        }
        if !npv_items.is_empty() {
            out.push((
                format!("{vdir}/npv-comparison"),
                Chart::NpvComparison(NpvComparison {
                    prices: Prices::Nominal,
                    what: Key::PresentValue,
                    title: named(format!(
                        "{} ({}%)",
                        t(lang, Key::TitlePresentValue),
                        cat.discount_rate * 100.0
                    )),
                    items: npv_items,
                }),
            ));
        }
        if !gain_items.is_empty() {
            out.push((
                format!("{vdir}/total-gain"),
                Chart::NpvComparison(NpvComparison {
                    prices,
                    what: Key::TotalGain,
                    title: named(format!("{}{of_all}", t(lang, Key::TitleTotalGain))),
                    items: gain_items,
                }),
            ));
        }
        if !heat_rows.is_empty() {
            out.push((
                format!("{vdir}/shortfall-heatmap"),
                Chart::Heatmap(ShortfallHeatmap {
                    title: named(format!("{}{of_all}", t(lang, Key::TitleShortfall))),
                    rows: heat_rows,
                    years: heat_years,
                    values: heat_values,
                }),
            ));
        }
        for p in &cat.projects {
            let Some(rows) = projects.get(&(vid.clone(), p.id.clone())) else {
                continue;
            };
            let years: Vec<i32> = rows.iter().map(|r| r.0).collect();
            let col = |k: usize| rows.iter().map(|r| r.2[k]).collect::<Vec<f64>>();
            out.push((
                format!("{vdir}/project-states-{}", p.id),
                Chart::ProjectStates(ProjectStatesChart {
                    title: title(Key::TitleProjectStates, p.name_in(code)),
                    years,
                    p_planned: col(0),
                    p_producing: col(1),
                    p_suspended: col(2),
                    p_closed: col(3),
                }),
            ));
            out.push((
                format!("{vdir}/project-output-{}", p.id),
                Chart::ProjectOutput(FanChart {
                    title: title(Key::TitleProjectOutput, p.name_in(code)),
                    unit: MoneyUnit::Physical(
                        p.unit
                            .as_deref()
                            .map(|u| super::labels::output_unit(lang, u))
                            .unwrap_or_default(),
                    ),
                    bands: rows.iter().map(|r| r.1.band(r.0)).collect(),
                }),
            ));
        }
    }
    if let Some(rules) = &tables.rules {
        rules_charts(rules, cat, lang, &charted, &mut out)?;
    }
    if let Some(regimes) = &tables.regimes {
        law_charts(regimes, cat, lang, &mut out)?;
    }
    if let Some(sens) = &tables.sensitivity {
        sensitivity_charts(sens, cat, lang, &charted, &mut out)?;
    }
    Ok(out)
}

/// The budget rules side by side at each charted municipality a rule applies to: the present
/// value of spending under each (median and P10-P90: the safe amount is its left end),
/// beside spending as received.
fn rules_charts(
    rules: &DataFrame,
    cat: &Catalog,
    lang: Lang,
    charted: &[&Entry],
    out: &mut Vec<(String, Chart)>,
) -> PolarsResult<()> {
    let code = lang.code();
    let (v, r, m, s, y) = (
        strs(rules, col::VARIANT)?,
        strs(rules, col::RULE)?,
        strs(rules, col::MUNICIPALITY)?,
        strs(rules, col::STREAM)?,
        years(rules)?,
    );
    let st = stats(rules, "", col::MEAN)?;
    for variant in &cat.variants {
        for muni in charted {
            let items: Vec<NpvItem> = cat
                .rules
                .iter()
                .filter_map(|rule| {
                    let i = (0..rules.height()).find(|&i| {
                        y[i].is_none()
                            && s[i] == stream::NPV_SPENDING
                            && v[i] == variant.id
                            && m[i] == muni.id
                            && r[i] == rule.id
                    })?;
                    Some(NpvItem {
                        name: rule.name_in(code).to_string(),
                        p10: st[i].q.p10(),
                        p50: st[i].q.p50(),
                        p90: st[i].q.p90(),
                    })
                })
                .collect();
            // Only the reference: no rule applies here.
            if items.len() < 2 {
                continue;
            }
            // The reserve of each declared rule, by year (the reference keeps none).
            for rule in cat.rules.iter().skip(1) {
                let bands: Vec<Band> = (0..rules.height())
                    .filter(|&i| {
                        s[i] == stream::RESERVE
                            && v[i] == variant.id
                            && m[i] == muni.id
                            && r[i] == rule.id
                    })
                    .filter_map(|i| Some(st[i].band(y[i]?)))
                    .collect();
                if bands.is_empty() {
                    continue;
                }
                let mut title = format!(
                    "{} «{}» — {}",
                    t(lang, Key::TitleReserve),
                    rule.name_in(code),
                    muni.name_in(code)
                );
                if variant.id != BASELINE {
                    title = format!("{title} · {}", variant.name_in(code));
                }
                out.push((
                    format!("{}/rule-reserve-{}-{}", variant.id, rule.id, muni.id),
                    Chart::Fan(FanChart {
                        title,
                        unit: MoneyUnit::Som(Prices::Nominal),
                        bands,
                    }),
                ));
            }
            let mut title = format!("{} — {}", t(lang, Key::TitleRules), muni.name_in(code));
            if variant.id != BASELINE {
                title = format!("{title} · {}", variant.name_in(code));
            }
            out.push((
                format!("{}/rules-{}", variant.id, muni.id),
                Chart::NpvComparison(NpvComparison {
                    title,
                    prices: Prices::Nominal,
                    what: Key::PresentValue,
                    items,
                }),
            ));
        }
    }
    Ok(())
}

/// The probability of each law being in force, by year, for each variant
/// (`<variant>/regimes`).
fn law_charts(
    regimes: &DataFrame,
    cat: &Catalog,
    lang: Lang,
    out: &mut Vec<(String, Chart)>,
) -> PolarsResult<()> {
    let code = lang.code();
    let (v, r, y) = (
        strs(regimes, col::VARIANT)?,
        strs(regimes, col::REGIME)?,
        years(regimes)?,
    );
    let p = f64s(regimes, col::PROBABILITY)?;
    for variant in &cat.variants {
        let rows: Vec<usize> = (0..regimes.height())
            .filter(|&i| v[i] == variant.id)
            .collect();
        let mut yrs: Vec<i32> = rows.iter().filter_map(|&i| y[i]).collect();
        yrs.sort_unstable();
        yrs.dedup();
        let laws: Vec<(String, Vec<f64>)> = cat
            .regimes
            .iter()
            .map(|law| {
                let by_year = yrs
                    .iter()
                    .map(|yr| {
                        rows.iter()
                            .find(|&&i| r[i] == law.id && y[i] == Some(*yr))
                            .map_or(0.0, |&i| p[i])
                    })
                    .collect();
                (law.name_in(code).to_string(), by_year)
            })
            .collect();
        if yrs.is_empty() || laws.is_empty() {
            continue;
        }
        let mut title = t(lang, Key::TitleLaws).to_string();
        if variant.id != BASELINE {
            title = format!("{title} · {}", variant.name_in(code));
        }
        out.push((
            format!("{}/regimes", variant.id),
            Chart::Laws(LawsChart {
                title,
                years: yrs,
                laws,
            }),
        ));
    }
    Ok(())
}

/// The tornado (NPV) and year-by-year attribution charts of each charted municipality.
fn sensitivity_charts(
    sens: &DataFrame,
    cat: &Catalog,
    lang: Lang,
    charted: &[&super::catalog::Entry],
    out: &mut Vec<(String, Chart)>,
) -> PolarsResult<()> {
    let (m, y, g) = (
        strs(sens, col::MUNICIPALITY)?,
        years(sens)?,
        strs(sens, col::GROUP)?,
    );
    let (share, se) = (f64s(sens, col::SHARE)?, f64s(sens, col::SE)?);
    let code = lang.code();
    for muni in charted {
        let rows: Vec<usize> = (0..sens.height()).filter(|i| m[*i] == muni.id).collect();
        let mut npv: Vec<(String, String, f64, f64)> = rows
            .iter()
            .filter(|i| y[**i].is_none() && share[**i].is_finite())
            .map(|i| {
                (
                    g[*i].clone(),
                    group_label(cat, &g[*i], lang),
                    share[*i],
                    se[*i],
                )
            })
            .collect();
        if npv.is_empty() {
            continue;
        }
        npv.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        let name = muni.name_in(code);
        out.push((
            format!("baseline/drivers-{}", muni.id),
            Chart::Tornado(TornadoChart {
                title: format!("{} — {name}", t(lang, Key::TitleTornado)),
                items: npv
                    .iter()
                    .map(|(_, l, s, e)| (l.clone(), *s, if e.is_finite() { *e } else { 0.0 }))
                    .collect(),
            }),
        ));
        let mut years_all: Vec<i32> = rows.iter().filter_map(|i| y[*i]).collect();
        years_all.sort();
        years_all.dedup();
        let series = npv
            .iter()
            .take(6)
            .map(|(group, label, _, _)| {
                let v = years_all
                    .iter()
                    .map(|yr| {
                        rows.iter()
                            .find(|i| y[**i] == Some(*yr) && g[**i] == *group)
                            .map_or(f64::NAN, |i| share[*i])
                    })
                    .collect();
                (label.clone(), v)
            })
            .collect();
        out.push((
            format!("baseline/drivers-by-year-{}", muni.id),
            Chart::Attribution(AttributionChart {
                title: format!("{} — {name}", t(lang, Key::TitleAttribution)),
                years: years_all,
                series,
            }),
        ));
    }
    Ok(())
}

/// A group of inputs in words: `driver:gold` is "gold", `start:x` is "<project x>: start".
fn group_label(cat: &Catalog, group: &str, lang: Lang) -> String {
    let project = |id: &str| {
        cat.projects
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_string(), |p| p.name_in(lang.code()).to_string())
    };
    match group.split_once(':') {
        Some(("driver", id)) => id.to_string(),
        Some(("start", id)) => format!("{}: {}", project(id), t(lang, Key::GroupStart)),
        Some(("disruptions", id)) => format!("{}: {}", project(id), t(lang, Key::GroupDisruptions)),
        _ => match group {
            "output variability" => t(lang, Key::GroupVariability).to_string(),
            "payments" => t(lang, Key::GroupPayments).to_string(),
            "fund allocation" => t(lang, Key::GroupAllocation).to_string(),
            "own-revenue growth" => t(lang, Key::GroupGrowth).to_string(),
            "law changes" => t(lang, Key::GroupLaw).to_string(),
            other => other.to_string(),
        },
    }
}

/// A stream's label: the instrument's label, the fund's name, or "community: ..." in `lang`.
fn stream_label(cat: &Catalog, stream: &str, lang: Lang) -> String {
    let code = lang.code();
    let find = |list: &[super::catalog::Entry], id: &str| {
        list.iter()
            .find(|e| e.id == id)
            .map(|e| e.name_in(code).to_string())
    };
    if let Some(id) = stream.strip_prefix("community:") {
        return find(&cat.instruments, id).unwrap_or_else(|| id.to_string());
    }
    if let Some(id) = stream.strip_prefix("fund:") {
        let Some(f) = cat.funds.iter().find(|f| f.id == id) else {
            return id.to_string();
        };
        let level = if f.level == "oblast" {
            Key::OblastFund
        } else {
            Key::DistrictFund
        };
        let name = f
            .names
            .get(code)
            .or(f.name.as_ref())
            .cloned()
            .unwrap_or_else(|| t(lang, level).to_string());
        return format!("{name} ({})", cat.place_in(&f.area, code));
    }
    find(&cat.instruments, stream).unwrap_or_else(|| stream.to_string())
}

/// Renders every chart to `dir` as PNG and SVG, in parallel; returns the files written.
///
/// A chart being drawn holds about 25 MB (its twice-size bitmap), so no more charts are drawn
/// at once than the processor has cores: with `--threads 64` on two cores, 64 bitmaps at once
/// took 1 GB and gained nothing.
pub fn render_all(
    charts: &[(String, Chart)],
    meta: &ChartMeta,
    dir: &Path,
) -> Result<Vec<String>, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = rayon::current_num_threads().min(cores).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| format!("cannot start {workers} threads to draw charts: {e}"))?;
    let results: Vec<Result<Vec<String>, String>> = pool.install(|| render_each(charts, meta, dir));
    let mut files = Vec::new();
    for r in results {
        files.extend(r?);
    }
    Ok(files)
}

fn render_each(
    charts: &[(String, Chart)],
    meta: &ChartMeta,
    dir: &Path,
) -> Vec<Result<Vec<String>, String>> {
    use rayon::prelude::*;
    charts
        .par_iter()
        .map(|(name, chart)| {
            let png = render_png(chart, meta).map_err(|e| format!("{name}: {e}"))?;
            let svg = render_svg(chart, meta).map_err(|e| format!("{name}: {e}"))?;
            let base = dir.join(name);
            if let Some(parent) = base.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            let (p, s) = (base.with_extension("png"), base.with_extension("svg"));
            std::fs::write(&p, png).map_err(|e| format!("{}: {e}", p.display()))?;
            std::fs::write(&s, svg).map_err(|e| format!("{}: {e}", s.display()))?;
            Ok(vec![
                format!("charts/{name}.png"),
                format!("charts/{name}.svg"),
            ])
        })
        .collect()
}
