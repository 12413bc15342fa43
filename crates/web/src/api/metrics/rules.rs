//! Intervention rules through the API.

use super::*;
use crate::api::json::patch_body;

#[derive(Serialize, ToSchema)]
pub struct RuleOut {
    pub id: uuid::Uuid,
    pub name: String,
    pub metric: String,
    /// `each_user` or `each_team`
    pub applies_to: String,
    /// `week` or `month`
    pub period: String,
    /// `{"kind": "below", "threshold", "periods"}`, `{"kind": "drop_vs_previous",
    /// "percent"}` or `{"kind": "drop_vs_average", "percent", "periods"}`
    #[schema(value_type = Object)]
    pub condition: Condition,
    pub recovery_periods: u8,
    pub active: bool,
    pub version: i64,
}

impl From<Rule> for RuleOut {
    fn from(r: Rule) -> Self {
        RuleOut {
            id: r.id.0,
            name: r.data.name,
            metric: r.data.metric.key().into(),
            applies_to: r.data.applies_to.as_str().into(),
            period: r.data.period.as_str().into(),
            condition: r.data.condition,
            recovery_periods: r.data.recovery_periods,
            active: r.data.active,
            version: r.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RuleList {
    pub items: Vec<RuleOut>,
}

/// The intervention rules (managers and admins).
#[utoipa::path(get, path = "/intervention-rules", tag = "interventions",
    responses((status = 200, body = RuleList), (status = 403, body = Problem)))]
pub(super) async fn list_rules(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<RuleList>> {
    let all = case_svc::rules(&state.store, &auth).await?;
    Ok(Json(RuleList {
        items: all.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(post, path = "/intervention-rules", tag = "interventions", request_body = tandem_domain::goals::RuleInput,
    responses((status = 201, body = RuleOut, headers(("Location" = String))), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn create_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<RuleInput>,
) -> AppResult<Response> {
    let r = case_svc::create_rule(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/intervention-rules/{}", r.id.0),
        RuleOut::from(r),
    ))
}

#[utoipa::path(get, path = "/intervention-rules/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn get_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<Json<RuleOut>> {
    Ok(Json(case_svc::rule(&state.store, &auth, id).await?.into()))
}

patch_body!(RulePatch, tandem_domain::goals::RuleInput);

#[utoipa::path(patch, path = "/intervention-rules/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = RulePatch,
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn patch_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<RuleOut>> {
    let current = case_svc::rule(&state.store, &auth, id).await?;
    let (version, input) = tandem_app::merge_patch(&current.data.to_input(), patch)?;
    Ok(Json(
        case_svc::update_rule(&state.store, &auth, id, version, &input)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/intervention-rules/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn delete_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<StatusCode> {
    case_svc::delete_rule(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
