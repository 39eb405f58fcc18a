//! Paired differences between a variant and the baseline (common random numbers): per
//! municipality, stream and year, for the NPV and for the total over the years both simulate,
//! the statistics of `variant - baseline`, the probability that the variant gives more, and
//! the probability that it gives materially more: more than [`MATERIAL_GAIN`] of what the
//! baseline gives in the same path (for a year, of the baseline's average year in that path,
//! so that a fraction of a som after a mine closes is not a material gain; for the NPV and
//! the total, of the baseline's own NPV and total). See docs/choices.md.
//!
//! A variant may change the horizon (`scenario.start_year`, `scenario.years`): years are then
//! compared where both simulate them, by calendar year, and each NPV is over its own horizon.

use super::plan::Plan;
use super::{Accumulators, Block, Prepared, LANES};
use crate::model::Model;
use crate::results::common_years;
use crate::stats;

pub use crate::results::MATERIAL_GAIN;

/// Cells of one compared stream after its years: the NPV, then the total.
const AFTER_YEARS: usize = 2;

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
    /// First cell of each municipality: per stream, `years` cells, one NPV cell and one cell
    /// of the total over those years.
    pub offsets: Vec<usize>,
    pub n_cells: usize,
    /// The calendar years both variants simulate: how many, and the first one's index in the
    /// baseline and in the variant.
    pub years: usize,
    pub base_t0: usize,
    pub var_t0: usize,
}

impl ComparePlan {
    /// The first cell of municipality `mu`'s stream `s`: its years, then the NPV
    /// (`+ years`), then the total (`+ years + 1`).
    pub fn first_cell(&self, mu: usize, s: usize) -> usize {
        self.offsets[mu] + s * (self.years + AFTER_YEARS)
    }

    /// How many cells municipality `mu` has.
    pub fn cells_of(&self, mu: usize) -> usize {
        self.pairs[mu].len() * (self.years + AFTER_YEARS)
    }

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
            n += list.len() * (years + AFTER_YEARS);
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

/// The baseline's values of a block, which a variant is compared against as its budgets are
/// computed (the baseline is simulated first in every block).
pub(crate) struct Against<'a> {
    pub base: &'a Prepared<'a>,
    /// The baseline's kept rows, every municipality's.
    pub kept: &'a [Vec<f64>],
}

/// Adds the paired differences of municipality `mu` in one block of variant `var` against the
/// baseline. `kv` holds the variant's rows of `mu` (from its first stream when the variant
/// keeps one municipality at a time, else every municipality's, as `Plan::stream_rows`).
pub(crate) fn compare_muni(
    against: &Against,
    var: &Prepared,
    blk: &Block,
    mu: usize,
    kv: (&[Vec<f64>], bool),
    acc: &mut Accumulators,
) {
    let base = against.base;
    let cp = var.compare.as_ref().expect("variants have a compare plan");
    let kb = against.kept;
    let (kv, one) = kv;
    let first = if one { var.plan.stream_rows[mu] } else { 0 };
    let t_n = cp.years;
    let width = blk.width;
    let nb = blk.lanes;
    let base_value =
        |row: Option<usize>, t: usize, b: usize| row.map_or(0.0, |r| kb[r][t * width + b]);
    let var_value =
        |row: Option<usize>, t: usize, b: usize| row.map_or(0.0, |r| kv[r - first][t * width + b]);
    // The gain `d` and, in each lane, the baseline's amount it is measured against.
    let (mut d, mut b0) = ([0.0; LANES], [0.0; LANES]);
    let (d, b0) = (&mut d[..nb], &mut b0[..nb]);
    let add = |acc: &mut Accumulators, c: usize, d: &[f64], b0: &[f64]| {
        stats::add_in_order(&mut acc.diff, c, d);
        acc.better[c] += d.iter().filter(|x| **x > 0.0).count() as u64;
        acc.material[c] += d
            .iter()
            .zip(b0)
            .filter(|(x, b)| **x > MATERIAL_GAIN * b.abs())
            .count() as u64;
    };
    let (mut total_d, mut total_b) = ([0.0; LANES], [0.0; LANES]);
    let (total_d, total_b) = (&mut total_d[..nb], &mut total_b[..nb]);
    for (s, pair) in cp.pairs[mu].iter().enumerate() {
        let base_cell = cp.first_cell(mu, s);
        total_d.fill(0.0);
        total_b.fill(0.0);
        for t in 0..t_n {
            for (b, y) in total_b.iter_mut().enumerate() {
                *y += base_value(pair.base, cp.base_t0 + t, b);
            }
        }
        // A year's gain is measured against the baseline's average year in that path.
        for (y, total) in b0.iter_mut().zip(total_b.iter()) {
            *y = total / t_n.max(1) as f64;
        }
        for t in 0..t_n {
            let (tb, tv) = (cp.base_t0 + t, cp.var_t0 + t);
            for (b, x) in d.iter_mut().enumerate() {
                *x = var_value(pair.variant, tv, b) - base_value(pair.base, tb, b);
            }
            add(acc, base_cell + t, d, b0);
            for (total, x) in total_d.iter_mut().zip(d.iter()) {
                *total += x;
            }
        }
        for (b, (x, y)) in d.iter_mut().zip(b0.iter_mut()).enumerate() {
            let npv_v: f64 = (0..var.model.years)
                .map(|t| var_value(pair.variant, t, b) * var.plan.discount[t])
                .sum();
            let npv_b: f64 = (0..base.model.years)
                .map(|t| base_value(pair.base, t, b) * base.plan.discount[t])
                .sum();
            *x = npv_v - npv_b;
            *y = npv_b;
        }
        add(acc, base_cell + t_n, d, b0);
        add(acc, base_cell + t_n + 1, total_d, total_b);
    }
}
