//! Law changes (docs/model.md section 11): a forced sequence of laws (hazard 1) computed by
//! hand, including a lagged payment that keeps the route of the year it fell due and a fund
//! that pays out with the share in force in the payout year; the hazard's driver and the
//! regimes' weights against their probabilities; the same bits at any thread count;
//! conservation; `regimes.parquet` and the extensions tour.

use super::engine::scenario;
use super::{aimak_ok, root};
use aimak::model::Scenario;
use aimak::results::{Results, VariantResults};
use aimak::sim;
use polars::prelude::*;

/// Output 100 a year at a fixed price of 1, so revenue is 100 in every year and path. Under
/// the law as written: a 10% royalty to the host; a 20% deferred tax paid a year late, half
/// to the host and half to the republic; 30% to a district fund that pays out all it holds,
/// split between two municipalities of equal population. The regime `alt` raises the
/// royalty to 30%, sends all the deferred tax to the host, and makes the fund pay out half.
fn hand(hazard: &str, lag: u32) -> String {
    format!(
        r#"
format_version = 1
[scenario]
name = "Laws by hand"
start_year = 2026
years = 5

[driver.price]
model = "fixed"
value = 1.0

[[municipality]]
id = "host"
district = "Ala-Buka"
oblast = "Jalal-Abad"
population = 1000

[[municipality]]
id = "other"
district = "Ala-Buka"
oblast = "Jalal-Abad"
population = 1000

[[fund]]
id = "dev"
level = "district"
area = "Ala-Buka"
allocation = "population"
disburse = 1.0

[[project]]
id = "mine"
hosts = [ {{ municipality = "host", share = 1.0 }} ]
start_year = 2026
products = [ {{ driver = "price", per_unit = 1.0 }} ]
output = {{ profile = [100, 100, 100, 100, 100] }}

[[instrument]]
id = "royalty"
base = "gross_revenue"
rate = 0.1
route = [ {{ to = "host", share = 1.0 }} ]

[[instrument]]
id = "deferred"
base = "gross_revenue"
rate = 0.2
lag_years = 1
route = [ {{ to = "host", share = 0.5 }}, {{ to = "republic", share = 0.5 }} ]

[[instrument]]
id = "infra"
base = "gross_revenue"
rate = 0.3
route = [ {{ to = "fund:dev", share = 1.0 }} ]

[[regime]]
name = "alt"
[regime.set]
"instrument.royalty.rate" = 0.3
"instrument.deferred.route" = [ {{ to = "host", share = 1.0 }} ]
"fund.dev.disburse" = 0.5

[regime_change]
hazard = {hazard}
lag_years = {lag}

[[variant]]
name = "no-law-risk"
[variant.set]
"regime_change.hazard" = 0.0
"#
    )
}

/// `text` with a gbm driver `gold` (start 100) for the hazard to rise with.
fn with_gold(text: &str, drift: f64, volatility: f64) -> String {
    text.replace(
        "[driver.price]",
        &format!(
            "[driver.gold]\nmodel = \"gbm\"\nstart = 100.0\ndrift = {drift}\nvolatility = {volatility}\n\n[driver.price]"
        ),
    )
}

fn run(s: &Scenario, paths: u64, threads: usize) -> Results {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let settings = sim::Settings {
        paths,
        seed: 7,
        threads,
        quantiles: None,
    };
    sim::run(s, &names, &settings, &|_, _| {}, None).unwrap()
}

/// The mean by year of a municipality's stream (every path is the same here).
fn stream(v: &VariantResults, muni: &str, name: &str) -> Vec<f64> {
    let m = v.municipalities.iter().find(|m| m.id == muni).unwrap();
    let s = m.streams.iter().find(|s| s.name == name).unwrap();
    s.years.iter().map(|y| y.mean).collect()
}

fn level(v: &VariantResults, level: &str, name: &str) -> Vec<f64> {
    let l = v.levels.iter().find(|l| l.level == level).unwrap();
    let s = l.streams.iter().find(|s| s.name == name).unwrap();
    s.years.iter().map(|y| y.mean).collect()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}: {got:?}, expected {want:?}"
        );
    }
}

