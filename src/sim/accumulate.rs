//! The statistics each worker accumulates for one variant, and how blocks add to them.

use super::plan::{MuniStream, Plan};
use super::projects::ProjectPaths;
use super::{compare, Block, Work};
use crate::codec::{DecodeError, Reader, Writer};
use crate::model::Model;
use crate::stats::{self, calibrated, Cell, Moments};
use rayon::prelude::*;
use std::sync::Arc;

/// Histogram edges of every cell of one variant, calibrated on the pilot paths.
pub struct Edges {
    pub cells: Vec<Arc<calibrated::Edges>>,
    pub diff: Vec<Arc<calibrated::Edges>>,
}

/// What a second pass needs of a municipality's budgets, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needed {
    Nothing,
    /// Its receipts (instrument, community and fund streams, and their total): these depend
    /// on the blocks' upstream stages alone, not on own revenue and its growth draws.
    Receipts,
    /// Everything, own revenue and the grant included.
    All,
}

/// The statistics of one variant, as one worker accumulates them.
#[derive(Clone)]
pub struct Accumulators {
    pub cells: Vec<Cell>,
    pub means: Vec<Moments>,
    /// Per project, year and state: number of paths.
    pub states: Vec<u64>,
    /// Per year and law (`[t * n_laws + law]`): number of paths under it.
    pub laws: Vec<u64>,
    /// Paired differences with the baseline (empty for the baseline), cells as `ComparePlan`,
    /// and per cell the number of paths where the variant gives more, and where it gives
    /// materially more (`compare::MATERIAL_GAIN`).
    pub diff: Vec<Cell>,
    pub better: Vec<u64>,
    pub material: Vec<u64>,
    pub paths: u64,
    /// In a second pass: what each municipality's budgets need simulating (`None`: all of
    /// everyone's, and the block's conservation is checked).
    pub active: Option<Vec<Needed>>,
    /// In a second pass: whether no cell of the levels above municipalities, projects or
    /// pending payments collects values (their statistics are then skipped).
    pub skip_levels: bool,
}

impl Accumulators {
    /// Empty accumulators that keep every value (exact quantiles; also the pilot, whose
    /// cells [`Accumulators::into_calibrated`] turns into histograms).
    pub fn new(plan: &Plan, compare: Option<&compare::ComparePlan>) -> Accumulators {
        Accumulators::with_room(plan, compare, usize::MAX)
    }

    /// As [`Accumulators::new`], for a pass that adds at most `paths` values to a cell: no
    /// cell's storage grows beyond that.
    pub fn with_room(
        plan: &Plan,
        compare: Option<&compare::ComparePlan>,
        paths: usize,
    ) -> Accumulators {
        let n_diff = compare.map_or(0, |c| c.n_cells);
        Accumulators {
            cells: vec![Cell::exact_for(paths); plan.n_cells],
            means: vec![Moments::default(); plan.n_means],
            states: vec![0; plan.n_states],
            laws: vec![0; plan.years * plan.n_laws],
            diff: vec![Cell::exact_for(paths); n_diff],
            better: vec![0; n_diff],
            material: vec![0; n_diff],
            paths: 0,
            active: None,
            skip_levels: false,
        }
    }

    /// Edges calibrated on these exact accumulators (the pilot), cell by cell in parallel
    /// (on the current rayon pool).
    pub(super) fn edges(&self) -> Edges {
        Edges {
            cells: self.cells.par_iter().map(Cell::pilot_edges).collect(),
            diff: self.diff.par_iter().map(Cell::pilot_edges).collect(),
        }
    }

    /// These exact accumulators with their cells turned into calibrated ones (in parallel).
    pub(super) fn into_calibrated(self, e: &Edges) -> Accumulators {
        let conv = |cells: Vec<Cell>, edges: &[Arc<calibrated::Edges>]| -> Vec<Cell> {
            cells
                .into_par_iter()
                .zip(edges)
                .map(|(c, e)| c.into_calibrated(e.clone()))
                .collect()
        };
        Accumulators {
            cells: conv(self.cells, &e.cells),
            diff: conv(self.diff, &e.diff),
            ..self
        }
    }

