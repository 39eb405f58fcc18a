//! Turning results into files: Parquet tables, the manifest, and the terminal summary.
//!
//! A run's folder is written under a temporary name beside its destination and renamed into
//! place only when every file is complete, so a folder named like a result is always whole.

pub mod backtest;
pub mod catalog;
pub mod charts;
pub mod export;
pub mod figures;
pub mod kept;
pub mod labels;
pub mod national;
pub mod schema;
pub mod selection;
pub mod sheet;
pub mod solve;
pub mod staging;
pub mod summary;
pub mod tables;

use crate::results::{Results, Share};
use polars::io::parquet::write::KeyValueMetadata;
use polars::prelude::*;
use serde::Serialize;
pub use staging::Staging;
use std::path::{Path, PathBuf};

/// Provenance written into every file.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Provenance {
    pub aimak_version: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub quantile_method: String,
    pub max_rank_error: f64,
    pub variants: Vec<String>,
    pub date: String,
}

impl Provenance {
    /// The footer of every chart and sheet of this run: version, scenario (by its name in
    /// `lang` where the catalog has one), seed, paths, date.
    pub fn footer(&self, lang: crate::lang::Lang, cat: &catalog::Catalog) -> String {
        let name = cat
            .scenario_names
            .get(lang.code())
            .unwrap_or(&self.scenario);
        labels::footer(
            lang,
            &self.aimak_version,
            name,
            self.seed,
            self.paths,
            &self.date,
        )
    }

    pub fn new(results: &Results, scenario_name: &str, sha256: &str) -> Provenance {
        Provenance {
            aimak_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario_name.to_string(),
            scenario_sha256: sha256.to_string(),
            seed: results.seed,
            paths: results.paths,
            quantile_method: results.quantile_mode.describe().to_string(),
            max_rank_error: results.max_rank_error(),
            variants: results.variants.iter().map(|v| v.name.clone()).collect(),
            date: today(),
        }
    }

    /// Provenance known before a run ends (for files written while it runs): everything but
    /// the statistics method, which `method` describes. `run` is the (seed, paths) asked for.
    pub fn before_run(
        scenario: &crate::model::Scenario,
        (seed, paths): (u64, u64),
        variants: &[&str],
        method: &str,
    ) -> Provenance {
        Provenance {
            aimak_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.baseline.name.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed,
            paths,
            quantile_method: method.to_string(),
            max_rank_error: 0.0,
            variants: variants.iter().map(|v| v.to_string()).collect(),
            date: today(),
        }
    }

    fn key_values(&self) -> Vec<(String, String)> {
        vec![
            ("aimak_version".into(), self.aimak_version.clone()),
            ("scenario".into(), self.scenario.clone()),
            ("scenario_sha256".into(), self.scenario_sha256.clone()),
            ("seed".into(), self.seed.to_string()),
            ("paths".into(), self.paths.to_string()),
            ("quantile_method".into(), self.quantile_method.clone()),
            ("max_rank_error".into(), format!("{}", self.max_rank_error)),
            ("variants".into(), self.variants.join(",")),
        ]
    }
}

