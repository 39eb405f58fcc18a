//! Money is conserved in every path of random valid scenarios that use every feature: the
//! engine checks it in each path and fails the run otherwise, so running them is the test.

use super::engine::scenario;
use aimak::sim;
use proptest::prelude::*;

#[allow(clippy::too_many_arguments)]
fn text(
    lag: u32,
    p_pay: f64,
    host_share: f64,
    disburse: f64,
    winners: u32,
    sigma: f64,
    susp: f64,
    block: f64,
    closure: f64,
    never: f64,
    counts: bool,
    years: u32,
) -> String {
    let rest = 1.0 - host_share;
    format!(
        r#"
format_version = 1
[scenario]
name = "random"
start_year = 2026
years = {years}
fx = "fx"
cpi = "cpi"
discount_rate = 0.05
[driver.gold]
model = "gbm"
start = 2000.0
drift = 0.02
volatility = 0.3
jump = {{ probability = 0.2, min = -0.3, max = 0.1 }}
[driver.fx]
model = "mean_reverting"
start = 87.0
long_run = 90.0
speed = 0.3
volatility = 0.1
[driver.cpi]
model = "inflation"
mean = 0.06
sd = 0.04
[driver.milk]
model = "bootstrap"
history = [20.0, 22.0, 21.0, 25.0]
[[correlation]]
drivers = ["gold", "fx"]
rho = -0.3
[[municipality]]
id = "a"
district = "D1"
oblast = "O1"
population = 100
own_revenue = 1e6
own_revenue_growth = {{ mean = 0.05, sd = 0.1 }}
grant = 5e6
grant_offset = 0.6
spending_need = 6e6
indexed = true
[[municipality]]
id = "b"
district = "D1"
oblast = "O1"
population = 250
grant = 1e6
[[municipality]]
id = "c"
district = "D2"
oblast = "O1"
population = 400
[[fund]]
id = "rdf"
level = "district"
area = "*"
allocation = {{ competitive = {{ winners = {winners} }} }}
disburse = {disburse}
counts_for_grant = {counts}
[[fund]]
id = "odf"
level = "oblast"
area = "O1"
allocation = "equal"
disburse = {disburse}
[[project]]
id = "mine"
kind = "mine"
tags = ["gold"]
hosts = [ {{ municipality = "a", share = {host_share} }}, {{ municipality = "c", share = {rest} }} ]
status = "planned"
start_year = 2026
life_years = 6
products = [ {{ driver = "gold", per_unit = 1.0, currency = "USD" }}, {{ driver = "milk", per_unit = 0.5 }} ]
output = {{ capacity = 1000, ramp_up_years = 1, plateau_years = 2, decline_rate = 0.2 }}
variability = {sigma}
hectares = 50
jobs = {{ local = 20, monthly_wage = 30000, indexed = true }}
[project.risk]
never_start = {never}
start_delay = {{ probability = 0.5, max_years = 2 }}
blockade = {{ probability = {block}, min_loss = 0.1, max_loss = 0.5 }}
suspension = {{ probability = {susp}, min_years = 1, max_years = 3 }}
closure = {closure}
shutdown_price = {{ driver = "gold", below = 1700.0 }}
[[project]]
id = "dairy"
kind = "agro_processing"
hosts = [ {{ municipality = "b", share = 1.0 }} ]
start_year = 2020
products = [ {{ driver = "milk", per_unit = 1.0 }} ]
output = {{ profile = [100, 200, 300, 300, 300, 300, 300, 300, 300, 300] }}
[[instrument]]
id = "infra"
base = "gross_revenue"
rate = {{ 2026 = 0.02, 2028 = 0.03 }}
lag_years = {lag}
probability = {p_pay}
route = [ {{ to = "host", share = 0.2 }}, {{ to = "district_fund", share = 0.3 }}, {{ to = "oblast_fund", share = 0.3 }}, {{ to = "host_community", share = 0.2 }} ]
[[instrument]]
id = "scale"
base = "gross_revenue"
rate_scale = {{ driver = "gold", thresholds = [1800, 2200], rates = [0.01, 0.02, 0.04] }}
route = [ {{ to = "republic", share = 0.5 }}, {{ to = "oblast", share = 0.25 }}, {{ to = "fund:rdf", share = 0.25 }} ]
[[instrument]]
id = "per_unit"
base = "output"
rate = 1.5
currency = "USD"
indexed = true
lag_years = {lag}
route = [ {{ to = "municipality:b", share = 1.0 }} ]
[[instrument]]
id = "land"
base = "hectares"
rate = 100.0
indexed = true
route = [ {{ to = "host", share = 1.0 }} ]
[[instrument]]
id = "wages"
base = "payroll"
rate = 0.1
route = [ {{ to = "host", share = 0.5 }}, {{ to = "republic", share = 0.5 }} ]
[[instrument]]
id = "social"
base = "fixed"
amount = {{ median = 1e6, sigma = 0.8 }}
probability = {p_pay}
route = [ {{ to = "host_community", share = 0.5 }}, {{ to = "fund:odf", share = 0.5 }} ]
[[instrument]]
id = "bonus"
base = "one_off"
amount = 5e5
at = "start"
currency = "USD"
lag_years = {lag}
route = [ {{ to = "host", share = 1.0 }} ]
[[variant]]
name = "v"
[variant.set]
"instrument.infra.probability" = 1.0
"fund.rdf:D2.disburse" = 0.5
"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_in_every_path(
        lag in 0u32..4, p_pay in 0.0f64..=1.0, host_share in 0.0f64..=1.0, disburse in 0.0f64..=1.0,
        winners in 1u32..3, sigma in 0.0f64..0.8, susp in 0.0f64..0.5, block in 0.0f64..0.8,
        closure in 0.0f64..0.3, never in 0.0f64..=1.0, counts in any::<bool>(), years in 1u32..12,
    ) {
        let s = scenario(&text(lag, p_pay, host_share, disburse, winners, sigma, susp, block, closure, never, counts, years));
        let settings = sim::Settings { paths: 130, seed: 3, threads: 2, quantiles: None };
        let r = sim::run(&s, &["baseline", "v"], &settings, &|_, _| {}, None);
        prop_assert!(r.is_ok(), "{:?}", r.err());
    }
}
