//! Integration tests of aimak, one binary with a module per topic.

mod backtest;
mod charts;
mod cli;
mod conservation;
mod determinism;
mod engine;
mod export;
mod first_steps;
mod fuzz;
mod golden;
mod history;
mod history_drivers;
mod invalid;
mod national;
mod output;
mod parquet_meta;
mod regimes;
mod robust;
mod robust_out;
mod rules;
mod safety;
mod scenarios;
mod sensitivity;
mod shards;
mod sheets;
mod slurm;
mod solve;
mod statistics;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root (where Cargo.toml is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A Parquet table and its key-value metadata (the provenance aimak writes).
pub fn parquet_with_metadata(
    path: &Path,
) -> (polars::prelude::DataFrame, Vec<(String, Option<String>)>) {
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = ParquetReader::new(file);
    let kv = reader
        .get_metadata()
        .unwrap()
        .key_value_metadata
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value))
        .collect();
    (reader.finish().unwrap(), kv)
}

pub fn aimak(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aimak"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run aimak")
}

/// Runs aimak and fails the test, showing its error output, unless it exits 0.
pub fn aimak_ok(args: &[&str]) -> Output {
    let o = aimak(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The `.toml` files directly inside `dir`, sorted.
pub fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}