#[test]
fn a_forced_sequence_of_laws_gives_the_amounts_computed_by_hand() {
    // Hazard 1 with two laws: the decisions alternate, s = current, alt, current, alt,
    // current; with a lag of one year the law in force is s[max(0, t - 1)]:
    // current, current, alt, current, alt.
    let r = run(&scenario(&hand("1.0", 1)), 300, 2);
    let v = &r.variants[0];
    let laws = &v.laws;
    assert_eq!(laws.len(), 2);
    assert_eq!(
        (laws[0].name.as_str(), laws[1].name.as_str()),
        ("current", "alt")
    );
    assert_close(
        &laws[1].in_force,
        &[0.0, 0.0, 1.0, 0.0, 1.0],
        "alt in force",
    );
    assert_close(
        &laws[0].in_force,
        &[1.0, 1.0, 0.0, 1.0, 0.0],
        "current in force",
    );
    // The royalty follows the rate in force: 10% or 30% of 100.
    assert_close(
        &stream(v, "host", "royalty"),
        &[10.0, 10.0, 30.0, 10.0, 30.0],
        "royalty",
    );
    // The deferred tax (20 due every year) is paid a year later with the route of the year
    // it fell due: due in 2026 and 2027 under the law as written (10 to the host, 10 to the
    // republic), in 2028 under alt (20 to the host), in 2029 as written; 2030's is pending.
    assert_close(
        &stream(v, "host", "deferred"),
        &[0.0, 10.0, 10.0, 20.0, 10.0],
        "deferred",
    );
    assert_close(
        &level(v, "republic", "deferred"),
        &[0.0, 10.0, 10.0, 0.0, 10.0],
        "republic",
    );
    let pending = v
        .pending
        .iter()
        .find(|(i, _)| i == "deferred")
        .unwrap()
        .1
        .mean;
    assert!((pending - 20.0).abs() < 1e-9, "pending {pending}");
    // The fund receives 30 a year and pays out the share in force in the payout year
    // (1, 1, 0.5, 1, 0.5): 30, 30, 15, 45 (15 held + 30), 15; each member has half.
    assert_close(
        &level(v, "fund:dev", "outflow"),
        &[30.0, 30.0, 15.0, 45.0, 15.0],
        "fund",
    );
    assert_close(
        &stream(v, "other", "fund:dev"),
        &[15.0, 15.0, 7.5, 22.5, 7.5],
        "member",
    );
    // Without law risk the law as written holds throughout.
    let calm = &r.variants[1];
    assert_close(&calm.laws[0].in_force, &[1.0; 5], "no law risk");
    assert_close(
        &stream(calm, "host", "royalty"),
        &[10.0; 5],
        "royalty, no law risk",
    );
    assert_close(
        &stream(calm, "host", "deferred"),
        &[0.0, 10.0, 10.0, 10.0, 10.0],
        "deferred",
    );
}

#[test]
fn without_a_lag_the_decision_applies_in_its_own_year() {
    let r = run(&scenario(&hand("1.0", 0)), 64, 1);
    let v = &r.variants[0];
    assert_close(
        &v.laws[1].in_force,
        &[0.0, 1.0, 0.0, 1.0, 0.0],
        "alt in force",
    );
    assert_close(
        &stream(v, "host", "royalty"),
        &[10.0, 30.0, 10.0, 30.0, 10.0],
        "royalty",
    );
}

