//! The `tandem` binary as a library: the command line, the server wiring, the job runner
//! and the demo data, so that tests can start exactly what users start.

pub mod cli;
pub mod demo;
mod demo_goals;
mod demo_leads;
pub mod jobs;
pub mod logging;
pub mod server;

/// mimalloc instead of the system allocator: the import's many small strings spent a
/// quarter of its instructions in glibc's malloc and free (BENCHMARKS.md, imports).
/// Declared here so the binary, the benchmarks and the tests all run on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
