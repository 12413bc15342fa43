//! Imports of accounts, contacts, leads and deals from CSV or XLSX: upload (the file
//! is read and the column mapping guessed), mapping, preview and dry run (the real
//! import in a transaction that is rolled back), the import itself as a job in
//! batches with its progress, the result, and the undo of the whole import. A job
//! that fails takes back what it wrote: no half import stays behind.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {import_rows as rows, record_change, require},
};
use serde_json::{Map, Value};
use tandem_domain::{
    AccountId, ContactId, DealId, FieldError, ImportId, Instant, Invalid, LeadId, Role,
    audit::diff,
    import::{self, Kind, OnDuplicate},
    text::fold,
};
use tandem_store::{
    Store, StoreError, Tx,
    audit::Action,
    imports::{self, Change, Import, Item, RowError, Status},
};
use uuid::Uuid;

/// Rows written per transaction (and per progress step). Large on purpose: each commit
/// writes every index page the batch touched to the WAL, and new names land all over
/// the name indexes, so 2,000-row batches wrote most of those pages fifty times for
/// 100,000 rows (BENCHMARKS.md, imports).
const BATCH: usize = 10_000;
pub const JOB_KIND: &str = "imports.run";

pub use super::import_files::{
    MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, Table, parse_table, read_table,
};

pub fn may_import(auth: &Auth, kind: Kind) -> bool {
    match auth.user.role {
        Role::Admin | Role::Manager => true,
        Role::Marketing => kind != Kind::Deals,
        _ => false,
    }
}

mod applying;
mod records;
mod running;
mod steps;
mod undoing;

pub use applying::*;
use running::*;
pub use steps::*;
pub use undoing::*;
