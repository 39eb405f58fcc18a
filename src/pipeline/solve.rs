//! `aimak solve`: from the flags to the value of a key that meets every target, with its
//! check on another seed, written as `solve.parquet` and a chart (docs/model.md section 12).
//!
//! [`SolveRequest`] is what the user asked for, as plain data; [`SolveJob::new`] checks all of
//! it against the scenario and reports every problem at once; [`SolveJob::execute`] searches
//! (simulating the scenario at each `x` with the same seed), checks the answer on `seed + 1`,
//! and writes the folder under a temporary name, renamed into place only when complete.

use super::Failure;
use crate::lang::Lang;
use crate::model::{Scenario, BASELINE};
use crate::report::{self, labels, Manifest, Provenance, Staging};
use crate::scenario::{KeyValue, Tunable};
use crate::sim::{self, Settings};
use crate::solve::search::{self, Direction, Failed, NoAnswer, Point};
use crate::solve::target::{Target, Years};
use crate::solve::{self as solver, Balance, Solved};
use std::path::{Path, PathBuf};

/// The required probability when `--probability` is not given.
pub const DEFAULT_PROBABILITY: f64 = 0.8;

/// The flags of `aimak solve`, as given (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct SolveRequest {
    pub scenario: Option<PathBuf>,
    pub key: String,
    pub balance: Option<String>,
    /// `LO..HI` as written.
    pub range: String,
    pub targets: Vec<String>,
    pub probability: Option<f64>,
    pub paths: Option<u64>,
    pub seed: Option<u64>,
    pub variant: Option<String>,
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
    pub force: bool,
    pub lang: Lang,
}

/// A solve with every setting checked.
pub struct SolveJob {
    tunable: Tunable,
    scenario: Scenario,
    variant: String,
    key: String,
    balance: Option<Balance>,
    lo: f64,
    hi: f64,
    targets: Vec<Target>,
    required: f64,
    settings: Settings,
    out: PathBuf,
    replace: bool,
    lang: Lang,
}

/// What a finished solve prints, and where it wrote.
pub struct SolveOutcome {
    pub out: PathBuf,
    pub text: String,
}

