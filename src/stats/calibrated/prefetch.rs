//! Hints that load a histogram into cache just before it is counted.

use super::edges::GUIDE;
use super::Calibrated;
use crate::stats::simd;
use std::sync::Arc;

/// Where a histogram's memory lies (its lock and header, counts, edges and guide), so that a
/// worker can ask the processor to start loading it a little before use, without taking its
/// lock or reading it: the counts of all cells are far larger than the caches, and each block
/// of paths visits every cell once. Addresses only: a hint is never dereferenced.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prefetch {
    spans: [(usize, usize); 4],
}

impl Prefetch {
    /// The spans of the histogram `c`. Its counts and edges never move: they are allocated
    /// once, whole (the high bits of counts, allocated later and seldom used, are left out).
    pub fn of(c: &Arc<std::sync::Mutex<Calibrated>>) -> Prefetch {
        let h = c.lock().unwrap_or_else(|e| e.into_inner());
        let first = h
            .edges
            .first
            .as_ref()
            .map_or((0, 0), |f| (f.as_ptr() as usize, GUIDE));
        Prefetch {
            spans: [
                (
                    Arc::as_ptr(c) as usize,
                    std::mem::size_of::<std::sync::Mutex<Calibrated>>(),
                ),
                (h.counts.as_ptr() as usize, h.counts.len() * 2),
                (h.edges.as_ptr() as usize, h.edges.len() * 8),
                first,
            ],
        }
    }

    /// Asks the processor to start loading the spans into its first-level cache.
    #[inline]
    pub fn issue(&self) {
        self.issue_part(0, 1);
    }

    /// Asks for part `part` of `parts` of each span: a histogram is about 80 cache lines,
    /// more than the processor keeps loading at once, so they are asked for a few at a time
    /// while the previous histogram is counted.
    #[inline]
    pub fn issue_part(&self, part: usize, parts: usize) {
        for &(at, bytes) in &self.spans {
            let lines = bytes.div_ceil(64);
            for line in part * lines / parts..(part + 1) * lines / parts {
                simd::prefetch(at + 64 * line);
            }
        }
    }
}
