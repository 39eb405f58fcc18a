//! History drivers (docs/model.md section 13): recorded values by calendar year, then a
//! stochastic continuation anchored at the last record, stepped through the years before the
//! horizon too, with its correlation applied there as well.

use super::{aimak, aimak_ok};
use polars::prelude::*;
use std::path::Path;

/// A scenario with these drivers and one municipality per product driver in `products`: each
/// hosts a mine of 1,000 units a year selling that driver's product, and a 10% royalty on
/// gross revenue goes to the host, so the host's royalty in a year is 100 times the price.
fn scenario(drivers: &str, products: &[&str]) -> String {
    let mut s = format!(
        "format_version = 1\n[scenario]\nname = \"History\"\nstart_year = 2026\nyears = 3\n{drivers}\n"
    );
    for p in products {
        s.push_str(&format!(
            "[[municipality]]\nid = \"m-{p}\"\ndistrict = \"D\"\noblast = \"O\"\npopulation = 100\n\
             [[project]]\nid = \"mine-{p}\"\nhosts = [ {{ municipality = \"m-{p}\", share = 1.0 }} ]\n\
             start_year = 2026\nlife_years = 10\nproducts = [ {{ driver = \"{p}\", per_unit = 1.0 }} ]\n\
             output = {{ capacity = 1000 }}\n"
        ));
    }
    s.push_str(
        "[[instrument]]\nid = \"royalty\"\nbase = \"gross_revenue\"\nrate = 0.1\n\
         route = [ { to = \"host\", share = 1.0 } ]\n",
    );
    s
}

