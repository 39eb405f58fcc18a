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
