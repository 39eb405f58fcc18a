//! Turns a merged tree into a validated [`Model`], reporting every problem at once.
//!
//! The order follows the dependencies between sections: the scenario header and drivers
//! first, then places, funds, projects and instruments, whose references are resolved to
//! indices here so that the engine never looks anything up by name.

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
        description: header.description,
        start_year: b.start_year?,
        years: b.years,
        currency: header.currency,
        fx: b.fx,
        cpi: b.cpi,
        discount_rate: header.discount_rate,
        drivers: b.drivers,
        correlation: correlation?,
        municipalities: b.municipalities,
        funds: b.funds,
        projects: b.projects,
        instruments: b.instruments,
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
    if let Ok(Some(p)) = r.opt_count(d, "paths", 1, i64::MAX) {
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
        };
        let Some(mut r) = self.root.table(d, "scenario", true) else {
            return h;
        };
        h.origin = r.origin;
        if let Some(n) = r.opt_string(d, "name") {
            h.name = n.to_string();
        }
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
        r.notes(d);
        r.finish(d, keys::SCENARIO);
        h
    }

    fn resolve_fx_cpi(&mut self, d: &mut Diags, h: &Header) -> (Option<usize>, Option<usize>) {
        let find = |d: &mut Diags, v: &Option<(String, Origin)>, key: &str, drivers: &[Driver]| {
            let (id, o) = v.as_ref()?;
            let i = drivers.iter().position(|x| x.id == *id);
            if i.is_none() {
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

    fn drivers(&mut self, d: &mut Diags) {
        let Some(mut all) = self.root.table(d, "driver", false) else {
            return;
        };
        let table = all.table;
        for e in &table.entries {
            all.skip(&e.key);
            let path = format!("driver[{}]", e.key);
            if !is_id(&e.key) {
                d.error(
                    e.key_origin,
                    path.clone(),
                    "expected an id of letters, digits, `_` and `-`",
                );
            }
            let Some(mut r) = Reader::of(&e.node, path, d) else {
                continue;
            };
            if let Some(driver) = self.driver(d, &mut r, &e.key) {
                self.drivers.push(driver);
            }
            r.finish(d, keys::DRIVER);
        }
    }

    fn driver(&mut self, d: &mut Diags, r: &mut Reader<'t>, id: &str) -> Option<Driver> {
        let unit_ = r.opt_string(d, "unit").map(str::to_string);
        let name = r.opt_string(d, "name").map(str::to_string);
        let notes = r.notes(d);
        let model = r.choice(
            d,
            "model",
            &["fixed", "gbm", "mean_reverting", "bootstrap", "inflation"],
            None,
        );
        let kind = match model? {
            "fixed" => DriverKind::Fixed {
                value: r.dated(d, "value", true, positive, self.start_year)?,
            },
            "gbm" => DriverKind::Gbm {
                start: r.num(d, "start", positive)?,
                drift: r.num_or(d, "drift", 0.0, any),
                volatility: r.num_or(d, "volatility", 0.0, nonneg),
            },
            "mean_reverting" => DriverKind::MeanReverting {
                start: r.num(d, "start", positive)?,
                long_run: r.num(d, "long_run", positive)?,
                speed: r.num(d, "speed", positive)?,
                volatility: r.num_or(d, "volatility", 0.0, nonneg),
            },
            "bootstrap" => {
                let path = r.key_path("history");
                let history = r.numbers(d, "history", positive)?;
                if history.len() < 2 {
                    d.error(
                        r.node("history").map(|n| n.origin).unwrap_or(r.origin),
                        path,
                        format!(
                            "found {} value(s), expected at least 2 to form a log-return",
                            history.len()
                        ),
                    );
                    return None;
                }
                let log_returns = history.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
                let last = *history.last().expect("len >= 2");
                DriverKind::Bootstrap {
                    start: r.opt_num(d, "start", positive).ok()?.unwrap_or(last),
                    log_returns,
                }
            }
            _ => DriverKind::Inflation {
                mean: r.num(d, "mean", above_minus_one)?,
                sd: r.num_or(d, "sd", 0.0, nonneg),
            },
        };
        let jump = match r.node("jump") {
            None => None,
            Some(n) => {
                if !matches!(
                    kind,
                    DriverKind::Gbm { .. }
                        | DriverKind::MeanReverting { .. }
                        | DriverKind::Bootstrap { .. }
                ) {
                    d.error(
                        n.origin,
                        r.key_path("jump"),
                        format!("a {} driver cannot jump; jumps apply to gbm, mean_reverting and bootstrap drivers", kind.name()),
                    );
                    return None;
                }
                let mut j = Reader::of(n, r.key_path("jump"), d)?;
                let probability = j.num(d, "probability", unit);
                let min = j.num(d, "min", above_minus_one);
                let max = j.num(d, "max", above_minus_one);
                j.finish(d, keys::JUMP);
                let (probability, min, max) = (probability?, min?, max?);
                if min > max {
                    d.error(
                        n.origin,
                        r.key_path("jump"),
                        format!("min {min} is above max {max}; expected min <= max"),
                    );
                    return None;
                }
                Some(Jump {
                    probability,
                    min,
                    max,
                })
            }
        };
        Some(Driver {
            id: id.to_string(),
            unit: unit_,
            name,
            kind,
            jump,
            notes,
        })
    }

    fn correlations(&mut self, d: &mut Diags) -> Option<Correlation> {
        let items = match self.root.array(d, "correlation", false) {
            Some(items) => items,
            None => return Some(Correlation::default()),
        };
        let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        let mut ok = true;
        let mut first_origin = Origin::NONE;
        for (i, node) in items.iter().enumerate() {
            let path = format!("correlation[{i}]");
            let Some(mut r) = Reader::of(node, path.clone(), d) else {
                ok = false;
                continue;
            };
            if first_origin.is_none() {
                first_origin = node.origin;
            }
            let names = r.strings(d, "drivers");
            if !r.has("drivers") {
                r.required(d, "drivers", "two driver ids");
            }
            let rho = r.num(d, "rho", |x| {
                if x > -1.0 && x < 1.0 {
                    Ok(())
                } else {
                    Err("expected a correlation strictly between -1 and 1")
                }
            });
            r.notes(d);
            r.finish(d, keys::CORRELATION);
            let (Some(names), Some(rho)) = (names, rho) else {
                ok = false;
                continue;
            };
            if names.len() != 2 || names[0] == names[1] {
                d.error(
                    node.origin,
                    format!("{path}.drivers"),
                    format!("found {names:?}, expected exactly two distinct driver ids"),
                );
                ok = false;
                continue;
            }
            let mut idx = [0usize; 2];
            for (k, name) in names.iter().enumerate() {
                match self.drivers.iter().position(|x| x.id == *name) {
                    None => {
                        d.error(
                            node.origin,
                            format!("{path}.drivers"),
                            format!("unknown driver \"{name}\""),
                        );
                        ok = false;
                    }
                    Some(j) if !self.drivers[j].kind.has_normal_shock() => {
                        d.error(
                            node.origin,
                            format!("{path}.drivers"),
                            format!(
                                "driver \"{name}\" is {}; only gbm, mean_reverting and inflation drivers have a shock to correlate",
                                self.drivers[j].kind.name()
                            ),
                        );
                        ok = false;
                    }
                    Some(j) => idx[k] = j,
                }
            }
            if !ok {
                continue;
            }
            let key = (idx[0].min(idx[1]), idx[0].max(idx[1]));
            if pairs.insert(key, rho).is_some() {
                d.error(
                    node.origin,
                    path,
                    format!("the pair {} / {} is given twice", names[0], names[1]),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let mut members: Vec<usize> = pairs.keys().flat_map(|(a, b)| [*a, *b]).collect();
        members.sort();
        members.dedup();
        let n = members.len();
        let mut m = Array2::<f64>::eye(n);
        for ((a, b), rho) in &pairs {
            let i = members.iter().position(|x| x == a).expect("member");
            let j = members.iter().position(|x| x == b).expect("member");
            m[[i, j]] = *rho;
            m[[j, i]] = *rho;
        }
        match cholesky(&m) {
            Some(l) => Some(Correlation {
                drivers: members,
                cholesky: l,
            }),
            None => {
                d.error(
                    first_origin,
                    "correlation",
                    "the correlation matrix of these [[correlation]] tables is not positive definite; no set of drivers can have these correlations together",
                );
                None
            }
        }
    }

    fn municipalities(&mut self, d: &mut Diags) {
        let start_year = self.start_year;
        for (mut r, id) in entities(&mut self.root, "municipality", d) {
            let name = r.opt_string(d, "name");
            let names = r.names(d, "names");
            let district = place_name(d, &mut r, "district");
            let oblast = place_name(d, &mut r, "oblast");
            let population = r.num(d, "population", positive);
            let own_revenue = r.num_or(d, "own_revenue", 0.0, nonneg);
            let (mut growth_mean, mut growth_sd) = (0.0, 0.0);
            if let Some(mut g) = r.table(d, "own_revenue_growth", false) {
                growth_mean = g.num_or(d, "mean", 0.0, any);
                growth_sd = g.num_or(d, "sd", 0.0, nonneg);
                g.finish(d, keys::GROWTH);
            }
            let grant = r
                .dated(d, "grant", false, nonneg, start_year)
                .unwrap_or(Dated::constant(0.0));
            let grant_offset = r.num_or(d, "grant_offset", 0.0, unit);
            let spending_need = r.dated(d, "spending_need", false, nonneg, start_year);
            let indexed = r.opt_bool(d, "indexed", false);
            let notes = r.notes(d);
            r.finish(d, keys::MUNICIPALITY);
            let (Some(id), Some(district), Some(oblast), Some(population)) =
                (id, district, oblast, population)
            else {
                continue;
            };
            self.municipalities.push(Municipality {
                id: id.to_string(),
                name: name.unwrap_or(id).to_string(),
                names,
                district,
                oblast,
                population,
                own_revenue,
                growth_mean,
                growth_sd,
                grant,
                grant_offset,
                spending_need,
                indexed,
                notes,
            });
        }
    }

    fn funds(&mut self, d: &mut Diags, patches: &[AreaPatch]) {
        let mut used_patches = vec![false; patches.len()];
        let Some(items) = self.root.array(d, "fund", false) else {
            return;
        };
        let mut seen_ids: HashSet<String> = HashSet::new();
        for (i, node) in items.iter().enumerate() {
            let declared = node
                .as_table()
                .and_then(|t| t.get("id"))
                .and_then(Node::as_str)
                .filter(|s| is_id(s));
            let is_star = node
                .as_table()
                .and_then(|t| t.get("area"))
                .and_then(Node::as_str)
                == Some("*");
            if !is_star {
                let path = match declared {
                    Some(id) => format!("fund[{id}]"),
                    None => format!("fund[{i}]"),
                };
                if let Some(f) = self.fund(d, node, path, None, &mut seen_ids) {
                    self.funds.push(f);
                }
                continue;
            }
            // `area = "*"`: one fund per distinct district (or oblast) of the municipalities.
            let level = node
                .as_table()
                .and_then(|t| t.get("level"))
                .and_then(Node::as_str);
            let mut areas: Vec<String> = Vec::new();
            for m in &self.municipalities {
                let a = if level == Some("oblast") {
                    &m.oblast
                } else {
                    &m.district
                };
                if !areas.contains(a) {
                    areas.push(a.clone());
                }
            }
            let declared_path = match declared {
                Some(id) => format!("fund[{id}]"),
                None => format!("fund[{i}]"),
            };
            if areas.is_empty() {
                // Still read it once so its own errors are reported.
                let _ = self.fund(d, node, declared_path, Some(""), &mut seen_ids);
                continue;
            }
            for area in areas {
                let mut copy = node.clone();
                if let Some(declared) = declared {
                    for (k, p) in patches.iter().enumerate() {
                        if p.declared == declared && p.area == area {
                            used_patches[k] = true;
                            let keys: Vec<&str> = p.keys.iter().map(String::as_str).collect();
                            if let Err(msg) = paths::set_path(&mut copy, &keys, &p.op) {
                                d.error(
                                    p.op.origin,
                                    format!("fund.{}:{}", p.declared, p.area),
                                    msg,
                                );
                            }
                        }
                    }
                }
                if let Some(f) =
                    self.fund(d, &copy, declared_path.clone(), Some(&area), &mut seen_ids)
                {
                    self.funds.push(f);
                }
            }
        }
        for (p, used) in patches.iter().zip(used_patches) {
            if !used {
                d.error(
                    p.op.origin,
                    p.op.path.clone(),
                    format!(
                        "fund \"{}\" has no expansion for area \"{}\"; expected an area of the scenario's municipalities",
                        p.declared, p.area
                    ),
                );
            }
        }
    }

    /// Reads one fund; `star_area` is the area of an `area = "*"` expansion.
    fn fund(
        &mut self,
        d: &mut Diags,
        node: &Node,
        path: String,
        star_area: Option<&str>,
        seen_ids: &mut HashSet<String>,
    ) -> Option<Fund> {
        let mut r = Reader::of(node, path, d)?;
        let declared = r.id(d, "id");
        let name = r.opt_string(d, "name").map(str::to_string);
        let level = r.choice(d, "level", &["district", "oblast"], None);
        let area_written = r.string(d, "area");
        let allocation = match r.node("allocation") {
            None => Some(Allocation::Population),
            Some(n) => match &n.value {
                Value::Str(s) if s == "population" => Some(Allocation::Population),
                Value::Str(s) if s == "equal" => Some(Allocation::Equal),
                Value::Table(_) => {
                    let mut a = Reader::of(n, r.key_path("allocation"), d)?;
                    let winners = a.table(d, "competitive", true).and_then(|mut c| {
                        let w = c.count(d, "winners", 1, i64::MAX);
                        c.finish(d, &["winners"]);
                        w
                    });
                    a.finish(d, &["competitive"]);
                    winners.map(|w| Allocation::Competitive {
                        winners: w as usize,
                    })
                }
                _ => {
                    d.error(
                        n.origin,
                        r.key_path("allocation"),
                        "expected \"population\", \"equal\" or { competitive = { winners = N } } with N >= 1",
                    );
                    None
                }
            },
        };
        let disburse = r.num_or(d, "disburse", 1.0, unit);
        let counts_for_grant = r.opt_bool(d, "counts_for_grant", false);
        let notes = r.notes(d);
        let path = r.path.clone();
        let origin = r.origin;
        r.finish(d, keys::FUND);
        let (declared, level, area_written, allocation) =
            (declared?, level?, area_written?, allocation?);
        let level = if level == "district" {
            Level::District
        } else {
            Level::Oblast
        };
        let area = star_area.unwrap_or(area_written).to_string();
        if star_area == Some("") {
            return None;
        }
        let id = match star_area {
            Some(a) => format!("{declared}:{a}"),
            None => declared.to_string(),
        };
        if !seen_ids.insert(id.clone()) {
            d.error(
                origin,
                format!("{path}.id"),
                format!("duplicate fund id \"{id}\": ids must be unique"),
            );
            return None;
        }
        let members: Vec<usize> = self
            .municipalities
            .iter()
            .enumerate()
            .filter(|(_, m)| match level {
                Level::District => m.district == area,
                Level::Oblast => m.oblast == area,
            })
            .map(|(i, _)| i)
            .collect();
        if members.is_empty() {
            let known: Vec<&str> = self
                .municipalities
                .iter()
                .map(|m| match level {
                    Level::District => m.district.as_str(),
                    Level::Oblast => m.oblast.as_str(),
                })
                .collect();
            d.error(
                origin,
                path,
                format!(
                    "the fund has no members: no municipality has {} \"{area}\"; expected one of {}",
                    level.name(),
                    ids(known.into_iter())
                ),
            );
            return None;
        }
        Some(Fund {
            id,
            declared: declared.to_string(),
            level,
            area,
            allocation,
            disburse,
            counts_for_grant,
            members,
            name,
            notes,
        })
    }

    fn projects(&mut self, d: &mut Diags) {
        for (mut r, id) in entities(&mut self.root, "project", d) {
            let p = self.project(d, &mut r, id);
            r.finish(d, keys::PROJECT);
            if let Some(p) = p {
                self.projects.push(p);
            }
        }
    }

    fn project(&mut self, d: &mut Diags, r: &mut Reader<'t>, id: Option<&str>) -> Option<Project> {
        let name = r.opt_string(d, "name");
        let kind = match r.choice(d, "kind", &ProjectKind::ALL, Some("other")) {
            Some("mine") => Some(ProjectKind::Mine),
            Some("agro_processing") => Some(ProjectKind::AgroProcessing),
            Some(_) => Some(ProjectKind::Other),
            None => None,
        };
        let tags: Vec<String> = r
            .strings(d, "tags")
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let hosts = self.hosts(d, r);
        let status = match r.choice(d, "status", &["operating", "planned"], Some("operating")) {
            Some("planned") => Some(Status::Planned),
            Some(_) => Some(Status::Operating),
            None => None,
        };
        let start_year = r.count(d, "start_year", -9999, 9999).map(|y| y as i32);
        let life_given = r.opt_count(d, "life_years", 1, 10_000);
        let products = self.products(d, r);
        let output = self.output(d, r);
        let variability = r.num_or(d, "variability", 0.0, nonneg);
        let hectares = r.num_or(d, "hectares", 0.0, nonneg);
        let jobs = r.table(d, "jobs", false).and_then(|mut j| {
            let local = j.num(d, "local", nonneg);
            let wage = j.num(d, "monthly_wage", nonneg);
            let indexed = j.opt_bool(d, "indexed", false);
            j.finish(d, keys::JOBS);
            Some(Jobs {
                local: local?,
                monthly_wage: wage?,
                indexed,
            })
        });
        let risk = self.risk(d, r);
        let notes = r.notes(d);

        let output = output?;
        let life_years = match (&output, life_given) {
            (_, Err(Reported)) => return None,
            (Output::Profile(v), Ok(None)) => v.len(),
            (Output::Profile(v), Ok(Some(l))) => {
                if v.len() != l as usize {
                    d.error(
                        r.node("output").map(|n| n.origin).unwrap_or(r.origin),
                        r.key_path("output.profile"),
                        format!("the profile has {} values but life_years is {l}; expected one value per year of life", v.len()),
                    );
                    return None;
                }
                l as usize
            }
            (Output::Curve { .. }, Ok(Some(l))) => l as usize,
            (Output::Curve { .. }, Ok(None)) => {
                r.required(d, "life_years", "producing years, >= 1");
                return None;
            }
        };
        let base_output = (0..life_years).map(|k| output.base(k)).collect();
        Some(Project {
            id: id?.to_string(),
            name: name.or(id)?.to_string(),
            kind: kind?,
            tags,
            hosts: hosts?,
            status: status?,
            start_year: start_year?,
            life_years,
            products: products?,
            output,
            base_output,
            variability,
            hectares,
            jobs,
            risk: risk?,
            notes,
        })
    }

    fn hosts(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Host>> {
        let path = r.key_path("hosts");
        let origin = r.node("hosts").map(|n| n.origin);
        let items = r.array(d, "hosts", true)?;
        if items.is_empty() {
            d.error(
                origin.unwrap_or(r.origin),
                path,
                "expected at least one host",
            );
            return None;
        }
        let mut hosts = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let Some(mut h) = Reader::of(n, format!("{path}[{i}]"), d) else {
                ok = false;
                continue;
            };
            let m = h.string(d, "municipality");
            let share = h.num(d, "share", unit);
            let m_origin = h.node("municipality").map(|n| n.origin).unwrap_or(n.origin);
            h.finish(d, keys::HOST);
            let (Some(m), Some(share)) = (m, share) else {
                ok = false;
                continue;
            };
            match self.municipalities.iter().position(|x| x.id == m) {
                Some(mi) if hosts.iter().any(|h: &Host| h.municipality == mi) => {
                    d.error(
                        m_origin,
                        format!("{path}[{i}].municipality"),
                        format!("\"{m}\" is listed twice"),
                    );
                    ok = false;
                }
                Some(mi) => hosts.push(Host {
                    municipality: mi,
                    share,
                }),
                None => {
                    d.error(
                        m_origin,
                        format!("{path}[{i}].municipality"),
                        format!(
                            "unknown municipality \"{m}\"; expected one of {}",
                            ids(self.municipalities.iter().map(|m| m.id.as_str()))
                        ),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = hosts.iter().map(|h| h.share).sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            d.error(
                origin.unwrap_or(r.origin),
                path,
                format!("host shares sum to {sum}, expected 1"),
            );
            return None;
        }
        Some(hosts)
    }

    fn products(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Product>> {
        let path = r.key_path("products");
        let items = r.array(d, "products", true)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let ppath = format!("{path}[{i}]");
            let Some(mut p) = Reader::of(n, ppath.clone(), d) else {
                ok = false;
                continue;
            };
            let driver = self.driver_ref(d, &mut p, "driver");
            let per_unit = p.num(d, "per_unit", nonneg);
            let usd = self.currency(d, &mut p);
            p.finish(d, keys::PRODUCT);
            match (driver, per_unit, usd) {
                (Some(driver), Some(per_unit), Some(usd)) => out.push(Product {
                    driver,
                    per_unit,
                    usd,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `currency` of a product or instrument: `Some(true)` for USD.
    fn currency(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<bool> {
        let Some(n) = r.node("currency") else {
            return Some(false);
        };
        let s = Reader::str_node(d, n, r.key_path("currency"))?;
        if s == "USD" && !self.reporting_usd {
            self.usd_uses.push((n.origin, r.key_path("currency")));
            Some(true)
        } else if s == "USD" || s == "KGS" {
            Some(false)
        } else {
            d.error(
                n.origin,
                r.key_path("currency"),
                format!("found \"{s}\", expected \"USD\" or \"KGS\""),
            );
            None
        }
    }

    fn driver_ref(&mut self, d: &mut Diags, r: &mut Reader<'t>, key: &str) -> Option<usize> {
        let s = r.string(d, key)?;
        let i = self.drivers.iter().position(|x| x.id == s);
        if i.is_none() {
            let o = r.node(key).map(|n| n.origin).unwrap_or(r.origin);
            d.error(
                o,
                r.key_path(key),
                format!(
                    "unknown driver \"{s}\"; expected one of {}",
                    ids(self.drivers.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        i
    }

    fn output(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Output> {
        let mut o = r.table(d, "output", true)?;
        let out = if o.has("profile") {
            let profile = o.numbers(d, "profile", positive);
            if let Some(p) = &profile {
                if p.is_empty() {
                    d.error(
                        o.origin,
                        o.key_path("profile"),
                        "expected at least one value",
                    );
                }
            }
            for k in ["capacity", "ramp_up_years", "plateau_years", "decline_rate"] {
                if let Some(n) = o.node(k) {
                    d.error(
                        n.origin,
                        o.key_path(k),
                        format!("`{k}` cannot be combined with `profile`"),
                    );
                }
            }
            profile.filter(|p| !p.is_empty()).map(Output::Profile)
        } else {
            let capacity = o.num(d, "capacity", positive);
            let ramp = o.opt_count(d, "ramp_up_years", 0, 10_000);
            let plateau = o.opt_count(d, "plateau_years", 0, 10_000);
            let decline = o.num_or(d, "decline_rate", 0.0, |x| {
                if (0.0..1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("expected a number in [0, 1)")
                }
            });
            match (capacity, ramp, plateau) {
                (Some(capacity), Ok(ramp), Ok(plateau)) => Some(Output::Curve {
                    capacity,
                    ramp_up_years: ramp.unwrap_or(0) as usize,
                    plateau_years: plateau.map(|p| p as usize),
                    decline_rate: decline,
                }),
                _ => None,
            }
        };
        o.finish(d, keys::OUTPUT);
        out
    }

    fn risk(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Risk> {
        let mut risk = Risk::default();
        let Some(mut k) = r.table(d, "risk", false) else {
            return if r.has("risk") { None } else { Some(risk) };
        };
        let mut ok = true;
        risk.never_start = k.num_or(d, "never_start", 0.0, unit);
        if let Some(mut t) = k.table(d, "start_delay", false) {
            let p = t.num(d, "probability", unit);
            let m = t.count(d, "max_years", 1, 1000);
            t.finish(d, keys::START_DELAY);
            match (p, m) {
                (Some(p), Some(m)) => risk.start_delay = Some((p, m as usize)),
                _ => ok = false,
            }
        }
        if let Some(mut t) = k.table(d, "blockade", false) {
            let p = t.num(d, "probability", unit);
            let lo = t.num(d, "min_loss", nonneg);
            let hi = t.num(d, "max_loss", |x| {
                if (0.0..1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("expected a number in [0, 1)")
                }
            });
            let (o, path) = (t.origin, t.path.clone());
            t.finish(d, keys::BLOCKADE);
            match (p, lo, hi) {
                (Some(p), Some(lo), Some(hi)) if lo <= hi => risk.blockade = Some((p, lo, hi)),
                (Some(_), Some(lo), Some(hi)) => {
                    d.error(o, path, format!("min_loss {lo} is above max_loss {hi}; expected 0 <= min_loss <= max_loss < 1"));
                    ok = false;
                }
                _ => ok = false,
            }
        }
        if let Some(mut t) = k.table(d, "suspension", false) {
            let p = t.num(d, "probability", unit);
            let lo = t.opt_count(d, "min_years", 1, 1000);
            let hi = t.count(d, "max_years", 1, 1000);
            let (o, path) = (t.origin, t.path.clone());
            t.finish(d, keys::SUSPENSION);
            match (p, lo, hi) {
                (Some(p), Ok(lo), Some(hi)) => {
                    let lo = lo.unwrap_or(1);
                    if lo > hi {
                        d.error(o, path, format!("min_years {lo} is above max_years {hi}"));
                        ok = false;
                    } else {
                        risk.suspension = Some((p, lo as usize, hi as usize));
                    }
                }
                _ => ok = false,
            }
        }
        risk.closure = k.num_or(d, "closure", 0.0, unit);
        if let Some(mut t) = k.table(d, "shutdown_price", false) {
            let driver = self.driver_ref(d, &mut t, "driver");
            let below = t.num(d, "below", nonneg);
            t.finish(d, keys::SHUTDOWN);
            match (driver, below) {
                (Some(dr), Some(b)) => risk.shutdown_price = Some((dr, b)),
                _ => ok = false,
            }
        }
        k.finish(d, keys::RISK);
        ok.then_some(risk)
    }

    fn instruments(&mut self, d: &mut Diags) {
        for (mut r, id) in entities(&mut self.root, "instrument", d) {
            let i = self.instrument(d, &mut r, id);
            r.finish(d, keys::INSTRUMENT);
            if let Some(i) = i {
                self.instruments.push(i);
            }
        }
    }

    fn instrument(
        &mut self,
        d: &mut Diags,
        r: &mut Reader<'t>,
        id: Option<&str>,
    ) -> Option<Instrument> {
        let start_year = self.start_year;
        let mut label = r.names(d, "label");
        if let Some(n) = r.opt_string(d, "name") {
            label.entry("en".into()).or_insert_with(|| n.to_string());
        }
        let notes = r.notes(d);
        let base = match r.choice(d, "base", &Base::ALL, None) {
            Some("gross_revenue") => Some(Base::GrossRevenue),
            Some("output") => Some(Base::Output),
            Some("hectares") => Some(Base::Hectares),
            Some("payroll") => Some(Base::Payroll),
            Some("fixed") => Some(Base::Fixed),
            Some("one_off") => Some(Base::OneOff),
            _ => None,
        };
        let usd = self.currency(d, r);
        let lag_years = r
            .opt_count(d, "lag_years", 0, 1000)
            .ok()
            .map(|l| l.unwrap_or(0) as usize);
        let probability = r.num_or(d, "probability", 1.0, unit);
        let counts_for_grant = r.opt_bool(d, "counts_for_grant", true);
        let indexed = r.opt_bool(d, "indexed", false);
        let when_given = r.choice(d, "when", &["producing", "active"], Some(""));
        let applies = self.applies_to(d, r);
        let route = self.route(d, r);
        let base = base?;

        let (mut rate, mut amount, mut at) = (None, None, None);
        if base.is_rate_based() {
            match (r.has("rate"), r.has("rate_scale")) {
                (true, true) => {
                    let o = r.node("rate").map(|n| n.origin).unwrap_or(r.origin);
                    r.skip("rate_scale");
                    d.error(
                        o,
                        r.key_path("rate"),
                        "both `rate` and `rate_scale` are given; expected one of them",
                    );
                    return None;
                }
                (false, false) => {
                    r.required(d, "rate", "a dated number, or `rate_scale`");
                    return None;
                }
                (true, false) => {
                    rate = Some(Rate::Dated(r.dated(d, "rate", true, nonneg, start_year)?))
                }
                (false, true) => rate = Some(self.rate_scale(d, r)?),
            }
            if matches!(base, Base::GrossRevenue | Base::Payroll) {
                if indexed {
                    let o = r.table.get("indexed").map(|n| n.origin).unwrap_or(r.origin);
                    d.error(
                        o,
                        r.key_path("indexed"),
                        format!("`indexed = true` is not allowed on a {} base: it moves with prices already", base.name()),
                    );
                    return None;
                }
                if usd == Some(true) {
                    let o = r
                        .table
                        .get("currency")
                        .map(|n| n.origin)
                        .unwrap_or(r.origin);
                    d.error(
                        o,
                        r.key_path("currency"),
                        format!(
                            "a rate on {} is a fraction; `currency` does not apply",
                            base.name()
                        ),
                    );
                    return None;
                }
            }
        } else {
            let node = r.required(
                d,
                "amount",
                "a dated number or { median = ..., sigma = ... }",
            )?;
            let path = r.key_path("amount");
            amount = Some(match &node.value {
                Value::Table(t) if t.get("median").is_some() || t.get("sigma").is_some() => {
                    let mut a = Reader::new(t, node.origin, path);
                    let median = a.num(d, "median", nonneg);
                    let sigma = a.num(d, "sigma", nonneg);
                    a.finish(d, keys::LOGNORMAL);
                    Amount::LogNormal {
                        median: median?,
                        sigma: sigma?,
                    }
                }
                _ => Amount::Dated(read::read_dated(d, node, &path, nonneg, start_year)?),
            });
            if base == Base::OneOff {
                let node = r.required(d, "at", "a calendar year or \"start\"")?;
                at = match &node.value {
                    Value::Str(s) if s == "start" => Some(At::Start),
                    Value::Int(y) if (1..=9999).contains(y) => Some(At::Year(*y as i32)),
                    _ => {
                        d.error(node.origin, r.key_path("at"), "expected a calendar year such as 2030, or \"start\" (the project's actual start year)");
                        return None;
                    }
                };
            }
        }
        let when = match when_given? {
            "producing" => When::Producing,
            "active" => When::Active,
            _ => base.default_when(),
        };
        let route = route?;
        let applies = applies?;
        let flows = self.flows(d, r, &route, &applies)?;
        Some(Instrument {
            id: id?.to_string(),
            label,
            base,
            rate,
            amount,
            at,
            usd: usd?,
            route,
            lag_years: lag_years?,
            when,
            probability,
            counts_for_grant,
            indexed,
            flows,
            notes,
        })
    }

    fn rate_scale(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Rate> {
        let mut s = r.table(d, "rate_scale", true)?;
        let driver = self.driver_ref(d, &mut s, "driver");
        let thresholds = s.numbers(d, "thresholds", any);
        let rates = s.numbers(d, "rates", nonneg);
        let (o, path) = (s.origin, s.path.clone());
        s.finish(d, keys::RATE_SCALE);
        let (driver, thresholds, rates) = (driver?, thresholds?, rates?);
        if thresholds.windows(2).any(|w| w[0] >= w[1]) {
            d.error(
                o,
                format!("{path}.thresholds"),
                "thresholds must be strictly increasing",
            );
            return None;
        }
        if rates.len() != thresholds.len() + 1 {
            d.error(
                o,
                path,
                format!(
                    "{} thresholds need {} rates, found {}",
                    thresholds.len(),
                    thresholds.len() + 1,
                    rates.len()
                ),
            );
            return None;
        }
        Some(Rate::Scale {
            driver,
            thresholds,
            rates,
        })
    }

    /// The projects an instrument applies to (all of them without `applies_to`).
    fn applies_to(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<usize>> {
        let Some(mut a) = r.table(d, "applies_to", false) else {
            return if r.has("applies_to") {
                None
            } else {
                Some((0..self.projects.len()).collect())
            };
        };
        let mut ok = true;
        let mut lists: Vec<(&str, Vec<&str>)> = Vec::new();
        for key in ["tags", "kinds", "projects"] {
            let Some(n) = a.table.get(key) else { continue };
            match a.strings(d, key) {
                Some(v) if v.is_empty() => {
                    d.error(n.origin, a.key_path(key), "found an empty list; expected at least one value (omit `applies_to` to apply to all projects)");
                    ok = false;
                }
                Some(v) => {
                    for s in &v {
                        let known = match key {
                            "kinds" => ProjectKind::ALL.contains(s),
                            "projects" => self.projects.iter().any(|p| p.id == *s),
                            _ => true,
                        };
                        if !known {
                            d.error(
                                n.origin,
                                a.key_path(key),
                                format!("unknown {} \"{s}\"", &key[..key.len() - 1]),
                            );
                            ok = false;
                        }
                    }
                    lists.push((key, v));
                }
                None => ok = false,
            }
        }
        if lists.is_empty() && ok {
            d.error(
                a.origin,
                a.path.clone(),
                "expected at least one of `tags`, `kinds`, `projects`",
            );
            ok = false;
        }
        a.finish(d, keys::APPLIES_TO);
        if !ok {
            return None;
        }
        Some(
            self.projects
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    lists.iter().all(|(key, vals)| match *key {
                        "tags" => p.tags.iter().any(|t| vals.contains(&t.as_str())),
                        "kinds" => vals.contains(&p.kind.name()),
                        _ => vals.contains(&p.id.as_str()),
                    })
                })
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn route(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Route>> {
        let path = r.key_path("route");
        let origin = r.node("route").map(|n| n.origin).unwrap_or(r.origin);
        let items = r.array(d, "route", true)?;
        if items.is_empty() {
            d.error(origin, path, "expected at least one route entry");
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let epath = format!("{path}[{i}]");
            let Some(mut e) = Reader::of(n, epath.clone(), d) else {
                ok = false;
                continue;
            };
            let to = e.string(d, "to");
            let to_origin = e.node("to").map(|n| n.origin).unwrap_or(n.origin);
            let share = e.num(d, "share", unit);
            e.finish(d, keys::ROUTE);
            let (Some(to), Some(share)) = (to, share) else {
                ok = false;
                continue;
            };
            let dest = match to {
                "host" => Some(RouteTo::Host),
                "host_community" => Some(RouteTo::HostCommunity),
                "district_fund" => Some(RouteTo::DistrictFund),
                "oblast_fund" => Some(RouteTo::OblastFund),
                "republic" => Some(RouteTo::Republic),
                "oblast" => Some(RouteTo::Oblast),
                _ => match to.split_once(':') {
                    Some(("municipality", id)) => {
                        match self.municipalities.iter().position(|m| m.id == id) {
                            Some(m) => Some(RouteTo::Municipality(m)),
                            None => {
                                d.error(
                                    to_origin,
                                    format!("{epath}.to"),
                                    format!("unknown municipality \"{id}\""),
                                );
                                None
                            }
                        }
                    }
                    Some(("fund", id)) => {
                        if self.funds.iter().any(|f| f.declared == id || f.id == id) {
                            Some(RouteTo::Fund(id.to_string()))
                        } else {
                            d.error(
                                to_origin,
                                format!("{epath}.to"),
                                format!(
                                    "unknown fund \"{id}\"; expected one of {}",
                                    ids(self.funds.iter().map(|f| f.id.as_str()))
                                ),
                            );
                            None
                        }
                    }
                    _ => {
                        d.error(
                            to_origin,
                            format!("{epath}.to"),
                            format!("found \"{to}\", expected \"host\", \"host_community\", \"municipality:<id>\", \"fund:<id>\", \"district_fund\", \"oblast_fund\", \"republic\" or \"oblast\""),
                        );
                        None
                    }
                },
            };
            match dest {
                Some(to) => out.push(Route { to, share }),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = out.iter().map(|x| x.share).sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            d.error(
                origin,
                path,
                format!("route shares sum to {sum}, expected 1"),
            );
            return None;
        }
        Some(out)
    }

    /// Resolves an instrument's route for each project it applies to.
    fn flows(
        &mut self,
        d: &mut Diags,
        r: &Reader<'t>,
        route: &[Route],
        applies: &[usize],
    ) -> Option<Vec<Flow>> {
        let mut flows = Vec::new();
        let mut ok = true;
        for &p in applies {
            let project = &self.projects[p];
            let mut targets: BTreeMap<Target, f64> = BTreeMap::new();
            for (ri, rt) in route.iter().enumerate() {
                let rpath = format!("{}.route[{ri}]", r.path);
                let rorigin = r
                    .table
                    .get("route")
                    .and_then(|n| match &n.value {
                        Value::Array(a) => a.get(ri).map(|x| x.origin),
                        _ => None,
                    })
                    .unwrap_or(r.origin);
                let simple = match &rt.to {
                    RouteTo::Municipality(m) => Some(Target::Budget(*m)),
                    RouteTo::Republic => Some(Target::Republic),
                    RouteTo::Fund(id) => self
                        .funds
                        .iter()
                        .position(|f| f.id == *id)
                        .map(Target::Fund),
                    _ => None,
                };
                if let Some(t) = simple {
                    *targets.entry(t).or_default() += rt.share;
                    continue;
                }
                for h in &project.hosts {
                    let m = &self.municipalities[h.municipality];
                    let share = rt.share * h.share;
                    let target = match &rt.to {
                        RouteTo::Host => Target::Budget(h.municipality),
                        RouteTo::HostCommunity => Target::Community(h.municipality),
                        RouteTo::Oblast => {
                            let mut obl: Vec<&str> = self
                                .municipalities
                                .iter()
                                .map(|x| x.oblast.as_str())
                                .collect();
                            obl.sort();
                            obl.dedup();
                            Target::Oblast(
                                obl.iter()
                                    .position(|o| *o == m.oblast)
                                    .expect("host oblast"),
                            )
                        }
                        RouteTo::Fund(declared) => {
                            // The expansion of an `area = "*"` fund for this host's area.
                            let f = self.funds.iter().position(|f| {
                                f.declared == *declared
                                    && f.area
                                        == *match f.level {
                                            Level::District => &m.district,
                                            Level::Oblast => &m.oblast,
                                        }
                            });
                            Target::Fund(f.expect("every area of a municipality has its expansion"))
                        }
                        RouteTo::DistrictFund | RouteTo::OblastFund => {
                            let (level, area) = if rt.to == RouteTo::DistrictFund {
                                (Level::District, &m.district)
                            } else {
                                (Level::Oblast, &m.oblast)
                            };
                            let found: Vec<usize> = self
                                .funds
                                .iter()
                                .enumerate()
                                .filter(|(_, f)| f.level == level && f.area == *area)
                                .map(|(i, _)| i)
                                .collect();
                            match found.as_slice() {
                                [f] => Target::Fund(*f),
                                [] => {
                                    d.error(
                                        rorigin,
                                        rpath.clone(),
                                        format!(
                                            "no {} fund serves {} \"{area}\" of host \"{}\" (project \"{}\"); declare a [[fund]] with level = \"{}\" and area = \"{area}\" (or \"*\")",
                                            level.name(), level.name(), m.id, project.id, level.name()
                                        ),
                                    );
                                    ok = false;
                                    continue;
                                }
                                many => {
                                    d.error(
                                        rorigin,
                                        rpath.clone(),
                                        format!(
                                            "ambiguous: {} {} funds serve \"{area}\" ({}); a {}_fund route needs exactly one",
                                            many.len(),
                                            level.name(),
                                            ids(many.iter().map(|&i| self.funds[i].id.as_str())),
                                            level.name()
                                        ),
                                    );
                                    ok = false;
                                    continue;
                                }
                            }
                        }
                        _ => unreachable!("handled above"),
                    };
                    *targets.entry(target).or_default() += share;
                }
            }
            flows.push(Flow {
                project: p,
                targets: targets.into_iter().collect(),
            });
        }
        ok.then_some(flows)
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
    if s.contains('.') || s.is_empty() || s == "*" {
        let o = r.node(key).map(|n| n.origin).unwrap_or(r.origin);
        d.error(
            o,
            r.key_path(key),
            format!("found \"{s}\", expected a non-empty name without `.` and other than \"*\""),
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
