//! Development funds: balances, payouts and their split among members (docs/model.md section 3).

use super::plan::Plan;
use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Block, Work};
use crate::model::{Allocation, Model};

pub fn simulate(m: &Model, plan: &Plan, seeds: &Seeds, blk: &Block, w: &mut Work) {
    for (fi, f) in m.funds.iter().enumerate() {
        if !plan.fund_live[fi] {
            continue;
        }
        let pops: Vec<f64> = f
            .members
            .iter()
            .map(|&mu| m.municipalities[mu].population)
            .collect();
        let total_pop: f64 = pops.iter().sum();
        let n = f.members.len();
        let off = w.pay_offset[fi];
        for b in 0..blk.lanes {
            let path = blk.path(b);
            let mut draws: Vec<Stream> = match f.allocation {
                Allocation::Competitive { winners } if winners < n => plan.winner_keys[fi]
                    .iter()
                    .map(|k| Stream::new(seeds.of(Group::Allocation), *k, Purpose::Winner, path))
                    .collect(),
                _ => Vec::new(),
            };
            let mut balance = 0.0;
            for t in 0..m.years {
                balance += w.fund_in[[fi, t, b]];
                let out = f.disburse * balance;
                balance -= out;
                w.fund_out[[fi, t, b]] = out;
                w.fund_bal[[fi, t, b]] = balance;
                match f.allocation {
                    Allocation::Population => {
                        for (k, pop) in pops.iter().enumerate() {
                            w.pay[[off + k, t, b]] = out * pop / total_pop;
                        }
                    }
                    Allocation::Equal => {
                        for k in 0..n {
                            w.pay[[off + k, t, b]] = out / n as f64;
                        }
                    }
                    Allocation::Competitive { winners } if winners >= n => {
                        for k in 0..n {
                            w.pay[[off + k, t, b]] = out / n as f64;
                        }
                    }
                    Allocation::Competitive { winners } => {
                        // Drawing winners one after another with probability proportional to
                        // population among those left is the same as taking the `winners`
                        // largest keys u^(1/pop) (Efraimidis and Spirakis, 2006); in logs,
                        // ln(u) / pop. Each member's key comes from its own stream.
                        let keys: Vec<f64> = draws
                            .iter_mut()
                            .zip(&pops)
                            .map(|(s, pop)| s.uniform().ln() / pop)
                            .collect();
                        let mut order: Vec<usize> = (0..n).collect();
                        order.sort_by(|a, c| keys[*c].total_cmp(&keys[*a]).then(a.cmp(c)));
                        for k in 0..n {
                            w.pay[[off + k, t, b]] = 0.0;
                        }
                        for &k in &order[..winners] {
                            w.pay[[off + k, t, b]] = out / winners as f64;
                        }
                    }
                }
                if f.counts_for_grant {
                    for (k, &mu) in f.members.iter().enumerate() {
                        w.counted[[mu, t, b]] += w.pay[[off + k, t, b]];
                    }
                }
            }
        }
    }
}
