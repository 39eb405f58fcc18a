//! The Monte Carlo engine (docs/model.md sections 2-5 and 7).
//!
//! Paths are simulated in blocks of [`LANES`] paths; each block fills a workspace laid out as
//! (entity, year, lane) and adds its values to the statistics while they are in cache. A fixed
//! number of rayon workers take blocks from a shared counter; each keeps its own accumulators,
//! merged exactly at the end, except the calibrated quantile histograms, which all workers
//! share (a lock per cell, taken once per block of values; counts are integers, so the order
//! of additions does not matter). Results do not depend on the number of threads. Every
//! variant of a scenario is simulated on the same block with the same keyed random streams.
//!
//! A block goes through the stages in this order, one file each: `drivers`, [`projects`],
//! `fiscal` (instruments and routing), `funds`, `budgets` (municipalities, their budget
//! rules in [`rules`], and their statistics), then `accumulate` (levels, projects, pending). [`plan`] lays out what a
//! variant reports, [`rng`] owns the keyed random streams, [`compare`] the paired variant
//! differences, [`results`] the finished statistics, `trace` a single path by hand.

mod accumulate;
pub mod bench;
mod budgets;
pub mod compare;
mod drivers;
mod finish;
mod fiscal;
mod funds;
mod kept;
pub mod plan;
pub(crate) mod precision;
pub mod projects;
mod regimes;
pub(crate) mod rng;
pub mod rules;
pub mod sensitivity;
pub mod shard;
mod trace;
mod work;

pub use accumulate::{Accumulators, Edges};
pub use trace::{trace, RuleTrace, Trace};
pub use work::{Block, Work};

use crate::model::BASELINE;
use crate::model::{Model, Scenario};
use crate::results::{KeptBlock, KeptRows, Results};
use crate::stats::{self, QuantileMode, PILOT_PATHS};
use accumulate::{accumulate_levels, Needed};
use compare::Against;
use plan::Plan;
use projects::ProjectPaths;
use rng::Seeds;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Paths per block.
pub const LANES: usize = 256;

/// Beyond this many values (cells x paths) quantiles are sketched instead of exact.
pub const EXACT_LIMIT: u64 = 1 << 25;

/// The most paths one run simulates (docs/choices.md): more would take days, and a count
/// such as 2^64 - 1 would never end.
pub const MAX_PATHS: u64 = 100_000_000;

/// Checks a number of paths asked for (`--paths`, `[run] paths`).
pub fn check_paths(paths: u64) -> Result<(), String> {
    if paths == 0 {
        Err("--paths must be at least 1".into())
    } else if paths > MAX_PATHS {
        Err(format!(
            "--paths {paths}: at most {MAX_PATHS} paths are simulated in one run; ask for fewer, or use --precision to stop as soon as the estimates are precise enough"
        ))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: u64,
    pub seed: u64,
    pub threads: usize,
    /// Force a quantile method (tests); by default exact when it fits in memory.
    pub quantiles: Option<QuantileMode>,
}

/// Receives kept blocks; called from worker threads.
pub type Keep<'a> = &'a (dyn Fn(KeptBlock) + Sync);

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
    #[error("variant `{variant}`: {place}: value {value:e} is not finite or exceeds 1e30; the scenario produces numbers too large to summarise (check {hint})")]
    Overflow {
        variant: String,
        /// Where, and the calendar year if the value has one: "municipality `x`, stream
        /// `own_revenue`, year 2031".
        place: String,
        /// The worst such value of that place (NaN, an infinity, or the largest).
        value: f64,
        hint: &'static str,
    },
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

/// What a run will compute, known before it starts: `aimak run` says it before a long run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub variants: usize,
    pub paths: u64,
    /// Statistics cells (a stream of a place in a year), paired differences included.
    pub cells: u64,
    pub mode: QuantileMode,
    /// About how much memory the statistics need (bytes); docs/choices.md, "Memory".
    pub bytes: u64,
}

