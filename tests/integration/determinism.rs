//! Reproducibility: the same seed gives the same bits at any thread count; draws are keyed,
//! so adding an unrelated project changes nothing else; every shipped scenario runs and
//! conserves money in every path (the engine checks it and fails loudly otherwise).

use super::engine::scenario;
use super::{root, toml_files};
use aimak::sim;

fn run(s: &aimak::model::Scenario, paths: u64, threads: usize) -> aimak::results::Results {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let settings = sim::Settings {
        paths,
        seed: 42,
        threads,
        quantiles: None,
    };
    sim::run(s, &names, &settings, &|_, _| {}, None).unwrap()
}

#[test]
fn same_seed_same_bits_at_1_2_and_8_threads() {
    let s = aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap();
    // 1000 paths: 16 blocks, so threads really share the work.
    let one = format!("{:?}", run(&s, 1000, 1).variants);
    assert_eq!(one, format!("{:?}", run(&s, 1000, 2).variants));
    assert_eq!(one, format!("{:?}", run(&s, 1000, 8).variants));
}

#[test]
fn sketched_quantiles_are_also_independent_of_threads() {
    let s = aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap();
    let go = |threads| {
        let settings = sim::Settings {
            paths: 700,
            seed: 1,
            threads,
            quantiles: Some(aimak::stats::QuantileMode::Calibrated),
        };
        // Every variant, so that paired differences and their second pass are included.
        let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
        let r = sim::run(&s, &names, &settings, &|_, _| {}, None).unwrap();
        assert!(r.max_rank_error() <= aimak::stats::REFINE_ABOVE);
        format!("{:?}", r.variants)
    };
    assert_eq!(go(1), go(3));
}

#[test]
fn adding_a_project_leaves_the_other_projects_paths_unchanged() {
    let tour = std::fs::read_to_string(root().join("tests/fixtures/format-tour.toml")).unwrap();
    let regime = root().join("tests/fixtures/regimes/tour-regime.toml");
    let base = tour.replace("regimes/tour-regime.toml", regime.to_str().unwrap());
    let extra = format!(
        "{base}\n[[project]]\nid = \"newcomer\"\nkind = \"mine\"\ntags = [\"register\", \"metal\"]\nhosts = [ {{ municipality = \"kok-tash\", share = 1.0 }} ]\nstart_year = 2028\nlife_years = 5\nproducts = [ {{ driver = \"gold\", per_unit = 1.0, currency = \"USD\" }} ]\noutput = {{ capacity = 1000 }}\nvariability = 0.3\n[project.risk]\nblockade = {{ probability = 0.5, min_loss = 0.1, max_loss = 0.2 }}\n"
    );
    let (a, b) = (scenario(&base), scenario(&extra));
    assert_eq!(b.baseline.projects.len(), a.baseline.projects.len() + 1);
    for path in [0, 1, 77, 4096] {
        let ta = sim::trace(&a.baseline, 9, path).unwrap();
        let tb = sim::trace(&b.baseline, 9, path).unwrap();
        for (j, p) in a.baseline.projects.iter().enumerate() {
            let k = b.baseline.project_index(&p.id).unwrap();
            assert_eq!(ta.output[j], tb.output[k], "{} output, path {path}", p.id);
            assert_eq!(ta.state[j], tb.state[k]);
        }
        assert_eq!(ta.drivers, tb.drivers);
        // Own revenue of every municipality is untouched too.
        for mu in 0..a.baseline.municipalities.len() {
            assert_eq!(ta.stream(mu, "own_revenue"), tb.stream(mu, "own_revenue"));
        }
    }
}

#[test]
fn variants_share_their_random_numbers() {
    // The partnership variant changes blockade risk and payments, not prices: the drivers of
    // every path are the same bits in both.
    let s = aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap();
    for path in [0, 5, 999] {
        let a = sim::trace(&s.baseline, 3, path).unwrap();
        let b = sim::trace(&s.variants[0].model, 3, path).unwrap();
        assert_eq!(a.drivers, b.drivers);
        assert_eq!(a.stream(1, "own_revenue"), b.stream(1, "own_revenue"));
    }
}

