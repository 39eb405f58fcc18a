//! The blocks of paths the engine simulates together, and each worker's scratch space.

use super::plan::Plan;
use super::projects::ProjectPaths;
use super::LANES;
use crate::model::Model;
use ndarray::{s, Array2, Array3, Axis};

/// The first `nb` lanes of row `r`, year `t` of a workspace array.
#[inline]
pub(super) fn lanes_of(a: &Array3<f64>, r: usize, t: usize, nb: usize) -> &[f64] {
    let row = a.slice(s![r, t, ..nb]);
    row.to_slice().expect("lanes are contiguous")
}

/// A block of consecutive paths.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub first: u64,
    /// Lanes in use (the last block may be partial).
    pub lanes: usize,
    /// Allocated lanes (the stride of workspace arrays).
    pub width: usize,
}

impl Block {
    #[inline]
    pub fn path(&self, b: usize) -> u64 {
        self.first + b as u64
    }
}

/// Per-block scratch space of one variant, allocated once per worker.
pub struct Work {
    pub x: Array3<f64>,
    pub z: Array3<f64>,
    pub cpi: Vec<f64>,
    pub fx: Vec<f64>,
    pub pp: ProjectPaths,
    pub routed: Array3<f64>,
    pub counted: Array3<f64>,
    pub fund_in: Array3<f64>,
    pub fund_out: Array3<f64>,
    pub fund_bal: Array3<f64>,
    /// Fund payouts per (fund member row, year, lane), written only for drawn (competitive)
    /// splits (`plan::Split`); rows of fund `f` start at `pay_offset[f]`.
    pub pay: Array3<f64>,
    pub pay_offset: Vec<usize>,
    pub republic: Array3<f64>,
    pub oblast: Array3<f64>,
    pub pending: Array2<f64>,
    /// Per lane: all amounts due, and what was accounted for (for the conservation check).
    pub due: Vec<f64>,
    pub received: Vec<f64>,
    pub accounted: Vec<f64>,
    /// Per municipal stream, one value per lane: this year's value, and the NPV so far.
    pub year_vals: Vec<Vec<f64>>,
    pub npv: Vec<Vec<f64>>,
    /// One value per lane: a municipality's own revenue, project and community money in the
    /// current year.
    pub own: Vec<f64>,
    pub project: Vec<f64>,
    pub community: Vec<f64>,
    /// A municipality's shortfall in the current year, per lane: whether its budget falls
    /// short of its spending need, by how much, and the need.
    pub shortfall: [Vec<f64>; 3],
    /// A fund's balance in each lane.
    pub balance: Vec<f64>,
    /// A municipality's growth shocks, `[t * width + lane]`.
    pub growth: Vec<f64>,
    /// The municipality this worker's budgets start from (then in order, wrapping round), so
    /// that workers adding to shared histograms seldom wait for the same cell.
    pub first_muni: usize,
    /// When per-path values are wanted (traces, kept paths, the baseline of paired
    /// differences): every municipal stream's values, rows as `Plan::stream_rows`, each
    /// `[t * width + lane]`. A variant compared with the baseline and nothing else keeps one
    /// municipality's rows at a time ([`Work::keep_one_municipality`]): it is compared
    /// municipality by municipality as its budgets are computed.
    pub kept: Option<Vec<Vec<f64>>>,
    /// Whether `kept` holds only the current municipality's rows (from its first stream).
    pub kept_one: bool,
    /// The budget rules' series (empty without rules).
    pub rules: super::rules::RuleWork,
    /// The law in force per `[t * width + lane]` (docs/model.md section 11); written only
    /// when the law can change (`Plan::switching`), else every value is 0, the law as written.
    pub law: Vec<u8>,
}

impl Work {
    /// Keeps every municipal stream's values of a block (`kept`, whole).
    pub fn keep_all(&mut self, plan: &Plan, years: usize, width: usize) {
        self.kept = Some(vec![vec![0.0; years * width]; plan.n_rows]);
        self.kept_one = false;
    }

    /// Keeps one municipality's streams at a time: enough to compare a variant with the
    /// baseline as its budgets are computed, in a tiny part of the room.
    pub fn keep_one_municipality(&mut self, plan: &Plan, years: usize, width: usize) {
        let most = plan.streams.iter().map(Vec::len).max().unwrap_or(0);
        self.kept = Some(vec![vec![0.0; years * width]; most]);
        self.kept_one = true;
    }

    /// The row of `kept` that holds municipality `mu`'s stream `s`.
    #[inline]
    pub fn kept_row(&self, plan: &Plan, mu: usize, s: usize) -> usize {
        if self.kept_one {
            s
        } else {
            plan.stream_rows[mu] + s
        }
    }

    pub fn new(m: &Model, plan: &Plan) -> Work {
        let (t, l) = (m.years, LANES);
        let mut pay_offset = Vec::with_capacity(m.funds.len());
        let mut rows = 0;
        for f in &m.funds {
            pay_offset.push(rows);
            rows += f.members.len();
        }
        let max_streams = plan.streams.iter().map(Vec::len).max().unwrap_or(0);
        Work {
            x: Array3::zeros((m.drivers.len(), t, l)),
            z: Array3::zeros((m.drivers.len(), t, l)),
            cpi: vec![1.0; t * l],
            fx: vec![1.0; t * l],
            pp: ProjectPaths::new(m.projects.len(), t, l),
            routed: Array3::zeros((plan.routed.len(), t, l)),
            counted: Array3::zeros((m.municipalities.len(), t, l)),
            fund_in: Array3::zeros((m.funds.len(), t, l)),
            fund_out: Array3::zeros((m.funds.len(), t, l)),
            fund_bal: Array3::zeros((m.funds.len(), t, l)),
            pay: Array3::zeros((rows, t, l)),
            pay_offset,
            republic: Array3::zeros((plan.republic.len(), t, l)),
            oblast: Array3::zeros((plan.oblast_streams.len(), t, l)),
            pending: Array2::zeros((m.instruments.len(), l)),
            due: vec![0.0; l],
            received: vec![0.0; l],
            accounted: vec![0.0; l],
            year_vals: vec![vec![0.0; l]; max_streams],
            first_muni: 0,
            npv: vec![vec![0.0; l]; max_streams],
            own: vec![0.0; l],
            project: vec![0.0; l],
            community: vec![0.0; l],
            shortfall: [vec![0.0; l], vec![0.0; l], vec![0.0; l]],
            balance: vec![0.0; l],
            growth: vec![0.0; t * l],
            kept: None,
            kept_one: false,
            rules: super::rules::RuleWork::new(t, l, !plan.rules.is_empty()),
            law: vec![0; if plan.switching { t * l } else { 0 }],
        }
    }

    /// Zeros what a block adds to. Fund outflows and balances (and drawn payouts) are not
    /// added to but written whole, for every fund that receives money (the others' stay
    /// zero), and only some municipalities' counted own revenue gets money: a national
    /// block's workspace is about 100 MB, and clearing all of it would cost more than some
    /// stages. So a workspace serves one plan only (each variant and pass makes its own).
    pub(super) fn clear(&mut self, plan: &Plan) {
        for a in [
            &mut self.routed,
            &mut self.fund_in,
            &mut self.republic,
            &mut self.oblast,
        ] {
            a.fill(0.0);
        }
        for &mu in &plan.counted_munis {
            self.counted.index_axis_mut(Axis(0), mu).fill(0.0);
        }
        self.pending.fill(0.0);
        self.due.fill(0.0);
        self.received.fill(0.0);
    }
}