impl SolveJob {
    pub fn new(req: SolveRequest) -> Result<SolveJob, Failure> {
        let (tunable, scenario) =
            Tunable::load(req.scenario.as_deref()).map_err(|e| Failure::input(e.to_string()))?;
        let mut problems: Vec<String> = Vec::new();
        let variant = req.variant.clone().unwrap_or_else(|| BASELINE.to_string());
        let model = match scenario.models().find(|(n, _)| *n == variant) {
            Some((_, m)) => Some(m),
            None => {
                let known: Vec<&str> = scenario.models().map(|(n, _)| n).collect();
                problems.push(format!(
                    "--variant {variant}: the scenario has no such variant; it has: {}",
                    known.join(", ")
                ));
                None
            }
        };
        let look = if model.is_some() {
            variant.as_str()
        } else {
            BASELINE
        };
        let key = normalize_key(&req.key);
        let v1 = numeric_key(&tunable, look, "--set", &key, &mut problems);
        let balance = match &req.balance {
            None => None,
            Some(k2) => {
                let k2 = normalize_key(k2);
                let v2 = numeric_key(&tunable, look, "--balance", &k2, &mut problems);
                if k2 == key {
                    problems.push(format!(
                        "--balance {k2}: it is the key of --set; name the key that moves the other way"
                    ));
                }
                match (v1, v2) {
                    (Some(KeyValue::Number(v1)), Some(KeyValue::Number(v2))) => {
                        Some(Balance { key: k2, v1, v2 })
                    }
                    (a, b) => {
                        for (flag, k, v) in [("--set", &key, a), ("--balance", &k2, b)] {
                            if v == Some(KeyValue::Absent) {
                                problems.push(format!(
                                    "{flag} {k}: the scenario does not give this key, and --balance needs both keys' values to keep their sum; write it in the scenario (or an [overrides] table)"
                                ));
                            }
                        }
                        None
                    }
                }
            }
        };
        let range = parse_range(&req.range).map_err(|p| problems.push(p)).ok();
        let required = req.probability.unwrap_or(DEFAULT_PROBABILITY);
        if !(required > 0.0 && required < 1.0) {
            problems.push(format!(
                "--probability {required}: expected a probability strictly between 0 and 1, such as 0.8"
            ));
        }
        let mut targets = Vec::new();
        let rows = model.map(|m| sim::kept_rows(look, m));
        for spec in &req.targets {
            match Target::parse(spec) {
                Ok(t) => {
                    if let (Some(m), Some(rows)) = (model, &rows) {
                        if let Err(p) = t.check(m, rows) {
                            problems.push(p);
                        }
                    }
                    targets.push(t);
                }
                Err(p) => problems.push(p),
            }
        }
        if req.targets.is_empty() {
            problems.push("give at least one --target MUNICIPALITY:STREAM:YEARS>=AMOUNT".into());
        }
        let paths = req.paths.unwrap_or(scenario.run.paths);
        if let Err(p) = sim::check_paths(paths) {
            problems.push(p);
        }
        let seed = req.seed.unwrap_or(scenario.run.seed);
        if seed == u64::MAX {
            problems.push(format!(
                "--seed {seed}: the answer is checked on seed + 1, so the seed must be below {seed}"
            ));
        }
        let threads = match req.threads {
            Some(0) => {
                problems.push("--threads must be at least 1".into());
                1
            }
            Some(n) => n,
            None => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        };
        let Some((lo, hi)) = range.filter(|_| problems.is_empty()) else {
            return Err(Failure::input(problems.join("\n")));
        };
        let replace = req.force || req.out.is_none();
        let out = req.out.clone().unwrap_or_else(|| {
            Path::new("output").join(format!("solve-{}", report::slug(&scenario.baseline.name)))
        });
        Ok(SolveJob {
            tunable,
            scenario,
            variant,
            key,
            balance,
            lo,
            hi,
            targets,
            required,
            settings: Settings {
                paths,
                seed,
                threads,
                quantiles: None,
            },
            out,
            replace,
            lang: req.lang,
        })
    }

    /// What the search is about to do, for standard error before it starts.
    pub fn outline(&self) -> String {
        format!(
            "solving {} in [{}, {}] for {} target{} at probability {}: {} grid points, then bisection, each on {} (seed {}); the answer is checked on seed {}",
            self.key,
            self.lo,
            self.hi,
            self.targets.len(),
            if self.targets.len() == 1 { "" } else { "s" },
            self.required,
            search::GRID,
            labels::fmt_paths(Lang::En, self.settings.paths),
            self.settings.seed,
            self.settings.seed + 1
        )
    }

