//! A run split across machines (docs/model.md section 14, docs/shards.md): the engine's side.
//!
//! Shard `i` of `k` simulates its own paths and hands over its accumulators, encoded; merging
//! them gives, bit for bit, the accumulators of one process, since every statistic merges
//! exactly (integer sums and counts; exact cells are sorted when finished). With calibrated
//! quantiles every shard, and the merge, first simulate the pilot (paths `0..512`) to place
//! the same histogram edges; a shard then counts only its own paths. If buckets are crowded,
//! a second round collects their values: the merge names them in a request ([`Split::request`]),
//! each shard collects its paths' values of them ([`Split::second_round`]) and the merge
//! absorbs them ([`Split::absorb`]), as the second pass of one process does.

use super::{
    cells_of, conclude, paired, pool_of, prepare, quantile_mode, restrict_to_collecting,
    Accumulators, Edges, Pass, Prepared, Settings, SimError, LANES,
};
use crate::codec::{DecodeError, Reader, Writer};
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::{QuantileMode, PILOT_PATHS};
use std::ops::Range;
use std::sync::atomic::AtomicUsize;

/// The paths of shard `index` of `count`: `floor(index N / count) .. floor((index + 1) N /
/// count)` (docs/model.md section 14).
pub fn shard_paths(paths: u64, index: u64, count: u64) -> Range<u64> {
    let at = |i: u64| (i as u128 * paths as u128 / count.max(1) as u128) as u64;
    at(index)..at(index + 1)
}

/// Why a shard's statistics could not be computed or merged.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error("{0}")]
    Decode(#[from] DecodeError),
}

/// The variants of a run split across machines, ready to simulate a shard or merge parts.
pub struct Split<'s> {
    prepared: Vec<Prepared<'s>>,
    settings: Settings,
    mode: QuantileMode,
    pool: rayon::ThreadPool,
    /// The pilot's histogram edges (calibrated quantiles), computed once when first needed.
    edges: Option<Vec<Edges>>,
}

/// Every variant's statistics over all the parts merged so far.
pub struct Merged {
    accs: Vec<Accumulators>,
    /// The second round's cells, once [`Split::request`] found crowded buckets.
    second: Option<Vec<Accumulators>>,
}

