//! What drives the uncertainty: first-order Sobol indices of each municipality's project
//! money (per year and for the NPV) for groups of uncertain inputs, by pick-freeze.
//!
//! For a group `g`, a second simulation keeps `g`'s random streams and redraws every other
//! group's (keyed streams make this a change of seed, path by path). With `Y` the output of
//! the base run and `Y_g` that of the second, the first-order index is estimated as
//! (Janon, Klein, Lagnoux, Nodet and Prieur, "Asymptotic normality and efficiency of two
//! Sobol index estimators", ESAIM: P&S 18, 2014):
//!
//! `S_g = (E[Y Y_g] - m^2) / ((E[Y^2] + E[Y_g^2]) / 2 - m^2)`, `m = (E[Y] + E[Y_g]) / 2`.
//!
//! The sampling error is the standard deviation of the estimate over 8 batches of paths
//! (path number mod 8) divided by sqrt(8). Sums are exact, so results do not depend on threads.

use super::accumulate::Accumulators;
use super::plan::{MuniStream, Plan, Split};
use super::rng::{Group, Seeds};
use super::{simulate_block, Block, Prepared, Settings, SimError, Work, LANES};
use crate::model::{Continuation, DriverKind, Model, Status};
use crate::results::Share;
use crate::stats::Moments;
use rayon::prelude::*;

const BATCHES: usize = 8;
/// Seed offset of the redrawn groups.
const OTHER: u64 = 0x9E37_79B9_7F4A_7C15;

/// The groups of uncertain inputs a model has, with readable names.
pub fn groups(m: &Model) -> Vec<(Group, String)> {
    let mut g = Vec::new();
    for (d, drv) in m.drivers.iter().enumerate() {
        let random = match &drv.kind {
            DriverKind::Fixed { .. } => false,
            DriverKind::Gbm { volatility, .. } | DriverKind::MeanReverting { volatility, .. } => {
                *volatility > 0.0
            }
            DriverKind::Inflation { sd, .. } => *sd > 0.0,
            DriverKind::Bootstrap { .. } => true,
            // Random only after its record, and only where its continuation is.
            DriverKind::History { then, .. } => match then {
                None => false,
                Some(Continuation::Gbm { volatility, .. })
                | Some(Continuation::MeanReverting { volatility, .. }) => *volatility > 0.0,
                Some(Continuation::Bootstrap { .. }) => true,
            },
        } || drv.jump.is_some_and(|j| j.probability > 0.0);
        if random {
            g.push((Group::Driver(d), format!("driver:{}", drv.id)));
        }
    }
    for (j, p) in m.projects.iter().enumerate() {
        let r = &p.risk;
        if p.status == Status::Planned
            && (r.never_start > 0.0 || r.start_delay.is_some_and(|(q, _)| q > 0.0))
        {
            g.push((Group::Start(j), format!("start:{}", p.id)));
        }
        if r.closure > 0.0
            || r.blockade.is_some_and(|b| b.0 > 0.0)
            || r.suspension.is_some_and(|s| s.0 > 0.0)
        {
            g.push((Group::Disruption(j), format!("disruptions:{}", p.id)));
        }
    }
    if m.projects.iter().any(|p| p.variability > 0.0) {
        g.push((Group::Variability, "output variability".into()));
    }
    if m.instruments.iter().any(|i| {
        i.probability < 1.0 || matches!(i.charge.amount(), Some(crate::model::Amount::LogNormal { sigma, .. }) if *sigma > 0.0)
    }) {
        g.push((Group::Payment, "payments".into()));
    }
    if m.funds
        .iter()
        .any(|f| matches!(Split::of(f, m), Split::Drawn { .. }))
    {
        g.push((Group::Allocation, "fund allocation".into()));
    }
    if m.municipalities.iter().any(|x| x.growth_sd > 0.0) {
        g.push((Group::Growth, "own-revenue growth".into()));
    }
    if m.switches_law() {
        g.push((Group::Law, "law changes".into()));
    }
    g
}

/// Exact sums for one (group, municipality, year-or-NPV, batch).
#[derive(Clone, Default)]
struct Sums {
    y: Moments,
    yg: Moments,
    prod: Moments,
}

impl Sums {
    fn merge(&mut self, o: &Sums) {
        self.y.merge(&o.y);
        self.yg.merge(&o.yg);
        self.prod.merge(&o.prod);
    }

    fn index(&self) -> f64 {
        let (y, yg, p) = (self.y.finish(), self.yg.finish(), self.prod.finish());
        if y.n < 2 {
            return f64::NAN;
        }
        let n = y.n as f64;
        let second = |m: crate::stats::MeanSd| m.sd * m.sd * (n - 1.0) / n + m.mean * m.mean;
        let mid = (y.mean + yg.mean) / 2.0;
        let den = (second(y) + second(yg)) / 2.0 - mid * mid;
        if den <= 0.0 {
            return f64::NAN;
        }
        (p.mean - mid * mid) / den
    }
}

