//! The council sheet: one A4 PDF per municipality that answers a council's questions in
//! sentences and numbers, in its language: what the village can count on from the projects
//! (the safe-to-budget line), how big that is, the risk of a shortfall, what each policy
//! variant changes (paired, on the same futures), where the numbers come from, and the run
//! that made them. Everything is read from a finished run's tables and manifest.

mod facts;
mod typeset;
pub(crate) mod words;

use super::catalog::Catalog;
use super::charts::{render_svg, Basis, Chart, ChartMeta, Prices};
use super::figures::{self, Tables};
use super::Provenance;
use crate::lang::Lang;
use facts::Facts;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use words::Run;

/// Years in the table of the first page.
const TABLE_YEARS: usize = 5;

/// The data the template reads (`sheet.typ`): every text already in the sheet's language.
#[derive(Serialize)]
struct Data {
    lang: &'static str,
    date: [i32; 3],
    title: String,
    subtitle: &'static str,
    headline: Vec<Run>,
    scale: Vec<Run>,
    table: Table,
    charts: Charts,
    risk_title: &'static str,
    projects_title: &'static str,
    shortfall: Vec<Run>,
    reason: Vec<Run>,
    npv: Vec<Run>,
    variants_title: &'static str,
    gains: Vec<Vec<Run>>,
    drivers_title: &'static str,
    rules_title: &'static str,
    rules_text: &'static str,
    laws_title: &'static str,
    laws: Vec<Run>,
    sources_title: &'static str,
    nominal: String,
    about: &'static str,
    sources: Vec<[String; 2]>,
    /// The scenario's description, reference and notes.
    scenario_about: Vec<String>,
    judgements_title: &'static str,
    judgements: Vec<[String; 2]>,
    leaves_out_title: &'static str,
    leaves_out: &'static str,
    provenance: Vec<[String; 2]>,
    footer: String,
}

