//! The Monte Carlo engine (docs/model.md sections 2-5 and 7).
//!
//! Paths are simulated in blocks of [`LANES`] paths; each block fills a workspace laid out as
//! (entity, year, lane) and adds its values to the statistics while they are in cache. A fixed
//! number of rayon workers take blocks from a shared counter; each keeps its own accumulators,
//! merged exactly at the end, so results do not depend on the number of threads. Every
//! variant of a scenario is simulated on the same block with the same keyed random streams.

mod budgets;
pub mod compare;
mod drivers;
mod fiscal;
mod funds;
pub mod plan;
pub mod projects;
pub mod results;
pub mod rng;

use crate::model::{Model, Scenario};
use crate::stats::{Cell, Moments, QuantileMode, PILOT_PATHS};
use ndarray::{Array2, Array3};
use plan::Plan;
use projects::ProjectPaths;
pub use results::{Results, VariantResults};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Paths per block.
pub const LANES: usize = 64;

/// Beyond this many values (cells x paths) quantiles are sketched instead of exact.
pub const EXACT_LIMIT: u64 = 1 << 25;

#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: u64,
    pub seed: u64,
    pub threads: usize,
    /// Force a quantile method (tests); by default exact when it fits in memory.
    pub quantiles: Option<QuantileMode>,
}

/// Every municipal value of one block of paths of one variant, for `--keep-paths`.
#[derive(Debug, Clone)]
pub struct KeptBlock {
    pub block: usize,
    /// Index of the variant in the run's order.
    pub variant: usize,
    pub first: u64,
    pub lanes: usize,
    pub width: usize,
    /// Rows as `Plan::stream_rows`, each `[t * width + lane]`.
    pub values: Vec<Vec<f64>>,
}

/// Receives kept blocks; called from worker threads.
pub type Keep<'a> = &'a (dyn Fn(KeptBlock) + Sync);

/// A block of consecutive paths.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub first: u64,
    /// Lanes in use (the last block may be partial).
    pub lanes: usize,
    /// Allocated lanes (the stride of workspace arrays).
    pub width: usize,
}

impl Block {
    #[inline]
    pub fn path(&self, b: usize) -> u64 {
        self.first + b as u64
    }
}

/// Per-block scratch space of one variant, allocated once per worker.
pub struct Work {
    pub x: Array3<f64>,
    pub z: Array3<f64>,
    pub cpi: Vec<f64>,
    pub fx: Vec<f64>,
    pub pp: ProjectPaths,
    pub routed: Array3<f64>,
    pub counted: Array3<f64>,
    pub fund_in: Array3<f64>,
    pub fund_out: Array3<f64>,
    pub fund_bal: Array3<f64>,
    /// Fund payouts per (fund member row, year, lane); rows of fund `f` start at `pay_offset[f]`.
    pub pay: Array3<f64>,
    pub pay_offset: Vec<usize>,
    pub republic: Array3<f64>,
    pub oblast: Array3<f64>,
    pub pending: Array2<f64>,
    /// Per lane: all amounts due, and what was accounted for (for the conservation check).
    pub due: Vec<f64>,
    pub received: Vec<f64>,
    pub muni_vals: Vec<Vec<f64>>,
    /// When per-path values are wanted (traces, kept paths): every municipal stream's values,
    /// rows as `Plan::stream_rows`, each `[t * width + lane]`.
    pub kept: Option<Vec<Vec<f64>>>,
}

impl Work {
    pub fn new(m: &Model, plan: &Plan) -> Work {
        let (t, l) = (m.years, LANES);
        let mut pay_offset = Vec::with_capacity(m.funds.len());
        let mut rows = 0;
        for f in &m.funds {
            pay_offset.push(rows);
            rows += f.members.len();
        }
        let max_streams = plan.streams.iter().map(Vec::len).max().unwrap_or(0);
        Work {
            x: Array3::zeros((m.drivers.len(), t, l)),
            z: Array3::zeros((m.drivers.len(), t, l)),
            cpi: vec![1.0; t * l],
            fx: vec![1.0; t * l],
            pp: ProjectPaths::new(m.projects.len(), t, l),
            routed: Array3::zeros((plan.routed.len(), t, l)),
            counted: Array3::zeros((m.municipalities.len(), t, l)),
            fund_in: Array3::zeros((m.funds.len(), t, l)),
            fund_out: Array3::zeros((m.funds.len(), t, l)),
            fund_bal: Array3::zeros((m.funds.len(), t, l)),
            pay: Array3::zeros((rows, t, l)),
            pay_offset,
            republic: Array3::zeros((plan.republic.len(), t, l)),
            oblast: Array3::zeros((plan.oblast_streams.len(), t, l)),
            pending: Array2::zeros((m.instruments.len(), l)),
            due: vec![0.0; l],
            received: vec![0.0; l],
            muni_vals: vec![vec![0.0; t * l]; max_streams],
            kept: None,
        }
    }

