//! `aimak report`: the council sheets are real PDFs, read back with poppler (pdfinfo,
//! pdffonts, pdftotext from poppler-utils): A4, tagged, every font embedded and subset with
//! a Unicode map, and the headline sentence with the safe amount of `budget_line.parquet`
//! in each language. The same run folder gives the same bytes.

use super::{aimak, aimak_ok};
use polars::prelude::*;
use std::path::Path;
use std::process::Command;

/// Runs a poppler tool on `pdf` and returns its standard output.
pub(super) fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is needed to read the sheets back (Debian: poppler-utils): {e}")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pilot_run(dir: &Path) {
    let out = dir.to_str().unwrap();
    aimak_ok(&[
        "run",
        "scenarios/pilot-ala-buka.toml",
        "--paths",
        "600",
        "--out",
        out,
        "-q",
    ]);
}

/// The first year's safe amount (90%) of Kok-Serek, from the table a user would open.
fn safe_90_first_year(dir: &Path) -> f64 {
    let file = std::fs::File::open(dir.join("budget_line.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let v = df.column("variant").unwrap().str().unwrap().clone();
    let m = df.column("municipality").unwrap().str().unwrap().clone();
    let y = df.column("year").unwrap().i32().unwrap().clone();
    let s = df.column("safe_90").unwrap().f64().unwrap().clone();
    (0..df.height())
        .filter(|&i| v.get(i) == Some("baseline") && m.get(i) == Some("kok-serek"))
        .min_by_key(|&i| y.get(i))
        .and_then(|i| s.get(i))
        .unwrap()
}

/// Text in a PDF may break a line anywhere: compare with all white space collapsed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn sheets_are_a4_tagged_with_embedded_fonts_and_say_the_safe_amount_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    pilot_run(&run);
    let safe = safe_90_first_year(&run) / 1e6;
    let amount = format!("{safe:.1}");
    let r = run.to_str().unwrap();
    for (lang, headline, name, number) in [
        (
            "en",
            "In 9 of 10 futures, Kok-Serek receives at least",
            "Kok-Serek",
            amount.clone(),
        ),
        (
            "ru",
            "вариантов будущего Кок-Серек получит от проектов не менее",
            "Кок-Серек",
            amount.replace('.', ","),
        ),
        (
            "ky",
            "10 келечектин 9унда Көк-Серек",
            "Көк-Серек",
            amount.replace('.', ","),
        ),
    ] {
        let out = aimak_ok(&["report", r, "--lang", lang, "--municipality", "kok-serek"]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 council sheet written"));
        let pdf = run.join(format!("reports/kok-serek.{lang}.pdf"));
        let info = poppler("pdfinfo", &[], &pdf);
        assert!(info.contains("595.276 x 841.89 pts (A4)"), "{lang}: {info}");
        assert!(info.contains("Tagged:          yes"), "{lang}: {info}");
        let fonts = poppler("pdffonts", &[], &pdf);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{lang}: no fonts");
        for row in rows {
            // name, type..., emb sub uni, object id: the three flags just before the id.
            let cols: Vec<&str> = row.split_whitespace().collect();
            let flags = &cols[cols.len() - 5..cols.len() - 2];
            assert_eq!(flags, ["yes", "yes", "yes"], "{lang}: {row}");
        }
        let text = squash(&poppler("pdftotext", &[], &pdf));
        assert!(text.contains(headline), "{lang}: no headline in {text}");
        assert!(text.contains(name), "{lang}");
        let money = match lang {
            "en" => format!("{number} million som"),
            _ => format!("{number} млн сом"),
        };
        assert!(text.contains(&money), "{lang}: no {money} in {text}");
        if lang == "ky" {
            assert!(
                text.contains('ү') && text.contains('ө'),
                "Kyrgyz letters intact"
            );
        }
    }
    // Three languages side by side; nothing else written.
    let mut names: Vec<String> = std::fs::read_dir(run.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["kok-serek.en.pdf", "kok-serek.ky.pdf", "kok-serek.ru.pdf"]
    );
    let manifest = std::fs::read_to_string(run.join("manifest.json")).unwrap();
    for n in &names {
        assert!(
            manifest.contains(&format!("reports/{n}")),
            "manifest lists {n}"
        );
    }
}

#[test]
fn the_same_run_gives_the_same_sheet_bytes_and_other_sheets_stay() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    pilot_run(&run);
    let r = run.to_str().unwrap();
    aimak_ok(&["report", r, "--lang", "ru"]);
    let first = std::fs::read(run.join("reports/kok-tash.ru.pdf")).unwrap();
    let all = std::fs::read_dir(run.join("reports")).unwrap().count();
    assert_eq!(all, 5, "every municipality of the pilot");
    aimak_ok(&["report", r, "--lang", "ru", "--municipality", "kok-tash"]);
    assert_eq!(
        std::fs::read(run.join("reports/kok-tash.ru.pdf")).unwrap(),
        first
    );
    assert_eq!(std::fs::read_dir(run.join("reports")).unwrap().count(), all);
}

#[test]
fn an_unknown_municipality_is_named_with_the_ones_the_run_has() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    pilot_run(&run);
    let r = run.to_str().unwrap();
    let o = aimak(&[
        "report",
        r,
        "--municipality",
        "nowhere",
        "--municipality",
        "kok-serek",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no municipality nowhere"), "{err}");
    assert!(err.contains("kok-tash"), "{err}");
    assert!(!run.join("reports").exists(), "nothing written");
    let o = aimak(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

/// The median total gain of the partnership variant for Kok-Serek over the horizon, from
/// compare.parquet (`stream` is `project_total`, or `real:project_total` in start-year prices).
fn total_gain(dir: &Path, stream: &str) -> (f64, f64) {
    let file = std::fs::File::open(dir.join("compare.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let col = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let (v, m, s, w) = (
        col("variant"),
        col("municipality"),
        col("stream"),
        col("measure"),
    );
    let (p50, material) = (
        df.column("p50").unwrap().f64().unwrap().clone(),
        df.column("p_material").unwrap().f64().unwrap().clone(),
    );
    let i = (0..df.height())
        .find(|&i| {
            v.get(i) == Some("partnership")
                && m.get(i) == Some("kok-serek")
                && s.get(i) == Some(stream)
                && w.get(i) == Some("total")
        })
        .expect("a total row");
    (p50.get(i).unwrap(), material.get(i).unwrap())
}

#[test]
fn the_sheet_says_why_the_riskiest_year_is_risky_and_what_the_variant_adds_up_to() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    pilot_run(&run);
    let r = run.to_str().unwrap();
    let pdf = run.join("reports/kok-serek.en.pdf");
    let text = |lang: &str, prices: &str| {
        aimak_ok(&[
            "report",
            r,
            "--lang",
            lang,
            "--prices",
            prices,
            "--municipality",
            "kok-serek",
        ]);
        squash(&poppler(
            "pdftotext",
            &[],
            &run.join(format!("reports/kok-serek.{lang}.pdf")),
        ))
    };
    // Bozymchak closes in 2041 at the end of its life; the grant is still cut for 2040's
    // project money, and recovers in 2042.
    for (lang, why) in [
        (
            "en",
            "Why 2041: Bozymchak gold-copper mine closes at the end of its life",
        ),
        (
            "ru",
            "Почему 2041: Золотомедный рудник Бозымчак закрывается в конце срока работы",
        ),
        (
            "ky",
            "Эмне үчүн 2041: Бозымчак алтын-жез кени иштөө мөөнөтү бүткөндө жабылат",
        ),
    ] {
        let t = text(lang, "nominal");
        assert!(t.contains(why), "{lang}: no reason in {t}");
    }
    // Later pages: the host mine's states, the scenario's own description, its judgement
    // calls as it writes them, and what the model leaves out.
    let t = text("en", "nominal");
    for part in [
        "The projects it hosts and their risks",
        "Project status over time — Bozymchak gold-copper mine",
        "DPI 2013 pilot municipalities (Kok-Serek, Kok-Tash, Sulukta)",
        "marks [U] because no source gives them",
        "[U] Consumer-price inflation is not in docs/domain.md; 6% a year with sd 3% is a judgement.",
        "What the model leaves out",
    ] {
        assert!(t.contains(part), "no {part} in {t}");
    }
    // The variant's total over the horizon and the chance of a material gain, as the table
    // has them, in the prices asked for.
    for (prices, stream, label) in [
        ("nominal", "project_total", "million som a year, nominal"),
        (
            "start-year",
            "real:project_total",
            "million som a year, at 2026 prices",
        ),
    ] {
        let (total, material) = total_gain(&run, stream);
        let t = text("en", prices);
        let amount = format!("a total of {:.1} million som", total / 1e6);
        assert!(t.contains(&amount), "{prices}: no {amount} in {t}");
        let chance = format!(
            "more than 5% of what the baseline gives: {:.0}%",
            material * 100.0
        );
        assert!(t.contains(&chance), "{prices}: no {chance} in {t}");
        assert!(t.contains(label), "{prices}: no {label}");
    }
    assert!(pdf.is_file());
}

/// A scenario with budget rules and law changes (the extensions tour) gives its council
/// sheets a section for each: the rules side by side with each rule's reserve, and the
/// probability that today's law still holds in the last year, read from regimes.parquet.
#[test]
fn rules_and_laws_have_their_sections_in_the_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let tour = super::root().join("../shared/examples/extensions-tour.toml");
    aimak_ok(&[
        "run",
        tour.to_str().unwrap(),
        "--paths",
        "600",
        "--variant",
        "baseline",
        "--out",
        dir.to_str().unwrap(),
        "--report",
        "-q",
    ]);
    let text = squash(&poppler(
        "pdftotext",
        &[],
        &dir.join("reports/kok-tash.en.pdf"),
    ));
    assert!(
        text.contains("Budget rules: spending the money over time"),
        "{text}"
    );
    assert!(text.contains("Reserve under the budget rule"), "{text}");
    assert!(text.contains("Changes of the law"), "{text}");
    // The share in the sentence is the baseline's `current` row of the last year.
    let f = std::fs::File::open(dir.join("regimes.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let (v, g, y, p) = (
        df.column("variant").unwrap().str().unwrap().clone(),
        df.column("regime").unwrap().str().unwrap().clone(),
        df.column("year").unwrap().i32().unwrap().clone(),
        df.column("probability").unwrap().f64().unwrap().clone(),
    );
    let last = (0..df.height())
        .filter(|&i| v.get(i) == Some("baseline") && g.get(i) == Some("current"))
        .max_by_key(|&i| y.get(i))
        .unwrap();
    let share = format!("{}%", (p.get(last).unwrap() * 100.0).round());
    let sentence = format!(
        "In {}, today's law still holds in {share} of the simulated futures",
        y.get(last).unwrap()
    );
    assert!(text.contains(&sentence), "no «{sentence}» in {text}");
    // The leaves-out paragraph no longer says the law cannot change.
    assert!(!text.contains("a change of law is not foreseen"), "{text}");
}