    /// Searches, checks the answer on `seed + 1` and writes the output folder. `progress` is
    /// told each `x` as it is simulated.
    pub fn execute(self, progress: &dyn Fn(&str)) -> Result<SolveOutcome, Failure> {
        let staging = Staging::new(&self.out, self.replace)?;
        let shown = decimals_for(self.hi - self.lo) + 2;
        let eval = |x: f64, seed: u64| -> Result<Point, Failure> {
            let on = if seed == self.settings.seed {
                String::new()
            } else {
                format!(", the check on seed {seed}")
            };
            progress(&format!("{} = {x:.shown$}{on}", self.key));
            let scenario = self.build(x)?;
            let settings = Settings {
                seed,
                ..self.settings.clone()
            };
            solver::count(&scenario, &self.variant, &self.targets, &settings, x)
                .map_err(Failure::runtime)
        };
        let seed = self.settings.seed;
        let found = match search::search(self.lo, self.hi, self.required, &mut |x| eval(x, seed)) {
            Ok(f) => f,
            Err(Failed::Eval(f)) => return Err(f),
            Err(Failed::NoAnswer { grid, why }) => {
                return Err(Failure::input(self.no_answer(&grid, &why)))
            }
        };
        let check = eval(found.answer.x, seed + 1)?;
        let solved = Solved {
            key: self.key.clone(),
            balance: self.balance.clone(),
            targets: self.targets.clone(),
            required: self.required,
            seed,
            found,
            check,
        };
        let prov = Provenance::before_run(
            &self.scenario,
            (seed, self.settings.paths),
            &[self.variant.as_str()],
            "not applicable: probabilities are shares of paths, with 95% Clopper-Pearson intervals on the check seed",
        );
        let mut files = Vec::new();
        let mut df =
            report::solve::frame(&solved).map_err(|source| report::ReportError::Table {
                name: report::schema::table::SOLVE.into(),
                source,
            })?;
        report::write_parquet(
            &mut df,
            &staging.dir().join(report::schema::table::SOLVE),
            &prov,
        )?;
        files.push(report::FileEntry {
            name: report::schema::table::SOLVE.into(),
            rows: df.height(),
        });
        let selected = sim::selected(&self.scenario, &[self.variant.as_str()]);
        let catalog = report::catalog::Catalog::new(&self.scenario, &selected);
        let charts = staging.dir().join("charts");
        std::fs::create_dir_all(&charts)
            .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", charts.display())))?;
        let chart = report::solve::chart(&solved, self.lang);
        let meta = report::charts::ChartMeta {
            lang: self.lang,
            footer: prov.footer(self.lang, &catalog),
        };
        for (ext, bytes) in [
            ("png", report::charts::render_png(&chart, &meta).map(Some)),
            (
                "svg",
                report::charts::render_svg(&chart, &meta).map(|s| Some(s.into_bytes())),
            ),
        ] {
            let bytes = bytes
                .map_err(|e| Failure::runtime(format!("cannot draw the chart: {e}")))?
                .unwrap_or_default();
            let name = format!("charts/solve.{ext}");
            let path = staging.dir().join(&name);
            std::fs::write(&path, bytes)
                .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))?;
            files.push(report::FileEntry { name, rows: 0 });
        }
        let text = self.summary(&solved, &catalog);
        let manifest = Manifest {
            provenance: prov,
            lang: self.lang.code().to_string(),
            catalog,
            files,
        };
        manifest.write(staging.dir())?;
        staging.commit()?;
        Ok(SolveOutcome {
            text: crate::diag::printable(&format!("{text}Results in {}\n", self.out.display()))
                .into_owned(),
            out: self.out,
        })
    }

    /// The scenario with the key (and its balance) set for `x`; a value the scenario does
    /// not accept is the user's to change (exit 1), named with the loader's words.
    fn build(&self, x: f64) -> Result<Scenario, Failure> {
        let mut sets = vec![(self.key.as_str(), x)];
        if let Some(b) = &self.balance {
            sets.push((b.key.as_str(), b.at(x)));
        }
        self.tunable.build(&sets).map_err(|e| {
            let with = self
                .balance
                .as_ref()
                .map(|b| format!(" (and {} = {})", b.key, b.at(x)))
                .unwrap_or_default();
            Failure::input(format!(
                "--set {} = {x}{with}: the scenario is not valid with this value, so --range reaches outside what the key allows; narrow --range.\n{}",
                self.key,
                e.listed("with this value it")
            ))
        })
    }

    /// Why there is no answer, with the grid.
    fn no_answer(&self, grid: &[Point], why: &NoAnswer) -> String {
        let name = |i: usize| format!("target {} ({})", i + 1, self.targets[i].spec());
        let head = match why {
            NoAnswer::Unreachable(dir) => {
                let best = match dir {
                    Direction::Rises => &grid[grid.len() - 1],
                    Direction::Falls => &grid[0],
                };
                let at: Vec<String> = (0..self.targets.len())
                    .map(|i| format!("target {} {:.4}", i + 1, best.p(i)))
                    .collect();
                format!(
                    "no value of {} in [{}, {}] meets every target with probability {}: not even {}, the end where the targets are most likely ({}). Widen --range if the probability still moves there, or lower --probability or the amounts.",
                    self.key,
                    self.lo,
                    self.hi,
                    self.required,
                    best.x,
                    at.join(", ")
                )
            }
            NoAnswer::NotMonotone {
                target,
                i,
                j,
                tolerance,
            } => format!(
                "the probability of {} does not move one way as {} rises: {:.4} at {} but {:.4} at {}, a change of {:.4} against the rest of the range, more than the Monte Carlo tolerance {tolerance:.4} (3 standard errors of a difference of two proportions). The answer would depend on where the search looks; narrow --range to where it moves one way.",
                name(*target),
                self.key,
                grid[*i].p(*target),
                grid[*i].x,
                grid[*j].p(*target),
                grid[*j].x,
                (grid[*j].p(*target) - grid[*i].p(*target)).abs()
            ),
            NoAnswer::Opposite { rising, falling } => format!(
                "{} becomes more likely as {} rises, but {} less likely: no one end of the range is the answer. Solve them one at a time, or narrow --range.",
                name(*rising),
                self.key,
                name(*falling)
            ),
        };
        format!(
            "{head}\n{}",
            grid_table(&self.key, &self.targets, grid, self.settings.seed)
        )
    }

    /// The plain result for the terminal.
    fn summary(&self, s: &Solved, cat: &report::catalog::Catalog) -> String {
        let f = &s.found;
        let decimals = decimals_for(self.hi - self.lo);
        let x = f.answer.x;
        let mut out = format!("{} = {x:.decimals$}", s.key);
        if let Some(b) = &s.balance {
            out.push_str(&format!(" (and {} = {:.decimals$})", b.key, b.at(x)));
        }
        let which = match f.direction {
            Direction::Rises => "the smallest value",
            Direction::Falls => "the largest value",
        };
        out.push_str(&format!(
            "\n  {which} in [{}, {}] at which every target holds with probability at least {}",
            self.lo, self.hi, s.required
        ));
        if f.bracket.0 < f.bracket.1 {
            out.push_str(&format!(
                " lies between {:.decimals$} and {:.decimals$}\n",
                f.bracket.0, f.bracket.1
            ));
        } else {
            out.push_str(": the end of the range already does\n");
        }
        let intervals = s.intervals();
        let currency = &self.scenario.baseline.currency;
        for (i, t) in s.targets.iter().enumerate() {
            let place = cat
                .municipalities
                .iter()
                .find(|m| m.id == t.municipality)
                .map_or(t.municipality.as_str(), |m| m.name.as_str());
            let (lo, hi) = intervals[i];
            out.push_str(&format!(
                "  {place}'s {} >= {} {currency} {}: probability {:.3} (on {}, seed {}); checked on seed {}: {:.3} [{:.3}-{:.3}]\n",
                t.stream,
                amount(t.amount),
                self.years_text(&t.years),
                f.answer.p(i),
                labels::fmt_paths(Lang::En, f.answer.paths),
                s.seed,
                s.seed + 1,
                s.check.p(i),
                lo,
                hi
            ));
        }
        if s.targets.len() > 1 {
            out.push_str(&format!(
                "  every target in the same path: {:.3} (seed {}), {:.3} (seed {})\n",
                f.answer.joint as f64 / f.answer.paths as f64,
                s.seed,
                s.check.joint as f64 / s.check.paths as f64,
                s.seed + 1
            ));
        }
        let mut points = f.grid.clone();
        points.extend(f.steps.iter().cloned());
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        out.push_str(&grid_table(&s.key, &s.targets, &points, s.seed));
        out
    }

    fn years_text(&self, years: &Years) -> String {
        match years {
            Years::One(y) => format!("in {y}"),
            Years::Every(a, b) => format!("in every year {a}-{b}"),
            Years::Npv => {
                let m = &self.scenario.baseline;
                format!(
                    "in present value {}-{} at {}%",
                    m.start_year,
                    m.year(m.years - 1),
                    m.discount_rate * 100.0
                )
            }
        }
    }
}

