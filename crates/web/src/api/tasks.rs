//! `/api/v1/tasks`

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
use tandem_app::tasks as svc;
use tandem_domain::{AccountId, ContactId, Invalid, TaskId, UserId, task::TaskInput};
use tandem_store::tasks::{Filter, Task};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Something to do.
#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    pub id: uuid::Uuid,
    pub title: String,
    /// `YYYY-MM-DD`
    pub due_on: Option<String>,
    /// low, normal or high
    pub priority: String,
    pub assignee_id: Option<uuid::Uuid>,
    pub assignee_name: Option<String>,
    pub account_id: Option<uuid::Uuid>,
    pub account_name: Option<String>,
    pub contact_id: Option<uuid::Uuid>,
    /// The deal the task is about.
    pub deal_id: Option<uuid::Uuid>,
    /// none, daily, weekly or monthly
    pub recurrence: String,
    pub notes: Option<String>,
    pub done_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub deleted_at: Option<String>,
}

impl From<Task> for TaskOut {
    fn from(t: Task) -> Self {
        let d = t.data;
        TaskOut {
            id: t.id.0,
            title: d.title,
            due_on: d.due_on.map(|x| x.to_string()),
            priority: d.priority.as_str().into(),
            assignee_id: d.assignee_id.map(|x| x.0),
            assignee_name: t.assignee_name,
            account_id: d.account_id.map(|x| x.0),
            account_name: t.account_name,
            contact_id: d.contact_id.map(|x| x.0),
            deal_id: d.deal_id.map(|x| x.0),
            recurrence: d.recurrence.as_str().into(),
            notes: d.notes,
            done_at: t.done_at.map(|x| x.to_rfc3339()),
            version: t.version,
            created_at: t.created_at.to_rfc3339(),
            deleted_at: t.deleted_at.map(|x| x.to_rfc3339()),
        }
    }
}

patch_body!(TaskPatch, tandem_domain::task::TaskInput);

/// The version last read.
#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Completed {
    /// The next occurrence of a recurring task.
    pub next: Option<TaskOut>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50; by due date, undated last
    limit: Option<String>,
    cursor: Option<String>,
    assignee_id: Option<String>,
    account_id: Option<String>,
    contact_id: Option<String>,
    deal_id: Option<String>,
    /// true: done tasks instead of open ones
    done: Option<String>,
    /// true lists the trash
    deleted: Option<String>,
}

/// Tasks by due date.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(ListParams),
    responses((status = 200, body = TaskList), (status = 422, body = Problem)))]
async fn list_tasks(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<TaskList>> {
    let mut errors = vec![];
    let filter = Filter {
        assignee_id: crate::api::list::id::<UserId>(
            "assignee_id",
            p.assignee_id.as_deref(),
            &mut errors,
        ),
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
        done: crate::api::list::flag("done", p.done.as_deref(), &mut errors),
        deleted: crate::api::list::flag("deleted", p.deleted.as_deref(), &mut errors),
        seen: Default::default(),
    };
    let limit = crate::api::list::limit(p.limit.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let page = svc::list(&state.store, &auth, &filter, limit, p.cursor.as_deref()).await?;
    Ok(Json(TaskList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Create a task.
#[utoipa::path(post, path = "/tasks", tag = "tasks", request_body = tandem_domain::task::TaskInput,
    responses((status = 201, body = TaskOut, headers(("Location" = String))), (status = 422, body = Problem)))]
async fn create_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<TaskInput>,
) -> AppResult<Response> {
    let t = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/tasks/{}", t.id);
    Ok(created(&location, TaskOut::from(t)))
}

/// One task.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = TaskOut), (status = 404, body = Problem)))]
async fn get_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<Json<TaskOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// Change some fields; `version` must be the one last read.
#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", params(("id" = uuid::Uuid, Path)), request_body = TaskPatch,
    responses((status = 200, body = TaskOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<TaskOut>> {
    Ok(Json(
        svc::patch(&state.store, &auth, id, patch).await?.into(),
    ))
}

/// Mark done; a recurring task's next occurrence is created and returned.
#[utoipa::path(post, path = "/tasks/{id}/complete", tag = "tasks", params(("id" = uuid::Uuid, Path)), request_body = VersionBody,
    responses((status = 200, body = Completed), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn complete_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<Completed>> {
    let next = svc::complete(&state.store, &auth, id, body.version).await?;
    Ok(Json(Completed {
        next: next.map(Into::into),
    }))
}

/// Open a done task again.
#[utoipa::path(post, path = "/tasks/{id}/reopen", tag = "tasks", params(("id" = uuid::Uuid, Path)), request_body = VersionBody,
    responses((status = 200, body = TaskOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn reopen_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<TaskOut>> {
    svc::reopen(&state.store, &auth, id, body.version).await?;
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// Move a task to the trash.
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<StatusCode> {
    svc::set_deleted(&state.store, &auth, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a task back out of the trash.
#[utoipa::path(post, path = "/tasks/{id}/restore", tag = "tasks", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = TaskOut), (status = 404, body = Problem)))]
async fn restore_task(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<Json<TaskOut>> {
    svc::set_deleted(&state.store, &auth, id, false).await?;
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// The audit log of a task, newest first.
#[utoipa::path(get, path = "/tasks/{id}/history", tag = "tasks", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 404, body = Problem)))]
async fn task_history(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let entries = svc::history(&state.store, &auth, id).await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task, patch_task, delete_task))
        .routes(routes!(complete_task))
        .routes(routes!(reopen_task))
        .routes(routes!(restore_task))
        .routes(routes!(task_history))
}
