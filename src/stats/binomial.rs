//! Exact confidence intervals for a proportion: Clopper and Pearson (1934), from the quantiles
//! of the beta distribution, computed here from the regularized incomplete beta function
//! (continued fraction, Numerical Recipes 3rd ed. section 6.4) by bisection.

/// The `level` (for example 0.95) Clopper-Pearson interval for `k` successes in `n` trials:
/// `[B(a/2; k, n-k+1), B(1-a/2; k+1, n-k)]` with `a = 1 - level`, `B(q; a, b)` the beta
/// quantile, and 0 (1) as the lower (upper) end when `k = 0` (`k = n`).
pub fn clopper_pearson(k: u64, n: u64, level: f64) -> (f64, f64) {
    assert!(k <= n && n > 0, "clopper_pearson: k = {k} of n = {n}");
    let alpha = 1.0 - level;
    let (k, n) = (k as f64, n as f64);
    let lower = if k == 0.0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, k, n - k + 1.0)
    };
    let upper = if k == n {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, k + 1.0, n - k)
    };
    (lower, upper)
}

/// The `q` quantile of the beta distribution with shapes `a, b > 0`: the `x` with
/// `I_x(a, b) = q`, by bisection (the function increases in `x`) to the last bit that moves.
pub fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if beta_inc(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The regularized incomplete beta function `I_x(a, b)`.
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    let front = ln_front.exp();
    // The continued fraction converges fast on this side of the mean; the other side by
    // symmetry, I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-16;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    // Convergence takes about sqrt(max(a, b)) terms: a thousand for 10^6 trials.
    for m in 1..200_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, nine terms; relative error about 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1-x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let sum = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |s, (i, c)| s + c / (x + (i + 1) as f64));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        // (x, ln Γ(x)): Γ(n) = (n-1)!, Γ(1/2) = sqrt(π).
        let table = [
            (1.0, 0.0, 1e-14),
            (2.0, 0.0, 1e-14),
            (5.0, 24f64.ln(), 1e-13),
            (11.0, 3_628_800f64.ln(), 1e-13),
            (0.5, 0.5 * std::f64::consts::PI.ln(), 1e-14),
            (101.0, 363.739_375_555_563_5, 1e-11),
        ];
        for (x, want, tol) in table {
            assert!((ln_gamma(x) - want).abs() < tol, "ln_gamma({x})");
        }
    }

    #[test]
    fn incomplete_beta_known_values() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b; I_0.5(a, a) = 0.5.
        let table = [
            (1.0, 1.0, 0.3, 0.3, 1e-14),
            (3.0, 1.0, 0.6, 0.216, 1e-13),
            (1.0, 4.0, 0.2, 1.0 - 0.8f64.powi(4), 1e-13),
            (7.0, 7.0, 0.5, 0.5, 1e-13),
            (500.0, 500.0, 0.5, 0.5, 1e-10),
        ];
        for (a, b, x, want, tol) in table {
            let got = beta_inc(a, b, x);
            assert!(
                (got - want).abs() < tol,
                "I_{x}({a}, {b}) = {got}, not {want}"
            );
        }
    }

    /// Published intervals (Clopper and Pearson's exact interval as tabulated, for example, by
    /// R's binom.test), each with the tolerance of the digits given.
    #[test]
    fn clopper_pearson_published_values() {
        let table = [
            // (k, n, lower, upper, tolerance)
            (5, 10, 0.187_086_3, 0.812_913_7, 1e-6),
            // k = 0 and k = n have closed forms: 1 - 0.025^(1/n) and 0.025^(1/n).
            (0, 10, 0.0, 1.0 - 0.025f64.powf(0.1), 1e-12),
            (10, 10, 0.025f64.powf(0.1), 1.0, 1e-12),
            (1, 1, 0.025, 1.0, 1e-12),
            (80, 100, 0.708_157_3, 0.873_344_4, 1e-6),
        ];
        for (k, n, lo, hi, tol) in table {
            let (l, h) = clopper_pearson(k, n, 0.95);
            assert!((l - lo).abs() < tol, "lower of {k}/{n}: {l}, not {lo}");
            assert!((h - hi).abs() < tol, "upper of {k}/{n}: {h}, not {hi}");
        }
    }

    #[test]
    fn clopper_pearson_is_symmetric_and_close_to_normal_for_many_trials() {
        let (l, h) = clopper_pearson(8_000, 10_000, 0.95);
        let (l2, h2) = clopper_pearson(2_000, 10_000, 0.95);
        assert!((l - (1.0 - h2)).abs() < 1e-9 && (h - (1.0 - l2)).abs() < 1e-9);
        // The normal approximation 0.8 ± 1.96 * 0.004 is within a tenth of a point here.
        assert!((l - 0.792_16).abs() < 1e-3, "{l}");
        assert!((h - 0.807_84).abs() < 1e-3, "{h}");
        assert!(l < 0.8 && h > 0.8);
    }
}