/// What `run` would compute for these variants and settings, without simulating.
pub fn outline(scenario: &Scenario, variants: &[&str], settings: &Settings) -> Outline {
    let prepared = prepare(scenario, variants);
    let cells = cells_of(&prepared);
    let mode = quantile_mode(cells, settings);
    // Measured (docs/choices.md): exact cells hold 8 bytes per path besides about 170
    // bytes of moments; calibrated ones the pilot's 512 values and then a histogram, about
    // 10 KB at the peak; and the process itself (fonts, tables, workspaces) about 50 MB.
    // A cell summarised from another (`Plan::scaled`) holds neither values nor histogram.
    let per_cell = match mode {
        QuantileMode::Exact => 170 + 8 * settings.paths,
        QuantileMode::Calibrated => 10 * 1024,
    };
    let summarised: u64 = prepared
        .iter()
        .map(|p| {
            let streams = p.plan.scaled.iter().flatten().filter(|s| s.is_some());
            (streams.count() * p.model.years) as u64
        })
        .sum();
    let counted = cells - summarised;
    Outline {
        variants: prepared.len(),
        paths: settings.paths,
        cells,
        mode,
        bytes: (counted.saturating_mul(per_cell))
            .saturating_add(summarised * 170)
            .saturating_add(50 << 20),
    }
}

/// The variants' plans, each variant after the baseline paired with it.
fn prepare<'m>(scenario: &'m Scenario, variants: &[&str]) -> Vec<Prepared<'m>> {
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
    if paired(&prepared) {
        for k in 1..prepared.len() {
            let c = compare::ComparePlan::new(
                (prepared[0].model, &prepared[0].plan),
                (prepared[k].model, &prepared[k].plan),
            );
            prepared[k].compare = Some(c);
        }
    }
    prepared
}

fn paired(prepared: &[Prepared]) -> bool {
    prepared.len() > 1 && prepared[0].name == BASELINE
}

fn cells_of(prepared: &[Prepared]) -> u64 {
    prepared
        .iter()
        .map(|p| (p.plan.n_cells + p.compare.as_ref().map_or(0, |c| c.n_cells)) as u64)
        .sum()
}

/// Exact quantiles when every cell's values fit in memory (or the run is no longer than
/// the pilot), else the pilot-calibrated histograms; a test may force either.
fn quantile_mode(cells: u64, settings: &Settings) -> QuantileMode {
    let n_blocks = settings.paths.div_ceil(LANES as u64) as usize;
    let pilot_blocks = (PILOT_PATHS / LANES as u64) as usize;
    let exact_fits =
        cells.saturating_mul(settings.paths) <= EXACT_LIMIT || n_blocks <= pilot_blocks;
    settings
        .quantiles
        .filter(|_| n_blocks > pilot_blocks)
        .unwrap_or(if exact_fits {
            QuantileMode::Exact
        } else {
            QuantileMode::Calibrated
        })
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
    run_inner(scenario, variants, settings, progress, keep, false)
}

/// As [`run`], with every kept block holding, after the municipal rows, the rows of the
/// levels above municipalities (named by [`kept_rows_with_levels`]).
pub fn run_keeping_levels(
    scenario: &Scenario,
    variants: &[&str],
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
    keep: Keep,
) -> Result<Results, SimError> {
    run_inner(scenario, variants, settings, progress, Some(keep), true)
}

fn run_inner(
    scenario: &Scenario,
    variants: &[&str],
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
    keep: Option<Keep>,
    levels: bool,
) -> Result<Results, SimError> {
    let prepared = prepare(scenario, variants);
    let paired = paired(&prepared);
    let mode = quantile_mode(cells_of(&prepared), settings);
    let n_blocks = settings.paths.div_ceil(LANES as u64) as usize;
    let pilot_blocks = (PILOT_PATHS / LANES as u64) as usize;
    let pool = pool_of(settings)?;
    let done = AtomicUsize::new(0);
    let pass = Pass {
        prepared: &prepared,
        settings,
        paired,
        keep,
        levels,
        progress,
        done: &done,
        n_blocks,
        span: (0, settings.paths),
    };
    // The most values an exact cell holds: all paths, or the pilot's.
    let room = match mode {
        QuantileMode::Exact => settings.paths,
        QuantileMode::Calibrated => settings.paths.min(pilot_blocks as u64 * LANES as u64),
    };
    let room = usize::try_from(room).unwrap_or(usize::MAX);
    let exact = |v: usize| {
        let p = &prepared[v];
        Accumulators::with_room(&p.plan, p.compare.as_ref(), room)
    };
    let merged = match mode {
        QuantileMode::Exact => pass.run(&pool, 0..n_blocks, &exact, None)?,
        QuantileMode::Calibrated => calibrated(pass, &pool, pilot_blocks, &exact)?,
    };
    conclude(&prepared, &pool, merged, settings, mode)
}

