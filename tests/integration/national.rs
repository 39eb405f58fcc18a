//! The national view in a real browser: headless Chromium loads `overview.html` from disk
//! (no server), runs its script, and the test reads the DOM it leaves: every municipality a
//! row, sorted and filtered as the address asks. A screenshot is kept for a person to look at.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One national run (the synthetic republic, 450 municipalities, two variants) shared by the
/// tests of this module, and what it printed.
fn national() -> &'static (tempfile::TempDir, PathBuf, String) {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("nat.toml");
        let out = dir.path().join("nat");
        super::aimak_ok(&["synth", "--seed", "1", "--out", toml.to_str().unwrap()]);
        let o = super::aimak_ok(&[
            "run",
            toml.to_str().unwrap(),
            "--paths",
            "400",
            "--variant",
            "baseline",
            "--variant",
            "partnership",
            "--out",
            out.to_str().unwrap(),
        ]);
        let printed = String::from_utf8_lossy(&o.stdout).into_owned();
        (dir, out, printed)
    })
}

pub fn national_run() -> &'static Path {
    &national().1
}

/// The terminal summary of a national run: the two ends, the oblasts and the total instead
/// of a line per municipality, with units and the paired gain named.
#[test]
fn a_national_run_prints_a_summary_that_scales() {
    let text = &national().2;
    let lines = text.lines().count();
    assert!(lines < 120, "{lines} lines:\n{text}");
    for expected in [
        "million som (M KGS",
        "The 10 with the most project money (median):",
        "The 10 with the least, of those that receive some:",
        "receive nothing from the projects in half of the futures or more (median 0).",
        "… and 430 more",
        "By oblast (sums of the means",
        "All (450 municipalities): expected present value",
        "gain over the baseline, compared future by future",
        "P(gain > 5% of baseline)",
        "Charts of their own for the 40 municipalities with the most project money",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Every oblast of the synthetic republic has its subtotal line, and the republic its
    // total, under each of the two variants.
    let oblasts = text
        .lines()
        .filter(|l| l.contains("municipalities): expected present value"))
        .count();
    assert_eq!(oblasts, 2 * (7 + 1), "{text}");
}

/// Headless Chromium, which CI installs (`.ci/run`); without it the test says how to get it.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new("which").arg(name).output() {
            if o.status.success() {
                return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            }
        }
    }
    panic!("the overview page is tested in a real browser: install Chromium (apt-get install chromium)");
}

fn browser(args: &[&str], page: &Path, hash: &str) -> Vec<u8> {
    let url = format!("file://{}#{hash}", page.display());
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(args)
        .arg(&url)
        .output()
        .expect("start chromium");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// A row of the page's table: id, whether hidden, and its cells' `data-v` (numbers) or text.
#[derive(Debug)]
struct Row {
    id: String,
    order: usize,
    hidden: bool,
    cells: Vec<String>,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The rows of the municipality table, in document order.
fn rows(html: &str) -> Vec<Row> {
    let body = &html[html.find("<tbody>").unwrap()..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr ")
        .skip(1)
        .map(|tr| {
            let tag = &tr[..tr.find('>').unwrap()];
            let cells = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let open = &td[..td.find('>').unwrap()];
                    match attr(open, "data-v") {
                        Some(v) => v.to_string(),
                        None => {
                            let rest = &td[td.find('>').unwrap() + 1..];
                            rest[..rest.find("</td>").unwrap()].to_string()
                        }
                    }
                })
                .collect();
            Row {
                id: attr(&format!(" {tag}"), "data-id").unwrap().to_string(),
                order: attr(&format!(" {tag}"), "data-i").unwrap().parse().unwrap(),
                hidden: tag.contains("hidden"),
                cells,
            }
        })
        .collect()
}

/// The column index of `key` in the page's header.
fn column(html: &str, key: &str) -> usize {
    let head = &html[html.find("<thead>").unwrap()..html.find("</thead>").unwrap()];
    head.split("<th ")
        .skip(1)
        .position(|th| th.starts_with(&format!("data-key=\"{key}\"")))
        .unwrap_or_else(|| panic!("no column {key}"))
}

#[test]
fn the_overview_sorts_and_filters_every_municipality_in_a_real_browser() {
    let page = national_run().join("overview.html");
    let written = std::fs::read_to_string(&page).unwrap();
    let original = rows(&written);
    assert_eq!(original.len(), 450, "every municipality is a row");
    // Self-contained: the fonts are inside, nothing is fetched.
    assert!(written.contains("@font-face") && !written.contains("src=\"http"));
    let safe = column(&written, "safe_pc");
    let value = |r: &Row, k: usize| r.cells[k].parse::<f64>().unwrap_or(f64::NAN);

    // Sorted by safe money per inhabitant, least first: the order the numbers give, ties
    // and missing values as the page promises (missing last, ties in table order).
    let dom = String::from_utf8(browser(&["--dump-dom"], &page, "sort=safe_pc")).unwrap();
    let sorted = rows(&dom);
    assert_eq!(sorted.len(), 450);
    let mut want: Vec<&Row> = original.iter().collect();
    want.sort_by(|a, b| {
        let (x, y) = (value(a, safe), value(b, safe));
        (x.is_nan().cmp(&y.is_nan()))
            .then(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal))
            .then(a.order.cmp(&b.order))
    });
    let got: Vec<&str> = sorted.iter().map(|r| r.id.as_str()).collect();
    let want: Vec<&str> = want.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(got, want);
    assert!(dom.contains("aria-sort=\"ascending\""));

    // Largest population first.
    let pop = column(&written, "population");
    let dom = String::from_utf8(browser(&["--dump-dom"], &page, "sort=-population")).unwrap();
    let by_pop: Vec<f64> = rows(&dom).iter().map(|r| value(r, pop)).collect();
    assert!(by_pop.windows(2).all(|w| w[0] >= w[1]), "{by_pop:?}");

    // Filtered to one oblast: its rows shown, the others hidden, the count says how many.
    let oblast = column(&written, "oblast");
    let naryn = original
        .iter()
        .filter(|r| r.cells[oblast] == "Naryn")
        .count();
    assert!(naryn > 0);
    let dom = String::from_utf8(browser(&["--dump-dom"], &page, "q=Naryn")).unwrap();
    let shown: Vec<Row> = rows(&dom).into_iter().filter(|r| !r.hidden).collect();
    assert_eq!(shown.len(), naryn);
    assert!(shown.iter().all(|r| r.cells[oblast] == "Naryn"));
    assert!(dom.contains(&format!("<span id=\"count\">{naryn}</span>")));

    // The national charts are drawn inline.
    for chart in [
        "republic",
        "by-oblast",
        "ranking-least",
        "ranking-most",
        "concentration",
        "shortfall-by-oblast",
    ] {
        assert!(
            written.contains(&format!("data-chart=\"baseline/national/{chart}\"")),
            "{chart}"
        );
    }
}

#[test]
fn a_screenshot_of_the_overview_shows_the_table_and_the_charts() {
    let page = national_run().join("overview.html");
    let shot = super::root().join("target/overview-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    browser(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,2400",
        ],
        &page,
        "sort=safe_pc",
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    // A blank page compresses to a few kilobytes; a table of numbers does not.
    assert!(png.len() > 100_000, "{} bytes", png.len());
    eprintln!("screenshot: {}", shot.display());
}
