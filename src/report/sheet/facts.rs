//! The numbers a council sheet prints, read from a finished run's tables for the
//! municipalities asked for, each table scanned once.

use crate::model::BASELINE;
use crate::report::catalog::{Catalog, Entry};
use crate::report::figures::{f64s, series, stats, strs, years, Tables};
use crate::report::schema::col;
use crate::results::stream;
use crate::stats::quantile::Named;
use polars::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// One year of the safe-to-budget line: the project money received with 90% and 75%
/// probability, and the median (som).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafeYear {
    pub year: i32,
    pub safe_90: f64,
    pub safe_75: f64,
    pub median: f64,
}

/// A variant against the baseline, for one municipality: the paired difference of the
/// present value of its project money (som), on the same futures.
#[derive(Debug, Clone, PartialEq)]
pub struct Gain {
    pub variant: Entry,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// What the sheet of one municipality says.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub municipality: Entry,
    /// The baseline's safe-to-budget line, by year.
    pub safe: Vec<SafeYear>,
    /// Median of the whole budget (`budget_total`), by year.
    pub budget_median: BTreeMap<i32, f64>,
    /// Probability that the budget falls short of the spending need, by year (empty when the
    /// scenario gives no need).
    pub p_shortfall: Vec<(i32, f64)>,
    /// Present value of the project money: P10, median, P90 (som).
    pub npv: Option<[f64; 3]>,
    pub gains: Vec<Gain>,
}

impl Facts {
    /// The facts of each municipality of `ids` (in catalog order), baseline unless said.
    pub fn gather(tables: &Tables, cat: &Catalog, ids: &[String]) -> PolarsResult<Vec<Facts>> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut out: BTreeMap<&str, Facts> = cat
            .municipalities
            .iter()
            .filter(|m| wanted.contains(m.id.as_str()))
            .map(|m| {
                let facts = Facts {
                    municipality: m.clone(),
                    safe: Vec::new(),
                    budget_median: BTreeMap::new(),
                    p_shortfall: Vec::new(),
                    npv: None,
                    gains: Vec::new(),
                };
                (m.id.as_str(), facts)
            })
            .collect();
        let is_base = |v: &str| v == BASELINE;

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
        for i in 0..b.height() {
            if let (true, Some(f), Some(year)) = (is_base(&v[i]), out.get_mut(m[i].as_str()), y[i])
            {
                f.safe.push(SafeYear {
                    year,
                    safe_90: s90[i],
                    safe_75: s75[i],
                    median: md[i],
                });
            }
        }

        for ((variant, muni, name), rows) in series(&tables.summary, col::MUNICIPALITY)? {
            if let (true, true, Some(f)) = (
                is_base(&variant),
                name == stream::BUDGET_TOTAL,
                out.get_mut(muni.as_str()),
            ) {
                for (year, st) in rows {
                    if let Some(year) = year {
                        f.budget_median.insert(year, st.q.p50());
                    }
                }
            }
        }

        let sf = &tables.shortfall;
        let (v, m, y) = (
            strs(sf, col::VARIANT)?,
            strs(sf, col::MUNICIPALITY)?,
            years(sf)?,
        );
        let (p, need) = (f64s(sf, col::P_SHORTFALL)?, f64s(sf, col::MEAN_NEED)?);
        for i in 0..sf.height() {
            // A year without a spending need has no shortfall to speak of.
            let has_need = need[i].is_finite() && need[i] > 0.0;
            if let (true, true, Some(f), Some(year)) =
                (is_base(&v[i]), has_need, out.get_mut(m[i].as_str()), y[i])
            {
                f.p_shortfall.push((year, p[i]));
            }
        }

        let n = &tables.npv;
        let (v, m, s) = (
            strs(n, col::VARIANT)?,
            strs(n, col::MUNICIPALITY)?,
            strs(n, col::STREAM)?,
        );
        let st = stats(n, "", col::MEAN)?;
        for i in 0..n.height() {
            if let (true, true, Some(f)) = (
                is_base(&v[i]),
                s[i] == stream::PROJECT_TOTAL,
                out.get_mut(m[i].as_str()),
            ) {
                let q = st[i].q;
                f.npv = Some([q.p10(), q.p50(), q.p90()]);
            }
        }

        // The rows of compare.parquet without a year hold the present value of the difference.
        let c = &tables.compare;
        let (v, m, s, y) = (
            strs(c, col::VARIANT)?,
            strs(c, col::MUNICIPALITY)?,
            strs(c, col::STREAM)?,
            years(c)?,
        );
        let st = stats(c, "", col::MEAN)?;
        for i in 0..c.height() {
            let variant = cat.variants.iter().find(|e| e.id == v[i]);
            if let (None, true, Some(f), Some(variant)) = (
                y[i],
                s[i] == stream::PROJECT_TOTAL,
                out.get_mut(m[i].as_str()),
                variant,
            ) {
                let q = st[i].q;
                f.gains.push(Gain {
                    variant: variant.clone(),
                    p10: q.p10(),
                    p50: q.p50(),
                    p90: q.p90(),
                });
            }
        }

        let mut facts: Vec<Facts> = out.into_values().collect();
        for f in &mut facts {
            f.safe.sort_by_key(|s| s.year);
            f.p_shortfall.sort_by_key(|p| p.0);
        }
        let order = |f: &Facts| {
            cat.municipalities
                .iter()
                .position(|m| m.id == f.municipality.id)
        };
        facts.sort_by_key(order);
        Ok(facts)
    }

    /// The first year with a safe-to-budget figure.
    pub fn first(&self) -> Option<&SafeYear> {
        self.safe.first()
    }

    /// The year with the largest probability of a shortfall, if any year has one.
    pub fn worst_shortfall(&self) -> Option<(i32, f64)> {
        self.p_shortfall
            .iter()
            .copied()
            .filter(|(_, p)| *p > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }
}
