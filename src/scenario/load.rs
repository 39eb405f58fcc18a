//! Reading scenario files: includes, merging, and the source of file text.

use super::tree::{Node, Table, Value};
use crate::diag::{Diagnostic, Diags, Location, Origin, SourceMap};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use toml::de::DeTable;

/// Where scenario text comes from: the file system, or files compiled into the binary.
pub enum Files {
    Disk,
    /// Files held in memory (the built-in scenario, tests): (relative path, text) pairs.
    Memory(Vec<(PathBuf, String)>),
}

impl Files {
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        match self {
            Files::Disk => std::fs::canonicalize(path),
            Files::Memory(files) => {
                let p = normalize(path);
                if files.iter().any(|(name, _)| normalize(name) == p) {
                    Ok(p)
                } else {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no such built-in file",
                    ))
                }
            }
        }
    }

    fn read(&self, canonical: &Path) -> Result<String, ReadError> {
        match self {
            Files::Disk => read_disk(canonical),
            Files::Memory(files) => files
                .iter()
                .find(|(name, _)| normalize(name) == canonical)
                .map(|(_, text)| text.clone())
                .ok_or_else(|| ReadError::Other("no such built-in file".into())),
        }
    }
}

/// The largest scenario file read (docs/choices.md).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a file's text could not be read.
#[derive(Debug)]
enum ReadError {
    /// Not UTF-8: the 1-based line and column (in characters) of the first invalid byte.
    Utf8 {
        line: usize,
        column: usize,
    },
    Other(String),
}

