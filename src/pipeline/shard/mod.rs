//! Runs split across machines (docs/model.md section 14, docs/shards.md): `aimak run
//! --shard I/K` writes a shard's part, `aimak merge` checks the parts and writes the same
//! output folder as one process would, after a second round if crowded histogram buckets need
//! their values (`aimak run --shard I/K --refine DIR`).

pub mod part;
pub mod spec;

use super::run::{RunJob, RunOutcome};
use super::Failure;
use crate::lang::Lang;
use crate::report::{charts::Basis, export::Format, Staging};
use crate::sim::shard::{shard_paths, Split};
use crate::sim::Settings;
use crate::stats::QuantileMode;
use part::{file_name, sha256_hex, write_atomic, Header, Identity, Kind, Part, REQUEST_FILE};
pub use spec::ShardSpec;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn quantiles_word(m: QuantileMode) -> &'static str {
    match m {
        QuantileMode::Exact => "exact",
        QuantileMode::Calibrated => "calibrated",
    }
}

fn prices_word(b: Basis) -> &'static str {
    match b {
        Basis::Nominal => "nominal",
        Basis::StartYear => "start-year",
    }
}

fn format_word(f: Format) -> &'static str {
    match f {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Json => "json",
    }
}

/// The identity every part of `job`'s split run carries.
fn identity_of(job: &RunJob, shards: u64, mode: QuantileMode) -> Identity {
    Identity {
        aimak_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_sha256: job.scenario.sha256.clone(),
        seed: job.settings.seed,
        paths: job.settings.paths,
        shards,
        variants: job.variants.clone(),
        quantiles: quantiles_word(mode).into(),
        prices: prices_word(job.prices).into(),
        lang: job.lang.code().into(),
        charts: job.charts_words.clone(),
        report: job.report,
        export: job.export.iter().map(|f| format_word(*f).into()).collect(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 10 << 20 => format!("{} MB", b >> 20),
        b if b >= 10 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// One shard of a split run: round 1 (its statistics) or, with `--refine DIR`, round 2 (its
/// values of the buckets DIR's request names; nothing when the request names none).
pub(super) fn run_shard(
    job: &RunJob,
    spec: ShardSpec,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RunOutcome, Failure> {
    let names: Vec<&str> = job.variants.iter().map(String::as_str).collect();
    let mut split = Split::new(&job.scenario, &names, &job.settings).map_err(Failure::runtime)?;
    let identity = identity_of(job, spec.count(), split.mode());
    let (i, k) = (spec.index(), spec.count());
    let span = shard_paths(job.settings.paths, i, k);
    let (kind, body, request_sha256) = match &job.refine {
        None => {
            let body = split
                .first_round(span.clone(), progress)
                .map_err(Failure::runtime)?;
            (Kind::Shard, body, None)
        }
        Some(dir) => {
            let path = dir.join(REQUEST_FILE);
            if !path.exists() {
                return Err(Failure::input(format!(
                    "--refine {}: there is no {REQUEST_FILE} in it; run `aimak merge` on the parts of round 1 first (it writes the request there)",
                    dir.display()
                )));
            }
            let req = Part::read(&path)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
            if req.header.kind != Kind::Request {
                return Err(Failure::input(format!(
                    "{} is not a request of `aimak merge`",
                    path.display()
                )));
            }
            let diff = req.header.identity.differences(&identity);
            if !diff.is_empty() {
                return Err(Failure::input(format!(
                    "{} was written for another run than this shard's: this shard has {}; run round 2 with the same scenario, --paths, --seed, --shard count and options as round 1",
                    path.display(),
                    diff.join(", ")
                )));
            }
            if req.body.is_empty() {
                return Ok(RunOutcome {
                    out: job.out.clone(),
                    summary: format!(
                        "shard {i} of {k}: nothing to refine ({} says no bucket needs round 2); nothing written\n",
                        path.display()
                    ),
                    note: None,
                });
            }
            let body = split
                .second_round(span.clone(), &req.body, progress)
                .map_err(|e| Failure::runtime(format!("{}: {e}", path.display())))?;
            (Kind::Refined, body, Some(sha256_hex(&req.body)))
        }
    };
    let edges_sha256 = split.edges_digest().map_err(Failure::runtime)?;
    let part = Part {
        header: Header {
            kind,
            identity,
            shard: Some(i),
            first_path: span.start,
            end_path: span.end,
            scenario: job.scenario_arg.clone(),
            edges_sha256,
            request_sha256,
            merged_manifest_sha256: None,
            merged_into: None,
        },
        sources: match kind {
            Kind::Shard => job.scenario.sources.as_ref().clone(),
            _ => Vec::new(),
        },
        body,
    };
    let bytes = part.encode();
    let path = write_atomic(&job.out, &file_name(kind, i, k), &bytes).map_err(Failure::runtime)?;
    let round = if kind == Kind::Shard { 1 } else { 2 };
    Ok(RunOutcome {
        out: job.out.clone(),
        summary: format!(
            "shard {i} of {k}, round {round} (paths {}..{} of {}): {} ({})\n",
            span.start,
            span.end,
            job.settings.paths,
            path.display(),
            size(bytes.len() as u64)
        ),
        note: None,
    })
}

/// The flags of `aimak merge`.
#[derive(Debug, Clone, Default)]
pub struct MergeRequest {
    /// Part folders (every `*.part` file in them) or part files.
    pub parts: Vec<PathBuf>,
    pub out: PathBuf,
    /// Replace an aimak folder at `out`.
    pub force: bool,
    pub threads: Option<usize>,
}

/// A file that is not a usable part: its path, the shard its name gives, and why.
type Unusable = (PathBuf, Option<(Kind, u64)>, String);

/// A checked file: its path and header.
struct Entry {
    path: PathBuf,
    header: Header,
}

/// The `*.part` files of the folders and files given, sorted, and the folder of the request.
fn list_parts(given: &[PathBuf]) -> Result<(Vec<PathBuf>, PathBuf), Failure> {
    let mut files = Vec::new();
    for p in given {
        if p.is_dir() {
            let rd = std::fs::read_dir(p)
                .map_err(|e| Failure::input(format!("cannot read {}: {e}", p.display())))?;
            let mut here: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "part"))
                .collect();
            here.sort();
            files.extend(here);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(Failure::input(format!(
                "{}: no such folder or file of parts",
                p.display()
            )));
        }
    }
    let first = given
        .first()
        .ok_or_else(|| Failure::input("aimak merge: name the folders of the parts"))?;
    let dir = if first.is_dir() {
        first.clone()
    } else {
        first.parent().map_or(PathBuf::from("."), Path::to_path_buf)
    };
    Ok((files, dir))
}

/// The shards missing from `found` (by index), as a sorted list.
fn missing(found: &BTreeMap<u64, Vec<&Entry>>, k: u64) -> Vec<u64> {
    (0..k).filter(|i| !found.contains_key(i)).collect()
}

fn list(xs: &[u64]) -> String {
    xs.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// How to run `shards` again: the Slurm array and the command.
fn rerun_hint(id: &Identity, scenario: &str, shards: &[u64], dir: &Path, refine: bool) -> String {
    let refine_flag = if refine {
        format!(" --refine {}", dir.display())
    } else {
        String::new()
    };
    let first = shards.first().copied().unwrap_or(0);
    let round = if refine { "ROUND=2 " } else { "" };
    format!(
        "Run them again, then merge again:\n  Slurm: sbatch --array={} <the job script of round {}> (with --shard env --shards {}),\n    or with aimak's scripts: {round}ARRAY={} deploy/slurm/submit.sh <the same arguments>\n  or, shard by shard: aimak run {scenario} --paths {} --seed {} --shard {first}/{}{refine_flag} --out {} (with the other options of round 1)\n",
        list(shards),
        if refine { 2 } else { 1 },
        id.shards,
        list(shards),
        id.paths,
        id.seed,
        id.shards,
        dir.display()
    )
}

/// The entries of one kind by shard, after refusing duplicates.
fn by_shard<'e>(
    entries: &'e [Entry],
    what: &str,
) -> Result<BTreeMap<u64, Vec<&'e Entry>>, Failure> {
    let mut m: BTreeMap<u64, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        m.entry(e.header.shard.unwrap_or(u64::MAX))
            .or_default()
            .push(e);
    }
    let dups: Vec<String> = m
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(i, v)| {
            let paths: Vec<String> = v.iter().map(|e| e.path.display().to_string()).collect();
            format!("  shard {i}: {}", paths.join(" and "))
        })
        .collect();
    if !dups.is_empty() {
        return Err(Failure::input(format!(
            "cannot merge: duplicated {what} (each shard must be given once; keep one file of each):\n{}\n",
            dups.join("\n")
        )));
    }
    Ok(m)
}

