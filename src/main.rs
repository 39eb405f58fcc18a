//! The `aimak` command: parse the command line, call the library, print errors, exit 0/1/2.

use aimak::cli::{Cli, Command, RunArgs};
use clap::Parser;
use std::process::ExitCode;

/// Why a command failed: bad input or usage (exit 1), or a runtime/I-O failure (exit 2).
enum Failure {
    Input(String),
    Runtime(String),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Check { scenarios } => check(&scenarios),
        Command::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&aimak::scenario::schema::schema()).expect("json")
            );
            Ok(())
        }
        Command::Run(args) => run(args),
        Command::Synth { seed, out } => {
            let text = aimak::synth::national(seed);
            match out {
                None => {
                    print!("{text}");
                    Ok(())
                }
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display()))),
            }
        }
        Command::Chart { dir, lang } => chart(&dir, lang),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprint!("error: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn check(files: &[std::path::PathBuf]) -> Result<(), Failure> {
    let mut bad = String::new();
    for f in files {
        match aimak::scenario::load_file(f) {
            Ok(s) => println!("{}: ok\n{}", f.display(), aimak::describe::describe(&s)),
            Err(e) => bad.push_str(&format!("{}: {e}", f.display())),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(bad))
    }
}

/// Redraws the charts of a finished run from its tables, replacing its charts/ folder whole.
fn chart(dir: &std::path::Path, lang: aimak::cli::Lang) -> Result<(), Failure> {
    use aimak::report::{figures::Tables, Manifest, Staging};
    if !dir.join("manifest.json").exists() {
        return Err(Failure::Input(format!(
            "{} is not the output folder of an aimak run (it has no manifest.json)\n",
            dir.display()
        )));
    }
    let runtime = |e: &dyn std::fmt::Display| Failure::Runtime(e.to_string());
    let mut manifest = Manifest::read(dir).map_err(|e| runtime(&e))?;
    let tables = Tables::read(dir).map_err(|e| runtime(&e))?;
    // Draw into a staging folder beside charts/, then swap it in whole.
    let staging = Staging::new(&dir.join("charts"), true).map_err(|e| runtime(&e))?;
    let files = aimak::report::write_charts(
        &tables,
        &manifest.catalog,
        &manifest.provenance,
        lang,
        staging.dir(),
    )
    .map_err(|e| runtime(&e))?;
    staging.commit().map_err(|e| runtime(&e))?;
    manifest.lang = lang.code().to_string();
    manifest.files.retain(|f| !f.name.starts_with("charts/"));
    manifest.files.extend(
        files
            .into_iter()
            .map(|name| aimak::report::FileEntry { name, rows: 0 }),
    );
    manifest.write(dir).map_err(|e| runtime(&e))?;
    println!("charts redrawn in {}", dir.join("charts").display());
    Ok(())
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let scenario = match &args.scenario {
        Some(p) => aimak::scenario::load_file(p),
        None => aimak::scenario::load_builtin(),
    }
    .map_err(|e| Failure::Input(e.to_string()))?;
    let mut variants = vec!["baseline"];
    if args.variants.is_empty() {
        variants.extend(scenario.variants.iter().map(|v| v.name.as_str()));
    } else {
        for name in &args.variants {
            if name == "baseline" {
                continue;
            }
            if !scenario.variants.iter().any(|v| &v.name == name) {
                let known: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
                return Err(Failure::Input(format!(
                    "--variant {name}: the scenario has no such variant; it has: baseline{}{}\n",
                    if known.is_empty() { "" } else { ", " },
                    known.join(", ")
                )));
            }
            variants.push(name);
        }
    }
    let paths = match (args.paths, args.precision) {
        (Some(p), _) => p,
        (None, Some(_)) => 1 << 20,
        (None, None) => scenario.run.paths,
    };
    if let Some(p) = args.precision {
        if args.keep_paths {
            return Err(Failure::Input(
                "--keep-paths cannot be combined with --precision: run to a precision first, then rerun with the --paths it reports and --keep-paths\n".into(),
            ));
        }
        if !(p > 0.0 && p < 1.0) {
            return Err(Failure::Input(format!(
                "--precision {p}: expected a fraction between 0 and 1, such as 0.01 for 1%\n"
            )));
        }
    }
    aimak::sim::check_paths(paths).map_err(|e| Failure::Input(format!("{e}\n")))?;
    let threads = match args.threads {
        Some(0) => return Err(Failure::Input("--threads must be at least 1\n".into())),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    // Everything parallel after the simulation (charts, tables) keeps to the same number of
    // threads. The global pool is built once per process; a second run in the same process
    // keeps the first one's, which only matters to speed.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let settings = aimak::sim::Settings {
        paths,
        seed: args.seed.unwrap_or(scenario.run.seed),
        threads,
        quantiles: None,
    };
    // The default folder under output/ is aimak's own: a new run replaces it whole. A folder
    // the user names is replaced only with --force.
    let replace = args.force || args.out.is_none();
    let out = args.out.clone().unwrap_or_else(|| {
        std::path::Path::new("output").join(aimak::report::slug(&scenario.baseline.name))
    });
    if out.exists() && !replace {
        return Err(Failure::Input(format!(
            "the output folder {} exists already; use --force to replace it, or --out to choose another\n",
            out.display()
        )));
    }
    let runtime = |e: &dyn std::fmt::Display| Failure::Runtime(e.to_string());
    let staging = aimak::report::Staging::new(&out, replace).map_err(|e| runtime(&e))?;
    let selected = aimak::sim::selected(&scenario, &variants);
    // Provenance before the run is known except for the statistics method; the kept-paths
    // file gets the same scenario hash, seed and paths.
    let pre = aimak::report::Provenance {
        aimak_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.baseline.name.clone(),
        scenario_sha256: scenario.sha256.clone(),
        seed: settings.seed,
        paths: settings.paths,
        quantile_method: "not applicable: per-path values".into(),
        max_rank_error: 0.0,
        variants: selected.iter().map(|(n, _)| n.to_string()).collect(),
        date: aimak::report::today(),
    };
    let writer = if args.keep_paths {
        Some(
            aimak::report::kept::PathWriter::start(staging.dir(), &selected, &pre)
                .map_err(|e| runtime(&e))?,
        )
    } else {
        None
    };
    let sender = writer.as_ref().map(|w| w.sender());
    let keep = |kb: aimak::sim::KeptBlock| {
        if let Some(s) = &sender {
            // A closed channel means the writer failed; its error is reported by finish().
            let _ = s.send(kb);
        }
    };
    let bar = progress_bar(args.quiet);
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let keep_fn = writer
        .is_some()
        .then_some(&keep as &(dyn Fn(aimak::sim::KeptBlock) + Sync));
    let (results, precision) = match args.precision {
        None => (
            aimak::sim::run(&scenario, &variants, &settings, &progress, keep_fn),
            None,
        ),
        Some(target) => match aimak::sim::precision::run_to_precision(
            &scenario, &variants, &settings, target, &progress, keep_fn,
        ) {
            Ok((r, p)) => (Ok(r), Some(p)),
            Err(e) => (Err(e), None),
        },
    };
    let results = results.map_err(|e| runtime(&e))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    drop(sender);
    let prov = aimak::report::Provenance::new(&results, &scenario.baseline.name, &scenario.sha256);
    let (mut frames, mut files) =
        aimak::report::write_tables(&results, &prov, staging.dir()).map_err(|e| runtime(&e))?;
    if let Some(w) = writer {
        let rows = w.finish().map_err(|e| runtime(&e))?;
        files.push((aimak::report::kept::FILE.to_string(), rows));
    }

    let shares = if args.sensitivity {
        let s = aimak::sim::sensitivity::sobol(&scenario.baseline, &settings)
            .map_err(|e| runtime(&e))?;
        let mut df = aimak::report::tables::sensitivity(&s).map_err(|e| runtime(&e))?;
        aimak::report::write_parquet(&mut df, &staging.dir().join("sensitivity.parquet"), &prov)
            .map_err(|e| runtime(&e))?;
        files.push(("sensitivity.parquet".to_string(), df.height()));
        frames.push(("sensitivity.parquet", df));
        Some(s)
    } else {
        None
    };
    let catalog = aimak::report::catalog::Catalog::new(&scenario, &selected);
    let tables = aimak::report::figures::Tables::from_frames(&frames);
    let charts = aimak::report::write_charts(
        &tables,
        &catalog,
        &prov,
        args.lang,
        &staging.dir().join("charts"),
    )
    .map_err(|e| runtime(&e))?;
    let mut entries: Vec<aimak::report::FileEntry> = files
        .into_iter()
        .map(|(name, rows)| aimak::report::FileEntry { name, rows })
        .collect();
    entries.extend(
        charts
            .into_iter()
            .map(|name| aimak::report::FileEntry { name, rows: 0 }),
    );
    let manifest = aimak::report::Manifest {
        provenance: prov,
        lang: args.lang.code().to_string(),
        catalog,
        files: entries,
    };
    manifest.write(staging.dir()).map_err(|e| runtime(&e))?;
    staging.commit().map_err(|e| runtime(&e))?;
    if let Some(p) = precision {
        let verdict = if p.reached { "reached" } else { "not reached" };
        eprintln!(
            "precision {:.2}% {verdict} with {} paths (largest standard error {:.3}% of its mean); `--paths {}` reproduces these tables",
            p.target * 100.0,
            p.paths,
            p.worst * 100.0,
            p.paths
        );
    }
    if !args.quiet {
        print!(
            "{}",
            aimak::report::summary::text(&results, &scenario.baseline, &out)
        );
        if let Some(shares) = &shares {
            print!(
                "{}",
                aimak::report::summary::drivers(shares, &scenario.baseline)
            );
        }
    }
    Ok(())
}

/// A progress bar on stderr, only on a terminal and without --quiet. It appears after a
/// moment, so short runs stay quiet.
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(0),
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "simulating {bar:40} {percent:>3}%  {elapsed} elapsed, ETA {eta}",
        )
        .expect("valid template"),
    );
    Some(bar)
}
