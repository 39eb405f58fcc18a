//! Key paths of `[overrides]` and `[variant.set]` (docs/model.md section 7), applied to the tree.
//!
//! A path is `<section>.<id>.<key>[.<key>...]` (or `scenario.<key>`); array elements are
//! addressed by index. Values keep the origin of the `set` line, so an error that a changed
//! value causes later is reported there.

use super::tree::{Node, Table, Value};
use crate::diag::{Diags, Origin, SourceMap};

pub const SECTIONS: [&str; 6] = [
    "driver",
    "municipality",
    "fund",
    "project",
    "instrument",
    "scenario",
];

/// One change: a key path and its new value.
#[derive(Debug, Clone)]
pub struct SetOp {
    pub path: String,
    pub origin: Origin,
    pub value: Node,
}

/// A change addressed to one expansion (`<declared>:<area>`) of an `area = "*"` fund; it is
/// applied when the fund is expanded (see `build`).
#[derive(Debug, Clone)]
pub struct AreaPatch {
    pub declared: String,
    pub area: String,
    pub keys: Vec<String>,
    pub op: SetOp,
}

/// Reads a `set` or `[overrides]` table into flat changes. Dotted keys, which TOML nests, are
/// joined back into one path; an inline table `{ ... }` is a value that replaces a whole table.
pub fn flatten(table: &Table, sources: &SourceMap) -> Vec<SetOp> {
    fn walk(prefix: &str, t: &Table, sources: &SourceMap, out: &mut Vec<SetOp>) {
        for e in &t.entries {
            let path = if prefix.is_empty() {
                e.key.clone()
            } else {
                format!("{prefix}.{}", e.key)
            };
            let inline = sources
                .text(e.node.origin)
                .is_some_and(|s| s.trim_start().starts_with('{'));
            match &e.node.value {
                Value::Table(inner) if !inline => walk(&path, inner, sources, out),
                _ => out.push(SetOp {
                    path,
                    origin: e.key_origin,
                    value: e.node.clone(),
                }),
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, sources, &mut out);
    out
}

/// Applies one change to the merged tree. `what` names the table the change came from
/// (`overrides`, `variant[partnership].set`) for error messages.
pub fn apply(
    tree: &mut Table,
    op: &SetOp,
    what: &str,
    d: &mut Diags,
    patches: &mut Vec<AreaPatch>,
) {
    let segs: Vec<&str> = op.path.split('.').collect();
    let key = format!("{what}[\"{}\"]", op.path);
    let err = |d: &mut Diags, msg: String| d.error(op.origin, key.clone(), msg);
    if segs.iter().any(|s| s.is_empty()) {
        return err(d, format!("`{}` is not a key path: empty segment", op.path));
    }
    let section = segs[0];
    if section == "budget_rule" {
        // docs/model.md section 10: every rule runs in every variant, so that rules are
        // compared on the same paths; a rule to try is declared beside the others instead.
        return err(
            d,
            format!(
                "`{}`: budget rules are not key paths: every [[budget_rule]] runs in every variant; declare the rule you want to compare as another [[budget_rule]] in the file",
                op.path
            ),
        );
    }
    if !SECTIONS.contains(&section) {
        return err(
            d,
            format!(
                "unknown section `{section}` in `{}`; expected a path starting with one of {} (correlations can be changed only in the files)",
                op.path,
                SECTIONS.join(", ")
            ),
        );
    }
    let (target, keys): (&mut Node, &[&str]) = if section == "scenario" {
        if segs.len() < 2 {
            return err(d, format!("`{}` names no key", op.path));
        }
        let t = ensure_table(tree, "scenario", op.origin);
        (t, &segs[1..])
    } else {
        if segs.len() < 3 {
            return err(
                d,
                format!(
                    "`{}` is too short: expected `{section}.<id>.<key>`",
                    op.path
                ),
            );
        }
        let id = segs[1];
        if segs[2] == "id" {
            return err(d, format!("`{}`: an id cannot be changed", op.path));
        }
        match find_entity(tree, section, id) {
            Some(node) => (node, &segs[2..]),
            None => {
                if section == "fund" {
                    if let Some((declared, area)) = id.split_once(':') {
                        if is_star_fund(tree, declared) {
                            patches.push(AreaPatch {
                                declared: declared.to_string(),
                                area: area.to_string(),
                                keys: segs[2..].iter().map(|s| s.to_string()).collect(),
                                op: op.clone(),
                            });
                            return;
                        }
                    }
                }
                return err(d, format!("unknown {section} id `{id}` in `{}`", op.path));
            }
        }
    };
    if let Some(bad) = unknown_key(section, keys) {
        return err(d, bad);
    }
    if let Err(msg) = set_path(target, keys, op) {
        err(d, format!("`{}`: {msg}", op.path));
    }
}

/// For a path whose section is known but whose entity id is not: the problem, with the ids
/// the section has and the closest of them. `None` for anything else (which [`apply`] reports).
pub fn unknown_id(tree: &Table, path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('.').collect();
    let (section, id) = (*segs.first()?, *segs.get(1)?);
    if section == "scenario" || !SECTIONS.contains(&section) || segs.len() < 3 {
        return None;
    }
    let ids = entity_ids(tree, section);
    let declared = id.split_once(':').map(|(d, _)| d);
    if ids.iter().any(|i| i == id) || declared.is_some_and(|d| is_star_fund(tree, d)) {
        return None;
    }
    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
    let hint = match super::read::did_you_mean(id, &known) {
        Some(k) => format!("; did you mean `{k}`?"),
        None => String::new(),
    };
    Some(format!(
        "unknown {section} id `{id}` in `{path}`{hint} The scenario's {section} ids: {}",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    ))
}

/// The ids of a section's entities, in file order.
fn entity_ids(tree: &Table, section: &str) -> Vec<String> {
    match tree.get(section).map(|n| &n.value) {
        Some(Value::Table(t)) => t.entries.iter().map(|e| e.key.clone()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|n| n.as_table()?.get("id")?.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The value a key path holds in the tree, if any. An expansion of an `area = "*"` fund
/// (`fund.rdf:Ala-Buka.disburse`) holds what its declared fund holds.
pub fn value_at<'t>(tree: &'t Table, path: &str) -> Option<&'t Node> {
    let segs: Vec<&str> = path.split('.').collect();
    let (mut cur, keys): (&Node, &[&str]) = if segs[0] == "scenario" {
        (tree.get("scenario")?, &segs[1..])
    } else {
        let id = *segs.get(1)?;
        let entity = |id: &str| match &tree.get(segs[0])?.value {
            Value::Table(t) => t.get(id),
            Value::Array(items) => items.iter().find(|n| {
                n.as_table()
                    .and_then(|t| t.get("id"))
                    .and_then(Node::as_str)
                    == Some(id)
            }),
            _ => None,
        };
        let node = entity(id).or_else(|| entity(id.split_once(':')?.0))?;
        (node, segs.get(2..)?)
    };
    for k in keys {
        cur = match &cur.value {
            Value::Table(t) => t.get(k)?,
            Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Checks the key names of a path against the tables of the format, as far as they are
/// fixed tables (array elements and dated tables are checked when the result is read).
fn unknown_key(section: &str, keys: &[&str]) -> Option<String> {
    use super::keys as k;
    let mut known: &[&str] = match section {
        "driver" => k::DRIVER,
        "municipality" => k::MUNICIPALITY,
        "fund" => k::FUND,
        "project" => k::PROJECT,
        "instrument" => k::INSTRUMENT,
        _ => k::SCENARIO,
    };
    for (i, key) in keys.iter().enumerate() {
        if !known.contains(key) {
            let hint = match super::read::did_you_mean(key, known) {
                Some(k) => format!("did you mean `{k}`? Expected one of"),
                None => "expected one of".to_string(),
            };
            return Some(format!(
                "unknown key `{key}` in `{}`; {hint} {}",
                keys[..=i].join("."),
                known.join(", ")
            ));
        }
        known = match (section, *key) {
            ("driver", "jump") => k::JUMP,
            ("municipality", "own_revenue_growth") => k::GROWTH,
            ("project", "risk") => k::RISK,
            ("project", "output") => k::OUTPUT,
            ("project", "jobs") => k::JOBS,
            (_, "start_delay") => k::START_DELAY,
            (_, "blockade") => k::BLOCKADE,
            (_, "suspension") => k::SUSPENSION,
            (_, "shutdown_price") => k::SHUTDOWN,
            ("instrument", "rate_scale") => k::RATE_SCALE,
            ("instrument", "applies_to") => k::APPLIES_TO,
            _ => return None,
        };
    }
    None
}

/// Sets `keys` below `node` to the op's value, creating missing tables on the way.
pub fn set_path(node: &mut Node, keys: &[&str], op: &SetOp) -> Result<(), String> {
    let mut cur = node;
    for (i, k) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        match &mut cur.value {
            Value::Table(t) => {
                if last {
                    t.set(k, op.value.clone(), op.origin);
                    return Ok(());
                }
                if t.get(k).is_none() {
                    t.set(
                        k,
                        Node::new(Value::Table(Table::default()), op.origin),
                        op.origin,
                    );
                }
                cur = t.get_mut(k).expect("just inserted");
            }
            Value::Array(a) => {
                let idx: usize = k
                    .parse()
                    .map_err(|_| format!("`{k}` is not an index into the array"))?;
                let len = a.len();
                let elem = a.get_mut(idx).ok_or_else(|| {
                    format!("index {idx} is past the end (the array has {len} elements)")
                })?;
                if last {
                    *elem = op.value.clone();
                    return Ok(());
                }
                cur = elem;
            }
            other => {
                return Err(format!(
                    "cannot go into `{k}`: the value there is {}",
                    other.type_name()
                ))
            }
        }
    }
    Ok(())
}

fn ensure_table<'a>(tree: &'a mut Table, key: &str, origin: Origin) -> &'a mut Node {
    if tree.get(key).is_none() {
        tree.set(
            key,
            Node::new(Value::Table(Table::default()), origin),
            origin,
        );
    }
    tree.get_mut(key).expect("just inserted")
}

/// Removes `key` from the entity `<section>.<id>` of the tree, if both exist.
pub fn remove_key(tree: &mut Table, section: &str, id: &str, key: &str) {
    if let Some(Node {
        value: Value::Table(t),
        ..
    }) = find_entity(tree, section, id)
    {
        t.remove(key);
    }
}

fn find_entity<'a>(tree: &'a mut Table, section: &str, id: &str) -> Option<&'a mut Node> {
    let node = tree.get_mut(section)?;
    match &mut node.value {
        // Drivers are a table keyed by id.
        Value::Table(t) => t.get_mut(id),
        // The others are arrays of tables with an `id` key.
        Value::Array(items) => items.iter_mut().find(|n| {
            n.as_table()
                .and_then(|t| t.get("id"))
                .and_then(Node::as_str)
                == Some(id)
        }),
        _ => None,
    }
}

fn is_star_fund(tree: &Table, declared: &str) -> bool {
    let Some(Value::Array(funds)) = tree.get("fund").map(|n| &n.value) else {
        return false;
    };
    funds.iter().any(|f| {
        let t = f.as_table();
        t.and_then(|t| t.get("id")).and_then(Node::as_str) == Some(declared)
            && t.and_then(|t| t.get("area")).and_then(Node::as_str) == Some("*")
    })
}
