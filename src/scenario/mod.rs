//! Scenario format v1: reading files into a validated [`Scenario`] (docs/model.md sections 1-5, 7).
//!
//! The steps, each in its own module: [`load`] reads a file and its includes and merges them
//! into one [`tree`]; `[overrides]` and each variant's `set` are applied by [`paths`]; and
//! [`build`] reads the result into the [`crate::model`] types, reporting every problem with
//! its file, line and key path.

pub(crate) mod build;
pub(crate) mod builtin;
pub mod fragment;
pub(crate) mod keys;
pub mod load;
pub mod origin;
pub(crate) mod paths;
pub(crate) mod read;
pub(crate) mod regimes;
pub mod schema;
pub(crate) mod tree;

use crate::diag::{Diagnostic, Diags, ScenarioErrors, SourceMap};
use crate::model::BASELINE;
use crate::model::{Names, Notes, Scenario, Variant};
use load::Files;
use read::{is_id, Reader};
use std::path::Path;
use tree::{Table, Value};

/// Loads and validates a scenario file from disk.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioErrors> {
    load_with(path, &Files::Disk)
}

/// Loads the scenario compiled into the binary (`aimak run` without a file).
pub fn load_builtin() -> Result<Scenario, ScenarioErrors> {
    load_with(Path::new(builtin::DEFAULT), &builtin_files())
}

pub fn load_with(path: &Path, files: &Files) -> Result<Scenario, ScenarioErrors> {
    let merged =
        load::merge(path, files).map_err(|(_, diagnostics)| ScenarioErrors { diagnostics })?;
    from_merged(merged, path)
}

/// Validates a merged tree (changed or not, see [`origin`]) into a scenario; `path` names it.
fn from_merged(merged: load::Merged, path: &Path) -> Result<Scenario, ScenarioErrors> {
    let fallback = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "scenario".into());
    let files_read: Vec<String> = merged
        .sources
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let sources: Vec<(String, String)> = merged
        .sources
        .files
        .iter()
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect();
    let (result, diagnostics) = from_tree(merged.tree, &merged.sources, &fallback, &[]);
    match result {
        Some((baseline, variants, run)) if diagnostics.is_empty() => Ok(Scenario {
            baseline,
            variants,
            run,
            sha256: merged.sha256,
            files: files_read,
            sources: std::sync::Arc::new(sources),
        }),
        _ => Err(ScenarioErrors { diagnostics }),
    }
}

/// A scenario read and merged once, to be built again with numeric keys set to other values
/// (`aimak solve`). The keys are key paths of docs/model.md section 7, applied last: after
/// `[overrides]` to the baseline, and after each variant's own `set` to that variant, so that
/// the value asked for holds in every model built.
pub struct Tunable {
    tree: Table,
    sources: SourceMap,
    sha256: String,
    files: Vec<String>,
    fallback: String,
}

/// What a key path holds in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    /// A number (an integer or a float).
    Number(f64),
    /// Nothing: the key is valid but omitted (a default applies, or the table is created).
    Absent,
    /// Something else: the kind of value ("a table", "a string").
    Other(&'static str),
}

