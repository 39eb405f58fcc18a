//! What a new user meets first: the README's example scenario, `aimak check --verbose`, and
//! error messages that name what is wrong rather than a consequence of it.

use super::{aimak, aimak_ok, root};

/// The scenario of the README's "Scenario files in five minutes", as printed there.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split_once("## Scenario files in five minutes")
        .expect("the README's five-minute section")
        .1;
    let block = section.split_once("```toml\n").expect("its TOML block").1;
    block
        .split_once("```")
        .expect("the block's end")
        .0
        .to_string()
}

#[test]
fn the_readme_example_passes_check_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    // Beside the shipped regimes, as a user who saves it in scenarios/ would have it.
    let regimes = dir.path().join("regimes");
    std::fs::create_dir(&regimes).unwrap();
    for e in std::fs::read_dir(root().join("scenarios/regimes")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), regimes.join(e.file_name())).unwrap();
    }
    let file = dir.path().join("example.toml");
    std::fs::write(&file, readme_example()).unwrap();
    let o = aimak_ok(&["check", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    // The regime's rules reach the mine by its tags: the gold royalty, not the other-metals one,
    // and the regime's own 2% (the example declares no second one).
    assert!(
        text.contains("bozymchak (Bozymchak gold-copper mine"),
        "{text}"
    );
    let out = dir.path().join("run");
    let o = aimak_ok(&[
        "run",
        file.to_str().unwrap(),
        "--paths",
        "200",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Kok-Serek"));
}

#[test]
fn check_verbose_prints_every_reference_and_judgement_call() {
    let o = aimak_ok(&["check", "--verbose", "scenarios/pilot-ala-buka.toml"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("sources and judgement calls ([U]):"),
        "{text}"
    );
    assert!(text.contains("    instrument social_package\n      reference: Social packages"));
    assert!(text.contains("[U]"));
    let plain = aimak_ok(&["check", "scenarios/pilot-ala-buka.toml"]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("reference:"));
}

/// A scenario with one driver written as `driver`.
fn with_driver(driver: &str) -> String {
    format!(
        r#"format_version = 1
[scenario]
name = "Minimal"
start_year = 2026
years = 5
[driver.gold]
{driver}
[[municipality]]
id = "a"
name = "A"
district = "D"
oblast = "O"
population = 100
"#
    )
}

#[test]
fn a_driver_missing_a_required_key_names_it_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for (driver, missing) in [
        ("model = \"gbm\"\ndrift = 0.02\nvolatility = 0.1", "start"),
        ("model = \"inflation\"\nsd = 0.02", "mean"),
        (
            "model = \"mean_reverting\"\nstart = 1.0\nvolatility = 0.1",
            "long_run",
        ),
    ] {
        let f = dir.path().join("s.toml");
        std::fs::write(&f, with_driver(driver)).unwrap();
        let o = aimak(&["check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!(
                "driver[gold].{missing}: missing required key `{missing}`"
            )),
            "{err}"
        );
        assert!(!err.contains("does not apply"), "{err}");
    }
}

#[test]
fn a_misspelt_key_gets_a_suggestion_and_a_far_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(
        &f,
        with_driver("model = \"gbm\"\nstart = 1.0\nvolatilty = 0.1\nDrift = 0.01\nzzz = 1"),
    )
    .unwrap();
    let o = aimak(&["check", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown key `volatilty`; did you mean `volatility`?"),
        "{err}"
    );
    assert!(
        err.contains("unknown key `Drift`; did you mean `drift`?"),
        "{err}"
    );
    assert!(err.contains("unknown key `zzz`; expected one of"), "{err}");
}

#[test]
fn a_regime_file_is_checked_as_a_fragment() {
    for regime in [
        "kg-2013",
        "kg-2014",
        "kg-2019",
        "kg-local-taxes",
        "kumtor-2009",
    ] {
        let f = format!("scenarios/regimes/{regime}.toml");
        let o = aimak_ok(&["check", &f]);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("ok as a fragment to include"),
            "{f}"
        );
    }
    // A copy with a misspelt base, a misspelt key and a gbm driver without its start.
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("scenarios/regimes")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let f = dir.path().join("kg-2019.toml");
    let text = std::fs::read_to_string(&f).unwrap().replacen(
        "base = \"gross_revenue\"",
        "base = \"gross_revenu\"",
        1,
    ) + "\n[driver.gold]\nmodel = \"gbm\"\ndrift = 0.1\nvolatilty = 0.2\n";
    std::fs::write(&f, text).unwrap();
    let o = aimak(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for expected in [
        "the fragment has 3 problems",
        "instrument[infra_2pct_register].base: found \"gross_revenu\", expected one of \"gross_revenue\"",
        "driver[gold].start: missing required key `start`",
        "driver[gold].volatilty: unknown key `volatilty`; did you mean `volatility`?",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}
