//! Historical check of the shipped 2019 regime: Jerooy's 2% payments to October 2022 were
//! 581.399 M KGS, split 290.699 M to the Talas oblast fund, 174.419 M to the Talas district fund
//! and 116.279 M to Bekmoldo (economist.kg, 20 Oct 2022; scenarios/README.md). A deterministic
//! replay whose cumulative sales give that total reproduces the three amounts to the som.

use super::engine::scenario;
use super::root;
use aimak::sim;

#[test]
fn jerooy_2pct_split_to_october_2022_is_reproduced_to_the_som() {
    let regime = root().join("scenarios/regimes/kg-2019.toml");
    // Sales 2020 - Oct 2022 sum to 581,399,000 / 2% = 29,069,950,000 som.
    let text = format!(
        r#"
format_version = 1
[scenario]
name = "Jerooy replay"
start_year = 2020
years = 3
include = ["{}"]
[driver.gold]
model = "fixed"
value = 1800.0
[driver.sales]
model = "fixed"
value = 1.0
[[municipality]]
id = "bekmoldo"
district = "Talas"
oblast = "Talas"
population = 17500
[[project]]
id = "jerooy"
kind = "mine"
tags = ["gold", "register"]
hosts = [ {{ municipality = "bekmoldo", share = 1.0 }} ]
start_year = 2020
products = [ {{ driver = "sales", per_unit = 1.0 }} ]
output = {{ profile = [4_100_000_000, 12_400_000_000, 12_569_950_000] }}
"#,
        regime.display()
    );
    let s = scenario(&text);
    let m = &s.baseline;
    let tr = sim::trace(m, 1, 0).unwrap();
    let fund = |id: &str| -> f64 {
        let f = m.fund_index(id).unwrap_or_else(|| panic!("no fund {id}"));
        tr.funds[f][0].iter().sum()
    };
    let bekmoldo: f64 = tr.stream(0, "infra_2pct_register").iter().sum();
    let (oblast, district) = (fund("odf:Talas"), fund("rdf:Talas"));
    assert_eq!((oblast + district + bekmoldo).round(), 581_399_000.0);
    assert_eq!(oblast.round(), 290_699_500.0);
    assert_eq!(district.round(), 174_419_700.0);
    assert_eq!(bekmoldo.round(), 116_279_800.0);
    // As published, in thousands of som (truncated): 290.699, 174.419 and 116.279 M.
    assert_eq!((oblast / 1e3).floor(), 290_699.0);
    assert_eq!((district / 1e3).floor(), 174_419.0);
    assert_eq!((bekmoldo / 1e3).floor(), 116_279.0);
}
