//! Taking an import back: what it made goes to the trash, what it changed gets its old data.

use super::*;

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
