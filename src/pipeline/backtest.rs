//! `aimak backtest`: the scenario held against published amounts (docs/model.md section 13).
//!
//! [`BacktestRequest`] is what the user asked for, as plain data; [`backtest`] reads the
//! actuals, checks them against the scenario, runs the scenario as written (a replay) or once
//! per origin year (`--origins`, each a forecast from what was known at its origin, cut by
//! [`crate::scenario::origin`]), keeps the per-path values of the targets the actuals name
//! (levels included, [`sim::run_keeping_levels`]), scores each (origin, actual) with
//! [`crate::stats::scores`], and writes `backtest.parquet`, a fan chart per target with the
//! published amounts marked, and a PIT histogram into a folder written whole or not at all.

use super::actuals::{self, Actual};
use super::Failure;
use crate::model::{Scenario, BASELINE};
use crate::report::backtest::{Fan, Scored};
use crate::report::{self, Staging};
use crate::results::KeptBlock;
use crate::sim::rng::{entity_key, Purpose, Stream};
use crate::sim::{self, Settings};
use crate::stats::{quantile, scores};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The flags of `aimak backtest`, as given (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct BacktestRequest {
    pub scenario: Option<PathBuf>,
    pub actuals: PathBuf,
    /// `Y1..Y2` (or one year).
    pub origins: Option<String>,
    pub paths: Option<u64>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
    pub force: bool,
}

/// What a finished backtest reports besides its folder.
pub struct BacktestOutcome {
    pub out: PathBuf,
    /// The terminal summary: the coverage line, a compact table and any notes.
    pub summary: String,
    pub scored: Vec<Scored>,
}

/// The most per-path values one round keeps (2 GB of f64).
const MAX_KEPT: u64 = 1 << 28;

/// The most origins one backtest runs.
const MAX_ORIGINS: i32 = 200;

/// Reads `Y1..Y2` (or `Y`).
pub fn parse_origins(s: &str) -> Result<Vec<i32>, Failure> {
    let bad = || {
        Failure::input(format!(
            "--origins {s}: expected two calendar years such as 2016..2022 (or one year)"
        ))
    };
    // Calendar years, as the actuals file has them (which also keeps `b - a` from overflowing).
    let year = |x: &str| {
        x.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
            .ok_or_else(bad)
    };
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (year(a)?, year(b.trim_start_matches('='))?),
        None => (year(s)?, year(s)?),
    };
    if a > b {
        return Err(Failure::input(format!(
            "--origins {s}: the first origin is after the last; write the earlier year first"
        )));
    }
    if b - a >= MAX_ORIGINS {
        return Err(Failure::input(format!(
            "--origins {s}: at most {MAX_ORIGINS} origins in one backtest"
        )));
    }
    Ok((a..=b).collect())
}

/// One simulation of the backtest: the scenario as written (`origin` None) or cut at an origin.
struct Round {
    origin: Option<i32>,
    scenario: Scenario,
    /// Indices into the actuals of those it scores.
    actuals: Vec<usize>,
}

pub fn backtest(req: BacktestRequest) -> Result<BacktestOutcome, Failure> {
    let scenario = match &req.scenario {
        Some(p) => crate::scenario::load_file(p),
        None => crate::scenario::load_builtin(),
    }
    .map_err(|e| Failure::input(e.listed("the scenario")))?;
    let list = actuals::read(&req.actuals).map_err(Failure::input)?;
    if list.is_empty() {
        return Err(Failure::input(format!(
            "the actuals file {} has a header but no published amount to score",
            req.actuals.display()
        )));
    }
    let rows = sim::kept_rows_with_levels(BASELINE, &scenario.baseline);
    actuals::check(&req.actuals, &list, &rows.rows).map_err(Failure::input)?;
    let paths = req.paths.unwrap_or(scenario.run.paths);
    sim::check_paths(paths).map_err(Failure::input)?;
    let threads = match req.threads {
        Some(0) => return Err(Failure::input("--threads must be at least 1")),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let settings = Settings {
        paths,
        seed: req.seed.unwrap_or(scenario.run.seed),
        threads,
        quantiles: None,
    };
    let mut notes = Vec::new();
    let rounds = rounds(&req, &scenario, &list, &mut notes)?;
    let replace = req.force || req.out.is_none();
    let out = req.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!(
            "{}-backtest",
            report::slug(&scenario.baseline.name)
        ))
    });
    let staging = Staging::new(&out, replace)?;

    let mut scored = Vec::new();
    let mut fans = Vec::new();
    for round in &rounds {
        let (s, f) = score_round(round, &list, &settings)?;
        scored.extend(s);
        fans.extend(f);
    }
    let prov = report::Provenance::before_run(
        &scenario,
        (settings.seed, settings.paths),
        &[BASELINE],
        "exact (all paths kept for the scored values)",
    );
    let names = [BASELINE];
    let catalog = report::catalog::Catalog::new(&scenario, &sim::selected(&scenario, &names));
    let files = report::backtest::write(staging.dir(), &scored, &fans, &prov, &catalog)?;
    let manifest = report::Manifest {
        provenance: prov,
        lang: crate::lang::Lang::En.code().to_string(),
        catalog,
        files,
    };
    manifest.write(staging.dir())?;
    staging.commit()?;
    let mut summary = report::backtest::summary(&scored, req.origins.is_some());
    for n in &notes {
        summary.push_str(&format!("note: {n}\n"));
    }
    summary.push_str(&format!(
        "backtest.parquet, the fan charts and the PIT histogram are in {}\n",
        out.display()
    ));
    Ok(BacktestOutcome {
        out,
        summary: crate::diag::printable(&summary).into_owned(),
        scored,
    })
}

