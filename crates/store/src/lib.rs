//! Everything SQL. One query, built with sea-query, runs on SQLite and on PostgreSQL;
//! backend-specific statements live only in `db.rs` (pragmas, locking, NOTIFY, backup).

pub mod absences;
pub mod accounts;
pub mod activities;
pub mod audit;
pub mod backup;
pub mod campaigns;
pub mod contacts;
pub mod custom_fields;
mod db;
pub mod deals;
pub mod dedupe;
mod error;
pub mod events;
pub mod goals;
pub mod imports;
pub mod jobs;
pub mod leads;
mod list;
pub mod metrics;
mod migrate;
pub mod notifications;
pub mod pipelines;
pub mod price_lists;
pub mod products;
pub mod quotes;
pub mod rate_limits;
pub mod reports;
pub mod requests;
pub mod saved_views;
pub mod search;
pub mod sequences;
pub mod sessions;
pub mod tandems;
pub mod tasks;
pub mod users;
pub mod workspaces;

/// A stored record with a version (for optimistic locking) and a place in the trash.
pub trait Versioned {
    fn version(&self) -> i64;
    fn in_trash(&self) -> bool;
}

macro_rules! versioned {
    ($($row:ty),* $(,)?) => {$(
        impl Versioned for $row {
            fn version(&self) -> i64 {
                self.version
            }

            fn in_trash(&self) -> bool {
                self.deleted_at.is_some()
            }
        }
    )*};
}

versioned!(
    accounts::Account,
    contacts::Contact,
    deals::Deal,
    activities::Activity,
    tasks::Task,
);

pub use db::{Backend, Conn, Store, Tx};
pub use error::{StoreError, StoreResult};
pub use events::Event;
pub use list::{Page, Seen, Sort};
pub use migrate::MIGRATIONS;
