//! Typed reading of one table of the tree, recording every problem with its key path.
//!
//! A [`Reader`] hands out values by key and remembers which keys were asked for, so that
//! [`Reader::finish`] can report every key nobody asked for: a typo is never silently ignored.

use super::tree::{Node, Table, Value};
use crate::diag::{Diags, Origin};
use crate::model::{Dated, Names, Notes};

/// A problem that has already been recorded in the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

/// A check on a number; the error text says what was expected.
pub type Check = fn(f64) -> Result<(), &'static str>;

pub fn any(_: f64) -> Result<(), &'static str> {
    Ok(())
}
pub fn nonneg(x: f64) -> Result<(), &'static str> {
    if x >= 0.0 {
        Ok(())
    } else {
        Err("expected a number >= 0")
    }
}
pub fn positive(x: f64) -> Result<(), &'static str> {
    if x > 0.0 {
        Ok(())
    } else {
        Err("expected a number > 0")
    }
}
pub fn unit(x: f64) -> Result<(), &'static str> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err("expected a number in [0, 1]")
    }
}
pub fn above_minus_one(x: f64) -> Result<(), &'static str> {
    if x > -1.0 {
        Ok(())
    } else {
        Err("expected a number > -1")
    }
}

/// The longest id or variant name (docs/choices.md): ids name output files.
pub const MAX_ID_CHARS: usize = 64;

/// The longest name or label, in characters (docs/choices.md).
pub const MAX_NAME_CHARS: usize = 200;

/// What an id is, for error messages.
pub const ID_EXPECTED: &str = "expected an id of at most 64 letters, digits, `_` and `-`";

/// Ids (and variant names) match `[A-Za-z0-9_-]+` and have at most [`MAX_ID_CHARS`] characters.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_CHARS
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A string found in a file, as an error message shows it: in quotes, and cut short when it
/// is long.
/// A computed number as a person wrote it: a sum of shares 0.2 + 0.7 prints as 0.9, not as
/// 0.8999999999999999 (twelve significant digits are more than any input carries).
pub fn shown_num(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let scale = 10f64.powi(11 - x.abs().log10().floor() as i32);
    format!("{}", (x * scale).round() / scale)
}

pub fn shown(s: &str) -> String {
    const SHOWN: usize = 60;
    match s.char_indices().nth(SHOWN) {
        None => format!("\"{s}\""),
        Some((i, _)) => format!("\"{}...\" ({} characters)", &s[..i], s.chars().count()),
    }
}

/// Checks the length of a name or label.
pub fn name_len(d: &mut Diags, node: &Node, path: String, s: &str) -> bool {
    let n = s.chars().count();
    if n > MAX_NAME_CHARS {
        d.error(
            node.origin,
            path,
            format!("found a name of {n} characters, expected at most {MAX_NAME_CHARS}"),
        );
        return false;
    }
    true
}

pub struct Reader<'t> {
    pub table: &'t Table,
    pub origin: Origin,
    pub path: String,
    used: Vec<bool>,
}

impl<'t> Reader<'t> {
    pub fn new(table: &'t Table, origin: Origin, path: impl Into<String>) -> Reader<'t> {
        Reader {
            used: vec![false; table.entries.len()],
            table,
            origin,
            path: path.into(),
        }
    }

    /// Reader over a node that must be a table.
    pub fn of(node: &'t Node, path: impl Into<String>, d: &mut Diags) -> Option<Reader<'t>> {
        let path = path.into();
        match &node.value {
            Value::Table(t) => Some(Reader::new(t, node.origin, path)),
            other => {
                d.error(
                    node.origin,
                    path,
                    format!("expected a table, found {}", other.type_name()),
                );
                None
            }
        }
    }

    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    /// The node at `key`, marking it as read.
    pub fn node(&mut self, key: &str) -> Option<&'t Node> {
        let i = self.table.entries.iter().position(|e| e.key == key)?;
        self.used[i] = true;
        Some(&self.table.entries[i].node)
    }

    /// Marks a key as known without reading it (read elsewhere).
    pub fn skip(&mut self, key: &str) {
        self.node(key);
    }

    fn missing(&self, d: &mut Diags, key: &str, what: &str) {
        d.error(
            self.origin,
            self.key_path(key),
            format!("missing required key `{key}` ({what})"),
        );
    }

    pub fn required(&mut self, d: &mut Diags, key: &str, what: &str) -> Option<&'t Node> {
        let n = self.node(key);
        if n.is_none() {
            self.missing(d, key, what);
        }
        n
    }