/// The worker threads of a run.
fn pool_of(settings: &Settings) -> Result<rayon::ThreadPool, SimError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| SimError::Threads(settings.threads, e.to_string()))
}

/// The results of every variant's merged accumulators (all paths counted, crowded buckets
/// collected), or the error of a value that cannot be summed.
fn conclude(
    prepared: &[Prepared],
    pool: &rayon::ThreadPool,
    merged: Vec<Accumulators>,
    settings: &Settings,
    mode: QuantileMode,
) -> Result<Results, SimError> {
    let mut out = Vec::new();
    for (p, mut acc) in prepared.iter().zip(merged) {
        if let Some(e) = overflow(p, &acc) {
            return Err(e);
        }
        out.push(pool.install(|| finish::finish(p, &mut acc)));
    }
    Ok(Results {
        variants: out,
        paths: settings.paths,
        seed: settings.seed,
        quantile_mode: mode,
    })
}

/// The error for the first cell (in the plan's order) of `acc` with a value that cannot be
/// summed, if any. Cells only carry a flag (and, once flagged, the worst value), and flags
/// merge by "or": the cell named is the same at any number of threads.
fn overflow(p: &Prepared, acc: &Accumulators) -> Option<SimError> {
    let m = p.model;
    let (place, year, value) =
        if let Some(c) = acc.cells.iter().position(|c| c.moments.overflowed()) {
            let (place, t) = p.plan.describe_cell(m, c);
            (place, t, acc.cells[c].moments.overflow_value())
        } else {
            let i = acc.means.iter().position(|c| c.overflowed())?;
            let (place, t) = p.plan.describe_mean(m, i);
            (place, t, acc.means[i].overflow_value())
        };
    let hint = if place.contains("`own_revenue`") || place.contains("`budget_total`") {
        "own_revenue_growth, the drivers' drifts and volatilities, and horizons"
    } else {
        "the drivers' drifts and volatilities, and horizons"
    };
    let place = match year {
        Some(t) => format!("{place}, year {}", m.year(t)),
        None => place,
    };
    Some(SimError::Overflow {
        variant: p.name.clone(),
        place,
        value: value.unwrap_or(f64::NAN),
        hint,
    })
}

/// A run with calibrated histograms: a pilot of exact values places every cell's bucket edges,
/// the other paths are then counted, and a second pass, if needed, makes crowded buckets exact.
fn calibrated(
    pass: Pass,
    pool: &rayon::ThreadPool,
    pilot_blocks: usize,
    exact: &(dyn Fn(usize) -> Accumulators + Sync),
) -> Result<Vec<Accumulators>, SimError> {
    // Pilot: the first blocks with every value kept; their exact distribution places the
    // histogram edges of every cell. They are then counted like all other paths.
    let pilot = pass.run(pool, 0..pilot_blocks, exact, None)?;
    let edges: Vec<Edges> = pool.install(|| pilot.iter().map(Accumulators::edges).collect());
    let start: Vec<Accumulators> = pool.install(|| {
        pilot
            .into_iter()
            .zip(&edges)
            .map(|(a, e)| a.into_calibrated(e))
            .collect()
    });
    // Every worker adds to the same histograms (start's), with its own moments.
    let shared: Vec<Accumulators> = start.iter().map(Accumulators::share).collect();
    let fresh = |v: usize| shared[v].share();
    let mut merged = pass.run(pool, pilot_blocks..pass.n_blocks, &fresh, Some(start))?;
    // Second pass, only if needed: the few quantile buckets that hold too many paths (a
    // cluster narrower than the pilot could see) collect their values exactly.
    if let Some(templates) = second_pass(pass.prepared, pool, &merged) {
        let collect = |v: usize| templates[v].clone();
        let again = Pass {
            keep: None,
            n_blocks: 2 * pass.n_blocks,
            ..pass
        };
        let collected = again.run(pool, 0..pass.n_blocks, &collect, None)?;
        for (m, c) in merged.iter_mut().zip(collected) {
            m.absorb(c);
        }
    }
    Ok(merged)
}

