//! `/api/v1/weekly-reports`: the reps' weekly reports, own and shared.

use crate::{
    AppState,
    api::json::ApiJson,
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
};
use serde::{Deserialize, Serialize};
use tandem_app::reports::{self as svc, Sharing};
use tandem_domain::{
    format::local_date,
    goals::ReportInput,
    metrics::{Period, PeriodKind},
};
use tandem_store::reports::Report;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    pub id: String,
    pub author_id: String,
    /// Set on shared reports.
    pub author: Option<String>,
    /// The week, e.g. `2026-W49`.
    pub week: String,
    pub body: String,
    /// When it was published; none for a draft.
    pub published_at: Option<String>,
    pub version: i64,
}

fn out(r: Report, author: Option<String>) -> ReportOut {
    ReportOut {
        id: r.id.to_string(),
        author_id: r.author_id.to_string(),
        author,
        week: r.week,
        body: r.body,
        published_at: r.published_at.map(|p| p.to_rfc3339()),
        version: r.version,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekParams {
    /// The week, e.g. `2026-W49`; default this week
    week: Option<String>,
}

fn week_of(state: &AppState, p: &WeekParams) -> tandem_app::AppResult<Period> {
    match p.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => svc::parse_week(w),
        None => Ok(Period::containing(
            PeriodKind::Week,
            local_date(state.store.now()),
        )),
    }
}

#[utoipa::path(get, path = "/weekly-reports", tag = "goals", params(WeekParams),
    responses((status = 200, body = ReportList), (status = 422, body = Problem)))]
async fn list_reports(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<WeekParams>,
) -> AppResult<Json<ReportList>> {
    let week = week_of(&state, &p)?;
    let shared = svc::shared(&state.store, &auth, &week).await?;
    Ok(Json(ReportList {
        items: shared
            .into_iter()
            .map(|s| out(s.report, Some(s.author)))
            .collect(),
    }))
}

#[utoipa::path(get, path = "/weekly-reports/mine", tag = "goals", params(WeekParams),
    responses((status = 200, body = ReportOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn get_mine(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<WeekParams>,
) -> AppResult<Json<ReportOut>> {
    let week = week_of(&state, &p)?;
    let r = svc::mine(&state.store, &auth, &week)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(out(r, None)))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportWrite {
    pub body: String,
    /// The version read, to refuse overwriting a newer one (409).
    pub version: Option<i64>,
    /// `true` publishes, `false` withdraws to a draft; left out, it stays as it is.
    pub published: Option<bool>,
}

#[utoipa::path(put, path = "/weekly-reports/mine", tag = "goals", params(WeekParams), request_body = ReportWrite,
    responses((status = 200, body = ReportOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_mine(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<WeekParams>,
    ApiJson(w): ApiJson<ReportWrite>,
) -> AppResult<Json<ReportOut>> {
    let week = week_of(&state, &p)?;
    let sharing = match w.published {
        None => Sharing::Keep,
        Some(true) => Sharing::Publish,
        Some(false) => Sharing::Withdraw,
    };
    let r = svc::save(
        &state.store,
        &auth,
        &week,
        ReportInput { body: w.body },
        w.version,
        sharing,
        state.store.now(),
    )
    .await?;
    Ok(Json(out(r, None)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports))
        .routes(routes!(get_mine, put_mine))
}
