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
        Command::Chart { .. } => Err(Failure::Runtime("charts are not built yet".into())),
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
    let paths = args.paths.unwrap_or(scenario.run.paths);
    if paths == 0 {
        return Err(Failure::Input("--paths must be at least 1\n".into()));
    }
    let threads = match args.threads {
        Some(0) => return Err(Failure::Input("--threads must be at least 1\n".into())),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    let settings = aimak::sim::Settings {
        paths,
        seed: args.seed.unwrap_or(scenario.run.seed),
        threads,
        quantiles: None,
    };
    let out = args.out.clone().unwrap_or_else(|| {
        std::path::Path::new("output").join(aimak::report::slug(&scenario.baseline.name))
    });
    if out.exists() && !args.force {
        return Err(Failure::Input(format!(
            "the output folder {} exists already; use --force to replace it, or --out to choose another\n",
            out.display()
        )));
    }
    let bar = progress_bar(args.quiet);
    let results = aimak::sim::run(&scenario, &variants, &settings, &|done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    })
    .map_err(|e| Failure::Runtime(e.to_string()))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let prov = aimak::report::Provenance::new(&results, &scenario.baseline.name, &scenario.sha256);
    aimak::report::write_run(&results, &prov, &out, args.force, |_dir| Ok(Vec::new()))
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    if !args.quiet {
        print!(
            "{}",
            aimak::report::summary::text(&results, &scenario.baseline, &out)
        );
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
