//! Contacts: list, read, create, change, trash and restore; audited and announced.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record::{self, Record},
    require,
};
use serde_json::{Map, Value};
use tandem_domain::{
    AccountId, ContactId, FieldError, Invalid,
    audit::diff,
    contact::{ContactData, ContactInput},
};
use tandem_store::{
    Page, Sort, Store, Tx, accounts,
    audit::{self, Action, AuditEntry},
    contacts::{self, Contact, Filter},
    workspaces,
};

mod page;
pub use page::*;

#[derive(Clone)]
pub struct ListQuery {
    pub filter: Filter,
    /// Only contacts whose data is stale by the workspace's rule.
    pub stale: bool,
    pub sort: Sort,
    pub limit: u64,
    pub cursor: Option<String>,
}

/// After how many days the workspace counts contact data as stale.
pub async fn stale_days(store: &Store, auth: &Auth) -> AppResult<i64> {
    let mut c = store.read().await?;
    Ok(workspaces::get(&mut c.conn(), auth.user.workspace_id)
        .await?
        .contact_stale_days)
}

pub async fn list(store: &Store, auth: &Auth, q: &ListQuery) -> AppResult<Page<Contact>> {
    let cursor = super::checked_cursor(q.limit, q.cursor.as_deref(), q.sort.as_str())?;
    let mut filter = q.filter.clone();
    if q.stale {
        let days = stale_days(store, auth).await?;
        filter.stale_before = Some(
            tandem_domain::format::local_date(store.now())
                .saturating_sub(jiff::Span::new().days(days)),
        );
    }
    filter.seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(contacts::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &filter,
        q.sort,
        q.limit,
        cursor.as_ref(),
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: ContactId) -> AppResult<Contact> {
    let contact = {
        let mut c = store.read().await?;
        contacts::get(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    super::ensure_sees_account(store, auth, contact.data.account_id).await?;
    Ok(contact)
}

pub async fn history(store: &Store, auth: &Auth, id: ContactId) -> AppResult<Vec<AuditEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(audit::for_entity(&mut c.conn(), auth.user.workspace_id, "contact", id.0, 200).await?)
}

/// Validates the input, including that the account is a live one of this workspace.
async fn validated(tx: &mut Tx, auth: &Auth, input: &ContactInput) -> AppResult<ContactData> {
    let mut errors = match input.validate(tandem_domain::format::local_date(tx.now())) {
        Ok(_) => vec![],
        Err(Invalid(e)) => e,
    };
    if let Some(account) = input.account_id
        && super::References::of(tx, auth)
            .await?
            .account(tx, account)
            .await?
            .is_none()
    {
        errors.push(FieldError::new("account_id", "unknown_account"));
    }
    let mut custom = input.custom.clone();
    let entity = tandem_domain::custom::Entity::Contact;
    super::custom_fields::check(&mut tx.conn(), auth, entity, &mut custom, &mut errors).await?;
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut data = input.validate(tandem_domain::format::local_date(tx.now()))?;
    data.custom = custom;
    Ok(data)
}

pub async fn create(store: &Store, auth: &Auth, input: ContactInput) -> AppResult<Contact> {
    let mut tx = store.begin().await?;
    let contact = create_in(&mut tx, auth, input).await?;
    tx.commit().await?;
    Ok(contact)
}

/// Creates a contact in the caller's transaction (a lead's conversion).
pub(crate) async fn create_in(tx: &mut Tx, auth: &Auth, input: ContactInput) -> AppResult<Contact> {
    require(auth.user.role.can_write_records())?;
    let data = validated(tx, auth, &input).await?;
    let id = ContactId::new();
    let ws = auth.user.workspace_id;
    contacts::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record(tx, auth, id, Action::Create, diff(None, Some(&data), &[])).await?;
    let contact = contacts::get(&mut tx.conn(), ws, id).await?;
    Ok(contact)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: ContactId,
    version: i64,
    input: ContactInput,
) -> AppResult<Contact> {
    record::update::<Contacts>(store, auth, id, version, input).await
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: ContactId,
    patch: Map<String, Value>,
) -> AppResult<Contact> {
    record::patch::<Contacts>(store, auth, id, patch).await
}

/// Moves the record to the trash (`deleted`) or back.
pub async fn set_deleted(
    store: &Store,
    auth: &Auth,
    id: ContactId,
    deleted: bool,
) -> AppResult<()> {
    record::set_deleted::<Contacts>(store, auth, id, deleted).await
}

/// Contacts as editable records.
pub(crate) struct Contacts;

impl Record for Contacts {
    type Id = ContactId;
    type Row = Contact;
    type Input = ContactInput;
    const ENTITY: &'static str = "contact";
    const TOPIC: &'static str = "contacts";

    async fn load(tx: &mut Tx, auth: &Auth, id: ContactId) -> AppResult<Contact> {
        let row = contacts::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
        if !super::sees_account_on(&mut tx.conn(), auth, row.data.account_id).await? {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    fn input(row: &Contact) -> ContactInput {
        row.data.to_input()
    }

    async fn mark_deleted(tx: &mut Tx, auth: &Auth, id: ContactId, deleted: bool) -> AppResult<()> {
        let ws = auth.user.workspace_id;
        Ok(contacts::set_deleted(&mut tx.conn(), ws, id, deleted).await?)
    }

    async fn save(
        tx: &mut Tx,
        auth: &Auth,
        before: Contact,
        input: ContactInput,
    ) -> AppResult<Contact> {
        require(auth.user.role.can_write_records())?;
        let (ws, id) = (auth.user.workspace_id, before.id);
        let data = validated(tx, auth, &input).await?;
        contacts::update(&mut tx.conn(), ws, id, before.version, &before.data, &data).await?;
        record::record_update::<Contacts, _>(tx, auth, id, &before.data, &data).await?;
        Ok(contacts::get(&mut tx.conn(), ws, id).await?)
    }
}

async fn record(
    tx: &mut Tx,
    auth: &Auth,
    id: ContactId,
    action: Action,
    diff: Value,
) -> AppResult<()> {
    super::record_change(tx, auth, "contact", "contacts", id.0, action, diff).await
}

/// The account a browser form names. The form carries the id of the account it was
/// filled with (`carried`); while the typed name is still that account's name, that is
/// the account, else the typed name is looked up ([`resolve_account`]). No name: none.
pub async fn account_of_form(
    store: &Store,
    auth: &Auth,
    typed: &str,
    carried: &str,
) -> AppResult<Option<AccountId>> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = carried.parse::<AccountId>()
        && let Ok(known) = crate::accounts::get(store, auth, id).await
        && known.data.name == typed
    {
        return Ok(Some(id));
    }
    resolve_account(store, auth, typed).await.map(Some)
}

/// The account a user means by a name typed into a form: an exact name, or else the one
/// account whose name contains all the words.
pub async fn resolve_account(store: &Store, auth: &Auth, name: &str) -> AppResult<AccountId> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let exact =
        accounts::by_name_key(&mut c.conn(), ws, &tandem_domain::text::fold(name), 2).await?;
    let candidates = if exact.is_empty() {
        let filter = accounts::Filter {
            q: Some(name.to_string()),
            ..Default::default()
        };
        accounts::list(&mut c.conn(), ws, &filter, Sort::default(), 2, None)
            .await?
            .items
    } else {
        exact
    };
    match candidates.as_slice() {
        [one] => Ok(one.id),
        [] => Err(Invalid::one("account_id", "unknown_account").into()),
        _ => Err(Invalid::one("account_id", "ambiguous_account").into()),
    }
}

/// Records that the contact's data was checked today.
pub async fn verify_today(store: &Store, auth: &Auth, id: ContactId) -> AppResult<Contact> {
    let current = get(store, auth, id).await?;
    if current.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let mut input = current.data.to_input();
    input.verified_on = Some(tandem_domain::format::local_date(store.now()).to_string());
    update(store, auth, id, current.version, input).await
}
