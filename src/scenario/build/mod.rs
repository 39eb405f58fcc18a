//! Turns a merged tree into a validated [`Model`], reporting every problem at once.
//!
//! The order follows the dependencies between sections: the scenario header and drivers
//! first, then places, funds, projects and instruments, whose references are resolved to
//! indices here so that the engine never looks anything up by name. Each section is read in
//! its own file: `drivers.rs` (and correlations), `places.rs` (municipalities and funds),
//! `projects.rs` and `instruments.rs` (with their routes), and `rules.rs` (municipal budget
//! rules).

mod drivers;
mod instruments;
mod places;
mod projects;
mod rules;

use super::keys;
use super::paths::{self, AreaPatch};
use super::read::{self, above_minus_one, any, is_id, nonneg, positive, unit, Reader, Reported};
use super::tree::{Node, Table, Value};
use crate::diag::{Diags, Origin};
use crate::model::*;
use ndarray::Array2;
use std::collections::{BTreeMap, HashSet};

/// Tolerance for shares that must sum to 1 (docs/model.md section 7).
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// Builds the model of one variant from its tree. `fallback_name` names a scenario without
/// `scenario.name`.
pub fn build(
    tree: &Table,
    patches: &[AreaPatch],
    fallback_name: &str,
    d: &mut Diags,
) -> Option<Model> {
    let root = Reader::new(tree, Origin::NONE, "");
    let mut b = Builder {
        root,
        start_year: None,
        years: 1,
        fx: None,
        cpi: None,
        drivers: Vec::new(),
        municipalities: Vec::new(),
        funds: Vec::new(),
        projects: Vec::new(),
        instruments: Vec::new(),
        usd_uses: Vec::new(),
        reporting_usd: false,
        failed: Failed::default(),
    };
    let header = b.scenario(d, fallback_name);
    b.drivers(d);
    let (fx, cpi) = b.resolve_fx_cpi(d, &header);
    b.fx = fx;
    b.cpi = cpi;
    let correlation = b.correlations(d);
    b.municipalities(d);
    b.funds(d, patches);
    b.projects(d);
    b.instruments(d);
    let budget_rules = b.budget_rules(d);
    let place_names = b.place_names(d);
    b.check_usd(d, &header);
    b.root.skip("run");
    b.root.finish(d, keys::TOP);
    if !d.is_empty() {
        return None;
    }
    let mut oblasts: Vec<String> = b.municipalities.iter().map(|m| m.oblast.clone()).collect();
    oblasts.sort();
    oblasts.dedup();
    Some(Model {
        name: header.name,
        names: header.names,
        place_names,
        description: header.description,
        notes: header.notes,
        start_year: b.start_year?,
        years: b.years,
        currency: header.currency,
        fx: b.fx,
        cpi: b.cpi,
        real_prices: b.cpi.is_some() && b.municipalities.len() <= REAL_PRICES_UP_TO,
        discount_rate: header.discount_rate,
        drivers: b.drivers,
        correlation: correlation?,
        municipalities: b.municipalities,
        funds: b.funds,
        projects: b.projects,
        instruments: b.instruments,
        budget_rules,
        regimes: Vec::new(),
        regime_change: None,
        oblasts,
    })
}

/// Reads `[run]`: the default number of paths and seed.
pub fn run_defaults(tree: &Table, d: &mut Diags) -> RunDefaults {
    let mut out = RunDefaults::default();
    let Some(node) = tree.get("run") else {
        return out;
    };
    let Some(mut r) = Reader::of(node, "run", d) else {
        return out;
    };
    if let Ok(Some(p)) = r.opt_count(d, "paths", 1, crate::sim::MAX_PATHS as i64) {
        out.paths = p as u64;
    }
    if let Ok(Some(s)) = r.opt_count(d, "seed", 0, i64::MAX) {
        out.seed = s as u64;
    }
    r.finish(d, keys::RUN);
    out
}

struct Header {
    name: String,
    description: Option<String>,
    currency: String,
    discount_rate: f64,
    fx: Option<(String, Origin)>,
    cpi: Option<(String, Origin)>,
    origin: Origin,
    names: Names,
    notes: Notes,
}

struct Builder<'t> {
    root: Reader<'t>,
    start_year: Option<i32>,
    years: usize,
    fx: Option<usize>,
    cpi: Option<usize>,
    drivers: Vec<Driver>,
    municipalities: Vec<Municipality>,
    funds: Vec<Fund>,
    projects: Vec<Project>,
    instruments: Vec<Instrument>,
    /// Where USD amounts are used: (origin, key path), checked against `scenario.fx`.
    usd_uses: Vec<(Origin, String)>,
    reporting_usd: bool,
    failed: Failed,
}

/// Entities that failed validation, by id as written. Their errors are reported where they
/// are; a reference to one of them is not reported again as "unknown".
#[derive(Default)]
struct Failed {
    drivers: Vec<String>,
    municipalities: Vec<String>,
    /// Declared fund ids (an `area = "*"` fund by its declared id).
    funds: Vec<String>,
    projects: Vec<String>,
}

impl Failed {
    fn has(list: &[String], id: &str) -> bool {
        list.iter().any(|x| x == id)
    }
}

/// The `id` of an entity's table as written, valid or not.
fn raw_id(r: &Reader<'_>) -> Option<String> {
    r.table.get("id").and_then(Node::as_str).map(str::to_string)
}

