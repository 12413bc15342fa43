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

// ----- the steps -----

async fn load(store: &Store, auth: &Auth, id: ImportId) -> AppResult<(Import, Table)> {
    let mut c = store.read().await?;
    let ws = auth.user.workspace_id;
    let i = imports::get(&mut c.conn(), ws, id).await?;
    require(may_import(auth, i.kind))?;
    let bytes = imports::file(&mut c.conn(), ws, id).await?;
    Ok((i, parse_table(bytes).await?))
}

pub async fn get(store: &Store, auth: &Auth, id: ImportId) -> AppResult<Import> {
    let mut c = store.read().await?;
    let i = imports::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    require(may_import(auth, i.kind))?;
    Ok(i)
}

/// The file's headers and first rows, for the mapping page.
pub async fn table(store: &Store, auth: &Auth, id: ImportId) -> AppResult<(Import, Table)> {
    load(store, auth, id).await
}

pub async fn recent(store: &Store, auth: &Auth) -> AppResult<Vec<Import>> {
    let mut c = store.read().await?;
    let all = imports::recent(&mut c.conn(), auth.user.workspace_id, 50).await?;
    Ok(all
        .into_iter()
        .filter(|i| may_import(auth, i.kind))
        .collect())
}

pub async fn upload(
    store: &Store,
    auth: &Auth,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<Import> {
    require(may_import(auth, kind))?;
    let table = parse_table(bytes.to_vec()).await?;
    let name: String = file_name.trim().chars().take(200).collect();
    let name = if name.is_empty() {
        "import".to_string()
    } else {
        name
    };
    let mapping = import::guess(kind, &table.headers)
        .into_iter()
        .map(|m| m.map(String::from))
        .collect();
    let id = ImportId::new();
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    imports::insert(
        &mut tx.conn(),
        ws,
        &imports::NewImport {
            id,
            kind,
            file_name: &name,
            data: bytes,
            mapping,
            total_rows: table.rows.len() as i64,
        },
        auth.user.id,
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "import",
        "imports",
        id.0,
        Action::Create,
        serde_json::json!({"kind": [null, kind.as_str()], "file": [null, name]}),
    )
    .await?;
    let i = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(i)
}

pub async fn set_mapping(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    version: Option<i64>,
    mapping: Vec<Option<String>>,
    on_duplicate: OnDuplicate,
    new_companies: Option<Vec<String>>,
) -> AppResult<Import> {
    // The upload stored one mapping entry per column: the file need not be read again.
    let i = get(store, auth, id).await?;
    if i.status != Status::Uploaded {
        return Err(AppError::InUse(Invalid::one("status", "import_started")));
    }
    let columns = i.mapping.len();
    if mapping.len() > columns {
        return Err(Invalid::one("mapping", "too_many_columns").into());
    }
    let mut mapping = mapping;
    mapping.resize(columns, None);
    let checked = import::check_mapping(i.kind, &mapping)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let change = Change {
        mapping: Some(checked.iter().map(|m| m.map(String::from)).collect()),
        on_duplicate: Some(on_duplicate),
        new_companies: new_companies.map(|names| {
            let mut names: Vec<String> = names
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty() && !tandem_domain::text::has_control_chars(n))
                .take(10_000)
                .collect();
            names.sort();
            names.dedup();
            names
        }),
        ..Change::default()
    };
    imports::update(
        &mut tx.conn(),
        ws,
        id,
        version.unwrap_or(i.version),
        &change,
    )
    .await?;
    let after = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the rows came to (or would come to, in a dry run).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    /// Rows with errors and duplicates left alone.
    pub skipped: i64,
    pub duplicates: i64,
    #[schema(value_type = Vec<Object>)]
    pub row_errors: Vec<RowError>,
    /// Company names that an existing company has in another spelling.
    pub company_spellings: Vec<CompanyMatch>,
}

impl Outcome {
    fn counts(&self) -> [i64; 5] {
        [
            self.processed,
            self.created,
            self.updated,
            self.skipped,
            self.duplicates,
        ]
    }
}

fn mapping_of(i: &Import) -> AppResult<Vec<Option<&'static str>>> {
    Ok(import::check_mapping(i.kind, &i.mapping)?)
}

/// The first rows as they would be imported, each with its problems — nothing is kept.
pub async fn preview(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    limit: usize,
) -> AppResult<(Import, Table, Outcome)> {
    let (i, mut table) = load(store, auth, id).await?;
    table.rows.truncate(limit);
    let mapping = mapping_of(&i)?;
    let mut tx = store.begin().await?;
    let mut out = Outcome::default();
    let mut ctx = Context::new(&mut tx, auth, &i, mapping, Instant::now()).await?;
    ctx.apply(&mut tx, &table.rows, 0, &mut out).await?;
    out.company_spellings = ctx.spellings(&mut tx).await?;
    drop(tx);
    Ok((i, table, out))
}

/// Every row through the real import, in a transaction that is rolled back.
pub async fn dry_run(store: &Store, auth: &Auth, id: ImportId) -> AppResult<Outcome> {
    let (i, table) = load(store, auth, id).await?;
    let mapping = mapping_of(&i)?;
    let mut tx = store.begin().await?;
    let mut out = Outcome::default();
    let mut ctx = Context::new(&mut tx, auth, &i, mapping, Instant::now()).await?;
    ctx.apply(&mut tx, &table.rows, 0, &mut out).await?;
    out.company_spellings = ctx.spellings(&mut tx).await?;
    drop(tx);
    Ok(out)
}