/// The accumulators of a second pass over `merged` (every path counted): cells that collect
/// the values of their crowded buckets, or `None` when no bucket is crowded.
fn second_pass(
    prepared: &[Prepared],
    pool: &rayon::ThreadPool,
    merged: &[Accumulators],
) -> Option<Vec<Accumulators>> {
    let second: Vec<Option<Accumulators>> =
        pool.install(|| merged.iter().map(Accumulators::refinement).collect());
    if second.iter().all(Option::is_none) {
        return None;
    }
    let mut templates: Vec<Accumulators> = second
        .into_iter()
        .zip(merged)
        .map(|(s, m)| s.unwrap_or_else(|| m.skipping()))
        .collect();
    restrict_to_collecting(prepared, &mut templates);
    Some(templates)
}

/// In a second pass only the municipalities with a cell that collects values (their own, or a
/// paired difference that involves them) need their budgets simulated, only their receipts
/// when no cell of own revenue, grant or budget total collects, and the levels above them only
/// if one of their cells collects. (Means are not needed: the first pass has them.)
fn restrict_to_collecting(prepared: &[Prepared], templates: &mut [Accumulators]) {
    // A paired difference needs all of a municipality's streams in both variants.
    let mut base_diffs = vec![false; prepared[0].model.municipalities.len()];
    for (p, t) in prepared.iter().zip(templates.iter_mut()) {
        let mut active = t.collecting_munis(&p.plan);
        if let Some(cp) = &p.compare {
            for (mu, d) in t.collecting_diffs(cp).into_iter().enumerate() {
                if d {
                    active[mu] = Needed::All;
                    base_diffs[mu] = true;
                }
            }
        }
        t.active = Some(active);
        t.skip_levels = t.levels_idle(&p.plan);
    }
    if let Some(a) = &mut templates[0].active {
        for (x, d) in a.iter_mut().zip(base_diffs) {
            if d {
                *x = Needed::All;
            }
        }
    }
}

/// One pass of workers over a range of blocks.
#[derive(Clone, Copy)]
struct Pass<'a> {
    prepared: &'a [Prepared<'a>],
    settings: &'a Settings,
    paired: bool,
    keep: Option<Keep<'a>>,
    /// Whether kept blocks also hold the levels' rows.
    levels: bool,
    progress: &'a (dyn Fn(usize, usize) + Sync),
    done: &'a AtomicUsize,
    n_blocks: usize,
    /// The paths this pass simulates (all of them, or a shard's): blocks are clipped to it.
    span: (u64, u64),
}