    fn clear(&mut self) {
        for a in [
            &mut self.routed,
            &mut self.counted,
            &mut self.fund_in,
            &mut self.fund_out,
            &mut self.fund_bal,
            &mut self.pay,
            &mut self.republic,
            &mut self.oblast,
        ] {
            a.fill(0.0);
        }
        self.pending.fill(0.0);
        self.due.fill(0.0);
        self.received.fill(0.0);
    }
}

/// Every value of one path, for tests and for looking at a single path by hand.
#[derive(Debug, Clone)]
pub struct Trace {
    /// `[driver][t]`
    pub drivers: Vec<Vec<f64>>,
    /// `[project][t]`: state (see [`projects`]), output, revenue, payroll.
    pub state: Vec<Vec<u8>>,
    pub output: Vec<Vec<f64>>,
    pub revenue: Vec<Vec<f64>>,
    pub payroll: Vec<Vec<f64>>,
    /// Per municipality: (stream name, values by year).
    pub streams: Vec<Vec<(String, Vec<f64>)>>,
    /// Per fund: inflow, outflow and balance by year.
    pub funds: Vec<[Vec<f64>; 3]>,
    /// Republic: (instrument id, values by year).
    pub republic: Vec<(String, Vec<f64>)>,
    /// Oblast budgets: (oblast, instrument id, values by year).
    pub oblasts: Vec<(String, String, Vec<f64>)>,
    /// Per instrument: due inside the horizon, paid after it.
    pub pending: Vec<f64>,
    /// Everything due, after the payment draws.
    pub due: f64,
}

impl Trace {
    pub fn stream(&self, muni: usize, name: &str) -> &[f64] {
        &self.streams[muni]
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("municipality {muni} lists no stream {name}"))
            .1
    }
}

/// Simulates path `path` of `model` alone and returns all its values.
pub fn trace(model: &Model, seed: u64, path: u64) -> Result<Trace, SimError> {
    let p = Prepared {
        name: "trace".into(),
        model,
        plan: Plan::new(model),
        compare: None,
    };
    let mut w = Work::new(model, &p.plan);
    let width = LANES;
    w.kept = Some(vec![vec![0.0; model.years * width]; p.plan.n_rows]);
    let mut acc = Accumulators::new(&p.plan, None, None);
    let blk = Block {
        first: path,
        lanes: 1,
        width,
    };
    simulate_block(&p, seed, &blk, &mut w, &mut acc)?;
    let t_n = model.years;
    let col = |a: &Array3<f64>, e: usize| (0..t_n).map(|t| a[[e, t, 0]]).collect::<Vec<f64>>();
    let kept = w.kept.as_ref().expect("kept");
    Ok(Trace {
        drivers: (0..model.drivers.len()).map(|d| col(&w.x, d)).collect(),
        state: (0..model.projects.len())
            .map(|j| (0..t_n).map(|t| w.pp.state[[j, t, 0]]).collect())
            .collect(),
        output: (0..model.projects.len())
            .map(|j| col(&w.pp.output, j))
            .collect(),
        revenue: (0..model.projects.len())
            .map(|j| col(&w.pp.revenue, j))
            .collect(),
        payroll: (0..model.projects.len())
            .map(|j| col(&w.pp.payroll, j))
            .collect(),
        streams: p
            .plan
            .streams
            .iter()
            .enumerate()
            .map(|(mu, ss)| {
                ss.iter()
                    .enumerate()
                    .map(|(s, kind)| {
                        let row = &kept[p.plan.stream_rows[mu] + s];
                        (kind.name(model), (0..t_n).map(|t| row[t * width]).collect())
                    })
                    .collect()
            })
            .collect(),
        funds: (0..model.funds.len())
            .map(|f| [col(&w.fund_in, f), col(&w.fund_out, f), col(&w.fund_bal, f)])
            .collect(),
        republic: p
            .plan
            .republic
            .iter()
            .enumerate()
            .map(|(k, &i)| (model.instruments[i].id.clone(), col(&w.republic, k)))
            .collect(),
        oblasts: p
            .plan
            .oblast_streams
            .iter()
            .enumerate()
            .map(|(k, &(o, i))| {
                (
                    model.oblasts[o].clone(),
                    model.instruments[i].id.clone(),
                    col(&w.oblast, k),
                )
            })
            .collect(),
        pending: (0..model.instruments.len())
            .map(|i| w.pending[[i, 0]])
            .collect(),
        due: w.due[0],
    })
}