/// Starts the import: the job takes it from here.
pub async fn start(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    version: Option<i64>,
) -> AppResult<Import> {
    let i = get(store, auth, id).await?;
    if i.status != Status::Uploaded {
        return Err(AppError::InUse(Invalid::one("status", "import_started")));
    }
    mapping_of(&i)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let change = Change {
        status: Some(Status::Running),
        ..Change::default()
    };
    imports::update(
        &mut tx.conn(),
        ws,
        id,
        version.unwrap_or(i.version),
        &change,
    )
    .await?;
    tandem_store::jobs::enqueue(
        &mut tx.conn(),
        Some(ws),
        JOB_KIND,
        &serde_json::json!({"import_id": id.0, "user_id": auth.user.id.0, "workspace_id": ws.0}),
        Instant::now(),
    )
    .await?;
    let after = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// The job: the rows in batches, each with its journal and the progress. On a failure
/// the batches written so far are taken back and the import is marked failed.
pub async fn process(store: &Store, payload: &Value) -> Result<(), String> {
    let uuid = |k: &str| payload[k].as_str().and_then(|s| s.parse::<Uuid>().ok());
    let (Some(id), Some(user), Some(ws)) =
        (uuid("import_id"), uuid("user_id"), uuid("workspace_id"))
    else {
        return Err("import job without ids".into());
    };
    let id = ImportId(id);
    let auth = {
        let mut c = store.read().await.map_err(|e| e.to_string())?;
        let ws = tandem_domain::WorkspaceId(ws);
        let u = tandem_store::users::get(&mut c.conn(), ws, tandem_domain::UserId(user))
            .await
            .map_err(|e| e.to_string())?;
        Auth::system(u)
    };
    match run(store, &auth, id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, import = %id.0, "import failed; taking back what it wrote");
            let taken_back = undo_in(store, &auth, id).await;
            fail(store, &auth, id, &e.to_string(), taken_back.err())
                .await
                .map_err(|e| e.to_string())
        }
    }
}

async fn run(store: &Store, auth: &Auth, id: ImportId) -> AppResult<()> {
    // A deactivated user acts no more, not even through a job started before.
    if !auth.user.active {
        return Err(Invalid::one("user_id", "user_deactivated").into());
    }
    let ws = auth.user.workspace_id;
    let (i, bytes) = {
        let mut c = store.read().await?;
        let i = imports::get(&mut c.conn(), ws, id).await?;
        let bytes = imports::file(&mut c.conn(), ws, id).await?;
        (i, bytes)
    };
    let table = parse_table(bytes).await?;
    if i.status != Status::Running {
        return Ok(());
    }
    let mapping = mapping_of(&i)?;
    // A job that was interrupted (the server stopped) goes on after the last batch it
    // committed; the counts and the journal are those of that batch.
    let done = (i.processed.max(0) as usize).min(table.rows.len());
    let mut out = Outcome {
        processed: i.processed,
        created: i.created,
        updated: i.updated,
        skipped: i.skipped,
        duplicates: i.duplicates,
        row_errors: i.row_errors.clone(),
        company_spellings: vec![],
    };
    let now = Instant::now();
    let mut ctx = {
        let mut tx = store.begin().await?;
        let mut ctx = Context::new(&mut tx, auth, &i, mapping, now).await?;
        ctx.seq = imports::last_seq(&mut tx.conn(), ws, id).await?;
        ctx.load_in_memory(&mut tx).await?;
        ctx
    };
    // In memory, a batch's rows are worked out while the batch before is written (on
    // another thread where the runtime has one): the two take turns otherwise.
    let mut writing: Option<tokio::task::JoinHandle<AppResult<()>>> = None;
    for (n, chunk) in table.rows[done..].chunks(BATCH).enumerate() {
        let first = done + n * BATCH;
        if ctx.in_memory {
            let rows = chunk.iter().enumerate().try_for_each(|(k, row)| {
                let result = checked(row).and_then(|()| ctx.contact_in_memory(row, &mut out));
                tally(&mut out, first + k + 1, result)
            });
            // The batch before is written, or has failed, before anything goes on (a
            // failed import is taken back, which must not race a write).
            if let Some(w) = writing.take() {
                w.await
                    .map_err(|e| AppError::Internal(format!("import batch: {e}")))??;
            }
            rows?;
            let batch = ctx.take_batch(&out);
            writing = Some(tokio::spawn(write_batch(
                store.clone(),
                auth.clone(),
                id,
                batch,
            )));
            continue;
        }
        let mut tx = store.begin().await?;
        ctx.journal.clear();
        ctx.apply(&mut tx, chunk, first, &mut out).await?;
        end_batch(&mut tx, ws, id, &ctx.journal, &out).await?;
        tx.commit().await?;
    }
    if let Some(w) = writing.take() {
        w.await
            .map_err(|e| AppError::Internal(format!("import batch: {e}")))??;
    }
    let mut tx = store.begin().await?;
    let current = imports::get(&mut tx.conn(), ws, id).await?;
    let change = Change {
        status: Some(Status::Done),
        finished_at: Some(Instant::now()),
        ..Change::default()
    };
    imports::update(&mut tx.conn(), ws, id, current.version, &change).await?;
    record_change(&mut tx, auth, "import", "imports", id.0, Action::Update, serde_json::json!({"status": ["running", "done"], "created": [null, out.created], "updated": [null, out.updated]})).await?;
    forget_figures(&mut tx, ws, i.kind).await?;
    tx.commit().await?;
    Ok(())
}

