//! A pilot-calibrated histogram: bucket edges taken from the exact distribution of a fixed
//! pilot sample of paths, so that buckets are narrow where the paths are dense, whatever the
//! shape of the distribution (narrow clusters, long tails, point masses).
//!
//! The edges are order statistics of the pilot (paths `0..K`, the same whatever the split of
//! the run), deduplicated: each distinct edge value has an exact counter (a point mass is
//! reported exactly), and each open interval between edges is cut into [`SUBS`] equal
//! sub-buckets. Values outside the pilot's range go to a log-linear [`Sketch`]. Counts are
//! integers, so merging is exact and the result is the same bits however paths are split.
//!
//! A bucket that holds a needed order statistic and too many paths (a cluster narrower than
//! the pilot could see) can be made exact: a second pass collects the values that fall in it
//! ([`Edges::bucket_ids`]) and [`Calibrated::set_exact`] takes them, sorted.

pub(super) mod edges;
mod prefetch;
#[cfg(test)]
mod tests;

pub use edges::{edges_from_pilot, Edges, BATCH};
pub use prefetch::Prefetch;

use super::quantile::{from_order_stats, Sketch};
use crate::codec::{DecodeError, Reader, Writer};
use edges::{at_position, Slot};
use std::sync::Arc;

/// Buckets a sign for the values beyond the pilot's range (a fraction of a percent of paths).
const TAIL_BUCKETS: i64 = 64;

/// Intervals between pilot order statistics (at most; fewer when values repeat).
pub const INTERVALS: usize = 128;
/// Equal-width sub-buckets per interval.
pub const SUBS: usize = 12;

#[derive(Debug, Clone)]
pub struct Calibrated {
    edges: Arc<Edges>,
    /// Counts by bucket id less 2 ([`Slot::id`]): values equal to each edge, then `SUBS`
    /// sub-buckets per open interval `(edges[i], edges[i+1])`. The low 16 bits, and the high
    /// bits once any count has wrapped (allocated only then), which keeps a cell small at
    /// national scale.
    counts: Vec<u16>,
    hi: Vec<u32>,
    /// Values below the first or above the last edge.
    tails: Sketch,
    /// How many of the tail values are below the first edge.
    below: u64,
    /// Buckets whose values were collected in a second pass: (bucket id, sorted values).
    exact: Vec<(u32, Vec<f64>)>,
}

/// Where a walk through a histogram's buckets in value order stands: at a bucket (as
/// [`Calibrated::in_order`] numbers them), with the values below it.
#[derive(Debug, Clone, Copy, Default)]
struct Walk {
    bucket: usize,
    seen: u64,
}

#[derive(Debug, Clone, Copy)]
struct Located {
    value: f64,
    share: f64,
    /// The bucket (as [`Slot::id`]) and the rank of the value within it.
    bucket: u32,
    rank: u64,
}

impl Calibrated {
    pub fn new(edges: Arc<Edges>) -> Calibrated {
        let m = edges.len();
        Calibrated {
            counts: vec![0; m + m.saturating_sub(1) * SUBS],
            hi: Vec::new(),
            edges,
            tails: Sketch::with_span(TAIL_BUCKETS),
            below: 0,
            exact: Vec::new(),
        }
    }

    /// One value: the reference the tests hold [`Calibrated::add_all`] to.
    #[cfg(test)]
    pub fn add(&mut self, x: f64) {
        self.add_all(std::slice::from_ref(&x));
    }

    /// Adds many values, as adding them one by one would, but faster: values equal to
    /// the cell's dominant value are counted at once, the others placed by
    /// [`Edges::bucket_ids`]. A value equal to an edge is always counted at that edge, so both
    /// ways give the same counts.
    pub fn add_all(&mut self, xs: &[f64]) {
        self.add_all_ahead(xs, None);
    }

    /// [`Calibrated::add_all`], loading the histogram `ahead` into cache meanwhile.
    pub fn add_all_ahead(&mut self, xs: &[f64], ahead: Option<&Prefetch>) {
        let Some((edge, value)) = self.edges.dominant else {
            return self.place_all(xs, ahead);
        };
        // Counting the dominant value is quick: the next histogram is asked for at once.
        if let Some(p) = ahead {
            p.issue();
        }
        const RUN: usize = 256;
        let mut rest = [0.0; RUN];
        for run in xs.chunks(RUN) {
            // Without branches: every value is written, and kept when it differs.
            let mut n = 0;
            for &x in run {
                rest[n] = x;
                n += (x != value) as usize;
            }
            if n < run.len() {
                self.bump(edge, (run.len() - n) as u64);
            }
            self.place_all(&rest[..n], None);
        }
    }