/// Histogram edges of every cell of one variant, calibrated on the pilot paths.
pub struct Edges {
    pub cells: Vec<Arc<[f64]>>,
    pub diff: Vec<Arc<[f64]>>,
}

/// The statistics of one variant, as one worker accumulates them.
#[derive(Clone)]
pub struct Accumulators {
    pub cells: Vec<Cell>,
    pub means: Vec<Moments>,
    /// Per project, year and state: number of paths.
    pub states: Vec<u64>,
    /// Paired differences with the baseline (empty for the baseline), cells as `ComparePlan`,
    /// and per cell the number of paths where the variant gives more.
    pub diff: Vec<Cell>,
    pub better: Vec<u64>,
    pub paths: u64,
}

impl Accumulators {
    /// Empty accumulators; `edges` calibrates the quantile histograms (cells, then diff
    /// cells), or without it every value is kept for exact quantiles.
    pub fn new(
        plan: &Plan,
        compare: Option<&compare::ComparePlan>,
        edges: Option<&Edges>,
    ) -> Accumulators {
        let n_diff = compare.map_or(0, |c| c.n_cells);
        let make = |n: usize, e: Option<&Vec<Arc<[f64]>>>| -> Vec<Cell> {
            match e {
                None => vec![Cell::exact(); n],
                Some(e) => e.iter().map(|x| Cell::calibrated(x.clone())).collect(),
            }
        };
        Accumulators {
            cells: make(plan.n_cells, edges.map(|e| &e.cells)),
            means: vec![Moments::default(); plan.n_means],
            states: vec![0; plan.n_states],
            diff: make(n_diff, edges.map(|e| &e.diff)),
            better: vec![0; n_diff],
            paths: 0,
        }
    }

    /// Edges calibrated on these exact accumulators (the pilot).
    fn edges(&self) -> Edges {
        Edges {
            cells: self.cells.iter().map(Cell::pilot_edges).collect(),
            diff: self.diff.iter().map(Cell::pilot_edges).collect(),
        }
    }

    /// These exact accumulators with their cells turned into calibrated ones.
    fn into_calibrated(self, e: &Edges) -> Accumulators {
        let conv = |cells: Vec<Cell>, edges: &[Arc<[f64]>]| -> Vec<Cell> {
            cells
                .into_iter()
                .zip(edges)
                .map(|(c, e)| c.into_calibrated(e.clone()))
                .collect()
        };
        Accumulators {
            cells: conv(self.cells, &e.cells),
            diff: conv(self.diff, &e.diff),
            ..self
        }
    }

    pub fn merge(&mut self, o: &Accumulators) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            a.merge(b);
        }
        for (a, b) in self.means.iter_mut().zip(&o.means) {
            a.merge(b);
        }
        for (a, b) in self.states.iter_mut().zip(&o.states) {
            *a += b;
        }
        for (a, b) in self.diff.iter_mut().zip(&o.diff) {
            a.merge(b);
        }
        for (a, b) in self.better.iter_mut().zip(&o.better) {
            *a += b;
        }
        self.paths += o.paths;
    }
}

/// A run-time failure of the engine.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("money is not conserved in variant `{variant}`, path {path}: {due} due but {accounted} accounted for (difference {diff}); this is a defect of aimak, please report it with the scenario")]
    Conservation {
        variant: String,
        path: u64,
        due: f64,
        accounted: f64,
        diff: f64,
    },
    #[error("a value in variant `{variant}` is not finite or exceeds 1e30; the scenario produces numbers too large to summarise (check drifts, volatilities and horizons)")]
    Overflow { variant: String },
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// One variant prepared for simulation.
pub struct Prepared<'m> {
    pub name: String,
    pub model: &'m Model,
    pub plan: Plan,
    /// How it pairs with the baseline (`None` for the baseline itself).
    pub compare: Option<compare::ComparePlan>,
}

