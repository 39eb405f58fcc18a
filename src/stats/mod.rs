//! Statistics over paths: exact mergeable moments, quantiles (exact or sketched), NPV.
//!
//! Every accumulator merges exactly: the result is the same bits however the paths were split
//! into blocks, threads or machines (a run may one day be split over many machines).

pub mod binomial;
pub(crate) mod calibrated;
pub(crate) mod moments;
pub mod quantile;
pub mod scores;
mod simd;
pub(crate) mod wide;

use crate::codec::{DecodeError, Reader, Writer};
use calibrated::{Calibrated, Edges, Prefetch};
pub use moments::{MeanSd, Moments};
use std::sync::{Arc, Mutex, MutexGuard};

/// The histogram behind a lock (a panic elsewhere cannot leave it half-updated: every update
/// is a plain count).
fn locked(c: &Mutex<Calibrated>) -> MutexGuard<'_, Calibrated> {
    c.lock().unwrap_or_else(|e| e.into_inner())
}

/// How quantiles are computed in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantileMode {
    /// Every value kept, sorted, numpy "linear" quantiles.
    Exact,
    /// Pilot-calibrated histogram ([`calibrated`]); rank error bounded and reported.
    Calibrated,
}

impl QuantileMode {
    pub fn describe(self) -> String {
        match self {
            QuantileMode::Exact => "exact: linear interpolation between order statistics (numpy 'linear')".into(),
            QuantileMode::Calibrated => format!(
                "pilot-calibrated histogram: bucket edges at {} order statistics of the exact values of paths 0..{}, an exact count at each distinct edge and {} sub-buckets between edges (on a log-linear scale, the order of the values' bits, where an interval lies on one side of zero; linear where it touches or spans zero), a log-linear sketch beyond the pilot's range; each estimate's rank error is at most the share of paths in its bucket, reported as max_rank_error; buckets holding a needed order statistic and more than {} of the paths are collected exactly in a second pass; then numpy 'linear' interpolation between estimated order statistics",
                calibrated::INTERVALS + 1,
                PILOT_PATHS,
                calibrated::SUBS,
                REFINE_ABOVE
            ),
        }
    }
}

/// Paths whose exact values calibrate the histogram edges.
pub const PILOT_PATHS: u64 = 512;

/// The statistics of one cell (one number per path): mean, sd and the seven quantiles.
#[derive(Debug, Clone)]
pub struct Cell {
    pub moments: Moments,
    quantiles: Quantiles,
}

#[derive(Debug, Clone)]
enum Quantiles {
    /// Every value, and the most this cell will ever hold (the run's paths): its storage
    /// grows by doubling but never beyond that.
    Exact(Vec<f64>, usize),
    /// Shared by the worker threads of a run (one lock per cell, taken once per block of
    /// values), so a run holds one histogram per cell whatever its number of threads; with
    /// where its memory lies, to load it ahead of use without taking the lock.
    Calibrated(Arc<Mutex<Calibrated>>, Prefetch),
    /// Second pass: collects the values of a few buckets of a calibrated cell.
    Collect(Box<Collect>),
    /// Second pass: nothing to collect for this cell.
    Skip,
}

/// The values of the buckets `wanted` (ids of [`calibrated::Edges::bucket_ids`]), one list each.
#[derive(Debug)]
struct Collect {
    edges: Arc<Edges>,
    wanted: Vec<u32>,
    values: Vec<Vec<f64>>,
}

impl Collect {
    fn add_all(&mut self, xs: &[f64]) {
        let mut ids = [0u32; calibrated::BATCH];
        for chunk in xs.chunks(calibrated::BATCH) {
            self.edges.bucket_ids(chunk, &mut ids);
            for (&id, &x) in ids.iter().zip(chunk) {
                if let Some(i) = self.wanted.iter().position(|w| *w == id) {
                    self.values[i].push(x);
                }
            }
        }
    }
}

/// A copy keeps each list's room (every worker starts from one template).
impl Clone for Collect {
    fn clone(&self) -> Collect {
        Collect {
            edges: self.edges.clone(),
            wanted: self.wanted.clone(),
            values: self
                .values
                .iter()
                .map(|v| {
                    let mut c = Vec::with_capacity(v.capacity());
                    c.extend_from_slice(v);
                    c
                })
                .collect(),
        }
    }
}

/// Quantile buckets holding more than this share of paths are collected exactly in a second
/// pass, so a calibrated run's stated rank error stays below it (docs/model.md asks for 0.5%).
pub const REFINE_ABOVE: f64 = 0.0025;

/// A finished cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub q: [f64; 7],
    /// Upper bound on the rank error of `q` (0 when exact).
    pub rank_error: f64,
}

