//! A scenario as it could have been written at a past origin year (`aimak backtest --origins`,
//! docs/model.md section 13): `start_year` moved to the origin `o`, and every `history` driver
//! cut after year `o - 1`, so that its continuation starts from the value of `o - 1` (or of its
//! last year, if the record ends earlier: the continuation then steps on to the origin).
//!
//! The cut is made on the merged tree, before `[overrides]` and variants are applied and the
//! model is built, so the result is validated exactly like a file written that way. What cannot
//! be cut is refused with the reason: a history driver without a continuation (`then`) has no
//! values to give after `o - 1`, and one whose record starts at or after `o` has no value of
//! `o - 1` to continue from. A project's `calendar` output is a record of what happened and
//! stays as written; other dated values (rates, grants) are law and stay too.

use super::load::{self, Files};
use super::tree::{Node, Table, Value};
use crate::diag::ScenarioErrors;
use crate::model::Scenario;
use std::path::Path;

/// Why a scenario could not be loaded at an origin.
#[derive(Debug)]
pub enum CutError {
    /// The scenario itself (or the cut one) does not validate.
    Scenario(ScenarioErrors),
    /// The scenario cannot be cut at this origin: one reason per driver.
    Refused(Vec<String>),
}

/// Loads `path` as of origin year `origin` (see the module documentation).
pub fn load_file_at_origin(path: &Path, origin: i32) -> Result<Scenario, CutError> {
    let mut merged = load::merge(path, &Files::Disk)
        .map_err(|(_, diagnostics)| CutError::Scenario(ScenarioErrors { diagnostics }))?;
    let refused = cut(&mut merged.tree, origin);
    if !refused.is_empty() {
        return Err(CutError::Refused(refused));
    }
    super::from_merged(merged, path).map_err(CutError::Scenario)
}

/// Cuts the merged tree at `origin`; returns the reasons it cannot be cut (empty: done).
pub(crate) fn cut(tree: &mut Table, origin: i32) -> Vec<String> {
    let mut refused = Vec::new();
    if let Some(s) = tree.get_mut("scenario").and_then(Node::as_table_mut) {
        if let Some(n) = s.get_mut("start_year") {
            n.value = Value::Int(i64::from(origin));
        }
    }
    let Some(drivers) = tree.get_mut("driver").and_then(Node::as_table_mut) else {
        return refused;
    };
    for e in &mut drivers.entries {
        let name = e.key.clone();
        let Some(d) = e.node.as_table_mut() else {
            continue;
        };
        if d.get("model").and_then(Node::as_str) != Some("history") {
            continue;
        }
        let has_then = d.get("then").is_some();
        let Some(values) = d.get_mut("values").and_then(Node::as_table_mut) else {
            continue;
        };
        let years: Vec<i64> = values
            .entries
            .iter()
            .filter_map(|v| v.key.trim().parse::<i64>().ok())
            .collect();
        let before = i64::from(origin) - 1;
        if !has_then {
            refused.push(format!(
                "driver \"{name}\" is a history without a continuation `then`: cut after {before}, it has no values for the years from {origin}; give it a `then`"
            ));
            continue;
        }
        // A record that ends before `origin - 1` is kept whole: its continuation steps on to
        // the origin as it would in any scenario.
        if !years.iter().any(|&y| y <= before) {
            let first = years.iter().min().copied().unwrap_or(i64::from(origin));
            refused.push(format!(
                "driver \"{name}\": its record starts in {first}, so it has no value of {before} or before to continue from at origin {origin}; choose origins from {}",
                first + 1
            ));
            continue;
        }
        values.entries.retain(|v| {
            v.key
                .trim()
                .parse::<i64>()
                .is_ok_and(|y| y < i64::from(origin))
        });
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Origin;

    fn table(entries: Vec<(&str, Value)>) -> Table {
        let mut t = Table::default();
        for (k, v) in entries {
            t.set(k, Node::new(v, Origin::NONE), Origin::NONE);
        }
        t
    }

    fn history(years: &[i64], then: bool) -> Value {
        let values = table(
            years
                .iter()
                .map(|y| {
                    (
                        Box::leak(y.to_string().into_boxed_str()) as &str,
                        Value::Float(1.0),
                    )
                })
                .collect(),
        );
        let mut d = vec![
            ("model", Value::Str("history".into())),
            ("values", Value::Table(values)),
        ];
        if then {
            d.push((
                "then",
                Value::Table(table(vec![("model", Value::Str("gbm".into()))])),
            ));
        }
        Value::Table(table(d))
    }

    fn tree(gold: Value) -> Table {
        table(vec![
            (
                "scenario",
                Value::Table(table(vec![("start_year", Value::Int(2012))])),
            ),
            ("driver", Value::Table(table(vec![("gold", gold)]))),
        ])
    }

    fn years_of(t: &Table) -> Vec<String> {
        let d = t.get("driver").and_then(Node::as_table).expect("drivers");
        let g = d.get("gold").and_then(Node::as_table).expect("gold");
        let v = g.get("values").and_then(Node::as_table).expect("values");
        v.entries.iter().map(|e| e.key.clone()).collect()
    }

    #[test]
    fn a_history_is_cut_before_the_origin_and_the_start_moves() {
        let mut t = tree(history(&[2018, 2019, 2020, 2021], true));
        assert!(cut(&mut t, 2020).is_empty());
        assert_eq!(years_of(&t), ["2018", "2019"]);
        let s = t
            .get("scenario")
            .and_then(Node::as_table)
            .expect("scenario");
        assert_eq!(
            s.get("start_year").map(|n| &n.value),
            Some(&Value::Int(2020))
        );
    }

    #[test]
    fn what_cannot_be_cut_is_refused_with_the_reason() {
        let mut t = tree(history(&[2018, 2019, 2020], false));
        let r = cut(&mut t, 2020);
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("without a continuation"), "{}", r[0]);
        let mut t = tree(history(&[2019, 2020], true));
        let r = cut(&mut t, 2019);
        assert!(r[0].contains("choose origins from 2020"), "{}", r[0]);
    }

    #[test]
    fn a_record_that_ends_before_the_origin_is_kept_whole() {
        let mut t = tree(history(&[2016, 2017], true));
        assert!(cut(&mut t, 2020).is_empty());
        assert_eq!(years_of(&t), ["2016", "2017"]);
    }
}