/// `x` and each target's probability at every point, in a plain table.
fn grid_table(key: &str, targets: &[Target], points: &[Point], seed: u64) -> String {
    let paths = points.first().map_or(0, |p| p.paths);
    let mut out = format!(
        "p(x) on {} (seed {seed}), x = {key}:\n",
        labels::fmt_paths(Lang::En, paths)
    );
    out.push_str(&format!("  {:>14}", "x"));
    for i in 0..targets.len() {
        out.push_str(&format!("  {:>9}", format!("target {}", i + 1)));
    }
    if targets.len() > 1 {
        out.push_str(&format!("  {:>9}", "all"));
    }
    out.push('\n');
    for p in points {
        out.push_str(&format!("  {:>14}", format!("{:.6}", p.x)));
        for i in 0..targets.len() {
            out.push_str(&format!("  {:>9.4}", p.p(i)));
        }
        if targets.len() > 1 {
            out.push_str(&format!("  {:>9.4}", p.joint as f64 / p.paths as f64));
        }
        out.push('\n');
    }
    for (i, t) in targets.iter().enumerate() {
        out.push_str(&format!("  target {}: {}\n", i + 1, t.spec()));
    }
    out
}

/// Decimals that show an `x` of a range this wide to its thousandth.
fn decimals_for(width: f64) -> usize {
    (-(width / 1000.0).log10()).ceil().clamp(0.0, 12.0) as usize
}

