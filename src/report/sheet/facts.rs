//! The numbers a council sheet prints, read from a finished run's tables for the
//! municipalities asked for, each table scanned once.

use crate::model::BASELINE;
use crate::report::catalog::{Catalog, Entry};
use crate::report::charts::Prices;
use crate::report::figures::{f64s, series, stats, strs, years, Stat, Tables};
use crate::report::schema::{col, measure, prices};
use crate::results::stream;
use crate::stats::quantile::Named;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One year of the safe-to-budget line: the project money received with 90% and 75%
/// probability, and the median (som).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafeYear {
    pub year: i32,
    pub safe_90: f64,
    pub safe_75: f64,
    pub median: f64,
}

/// The 10th, 50th and 90th percentiles of an amount (som).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

impl Span {
    fn of(st: &Stat) -> Span {
        Span {
            p10: st.q.p10(),
            p50: st.q.p50(),
            p90: st.q.p90(),
        }
    }
}

/// A variant against the baseline, for one municipality: the paired difference of its project
/// money (som), future by future: the total over the years both simulate (in the sheet's
/// prices), the present value, and the chance that the total gain is material (more than 5%
/// of the baseline's total in the same future).
#[derive(Debug, Clone, PartialEq)]
pub struct Gain {
    pub variant: Entry,
    pub total: Span,
    pub p_material: f64,
    pub npv: Option<Span>,
    /// The first and last year of the total.
    pub years: (i32, i32),
}

/// Why the riskiest year is risky, where the tables show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Project money stops (these projects close that year, if any is known) while the grant
    /// is still cut for last year's project money, and recovers the year after.
    Clawback { closing: Vec<Closing> },
    /// Project money falls sharply as these projects close.
    Closure { closing: Vec<Closing> },
}

/// A project of the municipality that closes in a year, and whether it does in every future
/// (its life ends) or in most.
#[derive(Debug, Clone, PartialEq)]
pub struct Closing {
    pub project: Entry,
    pub always: bool,
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
    /// Why the year of [`Facts::worst_shortfall`] is the riskiest, where the tables show it.
    pub reason: Option<Reason>,
    /// With `[[regime]]`: the last year and the probability that the law as written still
    /// holds then (the baseline's).
    pub laws: Option<(i32, f64)>,
    /// Mean of the grant and of project money, by year (for the reason).
    grant: BTreeMap<i32, f64>,
    project: BTreeMap<i32, f64>,
}

/// The baseline's last year in `regimes.parquet` and the probability that the law as written
/// (`current`) is still in force then; `None` without regimes.
fn law_as_written(tables: &Tables) -> PolarsResult<Option<(i32, f64)>> {
    let Some(r) = &tables.regimes else {
        return Ok(None);
    };
    let (v, g, y) = (strs(r, col::VARIANT)?, strs(r, col::REGIME)?, years(r)?);
    let p = f64s(r, col::PROBABILITY)?;
    Ok((0..r.height())
        .filter(|&i| v[i] == BASELINE && g[i] == crate::model::CURRENT)
        .filter_map(|i| Some((y[i]?, p[i])))
        .max_by_key(|(year, _)| *year))
}

