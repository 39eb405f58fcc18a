//! `aimak run`: from the run's flags to a finished output folder.
//!
//! [`RunRequest`] is what the user asked for, as plain data; [`RunJob::new`] checks it
//! against the scenario and resolves every default (variants, paths, seed, threads, folder);
//! [`RunJob::execute`] simulates and writes the folder under a temporary name, renamed into
//! place only when complete.

use super::Failure;
use crate::lang::Lang;
use crate::model::Scenario;
use crate::model::BASELINE;
use crate::report::{
    self, charts::Basis, kept, selection::Selection, Manifest, Provenance, Staging,
};
use crate::results::KeptBlock;
use crate::sim::{self, Settings};
use std::path::{Path, PathBuf};

/// The flags of `aimak run`, as given (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub scenario: Option<PathBuf>,
    pub paths: Option<u64>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub precision: Option<f64>,
    pub threads: Option<usize>,
    pub variants: Vec<String>,
    pub lang: Lang,
    pub force: bool,
    pub sensitivity: bool,
    pub keep_paths: bool,
    /// Also write the council sheets into reports/.
    pub report: bool,
    /// Also write these exports into export/.
    pub export: Vec<crate::report::export::Format>,
    /// The prices of the charts and sheets (the tables carry both).
    pub prices: Basis,
    /// The words of `--charts`: the municipalities with charts and sheets of their own.
    pub charts: Vec<String>,
    /// `--shard I/K` or `--shard env`: simulate one shard of a split run and write its part
    /// (docs/shards.md).
    pub shard: Option<String>,
    /// `--shards K`: the number of shards, for `--shard env`.
    pub shards: Option<u64>,
    /// `--refine DIR`: round 2 of a shard, answering the request of `aimak merge` in DIR.
    pub refine: Option<PathBuf>,
}

/// A run with every setting checked and every default resolved.
pub struct RunJob {
    pub(super) scenario: Scenario,
    /// The scenario file as given (for the commands a split run suggests).
    pub(super) scenario_arg: String,
    /// Variants in run order, baseline first.
    pub(super) variants: Vec<String>,
    pub(super) settings: Settings,
    precision: Option<f64>,
    pub(super) out: PathBuf,
    /// Whether an existing aimak folder at `out` may be replaced.
    replace: bool,
    pub(super) lang: Lang,
    sensitivity: bool,
    keep_paths: bool,
    pub(super) report: bool,
    pub(super) export: Vec<crate::report::export::Format>,
    pub(super) prices: Basis,
    charts: Selection,
    /// The words of `--charts`, as given.
    pub(super) charts_words: Vec<String>,
    /// One shard of a split run, and with `refine` its round 2.
    shard: Option<super::shard::ShardSpec>,
    pub(super) refine: Option<PathBuf>,
}

/// What a finished run reports besides its folder.
pub struct RunOutcome {
    pub out: PathBuf,
    /// The terminal summary.
    pub summary: String,
    /// A line for standard error (the paths a precision run took), if any.
    pub note: Option<String>,
}

