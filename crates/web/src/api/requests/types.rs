//! Request types through the API.

use super::*;
use crate::extract::Id;

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

#[derive(Serialize, ToSchema)]
pub struct RequestTypeList {
    pub items: Vec<RequestTypeOut>,
}

/// The workspace's request types.
#[utoipa::path(get, path = "/request-types", tag = "requests",
    responses((status = 200, body = RequestTypeList)))]
pub(super) async fn list_types(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<RequestTypeList>> {
    let items = svc::types(&state.store, &auth).await?;
    Ok(Json(RequestTypeList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create a request type (admins).
#[utoipa::path(post, path = "/request-types", tag = "requests", request_body = tandem_domain::request::RequestTypeInput,
    responses((status = 201, body = RequestTypeOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_type(
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

pub(super) fn parse_id<T: std::str::FromStr>(raw: &str) -> AppResult<T> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// Change a request type (admins); `version` is required. Open requests keep the terms
/// they were made with.
#[utoipa::path(patch, path = "/request-types/{id}", tag = "requests",
    params(("id" = uuid::Uuid, Path)), request_body = tandem_domain::request::RequestTypeInput,
    responses((status = 200, body = RequestTypeOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn patch_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RequestTypeId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<RequestTypeOut>> {
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
pub(super) async fn delete_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    svc::delete_type(&state.store, &auth, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
