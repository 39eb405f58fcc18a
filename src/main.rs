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
    let _ = scenario;
    Err(Failure::Runtime(
        "the simulation engine is not built yet".into(),
    ))
}