    pub fn num_node(&self, d: &mut Diags, node: &Node, path: String, check: Check) -> Option<f64> {
        match node.value.as_f64() {
            Some(x) if !x.is_finite() => {
                d.error(
                    node.origin,
                    path,
                    format!("found {x}, expected a finite number"),
                );
                None
            }
            Some(x) => match check(x) {
                Ok(()) => Some(x),
                Err(e) => {
                    d.error(node.origin, path, format!("found {x}, {e}"));
                    None
                }
            },
            None => {
                d.error(
                    node.origin,
                    path,
                    format!("found {}, expected a number", node.value.type_name()),
                );
                None
            }
        }
    }

    /// A required number.
    pub fn num(&mut self, d: &mut Diags, key: &str, check: Check) -> Option<f64> {
        let n = self.required(d, key, "a number")?;
        self.num_node(d, n, self.key_path(key), check)
    }

    /// An optional number: `Ok(None)` when absent, `Err(Reported)` when present but invalid.
    pub fn opt_num(
        &mut self,
        d: &mut Diags,
        key: &str,
        check: Check,
    ) -> Result<Option<f64>, Reported> {
        match self.node(key) {
            None => Ok(None),
            Some(n) => self
                .num_node(d, n, self.key_path(key), check)
                .map(Some)
                .ok_or(Reported),
        }
    }

    /// An optional number with a default; an invalid value is reported and the default used.
    pub fn num_or(&mut self, d: &mut Diags, key: &str, default: f64, check: Check) -> f64 {
        self.opt_num(d, key, check)
            .ok()
            .flatten()
            .unwrap_or(default)
    }

    pub fn count_node(
        &self,
        d: &mut Diags,
        node: &Node,
        path: String,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let v = match &node.value {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() && f.abs() < 1e15 => {
                Some(*f as i64)
            }
            _ => None,
        };
        match v {
            Some(i) if (min..=max).contains(&i) => Some(i),
            Some(i) => {
                let range = if max == i64::MAX {
                    format!(">= {min}")
                } else {
                    format!("from {min} to {max}")
                };
                d.error(
                    node.origin,
                    path,
                    format!("found {i}, expected a whole number {range}"),
                );
                None
            }
            None => {
                let found = match &node.value {
                    Value::Float(f) => format!("{f}"),
                    other => other.type_name().to_string(),
                };
                d.error(
                    node.origin,
                    path,
                    format!("found {found}, expected a whole number"),
                );
                None
            }
        }
    }

    /// A required whole number in `min..=max`.
    pub fn count(&mut self, d: &mut Diags, key: &str, min: i64, max: i64) -> Option<i64> {
        let n = self.required(d, key, "a whole number")?;
        self.count_node(d, n, self.key_path(key), min, max)
    }

    pub fn opt_count(
        &mut self,
        d: &mut Diags,
        key: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, Reported> {
        match self.node(key) {
            None => Ok(None),
            Some(n) => self
                .count_node(d, n, self.key_path(key), min, max)
                .map(Some)
                .ok_or(Reported),
        }
    }

    pub fn str_node(d: &mut Diags, node: &'t Node, path: String) -> Option<&'t str> {
        match &node.value {
            Value::Str(s) => Some(s),
            other => {
                d.error(
                    node.origin,
                    path,
                    format!("found {}, expected a string", other.type_name()),
                );
                None
            }
        }
    }

    pub fn string(&mut self, d: &mut Diags, key: &str) -> Option<&'t str> {
        let n = self.required(d, key, "a string")?;
        Self::str_node(d, n, self.key_path(key))
    }

    pub fn opt_string(&mut self, d: &mut Diags, key: &str) -> Option<&'t str> {
        let n = self.node(key)?;
        Self::str_node(d, n, self.key_path(key))
    }

