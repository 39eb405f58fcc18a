//! Municipal budget rules (docs/model.md section 10), evaluated on each path's project money
//! right after the budgets stage has computed it: a reserve account per (rule, municipality),
//! its spending, and their statistics. Nothing here feeds back into the fiscal system.
//!
//! `budgets` keeps, while it walks the years of a municipality, each lane's project money,
//! its budget without project money (own revenue and grant) and its spending need; once the
//! last year is done, [`accumulate`] runs every rule of that municipality over each lane's
//! series ([`apply`], one path at a time, in year order) and adds the results to the cells
//! laid out by the plan: per rule, year by year the streams of [`YEAR_STREAMS`], then the
//! three of [`WHOLE_STREAMS`]; and to the means of crunches and shortfalls. The reference
//! `as_received` adds only its volatility: the rest of it is the municipality's own
//! `project_total`, `budget_total` and shortfall (`Plan::rule_slot`).

use super::Accumulators;
use crate::model::{BudgetRule, Model, Spend};
use crate::results::stream;
use crate::stats;

/// The yearly streams of a rule at a municipality, in cell order.
pub const YEAR_STREAMS: [&str; 3] = ["spending", stream::RESERVE, "budget"];
/// The streams of a rule over the whole horizon (no year), in cell order.
pub const WHOLE_STREAMS: [&str; 3] = [
    stream::NPV_SPENDING,
    stream::FINAL_RESERVE,
    stream::VOLATILITY,
];

/// The tolerance of a crunch: a target above the money available by more than this share.
pub const CRUNCH_TOLERANCE: f64 = 1e-12;

/// A rule as the engine runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePlan {
    pub id: String,
    pub spend: Spend,
    /// `1 + reserve_return`.
    pub growth: f64,
    /// The cap in force in each year, if any.
    pub cap: Option<Vec<f64>>,
}

impl RulePlan {
    pub fn new(rule: &BudgetRule, m: &Model) -> RulePlan {
        RulePlan {
            id: rule.id().to_string(),
            spend: rule.spend(),
            growth: 1.0 + rule.reserve_return(),
            cap: rule.reserve_cap().map(|c| c.by_year(m.start_year, m.years)),
        }
    }
}

/// Statistics cells of the reference rule `as_received` at a municipality: its volatility
/// only (see `Plan::rule_slot`).
pub const REFERENCE_CELLS: usize = 1;

/// Statistics cells of one declared rule at one municipality.
pub fn cells_per_rule(years: usize) -> usize {
    YEAR_STREAMS.len() * years + WHOLE_STREAMS.len()
}

/// Means of one rule at one municipality: per year a crunch and a shortfall indicator, then
/// whether a path had any crunch.
pub fn means_per_rule(years: usize) -> usize {
    2 * years + 1
}

/// The mean of `xs` (not empty), summed in order.
fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// One path of one rule: from the project money `p` (one value per year), the spending `s`,
/// the reserve `f` at the end of each year and whether each year is a crunch (section 10:
/// `A = F[t-1] (1 + return) + P[t]`, `S = min(T, A)`, a crunch when `T > A (1 + 1e-12)`,
/// `F = A - S`, then anything above the cap released to spending).
pub fn apply(rule: &RulePlan, p: &[f64], s: &mut [f64], f: &mut [f64], crunch: &mut [bool]) {
    let mut reserve = 0.0;
    for t in 0..p.len() {
        let available = reserve * rule.growth + p[t];
        let target = match rule.spend {
            Spend::AsReceived => p[t],
            Spend::MovingAverage { years } => mean(&p[(t + 1).saturating_sub(years)..=t]),
            Spend::Partial { share, years } => {
                let trailing = if t == 0 {
                    p[0]
                } else {
                    mean(&p[t.saturating_sub(years)..t])
                };
                (1.0 - share) * p[t] + share * trailing
            }
            Spend::ShareOfReserve { share } => share * available,
        };
        crunch[t] = target > available * (1.0 + CRUNCH_TOLERANCE);
        let mut spent = target.min(available);
        reserve = available - spent;
        if let Some(cap) = &rule.cap {
            if reserve > cap[t] {
                spent += reserve - cap[t];
                reserve = cap[t];
            }
        }
        s[t] = spent;
        f[t] = reserve;
    }
}

