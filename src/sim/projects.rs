//! Projects for a block of paths: start, states, output, revenue, payroll (docs/model.md section 4).

use super::rng::{Group, Purpose, Seeds, Stream};
use super::{Block, Work};
use crate::model::{Model, Project, Status};
use ndarray::{Array2, Array3};

pub const PLANNED: u8 = 0;
pub const PRODUCING: u8 = 1;
pub const SUSPENDED: u8 = 2;
pub const CLOSED: u8 = 3;

pub struct ProjectPaths {
    pub state: Array3<u8>,
    pub output: Array3<f64>,
    pub revenue: Array3<f64>,
    pub payroll: Array3<f64>,
    /// Actual start year; `i32::MAX` for a project that never starts.
    pub start: Array2<i32>,
}

impl ProjectPaths {
    pub fn new(projects: usize, years: usize, lanes: usize) -> ProjectPaths {
        ProjectPaths {
            state: Array3::zeros((projects, years, lanes)),
            output: Array3::zeros((projects, years, lanes)),
            revenue: Array3::zeros((projects, years, lanes)),
            payroll: Array3::zeros((projects, years, lanes)),
            start: Array2::zeros((projects, lanes)),
        }
    }
}

/// Simulates every project of `m` in every lane of the block, from the drivers in `w`.
pub fn simulate(
    m: &Model,
    keys: &[u64],
    seeds: &Seeds,
    blk: &Block,
    w: &Work,
    out: &mut ProjectPaths,
) {
    for (j, p) in m.projects.iter().enumerate() {
        for b in 0..blk.lanes {
            lane(m, j, p, keys[j], seeds, blk, b, w, out);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn lane(
    m: &Model,
    j: usize,
    p: &Project,
    key: u64,
    seeds: &Seeds,
    blk: &Block,
    b: usize,
    w: &Work,
    out: &mut ProjectPaths,
) {
    let (x, cpi, fx) = (&w.x, &w.cpi, &w.fx);
    let path = blk.path(b);
    let lanes = blk.width;
    let risk = &p.risk;
    // 1. Start: never_start and start_delay apply to planned projects, independently.
    let mut st = Stream::new(seeds.of(Group::Start(j)), key, Purpose::Start, path);
    let (u_never, u_delay, u_len) = (st.uniform(), st.uniform(), st.uniform());
    let planned = p.status == Status::Planned;
    let never = planned && u_never < risk.never_start;
    let delay = match risk.start_delay {
        Some((prob, max_years)) if planned && u_delay < prob => {
            1 + ((u_len * max_years as f64) as usize).min(max_years - 1)
        }
        _ => 0,
    };
    let s = p.start_year + delay as i32;
    out.start[[j, b]] = if never { i32::MAX } else { s };

    let mut ops = Stream::new(
        seeds.of(Group::Disruption(j)),
        key,
        Purpose::Operation,
        path,
    );
    let mut var = Stream::new(
        seeds.of(Group::Variability),
        key,
        Purpose::Variability,
        path,
    );
    let sigma = p.variability;
    let mut closed = false;
    let mut suspended_until = i32::MIN;
    for t in 0..m.years {
        let y = m.year(t);
        // Fixed pattern of draws each year, used or not.
        let (u_close, u_susp, u_slen, u_block, u_loss) = (
            ops.uniform(),
            ops.uniform(),
            ops.uniform(),
            ops.uniform(),
            ops.uniform(),
        );
        let zeps = var.normal();
        let state = if never || y < s {
            PLANNED
        } else if closed || (y - s) as i64 >= p.life_years as i64 {
            CLOSED
        } else if u_close < risk.closure {
            // a. closure, tested in suspended years too
            closed = true;
            CLOSED
        } else {
            // b. a new suspension, if none is running
            if y >= suspended_until {
                if let Some((prob, lo, hi)) = risk.suspension {
                    if u_susp < prob {
                        let d = lo + ((u_slen * (hi - lo + 1) as f64) as usize).min(hi - lo);
                        suspended_until = y + d as i32;
                    }
                }
            }
            if y < suspended_until {
                SUSPENDED
            } else if risk
                .shutdown_price
                .is_some_and(|(d, below)| x[[d, t, b]] < below)
            {
                // c. price below the shutdown level: no output, licence kept
                SUSPENDED
            } else {
                PRODUCING
            }
        };
        out.state[[j, t, b]] = state;
        let (mut q, mut r, mut w) = (0.0, 0.0, 0.0);
        if state == PRODUCING {
            let k = (y - s) as usize;
            let eps = (sigma * zeps - sigma * sigma / 2.0).exp();
            let loss = match risk.blockade {
                Some((prob, lo, hi)) if u_block < prob => lo + (hi - lo) * u_loss,
                _ => 0.0,
            };
            q = p.base_output[k] * eps * (1.0 - loss);
            let price: f64 = p
                .products
                .iter()
                .map(|pr| {
                    pr.per_unit
                        * x[[pr.driver, t, b]]
                        * if pr.usd { fx[t * lanes + b] } else { 1.0 }
                })
                .sum();
            r = q * price;
            if let Some(jobs) = p.jobs {
                let idx = if jobs.indexed {
                    cpi[t * lanes + b]
                } else {
                    1.0
                };
                w = jobs.local * jobs.monthly_wage * 12.0 * idx;
            }
        }
        out.output[[j, t, b]] = q;
        out.revenue[[j, t, b]] = r;
        out.payroll[[j, t, b]] = w;
    }
}
