//! Tests of the binary: jobs, CLI commands, backup and restore, several instances.

mod cli;
mod demo_ui;
mod instances;
mod jobs;