impl Summary {
    /// The summary of `c` times the values summarised, for `c > 0`: a positive multiple of a
    /// variable has that multiple of its mean, sd and quantiles, and the same ranks.
    pub fn scaled(&self, c: f64) -> Summary {
        debug_assert!(c > 0.0);
        Summary {
            mean: c * self.mean,
            sd: c * self.sd,
            q: self.q.map(|x| c * x),
            rank_error: self.rank_error,
        }
    }
}

impl Cell {
    pub fn exact() -> Cell {
        Cell::exact_for(usize::MAX)
    }

    /// An exact cell that will hold at most `paths` values.
    pub fn exact_for(paths: usize) -> Cell {
        Cell {
            moments: Moments::default(),
            quantiles: Quantiles::Exact(Vec::new(), paths),
        }
    }

    /// A second-pass cell that collects nothing.
    pub fn skip() -> Cell {
        Cell {
            moments: Moments::default(),
            quantiles: Quantiles::Skip,
        }
    }

    /// Edges calibrated on this (exact) cell's values.
    pub fn pilot_edges(&self) -> Arc<Edges> {
        match &self.quantiles {
            Quantiles::Exact(v, _) => {
                let mut v = v.clone();
                v.sort_unstable_by(f64::total_cmp);
                calibrated::edges_from_pilot(&v)
            }
            _ => unreachable!("the pilot is exact"),
        }
    }

    /// This exact cell's values in a calibrated cell with `edges`.
    pub fn into_calibrated(self, edges: Arc<Edges>) -> Cell {
        let mut c = Calibrated::new(edges);
        if let Quantiles::Exact(v, _) = &self.quantiles {
            c.add_all(v);
        }
        let c = Arc::new(Mutex::new(c));
        let p = Prefetch::of(&c);
        Cell {
            moments: self.moments,
            quantiles: Quantiles::Calibrated(c, p),
        }
    }

    /// The cell that collects, in a second pass, the values of this calibrated cell's buckets
    /// whose share of paths is above [`REFINE_ABOVE`] (`Skip` if there are none).
    pub fn refinement(&self) -> Cell {
        let quantiles = match &self.quantiles {
            Quantiles::Calibrated(c, _) => {
                let c = locked(c);
                let wanted = c.refine_targets(REFINE_ABOVE);
                if wanted.is_empty() {
                    Quantiles::Skip
                } else {
                    Quantiles::Collect(Box::new(Collect {
                        edges: c.edges().clone(),
                        // Room for every value a bucket holds: no reallocation while
                        // collecting (each worker's copy gets the whole count).
                        values: wanted
                            .iter()
                            .map(|b| Vec::with_capacity(c.bucket_count(*b) as usize))
                            .collect(),
                        wanted,
                    }))
                }
            }
            _ => Quantiles::Skip,
        };
        Cell {
            moments: Moments::default(),
            quantiles,
        }
    }

    /// An empty cell for another worker: the same histogram (shared), its own moments.
    pub fn share(&self) -> Cell {
        let quantiles = match &self.quantiles {
            Quantiles::Calibrated(c, p) => Quantiles::Calibrated(c.clone(), *p),
            Quantiles::Exact(_, cap) => Quantiles::Exact(Vec::new(), *cap),
            Quantiles::Collect(_) | Quantiles::Skip => Quantiles::Skip,
        };
        Cell {
            moments: Moments::default(),
            quantiles,
        }
    }

    /// Whether this second-pass cell collects anything.
    pub fn collects(&self) -> bool {
        matches!(self.quantiles, Quantiles::Collect(_))
    }

    /// Takes the values a second pass collected for this cell.
    pub fn absorb(&mut self, collected: Cell) {
        if let (Quantiles::Calibrated(c, _), Quantiles::Collect(k)) =
            (&mut self.quantiles, collected.quantiles)
        {
            let mut c = locked(c);
            for (b, v) in k.wanted.into_iter().zip(k.values) {
                c.set_exact(b, v);
            }
        }
    }

    /// Where this cell's histogram lies, to load it into cache ahead of use.
    fn prefetcher(&self) -> Option<&Prefetch> {
        match &self.quantiles {
            Quantiles::Calibrated(_, p) => Some(p),
            _ => None,
        }
    }

    /// Adds values, in order.
    pub fn add_all(&mut self, xs: &[f64]) {
        self.add_all_ahead(xs, None);
    }

