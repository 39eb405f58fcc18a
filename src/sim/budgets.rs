//! Municipal budgets: own revenue, the equalisation grant with its clawback, project money
//! and the spending need (docs/model.md section 3); and their statistics.

use super::compare::{self, Against};
use super::plan::{Plan, Source};
use super::rng::{Group, Purpose, Seeds, Stream};
use super::rules::{self, MuniRules};
use super::work::lanes_of;
use super::{Accumulators, Block, Needed, Prepared, Work};
use crate::stats;

/// Zeros for a lane-wide series that has none yet (last year's counts in the first year).
const ZEROS: [f64; super::LANES] = [0.0; super::LANES];

/// Computes every municipality's streams in every lane and adds them to the statistics.
/// A variant compared with the baseline (`against`) is compared municipality by municipality,
/// as soon as each one's budgets are done.
pub fn simulate(
    p: &Prepared,
    seeds: &Seeds,
    blk: &Block,
    w: &mut Work,
    acc: &mut Accumulators,
    against: Option<&Against>,
) {
    let (m, plan) = (p.model, &p.plan);
    let t_n = m.years;
    let lanes = blk.width;
    let nb = blk.lanes;
    let nm = m.municipalities.len();
    for i in 0..nm {
        let mu = (w.first_muni + i) % nm;
        let muni = &m.municipalities[mu];
        // A second pass may need only some municipalities, and only the receipts of some.
        let all = match acc.active.as_ref().map_or(Needed::All, |a| a[mu]) {
            Needed::Nothing => continue,
            Needed::Receipts => false,
            Needed::All => true,
        };
        let streams = &plan.streams[mu];
        let n_s = streams.len();
        // Budget rules run on the whole budget, after its last year (not in a pass that needs
        // only receipts).
        let has_rules = all && !plan.rule_munis[mu].is_empty();
        // This year's values of each stream, per lane (streams without a source stay zero),
        // and each stream's NPV so far.
        // The first of its rows in `kept`, if values are kept.
        let first_row = w.kept_row(plan, mu, 0);
        let (vals, npv) = (&mut w.year_vals, &mut w.npv);
        for (v, n) in vals.iter_mut().zip(npv.iter_mut()).take(n_s) {
            v.fill(0.0);
            n.fill(-0.0);
        }
        let (grant, need) = (&plan.grant[mu], &plan.need[mu]);
        // Whether any project money counts towards its own revenue (else that stays zero).
        let counted = plan.counted_munis.binary_search(&mu).is_ok();
        // Each path's growth shocks, years 1.., drawn path by path from its own stream (not
        // needed for receipts only).
        let z = &mut w.growth;
        for b in 0..if all { nb } else { 0 } {
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
        // Then year by year, every lane together; each year's values go to their statistics
        // at once, while they are in cache.
        let (own, project, community) = (&mut w.own, &mut w.project, &mut w.community);
        own[..nb].fill(muni.own_revenue);
        for t in 0..t_n {
            project[..nb].fill(0.0);
            community[..nb].fill(0.0);
            for (s, src) in plan.sources[mu].iter().enumerate() {
                let row = &mut vals[s][..nb];
                let to_community = match *src {
                    Source::None => continue,
                    Source::Routed(r, c) => {
                        row.copy_from_slice(lanes_of(&w.routed, r, t, nb));
                        c
                    }
                    Source::Pay(f, k) => {
                        plan.splits[f].member_lanes(
                            k,
                            lanes_of(&w.fund_out, f, t, nb),
                            lanes_of(&w.pay, w.pay_offset[f] + k, t, nb),
                            row,
                        );
                        false
                    }
                };
                let sum = if to_community {
                    &mut community[..nb]
                } else {
                    &mut project[..nb]
                };
                for (p, v) in sum.iter_mut().zip(row.iter()) {
                    *p += v;
                }
            }
            if !all {
                // Receipts only: with their total, all its cells need.
                let [_, _, project_v, ..] = &mut vals[..] else {
                    unreachable!("every municipality has its four budget streams")
                };
                project_v[..nb].copy_from_slice(&project[..nb]);
                if plan.real {
                    let cpi = &w.cpi[t * lanes..t * lanes + nb];
                    let real = vals[n_s - 2][..nb].iter_mut();
                    for ((r, p), i) in real.zip(&project[..nb]).zip(cpi) {
                        *r = p / i;
                    }
                }
                add_to_statistics(plan, mu, t, n_s, vals, npv, acc, nb);
                continue;
            }
            // Lane by lane, over slices cut to the block's lanes, so the loops vectorise.
            let lane = t * lanes..t * lanes + nb;
            if t > 0 {
                for (o, z) in own[..nb].iter_mut().zip(&z[lane.clone()]) {
                    *o *= 1.0 + (muni.growth_mean + muni.growth_sd * z).max(-0.9);
                }
            }
            let cpi = &w.cpi[lane];
            // Last year's counted own revenue, which the grant claws back.
            let prev = if t > 0 && counted {
                lanes_of(&w.counted, mu, t - 1, nb)
            } else {
                &ZEROS[..nb]
            };
            let [own_v, grant_v, project_v, total_v, ..] = &mut vals[..] else {
                unreachable!("every municipality has its four budget streams")
            };
            let (own, project, community) = (&own[..nb], &project[..nb], &community[..nb]);
            let received = &mut w.received[..nb];
            let [short, gap, needed] = &mut w.shortfall;
            let rw = &mut w.rules;
            for b in 0..nb {
                let idx = if muni.indexed { cpi[b] } else { 1.0 };
                let g = (grant[t] * idx - muni.grant_offset * prev[b]).max(0.0);
                own_v[b] = own[b];
                grant_v[b] = g;
                project_v[b] = project[b];
                let total = own[b] + g + project[b];
                total_v[b] = total;
                received[b] += project[b] + community[b];
                if let Some(need) = need {
                    let n = need[t] * idx;
                    short[b] = if total < n { 1.0 } else { 0.0 };
                    gap[b] = (n - total).max(0.0);
                    needed[b] = n;
                }
            }
            if has_rules {
                // Each lane's series, for the rules once the last year is done.
                for b in 0..nb {
                    let at = b * t_n + t;
                    rw.p[at] = project_v[b];
                    rw.base[at] = own_v[b] + grant_v[b];
                    rw.need[at] = needed[b];
                }
            }
            if plan.real {
                // The last two streams, from the third and fourth (project and budget totals).
                let (nominal, real) = vals[..n_s].split_at_mut(n_s - 2);
                for (r, x) in real.iter_mut().zip(&nominal[2..4]) {
                    for ((r, x), i) in r[..nb].iter_mut().zip(&x[..nb]).zip(cpi) {
                        *r = x / i;
                    }
                }
            }
            // A municipality has shortfall means exactly when it has a need (a second pass,
            // with active municipalities, needs no means).
            if let (Some(off), None) = (plan.shortfall_means[mu], &acc.active) {
                for (k, series) in w.shortfall.iter().enumerate() {
                    acc.means[off + 3 * t + k].add_all(&series[..nb]);
                }
            }
            if let Some(kept) = &mut w.kept {
                for (s, v) in vals.iter().enumerate().take(n_s) {
                    kept[first_row + s][t * lanes..t * lanes + nb].copy_from_slice(&v[..nb]);
                }
            }
            add_to_statistics(plan, mu, t, n_s, vals, npv, acc, nb);
        }
        for (s, n) in npv.iter().enumerate().take(n_s) {
            stats::add_in_order(&mut acc.cells, plan.npv_cells[mu] + s, &n[..nb]);
        }
        if has_rules {
            let mr = MuniRules {
                rules: &plan.rules,
                which: &plan.rule_munis[mu],
                slots: &|k| plan.rule_slot(mu, k),
                discount: &plan.discount,
                has_need: need.is_some(),
            };
            // A second pass has the means from the first.
            rules::accumulate(&mr, nb, &mut w.rules, acc, acc.active.is_none());
        }
        if let (Some(against), Some(kept)) = (against, &w.kept) {
            compare::compare_muni(against, p, blk, mu, (kept, w.kept_one), acc);
        }
    }
}

/// Adds a municipality's values of year `t` to their statistics, and to each stream's NPV.
#[allow(clippy::too_many_arguments)]
fn add_to_statistics(
    plan: &Plan,
    mu: usize,
    t: usize,
    n_s: usize,
    vals: &[Vec<f64>],
    npv: &mut [Vec<f64>],
    acc: &mut Accumulators,
    nb: usize,
) {
    for (s, v) in vals.iter().enumerate().take(n_s) {
        // A multiple of another cell (a fund's share, an indexed grant) is summarised from it.
        if plan.scaled[mu][s].is_none() {
            stats::add_in_order(&mut acc.cells, plan.muni_cell(mu, s, t), &v[..nb]);
        }
        for (n, x) in npv[s][..nb].iter_mut().zip(&v[..nb]) {
            *n += x * plan.discount[t];
        }
    }
}
