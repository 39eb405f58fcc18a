//! Law changes, `[[regime]]` and `[regime_change]` (docs/model.md section 11): read from the
//! merged tree, then every regime built on top of the baseline and of each variant, so that
//! each law is validated exactly as a variant is.

use super::build;
use super::keys;
use super::paths::{self, AreaPatch, SetOp};
use super::read::{self, any, is_id, positive, unit, Reader};
use super::tree::{Node, Table, Value};
use crate::diag::{Diags, Origin, SourceMap};
use crate::model::{Hazard, Law, Model, Names, Notes, Regime, RegimeChange, CURRENT};

/// What a regime may set: `instrument.<id>.<key>` for these keys, `fund.<id>.disburse`.
const INSTRUMENT_KEYS: [&str; 4] = ["rate", "rate_scale", "route", "probability"];
const FUND_KEYS: [&str; 1] = ["disburse"];

/// The most regimes a scenario declares: the law in force is kept in a byte per path and
/// year, `current` included.
const MAX_REGIMES: usize = 254;

/// The one key of `[regime_change]` a variant may set.
pub const VARIANT_KEY: &str = "regime_change.hazard";

/// The regimes and the change process as declared, before they are applied to any model.
#[derive(Default)]
pub struct Declared {
    pub regimes: Vec<Spec>,
    pub change: Option<ChangeSpec>,
}

pub struct Spec {
    name: String,
    label: Names,
    notes: Notes,
    weight: f64,
    ops: Vec<SetOp>,
}

pub struct ChangeSpec {
    hazard: HazardSpec,
    lag_years: usize,
}

/// A hazard as written: its driver is resolved against each model.
#[derive(Clone)]
pub enum HazardSpec {
    Fixed(f64),
    Driver {
        base: f64,
        driver: String,
        origin: Origin,
        key: String,
        elasticity: f64,
    },
}

/// Reads `[[regime]]` (taken out of the tree as `regime`) and `[regime_change]`.
pub fn declared(
    regime: Option<Node>,
    change: Option<Node>,
    sources: &SourceMap,
    d: &mut Diags,
) -> Declared {
    let mut out = Declared::default();
    if let Some(node) = &regime {
        out.regimes = specs(node, sources, d);
    }
    if let Some(node) = &change {
        if regime.is_none() {
            d.error(
                node.origin,
                "regime_change",
                "[regime_change] without any [[regime]]: declare the alternative laws the law in force can change to",
            );
        }
        if let Some(mut r) = Reader::of(node, "regime_change", d) {
            let hazard = r
                .required(d, "hazard", "a yearly probability or a table")
                .and_then(|n| hazard(n, "regime_change.hazard", d));
            let lag = r.opt_count(d, "lag_years", 0, 200);
            r.finish(d, keys::REGIME_CHANGE);
            if let (Some(hazard), Ok(lag)) = (hazard, lag) {
                out.change = Some(ChangeSpec {
                    hazard,
                    lag_years: lag.unwrap_or(1) as usize,
                });
            }
        }
    }
    out
}