    /// Adds values one batch of [`BATCH`] after another, each placed by [`Edges::bucket_ids`].
    fn place_all(&mut self, xs: &[f64], ahead: Option<&Prefetch>) {
        let mut ids = [0u32; BATCH];
        let parts = xs.len().div_ceil(BATCH);
        for (part, chunk) in xs.chunks(BATCH).enumerate() {
            if let Some(p) = ahead {
                p.issue_part(part, parts);
            }
            self.edges.bucket_ids(chunk, &mut ids);
            for (&id, &x) in ids.iter().zip(chunk) {
                match id {
                    0 => {
                        self.tails.add(x);
                        self.below += 1;
                    }
                    1 => self.tails.add(x),
                    _ => self.bump(id as usize - 2, 1),
                }
            }
        }
    }

    /// Adds `c` to count `i`, carrying into the high bits.
    #[inline]
    fn bump(&mut self, i: usize, c: u64) {
        let total = self.counts[i] as u64 + c;
        self.counts[i] = total as u16;
        let carry = (total >> 16) as u32;
        if carry > 0 {
            if self.hi.is_empty() {
                self.hi = vec![0; self.counts.len()];
            }
            self.hi[i] += carry;
        }
    }

    fn count_at(&self, i: usize) -> u64 {
        let hi = self.hi.get(i).copied().unwrap_or(0) as u64;
        (hi << 16) | self.counts[i] as u64
    }

    pub fn merge(&mut self, o: &Calibrated) {
        debug_assert!(Arc::ptr_eq(&self.edges, &o.edges) || **self.edges == **o.edges);
        for i in 0..self.counts.len() {
            let c = o.count_at(i);
            if c > 0 {
                self.bump(i, c);
            }
        }
        self.tails.merge(&o.tails);
        self.below += o.below;
    }

    pub fn count(&self) -> u64 {
        self.tails.count()
            + (0..self.counts.len())
                .map(|i| self.count_at(i))
                .sum::<u64>()
    }

    /// The estimate of the `r`-th smallest of `n` values (0-based), exact where its bucket
    /// was collected in a second pass. `walk` is where the previous call stopped: the order
    /// statistics of the quantiles are asked for in (nearly) increasing order, so each call
    /// goes on from there instead of summing the counts from the first bucket again.
    fn order_stat(&self, r: u64, n: u64, walk: &mut Walk) -> Located {
        let l = self.locate_rank(r, n, walk);
        match self.exact.iter().find(|(b, _)| *b == l.bucket) {
            Some((_, v)) => Located {
                value: v[l.rank as usize],
                share: 0.0,
                ..l
            },
            None => l,
        }
    }

    /// Buckets in value order (each edge, then the sub-buckets above it): the `j`-th as
    /// (its count's index, its id).
    #[inline]
    fn in_order(&self, j: usize) -> (usize, Slot) {
        let (i, k) = (j / (SUBS + 1), j % (SUBS + 1));
        match k {
            0 => (i, Slot::Edge(i)),
            _ => (
                self.edges.len() + i * SUBS + k - 1,
                Slot::Sub(i * SUBS + k - 1),
            ),
        }
    }

    fn locate_rank(&self, r: u64, n: u64, walk: &mut Walk) -> Located {
        let m = self.edges.len();
        if r < self.below {
            let (v, share) = self.tails.order_stat(r, n);
            return Located {
                value: v,
                share,
                bucket: Slot::Below.id(m),
                rank: r,
            };
        }
        if walk.seen > r || walk.seen < self.below {
            *walk = Walk {
                bucket: 0,
                seen: self.below,
            };
        }
        // Edges, and the sub-buckets between them: the last edge has none above it.
        let buckets = (m * (SUBS + 1)).saturating_sub(SUBS);
        while walk.bucket < buckets {
            // A whole interval (an edge and its sub-buckets) at once where the rank lies
            // beyond it: its counts lie together, and are summed without a branch.
            let e = walk.bucket / (SUBS + 1);
            if walk.bucket.is_multiple_of(SUBS + 1) && e + 1 < m && self.hi.is_empty() {
                let subs = &self.counts[m + e * SUBS..m + (e + 1) * SUBS];
                let whole = self.counts[e] as u64 + subs.iter().map(|c| *c as u64).sum::<u64>();
                if r >= walk.seen + whole {
                    walk.seen += whole;
                    walk.bucket += SUBS + 1;
                    continue;
                }
            }
            let (i, slot) = self.in_order(walk.bucket);
            let c = self.count_at(i);
            if r < walk.seen + c {
                let rank = r - walk.seen;
                let (value, share) = match slot {
                    Slot::Sub(s) => {
                        let e = s / SUBS;
                        let (a, b) = (self.edges[e], self.edges[e + 1]);
                        let f = (rank as f64 + 0.5) / c as f64;
                        let t = ((s % SUBS) as f64 + f) / SUBS as f64;
                        (at_position(a, b, t), c as f64 / n as f64)
                    }
                    _ => (self.edges[i], 0.0),
                };
                return Located {
                    value,
                    share,
                    bucket: slot.id(m),
                    rank,
                };
            }
            walk.seen += c;
            walk.bucket += 1;
        }
        // Above the last edge: the upper part of the tails.
        let seen = walk.seen;
        let (v, share) = self.tails.order_stat(r - seen + self.below, n);
        Located {
            value: v,
            share,
            bucket: Slot::Above.id(m),
            rank: r - seen,
        }
    }