/// The sample standard deviation (n - 1) of the year-on-year changes `s[t] - s[t-1]`,
/// `t = 1 .. T-1`; 0 when there are fewer than two changes (`T < 3`).
pub fn volatility(s: &[f64]) -> f64 {
    if s.len() < 3 {
        return 0.0;
    }
    let n = (s.len() - 1) as f64;
    let changes = || s.windows(2).map(|w| w[1] - w[0]);
    let m = changes().sum::<f64>() / n;
    let ss: f64 = changes().map(|d| (d - m) * (d - m)).sum();
    (ss / (n - 1.0)).sqrt()
}

/// Per-worker scratch space of the rules, each series lane by lane (`[lane * years + t]`),
/// so that a path's years are contiguous. Empty when the plan has no rules.
#[derive(Debug, Default)]
pub struct RuleWork {
    /// Project money, budget without it (own revenue and grant), spending need.
    pub p: Vec<f64>,
    pub base: Vec<f64>,
    pub need: Vec<f64>,
    s: Vec<f64>,
    f: Vec<f64>,
    crunch: Vec<bool>,
    /// One value per lane.
    buf: Vec<f64>,
    whole: [Vec<f64>; 4],
}

impl RuleWork {
    pub fn new(years: usize, lanes: usize, any: bool) -> RuleWork {
        if !any {
            return RuleWork::default();
        }
        let series = || vec![0.0; years * lanes];
        RuleWork {
            p: series(),
            base: series(),
            need: series(),
            s: series(),
            f: series(),
            crunch: vec![false; years * lanes],
            buf: vec![0.0; lanes],
            whole: std::array::from_fn(|_| vec![0.0; lanes]),
        }
    }
}

/// Where one municipality's rules go: its rules (indices into `rules`, the reference first),
/// and where the `k`-th of them keeps its statistics (first cell, first mean).
pub struct MuniRules<'a> {
    pub rules: &'a [RulePlan],
    pub which: &'a [usize],
    pub slots: &'a dyn Fn(usize) -> (usize, usize),
    pub discount: &'a [f64],
    pub has_need: bool,
}