fn specs(node: &Node, sources: &SourceMap, d: &mut Diags) -> Vec<Spec> {
    let Value::Array(items) = &node.value else {
        d.error(node.origin, "regime", "expected [[regime]] tables");
        return Vec::new();
    };
    let mut out: Vec<Spec> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut r) = Reader::of(item, format!("regime[{i}]"), d) else {
            continue;
        };
        let name = r.string(d, "name");
        if let Some(n) = name.filter(|n| is_id(n)) {
            r.path = format!("regime[{n}]");
        }
        let label = r.names(d, "label");
        let notes = r.notes(d);
        let weight = r.opt_num(d, "weight", positive);
        let set = r.table(d, "set", true);
        let has_set = set.is_some();
        let ops = set
            .map(|s| paths::flatten(s.table, sources))
            .unwrap_or_default();
        let (path, origin) = (r.path.clone(), r.origin);
        r.finish(d, keys::REGIME);
        let mut ok = true;
        for (k, op) in ops.iter().enumerate() {
            if let Err(msg) = settable(&op.path) {
                d.error(op.origin, format!("{path}.set[\"{}\"]", op.path), msg);
                ok = false;
            }
            // As in an instrument (section 5), a rate and a scale exclude each other.
            if let Some(id) = op.path.strip_suffix(".rate_scale") {
                if ops[..k]
                    .iter()
                    .chain(&ops[k + 1..])
                    .any(|o| o.path == format!("{id}.rate"))
                {
                    d.error(
                        op.origin,
                        format!("{path}.set[\"{}\"]", op.path),
                        format!("the regime sets both `{id}.rate` and `{id}.rate_scale`; give one of them (setting one drops the other)"),
                    );
                    ok = false;
                }
            }
        }
        if ops.is_empty() && has_set {
            d.error(
                origin,
                format!("{path}.set"),
                "a regime must set at least one key",
            );
            ok = false;
        }
        let Some(name) = name else { continue };
        let name_origin = item
            .as_table()
            .and_then(|t| t.get("name"))
            .map_or(origin, |n| n.origin);
        if !is_id(name) || name == CURRENT {
            d.error(
                name_origin,
                format!("{path}.name"),
                format!(
                    "found {}, expected a name of at most {} letters, digits, `_` and `-` other than \"{CURRENT}\" (the law as written)",
                    read::shown(name),
                    read::MAX_ID_CHARS
                ),
            );
            continue;
        }
        if out.len() >= MAX_REGIMES {
            d.error(
                origin,
                path,
                format!("at most {MAX_REGIMES} regimes can be declared"),
            );
            continue;
        }
        if out.iter().any(|s| s.name == name) {
            d.error(
                name_origin,
                format!("{path}.name"),
                format!("duplicate regime name \"{name}\""),
            );
            continue;
        }
        let (Ok(weight), true) = (weight, ok) else {
            continue;
        };
        out.push(Spec {
            name: name.to_string(),
            label,
            notes,
            weight: weight.unwrap_or(1.0),
            ops,
        });
    }
    out
}

/// Whether a regime may set `path`: an instrument's rate, rate_scale, route or probability, a
/// fund's disburse.
fn settable(path: &str) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    let allowed = match segs.as_slice() {
        ["instrument", id, key] if !id.is_empty() => INSTRUMENT_KEYS.contains(key),
        ["fund", id, key] if !id.is_empty() => FUND_KEYS.contains(key),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "a regime may set only a whole key among an instrument's {} (`instrument.<id>.rate`, a whole `route`) or a fund's disburse (`fund.<id>.disburse`); found `{path}`",
            read::quoted(&INSTRUMENT_KEYS)
        ))
    }
}

/// A hazard: a probability in [0, 1], or `{ base, driver, elasticity }`.
pub fn hazard(node: &Node, path: &str, d: &mut Diags) -> Option<HazardSpec> {
    match &node.value {
        Value::Table(_) => {
            let mut r = Reader::of(node, path, d)?;
            let base = r.num(d, "base", unit);
            let driver = r
                .node("driver")
                .and_then(|n| Reader::str_node(d, n, format!("{path}.driver")).map(|s| (s, n)));
            if !r.has("driver") {
                d.error(
                    r.origin,
                    format!("{path}.driver"),
                    "missing required key `driver` (the id of the driver whose rise raises the hazard)",
                );
            }
            let elasticity = r.num(d, "elasticity", any);
            r.finish(d, keys::HAZARD);
            let ((id, n), base, elasticity) = (driver?, base?, elasticity?);
            Some(HazardSpec::Driver {
                base,
                driver: id.to_string(),
                origin: n.origin,
                key: format!("{path}.driver"),
                elasticity,
            })
        }
        _ => {
            let r = Reader::new(&EMPTY, node.origin, "");
            let h = r.num_node(d, node, path.to_string(), unit)?;
            Some(HazardSpec::Fixed(h))
        }
    }
}

static EMPTY: Table = Table {
    entries: Vec::new(),
};

/// Splits a variant's changes into those of its model and its hazard (`regime_change.hazard`),
/// reporting any other change of `[regime_change]` or of a regime.
pub fn variant_hazard(
    ops: &[SetOp],
    what: &str,
    declared: &Declared,
    d: &mut Diags,
) -> (Vec<SetOp>, Option<HazardSpec>) {
    let mut rest = Vec::new();
    let mut hz = None;
    for op in ops {
        let section = op.path.split('.').next().unwrap_or("");
        if section != "regime" && section != "regime_change" {
            rest.push(op.clone());
            continue;
        }
        let key = format!("{what}[\"{}\"]", op.path);
        if op.path != VARIANT_KEY {
            d.error(
                op.origin,
                key,
                format!(
                    "a variant may change only `{VARIANT_KEY}` of the law-change settings (docs/model.md section 11); the regimes apply on top of every variant as declared"
                ),
            );
            continue;
        }
        if declared.change.is_none() {
            d.error(
                op.origin,
                key,
                "the scenario has no [regime_change] whose hazard this variant could change",
            );
            continue;
        }
        hz = hazard(&op.value, &key, d);
    }
    (rest, hz)
}

