//! Checking a fragment: a file meant to be included by scenarios (a fiscal regime such as
//! `scenarios/regimes/kg-2019.toml`), not run on its own. It has no horizon and may name
//! drivers and places that only an including scenario declares, so it cannot be built into a
//! model; `aimak check` holds it against the JSON Schema of the format instead (the same one
//! editors use, built from the reader's key lists): every key known, every value of the right
//! kind and range, every required key of a table present. Whether its names resolve is
//! checked when a scenario includes it.

use super::load::{self, Files};
use super::read::did_you_mean;
use super::tree::{Node, Table, Value};
use crate::diag::{Diags, Origin, ScenarioErrors};
use serde_json::Value as Json;
use std::path::Path;

/// What a valid fragment declares, for `aimak check` to describe.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// Files read, the fragment first.
    pub files: Vec<String>,
    /// (section, count) for every section it declares, in the format's order.
    pub sections: Vec<(String, usize)>,
}

/// Whether `path` is a fragment: its `[scenario]` table (with its includes merged) gives
/// none of `name`, `start_year` and `years`. A file that gives some of them is a scenario,
/// and one it lacks is reported as missing.
pub fn is_fragment(path: &Path) -> bool {
    match load::merge_fragment(path, &Files::Disk) {
        Ok(m) => m
            .tree
            .get("scenario")
            .and_then(Node::as_table)
            .is_none_or(|s| {
                ["name", "start_year", "years"]
                    .iter()
                    .all(|k| s.get(k).is_none())
            }),
        Err(_) => false,
    }
}

/// Checks a fragment and everything it includes against the schema of the format.
pub fn check(path: &Path) -> Result<Fragment, ScenarioErrors> {
    let merged = load::merge_fragment(path, &Files::Disk)
        .map_err(|(_, diagnostics)| ScenarioErrors { diagnostics })?;
    let schema = super::schema::schema();
    let mut d = Diags::new(&merged.sources);
    let root = Node::new(Value::Table(merged.tree.clone()), Origin::NONE);
    walk(&mut d, &schema, &root, "");
    if !d.is_empty() {
        return Err(ScenarioErrors {
            diagnostics: d.list,
        });
    }
    let sections = merged
        .tree
        .entries
        .iter()
        .filter_map(|e| match &e.node.value {
            Value::Array(items) => Some((e.key.clone(), items.len())),
            Value::Table(t) if e.key == "driver" => Some((e.key.clone(), t.entries.len())),
            _ => None,
        })
        .collect();
    Ok(Fragment {
        files: merged
            .sources
            .files
            .iter()
            .map(|f| f.name.clone())
            .collect(),
        sections,
    })
}

/// The key path of an element, as the reader writes it: `instrument[royalty].rate`.
fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn element(path: &str, i: usize, node: &Node) -> String {
    let id = node
        .as_table()
        .and_then(|t| t.get("id").or_else(|| t.get("name")))
        .and_then(|n| match &n.value {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        });
    match id {
        Some(id) => format!("{path}[{id}]"),
        None => format!("{path}[{i}]"),
    }
}

/// Reports every way `node` departs from `schema`.
fn walk(d: &mut Diags, schema: &Json, node: &Node, path: &str) {
    let mut problems = Vec::new();
    problems_of(schema, node, path, &mut problems);
    for (origin, key, message) in problems {
        d.error(origin, key, message);
    }
}

type Problem = (Origin, String, String);