    /// Second-pass accumulators that collect the values of the quantile buckets of these
    /// (calibrated, complete) accumulators that hold too many paths; `None` if none do.
    pub(super) fn refinement(&self) -> Option<Accumulators> {
        let cells: Vec<Cell> = self.cells.par_iter().map(Cell::refinement).collect();
        let diff: Vec<Cell> = self.diff.par_iter().map(Cell::refinement).collect();
        if !cells.iter().chain(&diff).any(Cell::collects) {
            return None;
        }
        Some(self.emptied(cells, diff))
    }

    /// Accumulators of the same shape as these with the given cells and nothing counted yet.
    fn emptied(&self, cells: Vec<Cell>, diff: Vec<Cell>) -> Accumulators {
        Accumulators {
            cells,
            diff,
            means: vec![Moments::default(); self.means.len()],
            states: vec![0; self.states.len()],
            laws: vec![0; self.laws.len()],
            better: vec![0; self.better.len()],
            material: vec![0; self.material.len()],
            paths: 0,
            active: None,
            skip_levels: false,
        }
    }

    /// Empty accumulators for another worker of the same pass: calibrated histograms are
    /// shared with these (one per cell for the whole run), everything else is its own.
    pub(super) fn share(&self) -> Accumulators {
        self.emptied(
            self.cells.iter().map(Cell::share).collect(),
            self.diff.iter().map(Cell::share).collect(),
        )
    }

    /// Second-pass accumulators that collect nothing.
    pub(super) fn skipping(&self) -> Accumulators {
        let skip = |c: &Vec<Cell>| vec![Cell::skip(); c.len()];
        self.emptied(skip(&self.cells), skip(&self.diff))
    }

    /// Per municipality: what this second pass needs of its budgets, by the cells (streams
    /// by year, NPV) that collect values.
    pub(super) fn collecting_munis(&self, plan: &Plan) -> Vec<Needed> {
        (0..plan.streams.len())
            .map(|mu| {
                let collects = |s: usize| {
                    (0..plan.years)
                        .map(|t| plan.muni_cell(mu, s, t))
                        .chain([plan.npv_cells[mu] + s])
                        .any(|c| self.cells[c].collects())
                };
                let mut needed = Needed::Nothing;
                // A budget rule needs the whole budget (its own revenue and grant).
                let first = plan.rule_cells[mu];
                let n_rule = plan.rule_cells_of(mu);
                if self.cells[first..first + n_rule].iter().any(Cell::collects) {
                    needed = Needed::All;
                }
                for (s, kind) in plan.streams[mu].iter().enumerate() {
                    if collects(s) {
                        needed = needed.max(match kind {
                            MuniStream::OwnRevenue
                            | MuniStream::Grant
                            | MuniStream::BudgetTotal
                            | MuniStream::RealBudgetTotal => Needed::All,
                            _ => Needed::Receipts,
                        });
                    }
                }
                needed
            })
            .collect()
    }

    /// Whether no cell above the municipalities (levels, projects, pending) collects values
    /// in this second pass (the budget rules' cells, after them, are the municipalities').
    pub(super) fn levels_idle(&self, plan: &Plan) -> bool {
        !self.cells[plan.republic_cells..plan.rule_cells_start]
            .iter()
            .any(Cell::collects)
    }

    /// Per municipality: whether one of its paired differences collects values.
    pub(super) fn collecting_diffs(&self, cp: &compare::ComparePlan) -> Vec<bool> {
        (0..cp.pairs.len())
            .map(|mu| {
                let first = cp.offsets[mu];
                let n = cp.cells_of(mu);
                self.diff[first..first + n].iter().any(Cell::collects)
            })
            .collect()
    }

    /// Takes the values a second pass collected (from [`Accumulators::refinement`]).
    pub(super) fn absorb(&mut self, second: Accumulators) {
        for (a, b) in self.cells.iter_mut().zip(second.cells) {
            a.absorb(b);
        }
        for (a, b) in self.diff.iter_mut().zip(second.diff) {
            a.absorb(b);
        }
    }