/// `manifest.json`: provenance, the names charts are labelled with, and every file written.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Language of the charts in charts/.
    pub lang: String,
    pub catalog: catalog::Catalog,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, ReportError> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| ReportError::NotManifest {
            path,
            reason: e.to_string(),
        })
    }

    pub fn write(&self, dir: &Path) -> Result<(), ReportError> {
        let path = dir.join("manifest.json");
        let text = serde_json::to_string_pretty(self).expect("manifest serialises");
        std::fs::write(&path, text).map_err(io(&path))
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FileEntry {
    pub name: String,
    /// Rows of a table; 0 for a chart.
    pub rows: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the output folder {0} exists already; use --force to replace it, or --out to choose another")]
    Exists(PathBuf),
    #[error("{0} is a file, not a folder: aimak writes a run into a folder of its own; choose another --out")]
    NotAFolder(PathBuf),
    #[error("{0} is not an aimak output folder (it has files but no aimak manifest.json), so aimak will not replace it, even with --force; choose another --out")]
    NotOurs(PathBuf),
    #[error("{dir} holds files that aimak did not write ({}), so aimak will not replace it, even with --force; move them away or choose another --out", .files.join(", "))]
    Foreign { dir: PathBuf, files: Vec<String> },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not an aimak manifest: {reason}")]
    NotManifest { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build table {name}: {source}")]
    Table { name: String, source: PolarsError },
}

impl ReportError {
    /// Whether the user can fix this by choosing other input or flags (exit 1), rather than
    /// a failure of the machine (exit 2).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            ReportError::Exists(_)
                | ReportError::NotAFolder(_)
                | ReportError::NotOurs(_)
                | ReportError::Foreign { .. }
                | ReportError::NotManifest { .. }
        )
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The key-value metadata of every Parquet file aimak writes, for a table of `schema`: the
/// provenance as plain file key-value pairs, and the same pairs as the `custom_metadata` of
/// the Arrow schema in the `ARROW:schema` entry, where pyarrow (and so pandas and the Arrow
/// ecosystem) looks for schema metadata.
///
/// polars 0.55 writes `ARROW:schema` without custom metadata and cannot be handed a function
/// of its own schema (`KeyValueMetadata::DynamicRust` has no public constructor), but it keeps
/// an `ARROW:schema` entry it is given. So this encodes the Arrow schema exactly as polars does
/// (its `schema_to_metadata_key` on `Schema::to_arrow(CompatLevel::newest())`, which is what
/// `ParquetWriter::batched` derives), adds the provenance to that IPC message, and puts the
/// result first.
pub fn parquet_metadata(prov: &Provenance, schema: &Schema) -> KeyValueMetadata {
    let pairs = prov.key_values();
    let own =
        polars_parquet::write::schema_to_metadata_key(&schema.to_arrow(CompatLevel::newest()));
    let mut kv = Vec::with_capacity(pairs.len() + 1);
    if let Some(value) = own.value {
        // Should the message not decode, polars' own entry is kept as it is: the file is
        // still complete and readable, only without the provenance in the Arrow schema (the
        // integration test parquet_meta checks that this path is not the one taken).
        let value = arrow_schema_with_metadata(&value, &pairs).unwrap_or(value);
        kv.push((own.key, value));
    }
    kv.extend(pairs);
    KeyValueMetadata::from_static(kv)
}

/// `encoded` (an `ARROW:schema` value: base64 of 0xFFFFFFFF, the little-endian u32 length and
/// an Arrow IPC `Message` flatbuffer holding a `Schema`) with `pairs` set in the schema's
/// `custom_metadata` (replacing entries of the same keys, keeping any others); `None` if it
/// does not decode.
fn arrow_schema_with_metadata(encoded: &str, pairs: &[(String, String)]) -> Option<String> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use polars_arrow_format::ipc;
    use polars_arrow_format::ipc::planus::ReadAsRoot as _;

    const CONTINUATION: [u8; 4] = [0xFF; 4];
    let bytes = STANDARD.decode(encoded).ok()?;
    let (prefix, rest) = bytes.split_at_checked(8)?;
    if prefix[..4] != CONTINUATION {
        return None;
    }
    let len = u32::from_le_bytes(prefix[4..].try_into().ok()?) as usize;
    let message = ipc::MessageRef::read_as_root(rest.get(..len)?).ok()?;
    let mut message = ipc::Message::try_from(message).ok()?;
    let Some(ipc::MessageHeader::Schema(schema)) = message.header.as_mut() else {
        return None;
    };
    let mut custom = schema.custom_metadata.take().unwrap_or_default();
    custom.retain(|kv| {
        !pairs
            .iter()
            .any(|(k, _)| kv.key.as_deref() == Some(k.as_str()))
    });
    custom.extend(pairs.iter().map(|(k, v)| ipc::KeyValue {
        key: Some(k.clone()),
        value: Some(v.clone()),
    }));
    schema.custom_metadata = Some(custom);

    let mut builder = ipc::planus::Builder::new();
    let body = builder.finish(&message, None);
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&CONTINUATION);
    out.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(body);
    Some(STANDARD.encode(out))
}

/// Writes one data frame as Parquet (zstd) with the provenance as key-value metadata (see
/// [`parquet_metadata`]).
pub fn write_parquet(
    df: &mut DataFrame,
    path: &Path,
    prov: &Provenance,
) -> Result<(), ReportError> {
    let file = std::fs::File::create(path).map_err(io(path))?;
    let metadata = parquet_metadata(prov, df.schema());
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(metadata))
        .finish(df)
        .map_err(|source| ReportError::Table {
            name: path.display().to_string(),
            source,
        })?;
    Ok(())
}