impl Tunable {
    /// Reads `path` (the built-in scenario without one) and builds it unchanged.
    pub fn load(path: Option<&Path>) -> Result<(Tunable, Scenario), ScenarioErrors> {
        let (path, files) = match path {
            Some(p) => (p, Files::Disk),
            None => (Path::new(builtin::DEFAULT), builtin_files()),
        };
        let merged =
            load::merge(path, &files).map_err(|(_, diagnostics)| ScenarioErrors { diagnostics })?;
        let tunable = Tunable {
            fallback: path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "scenario".into()),
            files: merged
                .sources
                .files
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            tree: merged.tree,
            sources: merged.sources,
            sha256: merged.sha256,
        };
        let scenario = tunable.build(&[])?;
        Ok((tunable, scenario))
    }

    /// The scenario with each `(key path, value)` set; every problem the values cause is
    /// reported as the loader reports it.
    pub fn build(&self, sets: &[(&str, f64)]) -> Result<Scenario, ScenarioErrors> {
        let ops: Vec<paths::SetOp> = sets
            .iter()
            .map(|(key, x)| paths::SetOp {
                path: key.to_string(),
                origin: crate::diag::Origin::NONE,
                value: tree::Node::new(Value::Float(*x), crate::diag::Origin::NONE),
            })
            .collect();
        let (result, diagnostics) =
            from_tree(self.tree.clone(), &self.sources, &self.fallback, &ops);
        match result {
            Some((baseline, variants, run)) if diagnostics.is_empty() => Ok(Scenario {
                baseline,
                variants,
                run,
                sha256: self.sha256.clone(),
                files: self.files.clone(),
                sources: std::sync::Arc::new(
                    self.sources
                        .files
                        .iter()
                        .map(|f| (f.name.clone(), f.text.clone()))
                        .collect(),
                ),
            }),
            _ => Err(ScenarioErrors { diagnostics }),
        }
    }

    /// What `key` holds in `variant` (`baseline` or a variant's name), after `[overrides]` and
    /// the variant's `set`; an error names what is wrong with the key path itself (an unknown
    /// section, id or key, with the loader's words and a "did you mean" where one is close).
    pub fn value(&self, variant: &str, key: &str) -> Result<KeyValue, String> {
        let mut tree = self.tree.clone();
        let mut d = Diags::new(&self.sources);
        let variant_node = tree.remove("variant");
        let mut patches = apply_overrides(&mut tree, &self.sources, &mut d);
        if variant != BASELINE {
            let specs = variant_node
                .map(|n| variant_specs(&n, &self.sources, &mut d))
                .unwrap_or_default();
            if let Some(spec) = specs.iter().find(|s| s.name == variant) {
                for op in &spec.ops {
                    paths::apply(&mut tree, op, "variant", &mut d, &mut patches);
                }
            }
        }
        // The scenario itself is valid (it was built); only the key's own problems count.
        let mut d = Diags::new(&self.sources);
        let probe = paths::SetOp {
            path: key.to_string(),
            origin: crate::diag::Origin::NONE,
            value: tree::Node::new(Value::Float(0.0), crate::diag::Origin::NONE),
        };
        if let Some(hint) = paths::unknown_id(&tree, key) {
            return Err(hint);
        }
        let before = tree.clone();
        paths::apply(&mut tree, &probe, "--set", &mut d, &mut Vec::new());
        if let Some(problem) = d.list.first() {
            return Err(problem.message.clone());
        }
        Ok(match paths::value_at(&before, key) {
            None => KeyValue::Absent,
            Some(node) => match &node.value {
                Value::Int(i) => KeyValue::Number(*i as f64),
                Value::Float(f) => KeyValue::Number(*f),
                other => KeyValue::Other(other.type_name()),
            },
        })
    }
}

fn builtin_files() -> Files {
    Files::Memory(
        builtin::FILES
            .iter()
            .map(|(p, t)| (std::path::PathBuf::from(p), t.to_string()))
            .collect(),
    )
}

/// Applies `[overrides]` (removed from the tree) and returns the changes addressed to
/// expansions of `area = "*"` funds.
fn apply_overrides(tree: &mut Table, sources: &SourceMap, d: &mut Diags) -> Vec<paths::AreaPatch> {
    let mut patches = Vec::new();
    if let Some(node) = tree.remove("overrides") {
        match &node.value {
            Value::Table(t) => {
                for op in paths::flatten(t, sources) {
                    paths::apply(tree, &op, "overrides", d, &mut patches);
                }
            }
            other => d.error(
                node.origin,
                "overrides",
                format!("found {}, expected a table of key paths", other.type_name()),
            ),
        }
    }
    patches
}

struct VariantSpec {
    name: String,
    label: Names,
    description: Option<String>,
    notes: Notes,
    ops: Vec<paths::SetOp>,
}

type Built = (crate::model::Model, Vec<Variant>, crate::model::RunDefaults);

