//! Development funds: balances, payouts and their split among members (docs/model.md section 3).

use super::plan::{Plan, Split};
use super::rng::{Group, Purpose, Seeds, Stream};
use super::work::lanes_of;
use super::{Block, Work, LANES};
use crate::model::Model;
use ndarray::s;

pub fn simulate(m: &Model, plan: &Plan, seeds: &Seeds, blk: &Block, w: &mut Work) {
    let nb = blk.lanes;
    // Reused for every path of a competitive fund: members' streams, keys and ranking.
    let mut draws: Vec<Stream> = Vec::new();
    let mut keys: Vec<f64> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    for (fi, f) in m.funds.iter().enumerate() {
        if !plan.fund_live[fi] {
            continue;
        }
        let n = f.members.len();
        let off = w.pay_offset[fi];
        // Balance and payout, year by year, every lane together.
        let balance = &mut w.balance[..nb];
        balance.fill(0.0);
        for t in 0..m.years {
            for (b, bal) in balance.iter_mut().enumerate() {
                *bal += w.fund_in[[fi, t, b]];
                // The payout share in force in the payout year (docs/model.md section 11).
                let disburse = if plan.switching {
                    m.disburse(w.law[t * blk.width + b] as usize, fi)
                } else {
                    f.disburse
                };
                let out = disburse * *bal;
                *bal -= out;
                w.fund_out[[fi, t, b]] = out;
                w.fund_bal[[fi, t, b]] = *bal;
            }
        }
        // The payout's split among members: drawn winners are written out; fixed shares are
        // computed where they are used (`Split::member_lanes`).
        if let Split::Drawn { winners, pops } = &plan.splits[fi] {
            let winners = *winners;
            for b in 0..nb {
                let path = blk.path(b);
                draws.clear();
                draws.extend(
                    plan.winner_keys[fi].iter().map(|k| {
                        Stream::new(seeds.of(Group::Allocation), *k, Purpose::Winner, path)
                    }),
                );
                for t in 0..m.years {
                    let out = w.fund_out[[fi, t, b]];
                    // Drawing winners one after another with probability proportional to
                    // population among those left is the same as taking the `winners`
                    // largest keys u^(1/pop) (Efraimidis and Spirakis, 2006); in logs,
                    // ln(u) / pop. Each member's key comes from its own stream.
                    keys.clear();
                    keys.extend(
                        draws
                            .iter_mut()
                            .zip(pops)
                            .map(|(s, pop)| s.uniform().ln() / pop),
                    );
                    select_winners(&keys, winners, &mut order);
                    for k in 0..n {
                        w.pay[[off + k, t, b]] = 0.0;
                    }
                    for &k in &order[..winners] {
                        w.pay[[off + k, t, b]] = out / winners as f64;
                    }
                }
            }
        }
        if f.counts_for_grant {
            let mut paid = [0.0; LANES];
            for (k, &mu) in f.members.iter().enumerate() {
                for t in 0..m.years {
                    plan.splits[fi].member_lanes(
                        k,
                        lanes_of(&w.fund_out, fi, t, nb),
                        lanes_of(&w.pay, off + k, t, nb),
                        &mut paid[..nb],
                    );
                    for (c, x) in w.counted.slice_mut(s![mu, t, ..nb]).iter_mut().zip(&paid) {
                        *c += x;
                    }
                }
            }
        }
    }
}

/// Puts the members with the `winners` largest keys (ties to the lower index) first in
/// `order`, in no particular order among themselves. Only the set matters (each winner receives
/// the same share), so they are selected rather than every member sorted; the order is total,
/// so the set is the one a sort would give.
fn select_winners(keys: &[f64], winners: usize, order: &mut Vec<usize>) {
    order.clear();
    order.extend(0..keys.len());
    if winners == 0 || winners >= keys.len() {
        return;
    }
    order.select_nth_unstable_by(winners - 1, |a, c| {
        keys[*c].total_cmp(&keys[*a]).then(a.cmp(c))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selected_winners_are_the_set_a_full_sort_gives() {
        // Keys with ties and both signs, as ln(u) / population gives (all <= 0) and beyond.
        let mut x: u64 = 12345;
        for n in 1..40usize {
            let keys: Vec<f64> = (0..n)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 33) % 7) as f64 - 5.0
                })
                .collect();
            for winners in 1..n {
                let mut sorted: Vec<usize> = (0..n).collect();
                sorted.sort_by(|a, c| keys[*c].total_cmp(&keys[*a]).then(a.cmp(c)));
                let mut want = sorted[..winners].to_vec();
                let mut order = Vec::new();
                select_winners(&keys, winners, &mut order);
                let mut got = order[..winners].to_vec();
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "n {n}, winners {winners}, keys {keys:?}");
            }
        }
    }
}
