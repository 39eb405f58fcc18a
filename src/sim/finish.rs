//! Turning a variant's accumulators into its [`VariantResults`].

use super::Accumulators;
use crate::results::{
    CompareMuni, CompareStream, LawResults, LevelResults, MuniResults, ProjectResults, RuleResults,
    RuleYear, Shortfall, StreamResults, VariantResults, Whole,
};
use crate::stats::{Cell, Summary};
use rayon::prelude::*;

/// A placeholder: no NPV (level streams), or a cell not yet summarised.
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
    // A stream that is a multiple of another cell was not counted: its statistics are that
    // cell's, scaled (`Plan::scaled`).
    let mut scaled = vec![None; acc.cells.len()];
    for (mu, streams) in plan.scaled.iter().enumerate() {
        for s in (0..streams.len()).filter(|&s| streams[s].is_some()) {
            for t in 0..t_n {
                scaled[plan.muni_cell(mu, s, t)] = plan.scaled_cell(mu, s, t);
            }
        }
    }
    let mut cells: Vec<Summary> = acc
        .cells
        .par_iter_mut()
        .zip(&scaled)
        .map(|(cell, scaled)| match scaled {
            Some(_) => NO_NPV,
            None => cell.finish(),
        })
        .collect();
    for (c, scaled) in scaled.iter().enumerate() {
        if let Some((from, share)) = *scaled {
            cells[c] = cells[from].scaled(share);
        }
    }
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
                        let (c0, c_n) = (cp.first_cell(mu, s), cp.years);
                        let share = |counts: &[u64], c: usize| counts[c] as f64 / n;
                        let whole = |c: usize| Whole {
                            summary: diff[c],
                            p_better: share(&acc.better, c),
                            p_material: share(&acc.material, c),
                        };
                        CompareStream {
                            name: pair.name.clone(),
                            years: (0..c_n).map(|t| whole(c0 + t)).collect(),
                            npv: whole(c0 + c_n),
                            total: whole(c0 + c_n + 1),
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
        name: crate::results::stream::LEVEL_TOTAL.into(),
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
            name: crate::results::stream::LEVEL_TOTAL.into(),
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
    let rules = rule_results(p, acc, &cells);
    // Shares of the paths counted (the first pass counts every path once).
    let n_laws = plan.n_laws;
    let laws = m
        .regimes
        .iter()
        .enumerate()
        .map(|(k, r)| LawResults {
            name: r.name.clone(),
            label: r.label.clone(),
            in_force: (0..t_n)
                .map(|t| {
                    let year = &acc.laws[t * n_laws..(t + 1) * n_laws];
                    year[k] as f64 / year.iter().sum::<u64>().max(1) as f64
                })
                .collect(),
        })
        .collect();
    VariantResults {
        rules,
        laws,
        name: name.to_string(),
        municipalities,
        levels,
        projects,
        pending,
        years: (0..t_n).map(|t| m.year(t)).collect(),
        compare,
    }
}

/// The budget rules' results, rule by rule, each at the municipalities it applies to (in
/// municipality order). The reference `as_received` reads `project_total`, `budget_total`,
/// their NPV and the shortfall of the municipality's own cells (the same bits: `S = P`,
/// `F = 0`, never a crunch); only its volatility has a cell of its own (`Plan::rule_slot`).
fn rule_results(p: &super::Prepared, acc: &Accumulators, cells: &[Summary]) -> Vec<RuleResults> {
    use super::plan::MuniStream;
    use super::rules::YEAR_STREAMS;
    const ZERO: Summary = Summary {
        mean: 0.0,
        sd: 0.0,
        q: [0.0; 7],
        rank_error: 0.0,
    };
    let (m, plan) = (p.model, &p.plan);
    let t_n = m.years;
    let mean = |i: usize| acc.means[i].finish().mean;
    let mut out = Vec::new();
    for (ri, rule) in plan.rules.iter().enumerate() {
        for (mu, which) in plan.rule_munis.iter().enumerate() {
            let Some(k) = which.iter().position(|x| *x == ri) else {
                continue;
            };
            let (c0, m0) = plan.rule_slot(mu, k);
            let (municipality, n_y) = (m.municipalities[mu].id.clone(), YEAR_STREAMS.len());
            if k == 0 {
                let stream = |kind| {
                    plan.streams[mu]
                        .iter()
                        .position(|s| *s == kind)
                        .expect("every municipality lists its totals")
                };
                let (pt, bt) = (
                    stream(MuniStream::ProjectTotal),
                    stream(MuniStream::BudgetTotal),
                );
                let short = plan.shortfall_means[mu];
                out.push(RuleResults {
                    rule: rule.id.clone(),
                    municipality,
                    years: (0..t_n)
                        .map(|t| RuleYear {
                            streams: [
                                cells[plan.muni_cell(mu, pt, t)],
                                ZERO,
                                cells[plan.muni_cell(mu, bt, t)],
                            ],
                            p_crunch: 0.0,
                            p_shortfall: short.map(|off| mean(off + 3 * t)),
                        })
                        .collect(),
                    whole: [cells[plan.npv_cells[mu] + pt], ZERO, cells[c0]],
                    p_any_crunch: 0.0,
                });
                continue;
            }
            let has_need = plan.need[mu].is_some();
            let whole = c0 + n_y * t_n;
            out.push(RuleResults {
                rule: rule.id.clone(),
                municipality,
                years: (0..t_n)
                    .map(|t| RuleYear {
                        streams: std::array::from_fn(|j| cells[c0 + n_y * t + j]),
                        p_crunch: mean(m0 + 2 * t),
                        p_shortfall: has_need.then(|| mean(m0 + 2 * t + 1)),
                    })
                    .collect(),
                whole: std::array::from_fn(|j| cells[whole + j]),
                p_any_crunch: mean(m0 + 2 * t_n),
            });
        }
    }
    out
}
