//! The engine against values computed by hand: a deterministic scenario (no volatility, no
//! risk) that uses every instrument base and every route.

use aimak::model::Scenario;
use aimak::sim;

pub fn scenario(text: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(&f, text).unwrap();
    match aimak::scenario::load_file(&f) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

const HAND: &str = r#"
format_version = 1
[scenario]
name = "hand"
start_year = 2026
years = 3
fx = "fx"
cpi = "cpi"
discount_rate = 0.1

[driver.gold]
model = "gbm"
start = 2000.0
drift = 0.05
[driver.fx]
model = "fixed"
value = { 2026 = 80.0, 2027 = 90.0 }
[driver.cpi]
model = "inflation"
mean = 0.10

[[municipality]]
id = "a"
district = "D1"
oblast = "O1"
population = 100
own_revenue = 1000
own_revenue_growth = { mean = 0.1 }
grant = 5000
grant_offset = 0.5
spending_need = 8000
indexed = true
[[municipality]]
id = "b"
district = "D1"
oblast = "O1"
population = 300

[[fund]]
id = "rdf"
level = "district"
area = "D1"
[[fund]]
id = "odf"
level = "oblast"
area = "O1"
allocation = "equal"
disburse = 0.5

[[project]]
id = "mine"
kind = "mine"
hosts = [ { municipality = "a", share = 1.0 } ]
start_year = 2026
life_years = 10
products = [ { driver = "gold", per_unit = 1.0, currency = "USD" } ]
output = { capacity = 100, ramp_up_years = 1 }
hectares = 10
jobs = { local = 2, monthly_wage = 1000, indexed = true }

[[instrument]]
id = "infra"
base = "gross_revenue"
rate = 0.02
route = [ { to = "host", share = 0.2 }, { to = "district_fund", share = 0.3 }, { to = "oblast_fund", share = 0.5 } ]
[[instrument]]
id = "royalty"
base = "gross_revenue"
rate_scale = { driver = "gold", thresholds = [2050.0], rates = [0.01, 0.03] }
route = [ { to = "republic", share = 0.5 }, { to = "oblast", share = 0.5 } ]
counts_for_grant = false
[[instrument]]
id = "output_fee"
base = "output"
rate = 2.0
currency = "USD"
indexed = true
route = [ { to = "host_community", share = 1.0 } ]
[[instrument]]
id = "land"
base = "hectares"
rate = { 2026 = 100.0, 2028 = 150.0 }
route = [ { to = "municipality:b", share = 1.0 } ]
[[instrument]]
id = "pit"
base = "payroll"
rate = 0.1
lag_years = 1
route = [ { to = "host", share = 1.0 } ]
[[instrument]]
id = "social"
base = "fixed"
amount = 500.0
indexed = true
route = [ { to = "fund:rdf", share = 1.0 } ]
[[instrument]]
id = "bonus"
base = "one_off"
amount = 10000.0
at = "start"
route = [ { to = "host", share = 1.0 } ]
"#;

fn close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}: got {got:?}, want {want:?}"
        );
    }
}

