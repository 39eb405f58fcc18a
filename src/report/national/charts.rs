//! The national charts of each variant: the republic's, the oblasts' and the funds' money
//! over the years, the project money of the municipalities by oblast, the ranking by safe
//! money per inhabitant, how unequally the money falls, and the shortfall risk by oblast.
//!
//! Totals over many places are drawn as means: the mean of a sum is the sum of the means,
//! while a sum's percentiles would need every path. The republic's money is one level of
//! `levels.parquet`, so its fan has the real percentiles.

use super::{by_safe_per_inhabitant, standings, Standing};
use crate::lang::Lang;
use crate::model::BASELINE;
use crate::report::catalog::Catalog;
use crate::report::charts::*;
use crate::report::figures::{f64s, series, strs, years, Tables};
use crate::report::labels::{t, Key};
use crate::report::schema::col;
use crate::results::stream;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Rankings show at most this many municipalities (the least and the most).
pub const RANKED: usize = 20;

/// The national charts of every variant: (path under charts/ without extension, chart).
pub fn figures(tables: &Tables, cat: &Catalog, lang: Lang) -> PolarsResult<Vec<(String, Chart)>> {
    let levels = series(&tables.levels, col::LEVEL)?;
    let summary = series(&tables.summary, col::MUNICIPALITY)?;
    let mut out = Vec::new();
    for v in &cat.variants {
        let named = |key: Key| {
            let title = t(lang, key).to_string();
            if v.id == BASELINE {
                title
            } else {
                format!("{title} · {}", v.name_in(lang.code()))
            }
        };
        let dir = format!("{}/national", v.id);
        let rows = standings(tables, cat, lang, &v.id)?;
        if let Some(r) = levels.get(&(v.id.clone(), "republic".into(), stream::LEVEL_TOTAL.into()))
        {
            out.push((
                format!("{dir}/republic"),
                Chart::Fan(FanChart {
                    title: named(Key::TitleRepublic),
                    unit: MoneyUnit::Som(Prices::Nominal),
                    bands: bands(r),
                }),
            ));
        }
        let oblasts = oblast_names(cat, lang);
        let layers: Vec<(String, Vec<(i32, f64)>)> = oblasts
            .iter()
            .filter_map(|(o, name)| {
                let r = levels.get(&(
                    v.id.clone(),
                    format!("oblast:{o}"),
                    stream::LEVEL_TOTAL.into(),
                ))?;
                Some((name.clone(), means(r)))
            })
            .collect();
        push_composition(
            &mut out,
            format!("{dir}/oblast-level"),
            (named(Key::TitleOblastLevel), Key::Oblasts),
            layers,
        );
        let layers = oblasts
            .iter()
            .map(|(o, name)| {
                let places = cat
                    .municipalities
                    .iter()
                    .filter(|m| m.oblast.as_deref() == Some(o.as_str()));
                let series = places.filter_map(|m| {
                    summary.get(&(v.id.clone(), m.id.clone(), stream::PROJECT_TOTAL.into()))
                });
                (name.clone(), add(series))
            })
            .collect();
        push_composition(
            &mut out,
            format!("{dir}/by-oblast"),
            (named(Key::TitleByOblast), Key::Oblasts),
            layers,
        );
        let layers = [
            ("district", Key::DistrictFunds),
            ("oblast", Key::OblastFunds),
        ]
        .into_iter()
        .map(|(level, key)| {
            let funds = cat.funds.iter().filter(|f| f.level == level);
            let series = funds.filter_map(|f| {
                levels.get(&(
                    v.id.clone(),
                    format!("fund:{}", f.id),
                    stream::FUND_INFLOW.into(),
                ))
            });
            (t(lang, key).to_string(), add(series))
        })
        .collect();
        push_composition(
            &mut out,
            format!("{dir}/fund-inflows"),
            (named(Key::TitleFundInflows), Key::Funds),
            layers,
        );
        rankings(&rows, &dir, &named, lang, &mut out);
        if rows.len() > 1 {
            out.push((
                format!("{dir}/concentration"),
                Chart::Concentration(ConcentrationChart {
                    title: named(Key::TitleConcentration),
                    values: rows
                        .iter()
                        .map(|r| r.npv_mean.max(0.0))
                        .filter(|x| x.is_finite())
                        .collect(),
                }),
            ));
        }
        if let Some(h) = shortfall_by_oblast(
            tables,
            cat,
            &v.id,
            &oblasts,
            named(Key::TitleShortfallByOblast),
        )? {
            out.push((format!("{dir}/shortfall-by-oblast"), Chart::Heatmap(h)));
        }
    }
    Ok(out)
}

/// The oblasts of the catalog's municipalities in scenario order: (scenario name, name in
/// `lang`).
fn oblast_names(cat: &Catalog, lang: Lang) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for m in &cat.municipalities {
        if let Some(o) = &m.oblast {
            if !out.iter().any(|(x, _)| x == o) {
                out.push((o.clone(), cat.place_in(o, lang.code()).to_string()));
            }
        }
    }
    out
}

fn bands(rows: &[(Option<i32>, crate::report::figures::Stat)]) -> Vec<Band> {
    rows.iter()
        .map(|(y, s)| {
            use crate::stats::quantile::Named;
            Band {
                year: y.unwrap_or_default(),
                mean: s.mean,
                p05: s.q.p05(),
                p25: s.q.p25(),
                p50: s.q.p50(),
                p75: s.q.p75(),
                p95: s.q.p95(),
            }
        })
        .collect()
}

