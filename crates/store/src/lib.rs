//! Everything SQL. One query, built with sea-query, runs on SQLite and on PostgreSQL;
//! backend-specific statements live only in `db.rs` (pragmas, locking, NOTIFY, backup).

pub mod absences;
pub mod accounts;
pub mod activities;
pub mod audit;
pub mod backup;
pub mod contacts;
pub mod custom_fields;
mod db;
pub mod deals;
pub mod dedupe;
mod error;
pub mod events;
pub mod jobs;
mod list;
mod migrate;
pub mod notifications;
pub mod pipelines;
pub mod price_lists;
pub mod products;
pub mod quotes;
pub mod requests;
pub mod saved_views;
pub mod search;
pub mod sequences;
pub mod sessions;
pub mod tandems;
pub mod tasks;
pub mod users;
pub mod workspaces;

pub use db::{Backend, Conn, Store, Tx};
pub use error::{StoreError, StoreResult};
pub use events::Event;
pub use list::{Page, Seen, Sort};
pub use migrate::MIGRATIONS;