/// The simulations to make: the replay, or one per origin, each with the actuals it scores.
/// Actuals that no round scores are reported in `notes`, never silently dropped.
fn rounds(
    req: &BacktestRequest,
    scenario: &Scenario,
    list: &[Actual],
    notes: &mut Vec<String>,
) -> Result<Vec<Round>, Failure> {
    let mut out = Vec::new();
    let mut used = vec![false; list.len()];
    match &req.origins {
        None => {
            let m = &scenario.baseline;
            let (first, last) = (m.start_year, m.year(m.years - 1));
            let inside: Vec<usize> = (0..list.len())
                .filter(|&i| list[i].first >= first && list[i].last <= last)
                .collect();
            for &i in &inside {
                used[i] = true;
            }
            out.push(Round {
                origin: None,
                scenario: scenario.clone(),
                actuals: inside,
            });
        }
        Some(spec) => {
            let Some(path) = &req.scenario else {
                return Err(Failure::input(
                    "--origins needs a scenario file with history drivers to cut; the built-in scenario has none",
                ));
            };
            let mut refused = Vec::new();
            for o in parse_origins(spec)? {
                let cut = match crate::scenario::origin::load_file_at_origin(path, o) {
                    Ok(s) => s,
                    Err(crate::scenario::origin::CutError::Refused(why)) => {
                        refused.extend(why.into_iter().map(|w| format!("origin {o}: {w}")));
                        continue;
                    }
                    Err(crate::scenario::origin::CutError::Scenario(e)) => {
                        refused.push(format!(
                            "origin {o}: {}",
                            e.listed("the scenario cut at this origin").trim_end()
                        ));
                        continue;
                    }
                };
                let m = &cut.baseline;
                let last = m.year(m.years - 1);
                let inside: Vec<usize> = (0..list.len())
                    .filter(|&i| list[i].first >= o && list[i].last <= last)
                    .collect();
                if inside.is_empty() {
                    notes.push(format!(
                        "origin {o}: no published amount inside {o}-{last}; nothing to score"
                    ));
                    continue;
                }
                for &i in &inside {
                    used[i] = true;
                }
                out.push(Round {
                    origin: Some(o),
                    scenario: cut,
                    actuals: inside,
                });
            }
            if !refused.is_empty() {
                return Err(Failure::input(format!(
                    "the scenario cannot be cut at every origin asked for:\n  {}\nchoose other --origins",
                    refused.join("\n  ")
                )));
            }
        }
    }
    for (a, u) in list.iter().zip(&used) {
        if !u {
            let why = match &req.origins {
                None => {
                    let m = &scenario.baseline;
                    format!(
                        "outside the horizon {}-{}",
                        m.start_year,
                        m.year(m.years - 1)
                    )
                }
                Some(o) => format!("not inside the horizon of any origin of {o}"),
            };
            notes.push(format!(
                "line {}: {} {} {} ({}) is {why}; not scored",
                a.line,
                a.years(),
                a.target,
                a.stream,
                a.amount
            ));
        }
    }
    Ok(out)
}