fn means(rows: &[(Option<i32>, crate::report::figures::Stat)]) -> Vec<(i32, f64)> {
    rows.iter()
        .map(|(y, s)| (y.unwrap_or_default(), s.mean))
        .collect()
}

/// The year-by-year sum of the means of several series.
fn add<'a>(
    series: impl Iterator<Item = &'a Vec<(Option<i32>, crate::report::figures::Stat)>>,
) -> Vec<(i32, f64)> {
    let mut sum: BTreeMap<i32, f64> = BTreeMap::new();
    for rows in series {
        for (y, m) in means(rows) {
            *sum.entry(y).or_default() += m;
        }
    }
    sum.into_iter().collect()
}

/// A stacked chart of means, one layer per named series; layers that are zero in every
/// year are left out, and the chart too when none is left.
fn push_composition(
    out: &mut Vec<(String, Chart)>,
    name: String,
    (title, heading): (String, Key),
    layers: Vec<(String, Vec<(i32, f64)>)>,
) {
    let mut years: Vec<i32> = layers
        .iter()
        .flat_map(|(_, v)| v.iter().map(|(y, _)| *y))
        .collect();
    years.sort();
    years.dedup();
    let layers: Vec<Layer> = layers
        .into_iter()
        .filter(|(_, v)| v.iter().any(|(_, x)| *x > 0.0))
        .map(|(label, v)| Layer {
            label,
            off_budget: false,
            values: years
                .iter()
                .map(|y| {
                    v.iter()
                        .find(|(yy, _)| yy == y)
                        .map_or(0.0, |(_, x)| x.max(0.0))
                })
                .collect(),
        })
        .collect();
    if layers.is_empty() {
        return;
    }
    out.push((
        name,
        Chart::Composition(CompositionChart {
            title,
            prices: Prices::Nominal,
            heading,
            years,
            layers,
        }),
    ));
}

/// The [`RANKED`] municipalities with the least safe money per inhabitant and the
/// [`RANKED`] with the most; one chart of all of them when there are no more than that.
fn rankings(
    rows: &[Standing],
    dir: &str,
    named: &dyn Fn(Key) -> String,
    lang: Lang,
    out: &mut Vec<(String, Chart)>,
) {
    let ranked: Vec<&Standing> = by_safe_per_inhabitant(rows)
        .into_iter()
        .filter(|r| r.safe_per_inhabitant().is_finite())
        .collect();
    if ranked.is_empty() {
        return;
    }
    let item = |r: &&Standing| (label(r), r.safe_per_inhabitant(), r.median_per_inhabitant());
    let caption = t(lang, Key::SafePerInhabitant).to_string();
    let least: Vec<(String, f64, f64)> = ranked.iter().take(RANKED).map(item).collect();
    out.push((
        format!("{dir}/ranking-least"),
        Chart::Ranking(RankingChart {
            title: named(Key::TitleRankingLeast),
            caption: caption.clone(),
            items: least,
        }),
    ));
    if ranked.len() > RANKED {
        let most: Vec<(String, f64, f64)> = ranked.iter().rev().take(RANKED).map(item).collect();
        out.push((
            format!("{dir}/ranking-most"),
            Chart::Ranking(RankingChart {
                title: named(Key::TitleRankingMost),
                caption,
                items: most,
            }),
        ));
    }
}

/// "Name (district)": names repeat across a country, districts tell them apart.
pub fn label(r: &Standing) -> String {
    if r.district.is_empty() {
        r.name.clone()
    } else {
        format!("{} ({})", r.name, r.district)
    }
}

/// Per oblast and year, the mean chance of a shortfall over its municipalities with a
/// spending need: the share of them expected to fall short.
fn shortfall_by_oblast(
    tables: &Tables,
    cat: &Catalog,
    variant: &str,
    oblasts: &[(String, String)],
    title: String,
) -> PolarsResult<Option<ShortfallHeatmap>> {
    let d = &tables.shortfall;
    let (v, m, y, p) = (
        strs(d, col::VARIANT)?,
        strs(d, col::MUNICIPALITY)?,
        years(d)?,
        f64s(d, col::P_SHORTFALL)?,
    );
    let oblast_of: std::collections::HashMap<&str, &str> = cat
        .municipalities
        .iter()
        .filter_map(|m| Some((m.id.as_str(), m.oblast.as_deref()?)))
        .collect();
    // (oblast, year) -> (sum, count)
    let mut acc: BTreeMap<(&str, i32), (f64, usize)> = BTreeMap::new();
    let mut all_years: Vec<i32> = Vec::new();
    for i in (0..d.height()).filter(|&i| v[i] == variant) {
        let (Some(o), Some(year)) = (oblast_of.get(m[i].as_str()), y[i]) else {
            continue;
        };
        let e = acc.entry((o, year)).or_default();
        e.0 += p[i];
        e.1 += 1;
        all_years.push(year);
    }
    all_years.sort();
    all_years.dedup();
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for (o, name) in oblasts {
        if !all_years
            .iter()
            .any(|yr| acc.contains_key(&(o.as_str(), *yr)))
        {
            continue;
        }
        rows.push(name.clone());
        values.push(
            all_years
                .iter()
                .map(|yr| {
                    acc.get(&(o.as_str(), *yr))
                        .map_or(0.0, |(s, n)| s / *n as f64)
                })
                .collect(),
        );
    }
    Ok((!rows.is_empty()).then_some(ShortfallHeatmap {
        title,
        rows,
        years: all_years,
        values,
    }))
}
