//! Statistical tests of the engine against theory. Each tolerance is a multiple of the
//! standard error of the estimate (4 SE: a false alarm about once in 16,000 checks), and the
//! seeds are fixed, so the tests are deterministic.

use super::engine::scenario;
use aimak::sim::{self, projects};

const HEADER: &str = r#"
format_version = 1
[scenario]
name = "stats"
start_year = 2026
"#;

const PLACES: &str = r#"
[[municipality]]
id = "a"
district = "D"
oblast = "O"
population = 100
[[municipality]]
id = "b"
district = "D"
oblast = "O"
population = 300
[[municipality]]
id = "c"
district = "D"
oblast = "O"
population = 600
"#;

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// |got - want| <= 4 standard errors.
fn within(got: f64, want: f64, se: f64, what: &str) {
    assert!(
        (got - want).abs() <= 4.0 * se,
        "{what}: got {got}, want {want} +- 4 x {se}"
    );
}

fn traces(text: &str, n: u64) -> Vec<sim::Trace> {
    let s = scenario(text);
    (0..n)
        .map(|p| sim::trace(&s.baseline, 11, p).unwrap())
        .collect()
}

#[test]
fn gbm_mean_is_start_times_exp_drift_t() {
    let text = format!("{HEADER}years = 6\n[driver.g]\nmodel = \"gbm\"\nstart = 100.0\ndrift = 0.05\nvolatility = 0.3\n{PLACES}");
    let tr = traces(&text, 20_000);
    for t in [1, 5] {
        let xs: Vec<f64> = tr.iter().map(|x| x.drivers[0][t]).collect();
        let (m, sd) = mean_sd(&xs);
        within(
            m,
            100.0 * (0.05 * t as f64).exp(),
            sd / (xs.len() as f64).sqrt(),
            "gbm mean",
        );
    }
}

#[test]
fn mean_reverting_reaches_its_stationary_law() {
    // ln X stationary: mean ln(long_run), variance vol^2 / (2 k).
    let text = format!(
        "{HEADER}years = 30\n[driver.o]\nmodel = \"mean_reverting\"\nstart = 200.0\nlong_run = 50.0\nspeed = 0.8\nvolatility = 0.4\n{PLACES}"
    );
    let tr = traces(&text, 20_000);
    let ln: Vec<f64> = tr.iter().map(|x| x.drivers[0][29].ln()).collect();
    let n = ln.len() as f64;
    let (m, sd) = mean_sd(&ln);
    let var_want = 0.4f64 * 0.4 / (2.0 * 0.8);
    within(m, 50f64.ln(), sd / n.sqrt(), "OU stationary mean of ln X");
    // SE of a sample variance of normal data: var * sqrt(2 / (n - 1)).
    within(
        sd * sd,
        var_want,
        var_want * (2.0 / (n - 1.0)).sqrt(),
        "OU stationary variance",
    );
}

#[test]
fn bootstrap_draws_historical_log_returns_uniformly() {
    let text = format!("{HEADER}years = 2\n[driver.m]\nmodel = \"bootstrap\"\nhistory = [10.0, 11.0, 9.9, 12.0, 15.0]\n{PLACES}");
    let tr = traces(&text, 20_000);
    let h = [10.0f64, 11.0, 9.9, 12.0, 15.0];
    let returns: Vec<f64> = h.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let mut counts = [0usize; 4];
    for x in &tr {
        assert_eq!(x.drivers[0][0], 15.0, "starts at the last history value");
        let r = (x.drivers[0][1] / 15.0).ln();
        let k = returns
            .iter()
            .position(|q| (q - r).abs() < 1e-12)
            .expect("a historical return");
        counts[k] += 1;
    }
    let n = tr.len() as f64;
    for c in counts {
        within(
            c as f64 / n,
            0.25,
            (0.25f64 * 0.75 / n).sqrt(),
            "bootstrap pick frequency",
        );
    }
}

#[test]
fn correlated_shocks_have_the_given_correlation() {
    let text = format!(
        "{HEADER}years = 2\n[driver.g]\nmodel = \"gbm\"\nstart = 1.0\nvolatility = 0.2\n[driver.f]\nmodel = \"gbm\"\nstart = 1.0\nvolatility = 0.1\n[[correlation]]\ndrivers = [\"g\", \"f\"]\nrho = 0.6\n{PLACES}"
    );
    let tr = traces(&text, 20_000);
    let a: Vec<f64> = tr.iter().map(|x| x.drivers[0][1].ln()).collect();
    let b: Vec<f64> = tr.iter().map(|x| x.drivers[1][1].ln()).collect();
    let (ma, sa) = mean_sd(&a);
    let (mb, sb) = mean_sd(&b);
    let n = a.len() as f64;
    let cov = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1.0);
    let rho = cov / (sa * sb);
    within(rho, 0.6, (1.0 - 0.36) / n.sqrt(), "correlation of shocks");
    within(sa, 0.2, 0.2 / (2.0 * n).sqrt(), "sd of the first shock");
}

