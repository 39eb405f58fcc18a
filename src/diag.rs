//! Diagnostics: what is wrong with a scenario, where, and what was expected.
//!
//! Every problem found while reading a scenario becomes one [`Diagnostic`]; loading collects
//! all of them before giving up, so a user fixes a file in one pass instead of one error at a
//! time.

use std::fmt;

/// Where a value came from: a byte range in one of the loaded files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Origin {
    /// Index into the [`SourceMap`]; `u32::MAX` for values with no file (built in defaults).
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Origin {
    pub const NONE: Origin = Origin {
        file: u32::MAX,
        start: 0,
        end: 0,
    };

    pub fn new(file: u32, span: std::ops::Range<usize>) -> Origin {
        Origin {
            file,
            start: span.start as u32,
            end: span.end as u32,
        }
    }

    pub fn is_none(&self) -> bool {
        self.file == u32::MAX
    }
}

/// One loaded file: its display name and text, kept to turn byte offsets into lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, col + 1)
    }
}

/// All files read for one scenario, in the order they were first read.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, name: String, text: String) -> u32 {
        self.files.push(SourceFile::new(name, text));
        (self.files.len() - 1) as u32
    }

    pub fn location(&self, origin: Origin) -> Option<Location> {
        let file = self.files.get(origin.file as usize)?;
        let (line, column) = file.line_col(origin.start as usize);
        Some(Location {
            file: file.name.clone(),
            line,
            column,
        })
    }

    /// The source text a value was read from (used to tell `{ inline }` tables from dotted keys).
    pub fn text(&self, origin: Origin) -> Option<&str> {
        let file = self.files.get(origin.file as usize)?;
        file.text.get(origin.start as usize..origin.end as usize)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// One problem in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File, line and column, where the parser knows them.
    pub location: Option<Location>,
    /// The file when no line is known (a missing include, an unreadable file).
    pub file: Option<String>,
    /// Key path such as `project[bozymchak].hosts[0].share`; empty for whole-file problems.
    pub key: String,
    /// What was found and what is expected.
    pub message: String,
    /// Whose changes produced the problem, if any: "variant `x`", "regime `r`" or "variant
    /// `x` under regime `r`".
    pub variant: Option<String>,
}

/// Text from a file made safe to print: every control character except a line break is
/// written as an escape such as `\u{1b}`, so that a scenario cannot move the cursor, change the
/// terminal's title or hide text. Everything aimak prints that may hold text from a file goes
/// through this (error messages, `aimak check`'s description).
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    /// One line; control characters from the files (line breaks included) are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        match (&self.location, &self.file) {
            (Some(l), _) => line.push_str(&format!("{}:{}:{}: ", l.file, l.line, l.column)),
            (None, Some(file)) => line.push_str(&format!("{file}: ")),
            (None, None) => {}
        }
        if let Some(v) = &self.variant {
            line.push_str(&format!("in {v}: "));
        }
        if !self.key.is_empty() {
            line.push_str(&format!("{}: ", self.key));
        }
        line.push_str(&self.message);
        f.write_str(&escape(&line, false))
    }
}

/// Collects diagnostics while a scenario is read; resolves origins to lines as it goes.
pub struct Diags<'a> {
    pub sources: &'a SourceMap,
    pub list: Vec<Diagnostic>,
    pub variant: Option<String>,
}

impl<'a> Diags<'a> {
    pub fn new(sources: &'a SourceMap) -> Diags<'a> {
        Diags {
            sources,
            list: Vec::new(),
            variant: None,
        }
    }

    pub fn error(&mut self, origin: Origin, key: impl Into<String>, message: impl Into<String>) {
        let location = self.sources.location(origin);
        self.list.push(Diagnostic {
            location,
            file: None,
            key: key.into(),
            message: message.into(),
            variant: self.variant.clone(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A scenario that could not be loaded: every problem found, in file order.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ScenarioErrors {
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioErrors {
    /// Every problem, under a line that names what has them ("the scenario", "the fragment").
    pub fn listed(&self, what: &str) -> String {
        let n = self.diagnostics.len();
        let mut s = format!("{what} has {n} problem{}:\n", if n == 1 { "" } else { "s" });
        for d in &self.diagnostics {
            s.push_str(&format!("  {d}\n"));
        }
        s
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.listed("the scenario"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}]0;x\u{7}b\nc"), "a\\u{1b}]0;x\\u{7}b\nc");
        assert_eq!(printable("Кок-Серек"), "Кок-Серек");
        let d = Diagnostic {
            location: None,
            file: Some("s.toml".into()),
            key: "municipality[0].id".into(),
            message: "found \"\u{1b}[2J\r\n\", expected an id".into(),
            variant: None,
        };
        assert_eq!(
            d.to_string(),
            "s.toml: municipality[0].id: found \"\\u{1b}[2J\\u{d}\\u{a}\", expected an id"
        );
    }
}
