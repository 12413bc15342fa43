//! Activities: the light log of calls, meetings, visits, emails and notes.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record::{self, Record},
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
    record::update::<Activities>(store, auth, id, version, input).await
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: ActivityId,
    patch: Map<String, Value>,
) -> AppResult<Activity> {
    record::patch::<Activities>(store, auth, id, patch).await
}

/// Moves the record to the trash (`deleted`) or back.
pub async fn set_deleted(
    store: &Store,
    auth: &Auth,
    id: ActivityId,
    deleted: bool,
) -> AppResult<()> {
    record::set_deleted::<Activities>(store, auth, id, deleted).await
}

/// Activities as editable records.
pub(crate) struct Activities;

impl Record for Activities {
    type Id = ActivityId;
    type Row = Activity;
    type Input = ActivityInput;
    const ENTITY: &'static str = "activity";
    const TOPIC: &'static str = "activities";

    async fn load(tx: &mut Tx, auth: &Auth, id: ActivityId) -> AppResult<Activity> {
        let row = activities::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
        if !super::sees_account_on(&mut tx.conn(), auth, row.data.account_id).await? {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    fn input(row: &Activity) -> ActivityInput {
        row.data.to_input()
    }

    fn may_trash(auth: &Auth, row: &Activity) -> AppResult<()> {
        may_change(auth, row)
    }

    async fn mark_deleted(
        tx: &mut Tx,
        auth: &Auth,
        id: ActivityId,
        deleted: bool,
    ) -> AppResult<()> {
        let ws = auth.user.workspace_id;
        Ok(activities::set_deleted(&mut tx.conn(), ws, id, deleted).await?)
    }

    async fn save(
        tx: &mut Tx,
        auth: &Auth,
        before: Activity,
        input: ActivityInput,
    ) -> AppResult<Activity> {
        may_change(auth, &before)?;
        let (ws, id) = (auth.user.workspace_id, before.id);
        let data = validated(tx, auth, &input).await?;
        activities::update(&mut tx.conn(), ws, id, before.version, &data).await?;
        record::record_update::<Activities, _>(tx, auth, id, &before.data, &data).await?;
        Ok(activities::get(&mut tx.conn(), ws, id).await?)
    }
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
