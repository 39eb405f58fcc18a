//! `aimak solve` (docs/model.md section 12): the closed-form case, refusals, the table, and
//! the same answer at any number of threads.

use super::{aimak, aimak_ok};
use polars::prelude::*;
use std::path::Path;

const CLOSED_FORM: &str = "tests/fixtures/solve-closed-form.toml";

fn table(out: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(out.join("solve.parquet")).unwrap())
        .finish()
        .unwrap()
}

/// The rows of one `kind`.
fn rows(df: &DataFrame, kind: &str) -> DataFrame {
    let mask = df.column("kind").unwrap().str().unwrap().equal(kind);
    df.filter(&mask).unwrap()
}

fn f64s(df: &DataFrame, col: &str) -> Vec<f64> {
    df.column(col)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

/// The standard normal distribution function, from the complementary error function
/// (Numerical Recipes' erfc, fractional error below 1.2e-7 everywhere).
fn phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// One gbm price, constant output, a rate on gross revenue to the host: the host's receipt in
/// year t is `x q P[t]`, `ln P[t] ~ N(ln P0 + (mu - s^2/2) t, s^2 t)`, so
/// `P(x q P[t] >= A) = Phi((ln(x q P0 / A) + (mu - s^2/2) t) / (s sqrt t))`, and the rate at
/// which it equals `p` is `x* = A / (q P0 exp((mu - s^2/2) t - z_p s sqrt t))`.
#[test]
fn the_closed_form_rate_is_found_within_its_monte_carlo_error() {
    let (p0, q, mu, s, t, a) = (100.0f64, 1000.0, 0.03, 0.2, 4.0f64, 10_000.0);
    let (required, z_p) = (0.8, 0.841_621_233_572_914_3);
    let exact = a / (q * p0 * ((mu - s * s / 2.0) * t - z_p * s * t.sqrt()).exp());
    let p_at = |x: f64| phi(((x * q * p0 / a).ln() + (mu - s * s / 2.0) * t) / (s * t.sqrt()));
    assert!(
        (p_at(exact) - required).abs() < 1e-6,
        "the closed form is its own inverse"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("solve");
    let (lo, hi, n) = (0.05, 0.5, 20_000u64);
    aimak_ok(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.rate",
        "--range",
        "0.05..0.5",
        "--target",
        "host:levy:2030>=10000",
        "--paths",
        &n.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let df = table(&out);
    let answer = f64s(&rows(&df, "answer"), "x")[0];
    // The solver's x solves p^(x) = 0.8, where p^ has the standard error sqrt(p (1-p) / n)
    // of a share of n paths; p rises with slope phi(z_p) / (x s sqrt t) at x*, so x^ has the
    // standard error se_p / slope. Allow 4 of them (two-sided 6e-5), plus the bisection's
    // bracket of (HI - LO) / 1000.
    let se_p = (required * (1.0 - required) / n as f64).sqrt();
    let density = (-z_p * z_p / 2.0f64).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let se_x = se_p * exact * s * t.sqrt() / density;
    let tolerance = 4.0 * se_x + (hi - lo) / 1000.0;
    assert!(
        (answer - exact).abs() <= tolerance,
        "answer {answer}, exact {exact}, tolerance {tolerance} (se {se_x})"
    );
    // The check on seed + 1: its 95% Clopper-Pearson interval holds the exact probability at
    // the answer (this seed's interval does; 1 seed in 20 would not).
    let check = rows(&df, "validation");
    let (ci_lo, ci_hi) = (f64s(&check, "ci_low")[0], f64s(&check, "ci_high")[0]);
    let p = p_at(answer);
    assert!(ci_lo <= p && p <= ci_hi, "{p} outside [{ci_lo}, {ci_hi}]");
    assert_eq!(check.column("seed").unwrap().u64().unwrap().get(0), Some(8));
}

#[test]
fn solve_parquet_holds_the_grid_the_search_the_answer_and_its_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("solve");
    let o = aimak_ok(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.rate",
        "--range",
        "0.05..0.5",
        "--target",
        "host:levy:2030>=10000",
        "--target",
        "host:levy:npv>=30000",
        "--paths",
        "1000",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "ru",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("instrument.levy.rate = 0."), "{text}");
    assert!(text.contains("checked on seed 8"), "{text}");
    let df = table(&out);
    let kinds = df.column("kind").unwrap().str().unwrap();
    let count = |k: &str| {
        (0..kinds.len())
            .filter(|&i| kinds.get(i) == Some(k))
            .count()
    };
    // Two targets: two rows per point.
    assert_eq!(count("grid"), 2 * 9);
    assert_eq!((count("answer"), count("validation")), (2, 2));
    assert!(count("bisection") >= 2);
    let grid = rows(&df, "grid");
    let xs = f64s(&grid, "x");
    assert_eq!((xs[0], xs[xs.len() - 1]), (0.05, 0.5));
    // The answer meets both targets; the interval is only on the check.
    let answer = rows(&df, "answer");
    let meets = answer.column("meets_all").unwrap().bool().unwrap().clone();
    assert!((0..meets.len()).all(|i| meets.get(i) == Some(true)));
    assert_eq!(answer.column("ci_low").unwrap().null_count(), 2);
    assert_eq!(
        rows(&df, "validation")
            .column("ci_low")
            .unwrap()
            .null_count(),
        0
    );
    // Probabilities are shares of the paths.
    let held: Vec<u64> = df
        .column("held")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    for (h, p) in held.iter().zip(f64s(&df, "probability")) {
        assert_eq!(*h as f64 / 1000.0, p);
    }
    // Provenance as in every table, a chart in both formats, and a manifest listing them.
    let (_, kv) = super::parquet_with_metadata(&out.join("solve.parquet"));
    for (key, value) in [
        ("seed", "7"),
        ("paths", "1000"),
        ("scenario", "Solve closed form"),
    ] {
        assert!(
            kv.contains(&(key.to_string(), Some(value.to_string()))),
            "{key} in {kv:?}"
        );
    }
    assert!(kv.iter().any(|(k, _)| k == "scenario_sha256"));
    assert!(out.join("charts/solve.png").is_file() && out.join("charts/solve.svg").is_file());
    let svg = std::fs::read_to_string(out.join("charts/solve.svg")).unwrap();
    assert!(
        svg.contains("требуемая вероятность"),
        "the chart is in --lang"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("solve.parquet") && manifest.contains("charts/solve.png"));
}

#[test]
fn an_unreachable_target_is_refused_with_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("solve");
    let o = aimak(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.rate",
        "--range",
        "0.05..0.5",
        "--target",
        "host:levy:2030>=1000000",
        "--paths",
        "500",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no value of instrument.levy.rate in [0.05, 0.5] meets every target"),
        "{err}"
    );
    assert!(err.contains("p(x) on 500 paths (seed 7)"), "{err}");
    // Every grid point is printed, with its probability (0 here).
    assert_eq!(err.matches("0.0000\n").count(), 9, "{err}");
    assert!(!out.exists(), "nothing is written without an answer");
}

#[test]
fn bad_flags_are_refused_all_at_once() {
    let o = aimak(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.rat",
        "--balance",
        "instrument.lev.rate",
        "--range",
        "0.5..0.1",
        "--probability",
        "1.5",
        "--target",
        "host:levy:2030",
        "--target",
        "host:lvy:2030>=5",
        "--target",
        "host:levy:2040>=5",
        "--target",
        "hots:levy:2030>=5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "--set instrument.levy.rat: unknown key `rat`",
        "did you mean `rate`",
        "--balance instrument.lev.rate: unknown instrument id `lev`",
        "did you mean `levy`?",
        "--range 0.5..0.1: LO is not below HI",
        "--probability 1.5: expected a probability strictly between 0 and 1",
        "--target \"host:levy:2030\": no `>=`",
        "`host` has no stream `lvy`; did you mean `levy`?",
        "outside the scenario's horizon 2026-2030",
        "no municipality `hots`; did you mean `host`?",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn keys_that_are_not_numbers_and_values_the_scenario_refuses_are_named() {
    let o = aimak(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.route",
        "--range",
        "0..1",
        "--target",
        "host:levy:2030>=5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("holds an array there, not a number"), "{err}");

    // Shares of 0.5 do not sum to 1: the first x of the range is refused by name.
    let o = aimak(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.route[0].share",
        "--range",
        "0.5..1.5",
        "--target",
        "host:levy:2030>=5",
        "--paths",
        "100",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "--set instrument.levy.route.0.share = 0.5: the scenario is not valid with this value"
        ),
        "{err}"
    );
    assert!(err.contains("sum"), "the loader's own words: {err}");
}

/// The pilot: raising the host's share of the 2% (taken from the district fund) lowers what
/// Kok-Tash, which hosts no mine, receives from the fund; the answer is then the largest share
/// that still gives it the amount. The same at 1 and 2 threads.
#[test]
fn a_falling_target_gives_the_largest_x_and_threads_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let solve = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        aimak_ok(&[
            "solve",
            "scenarios/pilot-ala-buka.toml",
            "--set",
            "instrument.infra_2pct_other.route.0.share",
            "--balance",
            "instrument.infra_2pct_other.route.1.share",
            "--range",
            "0.2..1",
            "--target",
            "kok-tash:fund:rdf:Ala-Buka:2030>=30000000",
            "--paths",
            "600",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        table(&out)
    };
    let one = solve("1");
    let two = solve("2");
    assert!(one.equals_missing(&two), "{one}\n{two}");
    let grid = f64s(&rows(&one, "grid"), "probability");
    assert!(
        grid[0] > grid[8],
        "p falls as the host's share rises: {grid:?}"
    );
    let answer = f64s(&rows(&one, "answer"), "x")[0];
    let balance = f64s(&rows(&one, "answer"), "balance_value")[0];
    assert!(
        (answer + balance - 1.0).abs() < 1e-12,
        "the route still sums to 1"
    );
    // The largest share that meets 0.8: every grid point above it fails.
    for (x, p) in f64s(&rows(&one, "grid"), "x").into_iter().zip(grid) {
        if x > answer {
            assert!(p < 0.8, "{x}: {p}");
        }
    }
}

/// The scenario built again with a key set: after `[overrides]` and after each variant's own
/// changes, so the value asked for holds in every model; and what a key holds, per variant.
#[test]
fn a_tunable_scenario_sets_the_key_last_and_reads_it_per_variant() {
    use aimak::scenario::{KeyValue, Tunable};
    let pilot = super::root().join("scenarios/pilot-ala-buka.toml");
    let (t, s) = Tunable::load(Some(&pilot)).unwrap();
    let key = "instrument.social_package.probability";
    let prob = |m: &aimak::model::Model| {
        m.instruments
            .iter()
            .find(|i| i.id == "social_package")
            .unwrap()
            .probability
    };
    assert_eq!((prob(&s.baseline), prob(&s.variants[0].model)), (0.6, 0.95));
    assert_eq!(t.value("baseline", key), Ok(KeyValue::Number(0.6)));
    assert_eq!(t.value("partnership", key), Ok(KeyValue::Number(0.95)));
    assert_eq!(
        t.value("baseline", "project.bozymchak.risk.closure"),
        Ok(KeyValue::Absent)
    );
    assert_eq!(
        t.value("baseline", "instrument.social_package.route"),
        Ok(KeyValue::Other("an array"))
    );
    assert!(t
        .value("baseline", "instrument.social_pakage.rate")
        .unwrap_err()
        .contains("did you mean `social_package`?"));
    let set = t.build(&[(key, 0.3)]).unwrap();
    assert_eq!(
        (prob(&set.baseline), prob(&set.variants[0].model)),
        (0.3, 0.3)
    );
    assert_eq!(set.sha256, s.sha256, "the same files");
    let e = t.build(&[(key, 1.5)]).unwrap_err().to_string();
    assert!(e.contains("social_package") && e.contains("1.5"), "{e}");
}

#[test]
fn an_unknown_variant_is_refused() {
    let o = aimak(&[
        "solve",
        CLOSED_FORM,
        "--set",
        "instrument.levy.rate",
        "--range",
        "0..1",
        "--target",
        "host:levy:2030>=5",
        "--variant",
        "nosuch",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--variant nosuch: the scenario has no such variant; it has: baseline"),
        "{err}"
    );
}
