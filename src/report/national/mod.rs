//! The national view: every municipality's standing in one table (the overview page, the
//! exports and the terminal summary of a big run read it), and the charts of the republic,
//! the oblasts, the funds and of how the money falls across villages.
//!
//! Everything here is computed from a run's tables and catalog, so `aimak chart` and
//! `aimak export` on a finished run give what the run gave.

pub mod charts;
pub mod page;

use super::catalog::Catalog;
use super::figures::{f64s, stats, strs, years, Tables};
use super::schema::{col, measure, prices};
use crate::lang::Lang;
use crate::model::BASELINE;
use crate::results::stream;
use crate::stats::quantile::Named;
use polars::prelude::*;
use std::collections::HashMap;

/// A variant's paired gain over the baseline for one municipality (project money).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Gain {
    pub variant: String,
    /// The variant's label in the page's language.
    pub label: String,
    /// The present value of the gain, future by future: mean (these add up across
    /// municipalities), P10, median, P90 (som).
    pub npv_mean: f64,
    pub npv_p10: f64,
    pub npv_median: f64,
    pub npv_p90: f64,
    /// The median of the gain summed over the years both simulate (som).
    pub total_median: f64,
    /// The chance that the summed gain is material (more than 5% of the baseline's total).
    pub p_material: f64,
}

/// One municipality in one variant, as the national table shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Standing {
    pub id: String,
    /// Names in the page's language (the scenario's where it gives none).
    pub name: String,
    pub district: String,
    pub oblast: String,
    pub population: f64,
    /// Present value of project money (som): mean, median, and the amount reached in 9 of
    /// 10 futures (P10), the safe one.
    pub npv_mean: f64,
    pub npv_median: f64,
    pub npv_safe: f64,
    pub npv_p90: f64,
    /// The first simulated year and its project money: median and safe at 90% (nominal).
    pub first_year: Option<i32>,
    pub first_median: f64,
    pub first_safe_90: f64,
    /// The year with the highest chance of a budget shortfall, and that chance.
    pub worst_year: Option<i32>,
    pub worst_p_shortfall: f64,
    /// The first year with more than a 20% chance of a shortfall; `has_need` says whether
    /// the scenario gives the municipality a spending need at all.
    pub first_risky_year: Option<i32>,
    pub has_need: bool,
    /// Each other variant's gain over the baseline (only in the baseline's standings).
    pub gains: Vec<Gain>,
}

impl Standing {
    /// The safe present value per inhabitant (som): the P10 of money per inhabitant is the
    /// P10 of money divided by the population, a constant, so this is exact.
    pub fn safe_per_inhabitant(&self) -> f64 {
        per(self.npv_safe, self.population)
    }
    pub fn median_per_inhabitant(&self) -> f64 {
        per(self.npv_median, self.population)
    }
}

fn per(amount: f64, population: f64) -> f64 {
    if population > 0.0 {
        amount / population
    } else {
        f64::NAN
    }
}

/// A year whose chance of a shortfall is above this is one a council should prepare for.
pub const RISKY: f64 = 0.2;

