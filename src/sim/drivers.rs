//! Market drivers for a block of paths (docs/model.md section 2).

use super::rng::{Group, Purpose, Seeds, Stream};
use super::Block;
use crate::model::{DriverKind, Model};
use ndarray::{Array3, Axis};

/// Fills `x[d, t, b]` with every driver's value, and the cpi index and fx rate views.
pub fn simulate(
    m: &Model,
    keys: &[u64],
    seeds: &Seeds,
    blk: &Block,
    x: &mut Array3<f64>,
    z: &mut Array3<f64>,
) {
    let t_n = m.years;
    // Independent standard normal shocks for drivers that have them, t >= 1.
    for (d, drv) in m.drivers.iter().enumerate() {
        if !drv.kind.has_normal_shock() {
            continue;
        }
        for b in 0..blk.lanes {
            let mut s = Stream::new(
                seeds.of(Group::Driver(d)),
                keys[d],
                Purpose::Shock,
                blk.path(b),
            );
            for t in 1..t_n {
                z[[d, t, b]] = s.normal();
            }
        }
    }
    // Correlated shocks: Z = L Z_indep over the drivers of the correlation matrix.
    let c = &m.correlation;
    if !c.drivers.is_empty() {
        let k = c.drivers.len();
        let mut indep = vec![0.0; k];
        for t in 1..t_n {
            for b in 0..blk.lanes {
                for (i, &d) in c.drivers.iter().enumerate() {
                    indep[i] = z[[d, t, b]];
                }
                for (i, &d) in c.drivers.iter().enumerate() {
                    z[[d, t, b]] = (0..=i).map(|j| c.cholesky[[i, j]] * indep[j]).sum();
                }
            }
        }
    }
    for (d, drv) in m.drivers.iter().enumerate() {
        let mut xd = x.index_axis_mut(Axis(0), d);
        for b in 0..blk.lanes {
            let path = blk.path(b);
            let mut jumps = drv.jump.map(|j| {
                (
                    j,
                    Stream::new(seeds.of(Group::Driver(d)), keys[d], Purpose::Jump, path),
                )
            });
            let mut jump = |_t: usize| -> f64 {
                match &mut jumps {
                    None => 1.0,
                    Some((j, s)) => {
                        let (happens, size) = (s.uniform(), s.uniform());
                        if happens < j.probability {
                            1.0 + j.min + (j.max - j.min) * size
                        } else {
                            1.0
                        }
                    }
                }
            };
            match &drv.kind {
                DriverKind::Fixed { value } => {
                    for t in 0..t_n {
                        xd[[t, b]] = value.at(m.year(t));
                    }
                }
                DriverKind::Gbm {
                    start,
                    drift,
                    volatility,
                } => {
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        let step =
                            drift - volatility * volatility / 2.0 + volatility * z[[d, t, b]];
                        xd[[t, b]] = xd[[t - 1, b]] * step.exp() * jump(t);
                    }
                }
                DriverKind::MeanReverting {
                    start,
                    long_run,
                    speed,
                    volatility,
                } => {
                    let decay = (-speed).exp();
                    let sd = volatility * ((1.0 - (-2.0 * speed).exp()) / (2.0 * speed)).sqrt();
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        let ln = xd[[t - 1, b]].ln() * decay
                            + long_run.ln() * (1.0 - decay)
                            + sd * z[[d, t, b]];
                        xd[[t, b]] = ln.exp() * jump(t);
                    }
                }
                DriverKind::Bootstrap { start, log_returns } => {
                    let mut pick =
                        Stream::new(seeds.of(Group::Driver(d)), keys[d], Purpose::Pick, path);
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        let i = ((pick.uniform() * log_returns.len() as f64) as usize)
                            .min(log_returns.len() - 1);
                        xd[[t, b]] = xd[[t - 1, b]] * log_returns[i].exp() * jump(t);
                    }
                }
                DriverKind::Inflation { mean, sd } => {
                    xd[[0, b]] = 1.0;
                    for t in 1..t_n {
                        let pi = (mean + sd * z[[d, t, b]]).max(-0.5);
                        xd[[t, b]] = xd[[t - 1, b]] * (1.0 + pi);
                    }
                }
            }
        }
    }
}
