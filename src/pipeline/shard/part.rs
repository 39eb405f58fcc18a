//! The files of a split run (docs/shards.md, "Part format"): a shard's part of round 1, its
//! collected values of round 2, and the merge's request for round 2. One container for all
//! three: a magic line, the format version, a JSON header, the scenario's files, a binary
//! body, and the SHA-256 of everything before it. Encoding and decoding are pure functions
//! of bytes; [`write_atomic`] does the I/O.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The first bytes of every file of a split run.
pub const MAGIC: &[u8; 11] = b"AIMAK-PART\n";
/// The version of the container and of the bodies' encoding; a merge refuses any other.
pub const FORMAT: u32 = 1;
/// The request `aimak merge` writes for round 2, in the first part folder.
pub const REQUEST_FILE: &str = "refine.request";

/// What a file of a split run holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Round 1: a shard's statistics.
    Shard,
    /// Round 2: a shard's values of the requested buckets.
    Refined,
    /// The merge's request for round 2 (its body empty when nothing needs refining).
    Request,
}

/// What every file of one split run agrees on: the run's identity and the options that
/// change its results. Threads and other resources are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub aimak_version: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub shards: u64,
    pub variants: Vec<String>,
    /// `exact` or `calibrated`.
    pub quantiles: String,
    /// The options of the outputs `aimak merge` writes, as given to the shards.
    pub prices: String,
    pub lang: String,
    pub charts: Vec<String>,
    pub report: bool,
    pub export: Vec<String>,
}