/// Every municipality of the catalog in `variant`, in scenario order.
pub fn standings(
    tables: &Tables,
    cat: &Catalog,
    lang: Lang,
    variant: &str,
) -> PolarsResult<Vec<Standing>> {
    let code = lang.code();
    // Present value of project money.
    let npv: HashMap<String, super::figures::Stat> = {
        let d = &tables.npv;
        let (v, m, s) = (
            strs(d, col::VARIANT)?,
            strs(d, col::MUNICIPALITY)?,
            strs(d, col::STREAM)?,
        );
        let st = stats(d, "", col::MEAN)?;
        (0..d.height())
            .filter(|&i| v[i] == variant && s[i] == stream::PROJECT_TOTAL)
            .map(|i| (m[i].clone(), st[i]))
            .collect()
    };
    // The first year of the budget line, nominal.
    let mut first: HashMap<String, (i32, f64, f64)> = HashMap::new();
    {
        let d = &tables.budget_line;
        let (v, m, y, p) = (
            strs(d, col::VARIANT)?,
            strs(d, col::MUNICIPALITY)?,
            years(d)?,
            strs(d, col::PRICES)?,
        );
        let (md, s90) = (f64s(d, col::MEDIAN)?, f64s(d, col::SAFE_90)?);
        for i in 0..d.height() {
            let (Some(year), true, true) = (y[i], v[i] == variant, p[i] == prices::NOMINAL) else {
                continue;
            };
            let e = first.entry(m[i].clone()).or_insert((year, md[i], s90[i]));
            if year < e.0 {
                *e = (year, md[i], s90[i]);
            }
        }
    }
    // The riskiest year (the earliest of equally risky ones) and the first year above 20%.
    let mut worst: HashMap<String, (i32, f64)> = HashMap::new();
    let mut risky: HashMap<String, i32> = HashMap::new();
    {
        let d = &tables.shortfall;
        let (v, m, y, p) = (
            strs(d, col::VARIANT)?,
            strs(d, col::MUNICIPALITY)?,
            years(d)?,
            f64s(d, col::P_SHORTFALL)?,
        );
        for i in (0..d.height()).filter(|&i| v[i] == variant) {
            let year = y[i].unwrap_or_default();
            let e = worst.entry(m[i].clone()).or_insert((year, p[i]));
            if p[i] > e.1 || (p[i] == e.1 && year < e.0) {
                *e = (year, p[i]);
            }
            if p[i] > RISKY {
                let r = risky.entry(m[i].clone()).or_insert(year);
                *r = (*r).min(year);
            }
        }
    }
    let gains = if variant == BASELINE {
        gains(tables, cat, code)?
    } else {
        HashMap::new()
    };
    Ok(cat
        .municipalities
        .iter()
        .map(|m| {
            let n = npv.get(&m.id);
            let f = first.get(&m.id);
            let w = worst.get(&m.id);
            let place = |p: &Option<String>| {
                p.as_deref()
                    .map_or(String::new(), |p| cat.place_in(p, code).to_string())
            };
            Standing {
                id: m.id.clone(),
                name: m.name_in(code).to_string(),
                district: place(&m.district),
                oblast: place(&m.oblast),
                population: m.population.unwrap_or(f64::NAN),
                npv_mean: n.map_or(f64::NAN, |s| s.mean),
                npv_median: n.map_or(f64::NAN, |s| s.q.p50()),
                npv_safe: n.map_or(f64::NAN, |s| s.q.p10()),
                npv_p90: n.map_or(f64::NAN, |s| s.q.p90()),
                first_year: f.map(|f| f.0),
                first_median: f.map_or(f64::NAN, |f| f.1),
                first_safe_90: f.map_or(f64::NAN, |f| f.2),
                worst_year: w.map(|w| w.0),
                worst_p_shortfall: w.map_or(f64::NAN, |w| w.1),
                first_risky_year: risky.get(&m.id).copied(),
                has_need: w.is_some(),
                gains: gains.get(&m.id).cloned().unwrap_or_default(),
            }
        })
        .collect())
}

/// Each variant's gain of project money over the baseline, by municipality, in the order
/// of the catalog's variants.
fn gains(tables: &Tables, cat: &Catalog, code: &str) -> PolarsResult<HashMap<String, Vec<Gain>>> {
    let d = &tables.compare;
    let (v, m, s, what) = (
        strs(d, col::VARIANT)?,
        strs(d, col::MUNICIPALITY)?,
        strs(d, col::STREAM)?,
        strs(d, col::MEASURE)?,
    );
    let st = stats(d, "", col::MEAN)?;
    let material = f64s(d, col::P_MATERIAL)?;
    // One pass over the table: the row of each (variant, municipality, measure).
    let mut rows: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for i in (0..d.height()).filter(|&i| s[i] == stream::PROJECT_TOTAL) {
        rows.entry((&v[i], &m[i], &what[i])).or_insert(i);
    }
    let mut out: HashMap<String, Vec<Gain>> = HashMap::new();
    for variant in cat.variants.iter().filter(|x| x.id != BASELINE) {
        for muni in &cat.municipalities {
            let row = |kind: &str| {
                rows.get(&(variant.id.as_str(), muni.id.as_str(), kind))
                    .copied()
            };
            let (Some(n), Some(t)) = (row(measure::NPV), row(measure::TOTAL)) else {
                continue;
            };
            out.entry(muni.id.clone()).or_default().push(Gain {
                variant: variant.id.clone(),
                label: variant.name_in(code).to_string(),
                npv_mean: st[n].mean,
                npv_p10: st[n].q.p10(),
                npv_median: st[n].q.p50(),
                npv_p90: st[n].q.p90(),
                total_median: st[t].q.p50(),
                p_material: material[t],
            });
        }
    }
    Ok(out)
}

