//! Municipal budgets: own revenue, the equalisation grant with its clawback, project money
//! and the spending need (docs/model.md section 3); and their statistics.

use super::plan::{MuniStream, Plan};
use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Accumulators, Block, Work};
use crate::model::Model;

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
    for (mu, muni) in m.municipalities.iter().enumerate() {
        let streams = &plan.streams[mu];
        // values[s][t * lanes + b] for this municipality's streams
        let vals = &mut w.muni_vals;
        for v in vals.iter_mut().take(streams.len()) {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        // Where each listed receipt stream is read from in the workspace.
        let sources: Vec<Option<(bool, usize)>> = streams
            .iter()
            .map(|kind| match *kind {
                MuniStream::Instrument(ii) | MuniStream::Community(ii) => {
                    let community = matches!(kind, MuniStream::Community(_));
                    let r = plan
                        .routed
                        .iter()
                        .position(|r| {
                            r.muni == mu && r.instrument == ii && r.community == community
                        })
                        .expect("listed stream is routed");
                    Some((false, r))
                }
                MuniStream::Fund(fi) => {
                    let pos = plan.memberships[mu]
                        .iter()
                        .find(|(f, _)| *f == fi)
                        .expect("member")
                        .1;
                    Some((true, w.pay_offset[fi] + pos))
                }
                _ => None,
            })
            .collect();
        let grant = muni.grant.by_year(m.start_year, t_n);
        let need = muni
            .spending_need
            .as_ref()
            .map(|n| n.by_year(m.start_year, t_n));
        for b in 0..nb {
            let mut growth = Stream::new(
                seeds.of(Group::Growth),
                plan.muni_keys[mu],
                Purpose::Growth,
                blk.path(b),
            );
            let mut own = muni.own_revenue;
            for t in 0..t_n {
                if t > 0 {
                    let g = (muni.growth_mean + muni.growth_sd * growth.normal()).max(-0.9);
                    own *= 1.0 + g;
                }
                let i = t * lanes + b;
                let idx = if muni.indexed { w.cpi[i] } else { 1.0 };
                let counted_prev = if t > 0 {
                    w.counted[[mu, t - 1, b]]
                } else {
                    0.0
                };
                let g = (grant[t] * idx - muni.grant_offset * counted_prev).max(0.0);
                let (mut project, mut community) = (0.0, 0.0);
                for (s, src) in sources.iter().enumerate() {
                    let Some((is_pay, row)) = *src else { continue };
                    let v = if is_pay {
                        w.pay[[row, t, b]]
                    } else {
                        w.routed[[row, t, b]]
                    };
                    if matches!(streams[s], MuniStream::Community(_)) {
                        community += v;
                    } else {
                        project += v;
                    }
                    vals[s][i] = v;
                }
                vals[0][i] = own;
                vals[1][i] = g;
                vals[2][i] = project;
                let total = own + g + project;
                vals[3][i] = total;
                w.received[b] += project + community;
                if let (Some(need), Some(off)) = (&need, plan.shortfall_means[mu]) {
                    let n = need[t] * idx;
                    acc.means[off + 3 * t].add(if total < n { 1.0 } else { 0.0 });
                    acc.means[off + 3 * t + 1].add((n - total).max(0.0));
                    acc.means[off + 3 * t + 2].add(n);
                }
            }
        }
        if let Some(kept) = &mut w.kept {
            for (s, _) in streams.iter().enumerate() {
                kept[plan.stream_rows[mu] + s].copy_from_slice(&vals[s]);
            }
        }
        // Statistics: per stream and year, and the NPV per stream.
        for (s, _) in streams.iter().enumerate() {
            let base = plan.muni_cells[mu] + s * t_n;
            for t in 0..t_n {
                let cell = &mut acc.cells[base + t];
                for b in 0..nb {
                    cell.add(vals[s][t * lanes + b]);
                }
            }
            let cell = &mut acc.cells[plan.npv_cells[mu] + s];
            for b in 0..nb {
                let v: f64 = (0..t_n)
                    .map(|t| vals[s][t * lanes + b] * plan.discount[t])
                    .sum();
                cell.add(v);
            }
        }
    }
}
