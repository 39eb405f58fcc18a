//! Names of what a run reports, in every language the scenario gives, kept in manifest.json
//! so that `aimak chart` can label charts from the tables alone.

use crate::model::{Model, Names, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Inhabitants, for a municipality (the council sheet gives amounts per inhabitant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<f64>,
    /// A municipality's district and oblast, as the scenario names them (the national
    /// overview and the exports group by them; `Catalog::place_in` translates them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oblast: Option<String>,
    /// Where the scenario's numbers come from (`reference`), for projects and instruments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A municipality's grant clawback `theta` (`grant_offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_offset: Option<f64>,
    /// A project's host municipalities (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// A project's unit of output (`unit`), for the axis of its output chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Entry {
    pub(crate) fn new(id: &str, name: &str, names: &Names) -> Entry {
        Entry {
            id: id.to_string(),
            name: name.to_string(),
            names: names.clone(),
            population: None,
            district: None,
            oblast: None,
            reference: None,
            grant_offset: None,
            hosts: Vec::new(),
            unit: None,
        }
    }

    pub fn name_in(&self, lang: &str) -> &str {
        self.names
            .get(lang)
            .map(String::as_str)
            .unwrap_or(&self.name)
    }
}

impl Catalog {
    /// A district's or oblast's name in `lang`, falling back to the scenario's.
    pub fn place_in<'a>(&'a self, place: &'a str, lang: &str) -> &'a str {
        self.place_names
            .get(place)
            .and_then(|n| n.get(lang))
            .map_or(place, String::as_str)
    }
}

/// A fund: its name if the scenario gives one, its level and the area it serves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FundEntry {
    pub id: String,
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    pub level: String,
    pub area: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Catalog {
    pub scenario: String,
    /// The scenario's name in other languages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scenario_names: BTreeMap<String, String>,
    /// Districts' and oblasts' names in other languages, by the scenario's name for them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub place_names: BTreeMap<String, BTreeMap<String, String>>,
    pub start_year: i32,
    pub discount_rate: f64,
    pub municipalities: Vec<Entry>,
    pub projects: Vec<Entry>,
    pub instruments: Vec<Entry>,
    pub funds: Vec<FundEntry>,
    pub variants: Vec<Entry>,
    /// The budget rules (`[[budget_rule]]`), the reference `as_received` first; empty when the
    /// scenario declares none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Entry>,
    /// The laws (docs/model.md section 11): `current` first, then the declared regimes; empty
    /// when the scenario declares none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regimes: Vec<Entry>,
    /// What the scenario says of itself: its description, reference and notes, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<String>,
    /// The scenario's judgement calls: what its notes mark `[U]` (unsourced), by entity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub judgements: Vec<Judgement>,
}

/// The sentences of one entity's notes that carry the scenario's `[U]` mark (a value that is
/// a judgement, not a sourced fact).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Judgement {
    /// The entity's name, and in other languages where the scenario gives them.
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    pub text: String,
}

impl Judgement {
    pub fn name_in(&self, lang: &str) -> &str {
        self.names.get(lang).map_or(&self.name, String::as_str)
    }

    /// The sentences (or list items) of `notes` marked `[U]`, joined; `None` without any.
    fn of(name: &str, names: &Names, notes: &Option<String>) -> Option<Judgement> {
        let notes = notes.as_deref()?;
        let mut kept = Vec::new();
        // List items and paragraphs, each with its wrapped lines joined.
        let items = notes.split("\n- ").flat_map(|p| p.split("\n\n"));
        for item in items {
            let item: Vec<&str> = item.split_whitespace().collect();
            let item = item.join(" ");
            let item = item.trim_start_matches("- ");
            // Sentences end at ". " (or the item's end).
            let mut start = 0;
            for (i, _) in item.match_indices(". ") {
                let sentence = &item[start..=i];
                if sentence.contains("[U]") {
                    kept.push(sentence.trim().to_string());
                }
                start = i + 2;
            }
            let rest = item[start..].trim();
            if rest.contains("[U]") {
                kept.push(rest.to_string());
            }
        }
        (!kept.is_empty()).then(|| Judgement {
            name: name.to_string(),
            names: names.clone(),
            text: kept.join(" "),
        })
    }
}

/// The budget rules with their labels, the reference rule first (it has no label of the
/// scenario's).
fn rules(m: &Model) -> Vec<Entry> {
    if m.budget_rules.is_empty() {
        return Vec::new();
    }
    let reference: BTreeMap<String, String> = [
        ("en", "Spend as received"),
        ("ru", "Тратить по мере поступления"),
        ("ky", "Келген боюнча коротуу"),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_string(), n.to_string()))
    .collect();
    std::iter::once(Entry::new(
        crate::model::AS_RECEIVED,
        &reference["en"],
        &reference,
    ))
    .chain(m.budget_rules.iter().map(|r| {
        let en = r.label().get("en").map_or(r.id(), String::as_str);
        Entry::new(r.id(), en, r.label())
    }))
    .collect()
}

