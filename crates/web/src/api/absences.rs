//! `/api/v1/absences`

use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
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
use tandem_app::absences as svc;
use tandem_domain::{AbsenceId, Invalid, UserId, handoff::AbsenceInput};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A user's absence, whole days.
#[derive(Serialize, ToSchema)]
pub struct AbsenceOut {
    pub id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub user_name: String,
    /// vacation, sick or other; `null` when the caller may not know it (only the person,
    /// their manager and admins see the kind)
    pub kind: Option<String>,
    /// `YYYY-MM-DD`, the first day away
    pub from: String,
    /// `YYYY-MM-DD`, the last day away
    pub to: String,
    pub note: Option<String>,
    pub created_at: String,
}

impl From<svc::Seen> for AbsenceOut {
    fn from(s: svc::Seen) -> Self {
        let a = s.absence;
        let private = s.kind.is_none();
        AbsenceOut {
            id: a.id.0,
            user_id: a.data.user_id.0,
            user_name: a.user_name,
            kind: s.kind.map(|k| k.as_str().to_string()),
            from: a.data.from.to_string(),
            to: a.data.to.to_string(),
            note: if private { None } else { a.data.note },
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AbsenceList {
    pub items: Vec<AbsenceOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `YYYY-MM-DD`, default today
    from: Option<String>,
    /// `YYYY-MM-DD`, default 90 days after `from`; at most 400 days after it
    to: Option<String>,
    user_id: Option<String>,
}

/// Absences touching a range of days, by start.
#[utoipa::path(get, path = "/absences", tag = "absences", params(ListParams),
    responses((status = 200, body = AbsenceList), (status = 422, body = Problem)))]
async fn list_absences(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<AbsenceList>> {
    let mut errors = vec![];
    let mut date = |field: &str, v: Option<&str>| {
        let v = v.map(str::trim).filter(|v| !v.is_empty())?;
        tandem_domain::validation::date(v)
            .map_err(|code| errors.push(tandem_domain::FieldError::new(field, code)))
            .ok()
    };
    let from = date("from", p.from.as_deref())
        .unwrap_or_else(|| tandem_domain::format::local_date(state.store.now()));
    let to = date("to", p.to.as_deref())
        .unwrap_or_else(|| from.saturating_add(jiff::Span::new().days(90)));
    let user = crate::api::list::id::<UserId>("user_id", p.user_id.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let items = svc::list(&state.store, &auth, from, to, user).await?;
    Ok(Json(AbsenceList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Enter an absence.
#[utoipa::path(post, path = "/absences", tag = "absences", request_body = tandem_domain::handoff::AbsenceInput,
    responses((status = 201, body = AbsenceOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_absence(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<AbsenceInput>,
) -> AppResult<Response> {
    let a = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/absences/{}", a.id);
    let out = AbsenceOut::from(svc::Seen {
        kind: Some(a.data.kind),
        can_delete: true,
        absence: a,
    });
    Ok(created(&location, out))
}

/// Remove an absence (the person, their manager or an admin).
#[utoipa::path(delete, path = "/absences/{id}", tag = "absences", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_absence(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AbsenceId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_absences, create_absence))
        .routes(routes!(delete_absence))
}