    /// Adds values, in order, while the histogram of `next` (the cell to be added to next),
    /// if it has one, is loaded into cache: a few lines per batch of values placed, or at
    /// once where most values are the cell's dominant value (see
    /// [`Calibrated::add_all_ahead`]).
    pub fn add_all_ahead(&mut self, xs: &[f64], next: Option<&Cell>) {
        match &mut self.quantiles {
            Quantiles::Exact(v, cap) => {
                self.moments.add_all(xs);
                reserve_within(v, xs.len(), *cap);
                v.extend_from_slice(xs)
            }
            Quantiles::Calibrated(s, _) => {
                self.moments.add_all(xs);
                locked(s).add_all_ahead(xs, next.and_then(Cell::prefetcher))
            }
            Quantiles::Collect(k) => k.add_all(xs),
            Quantiles::Skip => {}
        }
    }

    pub fn merge(&mut self, o: &Cell) {
        self.moments.merge(&o.moments);
        match (&mut self.quantiles, &o.quantiles) {
            (Quantiles::Exact(a, _), Quantiles::Exact(b, _)) => {
                // Exactly the room needed: a merged cell holds all its values at once.
                a.reserve_exact(b.len());
                a.extend_from_slice(b)
            }
            // Workers of one run share their histograms: only separate ones add up.
            (Quantiles::Calibrated(a, _), Quantiles::Calibrated(b, _)) => {
                if !Arc::ptr_eq(a, b) {
                    let b = locked(b).clone();
                    locked(a).merge(&b);
                }
            }
            (Quantiles::Collect(a), Quantiles::Collect(b)) => {
                for (x, y) in a.values.iter_mut().zip(&b.values) {
                    x.extend_from_slice(y);
                }
            }
            (Quantiles::Skip, Quantiles::Skip) => {}
            _ => unreachable!("cells of one pass share a mode"),
        }
    }

    pub fn finish(&mut self) -> Summary {
        let m = self.moments.finish();
        let (q, rank_error) = match &mut self.quantiles {
            Quantiles::Exact(v, _) => (quantile::exact(v), 0.0),
            Quantiles::Calibrated(s, _) => locked(s).quantiles(),
            Quantiles::Collect(_) | Quantiles::Skip => {
                unreachable!("second-pass cells are absorbed")
            }
        };
        Summary {
            mean: m.mean,
            sd: m.sd,
            q,
            rank_error,
        }
    }
}

/// The encoding of a shard's part (docs/shards.md).
impl Cell {
    /// Moments and quantiles: every value of an exact cell, the counts of a calibrated one.
    pub(crate) fn encode(&self, w: &mut Writer) {
        self.moments.encode(w);
        match &self.quantiles {
            Quantiles::Exact(v, _) => {
                // In value order: the order values arrive in depends on which worker took
                // which block, and a part must be the same bytes every time.
                let mut sorted = v.clone();
                sorted.sort_unstable_by(f64::total_cmp);
                w.u8(0);
                w.f64s(&sorted);
            }
            Quantiles::Calibrated(c, _) => {
                w.u8(1);
                locked(c).encode(w);
            }
            Quantiles::Collect(_) | Quantiles::Skip => unreachable!("a first-pass part"),
        }
    }

    /// A cell as [`Cell::encode`] wrote it; a calibrated one gets `edges` (`None` in a run
    /// with exact quantiles, where a calibrated cell is an error).
    pub(crate) fn decode(r: &mut Reader, edges: Option<&Arc<Edges>>) -> Result<Cell, DecodeError> {
        let moments = Moments::decode(r)?;
        let quantiles = match (r.u8()?, edges) {
            (0, _) => {
                let v = r.f64s()?;
                let n = v.len();
                Quantiles::Exact(v, n)
            }
            (1, Some(e)) => {
                let c = Arc::new(Mutex::new(Calibrated::decode(e.clone(), r)?));
                let p = Prefetch::of(&c);
                Quantiles::Calibrated(c, p)
            }
            (k, _) => return Err(DecodeError(format!("a cell of an unexpected kind {k}"))),
        };
        Ok(Cell { moments, quantiles })
    }

    /// The values a second-pass cell collected, bucket by bucket (nothing for a cell that
    /// collects nothing).
    pub(crate) fn encode_collected(&self, w: &mut Writer) {
        if let Quantiles::Collect(k) = &self.quantiles {
            for v in &k.values {
                w.f64s(v);
            }
        }
    }

    /// Adds values collected elsewhere, as [`Cell::encode_collected`] wrote them, to this
    /// second-pass cell.
    pub(crate) fn decode_collected(&mut self, r: &mut Reader) -> Result<(), DecodeError> {
        if let Quantiles::Collect(k) = &mut self.quantiles {
            for v in k.values.iter_mut() {
                v.extend(r.f64s()?);
            }
        }
        Ok(())
    }

    /// The buckets this second-pass cell collects (empty if none).
    pub(crate) fn wanted(&self) -> &[u32] {
        match &self.quantiles {
            Quantiles::Collect(k) => &k.wanted,
            _ => &[],
        }
    }

