//! Inputs that once hung, slowed or misled aimak: devices and FIFOs as scenario files,
//! invalid UTF-8, control characters, follow-on errors and absurd path counts.

use super::aimak;
use std::path::Path;
use std::time::{Duration, Instant};

const MINIMAL: &str = include_str!("../invalid/hosts-share-sum-0.9.toml");

/// A valid small scenario: the host-share case with its shares mended.
fn minimal() -> String {
    MINIMAL.replace("share = 0.4", "share = 0.5")
}

fn check(path: &Path) -> (Option<i32>, String) {
    let out = aimak(&["check", path.to_str().unwrap()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(&f, text).unwrap();
    check(&f)
}

#[test]
fn the_minimal_scenario_is_valid() {
    let (code, err) = check_text(&minimal());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_device_as_scenario_is_refused_at_once() {
    let t = Instant::now();
    let (code, err) = check(Path::new("/dev/zero"));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("/dev/zero: cannot read `/dev/zero`: not a regular file"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_fifo_as_scenario_or_include_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let t = Instant::now();
    let (code, err) = check(&fifo);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    let main = dir.path().join("main.toml");
    let text = minimal().replace(
        "currency = \"KGS\"\n",
        "currency = \"KGS\"\ninclude = [\"pipe.toml\"]\n",
    );
    std::fs::write(&main, text).unwrap();
    let (code, err) = check(&main);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("main.toml:10:12: scenario.include[0]: cannot read"),
        "{err}"
    );
    assert!(err.contains("not a regular file"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_file_above_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.toml");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(aimak::scenario::load::MAX_FILE_BYTES + 1)
        .unwrap();
    let (code, err) = check(&f);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("larger than 16 MiB"), "{err}");
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let mut bytes = minimal().into_bytes();
    // Line 19 is `name = "Kok-Serek"`: break its `S` (column 13).
    let at = minimal().find("Kok-Serek\"").unwrap() + 4;
    bytes[at] = 0xff;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(&f, bytes).unwrap();
    let (code, err) = check(&f);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("s.toml:19:13: the file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    // In an error message.
    let text = minimal().replace("id = \"kok-tash\"", "id = \"\\u001b]0;pwned\\u0007\"");
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}]0;pwned\\u{7}"), "{err}");
    // In `aimak check`'s description of a valid scenario.
    let text = minimal().replace("name = \"Kok-Tash\"", "name = \"Kok\\u001b[2JTash\\r\"");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(&f, text).unwrap();
    let out = aimak(&["check", f.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\r'),
        "{stdout:?}"
    );
    assert!(stdout.contains("Kok\\u{1b}[2JTash\\u{d}"), "{stdout}");
}

/// Exactly one problem, containing `want`.
fn one_problem(text: &str, want: &str) {
    let (code, err) = check_text(text);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("the scenario has 1 problem:"), "{err}");
    assert!(err.contains(want), "{err}");
}

#[test]
fn a_project_that_failed_is_not_unknown_to_instruments() {
    let text = MINIMAL.replace(
        "base = \"gross_revenue\"",
        "base = \"gross_revenue\"\napplies_to = { projects = [\"bozymchak\"] }",
    );
    one_problem(&text, "project[bozymchak].hosts: host shares sum to 0.9");
}

#[test]
fn a_municipality_that_failed_is_not_unknown_to_its_projects() {
    let text = minimal().replacen("district = \"Ala-Buka\"", "district = \"*\"", 1);
    one_problem(&text, "municipality[kok-serek].district: found \"*\"");
    // Nor to routes naming it.
    let text = text.replace(
        "{ to = \"host\", share = 1.0 }",
        "{ to = \"municipality:kok-serek\", share = 1.0 }",
    );
    one_problem(&text, "municipality[kok-serek].district");
}

#[test]
fn a_driver_that_failed_is_not_unknown_to_products() {
    let text = minimal().replace("volatility = 0.15", "volatility = -0.15");
    one_problem(&text, "driver[gold].volatility");
}

#[test]
fn a_star_fund_with_a_bad_level_is_reported_once() {
    let mut text = minimal().replacen("district = \"Ala-Buka\"", "district = \"Suzak\"", 1);
    text.push_str("\n[[fund]]\nid = \"rdf\"\nlevel = \"bad\"\narea = \"*\"\n");
    one_problem(&text, "fund[rdf].level: found \"bad\"");
    // Nor are routes to it unknown.
    let text = text.replace(
        "{ to = \"host\", share = 1.0 }",
        "{ to = \"fund:rdf\", share = 0.5 }, { to = \"district_fund\", share = 0.5 }",
    );
    one_problem(&text, "fund[rdf].level");
}

#[test]
fn absurd_path_counts_are_refused() {
    let out = aimak(&[
        "run",
        "--paths",
        "18446744073709551615",
        "--out",
        "/nonexistent/never-written",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("at most 100000000 paths"), "{err}");
    assert!(err.contains("--precision"), "{err}");
    assert_eq!(aimak::sim::check_paths(100_000_000), Ok(()));
    assert!(aimak::sim::check_paths(0).is_err());
    assert!(aimak::sim::check_paths(100_000_001).is_err());
}

#[test]
fn a_deep_key_is_reported_at_its_line() {
    let deep = ["x"; 200].join(".");
    let text = format!("{}\n[overrides]\n{deep} = 1\n", minimal());
    let line = text.lines().count();
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "s.toml:{line}:64: a dotted key is more than 32 levels deep"
        )),
        "{err}"
    );
    // Deep arrays likewise.
    let text = format!(
        "{}\nx = {}1{}\n",
        minimal(),
        "[".repeat(200),
        "]".repeat(200)
    );
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("nested more than 32 levels deep"), "{err}");
}
