//! Per-path values of the budget levels above municipalities (`republic`, `oblast:<name>`,
//! `fund:<id>`, docs/model.md section 6), appended to a kept block after the municipal rows
//! when a run asks for them ([`super::run_keeping_levels`]); `aimak backtest` scores levels
//! from them. They are read from the workspace once a block is simulated, so the stages
//! themselves do not change.

use super::plan::Plan;
use super::{Block, Work};
use crate::model::Model;

/// The level rows, in the order [`level_values`] fills them: the republic's instruments and
/// `total`, each oblast's instruments and `total`, then each fund's `inflow`, `outflow` and
/// `balance`, as (level, stream).
pub(super) fn level_rows(m: &Model, plan: &Plan) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let inst = |i: usize| m.instruments[i].id.clone();
    for &i in &plan.republic {
        rows.push(("republic".to_string(), inst(i)));
    }
    rows.push(("republic".to_string(), "total".to_string()));
    for (o, name) in m.oblasts.iter().enumerate() {
        let level = format!("oblast:{name}");
        for i in plan.oblast_instruments(o) {
            rows.push((level.clone(), inst(i)));
        }
        rows.push((level, "total".to_string()));
    }
    for f in &m.funds {
        for s in ["inflow", "outflow", "balance"] {
            rows.push((format!("fund:{}", f.id), s.to_string()));
        }
    }
    rows
}

/// The level rows of a simulated block, each `[t * width + lane]` like the municipal rows.
pub(super) fn level_values(m: &Model, plan: &Plan, blk: &Block, w: &Work) -> Vec<Vec<f64>> {
    let (t_n, nb, width) = (m.years, blk.lanes, blk.width);
    let mut out = Vec::new();
    let mut row = |f: &dyn Fn(usize, usize) -> f64| {
        let mut v = vec![0.0; t_n * width];
        for t in 0..t_n {
            for b in 0..nb {
                v[t * width + b] = f(t, b);
            }
        }
        out.push(v);
    };
    let nr = plan.republic.len();
    for k in 0..nr {
        row(&|t, b| w.republic[[k, t, b]]);
    }
    row(&|t, b| (0..nr).map(|k| w.republic[[k, t, b]]).sum());
    for o in 0..m.oblasts.len() {
        let rows: Vec<usize> = (0..plan.oblast_streams.len())
            .filter(|&r| plan.oblast_streams[r].0 == o)
            .collect();
        for &r in &rows {
            row(&|t, b| w.oblast[[r, t, b]]);
        }
        row(&|t, b| rows.iter().map(|&r| w.oblast[[r, t, b]]).sum());
    }
    for f in 0..m.funds.len() {
        row(&|t, b| w.fund_in[[f, t, b]]);
        row(&|t, b| w.fund_out[[f, t, b]]);
        row(&|t, b| w.fund_bal[[f, t, b]]);
    }
    out
}