    /// A second-pass cell that collects the values of buckets `wanted` of a cell with `edges`.
    pub(crate) fn collecting(edges: Arc<Edges>, wanted: Vec<u32>) -> Cell {
        let quantiles = if wanted.is_empty() {
            Quantiles::Skip
        } else {
            Quantiles::Collect(Box::new(Collect {
                edges,
                values: vec![Vec::new(); wanted.len()],
                wanted,
            }))
        };
        Cell {
            moments: Moments::default(),
            quantiles,
        }
    }

    /// Whether this second-pass cell holds, bucket by bucket, as many values as `calibrated`
    /// (the finished first-pass cell) counted in them.
    pub(crate) fn collected_all(&self, calibrated: &Cell) -> bool {
        match (&self.quantiles, &calibrated.quantiles) {
            (Quantiles::Collect(k), Quantiles::Calibrated(c, _)) => {
                let c = locked(c);
                k.wanted
                    .iter()
                    .zip(&k.values)
                    .all(|(b, v)| c.bucket_count(*b) == v.len() as u64)
            }
            _ => true,
        }
    }
}

/// Room in `v` for `more` values: doubling, as a vector grows, but to no more than `cap`
/// (unless `v` needs more), so that a cell of a run of 600 paths holds 600 values, not 1024.
fn reserve_within(v: &mut Vec<f64>, more: usize, cap: usize) {
    let need = v.len() + more;
    if need > v.capacity() {
        let want = need.max(v.capacity().saturating_mul(2)).min(cap).max(need);
        v.reserve_exact(want - v.len());
    }
}

/// Adds `xs` to `cells[i]` while the histogram of `cells[i + 1]` is loaded into cache: for
/// callers that visit cells in order, as budgets and paired differences do.
pub fn add_in_order(cells: &mut [Cell], i: usize, xs: &[f64]) {
    let (this, next) = cells[i..].split_at_mut(1);
    this[0].add_all_ahead(xs, next.first());
}

/// Net present value of a yearly series: `sum_t x[t] / (1 + r)^t`, the first year undiscounted.
pub fn npv(discount: &[f64], x: impl Iterator<Item = f64>) -> f64 {
    x.zip(discount).map(|(v, d)| v * d).sum()
}

/// Discount factors `1 / (1 + r)^t` for `t = 0..years`.
pub fn discount_factors(rate: f64, years: usize) -> Vec<f64> {
    (0..years).map(|t| (1.0 + rate).powi(-(t as i32))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share of a variable, summarised from the variable's summary: by hand, a quarter of
    /// 1, 2, 3, 4, 5 has mean 0.75, sd 0.25 * 1.5811.. and median 0.75, and its ranks are the
    /// variable's (the same rank error).
    #[test]
    fn a_positive_multiple_has_that_multiple_of_every_statistic() {
        let mut whole = Cell::exact();
        whole.add_all(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let mut quarter = Cell::exact();
        quarter.add_all(&[0.25, 0.5, 0.75, 1.0, 1.25]);
        let (w, q) = (whole.finish(), quarter.finish());
        let s = Summary {
            rank_error: 0.004,
            ..w
        }
        .scaled(0.25);
        assert_eq!(s.mean, 0.75);
        assert!((s.sd - 0.25 * 2.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(s.q, q.q);
        assert_eq!(s.q[3], 0.75);
        assert_eq!(s.rank_error, 0.004);
    }

    /// An exact cell never holds room for more values than its run has paths (a run of 600
    /// paths in blocks of 256 would otherwise grow to 1024), merged or not.
    #[test]
    fn exact_cells_hold_no_more_than_their_paths() {
        let cap = |c: &Cell| match &c.quantiles {
            Quantiles::Exact(v, _) => v.capacity(),
            _ => unreachable!(),
        };
        let xs: Vec<f64> = (0..600).map(|i| i as f64).collect();
        let mut one = Cell::exact_for(600);
        for block in xs.chunks(256) {
            one.add_all(block);
        }
        assert_eq!(cap(&one), 600);
        let (mut a, mut b) = (Cell::exact_for(600), Cell::exact_for(600));
        a.add_all(&xs[..256]);
        b.add_all(&xs[256..]);
        a.merge(&b);
        assert_eq!(cap(&a), 600);
        assert_eq!(a.finish(), one.finish());
        // Without a bound, growth doubles as a vector's does.
        let mut free = Cell::exact();
        for block in xs.chunks(256) {
            free.add_all(block);
        }
        assert_eq!(cap(&free), 1024);
    }

    #[test]
    fn npv_by_hand() {
        let d = discount_factors(0.10, 3);
        // 100 + 110/1.1 + 121/1.21 = 300
        let v = npv(&d, [100.0, 110.0, 121.0].into_iter());
        assert!((v - 300.0).abs() < 1e-9);
    }
}