/// Simulates `variants` of a scenario (baseline first) and summarises them. `progress` is
/// called with the number of blocks finished so far, from worker threads.
pub fn run(
    scenario: &Scenario,
    variants: &[&str],
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
    keep: Option<Keep>,
) -> Result<Results, SimError> {
    let mut prepared: Vec<Prepared> = selected(scenario, variants)
        .into_iter()
        .map(|(name, model)| Prepared {
            name: name.to_string(),
            model,
            plan: Plan::new(model),
            compare: None,
        })
        .collect();
    // Variants are compared path by path with the baseline, which always runs first.
    let paired = prepared.len() > 1 && prepared[0].name == "baseline";
    if paired {
        for k in 1..prepared.len() {
            let c = compare::ComparePlan::new(
                (prepared[0].model, &prepared[0].plan),
                (prepared[k].model, &prepared[k].plan),
            );
            prepared[k].compare = Some(c);
        }
    }
    let cells: u64 = prepared
        .iter()
        .map(|p| (p.plan.n_cells + p.compare.as_ref().map_or(0, |c| c.n_cells)) as u64)
        .sum();
    let n_blocks = settings.paths.div_ceil(LANES as u64) as usize;
    let pilot_blocks = (PILOT_PATHS / LANES as u64) as usize;
    let exact_fits =
        cells.saturating_mul(settings.paths) <= EXACT_LIMIT || n_blocks <= pilot_blocks;
    let mode = settings
        .quantiles
        .filter(|_| n_blocks > pilot_blocks)
        .unwrap_or(if exact_fits {
            QuantileMode::Exact
        } else {
            QuantileMode::Calibrated
        });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| SimError::Threads(settings.threads, e.to_string()))?;
    let done = AtomicUsize::new(0);
    let pass = Pass {
        prepared: &prepared,
        settings,
        paired,
        keep,
        progress,
        done: &done,
        n_blocks,
    };
    let merged = match mode {
        QuantileMode::Exact => pass.run(&pool, 0..n_blocks, None, None)?,
        QuantileMode::Calibrated => {
            // Pilot: the first blocks with every value kept; their exact distribution places
            // the histogram edges of every cell. They are then counted like all other paths.
            let pilot = pass.run(&pool, 0..pilot_blocks, None, None)?;
            let edges: Vec<Edges> = pilot.iter().map(Accumulators::edges).collect();
            let start: Vec<Accumulators> = pilot
                .into_iter()
                .zip(&edges)
                .map(|(a, e)| a.into_calibrated(e))
                .collect();
            pass.run(&pool, pilot_blocks..n_blocks, Some(&edges), Some(start))?
        }
    };
    let mut out = Vec::new();
    for (p, mut acc) in prepared.iter().zip(merged) {
        if acc.cells.iter().any(|c| c.moments.overflowed())
            || acc.means.iter().any(|c| c.overflowed())
        {
            return Err(SimError::Overflow {
                variant: p.name.clone(),
            });
        }
        out.push(pool.install(|| results::finish(p, &mut acc)));
    }
    Ok(Results {
        variants: out,
        paths: settings.paths,
        seed: settings.seed,
        quantile_mode: mode,
    })
}

/// One pass of workers over a range of blocks.
struct Pass<'a> {
    prepared: &'a [Prepared<'a>],
    settings: &'a Settings,
    paired: bool,
    keep: Option<Keep<'a>>,
    progress: &'a (dyn Fn(usize, usize) + Sync),
    done: &'a AtomicUsize,
    n_blocks: usize,
}