/// The laws with their labels, the law as written first.
fn regimes(m: &Model) -> Vec<Entry> {
    let current: BTreeMap<String, String> = [
        ("en", "Today's law"),
        ("ru", "Нынешний закон"),
        ("ky", "Азыркы мыйзам"),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_string(), n.to_string()))
    .collect();
    m.regimes
        .iter()
        .map(|r| {
            let label = if r.name == crate::model::CURRENT {
                &current
            } else {
                &r.label
            };
            let en = label.get("en").map_or(r.name.as_str(), String::as_str);
            Entry::new(&r.name, en, label)
        })
        .collect()
}

/// The baseline's name in each language (a scenario names its variants, not the baseline).
fn baseline_names(name: &str) -> BTreeMap<String, String> {
    if name != crate::model::BASELINE {
        return BTreeMap::new();
    }
    [("ru", "базовый сценарий"), ("ky", "базалык сценарий")]
        .into_iter()
        .map(|(l, n)| (l.to_string(), n.to_string()))
        .collect()
}

impl Catalog {
    pub fn new(s: &Scenario, variants: &[(&str, &Model)]) -> Catalog {
        let m = &s.baseline;
        Catalog {
            scenario: m.name.clone(),
            scenario_names: m.names.clone(),
            place_names: m.place_names.clone(),
            start_year: m.start_year,
            discount_rate: m.discount_rate,
            municipalities: m
                .municipalities
                .iter()
                .map(|x| Entry {
                    population: Some(x.population),
                    district: Some(x.district.clone()),
                    oblast: Some(x.oblast.clone()),
                    grant_offset: Some(x.grant_offset),
                    ..Entry::new(&x.id, &x.name, &x.names)
                })
                .collect(),
            projects: m
                .projects
                .iter()
                .map(|p| Entry {
                    reference: p.notes.reference.clone(),
                    hosts: p
                        .hosts
                        .iter()
                        .map(|h| m.municipalities[h.municipality].id.clone())
                        .collect(),
                    unit: p.unit.clone(),
                    ..Entry::new(&p.id, &p.name, &p.names)
                })
                .collect(),
            instruments: m
                .instruments
                .iter()
                .map(|i| Entry {
                    reference: i.notes.reference.clone(),
                    ..Entry::new(&i.id, i.label.get("en").unwrap_or(&i.id), &i.label)
                })
                .collect(),
            funds: m
                .funds
                .iter()
                .map(|f| FundEntry {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    names: f.names.clone(),
                    level: f.level.name().to_string(),
                    area: f.area.clone(),
                })
                .collect(),
            about: [&m.description, &m.notes.reference, &m.notes.notes]
                .into_iter()
                .flatten()
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect(),
            judgements: {
                let none = Names::new();
                let drivers = m.drivers.iter().map(|x| (&x.id, &none, &x.notes));
                let munis = m
                    .municipalities
                    .iter()
                    .map(|x| (&x.name, &x.names, &x.notes));
                let funds = m.funds.iter().map(|x| (&x.id, &x.names, &x.notes));
                let projects = m.projects.iter().map(|x| (&x.name, &x.names, &x.notes));
                let instruments = m.instruments.iter().map(|x| (&x.id, &x.label, &x.notes));
                let mut out: Vec<Judgement> = Vec::new();
                for (name, names, notes) in drivers
                    .chain(munis)
                    .chain(funds)
                    .chain(projects)
                    .chain(instruments)
                {
                    let name = names.get("en").unwrap_or(name);
                    // Funds expanded from `area = "*"` share their notes: once is enough.
                    if let Some(j) = Judgement::of(name, names, &notes.notes) {
                        if !out.iter().any(|o| o.text == j.text) {
                            out.push(j);
                        }
                    }
                }
                out
            },
            rules: rules(m),
            regimes: regimes(m),
            variants: variants
                .iter()
                .map(|(name, _)| {
                    let label = s
                        .variants
                        .iter()
                        .find(|v| v.name == *name)
                        .map(|v| v.label.clone())
                        .unwrap_or_else(|| baseline_names(name));
                    Entry::new(
                        name,
                        label.get("en").map(String::as_str).unwrap_or(name),
                        &label,
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judgement_keeps_the_sentences_marked_u_across_wrapped_lines_and_list_items() {
        let notes = Some(
            "Judgement calls:\n- Not on the register [U] (the list is\n  not in docs). A sourced fact (S1).\n- Life 12 years is an assumption [U]. Also sourced.\n\n[U] A last paragraph."
                .to_string(),
        );
        let j = Judgement::of("Mine", &Names::new(), &notes).unwrap();
        assert_eq!(
            j.text,
            "Not on the register [U] (the list is not in docs). Life 12 years is an assumption [U]. [U] A last paragraph."
        );
        assert!(Judgement::of("Mine", &Names::new(), &Some("All sourced (S2).".into())).is_none());
    }
}
