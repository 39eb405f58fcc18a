//! The scenario as a tree of values that remember where they were written.
//!
//! Files are parsed into this tree, merged (includes, then the including file), changed by
//! `[overrides]` and variants, and only then read into the validated model. Keeping the origin
//! of every value lets an error point at the line that caused it, even when the value came
//! from an included file or from a variant's `set`.

use crate::diag::Origin;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// TOML date-times are never valid in a scenario; kept to report them.
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

/// An ordered table; keys keep their own origin so an unknown key is reported where it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub node: Node,
}

/// The arrays of tables that merge by concatenation (docs/model.md section 1).
pub const CONCATENATED: [&str; 8] = [
    "municipality",
    "project",
    "fund",
    "instrument",
    "correlation",
    "variant",
    "budget_rule",
    "regime",
];

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

impl Node {
    pub fn new(value: Value, origin: Origin) -> Node {
        Node { value, origin }
    }

    pub fn as_table(&self) -> Option<&Table> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_table_mut(&mut self) -> Option<&mut Table> {
        match &mut self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts a parsed TOML value of file `file` into a tree node.
    pub fn from_toml(v: &Spanned<DeValue<'_>>, file: u32) -> Node {
        let origin = Origin::new(file, v.span());
        let value = match v.get_ref() {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Value::Int(n),
                // Out of i64 range: keep it as a float so range checks report it.
                Err(_) => Value::Float(i.as_str().parse::<f64>().unwrap_or(f64::INFINITY)),
            },
            DeValue::Float(f) => Value::Float(f.as_str().parse::<f64>().unwrap_or(f64::NAN)),
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::Datetime(d.to_string()),
            DeValue::Array(a) => Value::Array(a.iter().map(|x| Node::from_toml(x, file)).collect()),
            DeValue::Table(t) => Value::Table(Table::from_toml(t, file)),
        };
        Node { value, origin }
    }
}

impl Table {
    pub fn from_toml(t: &DeTable<'_>, file: u32) -> Table {
        Table {
            entries: t
                .iter()
                .map(|(k, v)| Entry {
                    key: k.get_ref().to_string(),
                    key_origin: Origin::new(file, k.span()),
                    node: Node::from_toml(v, file),
                })
                .collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i).node)
    }

    /// Sets `key` to `node`, replacing an existing value in place (keeping the key's origin).
    pub fn set(&mut self, key: &str, node: Node, key_origin: Origin) {
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => e.node = node,
            None => self.entries.push(Entry {
                key: key.to_string(),
                key_origin,
                node,
            }),
        }
    }

    /// Merges `over` into `self` by the rules of docs/model.md section 1: tables merge key by key,
    /// the arrays of tables in [`CONCATENATED`] (at the top level only) are concatenated, and
    /// every other value is replaced whole.
    pub fn merge_from(&mut self, over: Table, top_level: bool) {
        for e in over.entries {
            let concat = top_level && CONCATENATED.contains(&e.key.as_str());
            match self.entries.iter_mut().find(|x| x.key == e.key) {
                None => self.entries.push(e),
                Some(mine) => match (&mut mine.node.value, e.node.value) {
                    (Value::Table(a), Value::Table(b)) => a.merge_from(b, false),
                    (Value::Array(a), Value::Array(b)) if concat => a.extend(b),
                    (_, v) => {
                        mine.node = Node {
                            value: v,
                            origin: e.node.origin,
                        }
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Table {
        let t = DeTable::parse(s).unwrap();
        Table::from_toml(t.get_ref(), 0)
    }

    #[test]
    fn merge_tables_recursively_and_replace_arrays() {
        let mut a = parse("[driver.gold]\nstart = 1.0\ndrift = 0.1\nhistory = [1.0, 2.0]\n");
        let b = parse("[driver.gold]\ndrift = 0.2\nhistory = [3.0]\n");
        a.merge_from(b, true);
        let gold = a
            .get("driver")
            .unwrap()
            .as_table()
            .unwrap()
            .get("gold")
            .unwrap();
        let gold = gold.as_table().unwrap();
        assert_eq!(gold.get("start").unwrap().value, Value::Float(1.0));
        assert_eq!(gold.get("drift").unwrap().value, Value::Float(0.2));
        match &gold.get("history").unwrap().value {
            Value::Array(v) => assert_eq!(v.len(), 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn merge_concatenates_arrays_of_tables_at_top_level() {
        let mut a = parse("[[municipality]]\nid = \"a\"\n");
        let b = parse("[[municipality]]\nid = \"b\"\n");
        a.merge_from(b, true);
        match &a.get("municipality").unwrap().value {
            Value::Array(v) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
