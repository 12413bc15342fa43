//! Coaching cases through the API.

use super::*;
use crate::api::json::patch_body;

#[derive(Serialize, ToSchema)]
pub struct FigureOfPeriod {
    pub period: String,
    pub value: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanGoalOut {
    pub metric: String,
    pub target: i64,
    /// `YYYY-MM-DD`
    pub by: String,
    /// Where the metric stands now for the person or team.
    pub current: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckInOut {
    pub on: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: uuid::Uuid,
    pub rule_id: uuid::Uuid,
    pub rule_name: String,
    pub metric: String,
    /// `user:<id>` or `team:<id>`
    pub subject: String,
    pub subject_name: String,
    /// `open` or `closed`
    pub status: String,
    /// The period whose figures opened the case.
    pub opened_period: String,
    /// The series that fired the rule, oldest first.
    pub figures: Vec<FigureOfPeriod>,
    pub diagnosis: Option<String>,
    pub plan: Option<String>,
    pub goals: Vec<PlanGoalOut>,
    pub check_ins: Vec<CheckInOut>,
    /// The metric has recovered for the rule's number of periods: close the case?
    pub proposes_close: bool,
    pub recovered_period: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
    pub created_at: String,
}

pub fn case_out(c: case_svc::CaseView) -> CaseOut {
    let case: Case = c.case;
    CaseOut {
        id: case.id.0,
        rule_id: case.rule_id.0,
        rule_name: c.rule_name,
        metric: c.metric.map(|m| m.key().to_string()).unwrap_or_default(),
        subject: case.subject.key(),
        subject_name: c.subject_name,
        status: if case.open { "open" } else { "closed" }.into(),
        opened_period: case.opened_period,
        figures: case
            .figures
            .into_iter()
            .map(|f| FigureOfPeriod {
                period: f.period,
                value: f.value,
            })
            .collect(),
        diagnosis: case.data.diagnosis,
        plan: case.data.plan,
        goals: case
            .data
            .goals
            .iter()
            .zip(c.goal_values.iter().chain(std::iter::repeat(&None)))
            .map(|(g, v)| PlanGoalOut {
                metric: g.metric.key().into(),
                target: g.target,
                by: g.by.to_string(),
                current: *v,
            })
            .collect(),
        check_ins: case
            .data
            .check_ins
            .into_iter()
            .map(|c| CheckInOut {
                on: c.on.to_string(),
                note: c.note,
            })
            .collect(),
        proposes_close: case.open && case.recovered_period.is_some(),
        recovered_period: case.recovered_period,
        closed_at: case.closed_at.map(|t| t.to_rfc3339()),
        version: case.version,
        created_at: case.created_at.to_rfc3339(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// `open` for open cases only
    pub(super) status: Option<String>,
}

/// Intervention cases: a manager sees all, a rep those about them (or their team).
#[utoipa::path(get, path = "/interventions", tag = "interventions", params(CaseParams),
    responses((status = 200, body = CaseList)))]
pub(super) async fn list_cases(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<CaseParams>,
) -> AppResult<Json<CaseList>> {
    let all = case_svc::case_views(
        &state.store,
        &auth,
        p.status.as_deref() == Some("open"),
        state.store.now(),
    )
    .await?;
    Ok(Json(CaseList {
        items: all.into_iter().map(case_out).collect(),
    }))
}

#[utoipa::path(get, path = "/interventions/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = Problem)))]
pub(super) async fn get_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
) -> AppResult<Json<CaseOut>> {
    Ok(Json(case_out(
        case_svc::case_view(&state.store, &auth, id, state.store.now()).await?,
    )))
}

patch_body!(CasePatch, tandem_domain::goals::CaseInput);

/// The manager records the diagnosis, coaching plan, goals and check-ins.
#[utoipa::path(patch, path = "/interventions/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = CasePatch,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn patch_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<CaseOut>> {
    let now = state.store.now();
    let current = case_svc::case(&state.store, &auth, id).await?;
    let (version, input): (i64, CaseInput) =
        tandem_app::merge_patch(&current.data.to_input(), patch)?;
    case_svc::update_case(&state.store, &auth, id, version, &input).await?;
    Ok(Json(case_out(
        case_svc::case_view(&state.store, &auth, id, now).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct VersionOnly {
    pub(super) version: Option<i64>,
}

/// Close a case (managers).
#[utoipa::path(post, path = "/interventions/{id}/close", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = VersionOnly,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(super) async fn close_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
    ApiJson(body): ApiJson<VersionOnly>,
) -> AppResult<Json<CaseOut>> {
    let version = match body.version {
        Some(v) => v,
        None => case_svc::case(&state.store, &auth, id).await?.version,
    };
    case_svc::close_case(&state.store, &auth, id, version).await?;
    Ok(Json(case_out(
        case_svc::case_view(&state.store, &auth, id, state.store.now()).await?,
    )))
}