    /// An optional name (at most [`MAX_NAME_CHARS`] characters).
    pub fn opt_name(&mut self, d: &mut Diags, key: &str) -> Option<&'t str> {
        let n = self.node(key)?;
        let s = Self::str_node(d, n, self.key_path(key))?;
        name_len(d, n, self.key_path(key), s).then_some(s)
    }

    pub fn opt_bool(&mut self, d: &mut Diags, key: &str, default: bool) -> bool {
        match self.node(key) {
            None => default,
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => *b,
            Some(n) => {
                d.error(
                    n.origin,
                    self.key_path(key),
                    format!("found {}, expected true or false", n.value.type_name()),
                );
                default
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice(
        &mut self,
        d: &mut Diags,
        key: &str,
        options: &[&'static str],
        default: Option<&'static str>,
    ) -> Option<&'static str> {
        let node = match (self.node(key), default) {
            (None, Some(def)) => return Some(def),
            (None, None) => {
                self.missing(d, key, &format!("one of {}", quoted(options)));
                return None;
            }
            (Some(n), _) => n,
        };
        let s = Self::str_node(d, node, self.key_path(key))?;
        match options.iter().find(|o| **o == s) {
            Some(o) => Some(o),
            None => {
                d.error(
                    node.origin,
                    self.key_path(key),
                    format!("found \"{s}\", expected one of {}", quoted(options)),
                );
                None
            }
        }
    }

    /// A required id (`[A-Za-z0-9_-]+`).
    pub fn id(&mut self, d: &mut Diags, key: &str) -> Option<&'t str> {
        let n = self.required(d, key, "an id")?;
        let s = Self::str_node(d, n, self.key_path(key))?;
        if is_id(s) {
            Some(s)
        } else {
            d.error(
                n.origin,
                self.key_path(key),
                format!("found {}, {ID_EXPECTED}", shown(s)),
            );
            None
        }
    }

    pub fn array(&mut self, d: &mut Diags, key: &str, required: bool) -> Option<&'t [Node]> {
        let n = if required {
            self.required(d, key, "an array")?
        } else {
            self.node(key)?
        };
        match &n.value {
            Value::Array(a) => Some(a),
            other => {
                d.error(
                    n.origin,
                    self.key_path(key),
                    format!("found {}, expected an array", other.type_name()),
                );
                None
            }
        }
    }

    pub fn table(&mut self, d: &mut Diags, key: &str, required: bool) -> Option<Reader<'t>> {
        let n = if required {
            self.required(d, key, "a table")?
        } else {
            self.node(key)?
        };
        Reader::of(n, self.key_path(key), d)
    }

    /// A list of numbers.
    pub fn numbers(&mut self, d: &mut Diags, key: &str, check: Check) -> Option<Vec<f64>> {
        let path = self.key_path(key);
        let items = self.array(d, key, true)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            match self.num_node(d, n, format!("{path}[{i}]"), check) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A list of strings (`tags`, `applies_to` lists).
    pub fn strings(&mut self, d: &mut Diags, key: &str) -> Option<Vec<&'t str>> {
        let path = self.key_path(key);
        let items = self.array(d, key, false)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            match Self::str_node(d, n, format!("{path}[{i}]")) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A dated number (docs/model.md section 1): a number, or a table from year to number whose
    /// first year is no later than `start_year`.
    pub fn dated(
        &mut self,
        d: &mut Diags,
        key: &str,
        required: bool,
        check: Check,
        start_year: Option<i32>,
    ) -> Option<Dated> {
        let node = if required {
            self.required(d, key, "a number or a table from year to number")?
        } else {
            self.node(key)?
        };
        read_dated(d, node, &self.key_path(key), check, start_year)
    }

    /// `reference` and `notes`.
    pub fn notes(&mut self, d: &mut Diags) -> Notes {
        Notes {
            reference: self.opt_string(d, "reference").map(str::to_string),
            notes: self.opt_string(d, "notes").map(str::to_string),
        }
    }

    /// A label in several languages: a string (taken as English) or a table lang -> string.
    pub fn names(&mut self, d: &mut Diags, key: &str) -> Names {
        let mut out = Names::new();
        let Some(node) = self.node(key) else {
            return out;
        };
        let path = self.key_path(key);
        match &node.value {
            Value::Str(s) => {
                if name_len(d, node, path, s) {
                    out.insert("en".to_string(), s.clone());
                }
            }
            Value::Table(t) => {
                for e in &t.entries {
                    let epath = format!("{path}.{}", e.key);
                    if let Some(s) = Self::str_node(d, &e.node, epath.clone()) {
                        if name_len(d, &e.node, epath, s) {
                            out.insert(e.key.clone(), s.to_string());
                        }
                    }
                }
            }
            other => d.error(
                node.origin,
                path,
                format!(
                    "found {}, expected a string or a table such as {{ en = \"...\", ru = \"...\" }}",
                    other.type_name()
                ),
            ),
        }
        out
    }

    /// Reports every key of the table that was not read.
    pub fn finish(self, d: &mut Diags, known: &[&str]) {
        self.report_unread(d, known, true);
    }

    /// Reports only the unknown keys (typos) of a table whose entity already failed: a key
    /// left unread because a required one was missing is not a second problem.
    pub fn finish_failed(self, d: &mut Diags, known: &[&str]) {
        self.report_unread(d, known, false);
    }

    fn report_unread(self, d: &mut Diags, known: &[&str], misplaced_too: bool) {
        for (e, used) in self.table.entries.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let path = self.key_path(&e.key);
            if known.contains(&e.key.as_str()) {
                if misplaced_too {
                    d.error(
                        e.key_origin,
                        path,
                        format!("`{}` does not apply here", e.key),
                    );
                }
            } else {
                let hint = match did_you_mean(&e.key, known) {
                    Some(k) => format!("did you mean `{k}`? Expected one of"),
                    None => "expected one of".to_string(),
                };
                d.error(
                    e.key_origin,
                    path,
                    format!("unknown key `{}`; {hint} {}", e.key, plain(known)),
                );
            }
        }
    }
}