/// First-order indices of `project_total` for every municipality of `model`.
pub fn sobol(model: &Model, settings: &Settings) -> Result<Vec<Share>, SimError> {
    let plan = Plan::new(model);
    let p = Prepared {
        name: "sensitivity".into(),
        model,
        plan,
        compare: None,
    };
    let groups = groups(model);
    let t_n = model.years;
    let nm = model.municipalities.len();
    let cells = groups.len() * nm * (t_n + 1) * BATCHES;
    let at = |g: usize, mu: usize, t: usize, batch: usize| {
        ((g * nm + mu) * (t_n + 1) + t) * BATCHES + batch
    };
    let rows: Vec<usize> = (0..nm)
        .map(|mu| {
            let s = p.plan.streams[mu]
                .iter()
                .position(|k| *k == MuniStream::ProjectTotal)
                .expect("listed");
            p.plan.stream_rows[mu] + s
        })
        .collect();
    let n_blocks = settings.paths.div_ceil(LANES as u64) as usize;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| SimError::Threads(settings.threads, e.to_string()))?;
    let new_work = || {
        let mut w = Work::new(model, &p.plan);
        w.keep_all(&p.plan, t_n, LANES);
        w
    };
    let sums: Result<Vec<Sums>, SimError> = pool.install(|| {
        (0..n_blocks)
            .into_par_iter()
            .try_fold(
                || (vec![Sums::default(); cells], new_work(), new_work()),
                |(mut sums, mut wb, mut wg), k| {
                    let first = k as u64 * LANES as u64;
                    let blk = Block {
                        first,
                        lanes: (settings.paths - first).min(LANES as u64) as usize,
                        width: LANES,
                    };
                    let mut scratch = Accumulators::new(&p.plan, None);
                    simulate_block(
                        &p,
                        &Seeds::new(settings.seed),
                        &blk,
                        &mut wb,
                        &mut scratch,
                        None,
                    )?;
                    for (g, (group, _)) in groups.iter().enumerate() {
                        let mut scratch = Accumulators::new(&p.plan, None);
                        let seeds = Seeds::freezing(settings.seed, *group, settings.seed ^ OTHER);
                        simulate_block(&p, &seeds, &blk, &mut wg, &mut scratch, None)?;
                        let (kb, kg) = (
                            wb.kept.as_ref().expect("kept"),
                            wg.kept.as_ref().expect("kept"),
                        );
                        for (mu, &row) in rows.iter().enumerate() {
                            for b in 0..blk.lanes {
                                let batch = (blk.path(b) % BATCHES as u64) as usize;
                                let (mut npv_y, mut npv_g) = (0.0, 0.0);
                                for t in 0..=t_n {
                                    let (y, yg) = if t < t_n {
                                        let (y, yg) =
                                            (kb[row][t * LANES + b], kg[row][t * LANES + b]);
                                        npv_y += y * p.plan.discount[t];
                                        npv_g += yg * p.plan.discount[t];
                                        (y, yg)
                                    } else {
                                        (npv_y, npv_g)
                                    };
                                    let s = &mut sums[at(g, mu, t, batch)];
                                    s.y.add(y);
                                    s.yg.add(yg);
                                    s.prod.add(y * yg);
                                }
                            }
                        }
                    }
                    Ok((sums, wb, wg))
                },
            )
            .map(|r| r.map(|(s, _, _)| s))
            .try_reduce(
                || vec![Sums::default(); cells],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(x, y)| x.merge(y));
                    Ok(a)
                },
            )
    });
    let sums = sums?;
    let mut out = Vec::new();
    for (g, (_, name)) in groups.iter().enumerate() {
        for (mu, muni) in model.municipalities.iter().enumerate() {
            for t in 0..=t_n {
                let mut all = Sums::default();
                let mut per_batch = Vec::with_capacity(BATCHES);
                for batch in 0..BATCHES {
                    let s = &sums[at(g, mu, t, batch)];
                    all.merge(s);
                    per_batch.push(s.index());
                }
                let share = all.index();
                let ok: Vec<f64> = per_batch.into_iter().filter(|x| x.is_finite()).collect();
                let se = if ok.len() > 1 {
                    let mean = ok.iter().sum::<f64>() / ok.len() as f64;
                    let var = ok.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>()
                        / (ok.len() - 1) as f64;
                    (var / ok.len() as f64).sqrt()
                } else {
                    f64::NAN
                };
                out.push(Share {
                    municipality: muni.id.clone(),
                    year: (t < t_n).then(|| model.year(t)),
                    group: name.clone(),
                    share,
                    se,
                });
            }
        }
    }
    Ok(out)
}
