//! Municipal budget rules (docs/model.md section 10): cells computed by hand on a
//! deterministic scenario, the `as_received` reference against `budget_total`, conservation
//! of every path, the same bits at any thread count and block split, `rules.parquet`, and the
//! rules of the extensions tour.

use super::engine::scenario;
use super::{aimak, aimak_ok, root};
use aimak::model::Scenario;
use aimak::results::{Results, RuleResults};
use aimak::sim;
use aimak::stats::{Cell, Moments, QuantileMode};
use polars::prelude::*;

/// One host whose project money steps up and then stops, `P = 0, 100, 100, 0, 0` in every
/// path (a fixed price of 1, output 100 in 2027 and 2028, a 100% royalty to the host, no
/// risk, variability 0), with own revenue 1000, grant 500 and a spending need of 1600; and a
/// municipality without project money or need. Discount rate 10%.
const HAND: &str = r#"
format_version = 1
[scenario]
name = "Rules by hand"
start_year = 2026
years = 5
discount_rate = 0.1

[driver.price]
model = "fixed"
value = 1.0

[[municipality]]
id = "host"
district = "Ala-Buka"
oblast = "Jalal-Abad"
population = 1000
own_revenue = 1000
grant = 500
spending_need = 1600

[[municipality]]
id = "other"
district = "Ala-Buka"
oblast = "Jalal-Abad"
population = 1000
own_revenue = 2000

[[project]]
id = "mine"
hosts = [ { municipality = "host", share = 1.0 } ]
start_year = 2027
products = [ { driver = "price", per_unit = 1.0 } ]
output = { profile = [100, 100] }

[[instrument]]
id = "royalty"
base = "gross_revenue"
rate = 1.0
route = [ { to = "host", share = 1.0 } ]

[[budget_rule]]
id = "ma2"
spend = { moving_average = 2 }
applies_to = ["host"]

[[budget_rule]]
id = "ma3"
spend = { moving_average = 3 }
applies_to = ["host"]

[[budget_rule]]
id = "half"
label = { en = "Save half of any windfall" }
spend = { partial = { share = 0.5, years = 2 } }
applies_to = ["host"]
reference = "by hand"

[[budget_rule]]
id = "res50"
spend = { share_of_reserve = 0.5 }
reserve_return = 0.1

[[budget_rule]]
id = "capped"
spend = { moving_average = 5 }
reserve_cap = 30
applies_to = ["host"]
"#;

/// The three `[[budget_rule]]` tables of ../shared/examples/extensions-tour.toml, verbatim.
const TOUR_RULES: &str = r#"[[budget_rule]]
id = "ma5"
label = { en = "Spend the 5-year average", ru = "Тратить среднее за 5 лет", ky = "5 жылдык орточону коротуу" }
spend = { moving_average = 5 }
applies_to = ["kok-serek", "kok-tash"]

[[budget_rule]]
id = "save-half"
label = { en = "Save half of any windfall", ru = "Откладывать половину сверхдохода", ky = "Ашыкча кирешенин жарымын сактоо" }
spend = { partial = { share = 0.5, years = 5 } }
reserve_cap = 50_000_000
reserve_return = 0.02

[[budget_rule]]
id = "reserve-30"
spend = { share_of_reserve = 0.3 }
"#;

/// The format tour (random: prices, risks, growth, a variant) with the tour's rules and a
/// capped moving average without a return, for conservation.
fn tour_with_rules() -> Scenario {
    let tour = std::fs::read_to_string(root().join("tests/fixtures/format-tour.toml")).unwrap();
    let regime = root().join("tests/fixtures/regimes/tour-regime.toml");
    let text = tour.replace("regimes/tour-regime.toml", regime.to_str().unwrap())
        + "\n"
        + TOUR_RULES
        + "\n[[budget_rule]]\nid = \"ma3-capped\"\nspend = { moving_average = 3 }\nreserve_cap = { 2026 = 2_000_000, 2030 = 500_000 }\n";
    scenario(&text)
}

