//! The `aimak` command: parse the command line, hand it to the library's pipeline, print what
//! comes back, exit 0 (success), 1 (invalid input or usage) or 2 (runtime or I/O failure).

mod cli;

use aimak::pipeline::{self, Failure};
use clap::Parser;
use cli::{Cli, Command, RunArgs, SolveArgs};
use std::io::Write;
use std::process::ExitCode;

/// How a command ended, beyond success.
enum Stop {
    Failed(Failure),
    /// Standard output was closed by its reader (`aimak synth | head`): stop quietly.
    ClosedPipe,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Failed(f)
    }
}

fn main() -> ExitCode {
    pipeline::cleanup_on_signals();
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
    let result = match cli.command.unwrap_or(Command::Run(RunArgs {
        // The front door: tables, charts and the council sheets of the built-in scenario.
        report: true,
        ..RunArgs::default()
    })) {
        Command::Check { scenarios, verbose } => {
            match pipeline::check::check(&scenarios, verbose) {
                Ok(text) => emit(&text),
                Err((text, failure)) => emit(&text).and(Err(failure.into())),
            }
        }
        Command::Report {
            dir,
            municipalities,
            lang,
            prices,
        } => pipeline::report::report(&dir, &municipalities, lang.into(), prices.into())
            .map_err(Stop::from)
            .and_then(|(reports, written)| {
                emit(&format!(
                    "{} council sheet{} written in {}\n",
                    written.len(),
                    if written.len() == 1 { "" } else { "s" },
                    reports.display()
                ))
            }),
        Command::Export { dir, formats, lang } => {
            let formats: Vec<pipeline::Format> = formats.into_iter().map(Into::into).collect();
            pipeline::export::export(&dir, &formats, lang.into())
                .map_err(Stop::from)
                .and_then(|(folder, written)| {
                    emit(&format!(
                        "{} file{} written in {}\n",
                        written.len(),
                        if written.len() == 1 { "" } else { "s" },
                        folder.display()
                    ))
                })
        }
        Command::Schema => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&aimak::scenario::schema::schema()).expect("json")
        )),
        Command::Run(args) => run(args),
        Command::Backtest(args) => pipeline::backtest::backtest(args.into())
            .map_err(Stop::from)
            .and_then(|outcome| emit(&outcome.summary)),
        Command::Solve(args) => solve(args),
        Command::Merge(args) => merge(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "aimak", &mut script);
            emit(&String::from_utf8_lossy(&script))
        }
        Command::Synth { seed, classic, out } => {
            let form = if classic {
                aimak::synth::Form::Classic
            } else {
                aimak::synth::Form::Whole
            };
            let text = aimak::synth::national(seed, form);
            match out {
                None => emit(&text),
                Some(path) => aimak::synth::write(&path, &text).map_err(|e| e.into()),
            }
        }
        Command::Chart {
            dir,
            lang,
            prices,
            charts,
        } => pipeline::chart::chart(&dir, lang.into(), prices.into(), &charts)
            .map_err(Stop::from)
            .and_then(|charts| emit(&format!("charts redrawn in {}\n", charts.display()))),
    };
    match result {
        Ok(()) | Err(Stop::ClosedPipe) => ExitCode::SUCCESS,
        Err(Stop::Failed(Failure::Input(msg))) => {
            let _ = write!(std::io::stderr(), "error: {msg}");
            ExitCode::from(1)
        }
        Err(Stop::Failed(Failure::Runtime(msg))) => {
            let _ = writeln!(std::io::stderr(), "error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: RunArgs) -> Result<(), Stop> {
    let quiet = args.quiet;
    let job = pipeline::run::RunJob::new(args.into())?;
    if !quiet {
        let _ = writeln!(std::io::stderr(), "{}", job.outline());
    }
    let bar = progress_bar(quiet);
    // The bar shows the largest share of the work told so far, so it never goes backwards
    // (a refining second pass tells its blocks against a larger total).
    let shown = std::sync::atomic::AtomicU64::new(0);
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            let part = (done as u64 * BAR_STEPS / total.max(1) as u64).min(BAR_STEPS);
            if shown.fetch_max(part, std::sync::atomic::Ordering::Relaxed) < part {
                b.set_position(part);
            }
        }
    };
    let outcome = job.execute(&progress)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(note) = &outcome.note {
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    if !quiet {
        emit(&outcome.summary)?;
    }
    Ok(())
}

fn solve(args: SolveArgs) -> Result<(), Stop> {
    let quiet = args.quiet;
    let job = pipeline::solve::SolveJob::new(args.into())?;
    if !quiet {
        let _ = writeln!(std::io::stderr(), "{}", job.outline());
    }
    let progress = |what: &str| {
        if !quiet {
            let _ = writeln!(std::io::stderr(), "  simulating {what}");
        }
    };
    let outcome = job.execute(&progress)?;
    emit(&outcome.text)
}

fn merge(args: cli::MergeArgs) -> Result<(), Stop> {
    let quiet = args.quiet;
    let req = pipeline::shard::MergeRequest {
        parts: args.parts,
        out: args.out,
        force: args.force,
        threads: args.threads,
    };
    let outcome = pipeline::shard::merge(req, &|_, _| {})?;
    if let Some(note) = &outcome.note {
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    if !quiet {
        emit(&outcome.summary)?;
    }
    Ok(())
}

/// Writes to standard output. A reader that went away ends the command quietly; any other
/// write error (a full disk) is a runtime failure.
fn emit(text: &str) -> Result<(), Stop> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Stop::ClosedPipe),
        Err(e) => Err(Stop::Failed(Failure::Runtime(format!(
            "cannot write to standard output: {e}"
        )))),
    }
}

/// The bar counts thousandths of the run.
const BAR_STEPS: u64 = 1000;

/// A progress bar on stderr, only on a terminal and without --quiet. It appears after a
/// moment, so short runs stay quiet.
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(BAR_STEPS),
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