/// The new records of a batch worked out in memory, and what it came to.
struct Batch {
    accounts: Vec<(AccountId, tandem_domain::account::AccountData)>,
    contacts: Vec<(ContactId, tandem_domain::contact::ContactData)>,
    journal: Vec<Item>,
    out: Outcome,
}

/// Writes a batch worked out in memory, in its own transaction.
async fn write_batch(store: Store, auth: Auth, id: ImportId, b: Batch) -> AppResult<()> {
    let mut tx = store.begin().await?;
    write_new(&mut tx, &auth, b.accounts, b.contacts).await?;
    end_batch(&mut tx, auth.user.workspace_id, id, &b.journal, &b.out).await?;
    tx.commit().await?;
    Ok(())
}

/// The end of every batch: its journal, the import's counts, the progress event.
async fn end_batch(
    tx: &mut Tx,
    ws: tandem_domain::WorkspaceId,
    id: ImportId,
    journal: &[Item],
    out: &Outcome,
) -> AppResult<()> {
    imports::add_items(&mut tx.conn(), ws, id, journal).await?;
    let current = imports::get(&mut tx.conn(), ws, id).await?;
    let change = Change {
        counts: Some(out.counts()),
        row_errors: Some(out.row_errors.clone()),
        ..Change::default()
    };
    imports::update(&mut tx.conn(), ws, id, current.version, &change).await?;
    publish(tx, ws, id).await
}

/// New companies and contacts written in bulk: records, search entries, audit rows,
/// one event.
async fn write_new(
    tx: &mut Tx,
    auth: &Auth,
    accounts: Vec<(AccountId, tandem_domain::account::AccountData)>,
    contacts: Vec<(ContactId, tandem_domain::contact::ContactData)>,
) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    if !accounts.is_empty() {
        tandem_store::accounts::insert_many(&mut tx.conn(), ws, &accounts, Some(auth.user.id))
            .await?;
        let made: Vec<(Uuid, &_)> = accounts.iter().map(|(id, d)| (id.0, d)).collect();
        audit_created(tx, auth, "account", &made).await?;
    }
    if contacts.is_empty() {
        return Ok(());
    }
    tandem_store::contacts::insert_many(&mut tx.conn(), ws, &contacts, Some(auth.user.id)).await?;
    let made: Vec<(Uuid, &_)> = contacts.iter().map(|(id, d)| (id.0, d)).collect();
    audit_created(tx, auth, "contact", &made).await?;
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: "contacts".into(),
        id: None,
        actor: Some(auth.user.id),
    })
    .await?;
    Ok(())
}

/// The audit rows of records a batch made, in one statement.
async fn audit_created<D: serde::Serialize>(
    tx: &mut Tx,
    auth: &Auth,
    entity: &'static str,
    made: &[(Uuid, &D)],
) -> AppResult<()> {
    let diffs: Vec<Value> = made
        .iter()
        .map(|(_, d)| diff(None, Some(*d), &[]))
        .collect();
    let entries: Vec<tandem_store::audit::NewEntry> = made
        .iter()
        .zip(&diffs)
        .map(|((id, _), d)| tandem_store::audit::NewEntry {
            workspace_id: auth.user.workspace_id,
            entity,
            entity_id: *id,
            action: Action::Create,
            actor: Some(auth.user.id),
            diff: d,
        })
        .collect();
    Ok(tandem_store::audit::record_many(&mut tx.conn(), &entries).await?)
}

/// A row too wide or with too long a cell is refused before it is read.
fn checked(row: &[String]) -> AppResult<()> {
    if row.len() > MAX_COLUMNS {
        Err(Invalid::one("columns", "too_many_columns").into())
    } else if row.iter().any(|c| c.chars().count() > MAX_CELL_CHARS) {
        Err(Invalid::one("cells", "too_long").into())
    } else {
        Ok(())
    }
}

