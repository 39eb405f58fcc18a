//! `aimak report`: write the council sheets (one A4 PDF per municipality) of a finished run
//! from its tables, without simulating, into the run's `reports/` folder.

use super::Failure;
use crate::lang::Lang;
use crate::report::{charts::Basis, figures::Tables, sheet, FileEntry, Manifest, Staging};
use std::path::{Path, PathBuf};

/// Writes the sheets of `municipalities` (the run's charted municipalities when empty) in
/// `lang`, keeping the run's other sheets; returns the reports folder and the files written.
pub fn report(
    dir: &Path,
    municipalities: &[String],
    lang: Lang,
    basis: Basis,
) -> Result<(PathBuf, Vec<String>), Failure> {
    let mut manifest = super::chart::finished_run(dir)?;
    let unknown: Vec<&str> = municipalities
        .iter()
        .filter(|id| !manifest.catalog.municipalities.iter().any(|m| &m.id == *id))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = manifest
            .catalog
            .municipalities
            .iter()
            .take(12)
            .map(|m| m.id.as_str())
            .collect();
        let more = manifest
            .catalog
            .municipalities
            .len()
            .saturating_sub(known.len());
        return Err(Failure::input(format!(
            "the run in {} has no municipality {}; its municipalities are {}{}",
            dir.display(),
            unknown.join(", "),
            known.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )));
    }
    let tables = Tables::read(dir).map_err(Failure::input)?;
    super::chart::check_prices(dir, &tables, basis)?;
    let reports = dir.join("reports");
    let staging = Staging::part(dir, "reports")?;
    let written = sheet::write_sheets(
        &tables,
        &manifest.catalog,
        &manifest.provenance,
        lang,
        basis,
        municipalities,
        staging.dir(),
    )
    .map_err(Failure::runtime)?;
    // The other sheets of the run (other places, other languages) stay: the folder is
    // replaced whole, so they are copied into the new one.
    let keep: Vec<String> = earlier_sheets(&manifest)
        .into_iter()
        .filter(|n| !written.contains(n) && reports.join(n).is_file())
        .collect();
    for name in &keep {
        let from = reports.join(name);
        std::fs::copy(&from, staging.dir().join(name))
            .map_err(|e| Failure::runtime(format!("cannot copy {}: {e}", from.display())))?;
    }
    staging.commit()?;
    manifest.files.retain(|f| !f.name.starts_with("reports/"));
    let mut all: Vec<String> = keep;
    all.extend(written.iter().cloned());
    all.sort();
    manifest.files.extend(all.into_iter().map(|n| FileEntry {
        name: format!("reports/{n}"),
        rows: 0,
    }));
    // The overview links the sheets; it stays in the language of the run's charts.
    let page_lang = Lang::from_code(&manifest.lang).unwrap_or(lang);
    super::chart::overview(dir, &mut manifest, &tables, page_lang)?;
    manifest.write(dir).map_err(Failure::runtime)?;
    Ok((reports, written))
}

/// The sheets the manifest lists from earlier calls.
fn earlier_sheets(manifest: &Manifest) -> Vec<String> {
    manifest
        .files
        .iter()
        .filter_map(|f| f.name.strip_prefix("reports/"))
        .map(str::to_string)
        .collect()
}