impl Pass<'_> {
    /// Simulates `blocks` on `pool` and returns the merged accumulators of each variant.
    /// `start`, if given, is where the first worker starts (the pilot's statistics), so that
    /// no more than one set per worker is held at a time.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        blocks: std::ops::Range<usize>,
        fresh: &(dyn Fn(usize) -> Accumulators + Sync),
        start: Option<Vec<Accumulators>>,
    ) -> Result<Vec<Accumulators>, SimError> {
        let prepared = self.prepared;
        let next = AtomicUsize::new(blocks.start);
        let start = std::sync::Mutex::new(start);
        // A worker allocates its workspace and statistics only once it has a block: with
        // more threads than blocks (a small run, or `--threads 64`), the others hold nothing.
        let per_worker: Vec<Result<Option<Vec<Accumulators>>, SimError>> = pool.broadcast(|ctx| {
            let new_works = || -> Vec<Work> {
                prepared
                    .iter()
                    .map(|p| {
                        let mut w = Work::new(p.model, &p.plan);
                        w.first_muni =
                            ctx.index() * p.model.municipalities.len() / ctx.num_threads().max(1);
                        // The baseline of paired differences keeps every row; a variant
                        // compares one municipality at a time.
                        if self.keep.is_some() || (self.paired && p.compare.is_none()) {
                            w.keep_all(&p.plan, p.model.years, LANES);
                        } else if self.paired {
                            w.keep_one_municipality(&p.plan, p.model.years, LANES);
                        }
                        w
                    })
                    .collect()
            };
            let mut accs: Option<Vec<Accumulators>> = if ctx.index() == 0 {
                start.lock().expect("start").take()
            } else {
                None
            };
            let mut works: Option<Vec<Work>> = None;
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= blocks.end {
                    break;
                }
                let works = works.get_or_insert_with(&new_works);
                let accs = accs.get_or_insert_with(|| (0..prepared.len()).map(fresh).collect());
                let first = (k as u64 * LANES as u64).max(self.span.0);
                let end = ((k as u64 + 1) * LANES as u64).min(self.span.1);
                let blk = Block {
                    first,
                    lanes: end.saturating_sub(first) as usize,
                    width: LANES,
                };
                for (v, (p, acc)) in prepared.iter().zip(accs.iter_mut()).enumerate() {
                    // The baseline (simulated first) is what a variant is compared against.
                    let (done, rest) = works.split_at_mut(v);
                    let w = &mut rest[0];
                    let against = match (self.paired && v > 0, done.first()) {
                        (true, Some(base)) => Some(Against {
                            base: &prepared[0],
                            kept: base.kept.as_deref().expect("the baseline keeps its rows"),
                        }),
                        _ => None,
                    };
                    let seeds = Seeds::new(self.settings.seed);
                    simulate_block(p, &seeds, &blk, w, acc, against.as_ref())?;
                    if let (Some(keep), Some(values)) = (self.keep, &w.kept) {
                        let mut values = values.clone();
                        if self.levels {
                            values.extend(kept::level_values(p.model, &p.plan, &blk, w));
                        }
                        keep(KeptBlock {
                            block: k,
                            variant: v,
                            first,
                            lanes: blk.lanes,
                            width: LANES,
                            values,
                        });
                    }
                }
                (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.n_blocks);
            }
            Ok(accs)
        });
        let mut merged: Option<Vec<Accumulators>> = None;
        for r in per_worker {
            let Some(accs) = r? else { continue };
            match &mut merged {
                None => merged = Some(accs),
                Some(m) => pool.install(|| m.iter_mut().zip(&accs).for_each(|(a, b)| a.merge(b))),
            }
        }
        Ok(merged.unwrap_or_else(|| (0..prepared.len()).map(fresh).collect()))
    }
}

/// The variants of `scenario` named in `names`, in run order (baseline first, then file order).
pub fn selected<'s>(scenario: &'s Scenario, names: &[&str]) -> Vec<(&'s str, &'s Model)> {
    scenario
        .models()
        .filter(|(name, _)| names.contains(name))
        .collect()
}

/// The names of the rows of a variant's kept blocks (`--keep-paths`), in the engine's order.
pub fn kept_rows(name: &str, m: &Model) -> KeptRows {
    let plan = Plan::new(m);
    let rows = plan
        .streams
        .iter()
        .enumerate()
        .flat_map(|(mu, ss)| {
            ss.iter()
                .map(move |s| (m.municipalities[mu].id.clone(), s.name(m)))
        })
        .collect();
    KeptRows {
        variant: name.to_string(),
        rows,
        years: (0..m.years).map(|t| m.year(t)).collect(),
    }
}

/// As [`kept_rows`], followed by the rows of the levels above municipalities (republic,
/// oblasts, funds) that [`run_keeping_levels`] appends, named (level, stream).
pub fn kept_rows_with_levels(name: &str, m: &Model) -> KeptRows {
    let mut rows = kept_rows(name, m);
    rows.rows.extend(kept::level_rows(m, &Plan::new(m)));
    rows
}

/// The stages of a block, in order (docs/model.md sections 2-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Market drivers (`drivers`).
    Drivers,
    /// Project starts, disruptions, output and revenue ([`projects`]).
    Projects,
    /// Instrument bases and where their money goes (`fiscal`).
    Routing,
    /// Development funds (`funds`).
    Funds,
    /// Municipal budgets and their statistics (`budgets`).
    Budgets,
    /// Levels above municipalities, projects and pending payments, and their statistics.
    Levels,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Drivers,
        Stage::Projects,
        Stage::Routing,
        Stage::Funds,
        Stage::Budgets,
        Stage::Levels,
    ];
}

