//! Extreme but valid inputs: the run finishes, or names the place it cannot summarise.

use super::{aimak, aimak_ok, root};
use std::path::PathBuf;

/// The built-in pilot scenario, copied into `dir` with its regime included by absolute path,
/// and `overrides` (TOML lines) added to its own `[overrides]`.
fn pilot_with(dir: &std::path::Path, overrides: &str) -> PathBuf {
    let scenarios = root().join("scenarios");
    let pilot = std::fs::read_to_string(scenarios.join("pilot-ala-buka.toml")).unwrap();
    let regimes = format!("\"{}/", scenarios.join("regimes").display());
    assert!(
        pilot.contains("\n[overrides]\n"),
        "the pilot has an [overrides] table"
    );
    let text = pilot
        .replace("\"regimes/", &regimes)
        .replace("\n[overrides]\n", &format!("\n[overrides]\n{overrides}\n"));
    let path = dir.join("extreme.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A subnormal gold price makes every chart's values subnormal: their axes still get a few
/// round ticks (this panicked with "capacity overflow").
#[test]
fn subnormal_values_chart_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    for overrides in [
        "\"driver.gold.start\" = 1e-320",
        "\"municipality.kok-serek.population\" = 1e-320",
    ] {
        let scenario = pilot_with(dir.path(), overrides);
        let out = dir.path().join("out");
        let s = scenario.to_str().unwrap();
        aimak_ok(&["check", s]);
        aimak_ok(&[
            "run",
            s,
            "--paths",
            "50",
            "--out",
            out.to_str().unwrap(),
            "-q",
            "--force",
        ]);
    }
}

/// An overflow names the variant, municipality, stream and calendar year where it first
/// happens, and the value; the same at any number of threads.
#[test]
fn overflow_names_where_it_happened() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = pilot_with(
        dir.path(),
        "\"municipality.kok-serek.own_revenue_growth.mean\" = 1e308",
    );
    let out = dir.path().join("out");
    let mut messages = Vec::new();
    for threads in ["1", "3"] {
        let o = aimak(&[
            "run",
            scenario.to_str().unwrap(),
            "--paths",
            "600",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "-q",
            "--force",
        ]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        for part in [
            "variant `baseline`",
            "municipality `kok-serek`",
            "stream `own_revenue`",
            "year 2027",
            "value inf",
            "own_revenue_growth",
        ] {
            assert!(err.contains(part), "{part:?} missing from: {err}");
        }
        messages.push(err);
    }
    assert_eq!(messages[0], messages[1]);
}
