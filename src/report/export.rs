//! `aimak export`: a finished run's tables for people and programs that do not read Parquet.
//!
//! Every table becomes one CSV file and one sheet of an XLSX workbook, with the names of
//! what it is about joined in (a municipality's name in the chosen language, its district,
//! oblast and inhabitants; a project's or instrument's name), the unit of every amount in
//! its column's header, and in `compare` a `period` column that says "whole horizon" where
//! `year` is empty. `municipalities` leads: one row per municipality, the national table of
//! the overview page. `summary.json` gives the same to scripts, with the oblast subtotals.
//!
//! Per-path values (`paths.parquet`) are not exported: a sheet holds at most 1,048,576 rows
//! and a spreadsheet is not where one analyses millions of paths.

use super::catalog::Catalog;
use super::figures::Tables;
use super::national::{self, Standing};
use super::schema::{col, table};
use super::Provenance;
use crate::lang::Lang;
use crate::model::BASELINE;
use polars::prelude::*;
use std::path::Path;

/// The formats `aimak export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// One `<table>.csv` per table (UTF-8, comma-separated, `.` for decimals).
    Csv,
    /// `tables.xlsx`, one sheet per table.
    Xlsx,
    /// `summary.json`: the municipalities' standings and the oblast subtotals.
    Json,
}

/// The workbook's file name.
pub const XLSX: &str = "tables.xlsx";
/// The JSON summary's file name.
pub const JSON: &str = "summary.json";
/// The rows a worksheet can hold, its header included.
const SHEET_ROWS: usize = 1_048_576;

/// A column of an exported table.
#[derive(Debug, Clone)]
enum Cells {
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
}

impl Cells {
    fn len(&self) -> usize {
        match self {
            Cells::Text(v) => v.len(),
            Cells::Number(v) => v.len(),
        }
    }
}

/// A table as exported: its name, headers (with units) and columns.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    headers: Vec<String>,
    cols: Vec<Cells>,
}

impl Sheet {
    pub fn rows(&self) -> usize {
        self.cols.first().map_or(0, Cells::len)
    }
}

/// The tables of a run folder in the order of docs/model.md section 9 (`sensitivity` and
/// `rules` when the run has them), after `municipalities`.
const TABLES: [&str; 12] = [
    table::SUMMARY,
    table::LEVELS,
    table::SHORTFALL,
    table::NPV,
    table::PROJECTS,
    table::PENDING,
    table::COMPARE,
    table::BUDGET_LINE,
    table::REAL,
    table::SENSITIVITY,
    table::RULES,
    table::REGIMES,
];

fn read(path: &Path) -> Result<DataFrame, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| format!("{} is not a readable Parquet table: {e}", path.display()))
}

/// The national table: one row per municipality (baseline, with each variant's gain).
fn municipalities(rows: &[Standing], lang: Lang) -> Sheet {
    let text =
        |f: &dyn Fn(&Standing) -> String| Cells::Text(rows.iter().map(|r| Some(f(r))).collect());
    let num = |f: &dyn Fn(&Standing) -> f64| {
        Cells::Number(
            rows.iter()
                .map(|r| Some(f(r)).filter(|v| v.is_finite()))
                .collect(),
        )
    };
    let som = unit(lang, Unit::Som);
    let mut headers: Vec<String> = vec![
        "municipality".into(),
        "name".into(),
        "district".into(),
        "oblast".into(),
        "population".into(),
        format!("npv_mean [{som}]"),
        format!("npv_median [{som}]"),
        format!("npv_safe_90 [{som}]"),
        format!(
            "npv_safe_90_per_inhabitant [{}]",
            unit(lang, Unit::SomPerInhabitant)
        ),
        "first_year".into(),
        format!("first_year_median [{som}]"),
        format!("first_year_safe_90 [{som}]"),
        "worst_year".into(),
        format!("worst_p_shortfall [{}]", unit(lang, Unit::Probability)),
    ];
    let mut cols = vec![
        text(&|r| r.id.clone()),
        text(&|r| r.name.clone()),
        text(&|r| r.district.clone()),
        text(&|r| r.oblast.clone()),
        num(&|r| r.population),
        num(&|r| r.npv_mean),
        num(&|r| r.npv_median),
        num(&|r| r.npv_safe),
        num(&|r| r.safe_per_inhabitant()),
        num(&|r| r.first_year.map_or(f64::NAN, f64::from)),
        num(&|r| r.first_median),
        num(&|r| r.first_safe_90),
        num(&|r| r.worst_year.map_or(f64::NAN, f64::from)),
        num(&|r| r.worst_p_shortfall),
    ];
    let variants: Vec<String> = rows
        .first()
        .map(|r| r.gains.iter().map(|g| g.variant.clone()).collect())
        .unwrap_or_default();
    for v in variants {
        let gain = |f: fn(&national::Gain) -> f64| {
            let v = v.clone();
            Cells::Number(
                rows.iter()
                    .map(|r| r.gains.iter().find(|g| g.variant == v).map(f))
                    .collect(),
            )
        };
        headers.push(format!("{v}_gain_npv_median [{som}]"));
        cols.push(gain(|g| g.npv_median));
        headers.push(format!("{v}_gain_npv_p10 [{som}]"));
        cols.push(gain(|g| g.npv_p10));
        headers.push(format!("{v}_gain_npv_p90 [{som}]"));
        cols.push(gain(|g| g.npv_p90));
        headers.push(format!("{v}_gain_total_median [{som}]"));
        cols.push(gain(|g| g.total_median));
        headers.push(format!(
            "{v}_p_material [{}]",
            unit(lang, Unit::Probability)
        ));
        cols.push(gain(|g| g.p_material));
    }
    Sheet {
        name: "municipalities".into(),
        headers,
        cols,
    }
}