/// Runs one stage of one block of one variant.
fn run_stage(
    p: &Prepared,
    seeds: &Seeds,
    blk: &Block,
    w: &mut Work,
    acc: &mut Accumulators,
    stage: Stage,
    against: Option<&Against>,
) {
    let m = p.model;
    let plan = &p.plan;
    // Project paths are read while the rest of the workspace is written.
    let mut pp = std::mem::replace(&mut w.pp, ProjectPaths::new(0, 0, 0));
    match stage {
        Stage::Drivers => {
            drivers::simulate(m, &plan.driver_keys, seeds, blk, &mut w.x, &mut w.z);
            let lanes = blk.width;
            for t in 0..m.years {
                for b in 0..blk.lanes {
                    w.cpi[t * lanes + b] = m.cpi.map_or(1.0, |c| w.x[[c, t, b]]);
                    w.fx[t * lanes + b] = m.fx.map_or(1.0, |f| w.x[[f, t, b]]);
                }
            }
            // The price index, in its units, for the grants summarised from it.
            if let Some(first) = plan.cpi_cells {
                let mut index = [0.0; LANES];
                for t in 0..m.years {
                    for (x, i) in index
                        .iter_mut()
                        .zip(&w.cpi[t * lanes..t * lanes + blk.lanes])
                    {
                        *x = i * plan::INDEX_UNIT;
                    }
                    stats::add_in_order(&mut acc.cells, first + t, &index[..blk.lanes]);
                }
            }
            regimes::simulate(m, plan, seeds, blk, w);
            if acc.active.is_none() {
                regimes::count(plan, blk, w, acc);
            }
        }
        Stage::Projects => projects::simulate(m, &plan.project_keys, seeds, blk, w, &mut pp),
        Stage::Routing => fiscal::simulate(m, plan, seeds, blk, &pp, w),
        Stage::Funds => funds::simulate(m, plan, seeds, blk, w),
        Stage::Budgets => budgets::simulate(p, seeds, blk, w, acc, against),
        Stage::Levels if acc.skip_levels => {}
        Stage::Levels => accumulate_levels(m, plan, blk, w, &pp, acc),
    }
    w.pp = pp;
}

/// Simulates one block of one variant and adds it to `acc`; a variant compared with the
/// baseline adds its paired differences too (`against`, the baseline's block).
pub(crate) fn simulate_block(
    p: &Prepared,
    seeds: &Seeds,
    blk: &Block,
    w: &mut Work,
    acc: &mut Accumulators,
    against: Option<&Against>,
) -> Result<(), SimError> {
    w.clear(&p.plan);
    for stage in Stage::ALL {
        run_stage(p, seeds, blk, w, acc, stage, against);
    }
    acc.paths += blk.lanes as u64;
    if acc.active.is_some() {
        // A second pass: conservation was checked in the first, and budgets were skipped.
        return Ok(());
    }
    let t_n = p.model.years;
    // Conservation (docs/model.md section 5): everything due reached a budget, a community, a fund
    // balance, or is pending.
    let nb = blk.lanes;
    let accounted = &mut w.accounted[..nb];
    accounted.copy_from_slice(&w.received[..nb]);
    let mut add_lanes = |a: &ndarray::Array3<f64>, years: std::ops::Range<usize>| {
        for k in 0..a.shape()[0] {
            for t in years.clone() {
                for (x, v) in accounted.iter_mut().zip(a.slice(ndarray::s![k, t, ..nb])) {
                    *x += v;
                }
            }
        }
    };
    add_lanes(&w.republic, 0..t_n);
    add_lanes(&w.oblast, 0..t_n);
    add_lanes(&w.fund_bal, t_n.saturating_sub(1)..t_n);
    for k in 0..w.pending.nrows() {
        for (x, v) in accounted
            .iter_mut()
            .zip(w.pending.slice(ndarray::s![k, ..nb]))
        {
            *x += v;
        }
    }
    for b in 0..nb {
        let accounted = w.accounted[b];
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
    Ok(())
}
