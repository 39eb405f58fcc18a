//! The provenance of every Parquet table, both as plain file key-value metadata and inside the
//! `ARROW:schema` entry as the Arrow schema's custom metadata (where pyarrow reads it), decoded
//! here on its own from the footer; and the tables still read back with polars.

use super::aimak_ok;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use polars::prelude::*;
use polars_arrow_format::ipc;
use polars_arrow_format::ipc::planus::ReadAsRoot as _;
use std::collections::BTreeMap;
use std::path::Path;

/// The Arrow schema stored under `ARROW:schema`: its field names and its custom metadata.
struct ArrowSchemaEntry {
    fields: Vec<String>,
    metadata: BTreeMap<String, String>,
}

/// Decodes an `ARROW:schema` value: base64 of 0xFFFFFFFF, a little-endian u32 length and an
/// Arrow IPC `Message` flatbuffer whose header is a `Schema`.
fn decode_arrow_schema(value: &str) -> ArrowSchemaEntry {
    let bytes = STANDARD.decode(value).expect("ARROW:schema is base64");
    assert_eq!(bytes[..4], [0xFF; 4], "IPC continuation marker");
    let len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert!(
        8 + len <= bytes.len(),
        "IPC message length {len} past the end"
    );
    let message = ipc::MessageRef::read_as_root(&bytes[8..8 + len]).expect("an IPC message");
    let ipc::MessageHeaderRef::Schema(schema) = message.header().unwrap().expect("a header") else {
        panic!("the ARROW:schema message is not a Schema");
    };
    let fields = schema
        .fields()
        .unwrap()
        .expect("fields")
        .iter()
        .map(|f| f.unwrap().name().unwrap().expect("field name").to_string())
        .collect();
    let metadata = schema
        .custom_metadata()
        .unwrap()
        .map(|kvs| {
            kvs.iter()
                .map(|kv| {
                    let kv = kv.unwrap();
                    (
                        kv.key().unwrap().unwrap_or_default().to_string(),
                        kv.value().unwrap().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ArrowSchemaEntry { fields, metadata }
}

/// The footer's key-value metadata (in file order) and the table, both read with polars.
fn footer_and_table(path: &Path) -> (Vec<(String, Option<String>)>, DataFrame) {
    let mut reader = ParquetReader::new(std::fs::File::open(path).unwrap());
    let kv = reader
        .get_metadata()
        .unwrap()
        .key_value_metadata
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value))
        .collect();
    let df = reader.finish().unwrap();
    (kv, df)
}

#[test]
fn parquet_tables_carry_provenance_in_the_arrow_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    aimak_ok(&[
        "run",
        "--paths",
        "120",
        "--seed",
        "11",
        "--keep-paths",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 11);
    assert_eq!(manifest["paths"], 120);
    let expect: BTreeMap<&str, String> = [
        (
            "aimak_version",
            manifest["aimak_version"].as_str().unwrap().to_string(),
        ),
        (
            "scenario",
            manifest["scenario"].as_str().unwrap().to_string(),
        ),
        (
            "scenario_sha256",
            manifest["scenario_sha256"].as_str().unwrap().to_string(),
        ),
        ("seed", "11".to_string()),
        ("paths", "120".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(expect["aimak_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(expect["scenario_sha256"].len(), 64);

    let rows: BTreeMap<String, usize> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["rows"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let mut tables: Vec<String> = rows
        .keys()
        .filter(|n| n.ends_with(".parquet"))
        .cloned()
        .collect();
    tables.sort();
    for must in ["summary.parquet", "paths.parquet"] {
        assert!(tables.iter().any(|t| t == must), "{must} not in {tables:?}");
    }

    for name in &tables {
        let (kv, df) = footer_and_table(&out.join(name));
        let schema_entries: Vec<&Option<String>> = kv
            .iter()
            .filter(|(k, _)| k == "ARROW:schema")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(schema_entries.len(), 1, "{name}: one ARROW:schema entry");
        assert_eq!(kv[0].0, "ARROW:schema", "{name}: ARROW:schema comes first");
        let arrow = decode_arrow_schema(schema_entries[0].as_deref().expect("a value"));

        // The provenance, in the Arrow schema and as plain file key-value metadata.
        let plain: BTreeMap<&str, &str> = kv
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_deref()?)))
            .collect();
        for (key, value) in &expect {
            assert_eq!(
                arrow.metadata.get(*key).map(String::as_str),
                Some(value.as_str()),
                "{name}: {key} in the Arrow schema metadata {:?}",
                arrow.metadata
            );
            assert_eq!(plain.get(key), Some(&value.as_str()), "{name}: file {key}");
        }
        // paths.parquet is written while the run goes, before the statistics method is known.
        for key in ["quantile_method", "max_rank_error", "variants"] {
            assert_eq!(
                arrow.metadata.get(key).map(String::as_str),
                plain.get(key).copied(),
                "{name}: {key}"
            );
        }

        // The Arrow schema still describes the table polars reads back.
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(arrow.fields, columns, "{name}: Arrow schema fields");
        assert_eq!(df.height(), rows[name], "{name}: rows");
        assert!(df.height() > 0, "{name}: empty");
    }
}
