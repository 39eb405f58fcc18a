//! aimak: how much money a mine, a dairy or a sugar plant will bring into a Kyrgyz municipal
//! budget, year by year, and how sure one can be.
//!
//! Data flows one way: a scenario file is read and validated by [`scenario`] into the
//! [`model`] types; the engine simulates paths of the world; statistics summarise them; the
//! report writes tables and charts. The command line in `main.rs` only wires these together.

pub mod cli;
pub mod describe;
pub mod diag;
pub mod model;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod synth;
