//! `/api/v1/requests`, `/api/v1/request-types`, `/api/v1/request-figures`,
//! `/api/v1/notifications`, `/api/v1/notification-preferences`, `/api/v1/mail-settings`

use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::{notify, requests as svc};
use tandem_domain::{
    AccountId, DealId, FieldError, Instant, Invalid, NotificationId, RequestTypeId,
    notify::{Kind, MailSettingsInput, Pref},
    request::{RequestChange, RequestInput, RequestTypeInput},
};
use tandem_store::requests::{StoredRequest, StoredType, TimelineEntry};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

mod figures;
mod mail;
mod notifications;
mod types;

pub use figures::*;
pub use mail::*;
pub use notifications::*;
pub use types::*;

// ----- requests -----

/// A request between field and inside sales: who asked, who has it, and its clock.
#[derive(Serialize, ToSchema)]
pub struct RequestOut {
    pub id: uuid::Uuid,
    pub type_id: uuid::Uuid,
    pub type_name: String,
    pub requester_id: uuid::Uuid,
    pub requester_name: String,
    /// Empty while the request waits in the team queue.
    pub assignee_id: Option<uuid::Uuid>,
    pub assignee_name: Option<String>,
    pub queue_team_id: Option<uuid::Uuid>,
    pub account_id: Option<uuid::Uuid>,
    pub account_name: Option<String>,
    pub deal_id: Option<uuid::Uuid>,
    pub deal_title: Option<String>,
    pub description: String,
    /// `open`, `in_progress`, `waiting` (for the requester; the clock pauses), `done`,
    /// `cancelled`.
    pub status: String,
    pub sla_minutes: i64,
    pub started_at: String,
    /// Empty while the clock pauses.
    pub due_at: Option<String>,
    /// Business minutes left (negative: overdue) while the clock pauses.
    pub paused_minutes_left: Option<i64>,
    pub overdue: bool,
    pub reminded: bool,
    /// Escalation steps taken.
    pub escalated: i64,
    pub reassignments: i64,
    pub closed_at: Option<String>,
    /// For done requests: whether they were done within the SLA.
    pub in_time: Option<bool>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl RequestOut {
    fn new(r: StoredRequest, now: Instant) -> Self {
        RequestOut {
            id: r.id.0,
            type_id: r.type_id.0,
            type_name: r.type_name,
            requester_id: r.requester_id.0,
            requester_name: r.requester_name,
            assignee_id: r.assignee_id.map(|u| u.0),
            assignee_name: r.assignee_name,
            queue_team_id: r.queue_team_id.map(|t| t.0),
            account_id: r.account_id.map(|a| a.0),
            account_name: r.account_name,
            deal_id: r.deal_id.map(|d| d.0),
            deal_title: r.deal_title,
            description: r.description,
            overdue: r.status.overdue(r.due_at, now),
            status: r.status.as_str().into(),
            sla_minutes: r.sla_minutes,
            started_at: r.started_at.to_rfc3339(),
            due_at: r.due_at.map(Instant::to_rfc3339),
            paused_minutes_left: r.paused_left_ms.map(|ms| ms / 60_000),
            reminded: r.reminded,
            escalated: r.escalated,
            reassignments: r.reassignments,
            closed_at: r.closed_at.map(Instant::to_rfc3339),
            in_time: r.in_time,
            version: r.version,
            created_at: r.created_at.to_rfc3339(),
            updated_at: r.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub items: Vec<RequestOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `mine` (default: requested by or assigned to me), `requested`, `assigned`,
    /// `queue` (unassigned, my team's), `all`
    view: Option<String>,
    /// `open` (default: open, in progress, waiting) or `all`
    status: Option<String>,
    /// `true`: only requests past their due time
    overdue: Option<String>,
    deal_id: Option<String>,
    account_id: Option<String>,
    type_id: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// Requests by due time (paused ones last).
#[utoipa::path(get, path = "/requests", tag = "requests", params(ListParams),
    responses((status = 200, body = RequestList), (status = 422, body = Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<RequestList>> {
    use crate::api::list;
    let mut errors = vec![];
    let view = match p.view.as_deref() {
        None | Some("") => svc::View::Mine,
        Some(v) => svc::View::parse(v).unwrap_or_else(|| {
            errors.push(FieldError::new("view", "invalid_choice"));
            svc::View::Mine
        }),
    };
    let open_only = match p.status.as_deref() {
        None | Some("") | Some("open") => true,
        Some("all") => false,
        Some(_) => {
            errors.push(FieldError::new("status", "invalid_choice"));
            true
        }
    };
    let overdue = list::flag("overdue", p.overdue.as_deref(), &mut errors);
    let deal = list::id::<DealId>("deal_id", p.deal_id.as_deref(), &mut errors);
    let account = list::id::<AccountId>("account_id", p.account_id.as_deref(), &mut errors);
    let type_id = list::id::<RequestTypeId>("type_id", p.type_id.as_deref(), &mut errors);
    let limit = list::limit(p.limit.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let cursor = tandem_app::checked_cursor(limit, p.cursor.as_deref(), "due")?;
    let q = svc::ListQuery {
        view,
        open_only,
        overdue,
        deal,
        account,
        type_id,
        cursor,
        limit,
    };
    let page = svc::list(&state.store, &auth, &q).await?;
    let now = state.store.now();
    Ok(Json(RequestList {
        items: page
            .items
            .into_iter()
            .map(|r| RequestOut::new(r, now))
            .collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Ask for something: the request goes to the requester's tandem partner, their
/// deputy if the partner is away, or the inside team's queue.
#[utoipa::path(post, path = "/requests", tag = "requests", request_body = tandem_domain::request::RequestInput,
    responses((status = 201, body = RequestOut, headers(("Location" = String))),
        (status = 422, body = Problem)))]
async fn create_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<RequestInput>,
) -> AppResult<Response> {
    let now = state.store.now();
    let r = svc::create(&state.store, &auth, &input, now).await?;
    Ok(created(
        &format!("/api/v1/requests/{}", r.id),
        RequestOut::new(r, now),
    ))
}

/// One request.
#[utoipa::path(get, path = "/requests/{id}", tag = "requests", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = RequestOut), (status = 404, body = Problem)))]
async fn get_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
) -> AppResult<Json<RequestOut>> {
    let r = svc::get(&state.store, &auth, id).await?;
    Ok(Json(RequestOut::new(r, state.store.now())))
}

/// Change a request: its status (`in_progress`, `waiting`, `done`, `cancelled`, back
/// to `open`), its assignee, or its description; `version` is required.
#[utoipa::path(patch, path = "/requests/{id}", tag = "requests", params(("id" = uuid::Uuid, Path)),
    request_body = RequestChange,
    responses((status = 200, body = RequestOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    ApiJson(change): ApiJson<RequestChange>,
) -> AppResult<Json<RequestOut>> {
    let now = state.store.now();
    let r = svc::change(&state.store, &auth, id, change, now).await?;
    Ok(Json(RequestOut::new(r, now)))
}

/// Take an unassigned request from the queue. Of several people claiming at once
/// exactly one wins; the others get 409.
#[utoipa::path(post, path = "/requests/{id}/claim", tag = "requests",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = RequestOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn claim_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
) -> AppResult<Json<RequestOut>> {
    let now = state.store.now();
    let r = svc::claim(&state.store, &auth, id, now).await?;
    Ok(Json(RequestOut::new(r, now)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentWrite {
    pub text: String,
}

/// Comment on a request. The requester's comment on a request that waits for them
/// restarts its clock.
#[utoipa::path(post, path = "/requests/{id}/comments", tag = "requests",
    params(("id" = uuid::Uuid, Path)), request_body = CommentWrite,
    responses((status = 201, body = RequestOut), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn comment_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    ApiJson(body): ApiJson<CommentWrite>,
) -> AppResult<Response> {
    let now = state.store.now();
    let r = svc::comment(&state.store, &auth, id, &body.text, now).await?;
    Ok(created(
        &format!("/api/v1/requests/{}/timeline", r.id),
        RequestOut::new(r, now),
    ))
}

/// One entry of a request's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineOut {
    pub at: String,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_name: Option<String>,
    /// `created`, `status`, `claimed`, `reassigned`, `comment`, `description`,
    /// `reminded`, `escalated`
    pub kind: String,
    #[schema(value_type = Object)]
    pub data: Value,
}

impl From<TimelineEntry> for TimelineOut {
    fn from(e: TimelineEntry) -> Self {
        let (kind, data) = e.event.parts();
        TimelineOut {
            at: e.at.to_rfc3339(),
            actor_id: e.actor_id.map(|u| u.0),
            actor_name: e.actor_name,
            kind,
            data,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimelineList {
    pub items: Vec<TimelineOut>,
}

/// Every change of a request and every comment, oldest first.
#[utoipa::path(get, path = "/requests/{id}/timeline", tag = "requests",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = TimelineList), (status = 404, body = Problem)))]
async fn request_timeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
) -> AppResult<Json<TimelineList>> {
    let items = svc::timeline(&state.store, &auth, id).await?;
    Ok(Json(TimelineList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

// ----- routes -----

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_types, create_type))
        .routes(routes!(patch_type, delete_type))
        .routes(routes!(list_requests, create_request))
        .routes(routes!(get_request, patch_request))
        .routes(routes!(claim_request))
        .routes(routes!(comment_request))
        .routes(routes!(request_timeline))
        .routes(routes!(request_figures))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(read_all_notifications))
        .routes(routes!(get_prefs, put_prefs))
        .routes(routes!(get_mail, put_mail))
        .routes(routes!(test_mail))
}
