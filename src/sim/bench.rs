//! The engine one stage at a time, for `benches/stages.rs`: a worker's workspace filled by a
//! block of the baseline, on which any stage can be run again and timed. And the two limits a
//! whole run is measured against: the same paths simulated with the statistics off, and the
//! random draws of those paths alone.

use super::plan::Plan;
use super::rng::{Group, Purpose, Seeds, Stream};
use super::LANES;
use super::{run_stage, simulate_block, Accumulators, Block, Prepared, SimError, Stage, Work};
use crate::model::{DriverKind, Scenario};
use crate::stats::PILOT_PATHS;
use rayon::prelude::*;

pub struct StageBench<'m> {
    prepared: Prepared<'m>,
    seeds: Seeds,
    blk: Block,
    work: Work,
    acc: Accumulators,
}

impl<'m> StageBench<'m> {
    /// The baseline of `scenario` after its pilot paths: with `statistics`, every cell has
    /// the calibrated histogram a large run uses; without, statistics are switched off.
    pub fn new(scenario: &'m Scenario, statistics: bool) -> Result<StageBench<'m>, SimError> {
        let model = &scenario.baseline;
        let prepared = Prepared {
            name: "baseline".into(),
            model,
            plan: Plan::new(model),
            compare: None,
        };
        let seeds = Seeds::new(1);
        let mut work = Work::new(model, &prepared.plan);
        let mut pilot = Accumulators::new(&prepared.plan, None);
        let block = |k: u64| Block {
            first: k * LANES as u64,
            lanes: LANES,
            width: LANES,
        };
        for k in 0..PILOT_PATHS.div_ceil(LANES as u64) {
            simulate_block(&prepared, &seeds, &block(k), &mut work, &mut pilot, None)?;
        }
        let acc = if statistics {
            let edges = pilot.edges();
            pilot.into_calibrated(&edges)
        } else {
            pilot.skipping()
        };
        Ok(StageBench {
            prepared,
            seeds,
            blk: block(PILOT_PATHS.div_ceil(LANES as u64)),
            work,
            acc,
        })
    }

    /// Runs `stage` on the workspace (the stages before it have run at least once).
    pub fn run(&mut self, stage: Stage) {
        run_stage(
            &self.prepared,
            &self.seeds,
            &self.blk,
            &mut self.work,
            &mut self.acc,
            stage,
            None,
        );
    }

    /// Municipality-years in one block.
    pub fn muni_years(&self) -> u64 {
        let m = self.prepared.model;
        (m.municipalities.len() * m.years * self.blk.lanes) as u64
    }
}

/// The blocks of `paths` paths (the last one clipped), as a run cuts them.
fn blocks(paths: u64) -> impl ParallelIterator<Item = Block> {
    (0..paths.div_ceil(LANES as u64))
        .into_par_iter()
        .map(move |k| {
            let first = k * LANES as u64;
            Block {
                first,
                lanes: (paths - first).min(LANES as u64) as usize,
                width: LANES,
            }
        })
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

/// The baseline's first `paths` paths on `threads` threads, every stage of the engine run
/// (conservation checked) but no statistics kept: the time a run cannot go below.
pub fn simulate_only(scenario: &Scenario, paths: u64, threads: usize) -> Result<(), SimError> {
    let model = &scenario.baseline;
    let prepared = Prepared {
        name: "baseline".into(),
        model,
        plan: Plan::new(model),
        compare: None,
    };
    let seeds = Seeds::new(1);
    let idle = Accumulators::new(&prepared.plan, None).skipping();
    pool(threads).install(|| {
        blocks(paths).try_for_each_init(
            || (Work::new(model, &prepared.plan), idle.clone()),
            |(work, acc), blk| simulate_block(&prepared, &seeds, &blk, work, acc, None),
        )
    })
}

/// The random draws the baseline's first `paths` paths make, on `threads` threads, and
/// nothing else: every keyed stream the engine opens, with as many draws of the same kind
/// (the pattern each [`Purpose`] documents). Returns their sum, so none is optimised away.
pub fn draws_only(scenario: &Scenario, paths: u64, threads: usize) -> f64 {
    let m = &scenario.baseline;
    let plan = Plan::new(m);
    let seeds = Seeds::new(1);
    let steps = m.years.saturating_sub(1) as u32;
    let years = m.years as u32;
    // The payment draw is made if any law leaves payment uncertain (as `fiscal` decides).
    let uncertain = |fl: &super::plan::FlowPlan| {
        (0..plan.n_laws.max(1)).any(|r| m.law(r, fl.instrument).1 < 1.0)
    };
    let lognormal = |fl: &super::plan::FlowPlan| {
        matches!(
            m.instruments[fl.instrument].charge.amount(),
            Some(crate::model::Amount::LogNormal { .. })
        )
    };
    let path_draws = |path: u64| -> f64 {
        let mut sum = 0.0;
        let mut take = |seed_group: Group, key: u64, purpose: Purpose, n: u32, normal: bool| {
            let mut s = Stream::new(seeds.of(seed_group), key, purpose, path);
            for _ in 0..n {
                sum += if normal { s.normal() } else { s.uniform() };
            }
        };
        for (d, drv) in m.drivers.iter().enumerate() {
            let key = plan.driver_keys[d];
            if drv.kind.has_normal_shock() {
                take(Group::Driver(d), key, Purpose::Shock, steps, true);
            }
            if drv.jump.is_some() {
                take(Group::Driver(d), key, Purpose::Jump, 2 * steps, false);
            }
            if matches!(drv.kind, DriverKind::Bootstrap { .. }) {
                take(Group::Driver(d), key, Purpose::Pick, steps, false);
            }
        }
        if m.switches_law() {
            take(Group::Law, plan.law_key, Purpose::Law, 2 * steps, false);
        }
        for (j, &key) in plan.project_keys.iter().enumerate() {
            take(Group::Start(j), key, Purpose::Start, 3, false);
            take(
                Group::Disruption(j),
                key,
                Purpose::Operation,
                5 * years,
                false,
            );
            take(Group::Variability, key, Purpose::Variability, years, true);
        }
        for fl in &plan.flows {
            if lognormal(fl) {
                take(Group::Payment, fl.key, Purpose::Amount, 1, true);
            }
            if uncertain(fl) {
                take(Group::Payment, fl.key, Purpose::Payment, years, false);
            }
        }
        for (fi, keys) in plan.winner_keys.iter().enumerate() {
            if plan.fund_live[fi] && matches!(plan.splits[fi], super::plan::Split::Drawn { .. }) {
                for &k in keys {
                    take(Group::Allocation, k, Purpose::Winner, years, false);
                }
            }
        }
        for &key in &plan.muni_keys {
            take(Group::Growth, key, Purpose::Growth, steps, true);
        }
        sum
    };
    pool(threads).install(|| (0..paths).into_par_iter().map(path_draws).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limits run the built-in scenario like a run does: every stage, conservation
    /// checked; and the draws alone are the same numbers at any thread count (only their
    /// sum's order of addition differs).
    #[test]
    fn the_limits_simulate_and_draw_the_runs_paths() {
        let s = crate::scenario::load_builtin().expect("built-in scenario");
        simulate_only(&s, 300, 2).expect("every path conserves money");
        let (one, two) = (draws_only(&s, 300, 1), draws_only(&s, 300, 2));
        assert!(one.is_finite() && one != 0.0);
        assert!((one - two).abs() <= 1e-9 * one.abs(), "{one} vs {two}");
        assert_ne!(one, draws_only(&s, 299, 1));
    }
}
