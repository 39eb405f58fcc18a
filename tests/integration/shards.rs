//! Runs split across machines (docs/model.md section 14, docs/shards.md): merged parts give
//! the same results, and the same table bytes, as one process, for any number of shards and
//! any order of the parts; mismatched, missing, duplicated and corrupted parts are refused.

use super::root;
use aimak::sim::{self, shard::Split};
use aimak::stats::QuantileMode;

fn tour() -> aimak::model::Scenario {
    aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap()
}

fn settings(paths: u64, quantiles: Option<QuantileMode>) -> sim::Settings {
    sim::Settings {
        paths,
        seed: 11,
        threads: 2,
        quantiles,
    }
}

/// The results of `k` shards merged in the order `order` (a permutation of 0..k), with a
/// second round when the merge asks for one; the engine's side of `aimak merge`.
fn split_run(
    s: &aimak::model::Scenario,
    st: &sim::Settings,
    k: u64,
    order: &[u64],
) -> (aimak::results::Results, bool) {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let parts: Vec<Vec<u8>> = (0..k)
        .map(|i| {
            let mut sp = Split::new(s, &names, st).unwrap();
            let span = sim::shard::shard_paths(st.paths, i, k);
            sp.first_round(span, &|_, _| {}).unwrap()
        })
        .collect();
    let mut m = Split::new(s, &names, st).unwrap();
    let mut merged = m.merge().unwrap();
    for i in order {
        m.add(&mut merged, &parts[*i as usize]).unwrap();
    }
    let request = m.request(&mut merged);
    let refined = request.is_some();
    if let Some(req) = request {
        let collected: Vec<Vec<u8>> = (0..k)
            .map(|i| {
                let mut sp = Split::new(s, &names, st).unwrap();
                let span = sim::shard::shard_paths(st.paths, i, k);
                sp.second_round(span, &req, &|_, _| {}).unwrap()
            })
            .collect();
        for i in order {
            m.collect(&mut merged, &collected[*i as usize]).unwrap();
        }
        m.absorb(&mut merged).unwrap();
    }
    (m.finish(merged).unwrap(), refined)
}

fn one_process(s: &aimak::model::Scenario, st: &sim::Settings) -> aimak::results::Results {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    sim::run(s, &names, st, &|_, _| {}, None).unwrap()
}

#[test]
fn shards_merged_in_any_order_are_one_process_exact() {
    let s = tour();
    let st = settings(1000, None);
    let whole = format!("{:?}", one_process(&s, &st).variants);
    for (k, order) in [
        (1, vec![0]),
        (3, vec![2, 0, 1]),
        (7, vec![6, 3, 0, 5, 1, 4, 2]),
    ] {
        let (r, refined) = split_run(&s, &st, k, &order);
        assert_eq!(r.quantile_mode, QuantileMode::Exact);
        assert!(!refined);
        assert_eq!(format!("{:?}", r.variants), whole, "{k} shards");
    }
}

#[test]
fn shards_merged_in_any_order_are_one_process_calibrated_with_a_second_round() {
    let s = tour();
    let st = settings(700, Some(QuantileMode::Calibrated));
    let whole = one_process(&s, &st);
    assert_eq!(whole.quantile_mode, QuantileMode::Calibrated);
    let whole = format!("{:?}", whole.variants);
    for (k, order) in [
        (1, vec![0]),
        (3, vec![1, 2, 0]),
        (7, vec![3, 6, 0, 5, 1, 4, 2]),
    ] {
        let (r, refined) = split_run(&s, &st, k, &order);
        assert!(refined, "this run needs its second round");
        assert_eq!(format!("{:?}", r.variants), whole, "{k} shards");
    }
}