/// Every path's royalty of `muni` in `year`, in path order.
fn royalties(dir: &Path, muni: &str, year: i32) -> Vec<f64> {
    let f = std::fs::File::open(dir.join("paths.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let text = |c: &str| -> Vec<String> {
        let s = df.column(c).unwrap().str().unwrap();
        s.iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect()
    };
    let (m, s) = (text("municipality"), text("stream"));
    let y: Vec<i32> = df
        .column("year")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let p: Vec<i64> = df
        .column("path")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let v: Vec<f64> = df
        .column("value")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let mut rows: Vec<(i64, f64)> = (0..df.height())
        .filter(|&i| m[i] == muni && s[i] == "royalty" && y[i] == year)
        .map(|i| (p[i], v[i]))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

fn run(dir: &Path, text: &str, paths: &str) -> std::path::PathBuf {
    let file = dir.join("s.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join("run");
    aimak_ok(&[
        "run",
        file.to_str().unwrap(),
        "--paths",
        paths,
        "--keep-paths",
        "--out",
        out.to_str().unwrap(),
        "--force",
        "-q",
    ]);
    out
}

#[test]
fn recorded_years_are_used_as_written_and_the_continuation_steps_from_the_last() {
    let dir = tempfile::tempdir().unwrap();
    // Gold: recorded to 2023, then 5% a year without volatility: 2024, 2025 and the step
    // into 2026 are simulated (three steps before 2027). Silver: recorded for every year.
    let out = run(
        dir.path(),
        &scenario(
            "[driver.gold]\nmodel = \"history\"\nvalues = { 2021 = 90.0, 2022 = 95.0, 2023 = 100.0 }\n\
             then = { model = \"gbm\", drift = 0.05, volatility = 0.0 }\n\
             [driver.silver]\nmodel = \"history\"\nvalues = { 2025 = 20.0, 2026 = 21.0, 2027 = 22.0, 2028 = 23.0 }\n",
            &["gold", "silver"],
        ),
        "8",
    );
    for (year, steps) in [(2026, 3.0), (2027, 4.0), (2028, 5.0)] {
        let want = 100.0 * 100.0 * (0.05f64 * steps).exp();
        for v in royalties(&out, "m-gold", year) {
            assert!((v - want).abs() < 1e-6 * want, "{year}: {v} vs {want}");
        }
    }
    for (year, price) in [(2026, 21.0), (2027, 22.0), (2028, 23.0)] {
        for v in royalties(&out, "m-silver", year) {
            assert!((v - 100.0 * price).abs() < 1e-9, "{year}: {v}");
        }
    }
}

#[test]
fn the_steps_before_the_horizon_carry_their_randomness_and_correlation() {
    let dir = tempfile::tempdir().unwrap();
    // Both recorded to 2021: five yearly steps of volatility 0.2 before 2026 (2022..=2026),
    // with correlated shocks (rho = 0.8) in every one of them.
    let n = 4000;
    let out = run(
        dir.path(),
        &scenario(
            "[driver.a]\nmodel = \"history\"\nvalues = { 2020 = 50.0, 2021 = 100.0 }\n\
             then = { model = \"gbm\", drift = 0.0, volatility = 0.2 }\n\
             [driver.b]\nmodel = \"history\"\nvalues = { 2021 = 100.0 }\n\
             then = { model = \"mean_reverting\", long_run = 100.0, speed = 1e-9, volatility = 0.2 }\n\
             [[correlation]]\ndrivers = [\"a\", \"b\"]\nrho = 0.8\n",
            &["a", "b"],
        ),
        &n.to_string(),
    );
    let la: Vec<f64> = royalties(&out, "m-a", 2026)
        .iter()
        .map(|v| (v / 100.0).ln())
        .collect();
    let lb: Vec<f64> = royalties(&out, "m-b", 2026)
        .iter()
        .map(|v| (v / 100.0).ln())
        .collect();
    let nf = n as f64;
    let mean = |x: &[f64]| x.iter().sum::<f64>() / nf;
    let (ma, mb) = (mean(&la), mean(&lb));
    let var = |x: &[f64], m: f64| x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (nf - 1.0);
    let (va, vb) = (var(&la, ma), var(&lb, mb));
    let cov = la
        .iter()
        .zip(&lb)
        .map(|(a, b)| (a - ma) * (b - mb))
        .sum::<f64>()
        / (nf - 1.0);
    // gbm: log X(2026) = ln 100 + 5 (-0.02) + 0.2 W, W ~ N(0, 5): mean -0.1, variance 0.2.
    // The mean-reverting one with a vanishing speed is a random walk in logs: variance 0.2.
    let se_mean = (0.2f64 / nf).sqrt();
    assert!((ma - (4.60517 - 0.1)).abs() < 5.0 * se_mean, "mean {ma}");
    let se_var = 0.2 * (2.0 / (nf - 1.0)).sqrt();
    assert!((va - 0.2).abs() < 5.0 * se_var, "variance {va}");
    assert!((vb - 0.2).abs() < 5.0 * se_var, "variance {vb}");
    // Correlation of the sums of five correlated shocks: 0.8; its standard error is about
    // (1 - rho^2) / sqrt(n).
    let rho = cov / (va * vb).sqrt();
    assert!(
        (rho - 0.8).abs() < 5.0 * (1.0 - 0.64) / nf.sqrt(),
        "rho {rho}"
    );
}

#[test]
fn a_record_that_does_not_fit_the_horizon_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    for (driver, expected) in [
        (
            "values = { 2020 = 1.0, 2022 = 2.0 }\nthen = { model = \"gbm\" }",
            "driver[gold].values: the years 2020-2022 have gaps",
        ),
        (
            "values = { 2027 = 1.0, 2028 = 2.0 }\nthen = { model = \"gbm\" }",
            "the record starts in 2027, after the scenario's start_year 2026",
        ),
        (
            "values = { 2025 = 1.0, 2026 = 2.0 }",
            "the record ends in 2026 and the scenario runs to 2028",
        ),
        (
            "values = { 2025 = 1.0 }\nthen = { model = \"gbm\", start = 3.0 }",
            "driver[gold].then.start: a continuation starts from the last recorded value",
        ),
        (
            "values = { 2025 = -1.0 }\nthen = { model = \"gbm\" }",
            "driver[gold].values.2025",
        ),
        (
            "values = { 2025 = 1.0 }\nthen = { model = \"fixed\" }",
            "driver[gold].then.model: found \"fixed\", expected one of \"gbm\", \"mean_reverting\", \"bootstrap\"",
        ),
    ] {
        std::fs::write(
            &f,
            scenario(
                &format!("[driver.gold]\nmodel = \"history\"\n{driver}\n"),
                &["gold"],
            ),
        )
        .unwrap();
        let o = aimak(&["check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{driver}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expected), "{driver}: {expected:?} not in\n{err}");
    }
    // No continuation, or a bootstrap one: nothing to correlate.
    std::fs::write(
        &f,
        scenario(
            "[driver.gold]\nmodel = \"history\"\nvalues = { 2026 = 1.0, 2027 = 1.0, 2028 = 1.0 }\n\
             [driver.x]\nmodel = \"gbm\"\nstart = 1.0\nvolatility = 0.1\n\
             [[correlation]]\ndrivers = [\"gold\", \"x\"]\nrho = 0.5\n",
            &["gold"],
        ),
    )
    .unwrap();
    let err = String::from_utf8_lossy(&aimak(&["check", f.to_str().unwrap()]).stderr).into_owned();
    assert!(err.contains("driver \"gold\" is history"), "{err}");
}

/// A scenario whose one mine has a calendar output (and a gold price fixed at 100).
fn calendar_scenario(project_extra: &str) -> String {
    format!(
        "format_version = 1\n[scenario]\nname = \"Calendar\"\nstart_year = 2026\nyears = 4\n\
         [driver.gold]\nmodel = \"fixed\"\nvalue = 100.0\n\
         [[municipality]]\nid = \"m\"\ndistrict = \"D\"\noblast = \"O\"\npopulation = 100\n\
         [[project]]\nid = \"mine\"\nhosts = [ {{ municipality = \"m\", share = 1.0 }} ]\n\
         products = [ {{ driver = \"gold\", per_unit = 1.0 }} ]\n{project_extra}\n\
         [[instrument]]\nid = \"royalty\"\nbase = \"gross_revenue\"\nrate = 0.1\n\
         route = [ {{ to = \"host\", share = 1.0 }} ]\n"
    )
}

#[test]
fn a_calendar_output_is_a_record_planned_before_and_closed_after() {
    let dir = tempfile::tempdir().unwrap();
    // Recorded 2027-2028: planned in 2026, producing 2027-2028, closed in 2029.
    let out = run(
        dir.path(),
        &calendar_scenario(
            "output = { calendar = { 2027 = 1000, 2028 = 3000 } }\nstatus = \"planned\"",
        ),
        "4",
    );
    for (year, want) in [(2026, 0.0), (2027, 10_000.0), (2028, 30_000.0), (2029, 0.0)] {
        for v in royalties(&out, "m", year) {
            assert!((v - want).abs() < 1e-9, "{year}: {v} vs {want}");
        }
    }
    let f = std::fs::File::open(out.join("projects.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let col = |c: &str| {
        df.column(c)
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect::<Vec<f64>>()
    };
    let years: Vec<i32> = df
        .column("year")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let (planned, closed) = (col("p_planned"), col("p_closed"));
    assert_eq!(df.height(), 4, "one project, one variant, four years");
    for i in 0..df.height() {
        let (p, c) = match years[i] {
            2026 => (1.0, 0.0),
            2029 => (0.0, 1.0),
            _ => (0.0, 0.0),
        };
        assert_eq!((planned[i], closed[i]), (p, c), "{}", years[i]);
    }
}

#[test]
fn a_calendar_output_gives_no_plan() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    for (extra, expected) in [
        (
            "output = { calendar = { 2026 = 1000 } }\nstart_year = 2026",
            "project[mine].start_year: `start_year` cannot be given with a calendar output",
        ),
        (
            "output = { calendar = { 2026 = 1000 } }\nlife_years = 3",
            "project[mine].life_years: `life_years` cannot be given with a calendar output",
        ),
        (
            "output = { calendar = { 2026 = 1000 } }\nrisk = { never_start = 0.2 }",
            "project[mine].risk.never_start: `risk.never_start` cannot be given",
        ),
        (
            "output = { calendar = { 2026 = 1000 }, capacity = 5 }",
            "project[mine].output.capacity: `capacity` cannot be combined with `calendar`",
        ),
        (
            "output = { calendar = { 2026 = 1000, 2028 = 5 } }",
            "project[mine].output.calendar: the years 2026-2028 have gaps",
        ),
        (
            "output = { calendar = { 2026 = 0 } }",
            "project[mine].output.calendar.2026",
        ),
    ] {
        std::fs::write(&f, calendar_scenario(extra)).unwrap();
        let o = aimak(&["check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{extra}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(expected),
            "{extra}: {expected:?} not in\n{err}"
        );
    }
}