/// A table with names joined in after the columns they name, units in the headers.
fn sheet(name: &str, df: &DataFrame, cat: &Catalog, lang: Lang) -> PolarsResult<Sheet> {
    let code = lang.code();
    let mut headers = Vec::new();
    let mut cols = Vec::new();
    for c in df.columns() {
        let cname = c.name().as_str();
        let cells = cells(c)?;
        headers.push(match column_unit(name, cname) {
            Some(u) => format!("{cname} [{}]", unit(lang, u)),
            None => cname.to_string(),
        });
        let ids: Option<Vec<Option<String>>> = match &cells {
            Cells::Text(v) => Some(v.clone()),
            Cells::Number(_) => None,
        };
        cols.push(cells);
        let Some(ids) = ids else {
            // `compare`: the period each row covers, so that the whole-horizon rows are
            // found by what they say, not by an empty year.
            if name == "compare" && cname == col::YEAR {
                let years = match cols.last() {
                    Some(Cells::Number(v)) => v.clone(),
                    _ => vec![],
                };
                headers.push("period".into());
                cols.push(Cells::Text(
                    years
                        .iter()
                        .map(|y| {
                            Some(y.map_or(whole_horizon(lang).to_string(), |y| {
                                format!("{}", y as i64)
                            }))
                        })
                        .collect(),
                ));
            }
            continue;
        };
        let join = |f: &dyn Fn(&str) -> Option<String>| {
            Cells::Text(ids.iter().map(|id| id.as_deref().and_then(f)).collect())
        };
        match cname {
            col::MUNICIPALITY => {
                let index: std::collections::HashMap<&str, &super::catalog::Entry> = cat
                    .municipalities
                    .iter()
                    .map(|m| (m.id.as_str(), m))
                    .collect();
                let find = |id: &str| index.get(id).copied();
                headers.push("name".into());
                cols.push(join(&|id| find(id).map(|m| m.name_in(code).to_string())));
                for (h, get) in [
                    (
                        "district",
                        (|m: &super::catalog::Entry| m.district.clone()) as fn(&_) -> _,
                    ),
                    ("oblast", |m| m.oblast.clone()),
                ] {
                    headers.push(h.into());
                    cols.push(join(&|id| {
                        find(id)
                            .and_then(get)
                            .map(|p| cat.place_in(&p, code).to_string())
                    }));
                }
                headers.push("population".into());
                cols.push(Cells::Number(
                    ids.iter()
                        .map(|id| id.as_deref().and_then(find).and_then(|m| m.population))
                        .collect(),
                ));
            }
            col::PROJECT => {
                headers.push("project_name".into());
                cols.push(join(&|id| {
                    cat.projects
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| p.name_in(code).to_string())
                }));
            }
            col::INSTRUMENT => {
                headers.push("instrument_name".into());
                cols.push(join(&|id| {
                    cat.instruments
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| p.name_in(code).to_string())
                }));
            }
            col::LEVEL => {
                headers.push("level_name".into());
                cols.push(join(&|level| Some(level_name(cat, level, lang))));
            }
            _ => {}
        }
    }
    Ok(Sheet {
        name: name.to_string(),
        headers,
        cols,
    })
}

