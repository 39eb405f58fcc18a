//! Municipal budgets: own revenue, the equalisation grant with its clawback, project money
//! and the spending need (docs/model.md section 3); and their statistics.

use super::plan::{Plan, Source};
use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Accumulators, Block, Work};
use crate::model::Model;
use ndarray::s;

/// Computes every municipality's streams in every lane and adds them to the statistics.
pub fn simulate(
    m: &Model,
    plan: &Plan,
    seeds: &Seeds,
    blk: &Block,
    w: &mut Work,
    acc: &mut Accumulators,
) {
    let t_n = m.years;
    let lanes = blk.width;
    let nb = blk.lanes;
    let nm = m.municipalities.len();
    for i in 0..nm {
        let mu = (w.first_muni + i) % nm;
        let muni = &m.municipalities[mu];
        if acc.active.as_ref().is_some_and(|a| !a[mu]) {
            continue;
        }
        let streams = &plan.streams[mu];
        // values[s][t * lanes + b] for this municipality's streams
        let vals = &mut w.muni_vals;
        for v in vals.iter_mut().take(streams.len()) {
            v.fill(0.0);
        }
        let (grant, need) = (&plan.grant[mu], &plan.need[mu]);
        // Each path's growth shocks, years 1.., drawn path by path from its own stream.
        let z = &mut w.growth;
        for b in 0..nb {
            let mut growth = Stream::new(
                seeds.of(Group::Growth),
                plan.muni_keys[mu],
                Purpose::Growth,
                blk.path(b),
            );
            for t in 1..t_n {
                z[t * lanes + b] = growth.normal();
            }
        }
        // Then year by year, every lane together.
        let (own, project, community) = (&mut w.own, &mut w.project, &mut w.community);
        own[..nb].fill(muni.own_revenue);
        for t in 0..t_n {
            let row = t * lanes..t * lanes + nb;
            project[..nb].fill(0.0);
            community[..nb].fill(0.0);
            for (s, src) in plan.sources[mu].iter().enumerate() {
                let (from, to_community) = match *src {
                    Source::None => continue,
                    Source::Routed(r, c) => (w.routed.slice(s![r, t, ..nb]), c),
                    Source::Pay(f, pos) => (w.pay.slice(s![w.pay_offset[f] + pos, t, ..nb]), false),
                };
                let sum = if to_community {
                    &mut community[..nb]
                } else {
                    &mut project[..nb]
                };
                for ((x, v), p) in vals[s][row.clone()].iter_mut().zip(from).zip(sum) {
                    *x = *v;
                    *p += v;
                }
            }
            for b in 0..nb {
                let i = t * lanes + b;
                if t > 0 {
                    let g = (muni.growth_mean + muni.growth_sd * z[i]).max(-0.9);
                    own[b] *= 1.0 + g;
                }
                let idx = if muni.indexed { w.cpi[i] } else { 1.0 };
                let counted_prev = if t > 0 {
                    w.counted[[mu, t - 1, b]]
                } else {
                    0.0
                };
                let g = (grant[t] * idx - muni.grant_offset * counted_prev).max(0.0);
                vals[0][i] = own[b];
                vals[1][i] = g;
                vals[2][i] = project[b];
                let total = own[b] + g + project[b];
                vals[3][i] = total;
                w.received[b] += project[b] + community[b];
                if let Some(need) = need {
                    let n = need[t] * idx;
                    let [short, gap, needed] = &mut w.shortfall;
                    short[b] = if total < n { 1.0 } else { 0.0 };
                    gap[b] = (n - total).max(0.0);
                    needed[b] = n;
                }
            }
            if let (Some(_), Some(off)) = (need, plan.shortfall_means[mu]) {
                for (k, series) in w.shortfall.iter().enumerate() {
                    acc.means[off + 3 * t + k].add_all(&series[..nb]);
                }
            }
        }
        if let Some(kept) = &mut w.kept {
            for (s, _) in streams.iter().enumerate() {
                kept[plan.stream_rows[mu] + s].copy_from_slice(&vals[s]);
            }
        }
        // Statistics: per stream and year, and the NPV per stream.
        let npv = &mut w.npv[..nb];
        for (s, _) in streams.iter().enumerate() {
            let base = plan.muni_cells[mu] + s * t_n;
            npv.fill(-0.0);
            for t in 0..t_n {
                let row = &vals[s][t * lanes..t * lanes + nb];
                if let Some(next) = acc.cells.get(base + t + 1) {
                    next.prefetch();
                }
                acc.cells[base + t].add_all(row);
                for (v, x) in npv.iter_mut().zip(row) {
                    *v += x * plan.discount[t];
                }
            }
            acc.cells[plan.npv_cells[mu] + s].add_all(npv);
        }
    }
}