impl Facts {
    /// The facts of each municipality of `ids` (in catalog order), baseline unless said.
    pub fn gather(
        tables: &Tables,
        cat: &Catalog,
        ids: &[String],
        prices: Prices,
    ) -> PolarsResult<Vec<Facts>> {
        let basis = match prices {
            Prices::Nominal => prices::NOMINAL,
            Prices::StartYear(_) => prices::START_YEAR,
        };
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let laws = law_as_written(tables)?;
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
                    reason: None,
                    laws,
                    grant: BTreeMap::new(),
                    project: BTreeMap::new(),
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
        let line_prices = strs(b, col::PRICES)?;
        for i in (0..b.height()).filter(|i| line_prices[*i] == basis) {
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
            let (true, Some(f)) = (is_base(&variant), out.get_mut(muni.as_str())) else {
                continue;
            };
            let into = match name.as_str() {
                stream::BUDGET_TOTAL => &mut f.budget_median,
                stream::GRANT => &mut f.grant,
                stream::PROJECT_TOTAL => &mut f.project,
                _ => continue,
            };
            let median = name == stream::BUDGET_TOTAL;
            for (year, st) in rows {
                if let Some(year) = year {
                    into.insert(year, if median { st.q.p50() } else { st.mean });
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

        // The paired gains of project money: totals in the sheet's prices, present values
        // nominal.
        let c = &tables.compare;
        let (v, m, s, what) = (
            strs(c, col::VARIANT)?,
            strs(c, col::MUNICIPALITY)?,
            strs(c, col::STREAM)?,
            strs(c, col::MEASURE)?,
        );
        let (st, material) = (stats(c, "", col::MEAN)?, f64s(c, col::P_MATERIAL)?);
        let total_stream = match prices {
            Prices::Nominal => stream::PROJECT_TOTAL,
            Prices::StartYear(_) => stream::REAL_PROJECT_TOTAL,
        };
        // The years both the baseline and the variant simulate.
        let base_years = series_years(tables, BASELINE);
        let horizon = |variant: &str| {
            let years: Vec<i32> = series_years(tables, variant);
            let both: Vec<&i32> = years.iter().filter(|y| base_years.contains(y)).collect();
            (
                both.first().copied().copied(),
                both.last().copied().copied(),
            )
        };
        for i in 0..c.height() {
            let (Some(f), Some(variant)) = (
                out.get_mut(m[i].as_str()),
                cat.variants.iter().find(|e| e.id == v[i]),
            ) else {
                continue;
            };
            let gain = match f.gains.iter().position(|g| g.variant.id == v[i]) {
                Some(k) => &mut f.gains[k],
                None => {
                    let (Some(a), Some(b)) = horizon(&v[i]) else {
                        continue;
                    };
                    f.gains.push(Gain {
                        variant: variant.clone(),
                        total: Span::of(&st[i]),
                        p_material: f64::NAN,
                        npv: None,
                        years: (a, b),
                    });
                    f.gains.last_mut().expect("just pushed")
                }
            };
            match (what[i].as_str(), s[i].as_str()) {
                (measure::TOTAL, name) if name == total_stream => {
                    gain.total = Span::of(&st[i]);
                    gain.p_material = material[i];
                }
                (measure::NPV, stream::PROJECT_TOTAL) => gain.npv = Some(Span::of(&st[i])),
                _ => {}
            }
        }
        for f in out.values_mut() {
            f.gains.retain(|g| g.p_material.is_finite());
        }

        // Projects that close, by year, with the probability of being closed.
        let p = &tables.projects;
        let (v, id, y) = (strs(p, col::VARIANT)?, strs(p, col::PROJECT)?, years(p)?);
        let closed = f64s(p, col::P_STATES[3])?;
        let mut p_closed: HashMap<(String, i32), f64> = HashMap::new();
        for i in (0..p.height()).filter(|i| is_base(&v[*i])) {
            if let Some(year) = y[i] {
                p_closed.insert((id[i].clone(), year), closed[i]);
            }
        }
        for f in out.values_mut() {
            f.reason = f.reason_of(cat, &p_closed);
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

    /// Why the riskiest year is risky: project money falls to less than half of the year
    /// before, as the municipality's projects close (those whose chance of being closed rises
    /// by half or more that year); if the grant then rises by a fifth or more the year after,
    /// the cause is the clawback, which cuts this year's grant for last year's project money
    /// (docs/model.md section 3).
    fn reason_of(&self, cat: &Catalog, p_closed: &HashMap<(String, i32), f64>) -> Option<Reason> {
        let (year, _) = self.worst_shortfall()?;
        let (before, now) = (self.project.get(&(year - 1))?, self.project.get(&year)?);
        if now.partial_cmp(&(0.5 * before)) != Some(std::cmp::Ordering::Less) {
            return None;
        }
        let closing = cat
            .projects
            .iter()
            .filter(|p| p.hosts.contains(&self.municipality.id))
            .filter_map(|p| {
                let at = |y: i32| p_closed.get(&(p.id.clone(), y)).copied().unwrap_or(0.0);
                let jump = at(year) - at(year - 1);
                (jump >= 0.5).then(|| Closing {
                    project: p.clone(),
                    always: at(year) >= 0.999,
                })
            })
            .collect();
        let clawed = self.municipality.grant_offset.unwrap_or(0.0) > 0.0;
        let recovers = match (self.grant.get(&year), self.grant.get(&(year + 1))) {
            (Some(g), Some(next)) => *next > 1.2 * g,
            _ => false,
        };
        Some(if clawed && recovers {
            Reason::Clawback { closing }
        } else {
            Reason::Closure { closing }
        })
    }

    /// Facts of a municipality with only these shortfall probabilities, for tests.
    #[cfg(test)]
    pub fn for_test(p_shortfall: Vec<(i32, f64)>) -> Facts {
        Facts {
            municipality: Entry {
                id: "x".into(),
                name: "X".into(),
                names: BTreeMap::new(),
                population: None,
                district: None,
                oblast: None,
                reference: None,
                grant_offset: Some(0.5),
                hosts: vec![],
                unit: None,
            },
            safe: Vec::new(),
            budget_median: BTreeMap::new(),
            p_shortfall,
            npv: None,
            gains: Vec::new(),
            reason: None,
            laws: None,
            grant: BTreeMap::new(),
            project: BTreeMap::new(),
        }
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

/// The years of `variant` in the budget line, in order.
fn series_years(tables: &Tables, variant: &str) -> Vec<i32> {
    let b = &tables.budget_line;
    let (Ok(v), Ok(y)) = (strs(b, col::VARIANT), years(b)) else {
        return Vec::new();
    };
    let mut out: Vec<i32> = (0..b.height())
        .filter(|i| v[*i] == variant)
        .filter_map(|i| y[i])
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(hosts: &[&str]) -> Catalog {
        Catalog {
            projects: vec![Entry {
                id: "mine".into(),
                name: "Mine".into(),
                names: BTreeMap::new(),
                population: None,
                district: None,
                oblast: None,
                reference: None,
                grant_offset: None,
                hosts: hosts.iter().map(|h| h.to_string()).collect(),
                unit: None,
            }],
            ..Catalog::default()
        }
    }

    #[test]
    fn a_cliff_in_project_money_with_a_grant_that_recovers_next_year_is_the_clawback() {
        // Project money 250 -> 18 M in 2041 (less than half); the grant 23 -> 36 M in 2042 (up
        // by more than a fifth); the mine is closed in every future from 2041.
        let mut f = Facts::for_test(vec![(2040, 0.0), (2041, 0.13), (2042, 0.02)]);
        f.project = [(2040, 250e6), (2041, 18e6), (2042, 4e6)].into();
        f.grant = [(2040, 22e6), (2041, 23e6), (2042, 36e6)].into();
        let closed: HashMap<(String, i32), f64> = [
            (("mine".to_string(), 2040), 0.0),
            (("mine".to_string(), 2041), 1.0),
        ]
        .into();
        let r = f.reason_of(&catalog(&["x"]), &closed).unwrap();
        let Reason::Clawback { closing } = r else {
            panic!("{r:?}")
        };
        assert_eq!(closing.len(), 1);
        assert!(closing[0].always);
        // Without a clawback (theta = 0) the same cliff is the closure alone; a mine the
        // municipality does not host is not named.
        f.municipality.grant_offset = Some(0.0);
        assert_eq!(
            f.reason_of(&catalog(&["y"]), &closed),
            Some(Reason::Closure { closing: vec![] })
        );
        // Project money that falls by less than half gives no reason.
        f.project.insert(2041, 130e6);
        assert_eq!(f.reason_of(&catalog(&["x"]), &closed), None);
    }
}