    /// Adds `o` to these; cells in parallel (on the current rayon pool).
    pub fn merge(&mut self, o: &Accumulators) {
        self.cells
            .par_iter_mut()
            .zip(&o.cells)
            .for_each(|(a, b)| a.merge(b));
        for (a, b) in self.means.iter_mut().zip(&o.means) {
            a.merge(b);
        }
        for (a, b) in self.states.iter_mut().zip(&o.states) {
            *a += b;
        }
        for (a, b) in self.laws.iter_mut().zip(&o.laws) {
            *a += b;
        }
        self.diff
            .par_iter_mut()
            .zip(&o.diff)
            .for_each(|(a, b)| a.merge(b));
        for (a, b) in self.better.iter_mut().zip(&o.better) {
            *a += b;
        }
        for (a, b) in self.material.iter_mut().zip(&o.material) {
            *a += b;
        }
        self.paths += o.paths;
    }
}

impl Edges {
    /// SHA-256 of every cell's edges (their bits, in cell order), hex: parts computed with
    /// other edges (another build, another machine's arithmetic) are refused by it.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for e in self.cells.iter().chain(&self.diff) {
            h.update((e.len() as u64).to_le_bytes());
            for x in e.iter() {
                h.update(x.to_bits().to_le_bytes());
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The encoding of a shard's part (docs/shards.md): every statistic a block adds to, so that
/// merged parts are the accumulators of one process.
impl Accumulators {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u64(self.paths);
        for c in self.cells.iter().chain(&self.diff) {
            c.encode(w);
        }
        for m in &self.means {
            m.encode(w);
        }
        for counts in [&self.states, &self.laws, &self.better, &self.material] {
            w.u64s(counts);
        }
    }

    /// Accumulators of the shape of `empty` (a fresh set for the variant) as
    /// [`Accumulators::encode`] wrote them; calibrated cells take `edges`.
    pub(crate) fn decode(
        mut empty: Accumulators,
        edges: Option<&Edges>,
        r: &mut Reader,
    ) -> Result<Accumulators, DecodeError> {
        empty.paths = r.u64()?;
        for (i, c) in empty.cells.iter_mut().enumerate() {
            *c = Cell::decode(r, edges.map(|e| &e.cells[i]))?;
        }
        for (i, c) in empty.diff.iter_mut().enumerate() {
            *c = Cell::decode(r, edges.map(|e| &e.diff[i]))?;
        }
        for m in empty.means.iter_mut() {
            *m = Moments::decode(r)?;
        }
        r.u64s_into(&mut empty.states, "project states")?;
        r.u64s_into(&mut empty.laws, "laws in force")?;
        r.u64s_into(&mut empty.better, "paired gains")?;
        r.u64s_into(&mut empty.material, "material gains")?;
        Ok(empty)
    }

    /// The buckets each cell of these second-pass accumulators collects: a refine request.
    pub(crate) fn encode_wanted(&self, w: &mut Writer) {
        for (k, c) in self.cells.iter().chain(&self.diff).enumerate() {
            let wanted = c.wanted();
            if !wanted.is_empty() {
                w.u64(k as u64 + 1);
                w.u64s(&wanted.iter().map(|b| *b as u64).collect::<Vec<u64>>());
            }
        }
        w.u64(0);
    }

    /// Second-pass accumulators of the shape of `empty` that collect the buckets
    /// [`Accumulators::encode_wanted`] wrote, placed by `edges`.
    pub(crate) fn decode_wanted(
        empty: &Accumulators,
        edges: &Edges,
        r: &mut Reader,
    ) -> Result<Accumulators, DecodeError> {
        let mut cells = vec![Cell::skip(); empty.cells.len()];
        let mut diff = vec![Cell::skip(); empty.diff.len()];
        let n = cells.len();
        let mut last = 0;
        loop {
            let k = r.u64()? as usize;
            if k == 0 {
                break;
            }
            if k <= last || k > n + diff.len() {
                return Err(DecodeError(format!(
                    "request: cell {k} out of order or range"
                )));
            }
            last = k;
            let wanted = r
                .u64s()?
                .into_iter()
                .map(|b| {
                    u32::try_from(b)
                        .map_err(|_| DecodeError("request: a bucket out of range".into()))
                })
                .collect::<Result<Vec<u32>, DecodeError>>()?;
            let (slot, e) = if k - 1 < n {
                (&mut cells[k - 1], &edges.cells[k - 1])
            } else {
                (&mut diff[k - 1 - n], &edges.diff[k - 1 - n])
            };
            let top = (e.len() + e.len().saturating_sub(1) * calibrated::SUBS + 2) as u32;
            if wanted.iter().any(|b| *b >= top) {
                return Err(DecodeError(format!(
                    "request: cell {k} asks for a bucket it has not"
                )));
            }
            *slot = Cell::collecting(e.clone(), wanted);
        }
        Ok(empty.emptied(cells, diff))
    }

    /// The values these second-pass accumulators collected.
    pub(crate) fn encode_collected(&self, w: &mut Writer) {
        for c in self.cells.iter().chain(&self.diff) {
            c.encode_collected(w);
        }
    }

    /// Adds values collected elsewhere ([`Accumulators::encode_collected`]) to these
    /// second-pass accumulators.
    pub(crate) fn decode_collected(&mut self, r: &mut Reader) -> Result<(), DecodeError> {
        for c in self.cells.iter_mut().chain(self.diff.iter_mut()) {
            c.decode_collected(r)?;
        }
        Ok(())
    }

    /// Whether these second-pass accumulators hold every value `first` (the finished first
    /// pass) counted in the buckets they collect.
    pub(crate) fn collected_all(&self, first: &Accumulators) -> bool {
        self.cells
            .iter()
            .zip(&first.cells)
            .chain(self.diff.iter().zip(&first.diff))
            .all(|(c, f)| c.collected_all(f))
    }
}

/// Budget levels above municipalities, projects and pending payments.
pub(super) fn accumulate_levels(
    m: &Model,
    plan: &Plan,
    blk: &Block,
    w: &Work,
    pp: &ProjectPaths,
    acc: &mut Accumulators,
) {
    let t_n = m.years;
    let nb = blk.lanes;
    let mut buf = vec![0.0; nb];
    // Cells are visited in the order they are numbered, so the next one's histogram can be
    // loaded while one is counted (`stats::add_in_order`).
    let mut add = |cell: usize, f: &dyn Fn(usize) -> f64| {
        for (b, v) in buf.iter_mut().enumerate() {
            *v = f(b);
        }
        stats::add_in_order(&mut acc.cells, cell, &buf);
    };
    // republic: each instrument, then total
    let nr = plan.republic.len();
    for k in 0..nr {
        for t in 0..t_n {
            add(plan.republic_cells + k * t_n + t, &|b| {
                w.republic[[k, t, b]]
            });
        }
    }
    for t in 0..t_n {
        add(plan.republic_cells + nr * t_n + t, &|b| {
            (0..nr).map(|k| w.republic[[k, t, b]]).sum()
        });
    }
    for (o, &base) in plan.oblast_cells.iter().enumerate() {
        let rows: Vec<usize> = plan
            .oblast_streams
            .iter()
            .enumerate()
            .filter(|(_, (x, _))| *x == o)
            .map(|(r, _)| r)
            .collect();
        for (k, &r) in rows.iter().enumerate() {
            for t in 0..t_n {
                add(base + k * t_n + t, &|b| w.oblast[[r, t, b]]);
            }
        }
        for t in 0..t_n {
            add(base + rows.len() * t_n + t, &|b| {
                rows.iter().map(|&r| w.oblast[[r, t, b]]).sum()
            });
        }
    }
    for f in 0..m.funds.len() {
        let base = plan.fund_cells + f * 3 * t_n;
        for t in 0..t_n {
            add(base + t, &|b| w.fund_in[[f, t, b]]);
        }
        for t in 0..t_n {
            add(base + t_n + t, &|b| w.fund_out[[f, t, b]]);
        }
        for t in 0..t_n {
            add(base + 2 * t_n + t, &|b| w.fund_bal[[f, t, b]]);
        }
    }
    for j in 0..m.projects.len() {
        let base = plan.project_cells + j * 2 * t_n;
        for t in 0..t_n {
            add(base + t, &|b| pp.output[[j, t, b]]);
        }
        for t in 0..t_n {
            add(base + t_n + t, &|b| pp.revenue[[j, t, b]]);
        }
        for t in 0..t_n {
            for b in 0..nb {
                acc.states[(j * t_n + t) * 4 + pp.state[[j, t, b]] as usize] += 1;
            }
        }
    }
    for i in 0..m.instruments.len() {
        add(plan.pending_cells + i, &|b| w.pending[[i, b]]);
    }
}