/// Iterates an array of tables such as `[[municipality]]`, giving each element a reader whose
/// path names it by id (`municipality[kok-serek]`) or, without a valid id, by index.
fn entities<'t>(
    root: &mut Reader<'t>,
    section: &str,
    d: &mut Diags,
) -> Vec<(Reader<'t>, Option<&'t str>)> {
    let Some(items) = root.array(d, section, false) else {
        return Vec::new();
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (i, node) in items.iter().enumerate() {
        let id = node
            .as_table()
            .and_then(|t| t.get("id"))
            .and_then(Node::as_str)
            .filter(|s| is_id(s));
        let path = match id {
            Some(id) => format!("{section}[{id}]"),
            None => format!("{section}[{i}]"),
        };
        let Some(mut r) = Reader::of(node, path, d) else {
            continue;
        };
        let id = r.id(d, "id");
        if let Some(id) = id {
            if !seen.insert(id) {
                let o = r
                    .table
                    .entry("id")
                    .map(|e| e.node.origin)
                    .unwrap_or(r.origin);
                d.error(
                    o,
                    r.key_path("id"),
                    format!("duplicate {section} id \"{id}\": ids must be unique"),
                );
            }
        }
        out.push((r, id));
    }
    out
}

impl<'t> Builder<'t> {
    fn scenario(&mut self, d: &mut Diags, fallback_name: &str) -> Header {
        let mut h = Header {
            name: fallback_name.to_string(),
            description: None,
            currency: "KGS".into(),
            discount_rate: 0.0,
            fx: None,
            cpi: None,
            origin: Origin::NONE,
            names: Names::new(),
            notes: Notes::default(),
        };
        let Some(mut r) = self.root.table(d, "scenario", true) else {
            return h;
        };
        h.origin = r.origin;
        if let Some(n) = r.opt_name(d, "name") {
            h.name = n.to_string();
        }
        h.names = r.names(d, "names");
        h.description = r.opt_string(d, "description").map(str::to_string);
        if let Some(c) = r.opt_string(d, "currency") {
            h.currency = c.to_string();
        }
        self.reporting_usd = h.currency == "USD";
        self.start_year = r.count(d, "start_year", 1, 9999).map(|y| y as i32);
        self.years = r.count(d, "years", 1, 200).unwrap_or(1) as usize;
        h.discount_rate = r.num_or(d, "discount_rate", 0.0, above_minus_one);
        for key in ["fx", "cpi"] {
            if let Some(n) = r.node(key) {
                if let Some(s) = Reader::str_node(d, n, r.key_path(key)) {
                    let v = Some((s.to_string(), n.origin));
                    if key == "fx" {
                        h.fx = v
                    } else {
                        h.cpi = v
                    }
                }
            }
        }
        h.notes = r.notes(d);
        r.finish(d, keys::SCENARIO);
        h
    }

    fn resolve_fx_cpi(&mut self, d: &mut Diags, h: &Header) -> (Option<usize>, Option<usize>) {
        let failed = &self.failed.drivers;
        let find = |d: &mut Diags, v: &Option<(String, Origin)>, key: &str, drivers: &[Driver]| {
            let (id, o) = v.as_ref()?;
            let i = drivers.iter().position(|x| x.id == *id);
            if i.is_none() && !Failed::has(failed, id) {
                d.error(
                    *o,
                    format!("scenario.{key}"),
                    format!(
                        "unknown driver \"{id}\"; expected one of the [driver.*] tables: {}",
                        ids(drivers.iter().map(|x| x.id.as_str()))
                    ),
                );
            }
            i
        };
        let fx = find(d, &h.fx, "fx", &self.drivers);
        let cpi = find(d, &h.cpi, "cpi", &self.drivers);
        if let (Some(i), Some((_, o))) = (cpi, &h.cpi) {
            if !matches!(self.drivers[i].kind, DriverKind::Inflation { .. }) {
                d.error(
                    *o,
                    "scenario.cpi",
                    format!(
                        "driver \"{}\" is a {} driver; scenario.cpi must name an inflation driver",
                        self.drivers[i].id,
                        self.drivers[i].kind.name()
                    ),
                );
            }
        }
        (fx, cpi)
    }
    /// docs/model.md section 2: USD amounts need `scenario.fx` (unless the reporting currency is USD).
    fn check_usd(&mut self, d: &mut Diags, h: &Header) {
        if self.fx.is_some() || h.fx.is_some() {
            return;
        }
        for (o, path) in &self.usd_uses {
            d.error(
                *o,
                "scenario.fx",
                format!("{path} is in USD but the scenario names no exchange-rate driver; add fx = \"<driver id>\" to [scenario]"),
            );
        }
    }
}

/// A district or oblast name (no `.`, which would break key paths).
fn place_name(d: &mut Diags, r: &mut Reader<'_>, key: &str) -> Option<String> {
    let s = r.string(d, key)?;
    let o = r.node(key).map(|n| n.origin).unwrap_or(r.origin);
    if s.contains('.') || s.is_empty() || s == "*" || s.chars().count() > read::MAX_NAME_CHARS {
        d.error(
            o,
            r.key_path(key),
            format!(
                "found {}, expected a non-empty name of at most {} characters, without `.` and other than \"*\"",
                read::shown(s),
                read::MAX_NAME_CHARS
            ),
        );
        return None;
    }
    Some(s.to_string())
}

fn ids<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = it.map(|s| format!("\"{s}\"")).collect();
    if v.is_empty() {
        "(none declared)".into()
    } else {
        v.join(", ")
    }
}

/// Cholesky factor of a symmetric matrix; `None` if it is not positive definite.
pub fn cholesky(m: &Array2<f64>) -> Option<Array2<f64>> {
    let n = m.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[[i, k]] * l[[j, k]]).sum();
            if i == j {
                let v = m[[i, i]] - s;
                if v <= 1e-12 {
                    return None;
                }
                l[[i, j]] = v.sqrt();
            } else {
                l[[i, j]] = (m[[i, j]] - s) / l[[j, j]];
            }
        }
    }
    Some(l)
}
