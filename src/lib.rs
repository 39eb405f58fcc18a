//! aimak: how much money a mine, a dairy or a sugar plant will bring into a Kyrgyz municipal
//! budget, year by year, and how sure one can be.
//!
//! Data flows one way: a scenario file is read and validated by [`scenario`] into the
//! [`model`] types; the engine simulates paths of the world; statistics summarise them; the
//! report writes tables and charts. [`pipeline`] runs each command from validated settings to
//! a finished result; the command line (`main.rs`, `cli.rs`) only parses flags and prints.

pub(crate) mod codec;
mod describe;
mod diag;
mod files;
pub mod lang;
pub mod model;
pub mod pipeline;
mod report;
pub mod results;
pub mod scenario;
pub mod sim;
pub mod solve;
pub mod stats;
pub mod synth;
