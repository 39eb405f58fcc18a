//! The command line: exit codes, help, schema.

use super::aimak;

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    assert_eq!(aimak(&["frobnicate"]).status.code(), Some(1));
    assert_eq!(aimak(&["check"]).status.code(), Some(1));
    let help = aimak(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for cmd in ["run", "check", "chart", "schema"] {
        assert!(text.contains(cmd), "{text}");
    }
}

#[test]
fn missing_scenario_file_is_an_input_error() {
    let out = aimak(&["check", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.toml"));
}

#[test]
fn schema_is_json_naming_every_section() {
    let out = aimak(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "scenario",
        "driver",
        "municipality",
        "fund",
        "project",
        "instrument",
        "variant",
    ] {
        assert!(v["properties"][k].is_object(), "{k}");
    }
}

#[test]
fn the_terminal_gives_a_variant_s_paired_gain_not_the_difference_of_medians() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = super::aimak_ok(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--paths",
        "300",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    // One line per municipality under the variant, none under the baseline.
    let (base, variant) = text
        .split_once("  partnership:")
        .expect("the variant's block");
    assert!(!base.contains("gain, paired"));
    assert_eq!(
        variant
            .matches("gain, paired: present value median")
            .count(),
        5,
        "{text}"
    );
    assert!(variant.contains("P(gain > 5% of baseline)"), "{text}");
}