/// Reads a scenario file from disk: only a regular file (a device such as /dev/zero never
/// ends, and opening a FIFO waits for a writer), and at most [`MAX_FILE_BYTES`] of it, even
/// if it grows after the check.
fn read_disk(path: &Path) -> Result<String, ReadError> {
    use std::io::Read;
    let too_big = || {
        ReadError::Other(format!(
            "the file is larger than {} MiB; a scenario file is at most that size",
            MAX_FILE_BYTES >> 20
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Other(e.to_string()))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        return Err(ReadError::Other(format!(
            "{what}; expected a scenario file"
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Other(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Other(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The prefix is valid UTF-8 by definition.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        ReadError::Utf8 {
            line: valid.matches('\n').count() + 1,
            column: valid[line_start..].chars().count() + 1,
        }
    })
}

/// The deepest key or value nesting read (docs/choices.md); the TOML parser stops at its
/// own limit without saying where.
pub const MAX_DEPTH: usize = 32;

/// Finds the first place where a dotted key has more than `limit` parts or arrays and inline
/// tables nest more than `limit` deep: its byte offset and what is too deep. A light scan of
/// the TOML text (strings and comments skipped); the parser checks everything else.
fn too_deep(text: &str, limit: usize) -> Option<(usize, &'static str)> {
    #[derive(PartialEq)]
    enum Mode {
        Key,
        Header,
        Value,
    }
    let b = text.as_bytes();
    let mut mode = Mode::Key;
    let mut stack: Vec<u8> = Vec::new();
    let mut parts = 1;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                let triple = b[i..].starts_with(if c == b'"' { b"\"\"\"" } else { b"'''" });
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == c && (!triple || b[i..].starts_with(&[c, c, c])) {
                        i += if triple { 3 } else { 1 };
                        // A closing triple quote may be followed by up to two more quotes.
                        while triple && i < b.len() && b[i] == c {
                            i += 1;
                        }
                        break;
                    }
                    if b[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'\n' if stack.is_empty() => {
                mode = Mode::Key;
                parts = 1;
            }
            b'.' if mode != Mode::Value => {
                parts += 1;
                if parts > limit {
                    return Some((i, "a dotted key is"));
                }
            }
            b'=' if mode == Mode::Key => {
                mode = Mode::Value;
                parts = 1;
            }
            b'[' if mode == Mode::Key && stack.is_empty() => mode = Mode::Header,
            b'[' | b'{' if mode == Mode::Value => {
                stack.push(c);
                if stack.len() > limit {
                    return Some((i, "arrays and inline tables are nested"));
                }
                if c == b'{' {
                    mode = Mode::Key;
                    parts = 1;
                }
            }
            b'}' if mode == Mode::Key && stack.last() == Some(&b'{') => {
                stack.pop();
                mode = Mode::Value;
            }
            b']' | b'}' if mode == Mode::Value => {
                stack.pop();
            }
            b',' if mode == Mode::Value && stack.last() == Some(&b'{') => {
                mode = Mode::Key;
                parts = 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The merged tree of a scenario file and everything it includes.
pub struct Merged {
    pub sources: SourceMap,
    pub tree: Table,
    pub sha256: String,
}

struct Loader<'f> {
    files: &'f Files,
    sources: SourceMap,
    visited: HashSet<PathBuf>,
    /// Files being read, outermost first: (canonical path, name as written).
    stack: Vec<(PathBuf, String)>,
    errors: Vec<Diagnostic>,
    hasher: Sha256,
}

/// Reads `path` and its includes and merges them (docs/model.md section 1). Errors of every file
/// are collected; on any error the merged tree is not returned.
pub fn merge(path: &Path, files: &Files) -> Result<Merged, (SourceMap, Vec<Diagnostic>)> {
    merge_as(path, files, true)
}

/// As [`merge`], for a file read as an include would be: `format_version` may be left out.
pub fn merge_fragment(path: &Path, files: &Files) -> Result<Merged, (SourceMap, Vec<Diagnostic>)> {
    merge_as(path, files, false)
}

fn merge_as(path: &Path, files: &Files, top: bool) -> Result<Merged, (SourceMap, Vec<Diagnostic>)> {
    let mut l = Loader {
        files,
        sources: SourceMap::default(),
        visited: HashSet::new(),
        stack: Vec::new(),
        errors: Vec::new(),
        hasher: Sha256::new(),
    };
    let tree = l.load(path, None, top);
    match tree {
        Some(tree) if l.errors.is_empty() => Ok(Merged {
            sha256: l
                .hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            sources: l.sources,
            tree,
        }),
        _ => Err((l.sources, l.errors)),
    }
}

impl Loader<'_> {
    fn file_error(&mut self, file: &str, message: String) {
        self.errors.push(Diagnostic {
            location: None,
            file: Some(file.to_string()),
            key: String::new(),
            message,
            variant: None,
        });
    }

    fn at(&mut self, origin: Origin, key: String, message: String) {
        let mut d = Diags::new(&self.sources);
        d.error(origin, key, message);
        self.errors.extend(d.list);
    }

    /// `from`: the `include[i]` entry that named this file.
    fn load(&mut self, path: &Path, from: Option<(Origin, String)>, top: bool) -> Option<Table> {
        let display = path.display().to_string();
        let canonical = match self.files.canonical(path) {
            Ok(c) => c,
            Err(e) => {
                let msg = format!("cannot read `{display}`: {e}");
                match from {
                    Some((o, key)) => self.at(o, key, msg),
                    None => self.file_error(&display, msg),
                }
                return None;
            }
        };
        if let Some(pos) = self.stack.iter().position(|(p, _)| *p == canonical) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .map(|(_, name)| name.clone())
                .chain(std::iter::once(display.clone()))
                .collect();
            let msg = format!("include cycle: {}", chain.join(" -> "));
            match from {
                Some((o, key)) => self.at(o, key, msg),
                None => self.file_error(&display, msg),
            }
            return None;
        }
        if !self.visited.insert(canonical.clone()) {
            // Reached again through another include: merged once (docs/model.md section 1).
            return Some(Table::default());
        }
        let text = match self.files.read(&canonical) {
            Ok(t) => t,
            Err(ReadError::Utf8 { line, column }) => {
                let msg = match &from {
                    Some((_, key)) => format!("included by {key}: the file is not valid UTF-8 text; expected a UTF-8 scenario file"),
                    None => "the file is not valid UTF-8 text; expected a UTF-8 scenario file".to_string(),
                };
                self.errors.push(Diagnostic {
                    location: Some(Location {
                        file: display,
                        line,
                        column,
                    }),
                    file: None,
                    key: String::new(),
                    message: msg,
                    variant: None,
                });
                return None;
            }
            Err(ReadError::Other(e)) => {
                let msg = format!("cannot read `{display}`: {e}");
                match from {
                    Some((o, key)) => self.at(o, key, msg),
                    None => self.file_error(&display, msg),
                }
                return None;
            }
        };
        self.hasher.update(display.as_bytes());
        self.hasher.update([0u8]);
        self.hasher.update(text.as_bytes());
        self.hasher.update([0u8]);
        let file = self.sources.add(display.clone(), text);
        let text = &self.sources.files[file as usize].text;
        if let Some((at, what)) = too_deep(text, MAX_DEPTH) {
            self.at(
                Origin::new(file, at..at),
                String::new(),
                format!("{what} more than {MAX_DEPTH} levels deep; expected at most {MAX_DEPTH} (scenario keys are a few levels deep)"),
            );
            return None;
        }
        let (parsed, errs) = DeTable::parse_recoverable(text);
        if !errs.is_empty() {
            let mut found = Vec::new();
            for e in errs {
                let origin = e
                    .span()
                    .map(|s| Origin::new(file, s))
                    .unwrap_or(Origin::new(file, 0..0));
                found.push((origin, e.message().trim().to_string()));
            }
            for (o, m) in found {
                self.at(o, String::new(), format!("TOML syntax error: {m}"));
            }
            return None;
        }
        let root_origin = Origin::new(file, parsed.span());
        let mut root = Table::from_toml(parsed.get_ref(), file);

        self.check_format_version(&mut root, root_origin, top);
        let includes = self.includes(&mut root);

        let mut merged = Table::default();
        self.stack.push((canonical, display.clone()));
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        for (i, (inc, origin)) in includes.into_iter().enumerate() {
            let inc_path = dir.join(&inc);
            if let Some(t) = self.load(
                &inc_path,
                Some((origin, format!("scenario.include[{i}]"))),
                false,
            ) {
                merged.merge_from(t, true);
            }
        }
        self.stack.pop();
        merged.merge_from(root, true);
        Some(merged)
    }

    fn check_format_version(&mut self, root: &mut Table, root_origin: Origin, top: bool) {
        match root.remove("format_version") {
            None if top => self.at(
                root_origin,
                "format_version".into(),
                "missing required key `format_version`: expected `format_version = 1` at the top of the scenario file".into(),
            ),
            None => {}
            Some(Node {
                value: Value::Int(1),
                ..
            }) => {}
            Some(n) => {
                let found = match &n.value {
                    Value::Int(i) => i.to_string(),
                    other => other.type_name().to_string(),
                };
                self.at(
                    n.origin,
                    "format_version".into(),
                    format!("found {found}, expected 1 (this aimak reads scenario format version 1)"),
                )
            }
        }
    }

    /// Takes `scenario.include` out of a file's tree: the list of files to merge first.
    fn includes(&mut self, root: &mut Table) -> Vec<(String, Origin)> {
        let Some(scenario) = root.get_mut("scenario").and_then(Node::as_table_mut) else {
            return Vec::new();
        };
        let Some(node) = scenario.remove("include") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match node.value {
            Value::Array(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    match item.value {
                        Value::Str(s) => out.push((s, item.origin)),
                        other => self.at(
                            item.origin,
                            format!("scenario.include[{i}]"),
                            format!("found {}, expected a file path string", other.type_name()),
                        ),
                    }
                }
            }
            other => self.at(
                node.origin,
                "scenario.include".into(),
                format!(
                    "found {}, expected an array of file paths such as [\"regimes/kg-2019.toml\"]",
                    other.type_name()
                ),
            ),
        }
        out
    }
}