fn run(s: &Scenario, paths: u64, threads: usize, q: Option<QuantileMode>) -> Results {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let settings = sim::Settings {
        paths,
        seed: 42,
        threads,
        quantiles: q,
    };
    sim::run(s, &names, &settings, &|_, _| {}, None).unwrap()
}

fn rule<'r>(r: &'r Results, id: &str, muni: &str) -> &'r RuleResults {
    r.variants[0]
        .rules
        .iter()
        .find(|x| x.rule == id && x.municipality == muni)
        .unwrap_or_else(|| panic!("no rule {id} at {muni}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The NPV at 10% and the sample sd of the year-on-year changes, computed here on their own.
fn npv(s: &[f64]) -> f64 {
    s.iter()
        .enumerate()
        .map(|(t, x)| x / 1.1f64.powi(t as i32))
        .sum()
}
fn volatility(s: &[f64]) -> f64 {
    let d: Vec<f64> = s.windows(2).map(|w| w[1] - w[0]).collect();
    let m = d.iter().sum::<f64>() / d.len() as f64;
    (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (d.len() - 1) as f64).sqrt()
}

/// A rule's id, spending and reserve by year, and its crunch years.
type Case = (&'static str, [f64; 5], [f64; 5], [bool; 5]);

#[test]
fn every_spend_form_and_the_cap_match_cells_computed_by_hand() {
    let s = scenario(HAND);
    let r = run(&s, 300, 2, None);
    let third = 200.0 / 3.0;
    // (rule, S, F, crunch years). P = 0, 100, 100, 0, 0 and A[t] = F[t-1] (1 + return) + P[t].
    let cases: [Case; 6] = [
        // Spend what arrives.
        (
            "as_received",
            [0.0, 100.0, 100.0, 0.0, 0.0],
            [0.0; 5],
            [false; 5],
        ),
        // T = mean of the last 2 years: 0, 50, 100, 50, 0; A = 0, 100, 150, 50, 0.
        (
            "ma2",
            [0.0, 50.0, 100.0, 50.0, 0.0],
            [0.0, 50.0, 50.0, 0.0, 0.0],
            [false; 5],
        ),
        // T = 0, 50, 66.67, 66.67, 33.33; A = 0, 100, 150, 83.33, 16.67: the last year
        // wants 33.33 but 16.67 is left, a crunch.
        (
            "ma3",
            [0.0, 50.0, third, third, 200.0 - 50.0 - 2.0 * third],
            [0.0, 50.0, 150.0 - third, 150.0 - 2.0 * third, 0.0],
            [false, false, false, false, true],
        ),
        // M (mean of the 2 previous years, M[0] = P[0]) = 0, 0, 50, 100, 50;
        // T = P/2 + M/2 = 0, 50, 75, 50, 25; A = 0, 100, 150, 75, 25.
        (
            "half",
            [0.0, 50.0, 75.0, 50.0, 25.0],
            [0.0, 50.0, 75.0, 25.0, 0.0],
            [false; 5],
        ),
        // Half of A, with 10% on the reserve: A = 0, 100, 100 + 55, 77.5 * 1.1, 42.625 * 1.1.
        (
            "res50",
            [0.0, 50.0, 77.5, 42.625, 23.44375],
            [0.0, 50.0, 77.5, 42.625, 23.44375],
            [false; 5],
        ),
        // moving_average 5, cap 30: T = 0, 50, 66.67, 50, 40. t=1: F = 50 > 30 releases 20,
        // S = 70; t=2: A = 130, F = 63.33 releases 33.33, S = 100; t=3: A = 30 < 50, a
        // crunch, S = 30; t=4: A = 0 < 40, a crunch.
        (
            "capped",
            [0.0, 70.0, 100.0, 30.0, 0.0],
            [0.0, 30.0, 30.0, 0.0, 0.0],
            [false, false, false, true, true],
        ),
    ];
    for (id, want_s, want_f, want_c) in cases {
        let x = rule(&r, id, "host");
        for t in 0..5 {
            let y = &x.years[t];
            let [sp, re, bu] = &y.streams;
            assert!(
                close(sp.mean, want_s[t]),
                "{id} S[{t}] {} {}",
                sp.mean,
                want_s[t]
            );
            assert!(close(re.mean, want_f[t]), "{id} F[{t}] {}", re.mean);
            // Budget: own revenue 1000 + grant 500 + spending; short of 1600 below 100.
            assert!(close(bu.mean, 1500.0 + want_s[t]), "{id} budget[{t}]");
            for q in sp.q {
                assert!(close(q, want_s[t]), "{id} quantile of S[{t}]");
            }
            assert_eq!(sp.sd, 0.0, "{id}: every path is the same");
            assert_eq!(
                y.p_crunch,
                f64::from(u8::from(want_c[t])),
                "{id} crunch[{t}]"
            );
            let short = want_s[t] < 100.0 - 1e-9;
            assert_eq!(y.p_shortfall, Some(f64::from(u8::from(short))), "{id} {t}");
        }
        let [n, last, vol] = &x.whole;
        assert!(close(n.mean, npv(&want_s)), "{id} npv {}", n.mean);
        assert!(close(last.mean, want_f[4]), "{id} final reserve");
        assert!(
            close(vol.mean, volatility(&want_s)),
            "{id} volatility {}",
            vol.mean
        );
        let any = want_c.iter().any(|c| *c);
        assert_eq!(x.p_any_crunch, f64::from(u8::from(any)), "{id} any crunch");
        // Money in equals money spent plus the reserve left (no return, or the return added).
        if id != "res50" {
            let spent: f64 = x.years.iter().map(|y| y.streams[0].mean).sum();
            assert!(close(spent + last.mean, 200.0), "{id} conserves");
        }
    }
    // `other` has no project money and no need: the rules that apply to every municipality
    // (the reference, res50) are there, spend nothing and have no shortfall column.
    let at_other: Vec<&str> = r.variants[0]
        .rules
        .iter()
        .filter(|x| x.municipality == "other")
        .map(|x| x.rule.as_str())
        .collect();
    assert_eq!(at_other, ["as_received", "res50"]);
    for id in at_other {
        let x = rule(&r, id, "other");
        assert!(x.years.iter().all(|y| y.streams[0].mean == 0.0));
        assert!(x.years.iter().all(|y| y.p_shortfall.is_none()));
        assert!(close(x.years[0].streams[2].mean, 2000.0));
    }
    // Rows come rule by rule, the reference first.
    let order: Vec<&str> = r.variants[0]
        .rules
        .iter()
        .map(|x| x.rule.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "as_received",
            "as_received",
            "ma2",
            "ma3",
            "half",
            "res50",
            "res50",
            "capped"
        ]
    );
}

#[test]
fn as_received_is_the_project_part_of_budget_total() {
    let s = tour_with_rules();
    let r = run(&s, 400, 2, None);
    for v in &r.variants {
        for m in &v.municipalities {
            let x = v
                .rules
                .iter()
                .find(|x| x.rule == "as_received" && x.municipality == m.id)
                .expect("the reference applies to every municipality");
            let project = m.stream("project_total").unwrap();
            let budget = m.stream("budget_total").unwrap();
            for (t, y) in x.years.iter().enumerate() {
                // The same bits: spending is the project money, the budget budget_total.
                assert_eq!(y.streams[0], project.years[t], "{} {} {t}", v.name, m.id);
                assert_eq!(y.streams[2], budget.years[t], "{} {} {t}", v.name, m.id);
                assert_eq!((y.streams[1].mean, y.streams[1].q), (0.0, [0.0; 7]));
                assert_eq!(y.p_crunch, 0.0);
                let sf = m.shortfall.as_ref().map(|s| s[t].p);
                assert_eq!(y.p_shortfall, sf, "{} {t}", m.id);
            }
            assert_eq!(x.whole[0], project.npv, "{}: npv_spending", m.id);
            assert_eq!(x.p_any_crunch, 0.0);
        }
    }
}

#[test]
fn every_path_conserves_money_without_a_return() {
    let s = tour_with_rules();
    let m = &s.baseline;
    let mut checked = 0;
    let mut saved = 0;
    for path in 0..120 {
        let tr = sim::trace(m, 5, path).unwrap();
        for x in &tr.rules {
            let p = tr.stream(x.municipality, "project_total");
            let last = *x.reserve.last().unwrap();
            if x.rule == "as_received" {
                // Spend what arrives, path by path: the project money, nothing kept.
                assert_eq!(x.spending, p, "path {path}");
                assert!(x.reserve.iter().all(|f| *f == 0.0) && !x.crunch.contains(&true));
            }
            if x.rule == "save-half" {
                // A return of 2% adds money: never less out than in.
                let out = x.spending.iter().sum::<f64>() + last;
                assert!(out >= p.iter().sum::<f64>() * (1.0 - 1e-12));
                continue;
            }
            let total: f64 = p.iter().sum();
            let out = x.spending.iter().sum::<f64>() + last;
            assert!(
                (out - total).abs() <= 1e-9 * total.max(1.0),
                "path {path} {} at {}: {out} != {total}",
                x.rule,
                x.municipality
            );
            assert!(x.reserve.iter().all(|f| *f >= 0.0));
            saved += usize::from(last > 0.0);
            checked += 1;
        }
    }
    assert!(checked > 500 && saved > 0, "{checked} {saved}");
}

#[test]
fn rules_are_the_same_bits_at_any_thread_count_and_block_split() {
    let s = tour_with_rules();
    let rules = |r: &Results| {
        format!(
            "{:?}",
            r.variants.iter().map(|v| &v.rules).collect::<Vec<_>>()
        )
    };
    let one = run(&s, 1000, 1, None);
    assert_eq!(rules(&one), rules(&run(&s, 1000, 2, None)));
    // Calibrated quantiles, with their second pass.
    let cal = |threads| run(&s, 700, threads, Some(QuantileMode::Calibrated));
    let (c1, c3) = (cal(1), cal(3));
    assert!(c1.max_rank_error() <= aimak::stats::REFINE_ABOVE);
    assert_eq!(rules(&c1), rules(&c3));

    // Each path simulated alone (a block of one lane, at its own offset) gives the values the
    // run of 256-lane blocks summarised: the same statistics, bit for bit.
    let n = 300;
    let r = run(&s, n, 2, None);
    let m = &s.baseline;
    let traces: Vec<_> = (0..n).map(|p| sim::trace(m, 42, p).unwrap()).collect();
    let discount = aimak::stats::discount_factors(m.discount_rate, m.years);
    for (k, x) in r.variants[0].rules.iter().enumerate() {
        let mu = m
            .municipalities
            .iter()
            .position(|mm| mm.id == x.municipality)
            .unwrap();
        let of = |f: &dyn Fn(&aimak::sim::Trace) -> f64| {
            let mut c = Cell::exact();
            let mut mo = Moments::default();
            for tr in &traces {
                c.add_all(&[f(tr)]);
                mo.add(f(tr));
            }
            (c.finish(), mo.finish().mean)
        };
        for t in 0..m.years {
            let base = |tr: &aimak::sim::Trace| {
                tr.stream(mu, "own_revenue")[t] + tr.stream(mu, "grant")[t]
            };
            let (sp, _) = of(&|tr| tr.rules[k].spending[t]);
            let (re, _) = of(&|tr| tr.rules[k].reserve[t]);
            let (bu, _) = of(&|tr| base(tr) + tr.rules[k].spending[t]);
            let (_, crunch) = of(&|tr| f64::from(u8::from(tr.rules[k].crunch[t])));
            assert_eq!(
                x.years[t].streams,
                [sp, re, bu],
                "{} {} {t}",
                x.rule,
                x.municipality
            );
            assert_eq!(x.years[t].p_crunch, crunch);
        }
        let (npv, _) = of(&|tr| {
            let s = &tr.rules[k].spending;
            s.iter().zip(&discount).fold(-0.0, |n, (x, d)| n + x * d)
        });
        let (last, _) = of(&|tr| *tr.rules[k].reserve.last().unwrap());
        let (vol, _) = of(&|tr| sim::rules::volatility(&tr.rules[k].spending));
        assert_eq!(x.whole, [npv, last, vol], "{} {}", x.rule, x.municipality);
    }
}

#[test]
fn the_extensions_tour_rules_are_accepted() {
    // The constant is the tour's own text.
    let shared = root().join("../shared/examples/extensions-tour.toml");
    if let Ok(tour) = std::fs::read_to_string(&shared) {
        let blocks: Vec<&str> = tour
            .split("\n\n")
            .filter(|b| b.starts_with("[[budget_rule]]"))
            .collect();
        assert_eq!(blocks.join("\n\n") + "\n", TOUR_RULES);
    }
    let s = tour_with_rules();
    let ids: Vec<&str> = s.baseline.budget_rules.iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["ma5", "save-half", "reserve-30", "ma3-capped"]);
    // Every rule runs in every variant.
    for v in &s.variants {
        assert_eq!(v.model.budget_rules, s.baseline.budget_rules);
    }
    let half = &s.baseline.budget_rules[1];
    assert_eq!(half.reserve_return(), 0.02);
    assert_eq!(half.label()["ky"], "Ашыкча кирешенин жарымын сактоо");
    assert!(half.applies_to(0) && half.applies_to(1));
    assert!(!s.baseline.budget_rules[0].applies_to(2));
}

fn write(dir: &std::path::Path, text: &str) -> String {
    let f = dir.join("s.toml");
    std::fs::write(&f, text).unwrap();
    f.to_str().unwrap().to_string()
}

#[test]
fn rules_parquet_is_written_only_with_rules_and_listed_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), HAND);
    let out = dir.path().join("run");
    let o = out.to_str().unwrap();
    aimak_ok(&["run", &file, "--paths", "40", "--quiet", "--out", o]);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"rules.parquet\""), "{manifest}");
    let mut reader = ParquetReader::new(std::fs::File::open(out.join("rules.parquet")).unwrap());
    let kv = reader
        .get_metadata()
        .unwrap()
        .key_value_metadata
        .clone()
        .unwrap();
    for key in [
        "aimak_version",
        "scenario_sha256",
        "seed",
        "paths",
        "quantile_method",
    ] {
        assert!(kv.iter().any(|x| x.key == key), "{key}");
    }
    let df = reader.finish().unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let want = [
        "variant",
        "rule",
        "municipality",
        "year",
        "stream",
        "mean",
        "sd",
        "p05",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "rank_error",
        "p_crunch",
        "p_shortfall",
    ];
    assert_eq!(names, want);
    // 8 (rule, municipality) pairs, 5 years of 3 streams and 3 streams without a year.
    assert_eq!(df.height(), 8 * (5 * 3 + 3));
    let text = |df: &DataFrame, c: &str| -> Vec<String> {
        let col = df.column(c).unwrap().str().unwrap().clone();
        col.iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect()
    };
    let (rules, munis) = (text(&df, "rule"), text(&df, "municipality"));
    let years = df.column("year").unwrap().is_null();
    let pick = |keep: &dyn Fn(usize) -> bool| {
        let mask: BooleanChunked = (0..df.height()).map(keep).collect();
        df.filter(&mask).unwrap()
    };
    let capped = pick(&|i| rules[i] == "capped" && years.get(i) == Some(true));
    let streams = text(&capped, "stream");
    assert_eq!(streams, ["npv_spending", "final_reserve", "volatility"]);
    let p = capped.column("p_crunch").unwrap().f64().unwrap();
    assert!(p.into_no_null_iter().all(|x| x == 1.0));
    assert_eq!(capped.column("p_shortfall").unwrap().null_count(), 3);
    let other = pick(&|i| munis[i] == "other");
    assert_eq!(
        other.column("p_shortfall").unwrap().null_count(),
        other.height()
    );

    // Without rules: no table, nothing listed.
    let plain = HAND.split("[[budget_rule]]").next().unwrap();
    let file = write(dir.path(), plain);
    let out2 = dir.path().join("plain");
    aimak_ok(&[
        "run",
        &file,
        "--paths",
        "40",
        "--quiet",
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert!(!out2.join("rules.parquet").exists());
    let manifest = std::fs::read_to_string(out2.join("manifest.json")).unwrap();
    assert!(!manifest.contains("rules.parquet"));
}

#[test]
fn a_variant_or_override_cannot_change_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    for set in [
        "[[variant]]\nname = \"v\"\n[variant.set]\n\"budget_rule.ma2.spend\" = \"as_received\"\n",
        "[overrides]\n\"budget_rule.ma2.reserve_return\" = 0.1\n",
    ] {
        let file = write(dir.path(), &format!("{HAND}\n{set}"));
        let o = aimak(&["check", &file]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("budget rules are not key paths"), "{err}");
    }
}

