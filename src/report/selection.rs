//! Which municipalities get charts and council sheets of their own (`--charts`).
//!
//! A national run has hundreds of municipalities; by default the [`MAX_CHARTED`] with the
//! most project money are charted, and the run says so. `--charts` chooses instead: `all`,
//! a municipality id, `district:NAME` or `oblast:NAME` (the name as the scenario writes it,
//! or in any language its `[place_names]` give, in any case), repeatable. The overview page
//! and the national charts always cover every municipality.

use super::catalog::{Catalog, Entry};
pub use super::figures::MAX_CHARTED;

/// One word of `--charts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    All,
    Municipality(String),
    District(String),
    Oblast(String),
}

/// The municipalities asked for; empty means the default choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(Vec<Pick>);

impl Selection {
    /// Reads the words of `--charts` (none: the default).
    pub fn parse(words: &[String]) -> Selection {
        Selection(
            words
                .iter()
                .map(|w| match w.split_once(':') {
                    _ if w == "all" => Pick::All,
                    Some(("district", name)) => Pick::District(name.to_string()),
                    Some(("oblast", name)) => Pick::Oblast(name.to_string()),
                    _ => Pick::Municipality(w.to_string()),
                })
                .collect(),
        )
    }

    pub fn is_default(&self) -> bool {
        self.0.is_empty()
    }

    /// Every word that matches no municipality of the catalog, described for an error.
    pub fn unmatched(&self, cat: &Catalog) -> Vec<String> {
        self.0
            .iter()
            .filter(|p| !cat.municipalities.iter().any(|m| matches(p, m, cat)))
            .map(|p| match p {
                Pick::All => "all".to_string(),
                Pick::Municipality(id) => format!("`{id}` (no municipality has that id)"),
                Pick::District(d) => format!("`district:{d}` (no municipality lies in it)"),
                Pick::Oblast(o) => format!("`oblast:{o}` (no municipality lies in it)"),
            })
            .collect()
    }

    /// The ids chosen, in scenario order; `None` for the default choice.
    pub fn ids(&self, cat: &Catalog) -> Option<Vec<String>> {
        if self.is_default() {
            return None;
        }
        Some(
            cat.municipalities
                .iter()
                .filter(|m| self.0.iter().any(|p| matches(p, m, cat)))
                .map(|m| m.id.clone())
                .collect(),
        )
    }
}

/// Whether `name` is the place `written` (the scenario's name for it) in any language.
fn is_place(cat: &Catalog, written: Option<&str>, name: &str) -> bool {
    let Some(written) = written else {
        return false;
    };
    let same = |a: &str| a.to_lowercase() == name.to_lowercase();
    same(written)
        || cat
            .place_names
            .get(written)
            .is_some_and(|n| n.values().any(|v| same(v)))
}

fn matches(p: &Pick, m: &Entry, cat: &Catalog) -> bool {
    match p {
        Pick::All => true,
        Pick::Municipality(id) => &m.id == id,
        Pick::District(d) => is_place(cat, m.district.as_deref(), d),
        Pick::Oblast(o) => is_place(cat, m.oblast.as_deref(), o),
    }
}

/// The help for the error of an unmatched `--charts` word: what the run has.
pub fn known(cat: &Catalog) -> String {
    let mut districts: Vec<&str> = Vec::new();
    let mut oblasts: Vec<&str> = Vec::new();
    for m in &cat.municipalities {
        for (list, place) in [(&mut districts, &m.district), (&mut oblasts, &m.oblast)] {
            if let Some(p) = place.as_deref() {
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
    }
    let ids: Vec<&str> = cat
        .municipalities
        .iter()
        .take(8)
        .map(|m| m.id.as_str())
        .collect();
    let more = cat.municipalities.len().saturating_sub(ids.len());
    format!(
        "expected `all`, a municipality id ({}{}), `district:NAME` ({}) or `oblast:NAME` ({})",
        ids.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
        shorten(&districts),
        shorten(&oblasts)
    )
}

fn shorten(list: &[&str]) -> String {
    if list.len() <= 8 {
        list.join(", ")
    } else {
        format!("{}, and {} more", list[..8].join(", "), list.len() - 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn catalog() -> Catalog {
        let muni = |id: &str, district: &str, oblast: &str| {
            let mut e = Entry::new(id, id, &BTreeMap::new());
            e.district = Some(district.to_string());
            e.oblast = Some(oblast.to_string());
            e
        };
        let mut place_names = BTreeMap::new();
        place_names.insert(
            "Naryn".to_string(),
            BTreeMap::from([("ru".to_string(), "Нарын".to_string())]),
        );
        Catalog {
            municipalities: vec![
                muni("a", "Ala-Buka", "Jalal-Abad"),
                muni("b", "At-Bashy", "Naryn"),
                muni("c", "Kochkor", "Naryn"),
            ],
            place_names,
            ..Catalog::default()
        }
    }

    fn words(w: &[&str]) -> Selection {
        Selection::parse(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn picks_ids_districts_and_oblasts_in_any_language_and_case() {
        let cat = catalog();
        assert_eq!(words(&[]).ids(&cat), None);
        assert_eq!(words(&["all"]).ids(&cat).unwrap(), ["a", "b", "c"]);
        assert_eq!(words(&["oblast:нарын"]).ids(&cat).unwrap(), ["b", "c"]);
        assert_eq!(
            words(&["c", "district:ala-buka"]).ids(&cat).unwrap(),
            ["a", "c"]
        );
        assert!(words(&["oblast:Naryn", "b"]).unmatched(&cat).is_empty());
    }

    #[test]
    fn names_every_word_that_matches_nothing() {
        let cat = catalog();
        let bad = words(&["zz", "district:Nowhere", "a"]).unmatched(&cat);
        assert_eq!(bad.len(), 2);
        assert!(bad[0].contains("`zz`"));
        assert!(bad[1].contains("district:Nowhere"));
        assert!(known(&cat).contains("Jalal-Abad, Naryn"));
    }
}