#[test]
fn the_hazard_rises_with_its_driver_and_the_choice_follows_the_weights() {
    // A price that rises by half each year without noise (gbm, volatility 0): the hazard of
    // the first decision is 0.2 * 1.5 = 0.3; the law then changes to `alt` (weight 1) or
    // `big` (weight 2) with probabilities 0.1 and 0.2. No lag: year 1 shows the decision.
    let text = with_gold(
        &hand("{ base = 0.2, driver = \"gold\", elasticity = 1.0 }", 0),
        0.4054651081081644,
        0.0,
    ) + "\n[[regime]]\nname = \"big\"\nweight = 2.0\n[regime.set]\n\"instrument.royalty.rate\" = 0.5\n";
    let n = 40_000u64;
    let r = run(&scenario(&text), n, 2);
    let v = &r.variants[0];
    for (k, p) in [(0usize, 0.7), (1, 0.1), (2, 0.2)] {
        let got = v.laws[k].in_force[1];
        // Five standard errors of a proportion: a false failure about once in 3.5 million.
        let tol = 5.0 * (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (got - p).abs() < tol,
            "law {k}: {got}, expected {p} +- {tol}"
        );
    }
    assert_eq!(v.laws[0].in_force[0], 1.0);
    // The royalty's mean in year 1 mixes the laws: 10 * 0.7 + 30 * 0.1 + 50 * 0.2 = 20, up
    // to the same error (the royalty is a linear function of the law's indicators).
    let royalty = stream(v, "host", "royalty")[1];
    let sd = ((0.7 * 100.0 + 0.1 * 900.0 + 0.2 * 2500.0) - 400.0f64).sqrt();
    assert!(
        (royalty - 20.0).abs() < 5.0 * sd / (n as f64).sqrt(),
        "{royalty}"
    );
}

#[test]
fn laws_keep_the_same_bits_at_any_thread_count_and_conserve_money() {
    let text = with_gold(
        &hand("{ base = 0.3, driver = \"gold\", elasticity = 1.5 }", 1),
        0.02,
        0.3,
    );
    let s = scenario(&text);
    // 1000 paths: 4 blocks shared among the threads. `sim::run` checks conservation in
    // every path and fails otherwise.
    let one = format!("{:?}", run(&s, 1000, 1).variants);
    assert_eq!(one, format!("{:?}", run(&s, 1000, 2).variants));
    assert_eq!(one, format!("{:?}", run(&s, 1000, 8).variants));
}

#[test]
fn the_extensions_tour_writes_the_probability_of_each_law() {
    let tour = root().join("../shared/examples/extensions-tour.toml");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("run");
    aimak_ok(&[
        "run",
        tour.to_str().unwrap(),
        "--paths",
        "600",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let f = std::fs::File::open(dir.join("regimes.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let names: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
    assert_eq!(names, ["variant", "year", "regime", "probability"]);
    let v = df.column("variant").unwrap().str().unwrap();
    let y = df.column("year").unwrap().i32().unwrap();
    let g = df.column("regime").unwrap().str().unwrap();
    let p = df.column("probability").unwrap().f64().unwrap();
    let mut sums: std::collections::BTreeMap<(String, i32), f64> = Default::default();
    for i in 0..df.height() {
        let (v, y, g, p) = (
            v.get(i).unwrap(),
            y.get(i).unwrap(),
            g.get(i).unwrap(),
            p.get(i).unwrap(),
        );
        *sums.entry((v.to_string(), y)).or_default() += p;
        if v == "no-law-risk" || y <= 2027 {
            // No law risk, or before a change can take effect (decided in 2027 at the
            // earliest, applied a year later).
            let want = if g == "current" { 1.0 } else { 0.0 };
            assert_eq!(p, want, "{v} {y} {g}");
        }
    }
    assert!(sums.values().all(|s| (s - 1.0).abs() < 1e-12), "{sums:?}");
    // Every variant of the tour, the three of them, over 20 years.
    assert_eq!(sums.len(), 3 * 20);
    assert!(dir.join("charts/baseline/regimes.png").exists());
}

#[test]
fn regimes_of_an_included_file_are_kept_beside_the_including_file_s() {
    // The law-risk scenario declares two regimes; a file that includes it adds a third.
    let dir = tempfile::tempdir().unwrap();
    let inc = root().join("scenarios/pilot-law-risk.toml");
    let text = format!(
        "format_version = 1\n[scenario]\ninclude = [\"{}\"]\n\n[[regime]]\nname = \"third\"\n[regime.set]\n\"instrument.royalty_gold.rate\" = 0.06\n",
        inc.display()
    );
    let f = dir.path().join("s.toml");
    std::fs::write(&f, text).unwrap();
    let s = aimak::scenario::load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = s.baseline.regimes.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["current", "local-2013", "royalty-plus-3", "third"]);
}
