//! The corpus of broken scenarios in tests/invalid/: each one must be refused with exit code 1
//! and a message containing what its `# expect:` line names (normally the key path).

use super::{aimak, root, toml_files};

#[test]
fn every_broken_scenario_is_refused_with_its_key_path() {
    let files = toml_files(&root().join("tests/invalid"));
    assert!(
        files.len() >= 25,
        "the corpus has only {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} has no `# expect:` first line", f.display()))
            .trim();
        let rel = f.strip_prefix(root()).unwrap().to_str().unwrap();
        let out = aimak(&["check", rel]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(1) || !stderr.contains(expect) {
            failures.push(format!(
                "{rel}: exit {:?}, expected 1 with `{expect}` in:\n{stderr}",
                out.status.code()
            ));
        }
        assert!(!stderr.contains("panicked"), "{rel} panicked: {stderr}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_problems_of_a_file_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("many.toml");
    let tour = std::fs::read_to_string(root().join("tests/fixtures/format-tour.toml")).unwrap();
    let broken = tour
        .replace("population = 9200", "population = -1")
        .replace("volatility = 0.05", "volatility = -0.05")
        .replace("probability = 1.0 ", "probability = 1.5 ")
        .replace("include = [\"regimes/tour-regime.toml\"]", "");
    std::fs::write(&f, broken).unwrap();
    let out = aimak(&["check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for key in [
        "municipality[kok-serek].population",
        "driver[kgs_per_usd].volatility",
        "instrument[infra_2pct].probability",
        // without the regime file, copper is unknown and the oblast_fund route has no fund
        "project[bozymchak].products[1].driver",
    ] {
        assert!(err.contains(key), "missing {key} in:\n{err}");
    }
    // Each problem names its file and line.
    assert!(
        err.contains("many.toml:67:14: municipality[kok-serek].population"),
        "{err}"
    );
}
