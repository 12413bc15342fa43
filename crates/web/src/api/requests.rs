//! `/api/v1/requests`, `/api/v1/request-types`, `/api/v1/request-figures`,
//! `/api/v1/notifications`, `/api/v1/notification-preferences`, `/api/v1/mail-settings`

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
    AccountId, DealId, FieldError, Instant, Invalid, NotificationId, RequestId, RequestTypeId,
    UserId,
    notify::{Kind, MailSettingsInput, Pref},
    request::{RequestInput, RequestTypeInput, Status},
};
use tandem_store::requests::{StoredRequest, StoredType, TimelineEntry};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

// ----- request types -----

/// A kind of request with its service level in business hours.
#[derive(Serialize, ToSchema)]
pub struct RequestTypeOut {
    pub id: uuid::Uuid,
    pub name: String,
    pub sla_minutes: i64,
    /// Percent of the SLA at which the assignee is reminded.
    pub reminder_percent: i64,
    /// `team_lead`, `manager`, in order.
    pub escalation: Vec<String>,
    pub version: i64,
}

impl From<StoredType> for RequestTypeOut {
    fn from(t: StoredType) -> Self {
        RequestTypeOut {
            id: t.id.0,
            name: t.data.name,
            sla_minutes: t.data.sla_minutes,
            reminder_percent: t.data.reminder_bp / 100,
            escalation: t
                .data
                .escalation
                .iter()
                .map(|s| s.as_str().into())
                .collect(),
            version: t.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `RequestTypeInput`
pub struct RequestTypeWrite {
    name: String,
    /// Business hours (decimals allowed).
    sla_hours: f64,
    /// 1–99, default 75.
    reminder_percent: Option<i64>,
    escalation: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestTypeList {
    pub items: Vec<RequestTypeOut>,
}

/// The workspace's request types.
#[utoipa::path(get, path = "/request-types", tag = "requests",
    responses((status = 200, body = RequestTypeList)))]
async fn list_types(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<RequestTypeList>> {
    let items = svc::types(&state.store, &auth).await?;
    Ok(Json(RequestTypeList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create a request type (admins).
#[utoipa::path(post, path = "/request-types", tag = "requests", request_body = RequestTypeWrite,
    responses((status = 201, body = RequestTypeOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<RequestTypeInput>,
) -> AppResult<Response> {
    let t = svc::create_type(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/request-types/{}", t.id),
        RequestTypeOut::from(t),
    ))
}

fn parse_id<T: std::str::FromStr>(raw: &str) -> AppResult<T> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// Change a request type (admins); `version` is required. Open requests keep the terms
/// they were made with.
#[utoipa::path(patch, path = "/request-types/{id}", tag = "requests",
    params(("id" = uuid::Uuid, Path)), request_body = RequestTypeWrite,
    responses((status = 200, body = RequestTypeOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<RequestTypeOut>> {
    let id: RequestTypeId = parse_id(&id)?;
    let current = svc::get_type(&state.store, &auth, id).await?;
    let stored = RequestTypeInput {
        name: current.data.name.clone(),
        sla_hours: Some(current.data.sla_minutes as f64 / 60.0),
        reminder_percent: Some(current.data.reminder_bp / 100),
        escalation: current
            .data
            .escalation
            .iter()
            .map(|s| s.as_str().into())
            .collect(),
    };
    let (version, input) = tandem_app::merge_patch(&stored, patch)?;
    Ok(Json(
        svc::update_type(&state.store, &auth, id, version, &input)
            .await?
            .into(),
    ))
}

/// Remove a request type from the choice (admins).
#[utoipa::path(delete, path = "/request-types/{id}", tag = "requests",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    svc::delete_type(&state.store, &auth, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `RequestInput`
pub struct RequestWrite {
    type_id: uuid::Uuid,
    description: String,
    account_id: Option<uuid::Uuid>,
    /// The deal's account is taken when `account_id` is left out.
    deal_id: Option<uuid::Uuid>,
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
#[utoipa::path(post, path = "/requests", tag = "requests", request_body = RequestWrite,
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
    Path(id): Path<String>,
) -> AppResult<Json<RequestOut>> {
    let r = svc::get(&state.store, &auth, parse_id(&id)?).await?;
    Ok(Json(RequestOut::new(r, state.store.now())))
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; the handler reads it field by field
pub struct RequestPatch {
    version: i64,
    /// The requester corrects the description.
    description: Option<String>,
    /// The assignee, a manager or an admin hands it on; `null` puts it back in the queue.
    assignee_id: Option<uuid::Uuid>,
    status: Option<String>,
}

/// Change a request: its status (`in_progress`, `waiting`, `done`, `cancelled`, back
/// to `open`), its assignee, or its description; `version` is required.
#[utoipa::path(patch, path = "/requests/{id}", tag = "requests", params(("id" = uuid::Uuid, Path)),
    request_body = RequestPatch,
    responses((status = 200, body = RequestOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_request(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<RequestOut>> {
    let id: RequestId = parse_id(&id)?;
    let now = state.store.now();
    let mut version = match patch.get("version") {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
        Some(_) => return Err(Invalid::one("version", "invalid_type").into()),
        None => return Err(Invalid::one("version", "required").into()),
    };
    for key in patch.keys() {
        if !["version", "description", "assignee_id", "status"].contains(&key.as_str()) {
            return Err(Invalid::one(key.clone(), "unknown_field").into());
        }
    }
    let status = match patch.get("status") {
        None => None,
        Some(Value::String(s)) => {
            Some(Status::parse(s).ok_or_else(|| Invalid::one("status", "invalid_choice"))?)
        }
        Some(_) => return Err(Invalid::one("status", "invalid_type").into()),
    };
    let assignee = match patch.get("assignee_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(
            s.parse::<UserId>()
                .map_err(|_| Invalid::one("assignee_id", "invalid_id"))?,
        )),
        Some(_) => return Err(Invalid::one("assignee_id", "invalid_type").into()),
    };
    let description = match patch.get("description") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Invalid::one("description", "invalid_type").into()),
    };
    let mut r = svc::get(&state.store, &auth, id).await?;
    if let Some(text) = description {
        r = svc::set_description(&state.store, &auth, id, Some(version), &text, now).await?;
        version = r.version;
    }
    if let Some(to) = assignee {
        r = svc::reassign(&state.store, &auth, id, Some(version), to, now).await?;
        version = r.version;
    }
    if let Some(s) = status {
        r = svc::set_status(&state.store, &auth, id, Some(version), s, now).await?;
    }
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
    Path(id): Path<String>,
) -> AppResult<Json<RequestOut>> {
    let now = state.store.now();
    let r = svc::claim(&state.store, &auth, parse_id(&id)?, now).await?;
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
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CommentWrite>,
) -> AppResult<Response> {
    let now = state.store.now();
    let r = svc::comment(&state.store, &auth, parse_id(&id)?, &body.text, now).await?;
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
        TimelineOut {
            at: e.at.to_rfc3339(),
            actor_id: e.actor_id.map(|u| u.0),
            actor_name: e.actor_name,
            kind: e.kind,
            data: e.data,
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
    Path(id): Path<String>,
) -> AppResult<Json<TimelineList>> {
    let items = svc::timeline(&state.store, &auth, parse_id(&id)?).await?;
    Ok(Json(TimelineList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

// ----- figures -----

#[derive(Serialize, ToSchema)]
#[schema(as = RequestFigure)]
pub struct FigureOut {
    pub name: String,
    pub done: u64,
    pub in_time: u64,
    /// Percent done within the SLA, one decimal; empty without done requests.
    pub hit_rate_percent: Option<f64>,
    /// Business minutes from request to done.
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    pub reassignments: i64,
}

impl From<svc::Figure> for FigureOut {
    fn from(f: svc::Figure) -> Self {
        FigureOut {
            name: f.name,
            done: f.done,
            in_time: f.in_time,
            hit_rate_percent: f.hit_rate_bp.map(|bp| (bp / 10) as f64 / 10.0),
            median_minutes: f.median_minutes,
            p90_minutes: f.p90_minutes,
            reassignments: f.reassignments,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    pub from: String,
    pub to: String,
    pub total: FigureOut,
    pub by_type: Vec<FigureOut>,
    pub by_team: Vec<FigureOut>,
    pub by_tandem: Vec<FigureOut>,
}

impl From<svc::Figures> for FiguresOut {
    fn from(f: svc::Figures) -> Self {
        let all = |v: Vec<svc::Figure>| v.into_iter().map(Into::into).collect();
        FiguresOut {
            from: f.from.to_string(),
            to: f.to.to_string(),
            total: f.total.into(),
            by_type: all(f.by_type),
            by_team: all(f.by_team),
            by_tandem: all(f.by_tandem),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureParams {
    /// `YYYY-MM-DD`, default 90 days before `to`
    from: Option<String>,
    /// `YYYY-MM-DD`, default today
    to: Option<String>,
}

/// Parses a `from`/`to` range (default: the 90 days up to `today`).
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: jiff::civil::Date,
) -> Result<(jiff::civil::Date, jiff::civil::Date), Invalid> {
    let mut errors = vec![];
    let mut date = |field: &str, v: Option<&str>| {
        let v = v.map(str::trim).filter(|v| !v.is_empty())?;
        tandem_domain::validation::date(v)
            .map_err(|code| errors.push(FieldError::new(field, code)))
            .ok()
    };
    let to = date("to", to).unwrap_or(today);
    let from = date("from", from).unwrap_or_else(|| to.saturating_sub(jiff::Span::new().days(90)));
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(Invalid(errors))
    }
}

/// Turnaround (median, p90, business minutes), SLA hit rate and reassignments of the
/// requests done in a period, per type, inside team and tandem (managers, admins,
/// inside sales).
#[utoipa::path(get, path = "/request-figures", tag = "requests", params(FigureParams),
    responses((status = 200, body = FiguresOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn request_figures(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<FiguresOut>> {
    let today = tandem_domain::format::local_date(state.store.now());
    let (from, to) = range(p.from.as_deref(), p.to.as_deref(), today)?;
    Ok(Json(
        svc::figures(&state.store, &auth, from, to).await?.into(),
    ))
}

// ----- notifications -----

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: uuid::Uuid,
    pub at: String,
    pub kind: String,
    /// The message, in the user's language.
    pub title: String,
    pub request_id: Option<uuid::Uuid>,
    /// The page to open.
    pub link: Option<String>,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationOut>,
}

/// The caller's newest notifications (50) and how many are unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    responses((status = 200, body = NotificationList)))]
async fn list_notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<NotificationList>> {
    let tr = crate::i18n::Tr::new(auth.user.locale);
    let items = notify::recent(&state.store, &auth).await?;
    let unread = notify::unread(&state.store, &auth).await?;
    Ok(Json(NotificationList {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationOut {
                id: n.id.0,
                at: n.at.to_rfc3339(),
                kind: n.kind.as_str().into(),
                title: notify::title(&tr, &n),
                request_id: n.request_id.map(|r| r.0),
                link: n.request_id.map(|r| format!("/requests/{}", r.0)),
                read: n.read_at.is_some(),
            })
            .collect(),
    }))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn read_notification(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: NotificationId = parse_id(&id)?;
    notify::mark_read(&state.store, &auth, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all notifications read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications",
    responses((status = 204)))]
async fn read_all_notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<StatusCode> {
    notify::mark_read(&state.store, &auth, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where the caller wants to hear about one kind of event.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefOut {
    /// `request_assigned`, `request_reassigned`, `request_status`, `request_comment`,
    /// `request_reminder`, `request_escalated`
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefList {
    pub items: Vec<PrefOut>,
}

fn prefs_out(prefs: Vec<Pref>) -> PrefList {
    PrefList {
        items: prefs
            .into_iter()
            .map(|p| PrefOut {
                kind: p.kind.as_str().into(),
                in_app: p.in_app,
                email: p.email,
            })
            .collect(),
    }
}

/// The caller's notification preferences, one per kind.
#[utoipa::path(get, path = "/notification-preferences", tag = "notifications",
    responses((status = 200, body = PrefList)))]
async fn get_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<PrefList>> {
    Ok(Json(prefs_out(notify::prefs(&state.store, &auth).await?)))
}

/// Replace the caller's preferences; kinds left out keep their defaults.
#[utoipa::path(put, path = "/notification-preferences", tag = "notifications",
    request_body = PrefList,
    responses((status = 200, body = PrefList), (status = 422, body = Problem)))]
async fn put_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(body): ApiJson<PrefList>,
) -> AppResult<Json<PrefList>> {
    let mut prefs = vec![];
    for (i, p) in body.items.iter().enumerate() {
        let kind = Kind::parse(&p.kind)
            .ok_or_else(|| Invalid::one(format!("items[{i}].kind"), "invalid_choice"))?;
        if prefs.iter().any(|x: &Pref| x.kind == kind) {
            return Err(Invalid::one(format!("items[{i}].kind"), "duplicate").into());
        }
        prefs.push(Pref {
            kind,
            in_app: p.in_app,
            email: p.email,
        });
    }
    Ok(Json(prefs_out(
        notify::set_prefs(&state.store, &auth, &prefs).await?,
    )))
}

// ----- mail settings -----

/// The workspace's SMTP relay (the password is never shown).
#[derive(Serialize, ToSchema)]
pub struct MailSettingsOut {
    pub enabled: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// `starttls`, `tls`, `none`
    pub security: Option<String>,
    pub username: Option<String>,
    pub password_set: bool,
    pub from: Option<String>,
    pub allow_plaintext_password: bool,
}

fn mail_out(s: Option<tandem_domain::notify::MailSettings>) -> MailSettingsOut {
    MailSettingsOut {
        enabled: s.is_some(),
        password_set: s.as_ref().is_some_and(|s| s.password.is_some()),
        host: s.as_ref().map(|s| s.host.clone()),
        port: s.as_ref().map(|s| s.port),
        security: s.as_ref().map(|s| s.security.as_str().into()),
        username: s.as_ref().and_then(|s| s.username.clone()),
        allow_plaintext_password: s.as_ref().is_some_and(|s| s.allow_plaintext_password),
        from: s.map(|s| s.from),
    }
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `MailSettingsInput`
pub struct MailSettingsWrite {
    /// Empty switches mail off.
    host: String,
    port: Option<String>,
    security: Option<String>,
    username: Option<String>,
    /// Empty keeps the stored password.
    password: Option<String>,
    from: String,
    /// With security `none` and a user name: send the password unencrypted all the
    /// same (refused with 422 otherwise).
    allow_plaintext_password: Option<bool>,
}

/// The SMTP settings (admins).
#[utoipa::path(get, path = "/mail-settings", tag = "notifications",
    responses((status = 200, body = MailSettingsOut), (status = 403, body = Problem)))]
async fn get_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<MailSettingsOut>> {
    Ok(Json(mail_out(
        notify::mail_settings(&state.store, &auth).await?,
    )))
}

/// Replace the SMTP settings (admins).
#[utoipa::path(put, path = "/mail-settings", tag = "notifications", request_body = MailSettingsWrite,
    responses((status = 200, body = MailSettingsOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn put_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<MailSettingsInput>,
) -> AppResult<Json<MailSettingsOut>> {
    Ok(Json(mail_out(
        notify::set_mail_settings(&state.store, &auth, &input).await?,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct TestMailOut {
    pub sent: bool,
    /// The relay's answer when it refused.
    pub error: Option<String>,
}

/// Send a test mail to the caller (admins), now.
#[utoipa::path(post, path = "/mail-settings/test", tag = "notifications",
    responses((status = 200, body = TestMailOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn test_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<TestMailOut>> {
    let result = notify::send_test_mail(&state.store, &auth).await?;
    Ok(Json(TestMailOut {
        sent: result.is_ok(),
        error: result.err(),
    }))
}

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