/// An oblast's totals: sums of the means of its municipalities (means add up; medians and
/// percentiles do not, so none are given).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Subtotal {
    pub oblast: String,
    pub municipalities: usize,
    pub population: f64,
    /// The expected present value of project money (som).
    pub npv_mean: f64,
}

/// Oblast subtotals in the order oblasts first appear, then the national total (its
/// `oblast` empty).
pub fn subtotals(rows: &[Standing]) -> (Vec<Subtotal>, Subtotal) {
    let mut out: Vec<Subtotal> = Vec::new();
    let zero = |oblast: &str| Subtotal {
        oblast: oblast.to_string(),
        municipalities: 0,
        population: 0.0,
        npv_mean: 0.0,
    };
    let mut all = zero("");
    for r in rows {
        let k = match out.iter().position(|s| s.oblast == r.oblast) {
            Some(k) => k,
            None => {
                out.push(zero(&r.oblast));
                out.len() - 1
            }
        };
        for s in [&mut out[k], &mut all] {
            s.municipalities += 1;
            s.population += r.population;
            s.npv_mean += r.npv_mean;
        }
    }
    for s in out.iter_mut() {
        if s.oblast.is_empty() {
            s.oblast = "–".into();
        }
    }
    (out, all)
}

/// The municipalities ordered from the least safe money per inhabitant to the most, ties
/// (many places have nothing safe) by the median per inhabitant, then by id; those without
/// a population last.
pub fn by_safe_per_inhabitant(rows: &[Standing]) -> Vec<&Standing> {
    let mut v: Vec<&Standing> = rows.iter().collect();
    v.sort_by(|a, b| {
        let (x, y) = (a.safe_per_inhabitant(), b.safe_per_inhabitant());
        match (x.is_nan(), y.is_nan()) {
            (false, false) => x.total_cmp(&y),
            (a_nan, b_nan) => a_nan.cmp(&b_nan),
        }
        .then_with(|| {
            a.median_per_inhabitant()
                .total_cmp(&b.median_per_inhabitant())
        })
        .then_with(|| a.id.cmp(&b.id))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, oblast: &str, population: f64, safe: f64, mean: f64) -> Standing {
        Standing {
            id: id.into(),
            name: id.into(),
            district: String::new(),
            oblast: oblast.into(),
            population,
            npv_mean: mean,
            npv_median: mean,
            npv_safe: safe,
            npv_p90: mean,
            first_year: None,
            first_median: f64::NAN,
            first_safe_90: f64::NAN,
            worst_year: None,
            worst_p_shortfall: f64::NAN,
            first_risky_year: None,
            has_need: false,
            gains: vec![],
        }
    }

    #[test]
    fn safe_money_per_inhabitant_ranks_by_hand() {
        // 12 M som safe for 4,000 people is 3,000 som each; 10 M for 2,000 is 5,000.
        let rows = vec![
            row("a", "Chuy", 2_000.0, 10e6, 20e6),
            row("b", "Naryn", 4_000.0, 12e6, 30e6),
            row("c", "Chuy", 0.0, 1e6, 1e6),
            row("d", "Naryn", 1_000.0, 3e6, 5e6),
        ];
        assert_eq!(rows[0].safe_per_inhabitant(), 5_000.0);
        assert_eq!(rows[1].safe_per_inhabitant(), 3_000.0);
        assert!(rows[2].safe_per_inhabitant().is_nan());
        let order: Vec<&str> = by_safe_per_inhabitant(&rows)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        // d and b tie at 3,000 som safe: d's median is 5,000 som each, b's 7,500.
        assert_eq!(order, ["d", "b", "a", "c"]);
    }

    #[test]
    fn subtotals_add_the_means_of_each_oblast() {
        let rows = vec![
            row("a", "Chuy", 2_000.0, 10e6, 20e6),
            row("b", "Naryn", 4_000.0, 12e6, 30e6),
            row("c", "Chuy", 500.0, 1e6, 1e6),
        ];
        let (by_oblast, all) = subtotals(&rows);
        assert_eq!(by_oblast.len(), 2);
        assert_eq!(by_oblast[0].oblast, "Chuy");
        assert_eq!(by_oblast[0].municipalities, 2);
        assert_eq!(by_oblast[0].population, 2_500.0);
        assert_eq!(by_oblast[0].npv_mean, 21e6);
        assert_eq!(by_oblast[1].npv_mean, 30e6);
        assert_eq!((all.municipalities, all.npv_mean), (3, 51e6));
    }
}
