//! The engine one stage at a time, for `benches/stages.rs`: a worker's workspace filled by a
//! block of the baseline, on which any stage can be run again and timed.

use super::plan::Plan;
use super::rng::Seeds;
use super::LANES;
use super::{run_stage, simulate_block, Accumulators, Block, Prepared, SimError, Stage, Work};
use crate::model::Scenario;
use crate::stats::PILOT_PATHS;

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
            simulate_block(&prepared, &seeds, &block(k), &mut work, &mut pilot)?;
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
        );
    }

    /// Municipality-years in one block.
    pub fn muni_years(&self) -> u64 {
        let m = self.prepared.model;
        (m.municipalities.len() * m.years * self.blk.lanes) as u64
    }
}
