//! Goals (quotas and OKRs) through the API.

use super::*;
use crate::api::json::patch_body;

#[derive(Serialize, ToSchema)]
pub struct KeyResultOut {
    pub title: String,
    pub metric: Option<String>,
    pub target: i64,
    /// Where it stands: from its metric, or as entered.
    pub current: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct GoalOut {
    pub id: uuid::Uuid,
    /// `quota` or `okr`
    pub kind: String,
    pub scope: String,
    pub period: String,
    pub title: Option<String>,
    pub metric: Option<String>,
    pub target: Option<i64>,
    pub key_results: Vec<KeyResultOut>,
    /// A quota's current value.
    pub value: Option<i64>,
    /// 10000 = reached; `null` when there is no data.
    pub attainment_bp: Option<i64>,
    pub version: i64,
}

impl From<goal_svc::Standing> for GoalOut {
    fn from(s: goal_svc::Standing) -> Self {
        let d = &s.goal.data;
        GoalOut {
            id: s.goal.id.0,
            kind: match d.kind {
                GoalKind::Quota => "quota",
                GoalKind::Okr => "okr",
            }
            .into(),
            scope: d.scope.key(),
            period: d.period.key(),
            title: d.title.clone(),
            metric: d.metric.map(|m| m.key().into()),
            target: d.target,
            key_results: d
                .key_results
                .iter()
                .zip(&s.key_results)
                .map(|(k, v)| KeyResultOut {
                    title: k.title.clone(),
                    metric: k.metric.map(|m| m.key().into()),
                    target: k.target,
                    current: *v,
                })
                .collect(),
            value: s.value,
            attainment_bp: s.attainment_bp,
            version: s.goal.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GoalList {
    pub items: Vec<GoalOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalParams {
    /// Only this scope
    pub(super) scope: Option<String>,
    /// Goals whose period overlaps this one (default the current year)
    pub(super) period: Option<String>,
}

/// The goals of the scopes the caller may see.
#[utoipa::path(get, path = "/goals", tag = "goals", params(GoalParams),
    responses((status = 200, body = GoalList), (status = 422, body = Problem)))]
pub(super) async fn list_goals(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<GoalParams>,
) -> AppResult<Json<GoalList>> {
    let now = state.store.now();
    let period = svc::parse_period(p.period.as_deref(), Some("year"), local_date(now))?;
    let scope = match p.scope.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(svc::parse_scope(Some(s), &auth)?),
    };
    let all = goal_svc::list(&state.store, &auth, scope, period, now).await?;
    Ok(Json(GoalList {
        items: all.into_iter().map(Into::into).collect(),
    }))
}

/// Set a goal (managers and admins): 409 when the scope already has a quota on the
/// metric for the period.
#[utoipa::path(post, path = "/goals", tag = "goals", request_body = tandem_domain::goals::GoalInput,
    responses((status = 201, body = GoalOut, headers(("Location" = String))), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<GoalInput>,
) -> AppResult<Response> {
    let g = goal_svc::create(&state.store, &auth, &input, state.store.now()).await?;
    Ok(created(
        &format!("/api/v1/goals/{}", g.goal.id),
        GoalOut::from(g),
    ))
}

#[utoipa::path(get, path = "/goals/{id}", tag = "goals", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = GoalOut), (status = 404, body = Problem)))]
pub(super) async fn get_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<GoalId>,
) -> AppResult<Json<GoalOut>> {
    Ok(Json(
        goal_svc::get(&state.store, &auth, id, state.store.now())
            .await?
            .into(),
    ))
}

patch_body!(GoalPatch, tandem_domain::goals::GoalInput);

/// Change a goal; `version` is required.
#[utoipa::path(patch, path = "/goals/{id}", tag = "goals", params(("id" = uuid::Uuid, Path)), request_body = GoalPatch,
    responses((status = 200, body = GoalOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn patch_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<GoalId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<GoalOut>> {
    let now = state.store.now();
    let current = goal_svc::get(&state.store, &auth, id, now).await?;
    let (version, input) = tandem_app::merge_patch(&current.goal.data.to_input(), patch)?;
    Ok(Json(
        goal_svc::update(&state.store, &auth, id, version, &input, now)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/goals/{id}", tag = "goals", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn delete_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<GoalId>,
) -> AppResult<StatusCode> {
    goal_svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
