//! What a run produces: the summarised statistics of every variant (docs/model.md section 6).

use super::Accumulators;
use crate::stats::Cell;
use crate::stats::{QuantileMode, Summary};
use rayon::prelude::*;

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
            for c in v.compare.iter().flatten() {
                worst = c
                    .streams
                    .iter()
                    .fold(worst, |w, s| stream(w, &s.years, &s.npv));
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
    /// One summary per calendar year that both the variant and the baseline simulate
    /// ([`super::compare::common_years`]).
    pub years: Vec<Summary>,
    /// Per year: P(variant > baseline).
    pub p_better: Vec<f64>,
    pub npv: Summary,
    pub npv_p_better: f64,
}

#[derive(Debug, Clone)]
pub struct StreamResults {
    pub name: String,
    /// One summary per year.
    pub years: Vec<Summary>,
    /// Summary of the per-path NPV (municipal streams only; NaN elsewhere).
    pub npv: Summary,
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

const NO_NPV: Summary = Summary {
    mean: f64::NAN,
    sd: f64::NAN,
    q: [f64::NAN; 7],
    rank_error: 0.0,
};

pub fn finish(p: &super::Prepared, acc: &mut Accumulators) -> VariantResults {
    let (name, m, plan) = (p.name.as_str(), p.model, &p.plan);
    let t_n = m.years;
    let n = acc.paths.max(1) as f64;
    // Sorting (exact quantiles) or walking histograms is the costly part: in parallel.
    let diff: Vec<Summary> = acc.diff.par_iter_mut().map(Cell::finish).collect();
    let cells: Vec<Summary> = acc.cells.par_iter_mut().map(Cell::finish).collect();
    let compare = p.compare.as_ref().map(|cp| {
        cp.pairs
            .iter()
            .enumerate()
            .map(|(mu, pairs)| CompareMuni {
                id: m.municipalities[mu].id.clone(),
                streams: pairs
                    .iter()
                    .enumerate()
                    .map(|(s, pair)| {
                        let (c0, c_n) = (cp.offsets[mu] + s * (cp.years + 1), cp.years);
                        CompareStream {
                            name: pair.name.clone(),
                            years: (0..c_n).map(|t| diff[c0 + t]).collect(),
                            p_better: (0..c_n).map(|t| acc.better[c0 + t] as f64 / n).collect(),
                            npv: diff[c0 + c_n],
                            npv_p_better: acc.better[c0 + c_n] as f64 / n,
                        }
                    })
                    .collect(),
            })
            .collect()
    });
    let years_of = |base: usize| -> Vec<Summary> { cells[base..base + t_n].to_vec() };
    let mut municipalities = Vec::new();
    let mut npvs = Vec::new();
    for (mu, muni) in m.municipalities.iter().enumerate() {
        let mut streams = Vec::new();
        for (s, kind) in plan.streams[mu].iter().enumerate() {
            streams.push(StreamResults {
                name: kind.name(m),
                years: (0..t_n).map(|t| cells[plan.muni_cell(mu, s, t)]).collect(),
                npv: NO_NPV,
            });
        }
        let shortfall = plan.shortfall_means[mu].map(|off| {
            (0..t_n)
                .map(|t| Shortfall {
                    p: acc.means[off + 3 * t].finish().mean,
                    expected_gap: acc.means[off + 3 * t + 1].finish().mean,
                    mean_need: acc.means[off + 3 * t + 2].finish().mean,
                })
                .collect()
        });
        municipalities.push(MuniResults {
            id: muni.id.clone(),
            streams,
            shortfall,
        });
        npvs.push(plan.npv_cells[mu]);
    }
    for (mr, base) in municipalities.iter_mut().zip(npvs) {
        for (s, sr) in mr.streams.iter_mut().enumerate() {
            sr.npv = cells[base + s];
        }
    }

    let mut levels = Vec::new();
    let mut republic: Vec<StreamResults> = plan
        .republic
        .iter()
        .enumerate()
        .map(|(k, &i)| StreamResults {
            name: m.instruments[i].id.clone(),
            years: years_of(plan.republic_cells + k * t_n),
            npv: NO_NPV,
        })
        .collect();
    republic.push(StreamResults {
        name: "total".into(),
        years: years_of(plan.republic_cells + plan.republic.len() * t_n),
        npv: NO_NPV,
    });
    levels.push(LevelResults {
        level: "republic".into(),
        streams: republic,
    });
    for (o, oblast) in m.oblasts.iter().enumerate() {
        let insts = plan.oblast_instruments(o);
        let base = plan.oblast_cells[o];
        let mut streams: Vec<StreamResults> = insts
            .iter()
            .enumerate()
            .map(|(k, &i)| StreamResults {
                name: m.instruments[i].id.clone(),
                years: years_of(base + k * t_n),
                npv: NO_NPV,
            })
            .collect();
        streams.push(StreamResults {
            name: "total".into(),
            years: years_of(base + insts.len() * t_n),
            npv: NO_NPV,
        });
        levels.push(LevelResults {
            level: format!("oblast:{oblast}"),
            streams,
        });
    }
    for (f, fund) in m.funds.iter().enumerate() {
        let base = plan.fund_cells + f * 3 * t_n;
        let streams = ["inflow", "outflow", "balance"]
            .iter()
            .enumerate()
            .map(|(k, n)| StreamResults {
                name: n.to_string(),
                years: years_of(base + k * t_n),
                npv: NO_NPV,
            })
            .collect();
        levels.push(LevelResults {
            level: format!("fund:{}", fund.id),
            streams,
        });
    }
    let mut projects = Vec::new();
    for (j, p) in m.projects.iter().enumerate() {
        let base = plan.project_cells + j * 2 * t_n;
        projects.push(ProjectResults {
            id: p.id.clone(),
            output: years_of(base),
            revenue: years_of(base + t_n),
            states: (0..t_n)
                .map(|t| {
                    let c = &acc.states[(j * t_n + t) * 4..(j * t_n + t) * 4 + 4];
                    [
                        c[0] as f64 / n,
                        c[1] as f64 / n,
                        c[2] as f64 / n,
                        c[3] as f64 / n,
                    ]
                })
                .collect(),
        });
    }
    let pending = m
        .instruments
        .iter()
        .enumerate()
        .map(|(i, inst)| (inst.id.clone(), cells[plan.pending_cells + i]))
        .collect();
    VariantResults {
        name: name.to_string(),
        municipalities,
        levels,
        projects,
        pending,
        years: (0..t_n).map(|t| m.year(t)).collect(),
        compare,
    }
}