/// An amount in plain digits grouped by thousands ("5,000,000"), decimals only if it has them.
fn amount(a: f64) -> String {
    if a.fract() == 0.0 {
        labels::fmt_number(Lang::En, a, 0)
    } else {
        labels::fmt_number(Lang::En, a, 2)
    }
}

/// `instrument.x.route[1].share` as `instrument.x.route.1.share`: diagnostics write array
/// elements with brackets, key paths with a dot.
fn normalize_key(key: &str) -> String {
    key.trim().replace('[', ".").replace(']', "")
}

/// Checks a key of `--set` or `--balance`: it must be a valid key path that holds a number (or
/// nothing yet); returns what it holds.
fn numeric_key(
    tunable: &Tunable,
    variant: &str,
    flag: &str,
    key: &str,
    problems: &mut Vec<String>,
) -> Option<KeyValue> {
    // Targets name calendar years of the scenario's horizon, which these keys would move.
    if matches!(key, "scenario.start_year" | "scenario.years") {
        problems.push(format!(
            "{flag} {key}: moves the horizon that the targets' years are read in; solve a rate, a share, a probability or an amount instead"
        ));
        return None;
    }
    match tunable.value(variant, key) {
        Err(why) => {
            problems.push(format!("{flag} {key}: {why}"));
            None
        }
        Ok(KeyValue::Other(kind)) => {
            problems.push(format!(
                "{flag} {key}: the scenario holds {kind} there, not a number; solve changes one number (for a dated value, name its year, as in {key}.2026)"
            ));
            None
        }
        Ok(v) => Some(v),
    }
}

/// `LO..HI` with `LO < HI`, both finite.
fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let form = "expected LO..HI with LO below HI, such as 0.2..1";
    let Some((a, b)) = text.split_once("..") else {
        return Err(format!("--range {text}: {form}"));
    };
    let num = |s: &str| {
        s.trim()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    match (num(a), num(b.trim_start_matches('='))) {
        (Some(lo), Some(hi)) if lo < hi => Ok((lo, hi)),
        (Some(_), Some(_)) => Err(format!("--range {text}: LO is not below HI; {form}")),
        _ => Err(format!("--range {text}: {form}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_keys_read() {
        assert_eq!(parse_range("0.2..1"), Ok((0.2, 1.0)));
        assert_eq!(parse_range("-1..=2e3"), Ok((-1.0, 2000.0)));
        assert!(parse_range("1..1").unwrap_err().contains("not below"));
        assert!(parse_range("1-2").unwrap_err().contains("LO..HI"));
        assert!(parse_range("a..2").is_err());
        assert_eq!(
            normalize_key("instrument.x.route[1].share"),
            "instrument.x.route.1.share"
        );
        assert_eq!(decimals_for(0.05), 5);
        assert_eq!(decimals_for(0.8), 4);
        assert_eq!(decimals_for(2e7), 0);
        assert_eq!(amount(5e6), "5,000,000");
    }
}
