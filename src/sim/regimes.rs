//! The law in force along each path (docs/model.md section 11): per path, a decision every
//! year whether the law changes and to which, from the path's own keyed draws, so that every
//! variant of a run sees the same decisions.

use super::accumulate::Accumulators;
use super::plan::Plan;
use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Block, Work};
use crate::model::regime::next;
use crate::model::{in_force, Hazard, Model};

/// Writes the law in force for every year and lane of the block into `w.law`.
pub fn simulate(m: &Model, plan: &Plan, seeds: &Seeds, blk: &Block, w: &mut Work) {
    let Some(change) = m.regime_change.as_ref().filter(|_| plan.switching) else {
        return;
    };
    let weights: Vec<f64> = m.regimes.iter().map(|r| r.weight).collect();
    let lanes = blk.width;
    let mut decided = vec![0u8; m.years];
    for b in 0..blk.lanes {
        let mut s = Stream::new(
            seeds.of(Group::Law),
            plan.law_key,
            Purpose::Law,
            blk.path(b),
        );
        for t in 1..m.years {
            // Two uniforms every year, used or not: year t's decision depends on t alone.
            let (u_change, u_choice) = (s.uniform(), s.uniform());
            let h = match change.hazard {
                Hazard::Fixed(h) => h,
                Hazard::Driver { driver, .. } => {
                    change.hazard.at(w.x[[driver, t, b]] / w.x[[driver, 0, b]])
                }
            };
            decided[t] = next(decided[t - 1], h, u_change, u_choice, &weights);
        }
        for t in 0..m.years {
            w.law[t * lanes + b] = in_force(&decided, t, change.lag_years);
        }
    }
}

/// Counts, per year, the paths of the block under each law (`regimes.parquet`).
pub fn count(plan: &Plan, blk: &Block, w: &Work, acc: &mut Accumulators) {
    let n = plan.n_laws;
    if n == 0 {
        return;
    }
    for t in 0..plan.years {
        if plan.switching {
            for &law in &w.law[t * blk.width..t * blk.width + blk.lanes] {
                acc.laws[t * n + law as usize] += 1;
            }
        } else {
            acc.laws[t * n] += blk.lanes as u64;
        }
    }
}