impl Pass<'_> {
    /// Simulates `blocks` on `pool` and returns the merged accumulators of each variant.
    /// `start`, if given, is where the first worker starts (the pilot's statistics), so that
    /// no more than one set per worker is held at a time.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        blocks: std::ops::Range<usize>,
        edges: Option<&[Edges]>,
        start: Option<Vec<Accumulators>>,
    ) -> Result<Vec<Accumulators>, SimError> {
        let prepared = self.prepared;
        let next = AtomicUsize::new(blocks.start);
        let start = std::sync::Mutex::new(start);
        let per_worker: Vec<Result<Vec<Accumulators>, SimError>> = pool.broadcast(|ctx| {
            let mut works: Vec<Work> = prepared
                .iter()
                .map(|p| {
                    let mut w = Work::new(p.model, &p.plan);
                    if self.keep.is_some() || self.paired {
                        w.kept = Some(vec![vec![0.0; p.model.years * LANES]; p.plan.n_rows]);
                    }
                    w
                })
                .collect();
            let first = if ctx.index() == 0 {
                start.lock().expect("start").take()
            } else {
                None
            };
            let mut accs: Vec<Accumulators> = first.unwrap_or_else(|| {
                prepared
                    .iter()
                    .enumerate()
                    .map(|(v, p)| {
                        Accumulators::new(&p.plan, p.compare.as_ref(), edges.map(|e| &e[v]))
                    })
                    .collect()
            });
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= blocks.end {
                    break;
                }
                let first = k as u64 * LANES as u64;
                let blk = Block {
                    first,
                    lanes: (self.settings.paths - first).min(LANES as u64) as usize,
                    width: LANES,
                };
                for (v, ((p, w), acc)) in prepared.iter().zip(&mut works).zip(&mut accs).enumerate()
                {
                    simulate_block(p, self.settings.seed, &blk, w, acc)?;
                    if let (Some(keep), Some(values)) = (self.keep, &w.kept) {
                        keep(KeptBlock {
                            block: k,
                            variant: v,
                            first,
                            lanes: blk.lanes,
                            width: LANES,
                            values: values.clone(),
                        });
                    }
                }
                if self.paired {
                    let (base, rest) = works.split_at(1);
                    for (k, w) in rest.iter().enumerate() {
                        compare_block(
                            &prepared[0],
                            &prepared[k + 1],
                            &blk,
                            &base[0],
                            w,
                            &mut accs[k + 1],
                        );
                    }
                }
                (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.n_blocks);
            }
            Ok(accs)
        });
        let mut merged: Option<Vec<Accumulators>> = None;
        for r in per_worker {
            let accs = r?;
            match &mut merged {
                None => merged = Some(accs),
                Some(m) => m.iter_mut().zip(&accs).for_each(|(a, b)| a.merge(b)),
            }
        }
        Ok(merged.unwrap_or_default())
    }
}

/// Adds the paired differences of one block of variant `var` against the baseline.
fn compare_block(
    base: &Prepared,
    var: &Prepared,
    blk: &Block,
    wb: &Work,
    wv: &Work,
    acc: &mut Accumulators,
) {
    let cp = var.compare.as_ref().expect("variants have a compare plan");
    let (kb, kv) = (
        wb.kept.as_ref().expect("kept"),
        wv.kept.as_ref().expect("kept"),
    );
    let t_n = cp.years;
    let width = blk.width;
    let value = |kept: &Vec<Vec<f64>>, row: Option<usize>, t: usize, b: usize| {
        row.map_or(0.0, |r| kept[r][t * width + b])
    };
    for (mu, pairs) in cp.pairs.iter().enumerate() {
        for (s, pair) in pairs.iter().enumerate() {
            let base_cell = cp.offsets[mu] + s * (t_n + 1);
            for t in 0..t_n {
                let c = base_cell + t;
                for b in 0..blk.lanes {
                    let d = value(kv, pair.variant, t, b) - value(kb, pair.base, t, b);
                    acc.diff[c].add(d);
                    acc.better[c] += u64::from(d > 0.0);
                }
            }
            let c = base_cell + t_n;
            for b in 0..blk.lanes {
                let npv_v: f64 = (0..t_n)
                    .map(|t| value(kv, pair.variant, t, b) * var.plan.discount[t])
                    .sum();
                let npv_b: f64 = (0..t_n)
                    .map(|t| value(kb, pair.base, t, b) * base.plan.discount[t])
                    .sum();
                let d = npv_v - npv_b;
                acc.diff[c].add(d);
                acc.better[c] += u64::from(d > 0.0);
            }
        }
    }
}

/// The variants of `scenario` named in `names`, in run order (baseline first, then file order).
pub fn selected<'s>(scenario: &'s Scenario, names: &[&str]) -> Vec<(&'s str, &'s Model)> {
    scenario
        .models()
        .filter(|(name, _)| names.contains(name))
        .collect()
}