fn cells(c: &Column) -> PolarsResult<Cells> {
    Ok(match c.dtype() {
        DataType::String => Cells::Text(c.str()?.iter().map(|s| s.map(str::to_string)).collect()),
        DataType::Boolean => {
            Cells::Text(c.bool()?.iter().map(|b| b.map(|b| b.to_string())).collect())
        }
        _ => Cells::Number(
            c.cast(&DataType::Float64)?
                .f64()?
                .iter()
                .map(|v| v.filter(|v| v.is_finite()))
                .collect(),
        ),
    })
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Som,
    SomPerInhabitant,
    Probability,
    ProjectOutput,
    Rank,
    Share,
}

/// The unit of a column of a table (docs/model.md section 9), if it has one.
fn column_unit(table: &str, column: &str) -> Option<Unit> {
    let stat = |c: &str| {
        matches!(c, "mean" | "sd")
            || (c.len() == 3 && c.starts_with('p') && c[1..].bytes().all(|b| b.is_ascii_digit()))
    };
    if column.ends_with(col::RANK_ERROR) {
        return Some(Unit::Rank);
    }
    if column.starts_with("p_") {
        return Some(Unit::Probability);
    }
    match (table, column) {
        ("sensitivity", col::SHARE | col::SE) => Some(Unit::Share),
        ("projects", c)
            if c.starts_with(col::OUTPUT_PREFIX)
                || c == col::MEAN_OUTPUT
                || c == col::SD_OUTPUT =>
        {
            Some(Unit::ProjectOutput)
        }
        ("projects", c)
            if c.starts_with(col::REVENUE_PREFIX)
                || c == col::MEAN_REVENUE
                || c == col::SD_REVENUE =>
        {
            Some(Unit::Som)
        }
        (_, col::EXPECTED_GAP | col::MEAN_NEED | col::MEDIAN | col::SAFE_75 | col::SAFE_90) => {
            Some(Unit::Som)
        }
        ("summary" | "levels" | "npv" | "pending" | "compare" | "real", c) if stat(c) => {
            Some(Unit::Som)
        }
        _ => None,
    }
}

fn unit(lang: Lang, u: Unit) -> &'static str {
    match (u, lang) {
        (Unit::Som, Lang::En) => "som",
        (Unit::Som, _) => "сом",
        (Unit::SomPerInhabitant, Lang::En) => "som per inhabitant",
        (Unit::SomPerInhabitant, Lang::Ru) => "сом на жителя",
        (Unit::SomPerInhabitant, Lang::Ky) => "бир тургунга сом",
        (Unit::Probability, Lang::En) => "probability 0-1",
        (Unit::Probability, Lang::Ru) => "вероятность 0-1",
        (Unit::Probability, Lang::Ky) => "ыктымалдык 0-1",
        (Unit::ProjectOutput, Lang::En) => "the project's unit",
        (Unit::ProjectOutput, Lang::Ru) => "в единицах проекта",
        (Unit::ProjectOutput, Lang::Ky) => "долбоордун бирдиги",
        (Unit::Rank, Lang::En) => "rank, fraction of paths",
        (Unit::Rank, Lang::Ru) => "ранг, доля траекторий",
        (Unit::Rank, Lang::Ky) => "ранг, траекториялардын үлүшү",
        (Unit::Share, Lang::En) => "share of variance 0-1",
        (Unit::Share, Lang::Ru) => "доля дисперсии 0-1",
        (Unit::Share, Lang::Ky) => "дисперсиянын үлүшү 0-1",
    }
}

fn whole_horizon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "whole horizon",
        Lang::Ru => "весь период",
        Lang::Ky => "бүт мезгил",
    }
}

