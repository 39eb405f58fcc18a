//! Paired differences between a variant and the baseline (common random numbers): per
//! municipality, stream and year, and for the NPV, the statistics of `variant - baseline` and
//! the probability that the variant gives more.
//!
//! A variant may change the horizon (`scenario.start_year`, `scenario.years`): years are then
//! compared where both simulate them, by calendar year, and each NPV is over its own horizon.

use super::plan::Plan;
use super::{Accumulators, Block, Prepared, Work};
use crate::model::Model;
use crate::results::common_years;
use crate::stats;

/// One compared stream of one municipality: its name and its row in each variant's kept
/// values (`None`: the variant does not list it, so it is zero there).
#[derive(Debug, Clone)]
pub struct Pair {
    pub name: String,
    pub base: Option<usize>,
    pub variant: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ComparePlan {
    /// Per municipality, the union of both variants' streams, in baseline order then new ones.
    pub pairs: Vec<Vec<Pair>>,
    /// First cell of each municipality: per stream, `years` cells then one NPV cell.
    pub offsets: Vec<usize>,
    pub n_cells: usize,
    /// The calendar years both variants simulate: how many, and the first one's index in the
    /// baseline and in the variant.
    pub years: usize,
    pub base_t0: usize,
    pub var_t0: usize,
}

impl ComparePlan {
    pub fn new(base: (&Model, &Plan), var: (&Model, &Plan)) -> ComparePlan {
        let (bm, bp) = base;
        let (vm, vp) = var;
        let (first, years) = common_years((bm.start_year, bm.years), (vm.start_year, vm.years));
        let mut pairs = Vec::new();
        let mut offsets = Vec::new();
        let mut n = 0;
        for mu in 0..bm.municipalities.len() {
            let mut list: Vec<Pair> = bp.streams[mu]
                .iter()
                .enumerate()
                .map(|(s, k)| Pair {
                    name: k.name(bm),
                    base: Some(bp.stream_rows[mu] + s),
                    variant: None,
                })
                .collect();
            for (s, k) in vp.streams[mu].iter().enumerate() {
                let name = k.name(vm);
                let row = Some(vp.stream_rows[mu] + s);
                match list.iter_mut().find(|p| p.name == name) {
                    Some(p) => p.variant = row,
                    None => list.push(Pair {
                        name,
                        base: None,
                        variant: row,
                    }),
                }
            }
            offsets.push(n);
            n += list.len() * (years + 1);
            pairs.push(list);
        }
        ComparePlan {
            pairs,
            offsets,
            n_cells: n,
            years,
            base_t0: (first - bm.start_year) as usize,
            var_t0: (first - vm.start_year) as usize,
        }
    }
}

/// Adds the paired differences of one block of variant `var` against the baseline.
pub(super) fn compare_block(
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
    let mut d = vec![0.0; blk.lanes];
    let add = |acc: &mut Accumulators, c: usize, d: &[f64]| {
        stats::add_in_order(&mut acc.diff, c, d);
        acc.better[c] += d.iter().filter(|x| **x > 0.0).count() as u64;
    };
    for (mu, pairs) in cp.pairs.iter().enumerate() {
        for (s, pair) in pairs.iter().enumerate() {
            let base_cell = cp.offsets[mu] + s * (t_n + 1);
            for t in 0..t_n {
                let (tb, tv) = (cp.base_t0 + t, cp.var_t0 + t);
                for (b, x) in d.iter_mut().enumerate() {
                    *x = value(kv, pair.variant, tv, b) - value(kb, pair.base, tb, b);
                }
                add(acc, base_cell + t, &d);
            }
            for (b, x) in d.iter_mut().enumerate() {
                let npv_v: f64 = (0..var.model.years)
                    .map(|t| value(kv, pair.variant, t, b) * var.plan.discount[t])
                    .sum();
                let npv_b: f64 = (0..base.model.years)
                    .map(|t| value(kb, pair.base, t, b) * base.plan.discount[t])
                    .sum();
                *x = npv_v - npv_b;
            }
            add(acc, base_cell + t_n, &d);
        }
    }
}