/// Simulates one round and scores its actuals; also the fans of its targets.
fn score_round(
    round: &Round,
    list: &[Actual],
    settings: &Settings,
) -> Result<(Vec<Scored>, Vec<Fan>), Failure> {
    let m = &round.scenario.baseline;
    let names = sim::kept_rows_with_levels(BASELINE, m);
    // The (target, stream) rows the round's actuals need, each kept for every year and path.
    let mut needed: Vec<(String, String)> = Vec::new();
    for &i in &round.actuals {
        let key = (list[i].target.clone(), list[i].stream.clone());
        if !needed.contains(&key) {
            needed.push(key);
        }
    }
    let index: Vec<usize> = needed
        .iter()
        .map(|k| {
            names
                .rows
                .iter()
                .position(|r| r == k)
                .ok_or_else(|| {
                    Failure::input(format!(
                        "{}: the scenario cut at origin {} has no stream `{}` (it was checked against the scenario as written)",
                        k.0,
                        round.origin.map_or("-".into(), |o| o.to_string()),
                        k.1
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    let (t_n, n) = (m.years, settings.paths as usize);
    if round.actuals.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let values = (t_n * needed.len()) as u64 * settings.paths;
    if values > MAX_KEPT {
        return Err(Failure::input(format!(
            "--paths {}: a backtest keeps every path's value of the {} streams it scores in each of {t_n} years, {values} values ({} GB); at most {MAX_KEPT} are kept: ask for fewer paths",
            settings.paths,
            needed.len(),
            values * 8 / 1_000_000_000
        )));
    }
    let store: Mutex<Vec<Vec<f64>>> = Mutex::new(vec![vec![0.0; t_n * n]; needed.len()]);
    let keep = |kb: KeptBlock| {
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        for (k, &r) in index.iter().enumerate() {
            let row = &kb.values[r];
            for t in 0..t_n {
                for b in 0..kb.lanes {
                    s[k][t * n + kb.first as usize + b] = row[t * kb.width + b];
                }
            }
        }
    };
    sim::run_keeping_levels(&round.scenario, &[BASELINE], settings, &|_, _| {}, &keep)
        .map_err(Failure::runtime)?;
    let store = store.into_inner().unwrap_or_else(|e| e.into_inner());
    let key_of = |a: &Actual| {
        needed
            .iter()
            .position(|k| k.0 == a.target && k.1 == a.stream)
            .expect("needed")
    };
    // One path's value of an actual: its stream summed over the years it covers.
    let sum_years = |k: usize, first: i32, last: i32, p: usize| -> f64 {
        (first..=last)
            .map(|y| store[k][(y - m.start_year) as usize * n + p])
            .sum()
    };
    let mut scored = Vec::new();
    for &i in &round.actuals {
        let a = &list[i];
        let k = key_of(a);
        let mut values: Vec<f64> = (0..n).map(|p| sum_years(k, a.first, a.last, p)).collect();
        let u = Stream::new(
            settings.seed,
            entity_key("actual", &a.line.to_string()),
            Purpose::Pit,
            round.origin.map_or(0, |o| o as u64),
        )
        .uniform();
        let s = scores::score(&mut values, a.amount, u).expect("at least one path");
        scored.push(Scored {
            origin: round.origin,
            actual: a.clone(),
            scores: s,
            paths: settings.paths,
        });
    }
    // Fans: a yearly one per (target, stream) with single-year actuals, and a cumulative one
    // from the first year of each span.
    let mut fans: Vec<Fan> = Vec::new();
    for &i in &round.actuals {
        let a = &list[i];
        let from = (a.first != a.last).then_some(a.first);
        let found = fans.iter().position(|f| {
            f.target == a.target && f.stream == a.stream && f.cumulative_from == from
        });
        let at = (a.last, a.amount);
        match found {
            Some(f) => fans[f].actuals.push(at),
            None => {
                let k = key_of(a);
                // A span's fan ends with the last span from the same year.
                let y1 = match from {
                    None => m.year(t_n - 1),
                    Some(f) => round
                        .actuals
                        .iter()
                        .map(|&j| &list[j])
                        .filter(|b| b.target == a.target && b.stream == a.stream && b.first == f)
                        .map(|b| b.last)
                        .max()
                        .unwrap_or(a.last),
                };
                let y0 = from.unwrap_or(m.start_year);
                let bands = (y0..=y1)
                    .map(|y| {
                        let mut v: Vec<f64> = (0..n)
                            .map(|p| match from {
                                None => sum_years(k, y, y, p),
                                Some(f) => sum_years(k, f, y, p),
                            })
                            .collect();
                        let mean = v.iter().sum::<f64>() / n as f64;
                        let q = quantile::exact(&mut v);
                        crate::report::charts::Band {
                            year: y,
                            mean,
                            p05: q[0],
                            p25: q[2],
                            p50: q[3],
                            p75: q[4],
                            p95: q[6],
                        }
                    })
                    .collect();
                fans.push(Fan {
                    origin: round.origin,
                    target: a.target.clone(),
                    stream: a.stream.clone(),
                    cumulative_from: from,
                    bands,
                    actuals: vec![at],
                });
            }
        }
    }
    Ok((scored, fans))
}
