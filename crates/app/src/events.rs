//! Which live events a user may receive: only those about records they may see. An
//! event names its topic and record; the record is looked up through the same service
//! read that the record's page uses, so the rules cannot drift.

use crate::actor::Auth;
use tandem_domain::{
    AccountId, ActivityId, ContactId, DealId, InterventionId, LeadId, QuoteId, RequestId, TaskId,
};
use tandem_store::{Event, Store};

/// Whether `auth` may hear of `event`. Events of workspace-wide things (products,
/// pipelines, settings …) reach everybody in the workspace; a record that is gone
/// (deleted for good) is nobody's business any more.
pub async fn may_see(store: &Store, auth: &Auth, event: &Event) -> bool {
    if event.workspace_id != auth.user.workspace_id {
        return false;
    }
    let Some(id) = event.id else {
        return true;
    };
    let me = auth.user.id.0;
    match event.topic.as_str() {
        "notifications" => id == me,
        super::auth::SESSIONS_TOPIC => false,
        "accounts" => super::accounts::get(store, auth, AccountId(id))
            .await
            .is_ok(),
        "contacts" => super::contacts::get(store, auth, ContactId(id))
            .await
            .is_ok(),
        "deals" => super::deals::get(store, auth, DealId(id)).await.is_ok(),
        "activities" => super::activities::get(store, auth, ActivityId(id))
            .await
            .is_ok(),
        "tasks" => super::tasks::get(store, auth, TaskId(id)).await.is_ok(),
        "leads" => super::leads::get(store, auth, LeadId(id)).await.is_ok(),
        "requests" => super::requests::get(store, auth, RequestId(id))
            .await
            .is_ok(),
        "quotes" => super::quotes::get(store, auth, QuoteId(id)).await.is_ok(),
        "interventions" => super::interventions::case(store, auth, InterventionId(id))
            .await
            .is_ok(),
        "imports" => super::imports::get(store, auth, tandem_domain::ImportId(id))
            .await
            .is_ok(),
        _ => true,
    }
}

/// Whether the session (or token) behind a live stream may go on: the user is active
/// and, for a browser, the session still exists.
pub async fn still_signed_in(store: &Store, auth: &Auth, now: tandem_domain::Instant) -> bool {
    let Ok(mut c) = store.read().await else {
        return true;
    };
    let user = tandem_store::users::get(&mut c.conn(), auth.user.workspace_id, auth.user.id).await;
    if !user.is_ok_and(|u| u.active) {
        return false;
    }
    match &auth.session {
        Some(s) => tandem_store::sessions::get(&mut c.conn(), &s.token_hash, now)
            .await
            .is_ok_and(|s| s.is_some()),
        None => true,
    }
}