/// Simulates one block of one variant and adds it to `acc`.
pub fn simulate_block(
    p: &Prepared,
    seed: u64,
    blk: &Block,
    w: &mut Work,
    acc: &mut Accumulators,
) -> Result<(), SimError> {
    let m = p.model;
    let plan = &p.plan;
    let t_n = m.years;
    let lanes = blk.width;
    w.clear();
    drivers::simulate(m, &plan.driver_keys, seed, blk, &mut w.x, &mut w.z);
    for t in 0..t_n {
        for b in 0..blk.lanes {
            w.cpi[t * lanes + b] = m.cpi.map_or(1.0, |c| w.x[[c, t, b]]);
            w.fx[t * lanes + b] = m.fx.map_or(1.0, |f| w.x[[f, t, b]]);
        }
    }
    let mut pp = std::mem::replace(&mut w.pp, ProjectPaths::new(0, 0, 0));
    projects::simulate(m, &plan.project_keys, seed, blk, w, &mut pp);
    fiscal::simulate(m, plan, seed, blk, &pp, w);
    funds::simulate(m, plan, seed, blk, w);
    budgets::simulate(m, plan, seed, blk, w, acc);
    accumulate_levels(m, plan, blk, w, &pp, acc);
    w.pp = pp;
    // Conservation (docs/model.md section 5): everything due reached a budget, a community, a fund
    // balance, or is pending.
    for b in 0..blk.lanes {
        let mut accounted = w.received[b];
        accounted += (0..t_n)
            .map(|t| w.republic.slice(ndarray::s![.., t, b]).sum())
            .sum::<f64>();
        accounted += (0..t_n)
            .map(|t| w.oblast.slice(ndarray::s![.., t, b]).sum())
            .sum::<f64>();
        if t_n > 0 {
            accounted += w.fund_bal.slice(ndarray::s![.., t_n - 1, b]).sum();
        }
        accounted += w.pending.column(b).sum();
        let due = w.due[b];
        let diff = (due - accounted).abs();
        if diff > 1e-6 * due.abs().max(1.0) {
            return Err(SimError::Conservation {
                variant: p.name.clone(),
                path: blk.path(b),
                due,
                accounted,
                diff,
            });
        }
    }
    acc.paths += blk.lanes as u64;
    Ok(())
}

/// Budget levels above municipalities, projects and pending payments.
fn accumulate_levels(
    m: &Model,
    plan: &Plan,
    blk: &Block,
    w: &Work,
    pp: &ProjectPaths,
    acc: &mut Accumulators,
) {
    let t_n = m.years;
    let nb = blk.lanes;
    let mut add = |cell: usize, f: &dyn Fn(usize) -> f64| {
        let c = &mut acc.cells[cell];
        for b in 0..nb {
            c.add(f(b));
        }
    };
    // republic: each instrument, then total
    let nr = plan.republic.len();
    for t in 0..t_n {
        for k in 0..nr {
            add(plan.republic_cells + k * t_n + t, &|b| {
                w.republic[[k, t, b]]
            });
        }
        add(plan.republic_cells + nr * t_n + t, &|b| {
            (0..nr).map(|k| w.republic[[k, t, b]]).sum()
        });
    }
    for (o, &base) in plan.oblast_cells.iter().enumerate() {
        let rows: Vec<usize> = plan
            .oblast_streams
            .iter()
            .enumerate()
            .filter(|(_, (x, _))| *x == o)
            .map(|(r, _)| r)
            .collect();
        for t in 0..t_n {
            for (k, &r) in rows.iter().enumerate() {
                add(base + k * t_n + t, &|b| w.oblast[[r, t, b]]);
            }
            add(base + rows.len() * t_n + t, &|b| {
                rows.iter().map(|&r| w.oblast[[r, t, b]]).sum()
            });
        }
    }
    for f in 0..m.funds.len() {
        let base = plan.fund_cells + f * 3 * t_n;
        for t in 0..t_n {
            add(base + t, &|b| w.fund_in[[f, t, b]]);
            add(base + t_n + t, &|b| w.fund_out[[f, t, b]]);
            add(base + 2 * t_n + t, &|b| w.fund_bal[[f, t, b]]);
        }
    }
    for j in 0..m.projects.len() {
        let base = plan.project_cells + j * 2 * t_n;
        for t in 0..t_n {
            add(base + t, &|b| pp.output[[j, t, b]]);
            add(base + t_n + t, &|b| pp.revenue[[j, t, b]]);
            for b in 0..nb {
                acc.states[(j * t_n + t) * 4 + pp.state[[j, t, b]] as usize] += 1;
            }
        }
    }
    for i in 0..m.instruments.len() {
        add(plan.pending_cells + i, &|b| w.pending[[i, b]]);
    }
}
