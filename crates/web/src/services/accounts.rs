//! Accounts: list, read, create, change, trash and restore; audited and announced.

use crate::{
    auth::Auth,
    error::{AppError, AppResult},
    services::require,
};
use serde_json::{Map, Value};
use tandem_domain::{
    AccountId, Invalid,
    account::{AccountData, AccountInput},
    audit::diff,
};
use tandem_store::{
    Store, Tx,
    accounts::{self, Account, Filter, Page, Sort},
    audit::{self, Action, AuditEntry},
    users,
};

pub const MAX_LIMIT: u64 = 200;

pub struct ListQuery {
    pub filter: Filter,
    pub sort: Sort,
    pub limit: u64,
    pub cursor: Option<String>,
}

pub async fn list(store: &Store, auth: &Auth, q: &ListQuery) -> AppResult<Page> {
    let cursor = super::checked_cursor(q.limit, q.cursor.as_deref(), q.sort.as_str())?;
    let mut filter = q.filter.clone();
    filter.seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(accounts::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &filter,
        q.sort,
        q.limit,
        cursor.as_ref(),
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: AccountId) -> AppResult<Account> {
    let account = {
        let mut c = store.read().await?;
        accounts::get(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    super::ensure_sees(store, auth, &[account.data.owner_id]).await?;
    Ok(account)
}

pub async fn history(store: &Store, auth: &Auth, id: AccountId) -> AppResult<Vec<AuditEntry>> {
    // Existence check first: another workspace's or an invisible id is a plain 404.
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(audit::for_entity(&mut c.conn(), auth.user.workspace_id, "account", id.0, 200).await?)
}

/// Validates the input, including that the owner is a user of this workspace.
async fn validated(tx: &mut Tx, auth: &Auth, input: &AccountInput) -> AppResult<AccountData> {
    let mut errors = match input.validate() {
        Ok(_) => vec![],
        Err(Invalid(e)) => e,
    };
    if let Some(owner) = input.owner_id
        && users::get(&mut tx.conn(), auth.user.workspace_id, owner)
            .await
            .is_err()
    {
        errors.push(tandem_domain::FieldError::new("owner_id", "unknown_user"));
    }
    let mut custom = input.custom.clone();
    let entity = tandem_domain::custom::Entity::Account;
    super::custom_fields::check(&mut tx.conn(), auth, entity, &mut custom, &mut errors).await?;
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut data = input.validate()?;
    data.custom = custom;
    Ok(data)
}

pub async fn create(store: &Store, auth: &Auth, input: AccountInput) -> AppResult<Account> {
    let mut tx = store.begin().await?;
    let account = create_in(&mut tx, auth, input).await?;
    tx.commit().await?;
    Ok(account)
}

/// Creates an account in the caller's transaction (a lead's conversion).
pub(crate) async fn create_in(
    tx: &mut Tx,
    auth: &Auth,
    mut input: AccountInput,
) -> AppResult<Account> {
    require(auth.user.role.can_write_records())?;
    if input.owner_id.is_none() {
        input.owner_id = Some(auth.user.id);
    }
    let data = validated(tx, auth, &input).await?;
    let id = AccountId::new();
    let ws = auth.user.workspace_id;
    accounts::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record(tx, auth, id, Action::Create, diff(None, Some(&data), &[])).await?;
    let account = accounts::get(&mut tx.conn(), ws, id).await?;
    Ok(account)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: AccountId,
    version: i64,
    input: AccountInput,
) -> AppResult<Account> {
    require(auth.user.role.can_write_records())?;
    let ws = auth.user.workspace_id;
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    let before = accounts::get(&mut tx.conn(), ws, id).await?;
    if before.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if before.version != version {
        return Err(AppError::Conflict {
            current_version: before.version,
        });
    }
    let data = validated(&mut tx, auth, &input).await?;
    accounts::update(&mut tx.conn(), ws, id, version, &before.data, &data).await?;
    let changes = diff(Some(&before.data), Some(&data), &[]);
    if changes.as_object().is_some_and(|m| !m.is_empty()) {
        record(&mut tx, auth, id, Action::Update, changes).await?;
    }
    let account = accounts::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(account)
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: AccountId,
    patch: Map<String, Value>,
) -> AppResult<Account> {
    let current = get(store, auth, id).await?;
    if current.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let (version, input) = super::merge_patch(&current.data.to_input(), patch)?;
    update(store, auth, id, version, input).await
}

pub async fn delete(store: &Store, auth: &Auth, id: AccountId) -> AppResult<()> {
    set_deleted(store, auth, id, true).await
}

pub async fn restore(store: &Store, auth: &Auth, id: AccountId) -> AppResult<()> {
    set_deleted(store, auth, id, false).await
}

async fn set_deleted(store: &Store, auth: &Auth, id: AccountId, deleted: bool) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    // 404 before 403: never reveal whether another workspace's record exists.
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    require(auth.user.role.can_delete_records())?;
    accounts::set_deleted(&mut tx.conn(), ws, id, deleted).await?;
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
    id: AccountId,
    action: Action,
    diff: Value,
) -> AppResult<()> {
    super::record_change(tx, auth, "account", "accounts", id.0, action, diff).await
}

/// A change to many accounts at once (the list's bulk actions).
pub enum Bulk {
    Owner(tandem_domain::UserId),
    AddTag(String),
}

/// Applies `change` to every listed account. All are checked first — visible, alive,
/// valid afterwards — so a refusal changes none; then each is saved and audited (an
/// unknown owner is refused by the first save).
pub async fn bulk(
    store: &Store,
    auth: &Auth,
    ids: &[AccountId],
    change: &Bulk,
) -> AppResult<usize> {
    require(auth.user.role.can_write_records())?;
    if ids.is_empty() {
        return Err(Invalid::one("ids", "required").into());
    }
    let mut planned = Vec::with_capacity(ids.len());
    for &id in ids {
        let current = get(store, auth, id).await?;
        if current.deleted_at.is_some() {
            return Err(AppError::NotFound);
        }
        let mut input = current.data.to_input();
        match change {
            Bulk::Owner(owner) => input.owner_id = Some(*owner),
            Bulk::AddTag(tag) => {
                if !input
                    .tags
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(tag.trim()))
                {
                    input.tags.push(tag.trim().to_string());
                }
            }
        }
        input.validate()?;
        planned.push((id, current.version, input));
    }
    let n = planned.len();
    for (id, version, input) in planned {
        update(store, auth, id, version, input).await?;
    }
    Ok(n)
}
