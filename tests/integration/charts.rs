//! Charts of a real run: every chart kind is drawn, every PNG is a 1600x900 PNG and every SVG
//! an SVG document, and `aimak chart` redraws exactly what the run drew.

use super::{aimak, aimak_ok};
use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn a_run_draws_every_chart_kind_and_chart_redraws_them_identically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    aimak_ok(&[
        "run",
        "--paths",
        "256",
        "--quiet",
        "--lang",
        "ru",
        "--out",
        out.to_str().unwrap(),
    ]);
    let first = files(&out.join("charts"));
    for kind in [
        "baseline/project-money-kok-serek",
        "baseline/budget-kok-serek",
        "baseline/budget-line-kok-serek",
        "baseline/composition-kok-serek",
        "baseline/npv-comparison",
        "baseline/shortfall-heatmap",
        "baseline/project-states-bozymchak",
        "baseline/project-output-bozymchak",
        "partnership/versus-baseline-kok-serek",
    ] {
        for ext in ["png", "svg"] {
            assert!(
                first.contains_key(&format!("{kind}.{ext}")),
                "missing {kind}.{ext}"
            );
        }
    }
    for (name, bytes) in &first {
        if name.ends_with(".png") {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}");
            // IHDR: width and height, big-endian, at bytes 16..24.
            assert_eq!(
                &bytes[16..24],
                &[0, 0, 6, 64, 0, 0, 3, 132],
                "{name} is 1600x900"
            );
        } else {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                text.contains("<svg") && text.trim_end().ends_with("</svg>"),
                "{name}"
            );
        }
    }
    // Russian labels and municipality names from `names`.
    let svg = String::from_utf8(first["baseline/project-money-kok-serek.svg"].clone()).unwrap();
    assert!(svg.contains("Кок-Серек"), "the Russian name of Kok-Serek");
    assert!(svg.contains("млн сом"));
    // A variant's charts name the variant (a long title wraps: its first words suffice);
    // the baseline's do not.
    let variant = "Модель партнёрства";
    let of = |name: &str| String::from_utf8(first[name].clone()).unwrap();
    assert!(of("partnership/project-money-kok-serek.svg").contains(variant));
    assert!(of("partnership/shortfall-heatmap.svg").contains(variant));
    assert!(!svg.contains(variant));

    aimak_ok(&["chart", out.to_str().unwrap(), "--lang", "ru"]);
    let second = files(&out.join("charts"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(bytes == &second[name], "{name} differs when redrawn");
    }
    // In Kyrgyz the same charts, other words.
    assert_eq!(
        aimak(&["chart", out.to_str().unwrap(), "--lang", "ky"])
            .status
            .code(),
        Some(0)
    );
    let ky = String::from_utf8(
        std::fs::read(out.join("charts/baseline/project-money-kok-serek.svg")).unwrap(),
    )
    .unwrap();
    assert!(ky.contains("Көк-Серек"));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"lang\": \"ky\""));
}

#[test]
fn chart_refuses_a_folder_that_is_not_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = aimak(&["chart", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("manifest.json"));
}

#[test]
fn sensitivity_runs_draw_tornado_and_attribution_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = aimak_ok(&[
        "run",
        "--paths",
        "512",
        "--sensitivity",
        "--variant",
        "baseline",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("What drives the uncertainty"));
    assert!(out.join("sensitivity.parquet").exists());
    let first = files(&out.join("charts"));
    for kind in [
        "baseline/drivers-kok-serek.png",
        "baseline/drivers-by-year-kok-serek.svg",
    ] {
        assert!(first.contains_key(kind), "missing {kind}");
    }
    assert_eq!(
        aimak(&["chart", out.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let second = files(&out.join("charts"));
    assert!(first == second, "redrawn charts differ");
}

#[test]
fn kyrgyz_charts_name_projects_places_and_the_scenario_in_kyrgyz_and_say_their_prices() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = out.to_str().unwrap();
    aimak_ok(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--paths",
        "300",
        "--lang",
        "ky",
        "--prices",
        "start-year",
        "--out",
        o,
        "-q",
    ]);
    let svg = |name: &str| std::fs::read_to_string(out.join("charts").join(name)).unwrap();
    // The project's `names` and `unit` (oz is "унция" in Kyrgyz), the scenario's `names` in
    // the footer, the district's `[place_names]` in the fund legend.
    let output = svg("baseline/project-output-bozymchak.svg");
    assert!(output.contains("Бозымчак алтын-жез кени"), "project name");
    assert!(output.contains("унция"), "unit");
    assert!(output.contains("Ала-Бука пилоту"), "scenario name");
    let composition = svg("baseline/composition-kok-serek.svg");
    assert!(composition.contains("(Ала-Бука)"), "district name");
    assert!(!composition.contains("Ala-Buka"));
    // Project money in start-year prices, the budget's composition nominal, each labelled.
    assert!(svg("baseline/project-money-kok-serek.svg").contains("2026-ж. баасында"));
    assert!(composition.contains("номиналдык"));
    // A place that receives nothing says so instead of drawing a flat line.
    let empty = svg("baseline/project-money-jalal-abad-other.svg");
    assert!(empty.contains("Бардык моделделген келечектерде нөл"));
    // A mine that operates from the start is never "planned".
    assert!(!svg("baseline/project-states-bozymchak.svg").contains("пландалган"));
    // The total gain of the variant, by municipality.
    assert!(out.join("charts/partnership/total-gain.png").is_file());
}
