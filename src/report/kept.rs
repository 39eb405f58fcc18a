//! `--keep-paths`: every path's municipal values, streamed to `paths.parquet` one row group per
//! block of paths, so memory does not grow with the number of paths.
//!
//! Workers hand finished blocks to a writer thread, which puts them back in block order (so
//! the file is the same whatever the thread count) and writes each as a row group.

use super::schema::{col, table};
use super::{Provenance, ReportError};
use crate::results::{KeptBlock, KeptRows};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

pub const FILE: &str = table::PATHS;

pub struct PathWriter {
    sender: Option<SyncSender<KeptBlock>>,
    handle: Option<JoinHandle<Result<usize, ReportError>>>,
}

impl PathWriter {
    /// `variants`: what each variant's rows are, in run order.
    pub fn start(
        dir: &Path,
        variants: Vec<KeptRows>,
        prov: &Provenance,
    ) -> Result<PathWriter, ReportError> {
        let path: PathBuf = dir.join(FILE);
        let file = std::fs::File::create(&path).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        let schema = Schema::from_iter([
            Field::new(col::VARIANT.into(), DataType::String),
            Field::new("path".into(), DataType::UInt64),
            Field::new(col::MUNICIPALITY.into(), DataType::String),
            Field::new(col::STREAM.into(), DataType::String),
            Field::new(col::YEAR.into(), DataType::Int32),
            Field::new("value".into(), DataType::Float64),
        ]);
        let table_err = |source| ReportError::Table {
            name: FILE.into(),
            source,
        };
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(super::parquet_metadata(prov, &schema)))
            .batched(&schema)
            .map_err(table_err)?;
        // A small bound keeps memory flat if the writer falls behind.
        let (sender, receiver) = sync_channel::<KeptBlock>(8 * variants.len().max(1));
        let n_variants = variants.len();
        let names = variants;
        let handle = std::thread::spawn(move || -> Result<usize, ReportError> {
            let mut writer: BatchedWriter<std::fs::File> = writer;
            let mut waiting: BTreeMap<(usize, usize), KeptBlock> = BTreeMap::new();
            let mut next = (0usize, 0usize);
            let mut rows = 0;
            for kb in receiver {
                waiting.insert((kb.block, kb.variant), kb);
                while let Some(kb) = waiting.remove(&next) {
                    let df = frame(&kb, &names[kb.variant]).map_err(table_err)?;
                    rows += df.height();
                    writer.write_batch(&df).map_err(table_err)?;
                    next = if next.1 + 1 == n_variants {
                        (next.0 + 1, 0)
                    } else {
                        (next.0, next.1 + 1)
                    };
                }
            }
            writer.finish().map_err(table_err)?;
            Ok(rows)
        });
        Ok(PathWriter {
            sender: Some(sender),
            handle: Some(handle),
        })
    }

    pub fn sender(&self) -> SyncSender<KeptBlock> {
        self.sender.clone().expect("open")
    }

    /// Waits for the writer and returns the number of rows written.
    pub fn finish(mut self) -> Result<usize, ReportError> {
        drop(self.sender.take());
        self.handle
            .take()
            .expect("running")
            .join()
            .unwrap_or_else(|_| {
                Err(ReportError::Io {
                    path: FILE.into(),
                    source: std::io::Error::other("the writer thread failed"),
                })
            })
    }
}

fn frame(kb: &KeptBlock, names: &KeptRows) -> PolarsResult<DataFrame> {
    let (variant, rows, years) = (&names.variant, &names.rows, &names.years);
    let n = kb.lanes * rows.len() * years.len();
    let (mut path, mut muni, mut stream, mut year, mut value) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for b in 0..kb.lanes {
        for (r, (m, s)) in rows.iter().enumerate() {
            for (t, y) in years.iter().enumerate() {
                path.push(kb.first + b as u64);
                muni.push(m.as_str());
                stream.push(s.as_str());
                year.push(*y);
                value.push(kb.values[r][t * kb.width + b]);
            }
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new(col::VARIANT.into(), vec![variant.as_str(); n]),
        Column::new("path".into(), path),
        Column::new(col::MUNICIPALITY.into(), muni),
        Column::new(col::STREAM.into(), stream),
        Column::new(col::YEAR.into(), year),
        Column::new("value".into(), value),
    ])
}
