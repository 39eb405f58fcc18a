//! `aimak backtest` (docs/model.md section 13): the shipped backtest of the published
//! receipts, a deterministic scenario whose answer is known, forecasts from past origins, and
//! the errors of a bad actuals file.

use super::{aimak, aimak_ok, root};
use polars::prelude::*;
use std::path::Path;

const SCENARIO: &str = "scenarios/backtest/published-receipts.toml";
const ACTUALS: &str = "scenarios/backtest/actuals.csv";

fn read(dir: &Path) -> (DataFrame, Vec<(String, Option<String>)>) {
    super::parquet_with_metadata(&dir.join("backtest.parquet"))
}

fn f64s(df: &DataFrame, name: &str) -> Vec<f64> {
    df.column(name)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

fn bools(df: &DataFrame, name: &str) -> Vec<bool> {
    df.column(name)
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|b| b.expect("no nulls"))
        .collect()
}

fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|x| x.expect("no nulls").to_string())
        .collect()
}

#[test]
fn the_shipped_backtest_scores_every_published_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    let o = aimak_ok(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--paths",
        "600",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines().next().is_some_and(
            |l| l.starts_with("80% intervals held for ") && l.contains(" of 6 actuals")
        ),
        "{text}"
    );
    let (df, kv) = read(&out);
    let want = [
        "origin",
        "line",
        "year",
        "year_end",
        "target",
        "stream",
        "amount",
        "source",
        "paths",
        "mean",
        "p05",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "p_below",
        "p_at_or_below",
        "pit",
        "in50",
        "in80",
        "in90",
        "crps",
        "wis",
        "median_ratio",
    ];
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, want);
    assert_eq!(df.height(), 6);
    assert_eq!(df.column("origin").unwrap().null_count(), 6);
    for key in [
        "aimak_version",
        "scenario_sha256",
        "seed",
        "paths",
        "quantile_method",
    ] {
        assert!(kv.iter().any(|(k, _)| k == key), "no {key} in the metadata");
    }
    let q: Vec<Vec<f64>> = ["p05", "p10", "p25", "p50", "p75", "p90", "p95"]
        .iter()
        .map(|c| f64s(&df, c))
        .collect();
    let (amount, pit) = (f64s(&df, "amount"), f64s(&df, "pit"));
    let (lo, hi) = (f64s(&df, "p_below"), f64s(&df, "p_at_or_below"));
    let (in80, crps, wis) = (bools(&df, "in80"), f64s(&df, "crps"), f64s(&df, "wis"));
    for r in 0..df.height() {
        for k in 1..7 {
            assert!(q[k][r] >= q[k - 1][r], "quantiles out of order in row {r}");
        }
        assert!(lo[r] <= pit[r] && pit[r] <= hi[r], "row {r}");
        assert_eq!(in80[r], q[1][r] <= amount[r] && amount[r] <= q[5][r]);
        assert!(crps[r] >= 0.0 && wis[r] >= 0.0);
    }
    // The Issyk-Kul fund in 2020: published 481 M KGS; the replay's median is about 1.5 times it.
    let ratio = f64s(&df, "median_ratio");
    assert!(ratio[0] > 1.3 && ratio[0] < 1.8, "{}", ratio[0]);
    assert_eq!(strings(&df, "target")[3], "fund:odf:Talas");
    for chart in [
        "charts/backtest/pit.png",
        "charts/backtest/replay-fund-issyk-kul-odf-inflow.png",
        "charts/backtest/replay-fund-odf-talas-inflow-from-2020.svg",
    ] {
        assert!(out.join(chart).is_file(), "{chart}");
    }
    // The same seed gives the same scores, at any number of threads.
    let again = tmp.path().join("again");
    aimak_ok(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--paths",
        "600",
        "--threads",
        "1",
        "--out",
        again.to_str().unwrap(),
    ]);
    let (df2, _) = read(&again);
    assert_eq!(f64s(&df2, "pit"), pit);
    assert_eq!(f64s(&df2, "crps"), crps);
    // An aimak folder is replaced only with --force.
    let o = aimak(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--paths",
        "64",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    aimak_ok(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--paths",
        "64",
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
}

#[test]
fn forecasts_from_past_origins_score_the_years_from_each_origin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    aimak_ok(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--origins",
        "2020..2022",
        "--paths",
        "300",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (df, _) = read(&out);
    let origins: Vec<i32> = df
        .column("origin")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    // 2020 scores all six (every amount is from 2020 on), 2021 and 2022 the Naryn fund's 2022.
    assert_eq!(origins, [2020, 2020, 2020, 2020, 2020, 2020, 2021, 2022]);
    let years: Vec<i32> = df
        .column("year")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    for (o, y) in origins.iter().zip(&years) {
        assert!(y >= o);
    }
    assert!(out
        .join("charts/backtest/origin-2021-fund-naryn-odf-inflow.png")
        .is_file());
    // Gold and the exchange rate are recorded from 2012: an origin needs the year before it.
    let o = aimak(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--origins",
        "2012..2012",
        "--paths",
        "64",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "driver \"gold\": its record starts in 2012, so it has no value of 2011 or before"
        ),
        "{err}"
    );
    assert!(!tmp.path().join("x").exists());
    let o = aimak(&[
        "backtest",
        SCENARIO,
        "--actuals",
        ACTUALS,
        "--origins",
        "2022..2020",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

/// A scenario without randomness: a fixed price, a recorded output, no variability. Fund
/// `f` receives 1% of 1,000,000 = 10,000 every year, and pays out all of it.
const FIXED: &str = r#"
format_version = 1
[scenario]
name = "Fixed backtest"
start_year = 2020
years = 3
[driver.price]
model = "history"
values = { 2019 = 1.0, 2020 = 1.0, 2021 = 1.0, 2022 = 1.0 }
then = { model = "gbm", drift = 0.0, volatility = 0.2 }
[[municipality]]
id = "village"
district = "D"
oblast = "O"
population = 1000
[[fund]]
id = "f"
level = "oblast"
area = "O"
[[project]]
id = "plant"
hosts = [ { municipality = "village", share = 1.0 } ]
products = [ { driver = "price", per_unit = 1.0 } ]
output = { calendar = { 2020 = 1_000_000, 2021 = 1_000_000, 2022 = 1_000_000 } }
[[instrument]]
id = "levy"
applies_to = { projects = ["plant"] }
base = "gross_revenue"
rate = 0.01
route = [ { to = "fund:f", share = 0.5 }, { to = "host", share = 0.5 } ]
"#;

fn fixed_files(dir: &Path, csv: &str) -> (String, String) {
    let s = dir.join("fixed.toml");
    let a = dir.join("actuals.csv");
    std::fs::write(&s, FIXED).unwrap();
    std::fs::write(&a, csv).unwrap();
    (s.display().to_string(), a.display().to_string())
}

#[test]
fn an_actual_equal_to_a_constant_stream_scores_perfectly() {
    let tmp = tempfile::tempdir().unwrap();
    let (s, a) = fixed_files(
        tmp.path(),
        "year,target,stream,amount,source\n\
         2021,fund:f,inflow,5000,test\n\
         2020-2022,village,levy,15000,test\n\
         2021,fund:f,outflow,4000,test\n\
         2018,fund:f,inflow,5000,before the horizon\n",
    );
    let out = tmp.path().join("bt");
    let o = aimak_ok(&[
        "backtest",
        &s,
        "--actuals",
        &a,
        "--paths",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("80% intervals held for 2 of 3 actuals"),
        "{text}"
    );
    // The actual outside the horizon is reported, not dropped silently.
    assert!(
        text.contains("line 5: 2018 fund:f inflow (5000) is outside the horizon 2020-2022"),
        "{text}"
    );
    let (df, _) = read(&out);
    assert_eq!(df.height(), 3);
    let (pit, crps, wis) = (f64s(&df, "pit"), f64s(&df, "crps"), f64s(&df, "wis"));
    let (lo, hi) = (f64s(&df, "p_below"), f64s(&df, "p_at_or_below"));
    for r in 0..2 {
        assert_eq!((lo[r], hi[r]), (0.0, 1.0));
        assert!((0.0..1.0).contains(&pit[r]));
        assert!(crps[r].abs() < 1e-9 && wis[r].abs() < 1e-9, "row {r}");
        assert!(bools(&df, "in50")[r] && bools(&df, "in80")[r] && bools(&df, "in90")[r]);
    }
    // 4,000 against a constant 5,000: PIT 1, CRPS and WIS the error of 1,000 (WIS: (0.5 *
    // 1000 + 0.05 * 2/0.1 * 1000 + 0.1 * 2/0.2 * 1000 + 0.25 * 2/0.5 * 1000) / 3.5).
    assert_eq!((lo[2], hi[2], pit[2]), (0.0, 0.0, 0.0));
    assert!((crps[2] - 1000.0).abs() < 1e-9);
    assert!((wis[2] - 3500.0 / 3.5).abs() < 1e-9, "{}", wis[2]);
    assert!(!bools(&df, "in90")[2]);
    // With origins the history is cut and continued by a random walk: no longer constant.
    let out2 = tmp.path().join("bt2");
    aimak_ok(&[
        "backtest",
        &s,
        "--actuals",
        &a,
        "--paths",
        "200",
        "--origins",
        "2021..2021",
        "--out",
        out2.to_str().unwrap(),
    ]);
    let (df, _) = read(&out2);
    assert_eq!(df.height(), 2);
    assert!(f64s(&df, "crps")[0] > 0.0);
}

#[test]
fn a_bad_actuals_file_is_refused_with_every_problem_located() {
    let tmp = tempfile::tempdir().unwrap();
    let (s, a) = fixed_files(
        tmp.path(),
        "year,target,stream,amount,source\n\
         20x1,fund:f,inflow,5000,test\n\
         2021,fund:f,inflow,five,\n",
    );
    let o = aimak(&["backtest", &s, "--actuals", &a]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for at in [
        "actuals.csv:2:1: year `20x1`",
        "actuals.csv:3:20: amount `five`",
        "actuals.csv:3:25: the source is empty",
    ] {
        assert!(err.contains(at), "{at} not in {err}");
    }
    let (s, a) = fixed_files(
        tmp.path(),
        "year,target,stream,amount,source\n\
         2021,fund:g,inflow,5000,test\n\
         2021,village,lev,5000,test\n",
    );
    let o = aimak(&["backtest", &s, "--actuals", &a]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("actuals.csv:2:6: unknown target `fund:g`; did you mean `fund:f`?"),
        "{err}"
    );
    assert!(
        err.contains("actuals.csv:3:14: `village` has no stream `lev`; did you mean `levy`?"),
        "{err}"
    );
    assert!(!root().join("output/fixed-backtest-backtest").exists());
}

/// The level rows a backtest keeps are the values `levels.parquet` summarises: for every
/// level, stream and year of the shipped backtest scenario, the median of the kept values is
/// the run's exact median.
#[test]
fn kept_level_rows_are_the_values_the_level_tables_summarise() {
    use aimak::results::KeptBlock;
    use aimak::sim;
    use std::sync::Mutex;
    let s = aimak::scenario::load_file(&root().join(SCENARIO)).unwrap();
    let m = &s.baseline;
    let paths = 300usize;
    let settings = sim::Settings {
        paths: paths as u64,
        seed: 7,
        threads: 2,
        quantiles: None,
    };
    let names = sim::kept_rows_with_levels("baseline", m);
    let first_level = sim::kept_rows("baseline", m).rows.len();
    let store = Mutex::new(vec![vec![0.0; m.years * paths]; names.rows.len()]);
    let keep = |kb: KeptBlock| {
        let mut st = store.lock().unwrap();
        assert_eq!(kb.values.len(), names.rows.len());
        for (r, row) in kb.values.iter().enumerate() {
            for t in 0..m.years {
                for b in 0..kb.lanes {
                    st[r][t * paths + kb.first as usize + b] = row[t * kb.width + b];
                }
            }
        }
    };
    let results = sim::run_keeping_levels(&s, &["baseline"], &settings, &|_, _| {}, &keep).unwrap();
    let st = store.into_inner().unwrap();
    let levels = &results.variants[0].levels;
    let mut checked = 0;
    for (r, (level, stream)) in names.rows.iter().enumerate().skip(first_level) {
        let l = levels
            .iter()
            .find(|l| &l.level == level)
            .unwrap_or_else(|| panic!("no level {level}"));
        let sr = l
            .streams
            .iter()
            .find(|x| &x.name == stream)
            .unwrap_or_else(|| panic!("no stream {stream} at {level}"));
        for t in 0..m.years {
            let mut v = st[r][t * paths..(t + 1) * paths].to_vec();
            let q = aimak::stats::quantile::exact(&mut v);
            assert_eq!(q[3], sr.years[t].q[3], "{level} {stream} year {t}");
            checked += 1;
        }
    }
    // The republic, three oblasts and the eleven funds of the scenario, each year.
    assert!(checked >= 5 * (4 + 3 + 11 * 3), "{checked}");
}
