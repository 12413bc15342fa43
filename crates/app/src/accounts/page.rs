//! The account page's read-model: the account and everything around it that the
//! caller sees, loaded after one visibility check.

use super::*;
use tandem_store::{
    activities::{self, Activity},
    contacts::Contact,
    custom_fields::{self as fields, Field},
    deals::Deal,
    users::User,
};

/// How many of the account's contacts, deals and activities the page shows.
pub const PAGE_CONTACTS: u64 = 200;
pub const PAGE_DEALS: u64 = 50;
pub const PAGE_ACTIVITIES: u64 = 20;

pub struct AccountPage {
    pub account: Account,
    /// The account's audit trail, newest first.
    pub history: Vec<AuditEntry>,
    pub users: Vec<User>,
    /// The workspace's custom fields of accounts.
    pub custom_fields: Vec<Field>,
    /// The account's contacts the caller sees, by name.
    pub contacts: Vec<Contact>,
    /// After how many days the workspace counts contact data as stale.
    pub stale_days: i64,
    /// The account's deals the caller sees, the latest changed first.
    pub deals: Vec<Deal>,
    /// The account's latest activities the caller sees.
    pub activities: Vec<Activity>,
    /// The account this one was merged into, with its name, if the caller sees it.
    pub merged_into: Option<(AccountId, String)>,
}

pub async fn page(store: &Store, auth: &Auth, id: AccountId) -> AppResult<AccountPage> {
    let account = get(store, auth, id).await?;
    let seen = crate::seen(store, auth).await?;
    let merged_into = match account.merged_into {
        Some(target) => get(store, auth, target)
            .await
            .ok()
            .map(|t| (target, t.data.name)),
        None => None,
    };
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let history = audit::for_entity(&mut c.conn(), ws, "account", id.0, 200).await?;
    let users = users::list(&mut c.conn(), ws).await?;
    let custom_fields = fields::list(
        &mut c.conn(),
        ws,
        Some(tandem_domain::custom::Entity::Account),
    )
    .await?;
    let contact_filter = tandem_store::contacts::Filter {
        account_id: Some(id),
        seen: seen.clone(),
        ..Default::default()
    };
    let contacts = tandem_store::contacts::list(
        &mut c.conn(),
        ws,
        &contact_filter,
        Sort::NameAsc,
        PAGE_CONTACTS,
        None,
    )
    .await?
    .items;
    let stale_days = tandem_store::workspaces::get(&mut c.conn(), ws)
        .await?
        .contact_stale_days;
    let deal_filter = tandem_store::deals::Filter {
        account_id: Some(id),
        seen: seen.clone(),
        ..Default::default()
    };
    let deals = tandem_store::deals::list(
        &mut c.conn(),
        ws,
        &deal_filter,
        Sort::UpdatedDesc,
        PAGE_DEALS,
        None,
    )
    .await?
    .items;
    let activity_filter = activities::Filter {
        account_id: Some(id),
        seen,
        ..Default::default()
    };
    let activities = activities::list(&mut c.conn(), ws, &activity_filter, PAGE_ACTIVITIES, None)
        .await?
        .items;
    Ok(AccountPage {
        account,
        history,
        users,
        custom_fields,
        contacts,
        stale_days,
        deals,
        activities,
        merged_into,
    })
}
