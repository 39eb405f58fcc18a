//! The command line: exit codes, help, completions, schema, the terminal summary, --charts.

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
    // The baseline, then the variant's own standings, then its paired gain.
    let (base, rest) = text
        .split_once("\nPartnership model (DPI, 2013)\n")
        .expect("the variant's block");
    let (_, variant) = rest
        .split_once(
            "Partnership model (DPI, 2013): gain over the baseline, compared future by future",
        )
        .expect("the variant's gain");
    // Units and columns are said once, above the tables.
    assert!(base.contains("in million som (M KGS, nominal)"), "{text}");
    assert!(base.contains("Safe 2026: the project money of 2026 reached in 9 futures in 10"));
    // Every municipality of the pilot once under the baseline and once under the gain.
    for name in ["Kok-Serek", "Kok-Tash", "Sulukta"] {
        assert_eq!(base.matches(name).count(), 1, "{name}: {text}");
    }
    assert!(variant.contains("P(gain > 5% of baseline)"), "{text}");
    // The names are whole: the longest of the pilot is not cut.
    assert!(
        text.contains("Ayil aimaks of the other districts of Jalal-Abad oblast"),
        "{text}"
    );
    // Before the run, on standard error: what it will compute.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Simulating 300 paths of 2 variants (") && err.contains("of memory"),
        "{err}"
    );
}

#[test]
fn the_terminal_speaks_the_language_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, words) in [
        ("ru", ["Медиана", "Надёжно 2026", "млн сом", "Кок-Серек"]),
        (
            "ky",
            ["Медиана", "Кепилденген 2026", "млн сом", "Көк-Серек"],
        ),
    ] {
        let out = dir.path().join(lang);
        let o = super::aimak_ok(&[
            "run",
            "scenarios/pilot-ala-buka.toml",
            "--paths",
            "200",
            "--variant",
            "baseline",
            "--lang",
            lang,
            "--out",
            out.to_str().unwrap(),
        ]);
        let text = String::from_utf8_lossy(&o.stdout);
        for w in words {
            assert!(text.contains(w), "{lang}: {w} missing in\n{text}");
        }
        assert!(!text.contains("Municipality"), "{text}");
    }
}

#[test]
fn help_states_the_exit_codes_and_completions_are_generated_for_every_shell() {
    let help = aimak(&["--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Exit codes: 0 success; 1 invalid input or usage"),
        "{text}"
    );
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = super::aimak_ok(&["completions", shell]);
        let script = String::from_utf8_lossy(&o.stdout);
        // Every subcommand and a flag of `run` can be completed.
        for word in ["report", "export", "paths", "charts"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    assert_eq!(aimak(&["completions", "tcsh"]).status.code(), Some(1));
}

#[test]
fn charts_are_chosen_by_id_district_or_oblast_and_a_wrong_choice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    super::aimak_ok(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--paths",
        "200",
        "--variant",
        "baseline",
        "--charts",
        "kok-tash",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let charts: Vec<String> = std::fs::read_dir(out.join("charts/baseline"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.iter().any(|c| c.contains("kok-tash")), "{charts:?}");
    assert!(
        !charts.iter().any(|c| c.contains("kok-serek")),
        "{charts:?}"
    );
    // Redrawn for a district, in another language.
    super::aimak_ok(&[
        "chart",
        out.to_str().unwrap(),
        "--charts",
        "district:Ала-Бука",
        "--lang",
        "ru",
    ]);
    let charts: Vec<String> = std::fs::read_dir(out.join("charts/baseline"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.iter().any(|c| c.contains("kok-serek")), "{charts:?}");
    // Nothing matches: refused with what the run has, exit 1, nothing run.
    let bad = aimak(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--charts",
        "oblast:Atlantis",
        "--charts",
        "kok-serk",
        "--out",
        dir.path().join("never").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("oblast:Atlantis") && err.contains("`kok-serk`"),
        "{err}"
    );
    assert!(err.contains("Jalal-Abad"), "{err}");
    assert!(!dir.path().join("never").exists());
}

#[test]
fn the_terminal_sets_the_budget_rules_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = super::aimak_ok(&[
        "run",
        "scenarios/pilot-budget-rules.toml",
        "--paths",
        "300",
        "--variant",
        "baseline",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let rules = text
        .split_once("Budget rules, baseline, M KGS")
        .expect("the rules' block")
        .1;
    // Kok-Serek and Kok-Tash, each with the reference and the three rules, in file order;
    // Sulukta follows no rule.
    let (serek, tash) = rules.split_once("  Kok-Tash\n").expect("Kok-Tash's rules");
    for block in [serek, tash] {
        let order: Vec<usize> = [
            "Spend as received",
            "Spend the 7-year average",
            "Save what exceeds the 3-year average",
            "Spend half of what is available",
        ]
        .iter()
        .map(|l| block.find(l).unwrap_or_else(|| panic!("{l} in\n{block}")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{block}");
    }
    assert!(!rules.contains("Sulukta"), "{rules}");
    // And a chart of each, beside the others of the run.
    let charts = out.join("charts/baseline");
    for m in ["kok-serek", "kok-tash"] {
        assert!(charts.join(format!("rules-{m}.png")).is_file(), "{m}");
    }
    assert!(!charts.join("rules-sulukta.png").exists());
}
