//! Tests of the binary: jobs, CLI commands, backup and restore, several instances.

mod cli;
mod instances;
mod jobs;