#[test]
fn every_shipped_scenario_runs_and_conserves_money() {
    let mut files = toml_files(&root().join("scenarios"));
    files.extend(toml_files(&root().join("scenarios/backtest")));
    files.push(root().join("tests/fixtures/format-tour.toml"));
    for f in files {
        let s = aimak::scenario::load_file(&f).unwrap();
        let r = run(&s, 200, 2);
        assert_eq!(r.variants.len(), 1 + s.variants.len(), "{}", f.display());
        for v in &r.variants {
            for m in &v.municipalities {
                for st in &m.streams {
                    assert!(
                        st.years.iter().all(|x| x.mean.is_finite()),
                        "{} {}",
                        m.id,
                        st.name
                    );
                }
            }
        }
    }
}

#[test]
fn a_variant_that_changes_nothing_differs_by_exactly_zero_in_every_path() {
    let tour = std::fs::read_to_string(root().join("tests/fixtures/format-tour.toml")).unwrap();
    let regime = root().join("tests/fixtures/regimes/tour-regime.toml");
    // A second variant setting a value to what it already is.
    let text = tour.replace("regimes/tour-regime.toml", regime.to_str().unwrap())
        + "\n[[variant]]\nname = \"same\"\n[variant.set]\n\"project.bozymchak.variability\" = 0.15\n";
    let s = scenario(&text);
    let r = run(&s, 300, 2);
    let same = r.variants.iter().find(|v| v.name == "same").unwrap();
    let cmp = same.compare.as_ref().unwrap();
    let mut n = 0;
    for m in cmp {
        for st in &m.streams {
            for w in st.years.iter().chain([&st.npv, &st.total]) {
                let y = &w.summary;
                assert_eq!(
                    (y.mean, y.sd, y.q),
                    (0.0, 0.0, [0.0; 7]),
                    "{} {}",
                    m.id,
                    st.name
                );
                assert_eq!((w.p_better, w.p_material), (0.0, 0.0));
                n += 1;
            }
        }
    }
    assert!(n > 100);
    // The partnership variant does differ, and its difference is variant minus baseline.
    let part = r.variants.iter().find(|v| v.name == "partnership").unwrap();
    let base = &r.variants[0];
    let pc = &part.compare.as_ref().unwrap()[0];
    let d = pc
        .streams
        .iter()
        .find(|s| s.name == "project_total")
        .unwrap();
    let pt = |v: &aimak::results::VariantResults| {
        v.municipalities[0].stream("project_total").unwrap().years[5].mean
    };
    assert!((d.years[5].summary.mean - (pt(part) - pt(base))).abs() < 1e-3);
    // The total is the sum of the years, path by path, so its mean is the sum of their means;
    // a material gain is a gain, so it is never more likely than a gain.
    let sum: f64 = d.years.iter().map(|w| w.summary.mean).sum();
    assert!((d.total.summary.mean - sum).abs() <= 1e-9 * sum.abs().max(1.0));
    for w in d.years.iter().chain([&d.npv, &d.total]) {
        assert!(w.p_material <= w.p_better && w.p_material >= 0.0);
    }
    assert!(d.total.p_material > 0.0 && d.total.p_material < 1.0);
}

#[test]
fn start_year_prices_divide_each_path_by_its_price_index() {
    // With a certain 10% inflation the index of year t is 1.1^t in every path, so every
    // statistic of a total in start-year prices is the nominal one divided by 1.1^t.
    let tour = std::fs::read_to_string(root().join("tests/fixtures/format-tour.toml")).unwrap();
    let regime = root().join("tests/fixtures/regimes/tour-regime.toml");
    let text = tour
        .replace("regimes/tour-regime.toml", regime.to_str().unwrap())
        .replace(
            "model = \"inflation\"\nmean = 0.06\nsd = 0.03",
            "model = \"inflation\"\nmean = 0.1\nsd = 0.0",
        );
    assert!(text.contains("mean = 0.1\nsd = 0.0"));
    let r = run(&scenario(&text), 400, 2);
    let mut checked = 0;
    for m in &r.variants[0].municipalities {
        for (nominal, real) in [
            ("project_total", "real:project_total"),
            ("budget_total", "real:budget_total"),
        ] {
            let (n, x) = (m.stream(nominal).unwrap(), m.stream(real).unwrap());
            for (t, (a, b)) in n.years.iter().zip(&x.years).enumerate() {
                let index = 1.1f64.powi(t as i32);
                let close = |u: f64, v: f64| (u / index - v).abs() <= 1e-9 * u.abs().max(1.0);
                assert!(close(a.mean, b.mean), "{} {real} {t}", m.id);
                for k in 0..7 {
                    assert!(close(a.q[k], b.q[k]), "{} {real} {t} q{k}", m.id);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40);
}