fn problems_of(schema: &Json, node: &Node, path: &str, out: &mut Vec<Problem>) {
    // One of several forms: the node is fine if it fits one; otherwise say what the forms
    // are, or, when only one form has the node's kind, what is wrong inside it.
    if let Some(forms) = schema.get("anyOf").and_then(Json::as_array) {
        let results: Vec<Vec<Problem>> = forms
            .iter()
            .map(|f| {
                let mut p = Vec::new();
                problems_of(f, node, path, &mut p);
                p
            })
            .collect();
        if results.iter().any(Vec::is_empty) {
            return;
        }
        let same_kind: Vec<&Vec<Problem>> = forms
            .iter()
            .zip(&results)
            .filter(|(f, _)| kind_fits(f, &node.value))
            .map(|(_, r)| r)
            .collect();
        if same_kind.len() == 1 {
            out.extend(same_kind[0].iter().cloned());
        } else {
            let mut kinds: Vec<String> = Vec::new();
            for k in forms.iter().map(kind_name) {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            let what = kinds.join(" or ");
            out.push((
                node.origin,
                path.to_string(),
                format!("found {}, expected {what}", node.value.type_name()),
            ));
        }
        return;
    }
    if let Some(c) = schema.get("const") {
        if !equals(c, &node.value) {
            out.push((node.origin, path.to_string(), format!("expected {c}")));
        }
        return;
    }
    if !kind_fits(schema, &node.value) {
        out.push((
            node.origin,
            path.to_string(),
            format!(
                "found {}, expected {}",
                node.value.type_name(),
                kind_name(schema)
            ),
        ));
        return;
    }
    match &node.value {
        Value::Str(s) => {
            if let Some(options) = schema.get("enum").and_then(Json::as_array) {
                if !options.iter().any(|o| o.as_str() == Some(s)) {
                    let words: Vec<String> = options.iter().map(|o| o.to_string()).collect();
                    out.push((
                        node.origin,
                        path.to_string(),
                        format!("found \"{s}\", expected one of {}", words.join(", ")),
                    ));
                }
            }
        }
        Value::Int(_) | Value::Float(_) => {
            let x = node.value.as_f64().expect("a number");
            if let Some(why) = out_of_range(schema, x) {
                out.push((node.origin, path.to_string(), format!("found {x}, {why}")));
            }
        }
        Value::Array(items) => {
            if let Some(min) = schema.get("minItems").and_then(Json::as_u64) {
                if (items.len() as u64) < min {
                    out.push((
                        node.origin,
                        path.to_string(),
                        format!("found {} item(s), expected at least {min}", items.len()),
                    ));
                }
            }
            if let Some(item) = schema.get("items") {
                for (i, n) in items.iter().enumerate() {
                    problems_of(item, n, &element(path, i, n), out);
                }
            }
        }
        Value::Table(t) => table_problems(schema, t, node.origin, path, out),
        Value::Bool(_) | Value::Datetime(_) => {}
    }
}

fn table_problems(schema: &Json, t: &Table, origin: Origin, path: &str, out: &mut Vec<Problem>) {
    let props = schema.get("properties").and_then(Json::as_object);
    let patterns = schema.get("patternProperties").and_then(Json::as_object);
    let extra = schema.get("additionalProperties");
    for e in &t.entries {
        let p = child(path, &e.key);
        if let Some(s) = props.and_then(|m| m.get(&e.key)) {
            problems_of(s, &e.node, &p, out);
        } else if let Some(s) = patterns.and_then(|m| {
            // The only patterns of the format are calendar years.
            (e.key.len() <= 4 && e.key.chars().all(|c| c.is_ascii_digit()))
                .then(|| m.values().next())
                .flatten()
        }) {
            problems_of(s, &e.node, &p, out);
        } else {
            match extra {
                Some(Json::Bool(false)) => {
                    let known: Vec<&str> = props
                        .map(|m| m.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let hint = match did_you_mean(&e.key, &known) {
                        Some(k) => format!("did you mean `{k}`? Expected one of"),
                        None => "expected one of".to_string(),
                    };
                    let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                    out.push((
                        e.key_origin,
                        p,
                        format!("unknown key `{}`; {hint} {}", e.key, list.join(", ")),
                    ));
                }
                // A table of entities by id (`[driver.gold]`): named as the reader names them.
                Some(s) if s.is_object() => {
                    problems_of(s, &e.node, &format!("{path}[{}]", e.key), out)
                }
                _ => {}
            }
        }
    }
    let mut required: Vec<&str> = strs(schema.get("required"));
    // `allOf` of `if {properties: {k: {const: v}}} then {required: [...]}`: keys a table
    // needs when one of its keys has a given value (a driver's model).
    for rule in schema
        .get("allOf")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let Some(cond) = rule.pointer("/if/properties").and_then(Json::as_object) else {
            continue;
        };
        // A condition on a key: its value (`const`) or the keys its table has (`required`).
        let holds = cond.iter().all(|(k, c)| {
            t.get(k).is_some_and(|n| match (c.get("const"), &n.value) {
                (Some(v), value) => equals(v, value),
                (None, Value::Table(inner)) => strs(c.get("required"))
                    .iter()
                    .all(|r| inner.get(r).is_some()),
                _ => false,
            })
        });
        let branch = if holds { "/then" } else { "/else" };
        required.extend(strs(rule.pointer(&format!("{branch}/required"))));
    }
    for key in required {
        if t.get(key).is_none() {
            out.push((
                origin,
                child(path, key),
                format!("missing required key `{key}`"),
            ));
        }
    }
}

fn strs(v: Option<&Json>) -> Vec<&str> {
    v.and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

fn equals(expected: &Json, v: &Value) -> bool {
    match (expected, v) {
        (Json::String(a), Value::Str(b)) => a == b,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::Number(a), Value::Int(_) | Value::Float(_)) => a.as_f64() == v.as_f64(),
        _ => false,
    }
}

/// Whether the value has the kind the schema asks for (any kind where it asks none).
fn kind_fits(schema: &Json, v: &Value) -> bool {
    if let Some(forms) = schema.get("anyOf").and_then(Json::as_array) {
        return forms.iter().any(|f| kind_fits(f, v));
    }
    if let Some(c) = schema.get("const") {
        return equals(c, v);
    }
    match schema.get("type").and_then(Json::as_str) {
        None => true,
        Some("object") => matches!(v, Value::Table(_)),
        Some("array") => matches!(v, Value::Array(_)),
        Some("string") => matches!(v, Value::Str(_)),
        Some("boolean") => matches!(v, Value::Bool(_)),
        Some("integer") => matches!(v, Value::Int(_)),
        Some("number") => matches!(v, Value::Int(_) | Value::Float(_)),
        Some(_) => true,
    }
}

fn kind_name(schema: &Json) -> String {
    if let Some(c) = schema.get("const") {
        return c.to_string();
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("object") => "a table".into(),
        Some("array") => "an array".into(),
        Some("string") => "a string".into(),
        Some("boolean") => "true or false".into(),
        Some("integer") => "a whole number".into(),
        Some("number") => "a number".into(),
        _ => "a value".into(),
    }
}

fn out_of_range(schema: &Json, x: f64) -> Option<String> {
    let bound = |k: &str| schema.get(k).and_then(Json::as_f64);
    if let Some(m) = bound("minimum").filter(|m| x < *m) {
        return Some(format!("expected at least {m}"));
    }
    if let Some(m) = bound("exclusiveMinimum").filter(|m| x <= *m) {
        return Some(format!("expected more than {m}"));
    }
    if let Some(m) = bound("maximum").filter(|m| x > *m) {
        return Some(format!("expected at most {m}"));
    }
    if let Some(m) = bound("exclusiveMaximum").filter(|m| x >= *m) {
        return Some(format!("expected less than {m}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(schema: Json, toml: &str) -> Vec<String> {
        let t = toml::de::DeTable::parse(toml).unwrap();
        let tree = Table::from_toml(t.get_ref(), 0);
        let mut out = Vec::new();
        problems_of(
            &schema,
            &Node::new(Value::Table(tree), Origin::NONE),
            "",
            &mut out,
        );
        out.into_iter()
            .map(|(_, k, m)| format!("{k}: {m}"))
            .collect()
    }

    #[test]
    fn a_regime_fragment_fits_and_its_mistakes_are_named() {
        let s = super::super::schema::schema();
        assert!(problems(
            s.clone(),
            "format_version = 1\n[[instrument]]\nid = \"r\"\nbase = \"gross_revenue\"\nrate = { 2026 = 0.05 }\nroute = [ { to = \"republic\", share = 1.0 } ]\n"
        )
        .is_empty());
        let p = problems(
            s,
            "[[instrument]]\nid = \"r\"\nbase = \"gross\"\nrate = -1\nroutes = []\n[driver.gold]\nmodel = \"gbm\"\n",
        );
        let all = p.join("\n");
        assert!(
            all.contains("instrument[r].base: found \"gross\", expected one of"),
            "{all}"
        );
        assert!(all.contains("instrument[r].rate: found"), "{all}");
        assert!(
            all.contains("unknown key `routes`; did you mean `route`?"),
            "{all}"
        );
        assert!(
            all.contains("instrument[r].route: missing required key `route`"),
            "{all}"
        );
    }
}