/// Counts what row `number` came to: invalid rows are reported and skipped; any other
/// failure ends the batch.
fn tally(out: &mut Outcome, number: usize, result: AppResult<Done>) -> AppResult<()> {
    out.processed += 1;
    match result {
        Ok(Done::Created) => out.created += 1,
        Ok(Done::Updated) => out.updated += 1,
        Ok(Done::Skipped) => out.skipped += 1,
        Err(AppError::Invalid(Invalid(errors)) | AppError::InUse(Invalid(errors))) => {
            out.skipped += 1;
            for e in errors {
                if out.row_errors.len() < imports::MAX_ROW_ERRORS {
                    out.row_errors.push(RowError {
                        row: number as u64,
                        field: e.field,
                        code: e.code.into(),
                    });
                }
            }
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

async fn publish(tx: &mut Tx, ws: tandem_domain::WorkspaceId, id: ImportId) -> AppResult<()> {
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: "imports".into(),
        id: Some(id.0),
        actor: None,
    })
    .await?;
    Ok(())
}

async fn fail(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    why: &str,
    undo_error: Option<AppError>,
) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let current = imports::get(&mut tx.conn(), ws, id).await?;
    let mut text = why.chars().take(500).collect::<String>();
    if let Some(e) = undo_error {
        text.push_str(&format!(" (taking back failed: {e})"));
    }
    let change = Change {
        status: Some(Status::Failed),
        failure: Some(Some(text)),
        counts: Some([0, 0, 0, 0, 0]),
        finished_at: Some(Instant::now()),
        ..Change::default()
    };
    imports::update(&mut tx.conn(), ws, id, current.version, &change).await?;
    publish(&mut tx, ws, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Undoes a finished import: what it made goes to the trash, what it changed gets its
/// data from before the import back.
pub async fn undo(store: &Store, auth: &Auth, id: ImportId) -> AppResult<Import> {
    let i = get(store, auth, id).await?;
    if i.status != Status::Done {
        return Err(AppError::InUse(Invalid::one("status", "not_undoable")));
    }
    undo_in(store, auth, id).await?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let current = imports::get(&mut tx.conn(), ws, id).await?;
    let change = Change {
        status: Some(Status::Undone),
        undone_at: Some(Instant::now()),
        ..Change::default()
    };
    imports::update(&mut tx.conn(), ws, id, current.version, &change).await?;
    record_change(
        &mut tx,
        auth,
        "import",
        "imports",
        id.0,
        Action::Update,
        serde_json::json!({"status": ["done", "undone"]}),
    )
    .await?;
    let after = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Walks the journal back in one transaction.
async fn undo_in(store: &Store, auth: &Auth, id: ImportId) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    for item in imports::items(&mut tx.conn(), ws, id).await? {
        revert(&mut tx, auth, &item).await?;
    }
    imports::clear_items(&mut tx.conn(), ws, id).await?;
    let kind = imports::get(&mut tx.conn(), ws, id).await?.kind;
    forget_figures(&mut tx, ws, kind).await?;
    tx.commit().await?;
    Ok(())
}

/// Deals and leads of an import may be dated back into finished periods, whose
/// recorded figures are then counted again.
async fn forget_figures(tx: &mut Tx, ws: tandem_domain::WorkspaceId, kind: Kind) -> AppResult<()> {
    if matches!(kind, Kind::Deals | Kind::Leads) {
        tandem_store::metrics::forget_periods(&mut tx.conn(), ws).await?;
    }
    Ok(())
}

async fn revert(tx: &mut Tx, auth: &Auth, item: &Item) -> AppResult<()> {
    use tandem_store::{accounts, contacts, deals, leads};
    let ws = auth.user.workspace_id;
    let id = item.record_id;
    let gone = |r: Result<(), StoreError>| match r {
        Err(StoreError::NotFound) => Ok(()), // already in the trash
        other => other,
    };
    let entity: &'static str = match item.entity.as_str() {
        "account" => "account",
        "contact" => "contact",
        "deal" => "deal",
        _ => "lead",
    };
    let topic = format!("{entity}s");
    if item.action == "created" {
        match entity {
            "account" => {
                gone(accounts::set_deleted(&mut tx.conn(), ws, AccountId(id), true).await)?
            }
            "contact" => {
                gone(contacts::set_deleted(&mut tx.conn(), ws, ContactId(id), true).await)?
            }
            "deal" => gone(deals::set_deleted(&mut tx.conn(), ws, DealId(id), true).await)?,
            _ => gone(leads::set_deleted(&mut tx.conn(), ws, LeadId(id)).await)?,
        }
        return record_change(
            tx,
            auth,
            entity,
            &topic,
            id,
            Action::Delete,
            serde_json::json!({"import": "undone"}),
        )
        .await;
    }
    let Some(before) = item.before.clone() else {
        return Ok(());
    };
    let bad = |e: serde_json::Error| AppError::Internal(format!("import journal: {e}"));
    match entity {
        "account" => {
            let now = accounts::get(&mut tx.conn(), ws, AccountId(id)).await?;
            let before: tandem_domain::account::AccountData =
                serde_json::from_value(before).map_err(bad)?;
            accounts::update(
                &mut tx.conn(),
                ws,
                AccountId(id),
                now.version,
                &now.data,
                &before,
            )
            .await?;
        }
        "contact" => {
            let now = contacts::get(&mut tx.conn(), ws, ContactId(id)).await?;
            let before: tandem_domain::contact::ContactData =
                serde_json::from_value(before).map_err(bad)?;
            contacts::update(
                &mut tx.conn(),
                ws,
                ContactId(id),
                now.version,
                &now.data,
                &before,
            )
            .await?;
        }
        "deal" => {
            let now = deals::get(&mut tx.conn(), ws, DealId(id)).await?;
            let before: tandem_domain::deal::DealData =
                serde_json::from_value(before).map_err(bad)?;
            deals::update(&mut tx.conn(), ws, &now, &before, Some(auth.user.id)).await?;
        }
        _ => {
            let now = leads::get(&mut tx.conn(), ws, LeadId(id)).await?;
            let before: tandem_domain::lead_record::LeadData =
                serde_json::from_value(before).map_err(bad)?;
            let change = leads::Change {
                data: Some(before),
                ..leads::Change::default()
            };
            leads::update(&mut tx.conn(), ws, LeadId(id), now.version, &change).await?;
        }
    }
    record_change(
        tx,
        auth,
        entity,
        &topic,
        id,
        Action::Update,
        serde_json::json!({"import": "undone"}),
    )
    .await
}

// ----- the rows -----

/// One batch's work: the names looked up, the journal it writes.
struct Context<'a> {
    auth: &'a Auth,
    kind: Kind,
    mode: OnDuplicate,
    mapping: Vec<Option<&'static str>>,
    lookups: rows::Lookups,
    journal: Vec<Item>,
    seq: i64,
    now: Instant,
    /// Match keys (`d:`, `e:`, `p:`) of the live accounts or contacts, loaded once per
    /// import and kept up to date with what it writes.
    keys: Option<std::collections::HashMap<String, Uuid>>,
    /// Companies named by rows, by folded name.
    accounts: std::collections::HashMap<String, AccountId>,
    /// New contacts of the batch, written together when it ends; `None` until it is
    /// known whether contacts may be written that way (no required custom fields).
    pending: Option<Vec<(ContactId, tandem_domain::contact::ContactData)>>,
    /// New companies that rows named, written before the batch's contacts; `None`
    /// until it is known whether companies may be written that way.
    pending_accounts: Option<Vec<(AccountId, tandem_domain::account::AccountData)>>,
    /// Whether rows are worked out without the database (see `load_in_memory`).
    in_memory: bool,
    /// Company names the importer chose to make anew despite an existing company of
    /// the same name in another spelling.
    new_companies: std::collections::HashSet<String>,
    /// The names of existing companies that rows were matched to.
    matched_names: std::collections::HashMap<AccountId, String>,
    /// Names of rows matched to an existing company spelt otherwise (for the preview).
    spellings: Vec<CompanyMatch>,
}