impl RunJob {
    pub fn new(req: RunRequest) -> Result<RunJob, Failure> {
        let mut scenario = match &req.scenario {
            Some(p) => crate::scenario::load_file(p),
            None => crate::scenario::load_builtin(),
        }
        .map_err(Failure::input)?;
        let variants = choose_variants(&scenario, &req.variants)?;
        let charts = Selection::parse(&req.charts);
        {
            let names: Vec<&str> = variants.iter().map(String::as_str).collect();
            let cat = report::catalog::Catalog::new(&scenario, &sim::selected(&scenario, &names));
            check_selection(&charts, &cat)?;
        }
        let paths = match (req.paths, req.precision) {
            (Some(p), _) => p,
            (None, Some(_)) => 1 << 20,
            (None, None) => scenario.run.paths,
        };
        if let Some(p) = req.precision {
            if req.keep_paths {
                return Err(Failure::input(
                    "--keep-paths cannot be combined with --precision: run to a precision first, then rerun with the --paths it reports and --keep-paths",
                ));
            }
            if !(p > 0.0 && p < 1.0) {
                return Err(Failure::input(format!(
                    "--precision {p}: expected a fraction between 0 and 1, such as 0.01 for 1%"
                )));
            }
        }
        sim::check_paths(paths).map_err(Failure::input)?;
        let shard = match &req.shard {
            None => {
                if req.refine.is_some() {
                    return Err(Failure::input(
                        "--refine is round 2 of a split run: give it with --shard I/K (the same shard as in round 1)",
                    ));
                }
                if req.shards.is_some() {
                    return Err(Failure::input("--shards K goes with --shard env"));
                }
                None
            }
            Some(word) => {
                let env: std::collections::HashMap<String, String> = std::env::vars().collect();
                let spec = super::shard::ShardSpec::resolve(word, req.shards, &env)
                    .map_err(Failure::input)?;
                for (asked, flag, why) in [
                    (req.keep_paths, "--keep-paths", "run the paths you want in one process"),
                    (req.sensitivity, "--sensitivity", "run it in one process"),
                    (req.precision.is_some(), "--precision", "find the paths it needs in one process, then split a run with that --paths"),
                ] {
                    if asked {
                        return Err(Failure::input(format!(
                            "--shard cannot be combined with {flag}: a shard's part holds statistics only; {why}"
                        )));
                    }
                }
                if req.out.is_none() {
                    return Err(Failure::input(
                        "--shard needs --out PART_DIR: the folder where the shards' parts are written, shared by the shards and `aimak merge`",
                    ));
                }
                Some(spec)
            }
        };
        if req.prices == Basis::StartYear && !scenario.with_real_prices() {
            return Err(Failure::input(
                "--prices start-year needs a cpi driver (scenario.cpi) to deflate with; this scenario has none, so its money is nominal only",
            ));
        }
        let threads = match req.threads {
            Some(0) => return Err(Failure::input("--threads must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        };
        let settings = Settings {
            paths,
            seed: req.seed.unwrap_or(scenario.run.seed),
            threads,
            quantiles: None,
        };
        // The default folder under output/ is aimak's own: a new run replaces it whole (if
        // aimak wrote it). A folder the user names is replaced only with --force.
        let replace = req.force || req.out.is_none();
        let out = req
            .out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(report::slug(&scenario.baseline.name)));
        let scenario_arg = req
            .scenario
            .as_ref()
            .map_or(String::new(), |p| p.display().to_string());
        Ok(RunJob {
            scenario,
            scenario_arg,
            variants,
            settings,
            precision: req.precision,
            out,
            replace,
            lang: req.lang,
            sensitivity: req.sensitivity,
            keep_paths: req.keep_paths,
            report: req.report,
            export: super::export::chosen(&req.export)
                .into_iter()
                .filter(|_| !req.export.is_empty())
                .collect(),
            prices: req.prices,
            charts,
            charts_words: req.charts.clone(),
            shard,
            refine: req.refine.clone(),
        })
    }

    /// The run whose shards' parts `aimak merge` merges: their scenario, settings and
    /// options, writing to the merge's folder.
    pub(super) fn for_merge(
        scenario: Scenario,
        id: &super::shard::part::Identity,
        settings: Settings,
        req: &super::shard::MergeRequest,
        scenario_arg: String,
    ) -> Result<RunJob, Failure> {
        let (lang, prices, export) = super::shard::options_of(id)?;
        let charts = Selection::parse(&id.charts);
        Ok(RunJob {
            scenario,
            scenario_arg,
            variants: id.variants.clone(),
            settings,
            precision: None,
            out: req.out.clone(),
            replace: req.force,
            lang,
            sensitivity: false,
            keep_paths: false,
            report: id.report,
            export,
            prices,
            charts,
            charts_words: id.charts.clone(),
            shard: None,
            refine: None,
        })
    }

    /// Forces a quantile method (tests: a small run with calibrated quantiles and a second
    /// pass); by default exact when it fits in memory.
    #[doc(hidden)]
    pub fn force_quantiles(&mut self, mode: crate::stats::QuantileMode) {
        self.settings.quantiles = Some(mode);
    }

    /// What the run will compute and about how much memory it needs, in `lang`: said
    /// before a run starts, so a long or large one is no surprise.
    pub fn outline(&self) -> String {
        let names: Vec<&str> = self.variants.iter().map(String::as_str).collect();
        let o = sim::outline(&self.scenario, &names, &self.settings);
        let whole = report::summary::outline(self.lang, &o, self.precision.is_some());
        match self.shard {
            None => whole,
            Some(s) => {
                let span = sim::shard::shard_paths(self.settings.paths, s.index(), s.count());
                let round = if self.refine.is_some() { 2 } else { 1 };
                format!(
                    "Shard {} of {}, round {round}: paths {}..{} of this run. {whole}",
                    s.index(),
                    s.count(),
                    span.start,
                    span.end
                )
            }
        }
    }

    /// Simulates and writes the output folder. `progress(done, total)` is called as blocks
    /// of paths finish.
    pub fn execute(self, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<RunOutcome, Failure> {
        // Everything parallel after the simulation (charts, tables) keeps to the same number
        // of threads. The global pool is built once per process; a second run in the same
        // process keeps the first one's, which only matters to speed.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(self.settings.threads)
            .build_global();
        if let Some(spec) = self.shard {
            return super::shard::run_shard(&self, spec, progress);
        }
        let staging = Staging::new(&self.out, self.replace)?;
        let names: Vec<&str> = self.variants.iter().map(String::as_str).collect();
        let selected = sim::selected(&self.scenario, &names);
        let writer = if self.keep_paths {
            let pre = Provenance::before_run(
                &self.scenario,
                (self.settings.seed, self.settings.paths),
                &names,
                "not applicable: per-path values",
            );
            let rows = selected.iter().map(|(n, m)| sim::kept_rows(n, m)).collect();
            Some(kept::PathWriter::start(staging.dir(), rows, &pre)?)
        } else {
            None
        };
        let sender = writer.as_ref().map(|w| w.sender());
        let keep = |kb: KeptBlock| {
            if let Some(s) = &sender {
                // A closed channel means the writer failed; its error is reported by finish().
                let _ = s.send(kb);
            }
        };
        let keep_fn = writer
            .is_some()
            .then_some(&keep as &(dyn Fn(KeptBlock) + Sync));
        let (results, precision) = match self.precision {
            None => (
                sim::run(&self.scenario, &names, &self.settings, progress, keep_fn),
                None,
            ),
            Some(target) => match sim::precision::run_to_precision(
                &self.scenario,
                &names,
                &self.settings,
                target,
                progress,
                keep_fn,
            ) {
                Ok((r, p)) => (Ok(r), Some(p)),
                Err(e) => (Err(e), None),
            },
        };
        let results = results.map_err(Failure::runtime)?;
        drop(sender);
        let mut outcome = self.publish(staging, &results, writer)?;
        outcome.note = precision.map(|p| {
            let verdict = if p.reached { "reached" } else { "not reached" };
            format!(
                "precision {:.2}% {verdict} with {} paths (largest standard error {:.3}% of its mean); `--paths {}` reproduces these tables",
                p.target * 100.0,
                p.paths,
                p.worst * 100.0,
                p.paths
            )
        });
        Ok(outcome)
    }

    /// Writes the tables, charts, pages and manifest of finished `results` into `staging`
    /// and renames it into place: the end of `aimak run`, and of `aimak merge`.
    pub(super) fn publish(
        &self,
        staging: Staging,
        results: &crate::results::Results,
        writer: Option<kept::PathWriter>,
    ) -> Result<RunOutcome, Failure> {
        let names: Vec<&str> = self.variants.iter().map(String::as_str).collect();
        let selected = sim::selected(&self.scenario, &names);
        let baseline = &self.scenario.baseline;
        let prov = Provenance::new(results, &baseline.name, &self.scenario.sha256);
        let (mut frames, mut files) = report::write_tables(results, &prov, staging.dir())?;
        if let Some(w) = writer {
            files.push((kept::FILE.to_string(), w.finish()?));
        }
        let shares = if self.sensitivity {
            let s = sim::sensitivity::sobol(baseline, &self.settings).map_err(Failure::runtime)?;
            let (name, df) = report::write_sensitivity(&s, &prov, staging.dir())?;
            files.push((name.to_string(), df.height()));
            frames.push((name, df));
            Some(s)
        } else {
            None
        };
        let catalog = report::catalog::Catalog::new(&self.scenario, &selected);
        let tables = report::figures::Tables::from_frames(&frames);
        let only = self.charts.ids(&catalog);
        let charts = report::write_charts(
            &tables,
            &catalog,
            &prov,
            self.lang,
            self.prices,
            only.as_deref(),
            &staging.dir().join("charts"),
        )?;
        let mut entries: Vec<report::FileEntry> = files
            .into_iter()
            .map(|(name, rows)| report::FileEntry { name, rows })
            .collect();
        entries.extend(
            charts
                .into_iter()
                .map(|name| report::FileEntry { name, rows: 0 }),
        );
        if self.report {
            let dir = staging.dir().join("reports");
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", dir.display())))?;
            let sheets = report::sheet::write_sheets(
                &tables,
                &catalog,
                &prov,
                self.lang,
                self.prices,
                only.as_deref().unwrap_or_default(),
                &dir,
            )
            .map_err(Failure::runtime)?;
            entries.extend(sheets.into_iter().map(|n| report::FileEntry {
                name: format!("reports/{n}"),
                rows: 0,
            }));
        }
        if !self.export.is_empty() {
            let dir = staging.dir().join("export");
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", dir.display())))?;
            let files = report::export::write(
                staging.dir(),
                &tables,
                &catalog,
                &prov,
                self.lang,
                &self.export,
                &dir,
            )
            .map_err(Failure::runtime)?;
            entries.extend(files.into_iter().map(|n| report::FileEntry {
                name: format!("export/{n}"),
                rows: 0,
            }));
        }
        let sheets: Vec<String> = entries
            .iter()
            .filter(|e| e.name.starts_with("reports/"))
            .map(|e| e.name.clone())
            .collect();
        let page =
            report::write_overview(&tables, &catalog, &prov, self.lang, &sheets, staging.dir())?;
        entries.push(report::FileEntry {
            name: page.to_string(),
            rows: 0,
        });
        // The terminal summary reads the same standings as the overview page.
        let mut summary = report::summary::text(&tables, &catalog, &prov, self.lang, &self.out)
            .map_err(|e| Failure::runtime(format!("cannot summarise the run: {e}")))?;
        if only.is_none() && catalog.municipalities.len() > report::selection::MAX_CHARTED {
            summary.push_str(&report::summary::charted(
                self.lang,
                report::selection::MAX_CHARTED,
                catalog.municipalities.len(),
            ));
        }
        if !catalog.rules.is_empty() {
            summary.push('\n');
            summary.push_str(&report::summary::rules(results, &catalog, self.lang));
        }
        if !catalog.regimes.is_empty() {
            summary.push('\n');
            summary.push_str(&report::summary::laws(results, &catalog, self.lang));
        }
        if let Some(shares) = &shares {
            summary.push('\n');
            summary.push_str(&report::summary::drivers(shares, &catalog, self.lang));
        }
        let manifest = Manifest {
            provenance: prov,
            lang: self.lang.code().to_string(),
            catalog,
            files: entries,
        };
        manifest.write(staging.dir())?;
        staging.commit()?;
        if self.report {
            summary.push_str(&report::summary::sheets(
                self.lang,
                &self.out.join("reports"),
            ));
        }
        Ok(RunOutcome {
            out: self.out.clone(),
            // Names from the scenario may hold control characters: never raw to a terminal.
            summary: crate::diag::printable(&summary).into_owned(),
            note: None,
        })
    }
}

/// Refuses `--charts` words that match no municipality of the run, all at once.
pub(super) fn check_selection(
    charts: &Selection,
    cat: &report::catalog::Catalog,
) -> Result<(), Failure> {
    let bad = charts.unmatched(cat);
    if bad.is_empty() {
        return Ok(());
    }
    Err(Failure::input(format!(
        "--charts {}: {}",
        bad.join(", "),
        report::selection::known(cat)
    )))
}

/// The variants to run, baseline first: those named, or every variant of the scenario.
fn choose_variants(scenario: &Scenario, asked: &[String]) -> Result<Vec<String>, Failure> {
    let mut variants = vec![BASELINE.to_string()];
    if asked.is_empty() {
        variants.extend(scenario.variants.iter().map(|v| v.name.clone()));
        return Ok(variants);
    }
    for name in asked {
        if name == BASELINE || variants.contains(name) {
            continue;
        }
        if !scenario.variants.iter().any(|v| &v.name == name) {
            let known: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
            return Err(Failure::input(format!(
                "--variant {name}: the scenario has no such variant; it has: baseline{}{}",
                if known.is_empty() { "" } else { ", " },
                known.join(", ")
            )));
        }
        variants.push(name.clone());
    }
    Ok(variants)
}
