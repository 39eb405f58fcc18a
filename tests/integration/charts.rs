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
