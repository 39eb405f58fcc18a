//! Results do not change by accident: an optimisation of the engine or of the statistics must
//! leave a national run's results the same bits. The digests of two small national runs (one
//! with exact quantiles, one calibrated with its second pass) are kept in
//! `tests/fixtures/national-digests.txt`; a deliberate change of results updates them with
//! `AIMAK_BLESS=1 cargo test --release --test integration golden` and says why in its commit.

use super::root;
use aimak::sim::{self, Settings};
use sha2::{Digest, Sha256};

/// (paths, every variant or the baseline only): 200 paths have exact quantiles, 600 paths
/// calibrated ones.
const RUNS: [(u64, bool); 2] = [(200, true), (600, false)];

fn digest(paths: u64, all: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("national.toml");
    std::fs::write(&file, aimak::synth::national(1)).unwrap();
    let s = aimak::scenario::load_file(&file).unwrap();
    let names: Vec<&str> = s
        .models()
        .map(|(n, _)| n)
        .filter(|n| all || *n == "baseline")
        .collect();
    let settings = Settings {
        paths,
        seed: 11,
        threads: 2,
        quantiles: None,
    };
    let r = sim::run(&s, &names, &settings, &|_, _| {}, None).unwrap();
    let text = format!("{:?} {:?}", r.quantile_mode, r.variants);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn national_results_keep_their_digest() {
    let file = root().join("tests/fixtures/national-digests.txt");
    let got: String = RUNS
        .iter()
        .map(|(p, all)| format!("{p} {all} {}\n", digest(*p, *all)))
        .collect();
    if std::env::var_os("AIMAK_BLESS").is_some() {
        std::fs::write(&file, &got).unwrap();
    }
    let want = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        got, want,
        "national results changed (see this test's doc comment)"
    );
}