/// Builds every declared regime on top of one model's tree (the baseline's or a variant's),
/// and resolves the hazard (the variant's own, if it sets one). `context` names the model in
/// messages ("variant `x`"; `None` for the baseline).
#[allow(clippy::too_many_arguments)]
pub fn laws(
    model: &Model,
    tree: &Table,
    patches: &[AreaPatch],
    declared: &Declared,
    own_hazard: Option<&HazardSpec>,
    fallback: &str,
    context: Option<&str>,
    d: &mut Diags,
) -> (Vec<Regime>, Option<RegimeChange>) {
    if declared.regimes.is_empty() {
        return (Vec::new(), None);
    }
    let mut regimes = vec![Regime {
        name: CURRENT.to_string(),
        label: Names::new(),
        notes: Notes::default(),
        weight: 1.0,
        instruments: model
            .instruments
            .iter()
            .map(|i| Law {
                charge: i.charge.clone(),
                probability: i.probability,
                flows: i.flows.clone(),
            })
            .collect(),
        disburse: model.funds.iter().map(|f| f.disburse).collect(),
    }];
    for spec in &declared.regimes {
        let saved = d.variant.take();
        d.variant = Some(match context {
            Some(c) => format!("{c} under regime `{}`", spec.name),
            None => format!("regime `{}`", spec.name),
        });
        let before = d.list.len();
        let mut rtree = tree.clone();
        let mut rpatches = patches.to_vec();
        let what = format!("regime[{}].set", spec.name);
        for op in &spec.ops {
            // A regime that sets a rate drops the instrument's scale, and the other way round.
            let segs: Vec<&str> = op.path.split('.').collect();
            if let ["instrument", id, key @ ("rate" | "rate_scale")] = segs.as_slice() {
                let other = if *key == "rate" { "rate_scale" } else { "rate" };
                paths::remove_key(&mut rtree, "instrument", id, other);
            }
            paths::apply(&mut rtree, op, &what, d, &mut rpatches);
        }
        let built = if d.list.len() == before {
            build::build(&rtree, &rpatches, fallback, d)
        } else {
            None
        };
        d.variant = saved;
        let Some(rm) = built else { continue };
        let same_shape = rm.instruments.len() == model.instruments.len()
            && rm.funds.len() == model.funds.len()
            && rm.instruments.iter().zip(&model.instruments).all(|(a, b)| {
                a.flows.len() == b.flows.len()
                    && a.flows
                        .iter()
                        .zip(&b.flows)
                        .all(|(x, y)| x.project == y.project)
            });
        if !same_shape {
            // Only rates, routes, probabilities and payout shares can differ (`settable`).
            d.error(
                Origin::NONE,
                format!("regime[{}]", spec.name),
                "the regime changes which projects or funds exist; this is a defect of aimak, please report it with the scenario",
            );
            continue;
        }
        regimes.push(Regime {
            name: spec.name.clone(),
            label: spec.label.clone(),
            notes: spec.notes.clone(),
            weight: spec.weight,
            instruments: rm
                .instruments
                .into_iter()
                .map(|i| Law {
                    charge: i.charge,
                    probability: i.probability,
                    flows: i.flows,
                })
                .collect(),
            disburse: rm.funds.iter().map(|f| f.disburse).collect(),
        });
    }
    let change = declared.change.as_ref().and_then(|c| {
        let spec = own_hazard.unwrap_or(&c.hazard);
        let hazard = match spec {
            HazardSpec::Fixed(h) => Hazard::Fixed(*h),
            HazardSpec::Driver {
                base,
                driver,
                origin,
                key,
                elasticity,
            } => match model.drivers.iter().position(|x| &x.id == driver) {
                Some(k) => Hazard::Driver {
                    base: *base,
                    driver: k,
                    elasticity: *elasticity,
                },
                None => {
                    let ids: Vec<&str> = model.drivers.iter().map(|x| x.id.as_str()).collect();
                    let hint = read::did_you_mean(driver, &ids)
                        .map(|k| format!("did you mean `{k}`? "))
                        .unwrap_or_default();
                    d.error(
                        *origin,
                        key.clone(),
                        format!(
                            "unknown driver `{driver}`; {hint}expected one of {}",
                            read::quoted(&ids)
                        ),
                    );
                    return None;
                }
            },
        };
        Some(RegimeChange {
            hazard,
            lag_years: c.lag_years,
        })
    });
    (regimes, change)
}