impl Identity {
    /// The fields in which `other` differs from this identity, each as "name: ours vs theirs".
    pub fn differences(&self, other: &Identity) -> Vec<String> {
        let a = serde_json::to_value(self).expect("identity serialises");
        let b = serde_json::to_value(other).expect("identity serialises");
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            return Vec::new();
        };
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(*v))
            .map(|(k, v)| {
                let theirs = b.get(k).map_or("nothing".into(), |x| x.to_string());
                format!("{k} {theirs} (the others: {v})")
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub kind: Kind,
    pub identity: Identity,
    /// The shard (none for a request).
    pub shard: Option<u64>,
    /// The shard's paths, `first..end`.
    pub first_path: u64,
    pub end_path: u64,
    /// The scenario file as the shard was given it (for messages).
    pub scenario: String,
    /// SHA-256 of the pilot's histogram edges (calibrated quantiles).
    pub edges_sha256: Option<String>,
    /// SHA-256 of the request's body: the request a refined part answers, or a request's own.
    pub request_sha256: Option<String>,
    /// A request with nothing to refine: the SHA-256 of the `manifest.json` the merge wrote,
    /// and where, so that the merge after round 2 knows the results are already written.
    pub merged_manifest_sha256: Option<String>,
    pub merged_into: Option<String>,
}

/// A decoded file.
#[derive(Debug, Clone)]
pub struct Part {
    pub header: Header,
    /// The scenario's files, (name as read, text), the scenario first; empty in a request.
    pub sources: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Part {
    pub fn encode(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).expect("header serialises");
        let sources = serde_json::to_vec(&self.sources).expect("sources serialise");
        // Level 1: most of the gain (a national part shrinks about fivefold) at a second or
        // two per 600 MB; the same bytes every time.
        let body = zstd::bulk::compress(&self.body, 1).expect("compressing in memory");
        let mut out = Vec::with_capacity(64 + header.len() + sources.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        for block in [&header, &sources, &body] {
            out.extend_from_slice(&(block.len() as u64).to_le_bytes());
            out.extend_from_slice(block);
        }
        let sum = Sha256::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// A file's bytes, checked: what it is, its version, its checksum. The error says why
    /// the bytes are not a part.
    pub fn decode(bytes: &[u8]) -> Result<Part, String> {
        if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("not a part of a split aimak run".into());
        }
        let version = u32::from_le_bytes(
            bytes[MAGIC.len()..MAGIC.len() + 4]
                .try_into()
                .expect("4 bytes"),
        );
        if version != FORMAT {
            return Err(format!(
                "written in part format {version}; this aimak reads format {FORMAT} (run every shard and the merge with the same aimak)"
            ));
        }
        if bytes.len() < MAGIC.len() + 4 + 32 {
            return Err("corrupted: the file is cut short".into());
        }
        let (data, sum) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(data).as_slice() != sum {
            return Err(
                "corrupted: its checksum does not match its contents (cut short or altered)".into(),
            );
        }
        let mut at = MAGIC.len() + 4;
        let mut block = || -> Result<&[u8], String> {
            let len = data
                .get(at..at + 8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
                .ok_or("corrupted: a block is cut short")?;
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| at.checked_add(8 + l))
                .filter(|e| *e <= data.len())
                .ok_or("corrupted: a block runs past the end")?;
            let b = &data[at + 8..end];
            at = end;
            Ok(b)
        };
        let header: Header =
            serde_json::from_slice(block()?).map_err(|e| format!("an unreadable header: {e}"))?;
        let sources: Vec<(String, String)> = serde_json::from_slice(block()?)
            .map_err(|e| format!("unreadable scenario files: {e}"))?;
        let body = zstd::stream::decode_all(block()?)
            .map_err(|e| format!("corrupted: its statistics do not decompress ({e})"))?;
        Ok(Part {
            header,
            sources,
            body,
        })
    }

    /// Reads and checks the file at `path`.
    pub fn read(path: &Path) -> Result<Part, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
        Part::decode(&bytes)
    }
}

/// The name of shard `index`'s file of `kind` in a run of `count` shards.
pub fn file_name(kind: Kind, index: u64, count: u64) -> String {
    let what = match kind {
        Kind::Shard => "shard",
        Kind::Refined => "refined",
        Kind::Request => return REQUEST_FILE.into(),
    };
    format!("{what}-{index:04}-of-{count:04}.part")
}

/// The shard a file name gives (`shard-0003-of-0008.part`), to name a corrupted part's shard.
pub fn index_in_name(path: &Path) -> Option<(Kind, u64)> {
    let name = path.file_name()?.to_str()?.strip_suffix(".part")?;
    let (kind, rest) = if let Some(r) = name.strip_prefix("shard-") {
        (Kind::Shard, r)
    } else {
        (Kind::Refined, name.strip_prefix("refined-")?)
    };
    Some((kind, rest.split_once("-of-")?.0.parse().ok()?))
}

/// Writes `bytes` as `dir/name`, whole (a file named like a part is always complete, and a
/// shard run again replaces its part whole); a file there that is not aimak's is never replaced.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(name);
    crate::files::write_whole(
        &path,
        bytes,
        |b| b.starts_with(MAGIC),
        "a file of a split aimak run",
    )?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part() -> Part {
        Part {
            header: Header {
                kind: Kind::Shard,
                identity: Identity {
                    aimak_version: "1".into(),
                    scenario_sha256: "ab".into(),
                    seed: 1,
                    paths: 10,
                    shards: 2,
                    variants: vec!["baseline".into()],
                    quantiles: "exact".into(),
                    prices: "nominal".into(),
                    lang: "en".into(),
                    charts: vec![],
                    report: false,
                    export: vec![],
                },
                shard: Some(1),
                first_path: 5,
                end_path: 10,
                scenario: "s.toml".into(),
                edges_sha256: None,
                request_sha256: None,
                merged_manifest_sha256: None,
                merged_into: None,
            },
            sources: vec![("s.toml".into(), "format_version = 1".into())],
            body: vec![1, 2, 3],
        }
    }

    #[test]
    fn a_part_reads_back_and_any_changed_byte_is_refused() {
        let bytes = part().encode();
        let back = Part::decode(&bytes).unwrap();
        assert_eq!(back.header, part().header);
        assert_eq!(back.body, vec![1, 2, 3]);
        for i in [0, 12, 40, bytes.len() / 2, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(Part::decode(&b).is_err(), "byte {i}");
        }
        assert!(Part::decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn differences_name_the_field() {
        let a = part().header.identity;
        let mut b = a.clone();
        b.seed = 2;
        let d = a.differences(&b);
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("seed 2"), "{d:?}");
    }

    #[test]
    fn names_give_their_shard() {
        let n = file_name(Kind::Shard, 3, 8);
        assert_eq!(n, "shard-0003-of-0008.part");
        assert_eq!(index_in_name(Path::new(&n)), Some((Kind::Shard, 3)));
        let r = file_name(Kind::Refined, 12, 20);
        assert_eq!(index_in_name(Path::new(&r)), Some((Kind::Refined, 12)));
    }
}
