//! `aimak chart`: redraw the charts of a finished run from its tables, without simulating.

use super::Failure;
use crate::lang::Lang;
use crate::report::{charts::Basis, figures::Tables, Manifest, Staging};
use std::path::{Path, PathBuf};

/// Redraws the charts of a finished run from its tables, replacing its charts/ folder whole.
/// `charts` chooses the municipalities with charts of their own (see
/// [`crate::report::selection`]).
pub fn chart(dir: &Path, lang: Lang, basis: Basis, charts: &[String]) -> Result<PathBuf, Failure> {
    let mut manifest = finished_run(dir)?;
    let selection = crate::report::selection::Selection::parse(charts);
    super::run::check_selection(&selection, &manifest.catalog)?;
    let only = selection.ids(&manifest.catalog);
    let tables = Tables::read(dir).map_err(Failure::input)?;
    check_prices(dir, &tables, basis)?;
    // Draw into a staging folder beside charts/, then swap it in whole.
    let staging = Staging::part(dir, "charts")?;
    let files = crate::report::write_charts(
        &tables,
        &manifest.catalog,
        &manifest.provenance,
        lang,
        basis,
        only.as_deref(),
        staging.dir(),
    )
    .map_err(Failure::runtime)?;
    // The swap checks the old charts against the manifest on disk, which still lists them;
    // the manifest is rewritten with the new ones after.
    staging.commit()?;
    manifest.lang = lang.code().to_string();
    manifest.files.retain(|f| !f.name.starts_with("charts/"));
    manifest.files.extend(
        files
            .into_iter()
            .map(|name| crate::report::FileEntry { name, rows: 0 }),
    );
    overview(dir, &mut manifest, &tables, lang)?;
    manifest.write(dir).map_err(Failure::runtime)?;
    Ok(dir.join("charts"))
}

/// Rewrites the run's overview page in `lang` with the sheets the manifest lists, and lists
/// the page. A file of that name that aimak did not write (a run from before the page
/// existed, with a file of the user's in its place) is left alone.
pub(super) fn overview(
    dir: &Path,
    manifest: &mut Manifest,
    tables: &Tables,
    lang: Lang,
) -> Result<(), Failure> {
    use crate::report::national::page::FILE;
    let listed = manifest.files.iter().any(|f| f.name == FILE);
    if !listed && dir.join(FILE).exists() {
        return Ok(());
    }
    let sheets: Vec<String> = manifest
        .files
        .iter()
        .filter(|f| f.name.starts_with("reports/"))
        .map(|f| f.name.clone())
        .collect();
    crate::report::write_overview(
        tables,
        &manifest.catalog,
        &manifest.provenance,
        lang,
        &sheets,
        dir,
    )?;
    if !listed {
        manifest.files.push(crate::report::FileEntry {
            name: FILE.to_string(),
            rows: 0,
        });
    }
    Ok(())
}

/// The manifest of a finished run in `dir`, checked: the folder is an aimak run and holds
/// every table its manifest lists.
pub(super) fn finished_run(dir: &Path) -> Result<Manifest, Failure> {
    if !dir.join("manifest.json").is_file() {
        return Err(Failure::Input(format!(
            "{} is not the output folder of an aimak run (it has no manifest.json)\n",
            dir.display()
        )));
    }
    let manifest = Manifest::read(dir)?;
    // A table the manifest lists but the folder lacks means the folder was changed after the
    // run: say so, whether or not the charts need that table.
    let missing: Vec<&str> = manifest
        .files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.ends_with(".parquet") && !dir.join(n).is_file())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Input(format!(
            "{} is incomplete: its manifest lists {}, which {} missing; run the scenario again\n",
            dir.display(),
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        )));
    }
    Ok(manifest)
}

/// Start-year prices need a run that has them (its scenario has a cpi driver).
pub(super) fn check_prices(dir: &Path, tables: &Tables, basis: Basis) -> Result<(), Failure> {
    if basis == Basis::StartYear && !tables.has_real() {
        return Err(Failure::Input(format!(
            "the run in {} has no amounts in start-year prices: its scenario has no cpi driver (scenario.cpi), or more than 40 municipalities and the run was not asked for them; run it again with --prices start-year, or use --prices nominal\n",
            dir.display()
        )));
    }
    Ok(())
}
