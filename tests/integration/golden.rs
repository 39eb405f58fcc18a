//! Results do not change by accident: an optimisation of the engine or of the statistics must
//! leave a national run's tables the same bits. Two small national runs (200 paths with every
//! variant and exact quantiles; 600 paths of the baseline alone, calibrated with its second
//! pass) are fingerprinted from the Parquet tables a user gets: a digest of every column of
//! every table, and a digest of every row key (municipality, level, project, instrument)
//! across all tables. The fingerprints are kept in `tests/fixtures/national-digests.txt`;
//! a failure names the tables, columns and rows that moved. A deliberate change of results
//! updates them with `AIMAK_BLESS=1 cargo test --release --test integration golden` and says
//! why in its commit.

use super::{aimak_ok, root};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// (paths, every variant or the baseline only).
const RUNS: [(u64, bool); 2] = [(200, true), (600, false)];

/// Each table and the column that names its rows.
const TABLES: [(&str, &str); 8] = [
    ("summary.parquet", "municipality"),
    ("levels.parquet", "level"),
    ("shortfall.parquet", "municipality"),
    ("npv.parquet", "municipality"),
    ("projects.parquet", "project"),
    ("pending.parquet", "instrument"),
    ("compare.parquet", "municipality"),
    ("budget_line.parquet", "municipality"),
];

/// The bytes of every value of a column, in row order: floats by their bits, so that a
/// change in the last bit shows; other types by their text.
fn cells(c: &Column) -> Vec<Vec<u8>> {
    let s = c.as_materialized_series();
    if let Ok(f) = s.f64() {
        return f
            .iter()
            .map(|v| v.map_or(b"null".to_vec(), |x| x.to_bits().to_le_bytes().to_vec()))
            .collect();
    }
    let text = s
        .cast(&DataType::String)
        .expect("every column casts to text");
    text.str()
        .expect("text")
        .iter()
        .map(|v| v.map_or(b"null".to_vec(), |x| x.as_bytes().to_vec()))
        .collect()
}

fn hex(h: Sha256) -> String {
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fingerprint lines of one run folder: `<paths> column <table> <column>` and
/// `<paths> row <key column> <key>`, each with a digest.
fn fingerprint(paths: u64, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut rows: BTreeMap<(String, String), Sha256> = BTreeMap::new();
    for (table, key) in TABLES {
        let file = std::fs::File::open(dir.join(table)).expect(table);
        let df = ParquetReader::new(file).finish().expect(table);
        let columns: Vec<(String, Vec<Vec<u8>>)> = df
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), cells(c)))
            .collect();
        for (name, values) in &columns {
            let mut h = Sha256::new();
            for v in values {
                h.update((v.len() as u64).to_le_bytes());
                h.update(v);
            }
            out.insert(format!("{paths} column {table} {name}"), hex(h));
        }
        let keys = &columns.iter().find(|(n, _)| n == key).expect(key).1;
        for (i, k) in keys.iter().enumerate() {
            let id = String::from_utf8_lossy(k).into_owned();
            let h = rows.entry((key.to_string(), id)).or_default();
            h.update(table.as_bytes());
            for (_, values) in &columns {
                h.update((values[i].len() as u64).to_le_bytes());
                h.update(&values[i]);
            }
        }
    }
    for ((key, id), h) in rows {
        out.insert(format!("{paths} row {key} {id}"), hex(h));
    }
}

fn run_all() -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let scenario = aimak::synth::national(1, aimak::synth::Form::Whole);
    let mut lines = BTreeMap::new();
    for (paths, all) in RUNS {
        // The baseline alone: the scenario without its variants, which come last.
        let text = match (all, scenario.find("\n[[variant]]")) {
            (false, Some(at)) => &scenario[..at + 1],
            _ => &scenario[..],
        };
        let file = dir.path().join(format!("national-{paths}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(format!("out-{paths}"));
        let (p, o) = (paths.to_string(), out.to_str().unwrap());
        let f = file.to_str().unwrap();
        aimak_ok(&[
            "run",
            f,
            "--paths",
            &p,
            "--seed",
            "11",
            "--threads",
            "2",
            "--out",
            o,
            "-q",
        ]);
        fingerprint(paths, &out, &mut lines);
    }
    lines
}

/// What moved between two fingerprints, grouped so that a person can read it.
fn describe(want: &BTreeMap<String, String>, got: &BTreeMap<String, String>) -> String {
    let mut moved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let keys = want
        .keys()
        .chain(got.keys().filter(|k| !want.contains_key(*k)));
    for k in keys {
        let change = match (want.get(k), got.get(k)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => "",
            (Some(_), None) => " (gone)",
            _ => " (new)",
        };
        // "<paths> column <table> <name>" -> group "<paths> paths, <table>", item <name>.
        let parts: Vec<&str> = k.splitn(4, ' ').collect();
        let group = match parts[1] {
            "column" => format!("{} paths, columns of {}", parts[0], parts[2]),
            _ => format!("{} paths, rows of {}", parts[0], parts[2]),
        };
        moved
            .entry(group)
            .or_default()
            .push(format!("{}{change}", parts[3]));
    }
    moved
        .iter()
        .map(|(group, items)| {
            let shown: Vec<&str> = items.iter().take(12).map(String::as_str).collect();
            let more = items.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("  {group}: {}{tail}\n", shown.join(", "))
        })
        .collect()
}

fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.rsplit_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn national_results_keep_their_fingerprint() {
    let file = root().join("tests/fixtures/national-digests.txt");
    let got = run_all();
    if std::env::var_os("AIMAK_BLESS").is_some() {
        let text: String = got.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        std::fs::write(&file, text).unwrap();
    }
    let want = parse(&std::fs::read_to_string(&file).unwrap());
    assert!(
        want == got,
        "national results changed (see this test's doc comment); what moved:\n{}",
        describe(&want, &got)
    );
}

#[test]
fn a_moved_value_is_named_by_table_column_and_row() {
    let want = parse(
        "200 column npv.parquet p50 aa\n200 column npv.parquet mean bb\n\
         200 row municipality aa-001 cc\n200 row municipality aa-002 dd\n",
    );
    let mut got = want.clone();
    got.insert("200 column npv.parquet p50".into(), "ee".into());
    got.insert("200 row municipality aa-002".into(), "ff".into());
    got.insert("200 row project mine-1".into(), "gg".into());
    assert_eq!(
        describe(&want, &got),
        "  200 paths, columns of npv.parquet: p50\n  \
         200 paths, rows of municipality: aa-002\n  \
         200 paths, rows of project: mine-1 (new)\n"
    );
    assert_eq!(describe(&want, &want), "");
}