#[test]
fn never_start_and_delay_frequencies() {
    let text = format!(
        r#"{HEADER}years = 6
[driver.p]
model = "fixed"
value = 1.0
{PLACES}
[[project]]
id = "x"
hosts = [ {{ municipality = "a", share = 1.0 }} ]
status = "planned"
start_year = 2027
life_years = 20
products = [ {{ driver = "p", per_unit = 1.0 }} ]
output = {{ capacity = 1.0 }}
[project.risk]
never_start = 0.3
start_delay = {{ probability = 0.4, max_years = 2 }}
"#
    );
    let tr = traces(&text, 20_000);
    let mut never = 0;
    let mut delay = [0usize; 3];
    for x in &tr {
        match x.state[0].iter().position(|s| *s == projects::PRODUCING) {
            None => never += 1,
            Some(t) => delay[t - 1] += 1,
        }
    }
    let n = tr.len() as f64;
    within(
        never as f64 / n,
        0.3,
        (0.3f64 * 0.7 / n).sqrt(),
        "never_start",
    );
    let started = (tr.len() - never) as f64;
    for (d, p) in [(0, 0.6), (1, 0.2), (2, 0.2)] {
        within(
            delay[d] as f64 / started,
            p,
            (p * (1.0 - p) / started).sqrt(),
            "start delay",
        );
    }
}

fn fund_text(winners: usize) -> String {
    format!(
        r#"{HEADER}years = 3
{PLACES}
[[fund]]
id = "f"
level = "district"
area = "D"
allocation = {{ competitive = {{ winners = {winners} }} }}
[[project]]
id = "x"
hosts = [ {{ municipality = "a", share = 1.0 }} ]
start_year = 2026
life_years = 5
products = []
output = {{ capacity = 1.0 }}
[[instrument]]
id = "fee"
base = "fixed"
amount = 1000.0
route = [ {{ to = "fund:f", share = 1.0 }} ]
"#
    )
}

#[test]
fn competitive_fund_winners_are_drawn_proportionally_to_population() {
    let pops = [0.1, 0.3, 0.6];
    for winners in [1usize, 2] {
        let tr = traces(&fund_text(winners), 10_000);
        let mut wins = [0usize; 3];
        let mut trials = 0usize;
        for x in &tr {
            for t in 0..3 {
                trials += 1;
                for (k, w) in wins.iter_mut().enumerate() {
                    if x.stream(k, "fund:f")[t] > 0.0 {
                        *w += 1;
                    }
                }
            }
        }
        let n = trials as f64;
        for k in 0..3 {
            // One draw: p_k. Two draws without replacement: p_k + sum_j p_j p_k / (1 - p_j).
            let want = if winners == 1 {
                pops[k]
            } else {
                pops[k]
                    + (0..3)
                        .filter(|j| *j != k)
                        .map(|j| pops[j] * pops[k] / (1.0 - pops[j]))
                        .sum::<f64>()
            };
            within(
                wins[k] as f64 / n,
                want,
                (want * (1.0 - want) / n).sqrt(),
                "competitive winner frequency",
            );
        }
    }
}

#[test]
fn payments_are_made_with_their_probability_and_the_grant_claws_back() {
    let text = format!(
        r#"{HEADER}years = 4
[[municipality]]
id = "a"
district = "D"
oblast = "O"
population = 100
grant = 10000
grant_offset = 0.5
[[project]]
id = "x"
hosts = [ {{ municipality = "a", share = 1.0 }} ]
start_year = 2026
life_years = 5
products = []
output = {{ capacity = 1.0 }}
[[instrument]]
id = "pay"
base = "fixed"
amount = 1000.0
probability = 0.7
route = [ {{ to = "host", share = 1.0 }} ]
"#
    );
    let s = scenario(&text);
    let settings = sim::Settings {
        paths: 20_000,
        seed: 5,
        threads: 2,
        quantiles: None,
    };
    let r = sim::run(&s, &["baseline"], &settings, &|_, _| {}, None).unwrap();
    let a = &r.variants[0].municipalities[0];
    let n = 20_000f64;
    let pay = a.stream("pay").unwrap();
    for t in 0..4 {
        within(
            pay.years[t].mean / 1000.0,
            0.7,
            (0.21f64 / n).sqrt(),
            "payment probability",
        );
    }
    // G[t] = 10000 - 0.5 * C[t-1]: mean 10000 - 0.5 * 700 from the second year on.
    let g = a.stream("grant").unwrap();
    assert_eq!(g.years[0].mean, 10000.0);
    for t in 1..4 {
        within(
            g.years[t].mean,
            10000.0 - 350.0,
            g.years[t].sd / n.sqrt(),
            "grant clawback",
        );
    }
}
