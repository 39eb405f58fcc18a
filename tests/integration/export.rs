//! The spreadsheet export read back by a real reader: Python's openpyxl opens the XLSX that
//! `aimak run --export` and `aimak export` write, as LibreOffice or Excel would.

use std::path::Path;
use std::process::Command;

/// A Python that has openpyxl (CI installs Debian's python3-openpyxl, see `.ci/run`).
fn python() -> &'static str {
    for p in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(p)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return p;
        }
    }
    panic!(
        "the XLSX export is read back with openpyxl: install it (apt-get install python3-openpyxl)"
    );
}

/// What openpyxl finds in the workbook, as JSON.
fn read_back(xlsx: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {"sheets": wb.sheetnames}
rows = list(wb["municipalities"].iter_rows(values_only=True))
out["municipalities"] = {"header": list(rows[0]), "rows": [list(r) for r in rows[1:]]}
cmp = list(wb["compare"].iter_rows(values_only=True))
h = list(cmp[0])
y, p = h.index("year"), h.index("period")
out["compare_header"] = h
out["compare_periods"] = [[r[y], r[p]] for r in cmp[1:]]
print(json.dumps(out))
"#;
    let o = Command::new(python())
        .args(["-c", script, xlsx.to_str().unwrap()])
        .output()
        .expect("run python");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_workbook_opens_in_a_real_reader_with_names_units_and_the_whole_horizon_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    super::aimak_ok(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--paths",
        "300",
        "--lang",
        "ky",
        "--export",
        "xlsx",
        "--export",
        "json",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let export = out.join("export");
    assert!(
        !export.join("summary.csv").exists(),
        "only the formats asked for"
    );
    let book = read_back(&export.join("tables.xlsx"));
    let sheets: Vec<&str> = book["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(sheets[0], "municipalities");
    for t in [
        "summary",
        "levels",
        "shortfall",
        "npv",
        "projects",
        "compare",
        "budget_line",
    ] {
        assert!(sheets.contains(&t), "{t} in {sheets:?}");
    }
    // Names, places and population joined in, in Kyrgyz; units in the headers.
    let m = &book["municipalities"];
    let header: Vec<&str> = m["header"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r[col("name")].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Көк-Серек"), "{names:?}");
    assert!(rows.iter().all(
        |r| r[col("oblast")].as_str().is_some() && r[col("population")].as_f64().unwrap() > 0.0
    ));
    // The workbook and summary.json give the same safe amount, to the bit.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(export.join("summary.json")).unwrap())
            .unwrap();
    let places = json["municipalities"].as_array().unwrap();
    let safe = col("npv_safe_90 [сом]");
    for r in rows {
        let id = r[col("municipality")].as_str().unwrap();
        let p = places.iter().find(|p| p["id"] == id).unwrap();
        assert_eq!(r[safe].as_f64(), p["npv_safe"].as_f64(), "{id}");
    }
    assert_eq!(json["national"]["municipalities"], 5);
    // compare: every row says its period; the whole-horizon rows say so in words.
    let periods = book["compare_periods"].as_array().unwrap();
    assert!(!periods.is_empty());
    let mut whole = 0;
    for p in periods {
        match p[0].as_i64() {
            Some(y) => assert_eq!(p[1].as_str().unwrap(), y.to_string()),
            None => {
                assert_eq!(p[1].as_str().unwrap(), "бүт мезгил");
                whole += 1;
            }
        }
    }
    assert!(whole > 0);
    assert!(book["compare_header"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h == "p50 [сом]"));

    // A later export of another format keeps the workbook and adds the CSV files.
    let o = super::aimak_ok(&["export", out.to_str().unwrap(), "--format", "csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("written in"));
    let csv = std::fs::read_to_string(export.join("compare.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains(",period,"));
    assert!(csv.contains(",whole horizon,"));
    assert!(export.join("tables.xlsx").is_file() && export.join("summary.json").is_file());
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for f in [
        "export/tables.xlsx",
        "export/summary.json",
        "export/compare.csv",
        "overview.html",
    ] {
        assert!(manifest.contains(&format!("\"{f}\"")), "{f}");
    }
}

#[test]
fn export_refuses_a_folder_that_is_not_a_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.txt"), "mine").unwrap();
    let o = super::aimak(&["export", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not the output folder of an aimak run"));
    assert!(!dir.path().join("export").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.txt")).unwrap(),
        "mine"
    );
}