/// The known word closest to a mistyped one, when it is close enough to be the one meant:
/// at most one edit in a short word, a third of the letters in a longer one, or the same
/// word in another case or with `-` for `_`.
pub fn did_you_mean<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let folded = |s: &str| s.to_lowercase().replace('-', "_");
    let w = folded(word);
    let allowed = (w.chars().count() / 3).max(1);
    // The closest; of equally close ones, the one that shares the longest start with it.
    let shared = |k: &str| {
        w.chars()
            .zip(folded(k).chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    known
        .iter()
        .map(|k| (edit_distance(&w, &folded(k)), *k))
        .filter(|(dist, _)| *dist <= allowed)
        .min_by_key(|(dist, k)| (*dist, std::cmp::Reverse(shared(k))))
        .map(|(_, k)| k)
}

/// Levenshtein distance, counting an exchange of two neighbouring letters as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

pub fn read_dated(
    d: &mut Diags,
    node: &Node,
    path: &str,
    check: Check,
    start_year: Option<i32>,
) -> Option<Dated> {
    match &node.value {
        Value::Int(_) | Value::Float(_) => {
            let r = Reader::new(&EMPTY, node.origin, "");
            r.num_node(d, node, path.to_string(), check)
                .map(Dated::constant)
        }
        Value::Table(t) => {
            if t.entries.is_empty() {
                d.error(
                    node.origin,
                    path,
                    "found an empty table, expected at least one year",
                );
                return None;
            }
            let mut points = Vec::new();
            let mut ok = true;
            for e in &t.entries {
                let epath = format!("{path}.{}", e.key);
                let year = match e.key.parse::<i32>() {
                    Ok(y) if (1..=9999).contains(&y) => y,
                    _ => {
                        d.error(
                            e.key_origin,
                            epath,
                            format!("found key \"{}\", expected a whole calendar year", e.key),
                        );
                        ok = false;
                        continue;
                    }
                };
                if let Value::Table(_) = e.node.value {
                    d.error(
                        e.key_origin,
                        epath,
                        "expected a whole calendar year as key (a key such as 2026.5 is not a year)",
                    );
                    ok = false;
                    continue;
                }
                let r = Reader::new(&EMPTY, node.origin, "");
                match r.num_node(d, &e.node, epath, check) {
                    Some(v) => points.push((year, v)),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            points.sort_by_key(|p| p.0);
            if points.windows(2).any(|w| w[0].0 == w[1].0) {
                d.error(node.origin, path, "a year is given twice");
                return None;
            }
            if let Some(start) = start_year {
                if points[0].0 > start {
                    d.error(
                        node.origin,
                        path,
                        format!(
                            "the table starts in {}, after the scenario's start_year {start}: expected a first year <= {start}",
                            points[0].0
                        ),
                    );
                    return None;
                }
            }
            Some(Dated::from_points(points))
        }
        other => {
            d.error(
                node.origin,
                path,
                format!(
                    "found {}, expected a number or a table from year to number such as {{ 2026 = 0.02, 2030 = 0.03 }}",
                    other.type_name()
                ),
            );
            None
        }
    }
}

static EMPTY: Table = Table {
    entries: Vec::new(),
};

pub fn quoted(options: &[&str]) -> String {
    options
        .iter()
        .map(|o| format!("\"{o}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plain(options: &[&str]) -> String {
    options
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
