//! The deal page's read-model: everything the page shows about one deal, loaded on one
//! read connection after one visibility check (the page used to reload the deal and
//! check it again for each part).

use super::*;
use tandem_store::{
    activities::{self, Activity},
    contacts::{self, Contact},
    custom_fields::{self as fields, Field},
    users::User,
};

/// How many of the deal's activities the page shows.
pub const PAGE_ACTIVITIES: u64 = 20;
/// How many of the account's contacts the page offers to add.
pub const PAGE_CONTACT_CHOICES: u64 = 200;

pub struct DealPage {
    pub deal: Deal,
    /// The deal's audit trail, newest first.
    pub history: Vec<AuditEntry>,
    pub visits: Vec<StageVisit>,
    pub slips: Vec<Slip>,
    pub users: Vec<User>,
    pub pipelines: Vec<Pipeline>,
    /// The workspace's custom fields of deals.
    pub custom_fields: Vec<Field>,
    /// The contacts of the deal's account the caller sees (to add to the deal).
    pub account_contacts: Vec<Contact>,
    /// The deal's latest activities the caller sees.
    pub activities: Vec<Activity>,
}

pub async fn page(store: &Store, auth: &Auth, id: DealId) -> AppResult<DealPage> {
    let deal = get(store, auth, id).await?;
    let seen = crate::seen(store, auth).await?;
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let history = audit::for_entity(&mut c.conn(), ws, "deal", id.0, 200).await?;
    let visits = deals::stage_history(&mut c.conn(), ws, id).await?;
    let slips = deals::slips(&mut c.conn(), ws, id).await?;
    let users = users::list(&mut c.conn(), ws).await?;
    let pipelines = pipelines::list(&mut c.conn(), ws).await?;
    let custom_fields =
        fields::list(&mut c.conn(), ws, Some(tandem_domain::custom::Entity::Deal)).await?;
    let account_contacts = contacts::list(
        &mut c.conn(),
        ws,
        &contacts::Filter {
            account_id: Some(deal.data.account_id),
            seen: seen.clone(),
            ..Default::default()
        },
        Sort::NameAsc,
        PAGE_CONTACT_CHOICES,
        None,
    )
    .await?
    .items;
    let activities = activities::list(
        &mut c.conn(),
        ws,
        &activities::Filter {
            deal_id: Some(id),
            seen,
            ..Default::default()
        },
        PAGE_ACTIVITIES,
        None,
    )
    .await?
    .items;
    Ok(DealPage {
        deal,
        history,
        visits,
        slips,
        users,
        pipelines,
        custom_fields,
        account_contacts,
        activities,
    })
}