/// A level of `levels.parquet` in words: the republic, an oblast, a fund.
fn level_name(cat: &Catalog, level: &str, lang: Lang) -> String {
    let code = lang.code();
    if level == "republic" {
        return match lang {
            Lang::En => "Republic",
            Lang::Ru => "Республика",
            Lang::Ky => "Республика",
        }
        .to_string();
    }
    if let Some(o) = level.strip_prefix("oblast:") {
        return cat.place_in(o, code).to_string();
    }
    if let Some(id) = level.strip_prefix("fund:") {
        if let Some(f) = cat.funds.iter().find(|f| f.id == id) {
            let name = f
                .names
                .get(code)
                .or(f.name.as_ref())
                .cloned()
                .unwrap_or_else(|| id.to_string());
            return format!("{name} ({})", cat.place_in(&f.area, code));
        }
    }
    level.to_string()
}

/// A sheet as CSV (RFC 4180): comma-separated, fields with commas, quotes or line breaks
/// quoted, numbers with full precision and `.` for decimals, empty cells empty.
pub fn csv(s: &Sheet, o: &mut impl std::io::Write) -> std::io::Result<()> {
    fn field(o: &mut impl std::io::Write, t: &str) -> std::io::Result<()> {
        if t.contains([',', '"', '\n', '\r']) {
            write!(o, "\"{}\"", t.replace('"', "\"\""))
        } else {
            o.write_all(t.as_bytes())
        }
    }
    for (k, h) in s.headers.iter().enumerate() {
        if k > 0 {
            o.write_all(b",")?;
        }
        field(o, h)?;
    }
    o.write_all(b"\r\n")?;
    for i in 0..s.rows() {
        for (k, c) in s.cols.iter().enumerate() {
            if k > 0 {
                o.write_all(b",")?;
            }
            match c {
                Cells::Text(v) => field(o, v[i].as_deref().unwrap_or(""))?,
                Cells::Number(v) => {
                    if let Some(x) = v[i] {
                        write!(o, "{x}")?;
                    }
                }
            }
        }
        o.write_all(b"\r\n")?;
    }
    Ok(())
}

/// An XLSX workbook written a sheet at a time: each sheet streams its rows to a temporary
/// file in the export folder (constant memory), so a national run's 160,000-row summary does
/// not sit in memory as cells. Every sheet has a bold, frozen header row with filters, and
/// columns as wide as their headers.
pub struct Book {
    wb: rust_xlsxwriter::Workbook,
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> String {
    format!("cannot write {XLSX}: {e}")
}

impl Book {
    pub fn new(prov: &Provenance, temp: &Path) -> Result<Book, String> {
        use rust_xlsxwriter::{DocProperties, Workbook};
        let mut wb = Workbook::new();
        wb.set_tempdir(temp).map_err(xlsx_error)?;
        wb.set_properties(
            &DocProperties::new()
                .set_title(&prov.scenario)
                .set_comment(format!(
                    "aimak {} · scenario sha256 {} · seed {} · {} paths · {}",
                    prov.aimak_version, prov.scenario_sha256, prov.seed, prov.paths, prov.date
                )),
        );
        Ok(Book { wb })
    }

