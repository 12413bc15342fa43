//! `/api/v1/activities`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::{accounts::AuditOut, json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::activities as svc;
use tandem_domain::{AccountId, ActivityId, ContactId, Invalid, UserId, activity::ActivityInput};
use tandem_store::activities::{Activity, Filter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A call, meeting, visit, email or note.
#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: uuid::Uuid,
    /// call, meeting, visit, email or note
    pub kind: String,
    pub subject: String,
    pub occurred_at: String,
    pub duration_minutes: Option<i64>,
    pub summary: Option<String>,
    pub outcome: Option<String>,
    pub next_step: Option<String>,
    /// A conversation that matters for the deal or the relationship.
    pub key_conversation: bool,
    pub account_id: Option<uuid::Uuid>,
    pub account_name: Option<String>,
    pub contact_id: Option<uuid::Uuid>,
    pub contact_name: Option<String>,
    /// The deal the activity is about.
    pub deal_id: Option<uuid::Uuid>,
    pub created_by: Option<uuid::Uuid>,
    pub created_by_name: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        let d = a.data;
        ActivityOut {
            id: a.id.0,
            kind: d.kind.as_str().into(),
            subject: d.subject,
            occurred_at: d.occurred_at.to_rfc3339(),
            duration_minutes: d.duration_minutes,
            summary: d.summary,
            outcome: d.outcome,
            next_step: d.next_step,
            key_conversation: d.key_conversation,
            account_id: d.account_id.map(|x| x.0),
            account_name: a.account_name,
            contact_id: d.contact_id.map(|x| x.0),
            contact_name: a.contact_name,
            deal_id: d.deal_id.map(|x| x.0),
            created_by: a.created_by.map(|x| x.0),
            created_by_name: a.created_by_name,
            version: a.version,
            created_at: a.created_at.to_rfc3339(),
            updated_at: a.updated_at.to_rfc3339(),
            deleted_at: a.deleted_at.map(|x| x.to_rfc3339()),
        }
    }
}

patch_body!(ActivityPatch, tandem_domain::activity::ActivityInput);

#[derive(Serialize, ToSchema)]
pub struct ActivityList {
    pub items: Vec<ActivityOut>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50; newest first
    limit: Option<String>,
    cursor: Option<String>,
    account_id: Option<String>,
    contact_id: Option<String>,
    deal_id: Option<String>,
    /// the author
    created_by: Option<String>,
    /// true: only key conversations
    key_conversation: Option<String>,
    /// true lists the trash
    deleted: Option<String>,
}

/// The activity timeline, newest first.
#[utoipa::path(get, path = "/activities", tag = "activities", params(ListParams),
    responses((status = 200, body = ActivityList), (status = 422, body = Problem)))]
async fn list_activities(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<ActivityList>> {
    let mut errors = vec![];
    let filter = Filter {
        account_id: crate::api::list::id::<AccountId>(
            "account_id",
            p.account_id.as_deref(),
            &mut errors,
        ),
        contact_id: crate::api::list::id::<ContactId>(
            "contact_id",
            p.contact_id.as_deref(),
            &mut errors,
        ),
        deal_id: crate::api::list::id("deal_id", p.deal_id.as_deref(), &mut errors),
        created_by: crate::api::list::id::<UserId>(
            "created_by",
            p.created_by.as_deref(),
            &mut errors,
        ),
        key_conversations: crate::api::list::flag(
            "key_conversation",
            p.key_conversation.as_deref(),
            &mut errors,
        ),
        deleted: crate::api::list::flag("deleted", p.deleted.as_deref(), &mut errors),
        ..Default::default()
    };
    let limit = crate::api::list::limit(p.limit.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let page = svc::list(&state.store, &auth, &filter, limit, p.cursor.as_deref()).await?;
    Ok(Json(ActivityList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Log an activity.
#[utoipa::path(post, path = "/activities", tag = "activities", request_body = tandem_domain::activity::ActivityInput,
    responses((status = 201, body = ActivityOut, headers(("Location" = String))),
              (status = 400, body = Problem), (status = 422, body = Problem)))]
async fn create_activity(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<ActivityInput>,
) -> AppResult<Response> {
    let a = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/activities/{}", a.id);
    Ok(created(&location, ActivityOut::from(a)))
}

/// One activity.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ActivityOut), (status = 404, body = Problem)))]
async fn get_activity(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Json<ActivityOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// Change some fields; `version` must be the one last read. Authors, managers and admins.
#[utoipa::path(patch, path = "/activities/{id}", tag = "activities",
    params(("id" = uuid::Uuid, Path)), request_body = ActivityPatch,
    responses((status = 200, body = ActivityOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_activity(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<ActivityOut>> {
    Ok(Json(
        svc::patch(&state.store, &auth, id, patch).await?.into(),
    ))
}

/// Move an activity to the trash.
#[utoipa::path(delete, path = "/activities/{id}", tag = "activities",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_activity(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<StatusCode> {
    svc::set_deleted(&state.store, &auth, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take an activity back out of the trash.
#[utoipa::path(post, path = "/activities/{id}/restore", tag = "activities",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ActivityOut), (status = 404, body = Problem)))]
async fn restore_activity(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Json<ActivityOut>> {
    svc::set_deleted(&state.store, &auth, id, false).await?;
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// The audit log of an activity, newest first.
#[utoipa::path(get, path = "/activities/{id}/history", tag = "activities",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 404, body = Problem)))]
async fn activity_history(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let entries = svc::history(&state.store, &auth, id).await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(get_activity, patch_activity, delete_activity))
        .routes(routes!(restore_activity))
        .routes(routes!(activity_history))
}