impl<'s> Split<'s> {
    /// `settings.paths` is the whole run's (the quantile method depends on it).
    pub fn new(
        scenario: &'s Scenario,
        variants: &[&str],
        settings: &Settings,
    ) -> Result<Split<'s>, SimError> {
        let prepared = prepare(scenario, variants);
        let mode = quantile_mode(cells_of(&prepared), settings);
        Ok(Split {
            pool: pool_of(settings)?,
            prepared,
            settings: settings.clone(),
            mode,
            edges: None,
        })
    }

    /// How quantiles are computed: the same as one process with these settings.
    pub fn mode(&self) -> QuantileMode {
        self.mode
    }

    /// A pass over the paths `span`.
    fn pass<'a>(
        &'a self,
        span: Range<u64>,
        progress: &'a (dyn Fn(usize, usize) + Sync),
        done: &'a AtomicUsize,
        n_blocks: usize,
    ) -> Pass<'a> {
        Pass {
            prepared: &self.prepared,
            settings: &self.settings,
            paired: paired(&self.prepared),
            keep: None,
            levels: false,
            progress,
            done,
            n_blocks,
            span: (span.start, span.end),
        }
    }

    /// The blocks that hold the paths `span`.
    fn blocks(span: &Range<u64>) -> Range<usize> {
        if span.is_empty() {
            return 0..0;
        }
        (span.start / LANES as u64) as usize..span.end.div_ceil(LANES as u64) as usize
    }

    /// Empty accumulators that keep every value, for at most `room` values a cell.
    fn exact(&self, v: usize, room: u64) -> Accumulators {
        let p = &self.prepared[v];
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        Accumulators::with_room(&p.plan, p.compare.as_ref(), room)
    }

    /// The pilot's edges (calibrated quantiles only), simulated on first use.
    fn edges(&mut self) -> Result<&[Edges], SimError> {
        if self.edges.is_none() {
            let pilot = PILOT_PATHS.min(self.settings.paths);
            let span = 0..pilot;
            let done = AtomicUsize::new(0);
            let quiet = |_: usize, _: usize| {};
            let pass = self.pass(span.clone(), &quiet, &done, 1);
            let exact = |v: usize| self.exact(v, pilot);
            let accs = pass.run(&self.pool, Self::blocks(&span), &exact, None)?;
            let edges = self
                .pool
                .install(|| accs.iter().map(Accumulators::edges).collect());
            self.edges = Some(edges);
        }
        Ok(self.edges.as_deref().unwrap_or_default())
    }

    /// SHA-256 of the pilot's edges (calibrated quantiles), to compare between parts.
    pub fn edges_digest(&mut self) -> Result<Option<String>, SimError> {
        if self.mode == QuantileMode::Exact {
            return Ok(None);
        }
        let edges = self.edges()?;
        let mut w = String::new();
        for e in edges {
            w.push_str(&e.digest());
        }
        use sha2::{Digest, Sha256};
        Ok(Some(
            Sha256::digest(w.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ))
    }

    /// Empty accumulators of every variant, calibrated on the pilot's edges where quantiles
    /// are.
    fn fresh(&mut self) -> Result<Vec<Accumulators>, SimError> {
        let exact: Vec<Accumulators> = (0..self.prepared.len()).map(|v| self.exact(v, 0)).collect();
        if self.mode == QuantileMode::Exact {
            return Ok(exact);
        }
        let edges = self.edges()?;
        Ok(exact
            .into_iter()
            .zip(edges)
            .map(|(a, e)| a.into_calibrated(e))
            .collect())
    }

    /// Round 1: the statistics of the paths `span`, encoded. `progress(done, total)` counts
    /// blocks.
    pub fn first_round(
        &mut self,
        span: Range<u64>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<u8>, SimError> {
        let blocks = Self::blocks(&span);
        let done = AtomicUsize::new(0);
        let accs = match self.mode {
            QuantileMode::Exact => {
                let room = span.end - span.start;
                let pass = self.pass(span.clone(), progress, &done, blocks.len());
                let exact = |v: usize| self.exact(v, room);
                pass.run(&self.pool, blocks, &exact, None)?
            }
            QuantileMode::Calibrated => {
                // Every worker adds to the same histograms (start's), with its own moments.
                let start = self.fresh()?;
                let shared: Vec<Accumulators> = start.iter().map(Accumulators::share).collect();
                let fresh = |v: usize| shared[v].share();
                let pass = self.pass(span.clone(), progress, &done, blocks.len());
                pass.run(&self.pool, blocks, &fresh, Some(start))?
            }
        };
        let mut w = Writer::default();
        for a in &accs {
            a.encode(&mut w);
        }
        Ok(w.bytes)
    }

    /// An empty merge, to which parts are added one by one ([`Split::add`]). With calibrated
    /// quantiles this simulates the pilot, to place the same edges as the shards.
    pub fn merge(&mut self) -> Result<Merged, SimError> {
        Ok(Merged {
            accs: self.fresh()?,
            second: None,
        })
    }

    /// Adds a part of round 1 (as [`Split::first_round`] encoded it) to `merged`; parts may
    /// come in any order.
    pub fn add(&self, merged: &mut Merged, part: &[u8]) -> Result<(), SplitError> {
        let edges = self.edges.as_deref();
        let mut r = Reader::new(part);
        let mut accs = Vec::with_capacity(self.prepared.len());
        for v in 0..self.prepared.len() {
            let shape = self.exact(v, 0);
            accs.push(Accumulators::decode(shape, edges.map(|x| &x[v]), &mut r)?);
        }
        if !r.done() {
            return Err(
                DecodeError("statistics: bytes left over after the last variant".into()).into(),
            );
        }
        self.pool.install(|| {
            merged
                .accs
                .iter_mut()
                .zip(&accs)
                .for_each(|(a, b)| a.merge(b))
        });
        Ok(())
    }

    /// The request of round 2 (every crowded bucket of every cell), or `None` when no
    /// bucket is crowded and `merged` is complete.
    pub fn request(&self, merged: &mut Merged) -> Option<Vec<u8>> {
        if self.mode == QuantileMode::Exact {
            return None;
        }
        let second = super::second_pass(&self.prepared, &self.pool, &merged.accs)?;
        let mut w = Writer::default();
        for t in &second {
            t.encode_wanted(&mut w);
        }
        merged.second = Some(second);
        Some(w.bytes)
    }

    /// Round 2: the values of the paths `span` in the buckets `request` names, encoded.
    pub fn second_round(
        &mut self,
        span: Range<u64>,
        request: &[u8],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<u8>, SplitError> {
        let empty = self.fresh()?;
        let edges = self.edges()?;
        let mut r = Reader::new(request);
        let mut templates = Vec::with_capacity(empty.len());
        for (e, x) in empty.iter().zip(edges) {
            templates.push(Accumulators::decode_wanted(e, x, &mut r)?);
        }
        if !r.done() {
            return Err(DecodeError("request: bytes left over".into()).into());
        }
        restrict_to_collecting(&self.prepared, &mut templates);
        let blocks = Self::blocks(&span);
        let done = AtomicUsize::new(0);
        let collect = |v: usize| templates[v].clone();
        let pass = self.pass(span, progress, &done, blocks.len());
        let collected = pass.run(&self.pool, blocks, &collect, None)?;
        let mut w = Writer::default();
        for c in &collected {
            c.encode_collected(&mut w);
        }
        Ok(w.bytes)
    }

    /// Adds the values one shard collected in round 2 (as [`Split::second_round`] encoded
    /// them) to `merged`; parts may come in any order.
    pub fn collect(&self, merged: &mut Merged, part: &[u8]) -> Result<(), SplitError> {
        let Some(second) = merged.second.as_mut() else {
            return Err(DecodeError("values of round 2 where no bucket needs them".into()).into());
        };
        let mut r = Reader::new(part);
        for t in second.iter_mut() {
            t.decode_collected(&mut r)?;
        }
        if !r.done() {
            return Err(DecodeError("collected values: bytes left over".into()).into());
        }
        Ok(())
    }

    /// Takes the values of round 2 into the histograms. Refused unless they are, bucket by
    /// bucket, as many as round 1 counted: a part of another request, or a shard missing,
    /// would not be.
    pub fn absorb(&self, merged: &mut Merged) -> Result<(), SplitError> {
        let Some(second) = merged.second.take() else {
            return Ok(());
        };
        if !second
            .iter()
            .zip(&merged.accs)
            .all(|(s, m)| s.collected_all(m))
        {
            return Err(DecodeError(
                "the values collected in round 2 are not as many as round 1 counted: the parts of round 2 belong to another request or another run".into(),
            )
            .into());
        }
        for (m, c) in merged.accs.iter_mut().zip(second) {
            m.absorb(c);
        }
        Ok(())
    }

    /// The results of the merged statistics (after [`Split::absorb`] where a request was
    /// made).
    pub fn finish(&self, merged: Merged) -> Result<Results, SimError> {
        conclude(
            &self.prepared,
            &self.pool,
            merged.accs,
            &self.settings,
            self.mode,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_path_once_in_order() {
        for (n, k) in [(10, 3), (7, 7), (3, 7), (1_000_000, 13), (u64::MAX / 2, 5)] {
            let mut next = 0;
            for i in 0..k {
                let r = shard_paths(n, i, k);
                assert_eq!(r.start, next, "{n} paths, shard {i} of {k}");
                next = r.end;
            }
            assert_eq!(next, n);
        }
        assert_eq!(shard_paths(10, 1, 3), 3..6);
    }
}