/// Writes the tables of docs/model.md section 9 (and compare.parquet) into `dir`; returns the
/// frames, to draw charts from exactly what was written, and (file, rows).
pub fn write_tables(
    results: &Results,
    prov: &Provenance,
    dir: &Path,
) -> Result<(tables::Frames, Vec<(String, usize)>), ReportError> {
    let mut tables = tables::all(results).map_err(|source| ReportError::Table {
        name: "results".into(),
        source,
    })?;
    let mut files = Vec::new();
    for (file, df) in &mut tables {
        write_parquet(df, &dir.join(*file), prov)?;
        files.push((file.to_string(), df.height()));
    }
    Ok((tables, files))
}

/// Writes `sensitivity.parquet`; returns its name and frame.
pub fn write_sensitivity(
    shares: &[Share],
    prov: &Provenance,
    dir: &Path,
) -> Result<(&'static str, DataFrame), ReportError> {
    const FILE: &str = schema::table::SENSITIVITY;
    let mut df = tables::sensitivity(shares).map_err(|source| ReportError::Table {
        name: FILE.into(),
        source,
    })?;
    write_parquet(&mut df, &dir.join(FILE), prov)?;
    Ok((FILE, df))
}

/// Draws every chart of a run from its tables into `charts_dir`; returns the files written
/// (named `charts/...`, relative to the run folder).
pub fn write_charts(
    tables: &figures::Tables,
    catalog: &catalog::Catalog,
    prov: &Provenance,
    lang: crate::lang::Lang,
    basis: charts::Basis,
    only: Option<&[String]>,
    charts_dir: &Path,
) -> Result<Vec<String>, ReportError> {
    let prices = basis.prices(catalog.start_year);
    let table_error = |source| ReportError::Table {
        name: "charts".into(),
        source,
    };
    let mut list = figures::figures(tables, catalog, lang, only, prices).map_err(table_error)?;
    list.extend(national::charts::figures(tables, catalog, lang).map_err(table_error)?);
    let meta = charts::ChartMeta {
        lang,
        footer: prov.footer(lang, catalog),
    };
    std::fs::create_dir_all(charts_dir).map_err(io(charts_dir))?;
    figures::render_all(&list, &meta, charts_dir).map_err(|e| ReportError::Io {
        path: charts_dir.to_path_buf(),
        source: std::io::Error::other(e),
    })
}

/// Writes the national overview page (`overview.html`) of a run into `dir`, linking the
/// council sheets in `sheets` (named `reports/...`); returns its file name.
pub fn write_overview(
    tables: &figures::Tables,
    catalog: &catalog::Catalog,
    prov: &Provenance,
    lang: crate::lang::Lang,
    sheets: &[String],
    dir: &Path,
) -> Result<&'static str, ReportError> {
    let table_error = |source| ReportError::Table {
        name: national::page::FILE.into(),
        source,
    };
    let rows =
        national::standings(tables, catalog, lang, crate::model::BASELINE).map_err(table_error)?;
    let charts = national::charts::figures(tables, catalog, lang).map_err(table_error)?;
    let meta = charts::ChartMeta {
        lang,
        footer: prov.footer(lang, catalog),
    };
    let title = catalog
        .scenario_names
        .get(lang.code())
        .unwrap_or(&catalog.scenario);
    let html = national::page::html(&national::page::Overview {
        rows: &rows,
        title,
        charts: &charts,
        sheets,
        meta: &meta,
    })
    .map_err(|e| ReportError::Io {
        path: dir.join(national::page::FILE),
        source: std::io::Error::other(e),
    })?;
    national::page::write(dir, &html).map_err(io(&dir.join(national::page::FILE)))?;
    Ok(national::page::FILE)
}

/// A scenario name as a folder name: lower case letters, digits and dashes.
pub fn slug(name: &str) -> String {
    // At most 64 characters: a folder name must fit the 255 bytes file systems allow, even
    // in Cyrillic (two bytes a letter).
    const MAX: usize = 64;
    let mut s = String::new();
    for c in name.chars().take(MAX) {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "scenario".into()
    } else {
        s
    }
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_dates() {
        assert_eq!(slug("Ala-Buka pilot"), "ala-buka-pilot");
        assert_eq!(slug("  Кок-Серек / 2019 "), "кок-серек-2019");
        assert_eq!(slug(&"Ж".repeat(200)).chars().count(), 64);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
    }
}
