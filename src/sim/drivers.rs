//! Market drivers for a block of paths (docs/model.md section 2).

use super::rng::{Group, Purpose, Seeds, Stream};
use super::Block;
use crate::model::{Continuation, DriverKind, Model};
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
    // The shocks of the simulated years t >= 1, and of the steps before the horizon of history
    // drivers whose record ends before `start_year` (`pre[[d, k, b]]`, the last step being the
    // one into `start_year`; none for most scenarios), each from its own keyed stream.
    normals(m, keys, seeds, blk, Purpose::Shock, z, 1..t_n);
    let steps = m
        .drivers
        .iter()
        .map(|drv| drv.kind.steps_before(m.start_year))
        .max()
        .unwrap_or(0);
    let mut pre = Array3::zeros((m.drivers.len(), steps, blk.lanes));
    normals(m, keys, seeds, blk, Purpose::PreShock, &mut pre, 0..steps);
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
                        xd[[t, b]] =
                            gbm_step(xd[[t - 1, b]], *drift, *volatility, z[[d, t, b]]) * jump(t);
                    }
                }
                DriverKind::MeanReverting {
                    start,
                    long_run,
                    speed,
                    volatility,
                } => {
                    let step = Reverting::new(*long_run, *speed, *volatility);
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        xd[[t, b]] = step.next(xd[[t - 1, b]], z[[d, t, b]]) * jump(t);
                    }
                }
                DriverKind::History {
                    first,
                    values,
                    then,
                } => {
                    let last = first + values.len() as i32 - 1;
                    let recorded = |y: i32| values[(y - first) as usize];
                    let mut pick =
                        Stream::new(seeds.of(Group::Driver(d)), keys[d], Purpose::Pick, path);
                    let reverting = match then {
                        Some(Continuation::MeanReverting {
                            long_run,
                            speed,
                            volatility,
                        }) => Some(Reverting::new(*long_run, *speed, *volatility)),
                        _ => None,
                    };
                    // One step of the continuation from `prev` with shock `z`.
                    let mut next = |prev: f64, z: f64| match then {
                        Some(Continuation::Gbm { drift, volatility }) => {
                            gbm_step(prev, *drift, *volatility, z)
                        }
                        Some(Continuation::MeanReverting { .. }) => {
                            reverting.as_ref().expect("set above").next(prev, z)
                        }
                        Some(Continuation::Bootstrap { log_returns }) => {
                            prev * bootstrap_step(log_returns, pick.uniform())
                        }
                        None => unreachable!("the reader requires a record of every year"),
                    };
                    for t in 0..t_n {
                        let y = m.year(t);
                        xd[[t, b]] = if y <= last {
                            recorded(y)
                        } else if t == 0 {
                            // From the last record to start_year, step by step.
                            let n = drv.kind.steps_before(m.start_year);
                            (steps - n..steps).fold(recorded(last), |x, k| next(x, pre[[d, k, b]]))
                        } else {
                            next(xd[[t - 1, b]], z[[d, t, b]])
                        };
                    }
                }
                DriverKind::Bootstrap { start, log_returns } => {
                    let mut pick =
                        Stream::new(seeds.of(Group::Driver(d)), keys[d], Purpose::Pick, path);
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        xd[[t, b]] =
                            xd[[t - 1, b]] * bootstrap_step(log_returns, pick.uniform()) * jump(t);
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

/// Fills `shocks[[d, k, b]]` for the steps `ks` with standard normals from each driver's
/// `purpose` stream (drivers without a normal shock are left alone), then correlates them:
/// `Z = L Z_indep` over the drivers of the correlation matrix, step by step.
fn normals(
    m: &Model,
    keys: &[u64],
    seeds: &Seeds,
    blk: &Block,
    purpose: Purpose,
    shocks: &mut Array3<f64>,
    ks: std::ops::Range<usize>,
) {
    if ks.is_empty() {
        return;
    }
    for (d, drv) in m.drivers.iter().enumerate() {
        if !drv.kind.has_normal_shock() {
            continue;
        }
        for b in 0..blk.lanes {
            let mut s = Stream::new(seeds.of(Group::Driver(d)), keys[d], purpose, blk.path(b));
            for k in ks.clone() {
                shocks[[d, k, b]] = s.normal();
            }
        }
    }
    let c = &m.correlation;
    let mut indep = vec![0.0; c.drivers.len()];
    for k in ks {
        for b in 0..blk.lanes {
            for (i, &d) in c.drivers.iter().enumerate() {
                indep[i] = shocks[[d, k, b]];
            }
            for (i, &d) in c.drivers.iter().enumerate() {
                shocks[[d, k, b]] = (0..=i).map(|j| c.cholesky[[i, j]] * indep[j]).sum();
            }
        }
    }
}

/// One year of geometric Brownian motion from `prev` with standard normal shock `z`.
fn gbm_step(prev: f64, drift: f64, volatility: f64, z: f64) -> f64 {
    prev * (drift - volatility * volatility / 2.0 + volatility * z).exp()
}

/// The growth factor of one bootstrap year: a historical log-return picked by the uniform `u`.
fn bootstrap_step(log_returns: &[f64], u: f64) -> f64 {
    let i = ((u * log_returns.len() as f64) as usize).min(log_returns.len() - 1);
    log_returns[i].exp()
}

/// One year of the mean-reverting process in logs, its factors computed once.
struct Reverting {
    decay: f64,
    pull_ln: f64,
    sd: f64,
}

impl Reverting {
    fn new(long_run: f64, speed: f64, volatility: f64) -> Reverting {
        let (decay, pull, var) = reversion(speed);
        Reverting {
            decay,
            pull_ln: long_run.ln() * pull,
            sd: volatility * var.sqrt(),
        }
    }

    fn next(&self, prev: f64, z: f64) -> f64 {
        (prev.ln() * self.decay + self.pull_ln + self.sd * z).exp()
    }
}

/// Below this speed the mean-reverting factors are computed with `expm1`: `1 - e^(-k)` loses
/// all its digits as `k` goes to 0. At and above it the plain formulas are kept (exact enough
/// there, and the results of existing scenarios stay the same bits).
const SMALL_SPEED: f64 = 1e-3;

/// The yearly factors of a mean-reverting driver with speed `k > 0` (docs/model.md section 2):
/// `(e^(-k), 1 - e^(-k), (1 - e^(-2k)) / (2k))`, the last being the variance of a year's
/// shock per unit of volatility squared (it tends to 1 as `k` goes to 0).
pub(crate) fn reversion(k: f64) -> (f64, f64, f64) {
    let decay = (-k).exp();
    if k >= SMALL_SPEED {
        (decay, 1.0 - decay, (1.0 - (-2.0 * k).exp()) / (2.0 * k))
    } else {
        (decay, -(-k).exp_m1(), -(-2.0 * k).exp_m1() / (2.0 * k))
    }
}

#[cfg(test)]
mod tests {
    use super::reversion;

    #[test]
    fn tiny_speed_keeps_its_randomness() {
        // (1 - e^(-2k)) / (2k) = 1 - k + 2k^2/3 - ...: 1 within 1e-15 for k = 1e-17.
        let (decay, pull, var) = reversion(1e-17);
        assert!((var - 1.0).abs() < 1e-15, "{var}");
        assert_eq!(decay, 1.0);
        assert!((pull - 1e-17).abs() < 1e-30, "{pull}");
        // k = 1e-4, by the series 1 - k + 2k^2/3 - k^3/3 and k - k^2/2 + k^3/6.
        let k: f64 = 1e-4;
        let (_, pull, var) = reversion(k);
        let want = 1.0 - k + 2.0 * k * k / 3.0 - k * k * k / 3.0;
        assert!((var - want).abs() < 1e-15, "{var}");
        let want = k - k * k / 2.0 + k * k * k / 6.0;
        // The first term left out, k^4/24, is 4e-18.
        assert!((pull - want).abs() < 1e-17, "{pull}");
    }

    #[test]
    fn ordinary_speeds_keep_the_plain_formulas() {
        for k in [1e-3, 0.1, 0.5, 1.0, 3.0] {
            let (decay, pull, var) = reversion(k);
            assert_eq!(decay, (-k).exp());
            assert_eq!(pull, 1.0 - (-k).exp());
            assert_eq!(var, (1.0 - (-2.0 * k).exp()) / (2.0 * k));
            // and agree with expm1 closely
            assert!((var - (-(-2.0 * k).exp_m1() / (2.0 * k))).abs() < 1e-12);
        }
    }
}
