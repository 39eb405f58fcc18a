//! `aimak export`: a finished run's tables as CSV, XLSX and JSON in its `export/` folder,
//! from its Parquet tables, without simulating.

use super::Failure;
use crate::lang::Lang;
use crate::report::export::{self, Format};
use crate::report::{figures::Tables, FileEntry, Staging};
use std::path::{Path, PathBuf};

/// Writes the exports of `formats` (all of them when empty) of the run in `dir`; the other
/// formats written before stay. Returns the export folder and the files written.
pub fn export(
    dir: &Path,
    formats: &[Format],
    lang: Lang,
) -> Result<(PathBuf, Vec<String>), Failure> {
    let mut manifest = super::chart::finished_run(dir)?;
    let tables = Tables::read(dir).map_err(Failure::input)?;
    let formats = chosen(formats);
    let staging = Staging::part(dir, "export")?;
    let written = export::write(
        dir,
        &tables,
        &manifest.catalog,
        &manifest.provenance,
        lang,
        &formats,
        staging.dir(),
    )
    .map_err(Failure::runtime)?;
    // The folder is replaced whole: the files of the formats not asked for this time are
    // copied into the new one.
    let folder = dir.join("export");
    let keep: Vec<String> = manifest
        .files
        .iter()
        .filter_map(|f| f.name.strip_prefix("export/"))
        .filter(|n| !written.iter().any(|w| w == n) && !rewritten(n, &formats))
        .filter(|n| folder.join(n).is_file())
        .map(str::to_string)
        .collect();
    for name in &keep {
        let from = folder.join(name);
        std::fs::copy(&from, staging.dir().join(name))
            .map_err(|e| Failure::runtime(format!("cannot copy {}: {e}", from.display())))?;
    }
    staging.commit()?;
    manifest.files.retain(|f| !f.name.starts_with("export/"));
    let mut all = keep;
    all.extend(written.iter().cloned());
    all.sort();
    manifest.files.extend(all.into_iter().map(|n| FileEntry {
        name: format!("export/{n}"),
        rows: 0,
    }));
    manifest.write(dir).map_err(Failure::runtime)?;
    Ok((folder, written))
}

/// The formats asked for, each once; every format when none is.
pub fn chosen(formats: &[Format]) -> Vec<Format> {
    let mut f = if formats.is_empty() {
        vec![Format::Csv, Format::Xlsx, Format::Json]
    } else {
        formats.to_vec()
    };
    f.sort();
    f.dedup();
    f
}

/// Whether a file of an earlier export belongs to a format written now (a CSV of a table
/// the run no longer has is not kept beside the new CSV files).
fn rewritten(name: &str, formats: &[Format]) -> bool {
    let format = if name.ends_with(".csv") {
        Format::Csv
    } else if name == export::XLSX {
        Format::Xlsx
    } else {
        Format::Json
    };
    formats.contains(&format)
}
