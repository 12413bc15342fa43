//! Accounts: list, read, create, change, trash and restore; audited and announced.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record::{self, Record},
    require,
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

mod page;
pub use page::*;

pub const MAX_LIMIT: u64 = 200;

#[derive(Clone)]
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
    record::update::<Accounts>(store, auth, id, version, input).await
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: AccountId,
    patch: Map<String, Value>,
) -> AppResult<Account> {
    record::patch::<Accounts>(store, auth, id, patch).await
}

/// Accounts as editable records.
pub(crate) struct Accounts;

impl Record for Accounts {
    type Id = AccountId;
    type Row = Account;
    type Input = AccountInput;
    const ENTITY: &'static str = "account";
    const TOPIC: &'static str = "accounts";

    async fn load(tx: &mut Tx, auth: &Auth, id: AccountId) -> AppResult<Account> {
        let account = accounts::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
        let seen = super::seen_on(&mut tx.conn(), auth).await?;
        if !seen.sees(&[account.data.owner_id]) {
            return Err(AppError::NotFound);
        }
        Ok(account)
    }

    async fn mark_deleted(tx: &mut Tx, auth: &Auth, id: AccountId, deleted: bool) -> AppResult<()> {
        let ws = auth.user.workspace_id;
        Ok(accounts::set_deleted(&mut tx.conn(), ws, id, deleted).await?)
    }

    fn input(row: &Account) -> AccountInput {
        row.data.to_input()
    }

    async fn save(
        tx: &mut Tx,
        auth: &Auth,
        before: Account,
        input: AccountInput,
    ) -> AppResult<Account> {
        require(auth.user.role.can_write_records())?;
        let (ws, id) = (auth.user.workspace_id, before.id);
        let data = validated(tx, auth, &input).await?;
        accounts::update(&mut tx.conn(), ws, id, before.version, &before.data, &data).await?;
        record::record_update::<Accounts, _>(tx, auth, id, &before.data, &data).await?;
        Ok(accounts::get(&mut tx.conn(), ws, id).await?)
    }
}

pub async fn delete(store: &Store, auth: &Auth, id: AccountId) -> AppResult<()> {
    record::set_deleted::<Accounts>(store, auth, id, true).await
}

pub async fn restore(store: &Store, auth: &Auth, id: AccountId) -> AppResult<()> {
    record::set_deleted::<Accounts>(store, auth, id, false).await
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

/// Applies `change` to every listed account, in one transaction: when one is refused
/// (not visible, in the trash, invalid afterwards, an unknown owner) none is changed.
pub async fn bulk(
    store: &Store,
    auth: &Auth,
    ids: &[AccountId],
    change: &Bulk,
) -> AppResult<usize> {
    require(auth.user.role.can_write_records())?;
    record::bulk::<Accounts>(store, auth, ids, |input| match change {
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
    })
    .await
}
