//! The `tandem` binary as a library: the command line, the server wiring, the job runner
//! and the demo data, so that tests can start exactly what users start.

pub mod cli;
pub mod demo;
mod demo_leads;
pub mod jobs;
pub mod logging;
pub mod server;