#[derive(Serialize)]
struct Table {
    head: [&'static str; 4],
    unit: String,
    rows: Vec<[String; 4]>,
}

/// Paths of the charts in the sheet's virtual file system.
#[derive(Serialize)]
struct Charts {
    fan: Option<String>,
    budget: Option<String>,
    composition: Option<String>,
    versus: Vec<String>,
    /// What drives the uncertainty (with `--sensitivity` only).
    drivers: Option<String>,
    /// The states of the projects the municipality hosts, year by year.
    projects: Vec<String>,
    /// The budget rules side by side, and each declared rule's reserve (with
    /// `[[budget_rule]]` only).
    rules: Option<String>,
    reserves: Vec<String>,
    /// The probability of each law by year (with `[[regime]]` only).
    laws: Option<String>,
}

/// The file name of a municipality's sheet in `lang`.
pub fn file_name(id: &str, lang: Lang) -> String {
    format!("{id}.{}.pdf", lang.code())
}

/// Writes the sheets of the municipalities `ids` (every charted one when empty) in `lang`
/// into `dir`; returns the file names written. Fails with the ids the run does not know.
pub fn write_sheets(
    tables: &Tables,
    cat: &Catalog,
    prov: &Provenance,
    lang: Lang,
    basis: Basis,
    ids: &[String],
    dir: &Path,
) -> Result<Vec<String>, String> {
    let prices = basis.prices(cat.start_year);
    let ids: Vec<String> = if ids.is_empty() {
        figures::default_selection(tables, cat).map_err(|e| e.to_string())?
    } else {
        ids.to_vec()
    };
    let facts = Facts::gather(tables, cat, &ids, prices).map_err(|e| e.to_string())?;
    let charts: HashMap<String, Chart> = figures::figures(tables, cat, lang, Some(&ids), prices)
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    // The sheet prints the run in its own footer; the charts need none.
    let meta = ChartMeta {
        lang,
        footer: String::new(),
    };
    let date = typeset::parse_date(&prov.date);
    let mut written = Vec::new();
    for f in &facts {
        let id = &f.municipality.id;
        let mut files = Vec::new();
        let mut svg = |name: String| -> Result<Option<String>, String> {
            let Some(chart) = charts.get(&name) else {
                return Ok(None);
            };
            let text = render_svg(chart, &meta).map_err(|e| format!("{name}: {e}"))?;
            let path = format!("/{}.svg", name.replace('/', "--"));
            files.push((path.clone(), text));
            Ok(Some(path))
        };
        let base = crate::model::BASELINE;
        let mut chart_set = Charts {
            fan: svg(format!("{base}/project-money-{id}"))?,
            budget: svg(format!("{base}/budget-{id}"))?,
            composition: svg(format!("{base}/composition-{id}"))?,
            versus: Vec::new(),
            drivers: svg(format!("{base}/drivers-{id}"))?,
            projects: Vec::new(),
            rules: svg(format!("{base}/rules-{id}"))?,
            reserves: Vec::new(),
            laws: svg(format!("{base}/regimes"))?,
        };
        for rule in cat.rules.iter().skip(1) {
            if let Some(path) = svg(format!("{base}/rule-reserve-{}-{id}", rule.id))? {
                chart_set.reserves.push(path);
            }
        }
        for p in cat.projects.iter().filter(|p| p.hosts.contains(id)) {
            if let Some(path) = svg(format!("{base}/project-states-{}", p.id))? {
                chart_set.projects.push(path);
            }
        }
        for g in &f.gains {
            if let Some(p) = svg(format!("{}/versus-baseline-{id}", g.variant.id))? {
                chart_set.versus.push(p);
            }
        }
        let data = data(f, cat, prov, (lang, prices), date, chart_set);
        let json = serde_json::to_string(&data).expect("sheet data serialises");
        let ident = format!("{}/{id}/{}", prov.scenario_sha256, lang.code());
        let pdf = typeset::pdf(&json, files, date, &ident).map_err(|e| format!("{id}: {e}"))?;
        let name = file_name(id, lang);
        let path = dir.join(&name);
        std::fs::write(&path, pdf).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(name);
    }
    Ok(written)
}

fn data(
    f: &Facts,
    cat: &Catalog,
    prov: &Provenance,
    (lang, prices): (Lang, Prices),
    date: (i32, u8, u8),
    charts: Charts,
) -> Data {
    let code = lang.code();
    let name = f.municipality.name_in(code).to_string();
    let tx = words::texts(lang);
    let first = f.first().copied();
    let rows = f
        .safe
        .iter()
        .take(TABLE_YEARS)
        .map(|s| {
            [
                s.year.to_string(),
                words::millions(lang, s.safe_90),
                words::millions(lang, s.safe_75),
                words::millions(lang, s.median),
            ]
        })
        .collect();
    let sources = cat
        .instruments
        .iter()
        .chain(&cat.projects)
        .filter_map(|e| {
            let r = e.reference.as_ref()?;
            Some([e.name_in(code).to_string(), r.clone()])
        })
        .collect();
    let provenance = vec![
        ["aimak".to_string(), prov.aimak_version.clone()],
        [
            tx.prov_scenario.to_string(),
            cat.scenario_names
                .get(code)
                .unwrap_or(&prov.scenario)
                .clone(),
        ],
        ["SHA-256".to_string(), prov.scenario_sha256.clone()],
        [tx.prov_seed.to_string(), prov.seed.to_string()],
        [
            tx.prov_paths.to_string(),
            crate::report::labels::fmt_number(lang, prov.paths as f64, 0),
        ],
        [tx.prov_date.to_string(), prov.date.clone()],
    ];
    Data {
        lang: code,
        date: [date.0, date.1 as i32, date.2 as i32],
        title: name.clone(),
        subtitle: tx.subtitle,
        headline: first
            .map(|s| words::headline(lang, &name, &s))
            .unwrap_or_default(),
        scale: first
            .map(|s| {
                let budget = f.budget_median.get(&s.year).copied();
                words::scale(lang, &s, budget, f.municipality.population)
            })
            .unwrap_or_default(),
        table: Table {
            head: [
                tx.table_year,
                tx.table_safe_90,
                tx.table_safe_75,
                tx.table_median,
            ],
            unit: words::table_unit(lang, prices),
            rows,
        },
        charts,
        risk_title: tx.risk,
        projects_title: tx.projects,
        shortfall: words::shortfall(lang, f),
        reason: words::reason(lang, f),
        npv: f
            .npv
            .map(|n| words::npv(lang, n, cat.discount_rate))
            .unwrap_or_default(),
        variants_title: tx.variants,
        gains: f
            .gains
            .iter()
            .map(|g| words::gain(lang, g, prices))
            .collect(),
        drivers_title: tx.drivers,
        rules_title: tx.rules,
        rules_text: tx.rules_text,
        laws_title: tx.laws,
        laws: f
            .laws
            .map(|(year, p)| words::laws(lang, year, p))
            .unwrap_or_default(),
        sources_title: tx.sources,
        nominal: words::prices_note(lang, prices),
        about: tx.about,
        sources,
        scenario_about: cat.about.clone(),
        judgements_title: tx.judgements,
        judgements: cat
            .judgements
            .iter()
            .map(|j| [j.name_in(code).to_string(), j.text.clone()])
            .collect(),
        leaves_out_title: tx.leaves_out_title,
        leaves_out: if f.laws.is_some() {
            tx.leaves_out_with_laws
        } else {
            tx.leaves_out
        },
        provenance,
        footer: prov.footer(lang, cat),
    }
}
