//! Command-line definitions (clap): flags as plain data, handed to the library's
//! [`aimak::pipeline`] as requests. Parsing only; `main.rs` runs the commands.

use aimak::lang::Lang;
use aimak::pipeline::backtest::BacktestRequest;
use aimak::pipeline::run::RunRequest;
use aimak::pipeline::solve::SolveRequest;
use aimak::pipeline::{Basis, Format};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// aimak: how much money will the mine (or the dairy, or the sugar plant) really bring into a
/// municipal budget, year by year, and how sure can we be?
///
/// aimak reads a scenario file (TOML, format version 1), simulates many possible futures of
/// prices, exchange rates, production and disruptions, applies the fiscal rules, and writes
/// Parquet tables and charts for every municipality.
///
/// Run with no arguments to simulate the built-in example scenario into output/.
#[derive(Debug, Parser)]
#[command(
    name = "aimak",
    version,
    about,
    long_about,
    max_term_width = 100,
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The exit codes, shown under `--help`.
const EXIT_CODES: &str =
    "Exit codes: 0 success; 1 invalid input or usage (every problem of a scenario is \
listed at once, with file, line and key); 2 runtime or I/O failure (a full disk, a folder \
that cannot be written).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write tables and charts (the built-in scenario without a file).
    Run(RunArgs),
    /// Merge the parts of a run split across machines (`aimak run --shard I/K`) into the same
    /// output folder one process would write; or, when quantiles need a second round, write
    /// its request and say how to run it (docs/shards.md).
    Merge(MergeArgs),
    /// Validate scenario files and describe each valid one; nothing is simulated.
    Check {
        /// Scenario files to check.
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
        /// Also print where every number comes from: each table's reference and notes, the
        /// judgement calls marked [U] among them.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Redraw the charts of a finished run from its Parquet tables, without simulating.
    Chart {
        /// The output folder of a finished run (it holds manifest.json).
        dir: PathBuf,
        /// Language of labels and titles.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Prices of the money shown: nominal (money of each year) or start-year (deflated
        /// with the scenario's cpi driver, path by path).
        #[arg(long, value_enum, default_value_t = PricesArg::Nominal)]
        prices: PricesArg,
        /// Municipalities with charts of their own (repeatable): all, an id, district:NAME or
        /// oblast:NAME. Default: all of them, or for a run of more than 40, the 40 with the
        /// most project money.
        #[arg(long = "charts", value_name = "WHICH")]
        charts: Vec<String>,
    },
    /// Write the council sheets of a finished run: one printable A4 PDF per municipality
    /// (what it can count on from the projects, the risk to its budget, what each variant
    /// changes, where the numbers come from), into DIR/reports/, without simulating.
    Report {
        /// The output folder of a finished run (it holds manifest.json).
        dir: PathBuf,
        /// Municipality id (repeatable). Default: every municipality of the run, or for a run
        /// of more than 40, the 40 with the most project money.
        #[arg(long = "municipality", value_name = "ID")]
        municipalities: Vec<String>,
        /// Language of the sheets.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Prices of the money shown: nominal (money of each year) or start-year (deflated
        /// with the scenario's cpi driver, path by path).
        #[arg(long, value_enum, default_value_t = PricesArg::Nominal)]
        prices: PricesArg,
    },
    /// Write a finished run's tables for spreadsheets and scripts into DIR/export/: CSV
    /// files, one XLSX workbook (a sheet per table) and summary.json, with names, district,
    /// oblast and population joined in and the unit of every amount in its header.
    Export {
        /// The output folder of a finished run (it holds manifest.json).
        dir: PathBuf,
        /// Format to write (repeatable). Default: all three.
        #[arg(long = "format", value_enum, value_name = "FORMAT")]
        formats: Vec<FormatArg>,
        /// Language of the names, places and units joined in.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
    },
    /// Hold a scenario against published amounts: replay it as written, or (with --origins)
    /// forecast from each past origin year with what was known then; score every published
    /// amount (PIT, 50/80/90% intervals, CRPS, weighted interval score) into
    /// backtest.parquet, with a fan chart per target and a PIT histogram.
    Backtest(BacktestArgs),
    /// Find the value of one scenario parameter at which targets are met with a given
    /// probability: for example the rate of a social package, or the host's share of the 2%,
    /// that gives a municipality at least 5 million som in 2030 in 8 futures of 10.
    ///
    /// Every value tried is simulated on the same futures (the same seed), so the chance
    /// changes only because the parameter does. The answer is found to a thousandth of
    /// --range, then simulated again on other futures (seed + 1) as a check, with a 95%
    /// interval. Writes solve.parquet and a chart of the chance against the parameter.
    #[command(after_help = SOLVE_HELP)]
    Solve(SolveArgs),
    /// Print the JSON Schema of the scenario format, for editors (taplo, Even Better TOML).
    Schema,
    /// Print a shell completion script: `aimak completions bash > /etc/bash_completion.d/aimak`,
    /// or for zsh into a folder of $fpath as `_aimak`, for fish into
    /// ~/.config/fish/completions/aimak.fish, for PowerShell into $PROFILE.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a synthetic national scenario (450 municipalities, 40 projects, 30 years) for
    /// runs at national scale. The same seed gives the same file.
    Synth {
        /// Seed of the synthetic places and projects (and the scenario's [run] seed).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The earlier national scenario, without competitive funds, correlations, a bootstrap
        /// driver, a lag or a one-off (its figures stay comparable).
        #[arg(long)]
        classic: bool,
        /// Write to this file instead of standard output (a file there is replaced only if
        /// `aimak synth` wrote it).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file; without it the built-in example scenario runs.
    pub scenario: Option<PathBuf>,
    /// Number of simulated paths (default: the scenario's [run] paths, else 10000).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Random seed (default: the scenario's [run] seed, else 0). The same seed gives the same
    /// results on any machine and any number of threads.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output folder (default: output/<scenario name as a slug>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run to a precision: double the paths from 1024 until the standard error of every
    /// municipality's mean NPV of project money is below this fraction of the mean (0.01 =
    /// 1%), at most --paths (default then 1,048,576). Reports the paths it took; a run with
    /// that --paths gives the same tables.
    #[arg(long, value_name = "FRACTION")]
    pub precision: Option<f64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Run only these variants (repeatable); baseline always runs first.
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Language of chart labels.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Replace an existing --out folder (without it, aimak refuses to touch it; the default
    /// folder under output/ is always replaced whole, never mixed).
    #[arg(long)]
    pub force: bool,
    /// Also attribute the variance of each municipality's project money to groups of
    /// uncertain inputs (sensitivity.parquet: first-order Sobol indices with their standard
    /// errors). Costs one more simulation of the baseline per group.
    #[arg(long)]
    pub sensitivity: bool,
    /// Also write every path's values (paths.parquet) for your own analysis.
    #[arg(long)]
    pub keep_paths: bool,
    /// Also write the council sheets (reports/, one PDF per municipality in --lang), as
    /// `aimak report` would on the finished run.
    #[arg(long)]
    pub report: bool,
    /// Also write the tables for spreadsheets and scripts (export/, as `aimak export` would):
    /// csv, xlsx or json (repeatable).
    #[arg(long = "export", value_enum, value_name = "FORMAT")]
    pub export: Vec<FormatArg>,
    /// Prices of the money in charts and sheets: nominal (money of each year) or start-year
    /// (deflated with the scenario's cpi driver, path by path). The tables hold both:
    /// budget_line.parquet has a prices column, real.parquet the totals in start-year prices.
    #[arg(long, value_enum, default_value_t = PricesArg::Nominal)]
    pub prices: PricesArg,
    /// Municipalities with charts (and with --report, council sheets) of their own
    /// (repeatable): all, an id, district:NAME or oblast:NAME. Default: all of them, or for a
    /// run of more than 40, the 40 with the most project money; the run says what it left
    /// out. The overview page and the national charts always cover every municipality.
    #[arg(long = "charts", value_name = "WHICH")]
    pub charts: Vec<String>,
    /// Simulate only shard I of K of this run (paths floor(I*N/K) .. floor((I+1)*N/K)) and
    /// write its part into --out, for `aimak merge` (docs/shards.md). `env` reads the shard
    /// from a job array: SLURM_ARRAY_TASK_ID (submit --array=0-(K-1)) or JOB_COMPLETION_INDEX
    /// (a Kubernetes Indexed Job).
    #[arg(long, value_name = "I/K|env")]
    pub shard: Option<String>,
    /// The number of shards K for `--shard env` (else AIMAK_SHARDS, or for a Slurm array
    /// submitted as --array=0-(K-1) its task count).
    #[arg(long, value_name = "K", requires = "shard")]
    pub shards: Option<u64>,
    /// Round 2 of a shard: collect the values that the request `aimak merge` wrote in DIR
    /// asks for (nothing when it asks for none).
    #[arg(long, value_name = "DIR", requires = "shard")]
    pub refine: Option<PathBuf>,
    /// No progress bar and no summary on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The flags of `aimak merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders of parts (every *.part file in them) or part files, of every shard of one run.
    /// A request for round 2, if one is needed, is written into the first.
    #[arg(required = true, value_name = "PART_DIR")]
    pub parts: Vec<PathBuf>,
    /// Output folder of the merged results.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Replace an existing --out folder that aimak wrote.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Scenario file; without it the built-in example scenario (which has no history to
    /// cut, so no --origins).
    pub scenario: Option<PathBuf>,
    /// CSV of published amounts with the columns year, target, stream, amount, source
    /// (target: a municipality id, republic, oblast:NAME or fund:ID; year: 2020 or a span
    /// 2020-2022, scored against the sum over those years).
    #[arg(long, value_name = "FILE.csv")]
    pub actuals: PathBuf,
    /// Forecast from each origin year Y1..Y2: the scenario starts at the origin and every
    /// history driver is cut after the year before it; each scores the amounts of its years.
    #[arg(long, value_name = "Y1..Y2")]
    pub origins: Option<String>,
    /// Number of simulated paths (default: the scenario's [run] paths, else 10000).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Random seed (default: the scenario's [run] seed, else 0).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output folder (default: output/<scenario name as a slug>-backtest/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Replace an existing --out folder that aimak wrote.
    #[arg(long)]
    pub force: bool,
}

impl From<BacktestArgs> for BacktestRequest {
    fn from(a: BacktestArgs) -> BacktestRequest {
        BacktestRequest {
            scenario: a.scenario,
            actuals: a.actuals,
            origins: a.origins,
            paths: a.paths,
            seed: a.seed,
            out: a.out,
            threads: a.threads,
            force: a.force,
        }
    }
}

/// An example and the exit codes, under `aimak solve --help`.
const SOLVE_HELP: &str = "Example: the host's share of the 2% deduction, taken from the district \
fund, that gives Kok-Serek at least 12 million som of it in 2030 with probability 0.8:\n  \
aimak solve scenarios/pilot-ala-buka.toml --set instrument.infra_2pct_other.route.0.share \
--balance instrument.infra_2pct_other.route.1.share --range 0.2..1 \
--target kok-serek:infra_2pct_other:2030>=12000000\n\nExit codes: 0 an answer was found; 1 \
invalid input, or no value in the range meets the targets, or the chance does not move one \
way across the range (the grid is printed); 2 runtime or I/O failure.";

#[derive(Debug, Args, Default)]
pub struct SolveArgs {
    /// Scenario file; without it the built-in example scenario.
    pub scenario: Option<PathBuf>,
    /// The parameter to find, as a key path of a variant's `set`: a number in the scenario,
    /// such as instrument.social_package.rate or instrument.infra_2pct_other.route.0.share.
    #[arg(long = "set", value_name = "KEY")]
    pub key: String,
    /// A second parameter that moves the other way, so that the two keep their sum (another
    /// share of the same route): it takes its value minus the change of --set.
    #[arg(long, value_name = "KEY2")]
    pub balance: Option<String>,
    /// The values of --set to search, LO..HI (for example 0.2..1).
    #[arg(long, value_name = "LO..HI", allow_hyphen_values = true)]
    pub range: String,
    /// A target, MUNICIPALITY:STREAM:YEARS>=AMOUNT (repeatable; each must be met): YEARS is a
    /// year (2030), a range of years that must all be met in the same future (2030-2035), or
    /// npv (the present value at the scenario's discount rate). For example
    /// kok-tash:project_total:2030>=5000000.
    #[arg(long = "target", value_name = "SPEC", required = true)]
    pub targets: Vec<String>,
    /// The chance each target must have, between 0 and 1 (default 0.8: 8 futures of 10).
    #[arg(long, value_name = "P")]
    pub probability: Option<f64>,
    /// Number of simulated futures per value tried (default: the scenario's [run] paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Random seed of the search (default: the scenario's [run] seed); the check uses S + 1.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Solve in this variant of the scenario instead of the baseline.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Output folder (default: output/solve-<scenario name as a slug>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out folder that aimak wrote.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Language of the chart.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Nothing on standard error while it searches.
    #[arg(long, short)]
    pub quiet: bool,
}

impl From<SolveArgs> for SolveRequest {
    fn from(a: SolveArgs) -> SolveRequest {
        SolveRequest {
            scenario: a.scenario,
            key: a.key,
            balance: a.balance,
            range: a.range,
            targets: a.targets,
            probability: a.probability,
            paths: a.paths,
            seed: a.seed,
            variant: a.variant,
            out: a.out,
            threads: a.threads,
            force: a.force,
            lang: a.lang.into(),
        }
    }
}

/// Prices on the command line (`--prices nominal|start-year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PricesArg {
    /// Money of each year, as budgets are written.
    #[default]
    Nominal,
    /// Money of the run's first year.
    StartYear,
}

impl From<PricesArg> for Basis {
    fn from(p: PricesArg) -> Basis {
        match p {
            PricesArg::Nominal => Basis::Nominal,
            PricesArg::StartYear => Basis::StartYear,
        }
    }
}

/// An export format on the command line (`--format csv|xlsx|json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One CSV file per table (UTF-8, comma-separated).
    Csv,
    /// One XLSX workbook, a sheet per table.
    Xlsx,
    /// summary.json: every municipality's standing and the oblast subtotals.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Json => Format::Json,
        }
    }
}

/// A language on the command line (`--lang en|ru|ky`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LangArg {
    /// English
    #[default]
    En,
    /// Русский
    Ru,
    /// Кыргызча
    Ky,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Ru => Lang::Ru,
            LangArg::Ky => Lang::Ky,
        }
    }
}

impl From<RunArgs> for RunRequest {
    fn from(a: RunArgs) -> RunRequest {
        RunRequest {
            scenario: a.scenario,
            paths: a.paths,
            seed: a.seed,
            out: a.out,
            precision: a.precision,
            threads: a.threads,
            variants: a.variants,
            lang: a.lang.into(),
            force: a.force,
            sensitivity: a.sensitivity,
            keep_paths: a.keep_paths,
            report: a.report,
            export: a.export.into_iter().map(Format::from).collect(),
            prices: a.prices.into(),
            charts: a.charts,
            shard: a.shard,
            shards: a.shards,
            refine: a.refine,
        }
    }
}