/// Runs a municipality's rules on the first `nb` lanes of `w` (filled by `budgets`) and adds
/// their values to `acc`; the means (crunch and shortfall probabilities) only when `means`
/// (a second pass has them from the first).
pub fn accumulate(
    mr: &MuniRules,
    nb: usize,
    w: &mut RuleWork,
    acc: &mut Accumulators,
    means: bool,
) {
    let t_n = mr.discount.len();
    let RuleWork {
        p,
        base,
        need,
        s,
        f,
        crunch,
        buf,
        whole,
    } = w;
    let buf = &mut buf[..nb];
    for (k, &ri) in mr.which.iter().enumerate() {
        let rule = &mr.rules[ri];
        let (cell0, mean0) = (mr.slots)(k);
        let [npv, last, vol, any] = whole;
        if k == 0 {
            // The reference spends what arrives: only its volatility is its own.
            debug_assert_eq!(rule.spend, Spend::AsReceived);
            for (b, v) in vol[..nb].iter_mut().enumerate() {
                *v = volatility(&p[b * t_n..(b + 1) * t_n]);
            }
            stats::add_in_order(&mut acc.cells, cell0, &vol[..nb]);
            continue;
        }
        for b in 0..nb {
            let lane = b * t_n..(b + 1) * t_n;
            let (sb, fb, cb) = (
                &mut s[lane.clone()],
                &mut f[lane.clone()],
                &mut crunch[lane],
            );
            apply(rule, &p[b * t_n..(b + 1) * t_n], sb, fb, cb);
            // The NPV as the budgets stage sums a stream's: in year order, from -0.0.
            npv[b] = sb.iter().zip(mr.discount).fold(-0.0, |n, (x, d)| n + x * d);
            last[b] = fb[t_n - 1];
            vol[b] = volatility(sb);
            any[b] = if cb.iter().any(|c| *c) { 1.0 } else { 0.0 };
        }
        for t in 0..t_n {
            let at = |v: &[f64], b: usize| v[b * t_n + t];
            let cell = cell0 + YEAR_STREAMS.len() * t;
            for (b, x) in buf.iter_mut().enumerate() {
                *x = at(s, b);
            }
            stats::add_in_order(&mut acc.cells, cell, buf);
            for (b, x) in buf.iter_mut().enumerate() {
                *x = at(f, b);
            }
            stats::add_in_order(&mut acc.cells, cell + 1, buf);
            for (b, x) in buf.iter_mut().enumerate() {
                *x = at(base, b) + at(s, b);
            }
            stats::add_in_order(&mut acc.cells, cell + 2, buf);
            if !means {
                continue;
            }
            if mr.has_need {
                // `buf` holds the budgets.
                for (b, x) in buf.iter_mut().enumerate() {
                    *x = if *x < at(need, b) { 1.0 } else { 0.0 };
                }
                acc.means[mean0 + 2 * t + 1].add_all(buf);
            }
            for (b, x) in buf.iter_mut().enumerate() {
                *x = if crunch[b * t_n + t] { 1.0 } else { 0.0 };
            }
            acc.means[mean0 + 2 * t].add_all(buf);
        }
        let cell = cell0 + YEAR_STREAMS.len() * t_n;
        for (j, v) in [&*npv, &*last, &*vol].into_iter().enumerate() {
            stats::add_in_order(&mut acc.cells, cell + j, &v[..nb]);
        }
        if means {
            acc.means[mean0 + 2 * t_n].add_all(&any[..nb]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(spend: Spend, ret: f64, cap: Option<Vec<f64>>) -> RulePlan {
        RulePlan {
            id: "r".into(),
            spend,
            growth: 1.0 + ret,
            cap,
        }
    }

    fn run(r: &RulePlan, p: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<bool>) {
        let n = p.len();
        let (mut s, mut f, mut c) = (vec![0.0; n], vec![0.0; n], vec![false; n]);
        apply(r, p, &mut s, &mut f, &mut c);
        (s, f, c)
    }

    /// Project money that steps up and stops: 0, 100, 100, 0, 0.
    const P: [f64; 5] = [0.0, 100.0, 100.0, 0.0, 0.0];

    #[test]
    fn as_received_spends_what_arrives_and_keeps_nothing() {
        let (s, f, c) = run(&rule(Spend::AsReceived, 0.0, None), &P);
        assert_eq!(s, P);
        assert_eq!(f, [0.0; 5]);
        assert_eq!(c, [false; 5]);
    }

    #[test]
    fn moving_average_by_hand() {
        // k = 2: T = 0, 50, 100, 50, 0; A = 0, 100, 150, 50, 0 (F = 0, 50, 50, 0, 0).
        let (s, f, c) = run(&rule(Spend::MovingAverage { years: 2 }, 0.0, None), &P);
        assert_eq!(s, [0.0, 50.0, 100.0, 50.0, 0.0]);
        assert_eq!(f, [0.0, 50.0, 50.0, 0.0, 0.0]);
        assert_eq!(c, [false; 5]);
        // k = 3: T = 0, 50, 66.67, 66.67, 33.33; A = 0, 100, 150, 83.33, 16.67: the last
        // year wants 33.33 but only 16.67 is left, a crunch.
        let (s, f, c) = run(&rule(Spend::MovingAverage { years: 3 }, 0.0, None), &P);
        let third = 200.0 / 3.0;
        assert_eq!(s[..3], [0.0, 50.0, third]);
        assert!(
            (s[3] - third).abs() < 1e-12 && (s[4] - (200.0 - 50.0 - 2.0 * third)).abs() < 1e-12
        );
        assert_eq!(f[4], 0.0);
        assert_eq!(c, [false, false, false, false, true]);
        assert!((s.iter().sum::<f64>() - 200.0).abs() < 1e-12);
    }

    #[test]
    fn partial_by_hand() {
        // s = 0.5, k = 2. M = 0 (P[0]), 0, 50, 100, 50.
        // T = 0, 50, 75, 50, 25; A = 0, 100, 150, 75, 25; F = 0, 50, 75, 25, 0.
        let (s, f, c) = run(
            &rule(
                Spend::Partial {
                    share: 0.5,
                    years: 2,
                },
                0.0,
                None,
            ),
            &P,
        );
        assert_eq!(s, [0.0, 50.0, 75.0, 50.0, 25.0]);
        assert_eq!(f, [0.0, 50.0, 75.0, 25.0, 0.0]);
        assert_eq!(c, [false; 5]);
        // s = 1, k = 1: spend last year's money. T = 0, 0, 100, 100, 0 and A = 0, 100, 200,
        // 100, 0: no crunch, and the money is spent a year late.
        let (s, f, _) = run(
            &rule(
                Spend::Partial {
                    share: 1.0,
                    years: 1,
                },
                0.0,
                None,
            ),
            &P,
        );
        assert_eq!(s, [0.0, 0.0, 100.0, 100.0, 0.0]);
        assert_eq!(f, [0.0, 100.0, 100.0, 0.0, 0.0]);
    }

    #[test]
    fn share_of_reserve_by_hand_with_a_return() {
        // r = 0.5, return 10%: A = 0, 100, 100 + 50 * 1.1 = 155, 77.5 * 1.1 = 85.25,
        // 42.625 * 1.1 = 46.8875; half of each is spent and half kept.
        let (s, f, c) = run(&rule(Spend::ShareOfReserve { share: 0.5 }, 0.1, None), &P);
        let want = [0.0, 50.0, 77.5, 42.625, 23.44375];
        for t in 0..5 {
            assert!((s[t] - want[t]).abs() < 1e-9, "{t}: {}", s[t]);
            assert!((f[t] - want[t]).abs() < 1e-9, "{t}: {}", f[t]);
        }
        assert_eq!(c, [false; 5]);
    }

    #[test]
    fn the_cap_releases_what_is_above_it() {
        // moving_average 5 with a cap of 30. t=1: T = 50 of A = 100, F = 50 > 30, so 20 more is
        // spent: S = 70, F = 30. t=2: T = 66.67 of A = 130, F = 63.33 > 30: S = 100, F = 30.
        // t=3: T = 50 > A = 30, a crunch: S = 30, F = 0. t=4: T = 40 > A = 0, a crunch.
        let (s, f, c) = run(
            &rule(Spend::MovingAverage { years: 5 }, 0.0, Some(vec![30.0; 5])),
            &P,
        );
        assert_eq!(s[..2], [0.0, 70.0]);
        assert!((s[2] - 100.0).abs() < 1e-12);
        assert_eq!(f, [0.0, 30.0, 30.0, 0.0, 0.0]);
        assert_eq!(s[3..], [30.0, 0.0]);
        assert_eq!(c, [false, false, false, true, true]);
    }

    #[test]
    fn money_is_conserved_without_a_return() {
        let p = [3.0, 17.5, 0.0, 250.0, 1e6, 0.0, 42.0];
        for spend in [
            Spend::AsReceived,
            Spend::MovingAverage { years: 3 },
            Spend::Partial {
                share: 0.3,
                years: 4,
            },
            Spend::ShareOfReserve { share: 0.2 },
        ] {
            for cap in [None, Some(vec![1000.0; 7])] {
                let (s, f, _) = run(&rule(spend, 0.0, cap), &p);
                let total: f64 = p.iter().sum();
                let out = s.iter().sum::<f64>() + f[6];
                assert!((out - total).abs() <= 1e-9 * total, "{spend:?}");
            }
        }
    }

    #[test]
    fn volatility_is_the_sample_sd_of_the_changes() {
        // Changes 1, 2, 3: mean 2, sum of squares 2, sd sqrt(2 / 2) = 1.
        assert_eq!(volatility(&[0.0, 1.0, 3.0, 6.0]), 1.0);
        assert_eq!(volatility(&[5.0, 9.0]), 0.0);
        assert_eq!(volatility(&[5.0]), 0.0);
        assert_eq!(volatility(&[1.0, 2.0, 3.0]), 0.0);
    }
}
