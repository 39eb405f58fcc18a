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
    let files = builtin::FILES
        .iter()
        .map(|(p, t)| (std::path::PathBuf::from(p), t.to_string()))
        .collect();
    load_with(Path::new(builtin::DEFAULT), &Files::Memory(files))
}

pub fn load_with(path: &Path, files: &Files) -> Result<Scenario, ScenarioErrors> {
    let merged =
        load::merge(path, files).map_err(|(_, diagnostics)| ScenarioErrors { diagnostics })?;
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
    let (result, diagnostics) = from_tree(merged.tree, &merged.sources, &fallback);
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

struct VariantSpec {
    name: String,
    label: Names,
    description: Option<String>,
    notes: Notes,
    ops: Vec<paths::SetOp>,
}

type Built = (crate::model::Model, Vec<Variant>, crate::model::RunDefaults);

/// Applies overrides, builds the baseline, then each variant from a copy of the tree.
fn from_tree(
    mut tree: Table,
    sources: &SourceMap,
    fallback: &str,
) -> (Option<Built>, Vec<Diagnostic>) {
    let mut d = Diags::new(sources);
    let overrides = tree.remove("overrides");
    let variant_node = tree.remove("variant");
    // Laws are applied on top of each model's tree (`regimes`), never read as a section of it.
    let declared = regimes::declared(
        tree.remove("regime"),
        tree.remove("regime_change"),
        sources,
        &mut d,
    );

    let mut patches = Vec::new();
    if let Some(node) = overrides {
        match &node.value {
            Value::Table(t) => {
                for op in paths::flatten(t, sources) {
                    paths::apply(&mut tree, &op, "overrides", &mut d, &mut patches);
                }
            }
            other => d.error(
                node.origin,
                "overrides",
                format!("found {}, expected a table of key paths", other.type_name()),
            ),
        }
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
