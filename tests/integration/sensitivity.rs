//! Variance attribution (first-order Sobol indices by pick-freeze) on scenarios whose answer
//! is known.

use super::engine::scenario;
use aimak::sim::{self, sensitivity};

const BASE: &str = r#"
format_version = 1
[scenario]
name = "one driver"
start_year = 2026
years = 5
discount_rate = 0.05
[driver.price]
model = "gbm"
start = 100.0
volatility = 0.3
[[municipality]]
id = "a"
district = "D"
oblast = "O"
population = 100
own_revenue = 1000
own_revenue_growth = { mean = 0.0, sd = 0.2 }
[[project]]
id = "x"
hosts = [ { municipality = "a", share = 1.0 } ]
start_year = 2020
life_years = 20
products = [ { driver = "price", per_unit = 1.0 } ]
output = { capacity = 10.0 }
[[instrument]]
id = "tax"
base = "gross_revenue"
rate = 0.1
route = [ { to = "host", share = 1.0 } ]
"#;

fn settings() -> sim::Settings {
    sim::Settings {
        paths: 4096,
        seed: 5,
        threads: 2,
        quantiles: None,
    }
}

#[test]
fn a_single_price_driver_explains_all_of_the_variance() {
    let s = scenario(BASE);
    let shares = sensitivity::sobol(&s.baseline, &settings()).unwrap();
    let names: Vec<&str> = shares.iter().map(|x| x.group.as_str()).collect();
    assert!(names.contains(&"driver:price") && names.contains(&"own-revenue growth"));
    for x in &shares {
        if x.year == Some(2026) {
            // Year 0 is the same in every path: no variance to attribute.
            continue;
        }
        let want = if x.group == "driver:price" { 1.0 } else { 0.0 };
        assert!(
            (x.share - want).abs() <= 4.0 * x.se + 1e-6,
            "{} {:?}: {} +- {} (want {want})",
            x.group,
            x.year,
            x.share,
            x.se
        );
        assert!(x.se < 0.05, "{x:?}");
    }
}

#[test]
fn two_independent_sources_split_the_variance() {
    // Payments made with probability 0.5: a second, independent source of variance.
    let text = BASE.replace("rate = 0.1\n", "rate = 0.1\nprobability = 0.5\n");
    let s = scenario(&text);
    let shares = sensitivity::sobol(&s.baseline, &settings()).unwrap();
    let get = |g: &str| {
        shares
            .iter()
            .find(|x| x.group == g && x.year == Some(2030))
            .unwrap()
            .clone()
    };
    let (price, pay) = (get("driver:price"), get("payments"));
    assert!(price.share > 0.05 && pay.share > 0.3, "{price:?} {pay:?}");
    // First-order shares of independent inputs with an interaction sum to at most 1.
    assert!(price.share + pay.share <= 1.0 + 4.0 * (price.se + pay.se));
    // Same bits at any thread count.
    let one = sensitivity::sobol(
        &s.baseline,
        &sim::Settings {
            threads: 1,
            ..settings()
        },
    )
    .unwrap();
    assert_eq!(format!("{shares:?}"), format!("{one:?}"));
}
