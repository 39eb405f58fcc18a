//! Every scenario shipped in scenarios/ (and the format tour) passes `aimak check`.

use super::{aimak, root, toml_files};

#[test]
fn every_shipped_scenario_passes_check() {
    let mut files = toml_files(&root().join("scenarios"));
    files.extend(toml_files(&root().join("scenarios/backtest")));
    files.push(root().join("tests/fixtures/format-tour.toml"));
    for f in files {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let out = aimak(&["check", &rel]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{rel}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("instruments:"));
    }
}

#[test]
fn format_tour_reads_as_model_md_says() {
    let s = aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap();
    let m = &s.baseline;
    assert_eq!((m.start_year, m.years), (2026, 20));
    assert_eq!((s.run.paths, s.run.seed), (10_000, 2026));
    // [overrides] replaced the included royalty rate.
    let royalty = m
        .instruments
        .iter()
        .find(|i| i.id == "royalty_metal")
        .unwrap();
    assert_eq!(royalty.charge.rate().unwrap().at(2030, 0.0), 0.04);
    // The variant replaced the blockade probability, the payment probability and the route.
    let v = &s.variants[0];
    assert_eq!(v.name, "partnership");
    let boz = v
        .model
        .projects
        .iter()
        .find(|p| p.id == "bozymchak")
        .unwrap();
    assert_eq!(boz.risk.blockade.unwrap().0, 0.04);
    let infra = v
        .model
        .instruments
        .iter()
        .find(|i| i.id == "infra_2pct")
        .unwrap();
    assert_eq!(infra.flows[0].targets.len(), 1);
    let base_infra = m.instruments.iter().find(|i| i.id == "infra_2pct").unwrap();
    assert_eq!(base_infra.flows[0].targets.len(), 3);
    // Defaults: milk starts at its last history value; land tax is dated.
    let milk = m.drivers.iter().find(|d| d.id == "milk").unwrap();
    match &milk.kind {
        aimak::model::DriverKind::Bootstrap { start, log_returns } => {
            assert_eq!(*start, 33.0);
            assert_eq!(log_returns.len(), 5);
            assert!((log_returns[0] - (22.5f64 / 21.0).ln()).abs() < 1e-15);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn star_funds_expand_per_area_and_variants_address_one_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
format_version = 1
[scenario]
name = "star"
start_year = 2026
years = 3
[[municipality]]
id = "a"
district = "D1"
oblast = "O"
population = 100
[[municipality]]
id = "b"
district = "D2"
oblast = "O"
population = 300
[[fund]]
id = "rdf"
level = "district"
area = "*"
[[project]]
id = "p"
hosts = [ { municipality = "a", share = 0.5 }, { municipality = "b", share = 0.5 } ]
start_year = 2026
life_years = 5
products = []
output = { capacity = 1.0 }
[[instrument]]
id = "fee"
base = "fixed"
amount = 100.0
route = [ { to = "fund:rdf", share = 0.6 }, { to = "district_fund", share = 0.4 } ]
[[variant]]
name = "slow"
[variant.set]
"fund.rdf:D2.disburse" = 0.25
"#;
    let f = dir.path().join("star.toml");
    std::fs::write(&f, text).unwrap();
    let s = aimak::scenario::load_file(&f).unwrap();
    let ids: Vec<&str> = s.baseline.funds.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["rdf:D1", "rdf:D2"]);
    let flow = &s.baseline.instruments[0].flows[0];
    // Each host's half goes wholly to its own district's expansion.
    assert_eq!(flow.targets.len(), 2);
    for (_, share) in &flow.targets {
        assert!((share - 0.5).abs() < 1e-12);
    }
    let v = &s.variants[0].model;
    assert_eq!(v.funds[0].disburse, 1.0);
    assert_eq!(v.funds[1].disburse, 0.25);
}
