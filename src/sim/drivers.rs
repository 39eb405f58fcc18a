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
                    let (decay, pull, var) = reversion(*speed);
                    let sd = volatility * var.sqrt();
                    xd[[0, b]] = *start;
                    for t in 1..t_n {
                        let ln =
                            xd[[t - 1, b]].ln() * decay + long_run.ln() * pull + sd * z[[d, t, b]];
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