#[test]
fn every_problem_of_the_rules_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let broken = HAND
        .replace("moving_average = 2", "moving_average = 2.5")
        .replace("share = 0.5, years = 2", "share = 0.5, years = 0")
        .replace("share_of_reserve = 0.5", "share_of_reserve = 0")
        .replace("reserve_cap = 30", "reserve_cap = -30")
        .replace("reserve_return = 0.1", "reserve_return = -1")
        .replace("applies_to = [\"host\"]\n\n[[budget_rule]]\nid = \"ma3\"", "applies_to = [\"nowhere\"]\n\n[[budget_rule]]\nid = \"ma3\"")
        .replace("spend = { moving_average = 3 }", "spend = { moving_avg = 3 }")
        + "\n[[budget_rule]]\nid = \"x\"\nspend = \"all_of_it\"\n[[budget_rule]]\nid = \"y\"\nspend = { moving_average = 2, share_of_reserve = 0.5 }\n";
    let file = write(dir.path(), &broken);
    let o = aimak(&["check", &file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for key in [
        "budget_rule[ma2].spend.moving_average: found 2.5, expected a whole number",
        "budget_rule[ma2].applies_to[0]: unknown municipality \"nowhere\"",
        "budget_rule[ma3].spend.moving_avg: unknown key `moving_avg`; expected one of `moving_average`",
        "budget_rule[half].spend.partial.years",
        "budget_rule[res50].spend.share_of_reserve: found 0",
        "budget_rule[res50].reserve_return: found -1",
        "budget_rule[capped].reserve_cap: found -30",
        "budget_rule[x].spend: found \"all_of_it\", expected \"as_received\"",
        "budget_rule[y].spend: found moving_average and share_of_reserve, expected exactly one",
    ] {
        assert!(err.contains(key), "missing `{key}` in:\n{err}");
    }
    assert!(!err.contains("panicked"));
}

#[test]
fn an_overflowing_reserve_is_named_by_rule_municipality_stream_and_year() {
    // A return of 1e40 a year: the reserve kept in 2027 is worth 5e41 in 2028.
    let s = scenario(&HAND.replace("reserve_return = 0.1", "reserve_return = 1e40"));
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let settings = sim::Settings {
        paths: 10,
        seed: 1,
        threads: 1,
        quantiles: None,
    };
    let err = sim::run(&s, &names, &settings, &|_, _| {}, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("municipality `host`, budget rule `res50`, stream `spending`, year 2028"),
        "{err}"
    );
}

#[test]
fn rules_of_included_files_are_concatenated_and_their_ids_stay_unique() {
    let dir = tempfile::tempdir().unwrap();
    let with_include = HAND.replace("years = 5\n", "years = 5\ninclude = [\"inc.toml\"]\n");
    let file = write(dir.path(), &with_include);
    let inc = dir.path().join("inc.toml");
    std::fs::write(
        &inc,
        "[[budget_rule]]\nid = \"inc\"\nspend = { moving_average = 4 }\n",
    )
    .unwrap();
    let s = aimak::scenario::load_file(std::path::Path::new(&file)).unwrap();
    let ids: Vec<&str> = s.baseline.budget_rules.iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["inc", "ma2", "ma3", "half", "res50", "capped"]);
    std::fs::write(
        &inc,
        "[[budget_rule]]\nid = \"ma2\"\nspend = \"as_received\"\n",
    )
    .unwrap();
    let o = aimak(&["check", &file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("budget_rule[ma2].id: duplicate budget_rule id \"ma2\""),
        "{err}"
    );
}
