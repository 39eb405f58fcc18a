//! What every command does, from plain settings to a finished result: the layer between the
//! command line (`main.rs`, `cli.rs`) and the parts that load, simulate and write.
//!
//! A command's flags arrive as plain data (a [`run::RunRequest`]), are turned into validated
//! settings ([`run::RunJob::new`], which says how to fix what is wrong), and are then
//! executed. Nothing here prints: outcomes come back as text for `main` to show.

pub mod actuals;
pub mod backtest;
pub mod chart;
pub mod check;
pub mod export;
pub mod report;
pub mod run;
pub mod shard;
pub mod solve;

use crate::report::ReportError;

/// Removes this process's unfinished output folders on SIGINT or SIGTERM; `main` calls it
/// once, first.
pub use crate::report::staging::cleanup_on_signals;

/// The prices charts and sheets show (`--prices`).
pub use crate::report::charts::Basis;
pub use crate::report::export::Format;

/// Why a command failed: bad input or usage (exit 1), or a runtime or I/O failure (exit 2).
#[derive(Debug)]
pub enum Failure {
    /// The message ends with a newline (it may list many problems).
    Input(String),
    Runtime(String),
}

impl Failure {
    pub(crate) fn input(msg: impl std::fmt::Display) -> Failure {
        let msg = msg.to_string();
        if msg.ends_with('\n') {
            Failure::Input(msg)
        } else {
            Failure::Input(format!("{msg}\n"))
        }
    }

    pub(crate) fn runtime(e: impl std::fmt::Display) -> Failure {
        Failure::Runtime(e.to_string())
    }
}

impl From<ReportError> for Failure {
    fn from(e: ReportError) -> Failure {
        if e.is_input() {
            Failure::input(e)
        } else {
            Failure::runtime(e)
        }
    }
}