/// Applies overrides, builds the baseline, then each variant from a copy of the tree.
/// `last` (the keys `aimak solve` sets) is applied after the overrides and after each
/// variant's own changes.
fn from_tree(
    mut tree: Table,
    sources: &SourceMap,
    fallback: &str,
    last: &[paths::SetOp],
) -> (Option<Built>, Vec<Diagnostic>) {
    let mut d = Diags::new(sources);
    let variant_node = tree.remove("variant");
    // Laws are applied on top of each model's tree (`regimes`), never read as a section of it.
    let declared = regimes::declared(
        tree.remove("regime"),
        tree.remove("regime_change"),
        sources,
        &mut d,
    );
    let mut patches = apply_overrides(&mut tree, sources, &mut d);
    for op in last {
        paths::apply(&mut tree, op, "--set", &mut d, &mut patches);
    }
    let specs = variant_node
        .map(|n| variant_specs(&n, sources, &mut d))
        .unwrap_or_default();
    let run = build::run_defaults(&tree, &mut d);
    let mut baseline = build::build(&tree, &patches, fallback, &mut d);
    if let Some(b) = &mut baseline {
        let (laws, change) =
            regimes::laws(b, &tree, &patches, &declared, None, fallback, None, &mut d);
        b.regimes = laws;
        b.regime_change = change;
    }
    let mut variants = Vec::new();
    for spec in specs {
        let mut vd = Diags::new(sources);
        vd.variant = Some(format!("variant `{}`", spec.name));
        let mut vtree = tree.clone();
        let mut vpatches = patches.clone();
        let what = format!("variant[{}].set", spec.name);
        let (ops, hazard) = regimes::variant_hazard(&spec.ops, &what, &declared, &mut vd);
        for op in &ops {
            paths::apply(&mut vtree, op, &what, &mut vd, &mut vpatches);
        }
        for op in last {
            paths::apply(&mut vtree, op, "--set", &mut vd, &mut vpatches);
        }
        if vd.is_empty() && baseline.is_some() {
            if let Some(mut model) = build::build(&vtree, &vpatches, fallback, &mut vd) {
                let context = format!("variant `{}`", spec.name);
                let (laws, change) = regimes::laws(
                    &model,
                    &vtree,
                    &vpatches,
                    &declared,
                    hazard.as_ref(),
                    fallback,
                    Some(&context),
                    &mut vd,
                );
                model.regimes = laws;
                model.regime_change = change;
                variants.push(Variant {
                    name: spec.name,
                    label: spec.label,
                    description: spec.description,
                    notes: spec.notes,
                    changes: spec.ops.iter().map(|o| o.path.clone()).collect(),
                    model,
                });
            }
        }
        d.list.extend(vd.list);
    }
    let mut list = std::mem::take(&mut d.list);
    // A problem met more than once (a fund with `area = "*"` is read once per area) is
    // reported once.
    let mut seen = std::collections::HashSet::new();
    list.retain(|x| seen.insert(x.to_string()));
    (baseline.map(|b| (b, variants, run)), list)
}

fn variant_specs(node: &tree::Node, sources: &SourceMap, d: &mut Diags) -> Vec<VariantSpec> {
    let Value::Array(items) = &node.value else {
        d.error(node.origin, "variant", "expected [[variant]] tables");
        return Vec::new();
    };
    let mut out: Vec<VariantSpec> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut r) = Reader::of(item, format!("variant[{i}]"), d) else {
            continue;
        };
        let name = r.string(d, "name");
        if let Some(n) = name.filter(|n| is_id(n)) {
            r.path = format!("variant[{n}]");
        }
        let label = r.names(d, "label");
        let description = r.opt_string(d, "description").map(str::to_string);
        let notes = r.notes(d);
        let set = r.table(d, "set", false);
        let ops = set
            .map(|s| paths::flatten(s.table, sources))
            .unwrap_or_default();
        let (path, origin) = (r.path.clone(), r.origin);
        r.finish(d, keys::VARIANT);
        let Some(name) = name else { continue };
        if !is_id(name) || name == BASELINE {
            d.error(
                item.table_origin("name"),
                format!("{path}.name"),
                format!(
                    "found {}, expected a name of at most {} letters, digits, `_` and `-` other than \"baseline\"",
                    read::shown(name),
                    read::MAX_ID_CHARS
                ),
            );
            continue;
        }
        if out.iter().any(|v| v.name == name) {
            d.error(
                origin,
                format!("{path}.name"),
                format!("duplicate variant name \"{name}\""),
            );
            continue;
        }
        out.push(VariantSpec {
            name: name.to_string(),
            label,
            description,
            notes,
            ops,
        });
    }
    out
}

impl tree::Node {
    /// Origin of `key` inside this table node, or of the node itself.
    fn table_origin(&self, key: &str) -> crate::diag::Origin {
        self.as_table()
            .and_then(|t| t.get(key))
            .map(|n| n.origin)
            .unwrap_or(self.origin)
    }
}
