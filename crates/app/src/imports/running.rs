//! Running an import in batches: write, tally, publish, and fail cleanly.

use super::*;

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
