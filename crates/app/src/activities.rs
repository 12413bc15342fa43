//! Activities: the light log of calls, meetings, visits, emails and notes.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    require,
};
use serde_json::{Map, Value};
use tandem_domain::{
    ActivityId, FieldError, Invalid,
    activity::{ActivityData, ActivityInput},
    audit::diff,
};
use tandem_store::{
    Page, Store, Tx,
    activities::{self, Activity, Filter, TIMELINE},
    audit::{self, Action, AuditEntry},
};

pub async fn list(
    store: &Store,
    auth: &Auth,
    filter: &Filter,
    limit: u64,
    cursor: Option<&str>,
) -> AppResult<Page<Activity>> {
    let cursor = super::checked_cursor(limit, cursor, TIMELINE)?;
    let mut filter = filter.clone();
    filter.seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    // In trust mode a person's activity is theirs: listing a colleague's activities by
    // author would count them all the same.
    if let Some(author) = filter.created_by
        && author != auth.user.id
        && tandem_store::workspaces::get(&mut c.conn(), auth.user.workspace_id)
            .await?
            .trust_mode
    {
        return Err(crate::error::AppError::Forbidden);
    }
    Ok(activities::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &filter,
        limit,
        cursor.as_ref(),
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: ActivityId) -> AppResult<Activity> {
    let activity = {
        let mut c = store.read().await?;
        activities::get(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    super::ensure_sees_account(store, auth, activity.data.account_id).await?;
    Ok(activity)
}

pub async fn history(store: &Store, auth: &Auth, id: ActivityId) -> AppResult<Vec<AuditEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(audit::for_entity(&mut c.conn(), auth.user.workspace_id, "activity", id.0, 200).await?)
}

/// Validates the input; the account and contact must be live records of this workspace.
/// An activity with a contact but no account is filed under the contact's account.
async fn validated(tx: &mut Tx, auth: &Auth, input: &ActivityInput) -> AppResult<ActivityData> {
    let mut errors = match input.validate(tx.now()) {
        Ok(_) => vec![],
        Err(Invalid(e)) => e,
    };
    let refs = super::References::of(tx, auth).await?;
    let mut account_id = input.account_id;
    if let Some(contact) = input.contact_id {
        match refs.contact(tx, contact).await? {
            Some(c) => account_id = account_id.or(c.data.account_id),
            None => errors.push(FieldError::new("contact_id", "unknown_contact")),
        }
    }
    if let Some(deal) = input.deal_id {
        match refs.deal(tx, deal).await? {
            Some(d) => account_id = account_id.or(Some(d.data.account_id)),
            None => errors.push(FieldError::new("deal_id", "unknown_deal")),
        }
    }
    if let Some(account) = input.account_id
        && refs.account(tx, account).await?.is_none()
    {
        errors.push(FieldError::new("account_id", "unknown_account"));
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut data = input.validate(tx.now())?;
    data.account_id = account_id;
    Ok(data)
}

pub async fn create(store: &Store, auth: &Auth, input: ActivityInput) -> AppResult<Activity> {
    require(auth.user.role.can_write_records())?;
    let mut tx = store.begin().await?;
    let data = validated(&mut tx, auth, &input).await?;
    let id = ActivityId::new();
    let ws = auth.user.workspace_id;
    activities::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record(
        &mut tx,
        auth,
        id,
        Action::Create,
        diff(None, Some(&data), &[]),
    )
    .await?;
    let activity = activities::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(activity)
}

/// Only the author, managers and admins change or remove an activity.
fn may_change(auth: &Auth, a: &Activity) -> AppResult<()> {
    let own = a.created_by == Some(auth.user.id);
    require(auth.user.role.can_write_records() && (own || auth.user.role.can_delete_records()))
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: ActivityId,
    version: i64,
    input: ActivityInput,
) -> AppResult<Activity> {
    let ws = auth.user.workspace_id;
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    let before = activities::get(&mut tx.conn(), ws, id).await?;
    if before.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    may_change(auth, &before)?;
    if before.version != version {
        return Err(AppError::Conflict {
            current_version: before.version,
        });
    }
    let data = validated(&mut tx, auth, &input).await?;
    activities::update(&mut tx.conn(), ws, id, version, &data).await?;
    let changes = diff(Some(&before.data), Some(&data), &[]);
    if changes.as_object().is_some_and(|m| !m.is_empty()) {
        record(&mut tx, auth, id, Action::Update, changes).await?;
    }
    let activity = activities::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(activity)
}

pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: ActivityId,
    patch: Map<String, Value>,
) -> AppResult<Activity> {
    let current = get(store, auth, id).await?;
    if current.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let (version, input) = super::merge_patch(&current.data.to_input(), patch)?;
    update(store, auth, id, version, input).await
}

pub async fn set_deleted(
    store: &Store,
    auth: &Auth,
    id: ActivityId,
    deleted: bool,
) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    let current = activities::get(&mut tx.conn(), ws, id).await?;
    may_change(auth, &current)?;
    activities::set_deleted(&mut tx.conn(), ws, id, deleted).await?;
    let action = if deleted {
        Action::Delete
    } else {
        Action::Restore
    };
    record(&mut tx, auth, id, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

async fn record(
    tx: &mut Tx,
    auth: &Auth,
    id: ActivityId,
    action: Action,
    diff: Value,
) -> AppResult<()> {
    super::record_change(tx, auth, "activity", "activities", id.0, action, diff).await
}