    /// The buckets holding an order statistic that the quantiles need whose share of paths is
    /// above `limit`: collecting their values in a second pass makes those exact.
    pub fn refine_targets(&self, limit: f64) -> Vec<u32> {
        let n = self.count();
        let mut t = Vec::new();
        let mut walk = Walk::default();
        from_order_stats(n, |r, n| {
            let l = self.order_stat(r, n, &mut walk);
            if l.share > limit && !t.contains(&l.bucket) {
                t.push(l.bucket);
            }
            (l.value, l.share)
        });
        t
    }

    /// The edges, to place values in buckets in a second pass.
    pub fn edges(&self) -> &Arc<Edges> {
        &self.edges
    }

    /// Takes the values of bucket `bucket` collected in a second pass. If they are not as
    /// many as the bucket counted (which would be a defect), they are not used.
    pub fn set_exact(&mut self, bucket: u32, mut values: Vec<f64>) {
        if values.len() as u64 != self.bucket_count(bucket) {
            debug_assert!(false, "bucket {bucket}: {} values collected", values.len());
            return;
        }
        values.sort_unstable_by(f64::total_cmp);
        self.exact.push((bucket, values));
    }

    /// How many values bucket `id` holds.
    pub fn bucket_count(&self, id: u32) -> u64 {
        match id as usize {
            0 => self.below,
            1 => self.tails.count() - self.below,
            i => self.count_at(i - 2),
        }
    }

    /// The seven quantiles (numpy "linear" between estimated order statistics) and the
    /// largest share of paths in a bucket they came from: a bound on their rank error.
    pub fn quantiles(&self) -> ([f64; 7], f64) {
        let mut walk = Walk::default();
        from_order_stats(self.count(), |r, n| {
            let l = self.order_stat(r, n, &mut walk);
            (l.value, l.share)
        })
    }
}

/// The encoding of a shard's part (docs/shards.md): the counts, not the edges (every shard
/// and `aimak merge` compute the same edges from the same pilot paths).
impl Calibrated {
    /// The non-zero counts as (gap from the previous one, count), the tails and the count
    /// below. Values collected in a second pass are not part of it (they travel apart).
    pub(crate) fn encode(&self, w: &mut Writer) {
        let nonzero = (0..self.counts.len())
            .filter(|i| self.count_at(*i) > 0)
            .count();
        w.u64(nonzero as u64);
        let mut last = 0;
        for i in 0..self.counts.len() {
            let c = self.count_at(i);
            if c > 0 {
                w.u64((i - last) as u64);
                w.u64(c);
                last = i;
            }
        }
        self.tails.encode(w);
        w.u64(self.below);
    }

    /// A histogram with `edges` holding the counts `r` gives.
    pub(crate) fn decode(edges: Arc<Edges>, r: &mut Reader) -> Result<Calibrated, DecodeError> {
        let mut c = Calibrated::new(edges);
        let n = r.len(2)?;
        let mut at = 0usize;
        for _ in 0..n {
            at = at
                .checked_add(r.u64()? as usize)
                .filter(|i| *i < c.counts.len())
                .ok_or_else(|| {
                    DecodeError("histogram: a bucket beyond the cell's edges (were the parts computed with other edges?)".into())
                })?;
            c.bump(at, r.u64()?);
        }
        c.tails = Sketch::decode(r)?;
        c.below = r.u64()?;
        if c.below > c.tails.count() {
            return Err(DecodeError(
                "histogram: more values below than in the tails".into(),
            ));
        }
        Ok(c)
    }
}
