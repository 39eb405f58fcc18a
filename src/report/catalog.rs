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
    /// Where the scenario's numbers come from (`reference`), for projects and instruments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Entry {
    fn new(id: &str, name: &str, names: &Names) -> Entry {
        Entry {
            id: id.to_string(),
            name: name.to_string(),
            names: names.clone(),
            population: None,
            reference: None,
        }
    }

    pub fn name_in(&self, lang: &str) -> &str {
        self.names
            .get(lang)
            .map(String::as_str)
            .unwrap_or(&self.name)
    }
}

/// A fund: its name if the scenario gives one, its level and the area it serves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FundEntry {
    pub id: String,
    pub name: Option<String>,
    pub level: String,
    pub area: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Catalog {
    pub scenario: String,
    pub start_year: i32,
    pub discount_rate: f64,
    pub municipalities: Vec<Entry>,
    pub projects: Vec<Entry>,
    pub instruments: Vec<Entry>,
    pub funds: Vec<FundEntry>,
    pub variants: Vec<Entry>,
}

impl Catalog {
    pub fn new(s: &Scenario, variants: &[(&str, &Model)]) -> Catalog {
        let m = &s.baseline;
        let empty = Names::new();
        Catalog {
            scenario: m.name.clone(),
            start_year: m.start_year,
            discount_rate: m.discount_rate,
            municipalities: m
                .municipalities
                .iter()
                .map(|x| Entry {
                    population: Some(x.population),
                    ..Entry::new(&x.id, &x.name, &x.names)
                })
                .collect(),
            projects: m
                .projects
                .iter()
                .map(|p| Entry {
                    reference: p.notes.reference.clone(),
                    ..Entry::new(&p.id, &p.name, &empty)
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
                    level: f.level.name().to_string(),
                    area: f.area.clone(),
                })
                .collect(),
            variants: variants
                .iter()
                .map(|(name, _)| {
                    let label = s
                        .variants
                        .iter()
                        .find(|v| v.name == *name)
                        .map(|v| v.label.clone())
                        .unwrap_or_default();
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
