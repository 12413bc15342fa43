//! An import's steps: upload, mapping, preview, run (as a job), undo.

use super::*;

pub(super) async fn load(store: &Store, auth: &Auth, id: ImportId) -> AppResult<(Import, Table)> {
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
    pub(super) fn counts(&self) -> [i64; 5] {
        [
            self.processed,
            self.created,
            self.updated,
            self.skipped,
            self.duplicates,
        ]
    }
}

pub(super) fn mapping_of(i: &Import) -> AppResult<Vec<Option<&'static str>>> {
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
    let mut ctx = Context::new(&mut tx, auth, &i, mapping, store.now()).await?;
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
    let mut ctx = Context::new(&mut tx, auth, &i, mapping, store.now()).await?;
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
        store.now(),
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

pub(super) async fn run(store: &Store, auth: &Auth, id: ImportId) -> AppResult<()> {
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
    let now = store.now();
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
        finished_at: Some(store.now()),
        ..Change::default()
    };
    imports::update(&mut tx.conn(), ws, id, current.version, &change).await?;
    record_change(&mut tx, auth, "import", "imports", id.0, Action::Update, serde_json::json!({"status": ["running", "done"], "created": [null, out.created], "updated": [null, out.updated]})).await?;
    forget_figures(&mut tx, ws, i.kind).await?;
    tx.commit().await?;
    Ok(())
}

/// The new records of a batch worked out in memory, and what it came to.
pub(super) struct Batch {
    pub(super) accounts: Vec<(AccountId, tandem_domain::account::AccountData)>,
    pub(super) contacts: Vec<(ContactId, tandem_domain::contact::ContactData)>,
    pub(super) journal: Vec<Item>,
    pub(super) out: Outcome,
}

/// Writes a batch worked out in memory, in its own transaction.
pub(super) async fn write_batch(store: Store, auth: Auth, id: ImportId, b: Batch) -> AppResult<()> {
    let mut tx = store.begin().await?;
    write_new(&mut tx, &auth, b.accounts, b.contacts).await?;
    end_batch(&mut tx, auth.user.workspace_id, id, &b.journal, &b.out).await?;
    tx.commit().await?;
    Ok(())
}

/// The end of every batch: its journal, the import's counts, the progress event.
pub(super) async fn end_batch(
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
pub(super) async fn write_new(
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
pub(super) async fn audit_created<D: serde::Serialize>(
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
pub(super) fn checked(row: &[String]) -> AppResult<()> {
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
pub(super) fn tally(out: &mut Outcome, number: usize, result: AppResult<Done>) -> AppResult<()> {
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

pub(super) async fn publish(
    tx: &mut Tx,
    ws: tandem_domain::WorkspaceId,
    id: ImportId,
) -> AppResult<()> {
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: "imports".into(),
        id: Some(id.0),
        actor: None,
    })
    .await?;
    Ok(())
}

pub(super) async fn fail(
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
        finished_at: Some(store.now()),
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
        undone_at: Some(store.now()),
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
pub(super) async fn undo_in(store: &Store, auth: &Auth, id: ImportId) -> AppResult<()> {
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
pub(super) async fn forget_figures(
    tx: &mut Tx,
    ws: tandem_domain::WorkspaceId,
    kind: Kind,
) -> AppResult<()> {
    if matches!(kind, Kind::Deals | Kind::Leads) {
        tandem_store::metrics::forget_periods(&mut tx.conn(), ws).await?;
    }
    Ok(())
}

pub(super) async fn revert(tx: &mut Tx, auth: &Auth, item: &Item) -> AppResult<()> {
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
