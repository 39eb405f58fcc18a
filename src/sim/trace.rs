//! One path simulated alone, with every value it produced: for tests and for reading a path
//! by hand.

use super::plan::Plan;
use super::*;
use ndarray::Array3;

/// Every value of one path, for tests and for looking at a single path by hand.
#[derive(Debug, Clone)]
pub struct Trace {
    /// `[driver][t]`
    pub drivers: Vec<Vec<f64>>,
    /// `[project][t]`: state (see [`projects`]), output, revenue, payroll.
    pub state: Vec<Vec<u8>>,
    pub output: Vec<Vec<f64>>,
    pub revenue: Vec<Vec<f64>>,
    pub payroll: Vec<Vec<f64>>,
    /// Per municipality: (stream name, values by year).
    pub streams: Vec<Vec<(String, Vec<f64>)>>,
    /// Per fund: inflow, outflow and balance by year.
    pub funds: Vec<[Vec<f64>; 3]>,
    /// Republic: (instrument id, values by year).
    pub republic: Vec<(String, Vec<f64>)>,
    /// Oblast budgets: (oblast, instrument id, values by year).
    pub oblasts: Vec<(String, String, Vec<f64>)>,
    /// Per instrument: due inside the horizon, paid after it.
    pub pending: Vec<f64>,
    /// Everything due, after the payment draws.
    pub due: f64,
    /// Budget rules (docs/model.md section 10), as `rules.parquet` orders them: rule by rule,
    /// each at the municipalities it applies to.
    pub rules: Vec<RuleTrace>,
}

/// One budget rule at one municipality in one path.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTrace {
    pub rule: String,
    pub municipality: usize,
    pub spending: Vec<f64>,
    pub reserve: Vec<f64>,
    pub crunch: Vec<bool>,
}

impl Trace {
    pub fn stream(&self, muni: usize, name: &str) -> &[f64] {
        &self.streams[muni]
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("municipality {muni} lists no stream {name}"))
            .1
    }
}

/// Simulates path `path` of `model` alone and returns all its values.
pub fn trace(model: &Model, seed: u64, path: u64) -> Result<Trace, SimError> {
    let p = Prepared {
        name: "trace".into(),
        model,
        plan: Plan::new(model),
        compare: None,
    };
    let mut w = Work::new(model, &p.plan);
    let width = LANES;
    w.keep_all(&p.plan, model.years, width);
    let mut acc = Accumulators::new(&p.plan, None);
    let blk = Block {
        first: path,
        lanes: 1,
        width,
    };
    simulate_block(&p, &rng::Seeds::new(seed), &blk, &mut w, &mut acc, None)?;
    let t_n = model.years;
    let col = |a: &Array3<f64>, e: usize| (0..t_n).map(|t| a[[e, t, 0]]).collect::<Vec<f64>>();
    let kept = w.kept.as_ref().expect("kept");
    Ok(Trace {
        drivers: (0..model.drivers.len()).map(|d| col(&w.x, d)).collect(),
        state: (0..model.projects.len())
            .map(|j| (0..t_n).map(|t| w.pp.state[[j, t, 0]]).collect())
            .collect(),
        output: (0..model.projects.len())
            .map(|j| col(&w.pp.output, j))
            .collect(),
        revenue: (0..model.projects.len())
            .map(|j| col(&w.pp.revenue, j))
            .collect(),
        payroll: (0..model.projects.len())
            .map(|j| col(&w.pp.payroll, j))
            .collect(),
        streams: p
            .plan
            .streams
            .iter()
            .enumerate()
            .map(|(mu, ss)| {
                ss.iter()
                    .enumerate()
                    .map(|(s, kind)| {
                        let row = &kept[p.plan.stream_rows[mu] + s];
                        (kind.name(model), (0..t_n).map(|t| row[t * width]).collect())
                    })
                    .collect()
            })
            .collect(),
        funds: (0..model.funds.len())
            .map(|f| [col(&w.fund_in, f), col(&w.fund_out, f), col(&w.fund_bal, f)])
            .collect(),
        republic: p
            .plan
            .republic
            .iter()
            .enumerate()
            .map(|(k, &i)| (model.instruments[i].id.clone(), col(&w.republic, k)))
            .collect(),
        oblasts: p
            .plan
            .oblast_streams
            .iter()
            .enumerate()
            .map(|(k, &(o, i))| {
                (
                    model.oblasts[o].clone(),
                    model.instruments[i].id.clone(),
                    col(&w.oblast, k),
                )
            })
            .collect(),
        pending: (0..model.instruments.len())
            .map(|i| w.pending[[i, 0]])
            .collect(),
        due: w.due[0],
        rules: rule_traces(&p.plan, &kept_stream(model, &p.plan, kept, width)),
    })
}

/// Each municipality's `project_total` by year, from the kept values of one path.
fn kept_stream(m: &Model, plan: &Plan, kept: &[Vec<f64>], width: usize) -> Vec<Vec<f64>> {
    (0..m.municipalities.len())
        .map(|mu| {
            let s = plan.streams[mu]
                .iter()
                .position(|k| *k == super::plan::MuniStream::ProjectTotal)
                .expect("every municipality lists project_total");
            let row = &kept[plan.stream_rows[mu] + s];
            (0..m.years).map(|t| row[t * width]).collect()
        })
        .collect()
}

/// The budget rules of one path, from each municipality's project money.
fn rule_traces(plan: &Plan, project: &[Vec<f64>]) -> Vec<RuleTrace> {
    let mut out = Vec::new();
    for (ri, rule) in plan.rules.iter().enumerate() {
        for (mu, which) in plan.rule_munis.iter().enumerate() {
            if !which.contains(&ri) {
                continue;
            }
            let n = project[mu].len();
            let mut r = RuleTrace {
                rule: rule.id.clone(),
                municipality: mu,
                spending: vec![0.0; n],
                reserve: vec![0.0; n],
                crunch: vec![false; n],
            };
            super::rules::apply(
                rule,
                &project[mu],
                &mut r.spending,
                &mut r.reserve,
                &mut r.crunch,
            );
            out.push(r);
        }
    }
    out
}