/// Merges the parts of a split run into the output folder `req.out`: the same folder `aimak
/// run` writes with the same scenario, seed, paths and options. Or, when crowded buckets
/// need round 2 and its parts are not there yet, writes the request for it.
pub fn merge(
    req: MergeRequest,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RunOutcome, Failure> {
    let (files, dir) = list_parts(&req.parts)?;
    let mut shards = Vec::new();
    let mut refined = Vec::new();
    // Unusable files, with the shard their name gives.
    let mut bad: Vec<Unusable> = Vec::new();
    let mut sources: Option<Vec<(String, String)>> = None;
    for path in files {
        match Part::read(&path) {
            Ok(p) => {
                let e = Entry {
                    path,
                    header: p.header,
                };
                match e.header.kind {
                    Kind::Shard => {
                        if sources.is_none() && !p.sources.is_empty() {
                            sources = Some(p.sources);
                        }
                        shards.push(e)
                    }
                    Kind::Refined => refined.push(e),
                    Kind::Request => {}
                }
            }
            Err(why) => {
                let named = part::index_in_name(&path);
                bad.push((path, named, why));
            }
        }
    }
    if shards.is_empty() {
        let mut msg = format!(
            "cannot merge: no part of round 1 (shard-*.part) in {}",
            req.parts
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (p, _, why) in &bad {
            msg.push_str(&format!("\n  {}: {why}", p.display()));
        }
        return Err(Failure::input(msg));
    }
    // The run is the identity most parts carry; every other part is refused by name.
    let mut votes: Vec<(&Identity, usize)> = Vec::new();
    for e in &shards {
        match votes.iter_mut().find(|(id, _)| **id == e.header.identity) {
            Some(v) => v.1 += 1,
            None => votes.push((&e.header.identity, 1)),
        }
    }
    let id = votes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map(|(id, _)| (*id).clone())
        .expect("a part");
    let foreign: Vec<String> = shards
        .iter()
        .chain(&refined)
        .filter(|e| e.header.identity != id)
        .map(|e| {
            format!(
                "  {}: {}",
                e.path.display(),
                id.differences(&e.header.identity).join(", ")
            )
        })
        .collect();
    if !foreign.is_empty() {
        return Err(Failure::input(format!(
            "cannot merge: these parts belong to another run than the others (another scenario, seed, --paths, number of shards, aimak version or options); remove them or rerun their shards like the others:\n{}\n",
            foreign.join("\n")
        )));
    }
    let k = id.shards;
    let scenario_arg = shards[0].header.scenario.clone();
    let found = by_shard(&shards, "parts of round 1")?;
    let out_of_range: Vec<u64> = found.keys().copied().filter(|i| *i >= k).collect();
    if !out_of_range.is_empty() {
        return Err(Failure::input(format!(
            "cannot merge: parts of shards {} in a run of {k} shards",
            list(&out_of_range)
        )));
    }
    for e in &shards {
        let i = e.header.shard.unwrap_or(0);
        let span = shard_paths(id.paths, i, k);
        if (e.header.first_path, e.header.end_path) != (span.start, span.end) {
            return Err(Failure::input(format!(
                "{}: shard {i} of {k} holds paths {}..{}, not {}..{}",
                e.path.display(),
                e.header.first_path,
                e.header.end_path,
                span.start,
                span.end
            )));
        }
    }
    let lacking = missing(&found, k);
    if !lacking.is_empty() {
        let mut msg = format!(
            "cannot merge: {} of {k} shards missing (shard {}):\n",
            lacking.len(),
            list(&lacking)
        );
        for (p, named, why) in &bad {
            if named.is_none_or(|(kind, _)| kind == Kind::Shard) {
                msg.push_str(&format!("  {}: {why}\n", p.display()));
            }
        }
        msg.push_str(&rerun_hint(&id, &scenario_arg, &lacking, &dir, false));
        return Err(Failure::input(msg));
    }

    // A merge after a round 2 that had nothing to do: the results are already written.
    let request_path = dir.join(REQUEST_FILE);
    let out_text = req.out.display().to_string();
    if let Ok(r) = Part::read(&request_path) {
        let h = &r.header;
        if h.kind == Kind::Request && h.identity == id && r.body.is_empty() {
            if let (Some(sum), Some(into)) = (&h.merged_manifest_sha256, &h.merged_into) {
                let written = std::fs::read(req.out.join("manifest.json"))
                    .ok()
                    .map(|b| sha256_hex(&b));
                if *into == out_text && written.as_ref() == Some(sum) {
                    return Ok(RunOutcome {
                        out: req.out.clone(),
                        summary: format!(
                            "{} already holds the merged results of these parts (no bucket needed round 2); nothing to do\n",
                            req.out.display()
                        ),
                        note: None,
                    });
                }
            }
        }
    }

    let sources =
        sources.ok_or_else(|| Failure::input("cannot merge: the parts carry no scenario"))?;
    let top = PathBuf::from(&sources[0].0);
    let files = crate::scenario::load::Files::Memory(
        sources
            .iter()
            .map(|(n, t)| (PathBuf::from(n), t.clone()))
            .collect(),
    );
    let scenario = crate::scenario::load_with(&top, &files).map_err(|e| {
        Failure::runtime(format!(
            "the scenario the parts carry does not load ({} problems); the parts are damaged",
            e.diagnostics.len()
        ))
    })?;
    if scenario.sha256 != id.scenario_sha256 {
        return Err(Failure::runtime(
            "the scenario the parts carry does not give their SHA-256; the parts are damaged",
        ));
    }
    let mode = match id.quantiles.as_str() {
        "exact" => QuantileMode::Exact,
        _ => QuantileMode::Calibrated,
    };
    let threads = match req.threads {
        Some(0) => return Err(Failure::input("--threads must be at least 1")),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let settings = Settings {
        paths: id.paths,
        seed: id.seed,
        threads,
        quantiles: Some(mode),
    };
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let job = RunJob::for_merge(scenario, &id, settings, &req, scenario_arg.clone())?;
    // Checked before any work: the folder of the results may be written.
    let staging = Staging::new(&req.out, req.force)?;
    let names: Vec<&str> = job.variants.iter().map(String::as_str).collect();
    let mut split = Split::new(&job.scenario, &names, &job.settings).map_err(Failure::runtime)?;
    if quantiles_word(split.mode()) != id.quantiles {
        return Err(Failure::runtime(format!(
            "the parts were computed with {} quantiles, which this scenario and --paths do not give; the parts are damaged",
            id.quantiles
        )));
    }
    let mut merged = split.merge().map_err(Failure::runtime)?;
    let edges = split.edges_digest().map_err(Failure::runtime)?;
    let total = k as usize;
    for (n, (i, es)) in found.iter().enumerate() {
        let e = es[0];
        let p = Part::read(&e.path).map_err(|why| {
            Failure::input(format!(
                "{}: {why}\n{}",
                e.path.display(),
                rerun_hint(&id, &scenario_arg, &[*i], &dir, false)
            ))
        })?;
        if p.header.edges_sha256 != edges {
            return Err(Failure::runtime(format!(
                "{}: its histogram edges differ from the merge's own (computed from the same pilot paths): was it computed by another build of aimak or on a machine whose arithmetic differs?",
                e.path.display()
            )));
        }
        split
            .add(&mut merged, &p.body)
            .map_err(|why| Failure::runtime(format!("{}: {why}", e.path.display())))?;
        progress(n + 1, total);
    }
    let (results, refined_round) = match split.request(&mut merged) {
        None => (split.finish(merged).map_err(Failure::runtime)?, false),
        Some(request) => {
            let digest = sha256_hex(&request);
            let answers: Vec<Entry> = refined
                .into_iter()
                .filter(|e| e.header.request_sha256.as_deref() == Some(digest.as_str()))
                .collect();
            let got = by_shard(&answers, "parts of round 2")?;
            let lacking = missing(&got, k);
            if !lacking.is_empty() {
                let asked = Part::read(&request_path).ok().is_some_and(|r| {
                    r.header.kind == Kind::Request
                        && r.header.request_sha256.as_deref() == Some(digest.as_str())
                });
                if asked && lacking.len() < k as usize {
                    let mut msg = format!(
                        "cannot merge: round 2 is incomplete, {} of {k} shards missing (shard {}):\n",
                        lacking.len(),
                        list(&lacking)
                    );
                    for (p, named, why) in &bad {
                        if named.is_some_and(|(kind, _)| kind == Kind::Refined) {
                            msg.push_str(&format!("  {}: {why}\n", p.display()));
                        }
                    }
                    msg.push_str(&rerun_hint(&id, &scenario_arg, &lacking, &dir, true));
                    return Err(Failure::input(msg));
                }
                if asked {
                    return Err(Failure::input(format!(
                        "cannot merge yet: round 2 has not run; {}\n{}",
                        request_path.display(),
                        rerun_hint(&id, &scenario_arg, &(0..k).collect::<Vec<_>>(), &dir, true)
                    )));
                }
                let part = Part {
                    header: request_header(&id, &scenario_arg, Some(digest), None, None),
                    sources: Vec::new(),
                    body: request,
                };
                write_atomic(&dir, REQUEST_FILE, &part.encode()).map_err(Failure::runtime)?;
                drop(staging);
                return Ok(RunOutcome {
                    out: req.out.clone(),
                    summary: format!(
                        "round 1 merged: some histogram buckets hold too many paths, so quantiles need round 2.\nThe request is in {}. Run every shard again with --refine {} (Slurm: the job script of round 2, --array=0-{}), then merge again:\n  aimak run {scenario_arg} --paths {} --seed {} --shard I/{k} --refine {} --out {} (with the other options of round 1)\n  aimak merge {} --out {}\n",
                        request_path.display(),
                        dir.display(),
                        k - 1,
                        id.paths,
                        id.seed,
                        dir.display(),
                        dir.display(),
                        dir.display(),
                        req.out.display()
                    ),
                    note: None,
                });
            }
            for es in got.values() {
                let e = es[0];
                let p = Part::read(&e.path)
                    .map_err(|why| Failure::input(format!("{}: {why}", e.path.display())))?;
                split
                    .collect(&mut merged, &p.body)
                    .map_err(|why| Failure::runtime(format!("{}: {why}", e.path.display())))?;
            }
            split.absorb(&mut merged).map_err(Failure::runtime)?;
            (split.finish(merged).map_err(Failure::runtime)?, true)
        }
    };
    let mut outcome = job.publish(staging, &results, None)?;
    if !refined_round {
        // Round 2 has nothing to do: say so to its shards, and to the merge after it.
        let manifest = std::fs::read(req.out.join("manifest.json"))
            .map_err(|e| Failure::runtime(format!("cannot read the manifest just written: {e}")))?;
        let part = Part {
            header: request_header(
                &id,
                &scenario_arg,
                None,
                Some(sha256_hex(&manifest)),
                Some(out_text),
            ),
            sources: Vec::new(),
            body: Vec::new(),
        };
        write_atomic(&dir, REQUEST_FILE, &part.encode()).map_err(Failure::runtime)?;
    }
    outcome.note = Some(format!(
        "merged {k} shard{} of {} paths ({} quantiles{}) into {}",
        if k == 1 { "" } else { "s" },
        id.paths,
        id.quantiles,
        if refined_round { ", with round 2" } else { "" },
        req.out.display()
    ));
    Ok(outcome)
}

fn request_header(
    id: &Identity,
    scenario: &str,
    request_sha256: Option<String>,
    merged_manifest_sha256: Option<String>,
    merged_into: Option<String>,
) -> Header {
    Header {
        kind: Kind::Request,
        identity: id.clone(),
        shard: None,
        first_path: 0,
        end_path: id.paths,
        scenario: scenario.to_string(),
        edges_sha256: None,
        request_sha256,
        merged_manifest_sha256,
        merged_into,
    }
}

/// The options of a merge's outputs, as the parts carry them.
pub(super) fn options_of(id: &Identity) -> Result<(Lang, Basis, Vec<Format>), Failure> {
    let lang = Lang::from_code(&id.lang)
        .ok_or_else(|| Failure::input(format!("the parts ask for language {:?}", id.lang)))?;
    let prices = match id.prices.as_str() {
        "start-year" => Basis::StartYear,
        _ => Basis::Nominal,
    };
    let export = id
        .export
        .iter()
        .filter_map(|f| match f.as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        })
        .collect();
    Ok((lang, prices, export))
}