    pub fn add(&mut self, s: &Sheet) -> Result<(), String> {
        use rust_xlsxwriter::Format;
        if s.rows() + 1 > SHEET_ROWS {
            return Err(format!(
                "table {} has {} rows, more than a worksheet holds ({}); export it as CSV",
                s.name,
                s.rows(),
                SHEET_ROWS - 1
            ));
        }
        let bold = Format::new().set_bold().set_text_wrap();
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        ws.set_name(&s.name).map_err(xlsx_error)?;
        for (k, h) in s.headers.iter().enumerate() {
            let c = k as u16;
            ws.set_column_width(c, (h.chars().count() as f64 * 0.9).clamp(10.0, 32.0))
                .map_err(xlsx_error)?;
            ws.write_string_with_format(0, c, h, &bold)
                .map_err(xlsx_error)?;
        }
        // Row by row: a constant-memory sheet takes its rows in order.
        for i in 0..s.rows() {
            let r = i as u32 + 1;
            for (k, cells) in s.cols.iter().enumerate() {
                let c = k as u16;
                match cells {
                    Cells::Text(v) => {
                        if let Some(t) = v[i].as_deref().filter(|t| !t.is_empty()) {
                            ws.write_string(r, c, t).map_err(xlsx_error)?;
                        }
                    }
                    Cells::Number(v) => {
                        if let Some(x) = v[i] {
                            ws.write_number(r, c, x).map_err(xlsx_error)?;
                        }
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let last_col = s.headers.len().saturating_sub(1) as u16;
        ws.autofilter(0, 0, s.rows() as u32, last_col)
            .map_err(xlsx_error)?;
        Ok(())
    }

    pub fn save(mut self, path: &Path) -> Result<(), String> {
        self.wb.save(path).map_err(xlsx_error)
    }
}

/// `summary.json`: provenance, every municipality's standing and the oblast subtotals.
pub fn json(rows: &[Standing], prov: &Provenance, lang: Lang) -> String {
    let (oblasts, total) = national::subtotals(rows);
    let safe = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    let places: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).expect("a standing serialises");
            v["safe_per_inhabitant"] = safe(r.safe_per_inhabitant());
            v
        })
        .collect();
    let doc = serde_json::json!({
        "provenance": prov,
        "lang": lang.code(),
        "units": {
            "money": "som, nominal; npv_* are present values at the scenario's discount rate",
            "npv_safe": "the 10th percentile: reached in 9 of 10 futures",
            "probabilities": "0-1",
        },
        "municipalities": places,
        "oblasts": oblasts,
        "national": total,
    });
    serde_json::to_string_pretty(&doc).expect("json")
}

/// Writes the exports of `formats` of the run folder `run_dir` into `dir` (the run's
/// `export/` folder while staged), a table at a time; returns the files written, named
/// relative to `dir`.
pub fn write(
    run_dir: &Path,
    tables: &Tables,
    cat: &Catalog,
    prov: &Provenance,
    lang: Lang,
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<String>, String> {
    let rows = national::standings(tables, cat, lang, BASELINE).map_err(|e| e.to_string())?;
    let mut book = match formats.contains(&Format::Xlsx) {
        true => Some(Book::new(prov, dir)?),
        false => None,
    };
    let mut files = Vec::new();
    let mut each = |s: Sheet| -> Result<(), String> {
        if formats.contains(&Format::Csv) {
            let name = format!("{}.csv", s.name);
            let path = dir.join(&name);
            let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
            let mut w = std::io::BufWriter::new(std::fs::File::create(&path).map_err(fail)?);
            csv(&s, &mut w).map_err(fail)?;
            std::io::Write::flush(&mut w).map_err(fail)?;
            files.push(name);
        }
        if let Some(b) = &mut book {
            b.add(&s)?;
        }
        Ok(())
    };
    each(municipalities(&rows, lang))?;
    for file in TABLES {
        let path = run_dir.join(file);
        if !path.is_file() {
            continue;
        }
        let df = read(&path)?;
        let name = file.trim_end_matches(".parquet");
        each(sheet(name, &df, cat, lang).map_err(|e| format!("{}: {e}", path.display()))?)?;
    }
    if let Some(b) = book {
        b.save(&dir.join(XLSX))?;
        files.push(XLSX.to_string());
    }
    if formats.contains(&Format::Json) {
        let path = dir.join(JSON);
        std::fs::write(&path, json(&rows, prov, lang))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files.push(JSON.to_string());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it_and_leaves_missing_cells_empty() {
        let s = Sheet {
            name: "t".into(),
            headers: vec!["name".into(), "mean [som]".into()],
            cols: vec![
                Cells::Text(vec![Some("Ак-Суу, \"центр\"".into()), None]),
                Cells::Number(vec![Some(1234.5), None]),
            ],
        };
        let mut out = Vec::new();
        csv(&s, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,mean [som]\r\n\"Ак-Суу, \"\"центр\"\"\",1234.5\r\n,\r\n"
        );
    }

    #[test]
    fn units_follow_the_tables_columns() {
        assert!(matches!(column_unit("summary", "p50"), Some(Unit::Som)));
        assert!(matches!(
            column_unit("summary", "rank_error"),
            Some(Unit::Rank)
        ));
        assert!(matches!(
            column_unit("compare", "p_material"),
            Some(Unit::Probability)
        ));
        assert!(matches!(
            column_unit("projects", "output_p50"),
            Some(Unit::ProjectOutput)
        ));
        assert!(matches!(
            column_unit("projects", "revenue_p50"),
            Some(Unit::Som)
        ));
        assert!(matches!(
            column_unit("budget_line", "safe_90"),
            Some(Unit::Som)
        ));
        assert!(matches!(
            column_unit("sensitivity", "share"),
            Some(Unit::Share)
        ));
        assert!(column_unit("summary", "year").is_none());
        assert!(column_unit("summary", "stream").is_none());
    }
}