/// A company name of the file that an existing company has in another spelling
/// ("Häring" for "Haering"): the rows go to the existing one unless the importer
/// chooses to make it anew.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CompanyMatch {
    /// As the file has it.
    pub given: String,
    /// As the existing company is named.
    pub existing: String,
    #[schema(value_type = String, format = Uuid)]
    pub account_id: AccountId,
    /// Whether the importer chose to make it as a new company.
    pub made_new: bool,
}

/// What one row came to.
enum Done {
    Created,
    Updated,
    Skipped,
}

impl<'a> Context<'a> {
    async fn new(
        tx: &mut Tx,
        auth: &'a Auth,
        i: &Import,
        mapping: Vec<Option<&'static str>>,
        now: Instant,
    ) -> AppResult<Context<'a>> {
        Ok(Context {
            auth,
            kind: i.kind,
            mode: i.on_duplicate,
            mapping,
            lookups: rows::Lookups::load(tx, auth).await?,
            journal: vec![],
            seq: 0,
            now,
            keys: None,
            accounts: Default::default(),
            pending: None,
            pending_accounts: None,
            in_memory: false,
            new_companies: i.new_companies.iter().cloned().collect(),
            matched_names: Default::default(),
            spellings: vec![],
        })
    }

    /// The key a company name is known by in this import: its folded form, or, for a
    /// name chosen to be made anew, the name itself (apart from every folded one).
    fn company_key(&self, name: &str) -> String {
        let name = name.trim();
        if self.new_companies.contains(name) {
            format!("={name}")
        } else {
            fold(name)
        }
    }

    /// Notes a row's company name that the existing company `id` spells otherwise.
    fn note_spelling(&mut self, given: &str, id: AccountId) {
        let given = given.trim();
        let Some(existing) = self.matched_names.get(&id) else {
            return;
        };
        if existing.trim() == given || self.spellings.iter().any(|m| m.given == given) {
            return;
        }
        self.spellings.push(CompanyMatch {
            given: given.to_string(),
            existing: existing.clone(),
            account_id: id,
            made_new: false,
        });
    }

    /// Loads what contact rows need (every match key, every company name) so that they
    /// can be worked out without the database: when contacts and companies are written
    /// in bulk and duplicates are skipped or created anyway (an update reads the record).
    async fn load_in_memory(&mut self, tx: &mut Tx) -> AppResult<()> {
        if self.kind != Kind::Contacts
            || self.mode == OnDuplicate::Update
            || !self.bulk_contacts(tx).await?
            || !self.bulk_accounts(tx).await?
        {
            return Ok(());
        }
        self.matching(tx, "contacts", &[]).await?;
        let ws = self.auth.user.workspace_id;
        for (key, id) in tandem_store::accounts::name_keys(&mut tx.conn(), ws).await? {
            self.accounts.entry(key).or_insert(id);
        }
        self.in_memory = true;
        Ok(())
    }

    /// A contact row worked out in memory.
    fn contact_in_memory(&mut self, row: &[String], out: &mut Outcome) -> AppResult<Done> {
        let cells = rows::cells(&self.mapping, row);
        let missing = rows::required_missing(self.kind, &cells);
        if !missing.is_empty() {
            return Err(Invalid(missing).into());
        }
        let today = tandem_domain::format::local_date(self.now);
        let mut data = rows::contact(&cells)?.validate(today)?;
        if let Some(name) = cells.get("account") {
            data.account_id = Some(self.company_in_bulk(name)?);
        }
        let keys = email_keys(&data);
        let existing = self.known(&keys);
        Ok(match self.decide(existing, out) {
            None => Done::Skipped,
            Some(_) => self.created_in_bulk(keys, data),
        })
    }

    /// A contact to be written with the batch.
    fn created_in_bulk(
        &mut self,
        keys: Vec<String>,
        data: tandem_domain::contact::ContactData,
    ) -> Done {
        let id = ContactId::new();
        self.remember(&keys, id.0);
        self.log("contact", id.0, None);
        if let Some(p) = self.pending.as_mut() {
            p.push((id, data));
        }
        Done::Created
    }

    /// The company of that name this import knows, or a new one written with the batch.
    fn company_in_bulk(&mut self, name: &str) -> AppResult<AccountId> {
        let key = self.company_key(name);
        if let Some(a) = self.accounts.get(&key) {
            return Ok(*a);
        }
        let input = tandem_domain::account::AccountInput {
            name: name.to_string(),
            owner_id: Some(self.auth.user.id),
            ..Default::default()
        };
        let data = input.validate().map_err(|Invalid(errs)| {
            AppError::from(Invalid(
                errs.into_iter()
                    .map(|f| FieldError::new(format!("account.{}", f.field), f.code))
                    .collect(),
            ))
        })?;
        let id = AccountId::new();
        self.log("account", id.0, None);
        self.accounts.insert(key, id);
        if let Some(p) = self.pending_accounts.as_mut() {
            p.push((id, data));
        }
        Ok(id)
    }

    /// The batch worked out in memory, taken for writing.
    fn take_batch(&mut self, out: &Outcome) -> Batch {
        Batch {
            accounts: self
                .pending_accounts
                .as_mut()
                .map(std::mem::take)
                .unwrap_or_default(),
            contacts: self
                .pending
                .as_mut()
                .map(std::mem::take)
                .unwrap_or_default(),
            journal: std::mem::take(&mut self.journal),
            out: out.clone(),
        }
    }

    /// Whether new companies can be written in bulk (no required custom fields).
    async fn bulk_accounts(&mut self, tx: &mut Tx) -> AppResult<bool> {
        if self.pending_accounts.is_none() {
            let mut errors = vec![];
            crate::custom_fields::check(
                &mut tx.conn(),
                self.auth,
                tandem_domain::custom::Entity::Account,
                &mut Map::new(),
                &mut errors,
            )
            .await?;
            if !errors.is_empty() {
                return Ok(false);
            }
            self.pending_accounts = Some(vec![]);
        }
        Ok(true)
    }

    /// Whether new contacts can be written in bulk: only when contacts need no
    /// custom field (an import has none to give).
    async fn bulk_contacts(&mut self, tx: &mut Tx) -> AppResult<bool> {
        if self.pending.is_none() {
            let mut errors = vec![];
            crate::custom_fields::check(
                &mut tx.conn(),
                self.auth,
                tandem_domain::custom::Entity::Contact,
                &mut Map::new(),
                &mut errors,
            )
            .await?;
            if !errors.is_empty() {
                return Ok(false);
            }
            self.pending = Some(vec![]);
        }
        Ok(true)
    }

    /// Writes the batch's new companies and contacts.
    async fn flush(&mut self, tx: &mut Tx) -> AppResult<()> {
        let accounts = self.pending_accounts.as_mut().map(std::mem::take);
        let contacts = self.pending.as_mut().map(std::mem::take);
        write_new(
            tx,
            self.auth,
            accounts.unwrap_or_default(),
            contacts.unwrap_or_default(),
        )
        .await
    }

    /// After a row filled in an existing record: its audit row and the journal entry
    /// with the data before, which the undo writes back.
    async fn updated<D: serde::Serialize>(
        &mut self,
        tx: &mut Tx,
        entity: &'static str,
        id: Uuid,
        before: &D,
        after: &D,
    ) -> AppResult<Done> {
        let topic = format!("{entity}s");
        record_change(
            tx,
            self.auth,
            entity,
            &topic,
            id,
            Action::Update,
            diff(Some(before), Some(after), &[]),
        )
        .await?;
        self.log(
            entity,
            id,
            Some(serde_json::to_value(before).unwrap_or_default()),
        );
        Ok(Done::Updated)
    }

    /// The record that already has one of these match keys.
    async fn matching(
        &mut self,
        tx: &mut Tx,
        table: &'static str,
        keys: &[String],
    ) -> AppResult<Option<Uuid>> {
        if self.keys.is_none() {
            let ws = self.auth.user.workspace_id;
            let mut map = std::collections::HashMap::new();
            for (id, ks) in tandem_store::dedupe::all_keys(&mut tx.conn(), table, ws).await? {
                for k in ks.split_whitespace() {
                    map.entry(k.to_string()).or_insert(id);
                }
            }
            self.keys = Some(map);
        }
        Ok(self.known(keys))
    }

    /// The record that already has one of these match keys, of those loaded.
    fn known(&self, keys: &[String]) -> Option<Uuid> {
        self.keys
            .as_ref()
            .and_then(|m| keys.iter().find_map(|k| m.get(k).copied()))
    }

    fn remember(&mut self, keys: &[String], id: Uuid) {
        if let Some(m) = self.keys.as_mut() {
            for k in keys {
                m.entry(k.clone()).or_insert(id);
            }
        }
    }

    fn log(&mut self, entity: &str, id: Uuid, before: Option<Value>) {
        self.seq += 1;
        self.journal.push(Item {
            seq: self.seq,
            entity: entity.into(),
            record_id: id,
            action: if before.is_some() {
                "updated"
            } else {
                "created"
            }
            .into(),
            before,
        });
    }

    /// Every row of `chunk` (numbered from `first + 1`), then the batch's new records.
    async fn apply(
        &mut self,
        tx: &mut Tx,
        chunk: &[Vec<String>],
        first: usize,
        out: &mut Outcome,
    ) -> AppResult<()> {
        for (k, row) in chunk.iter().enumerate() {
            let result = match checked(row) {
                Ok(()) => self.row(tx, row, out).await,
                Err(e) => Err(e),
            };
            tally(out, first + k + 1, result)?;
        }
        self.flush(tx).await
    }

    async fn row(&mut self, tx: &mut Tx, row: &[String], out: &mut Outcome) -> AppResult<Done> {
        let cells = rows::cells(&self.mapping, row);
        let missing = rows::required_missing(self.kind, &cells);
        if !missing.is_empty() {
            return Err(Invalid(missing).into());
        }
        match self.kind {
            Kind::Accounts => self.account(tx, &cells, out).await,
            Kind::Contacts => self.contact(tx, &cells, out).await,
            Kind::Leads => self.lead(tx, &cells, out).await,
            Kind::Deals => self.deal(tx, &cells, out).await,
        }
    }

    /// A duplicate to update must be one the importer may see: a record they cannot see
    /// is no duplicate of theirs (a new record is made; the hidden one stays as it was).
    async fn visible_match(
        &self,
        tx: &mut Tx,
        kind: Kind,
        existing: Option<Uuid>,
    ) -> AppResult<Option<Uuid>> {
        let Some(id) = existing else {
            return Ok(None);
        };
        if self.mode != OnDuplicate::Update {
            return Ok(Some(id));
        }
        let refs = crate::References::of(tx, self.auth).await?;
        let seen = match kind {
            Kind::Accounts => refs.account(tx, AccountId(id)).await?.is_some(),
            Kind::Contacts => refs.contact(tx, ContactId(id)).await?.is_some(),
            Kind::Deals => refs.deal(tx, DealId(id)).await?.is_some(),
            // Only those who manage leads import them, and they see every lead.
            Kind::Leads => true,
        };
        Ok(seen.then_some(id))
    }

    /// What to do with a row that matches `existing`.
    fn decide(&self, existing: Option<Uuid>, out: &mut Outcome) -> Option<Option<Uuid>> {
        match (existing, self.mode) {
            (None, _) => Some(None),
            (Some(_), OnDuplicate::Skip) => {
                out.duplicates += 1;
                None
            }
            (Some(id), OnDuplicate::Update) => {
                out.duplicates += 1;
                Some(Some(id))
            }
            (Some(_), OnDuplicate::Create) => {
                out.duplicates += 1;
                Some(None)
            }
        }
    }

    async fn account(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::accounts;
        let ws = self.auth.user.workspace_id;
        let input = rows::account(&self.lookups, cells)?;
        let data = input.validate()?;
        let mut existing = accounts::by_name_key(&mut tx.conn(), ws, &fold(&data.name), 1)
            .await?
            .first()
            .map(|a| a.id.0);
        let keys: Vec<String> = tandem_domain::dedupe::account_keys(&data)
            .split_whitespace()
            .map(String::from)
            .collect();
        if existing.is_none() {
            existing = self.matching(tx, "accounts", &keys).await?;
        }
        let existing = self.visible_match(tx, Kind::Accounts, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let a = crate::accounts::create_in(tx, self.auth, input).await?;
                self.remember(&keys, a.id.0);
                self.log("account", a.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = accounts::get(&mut tx.conn(), ws, AccountId(id)).await?;
                let merged: tandem_domain::account::AccountInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                accounts::update(
                    &mut tx.conn(),
                    ws,
                    AccountId(id),
                    before.version,
                    &before.data,
                    &data,
                )
                .await?;
                self.updated(tx, "account", id, &before.data, &data).await
            }
        }
    }

    /// The account a contact or deal row names: an existing one by name, else a new one
    /// (journalled, so the undo takes it back too).
    async fn account_named(&mut self, tx: &mut Tx, name: &str) -> AppResult<AccountId> {
        let ws = self.auth.user.workspace_id;
        let key = self.company_key(name);
        if let Some(a) = self.accounts.get(&key).copied() {
            self.note_spelling(name, a);
            return Ok(a);
        }
        let chosen_new = key.starts_with('=');
        if !chosen_new
            && let Some(a) = tandem_store::accounts::by_name_key(&mut tx.conn(), ws, &key, 1)
                .await?
                .first()
        {
            self.accounts.insert(key, a.id);
            self.matched_names.insert(a.id, a.data.name.clone());
            self.note_spelling(name, a.id);
            return Ok(a.id);
        }
        let name = name.trim();
        // Contacts are written at the end of the batch too, after their companies.
        if self.kind == Kind::Contacts
            && self.bulk_contacts(tx).await?
            && self.bulk_accounts(tx).await?
        {
            return self.company_in_bulk(name);
        }
        let input = tandem_domain::account::AccountInput {
            name: name.to_string(),
            owner_id: Some(self.auth.user.id),
            ..Default::default()
        };
        let a = crate::accounts::create_in(tx, self.auth, input)
            .await
            .map_err(|e| match e {
                AppError::Invalid(Invalid(errs)) => Invalid(
                    errs.into_iter()
                        .map(|f| FieldError::new(format!("account.{}", f.field), f.code))
                        .collect(),
                )
                .into(),
                e => e,
            })?;
        self.log("account", a.id.0, None);
        self.accounts.insert(key, a.id);
        Ok(a.id)
    }

    /// The companies of the file that exist in another spelling, with the importer's
    /// choice for each (those chosen to be new, found again for the list).
    async fn spellings(&self, tx: &mut Tx) -> AppResult<Vec<CompanyMatch>> {
        let ws = self.auth.user.workspace_id;
        let mut all = self.spellings.clone();
        for given in &self.new_companies {
            if let Some(a) =
                tandem_store::accounts::by_name_key(&mut tx.conn(), ws, &fold(given), 1)
                    .await?
                    .first()
            {
                all.push(CompanyMatch {
                    given: given.clone(),
                    existing: a.data.name.clone(),
                    account_id: a.id,
                    made_new: true,
                });
            }
        }
        all.sort_by(|a, b| a.given.cmp(&b.given));
        Ok(all)
    }

    async fn contact(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::contacts;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::contact(cells)?;
        // Checked before the company is looked up, so a bad row makes no company.
        let mut data = input.validate(tandem_domain::format::local_date(self.now))?;
        if let Some(name) = cells.get("account") {
            let account = self.account_named(tx, name).await?;
            input.account_id = Some(account);
            data.account_id = Some(account);
        }
        let keys = email_keys(&data);
        let existing = self.matching(tx, "contacts", &keys).await?;
        let existing = self.visible_match(tx, Kind::Contacts, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) if self.bulk_contacts(tx).await? => Ok(self.created_in_bulk(keys, data)),
            Some(None) => {
                let c = crate::contacts::create_in(tx, self.auth, input).await?;
                self.remember(&keys, c.id.0);
                self.log("contact", c.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = contacts::get(&mut tx.conn(), ws, ContactId(id)).await?;
                let merged: tandem_domain::contact::ContactInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate(tandem_domain::format::local_date(self.now))?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                contacts::update(
                    &mut tx.conn(),
                    ws,
                    ContactId(id),
                    before.version,
                    &before.data,
                    &data,
                )
                .await?;
                self.updated(tx, "contact", id, &before.data, &data).await
            }
        }
    }

    async fn lead(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::leads;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::lead(&self.lookups, cells)?;
        input.owner_id = Some(self.auth.user.id);
        let data = input.validate()?;
        let existing = match &data.email {
            Some(e) => leads::with_email(&mut tx.conn(), ws, e).await?.map(|l| l.0),
            None => None,
        };
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let l = crate::leads::create_in(tx, self.auth, &input, None, self.now).await?;
                self.log("lead", l.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = leads::get(&mut tx.conn(), ws, LeadId(id)).await?;
                let merged: tandem_domain::lead_record::LeadInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                let change = leads::Change {
                    data: Some(data.clone()),
                    ..leads::Change::default()
                };
                leads::update(&mut tx.conn(), ws, LeadId(id), before.version, &change).await?;
                self.updated(tx, "lead", id, &before.data, &data).await
            }
        }
    }

    async fn deal(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::deals;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::deal(&self.lookups, cells, self.auth.user.locale)?;
        let account = cells.get("account").cloned().unwrap_or_default();
        let account = self.account_named(tx, &account).await?;
        input.account_id = Some(account);
        let existing = deals::by_title(&mut tx.conn(), ws, account, &input.title)
            .await?
            .map(|d| d.0);
        let existing = self.visible_match(tx, Kind::Deals, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let d = crate::deals::create_in(tx, self.auth, input).await?;
                self.log("deal", d.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = deals::get(&mut tx.conn(), ws, DealId(id)).await?;
                let merged: tandem_domain::deal::DealInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                deals::update(&mut tx.conn(), ws, &before, &data, Some(self.auth.user.id)).await?;
                self.updated(tx, "deal", id, &before.data, &data).await
            }
        }
    }
}

/// The stored record's input with the row's non-empty values laid over it.
/// A contact's email match keys: the ones an import checks against.
fn email_keys(data: &tandem_domain::contact::ContactData) -> Vec<String> {
    tandem_domain::dedupe::contact_keys(data)
        .split_whitespace()
        .filter(|k| k.starts_with("e:"))
        .map(String::from)
        .collect()
}

fn overlay<T: serde::Serialize + serde::de::DeserializeOwned>(base: &T, row: &T) -> AppResult<T> {
    let internal = |e: serde_json::Error| AppError::Internal(format!("overlay: {e}"));
    let (Value::Object(mut b), Value::Object(r)) = (
        serde_json::to_value(base).map_err(internal)?,
        serde_json::to_value(row).map_err(internal)?,
    ) else {
        return Err(AppError::Internal("overlay of a non-object".into()));
    };
    for (k, v) in r {
        let empty = match &v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Bool(b) => !b,
            Value::Number(_) => false,
        };
        if !empty {
            b.insert(k, v);
        }
    }
    serde_json::from_value(Value::Object(Map::from_iter(b))).map_err(internal)
}
