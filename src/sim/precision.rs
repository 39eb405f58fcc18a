//! Runs to a precision: add paths until the standard error of every municipality's mean NPV of
//! project money is below a fraction of that mean.
//!
//! Paths are doubled from 1,024 and the whole run repeated, which costs at most twice the last
//! run; the last run *is* a fixed run of the reported number of paths, so its tables are the
//! same bits as `--paths N`.

use super::{run, Keep, Settings, SimError};
use crate::model::Scenario;
use crate::results::stream;
use crate::results::Results;

/// First number of paths tried.
pub const FIRST: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Target: standard error below `target * |mean|`.
    pub target: f64,
    /// Whether every municipality met it.
    pub reached: bool,
    /// Paths of the last run.
    pub paths: u64,
    /// Largest standard error relative to its mean over municipalities and variants.
    pub worst: f64,
}

/// The largest relative standard error of the mean NPV of `project_total`, over every
/// variant and municipality with project money.
pub fn worst_relative_se(r: &Results) -> f64 {
    let n = r.paths as f64;
    let mut worst = 0.0f64;
    for v in &r.variants {
        for m in &v.municipalities {
            if let Some(s) = m.stream(stream::PROJECT_TOTAL) {
                let (mean, sd) = (s.npv.mean, s.npv.sd);
                if mean != 0.0 && mean.is_finite() {
                    worst = worst.max(sd / n.sqrt() / mean.abs());
                }
            }
        }
    }
    worst
}

/// Runs `scenario` with 1,024, 2,048, ... paths until the target is met or `settings.paths`
/// (the most allowed) is reached; returns the last run and what it achieved.
pub fn run_to_precision(
    scenario: &Scenario,
    variants: &[&str],
    settings: &Settings,
    target: f64,
    progress: &(dyn Fn(usize, usize) + Sync),
    keep: Option<Keep>,
) -> Result<(Results, Precision), SimError> {
    // Progress is told against the longest the search can take (every attempt up to the
    // most paths allowed), so it only moves forward; a search that stops early jumps to
    // its end.
    let attempts: Vec<u64> = std::iter::successors(Some(FIRST.min(settings.paths)), |&p| {
        (p < settings.paths).then(|| (p * 2).min(settings.paths))
    })
    .collect();
    let blocks = |p: u64| p.div_ceil(super::LANES as u64) as usize;
    let longest: usize = attempts.iter().map(|&p| blocks(p)).sum();
    let mut before = 0usize;
    let mut paths = attempts[0];
    loop {
        let last = paths >= settings.paths;
        let s = Settings {
            paths,
            ..settings.clone()
        };
        let offset = before;
        let told = move |done: usize, total: usize| {
            // A refining second pass counts its blocks again: scale it into this attempt.
            let done = done * blocks(paths) / total.max(1);
            progress(offset + done, longest)
        };
        // Only the last attempt's paths are kept, so search without keeping.
        let r = run(scenario, variants, &s, &told, None)?;
        before += blocks(paths);
        let worst = worst_relative_se(&r);
        let reached = worst < target;
        if reached || last {
            let r = if keep.is_some() {
                run(scenario, variants, &s, progress, keep)?
            } else {
                r
            };
            return Ok((
                r,
                Precision {
                    target,
                    reached,
                    paths,
                    worst,
                },
            ));
        }
        paths = (paths * 2).min(settings.paths);
    }
}
