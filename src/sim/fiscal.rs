//! Instruments: the amount each fiscal rule makes due, and where it goes (docs/model.md section 5).

use super::plan::{Dest, Plan};
use super::projects::{ProjectPaths, PRODUCING, SUSPENDED};
use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Block, Work};
use crate::model::{Amount, At, Charge, Model, Rate, When};

/// Computes every instrument's amounts for every project it applies to, and routes them.
pub fn simulate(
    m: &Model,
    plan: &Plan,
    seeds: &Seeds,
    blk: &Block,
    pp: &ProjectPaths,
    w: &mut Work,
) {
    let lanes = blk.width;
    let n_laws = plan.n_laws.max(1);
    for fl in &plan.flows {
        let inst = &m.instruments[fl.instrument];
        let proj = &m.projects[fl.project];
        let j = fl.project;
        // The payment draw is made if any law leaves payment uncertain.
        let uncertain = (0..n_laws).any(|r| m.law(r, fl.instrument).1 < 1.0);
        for b in 0..blk.lanes {
            let path = blk.path(b);
            let lognormal = match inst.charge.amount() {
                Some(Amount::LogNormal { median, sigma }) => {
                    let z = Stream::new(seeds.of(Group::Payment), fl.key, Purpose::Amount, path)
                        .normal();
                    Some(median * (sigma * z).exp())
                }
                _ => None,
            };
            let mut payment = uncertain
                .then(|| Stream::new(seeds.of(Group::Payment), fl.key, Purpose::Payment, path));
            for t in 0..m.years {
                let y = m.year(t);
                // Everything due in year t follows the law in force in year t (docs/model.md
                // section 11), and keeps its route when it is paid later.
                let law = if plan.switching {
                    w.law[t * lanes + b] as usize
                } else {
                    0
                };
                let (charge, probability) = m.law(law, fl.instrument);
                // The payment draw is taken every year, so year t's draw depends on t alone.
                let paid = match &mut payment {
                    Some(s) => s.uniform() < probability,
                    None => true,
                };
                let state = pp.state[[j, t, b]];
                let holds = match inst.when {
                    When::Producing => state == PRODUCING,
                    When::Active => state == PRODUCING || state == SUSPENDED,
                };
                if !holds || !paid {
                    continue;
                }
                let fx = if inst.usd { w.fx[t * lanes + b] } else { 1.0 };
                let idx = if inst.indexed {
                    w.cpi[t * lanes + b]
                } else {
                    1.0
                };
                let rate = |r: &Rate| match r {
                    Rate::Scale { driver, .. } => r.at(y, w.x[[*driver, t, b]]),
                    Rate::Dated(_) => r.at(y, 0.0),
                };
                // A log-normal amount is drawn once per path, above.
                let amount = |a: &Amount| match a {
                    Amount::Dated(d) => d.at(y),
                    Amount::LogNormal { .. } => lognormal.unwrap_or(0.0),
                };
                let due = match charge {
                    Charge::GrossRevenue(r) => rate(r) * pp.revenue[[j, t, b]],
                    Charge::Payroll(r) => rate(r) * pp.payroll[[j, t, b]],
                    Charge::Output(r) => rate(r) * pp.output[[j, t, b]] * fx * idx,
                    Charge::Hectares(r) => rate(r) * proj.hectares * fx * idx,
                    Charge::Fixed(a) => amount(a) * fx * idx,
                    Charge::OneOff { amount: a, at } => {
                        let falls = match at {
                            At::Year(year) => *year == y,
                            At::Start => pp.start[[j, b]] == y,
                        };
                        if falls {
                            amount(a) * fx * idx
                        } else {
                            0.0
                        }
                    }
                };
                if due == 0.0 {
                    continue;
                }
                w.due[b] += due;
                let t_pay = t + inst.lag_years;
                if t_pay >= m.years {
                    w.pending[[fl.instrument, b]] += due;
                    continue;
                }
                for &(dest, share, counted) in &fl.dests[law] {
                    let v = due * share;
                    match dest {
                        Dest::Routed(r) => w.routed[[r, t_pay, b]] += v,
                        Dest::Fund(f) => w.fund_in[[f, t_pay, b]] += v,
                        Dest::Republic(k) => w.republic[[k, t_pay, b]] += v,
                        Dest::Oblast(k) => w.oblast[[k, t_pay, b]] += v,
                    }
                    if let Some(mu) = counted {
                        w.counted[[mu, t_pay, b]] += v;
                    }
                }
            }
        }
    }
}