#[test]
fn every_base_and_route_by_hand() {
    let s = scenario(HAND);
    let m = &s.baseline;
    let tr = sim::trace(m, 1, 0).unwrap();
    let e = std::f64::consts::E;
    let gold = [2000.0, 2000.0 * e.powf(0.05), 2000.0 * e.powf(0.10)];
    let fx = [80.0, 90.0, 90.0];
    let cpi = [1.0, 1.1, 1.1 * 1.1];
    close(&tr.drivers[0], &gold, "gold");
    close(&tr.drivers[1], &fx, "fx");
    close(&tr.drivers[2], &cpi, "cpi");
    // Output: ramp-up year at half capacity, then capacity.
    let q = [50.0, 100.0, 100.0];
    close(&tr.output[0], &q, "output");
    let r: Vec<f64> = (0..3).map(|t| q[t] * gold[t] * fx[t]).collect();
    close(&tr.revenue[0], &r, "revenue");
    let w: Vec<f64> = (0..3).map(|t| 2.0 * 1000.0 * 12.0 * cpi[t]).collect();
    close(&tr.payroll[0], &w, "payroll");

    let infra: Vec<f64> = r.iter().map(|x| 0.02 * x).collect();
    // gold 2000 < 2050 -> 1%; then above the threshold -> 3%
    let royalty = [0.01 * r[0], 0.03 * r[1], 0.03 * r[2]];
    let output_fee: Vec<f64> = (0..3).map(|t| 2.0 * q[t] * fx[t] * cpi[t]).collect();
    let land = [1000.0, 1000.0, 1500.0];
    let pit_due: Vec<f64> = w.iter().map(|x| 0.1 * x).collect();
    let pit_paid = [0.0, pit_due[0], pit_due[1]];
    let social: Vec<f64> = cpi.iter().map(|i| 500.0 * i).collect();
    let bonus = [10000.0, 0.0, 0.0];

    // District fund: pays out everything, by population (a 1/4, b 3/4).
    let rdf_in: Vec<f64> = (0..3).map(|t| 0.3 * infra[t] + social[t]).collect();
    close(&tr.funds[0][0], &rdf_in, "rdf inflow");
    close(&tr.funds[0][1], &rdf_in, "rdf outflow");
    close(&tr.funds[0][2], &[0.0; 3], "rdf balance");
    // Oblast fund: pays half its balance, equally.
    let odf_in: Vec<f64> = infra.iter().map(|x| 0.5 * x).collect();
    let mut bal = 0.0;
    let (mut odf_out, mut odf_bal) = (vec![], vec![]);
    for x in &odf_in {
        bal += x;
        odf_out.push(0.5 * bal);
        bal *= 0.5;
        odf_bal.push(bal);
    }
    close(&tr.funds[1][1], &odf_out, "odf outflow");
    close(&tr.funds[1][2], &odf_bal, "odf balance");

    let a_infra: Vec<f64> = infra.iter().map(|x| 0.2 * x).collect();
    close(tr.stream(0, "infra"), &a_infra, "a infra");
    close(tr.stream(0, "pit"), &pit_paid, "a pit (lag 1)");
    close(tr.stream(0, "bonus"), &bonus, "a bonus at start");
    close(
        tr.stream(0, "community:output_fee"),
        &output_fee,
        "a community",
    );
    let a_rdf: Vec<f64> = rdf_in.iter().map(|x| x / 4.0).collect();
    let a_odf: Vec<f64> = odf_out.iter().map(|x| x / 2.0).collect();
    close(tr.stream(0, "fund:rdf"), &a_rdf, "a fund:rdf");
    close(tr.stream(0, "fund:odf"), &a_odf, "a fund:odf");
    let a_project: Vec<f64> = (0..3)
        .map(|t| a_infra[t] + pit_paid[t] + bonus[t] + a_rdf[t] + a_odf[t])
        .collect();
    close(tr.stream(0, "project_total"), &a_project, "a project_total");
    let own = [1000.0, 1100.0, 1210.0];
    close(tr.stream(0, "own_revenue"), &own, "a own revenue");
    // Grant: 5000 indexed, less half of last year's counted receipts (infra host, pit, bonus).
    let counted: Vec<f64> = (0..3)
        .map(|t| a_infra[t] + pit_paid[t] + bonus[t])
        .collect();
    let grant: Vec<f64> = (0..3)
        .map(|t| {
            let prev = if t == 0 { 0.0 } else { counted[t - 1] };
            (5000.0 * cpi[t] - 0.5 * prev).max(0.0)
        })
        .collect();
    close(tr.stream(0, "grant"), &grant, "a grant");
    let budget: Vec<f64> = (0..3).map(|t| own[t] + grant[t] + a_project[t]).collect();
    close(tr.stream(0, "budget_total"), &budget, "a budget");

    let b_rdf: Vec<f64> = rdf_in.iter().map(|x| 3.0 * x / 4.0).collect();
    close(tr.stream(1, "land"), &land, "b land");
    close(tr.stream(1, "fund:rdf"), &b_rdf, "b fund:rdf");
    close(tr.stream(1, "fund:odf"), &a_odf, "b fund:odf");
    close(tr.stream(1, "grant"), &[0.0; 3], "b grant");

    let half_royalty: Vec<f64> = royalty.iter().map(|x| 0.5 * x).collect();
    assert_eq!(tr.republic.len(), 1);
    close(&tr.republic[0].1, &half_royalty, "republic royalty");
    assert_eq!(tr.oblasts[0].0, "O1");
    close(&tr.oblasts[0].2, &half_royalty, "oblast royalty");
    // pit of the last year is due inside the horizon and paid after it.
    let pit = m.instruments.iter().position(|i| i.id == "pit").unwrap();
    close(&[tr.pending[pit]], &[pit_due[2]], "pending pit");
    let due: f64 = (0..3)
        .map(|t| {
            infra[t] + royalty[t] + output_fee[t] + land[t] + pit_due[t] + social[t] + bonus[t]
        })
        .sum();
    close(&[tr.due], &[due], "total due");
}

#[test]
fn the_summary_of_a_deterministic_run_is_its_single_path() {
    let s = scenario(HAND);
    let settings = sim::Settings {
        paths: 5,
        seed: 3,
        threads: 1,
        quantiles: None,
    };
    let r = sim::run(&s, &["baseline"], &settings, &|_, _| {}, None).unwrap();
    let tr = sim::trace(&s.baseline, 3, 0).unwrap();
    let a = &r.variants[0].municipalities[0];
    let bt = a.stream("budget_total").unwrap();
    for t in 0..3 {
        // The same value in every path is its own mean, exactly.
        let x = tr.stream(0, "budget_total")[t];
        assert_eq!((bt.years[t].mean, bt.years[t].sd), (x, 0.0));
        assert_eq!(bt.years[t].q, [x; 7]);
    }
    // NPV: sum of x[t] / 1.1^t
    let x = tr.stream(0, "project_total");
    let npv = x[0] + x[1] / 1.1 + x[2] / 1.21;
    let got = a.stream("project_total").unwrap().npv.q[3];
    assert!((got - npv).abs() < 1e-6 * npv, "{got} vs {npv}");
    // Shortfall: the need is 8000 * I[t]; the budget is far above it here.
    let sf = a.shortfall.as_ref().unwrap();
    assert_eq!(
        (sf[0].p, sf[0].expected_gap, sf[0].mean_need),
        (0.0, 0.0, 8000.0)
    );
}
