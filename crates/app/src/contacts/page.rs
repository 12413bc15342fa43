//! The contact page's read-model: the contact and what surrounds it that the caller
//! sees, loaded after one visibility check.

use super::*;
use tandem_store::{
    activities::{self, Activity},
    custom_fields::{self as fields, Field},
};

/// How many of the contact's activities the page shows.
pub const PAGE_ACTIVITIES: u64 = 20;

pub struct ContactPage {
    pub contact: Contact,
    /// The contact's audit trail, newest first.
    pub history: Vec<AuditEntry>,
    /// After how many days the workspace counts contact data as stale.
    pub stale_days: i64,
    /// The workspace's custom fields of contacts.
    pub custom_fields: Vec<Field>,
    /// The contact's latest activities the caller sees.
    pub activities: Vec<Activity>,
    /// The contact this one was merged into, with its name, if the caller sees it.
    pub merged_into: Option<(ContactId, String)>,
}

pub async fn page(store: &Store, auth: &Auth, id: ContactId) -> AppResult<ContactPage> {
    let contact = get(store, auth, id).await?;
    let seen = crate::seen(store, auth).await?;
    let merged_into = match contact.merged_into {
        Some(target) => get(store, auth, target)
            .await
            .ok()
            .map(|t| (target, t.data.display_name())),
        None => None,
    };
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let history = audit::for_entity(&mut c.conn(), ws, "contact", id.0, 200).await?;
    let stale_days = workspaces::get(&mut c.conn(), ws).await?.contact_stale_days;
    let custom_fields = fields::list(
        &mut c.conn(),
        ws,
        Some(tandem_domain::custom::Entity::Contact),
    )
    .await?;
    let filter = activities::Filter {
        contact_id: Some(id),
        seen,
        ..Default::default()
    };
    let activities = activities::list(&mut c.conn(), ws, &filter, PAGE_ACTIVITIES, None)
        .await?
        .items;
    Ok(ContactPage {
        contact,
        history,
        stale_days,
        custom_fields,
        activities,
        merged_into,
    })
}
