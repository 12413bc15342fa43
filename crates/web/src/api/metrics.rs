//! `/api/v1/metrics` (the catalogue and values), `/api/v1/kpis` (every figure of a
//! scope), `/api/v1/goals`, `/api/v1/intervention-rules`, `/api/v1/interventions`,
//! `/api/v1/workspace/settings`

use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
    i18n::Tr,
};
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::{goals as goal_svc, interventions as case_svc, metrics as svc, settings};
use tandem_domain::{
    GoalId, InterventionId, Locale, RuleId,
    format::local_date,
    goals::{CaseInput, GoalInput, GoalKind, RuleInput},
    metrics::{Condition, Metric, Period, Scope},
};
use tandem_store::goals::{Case, Rule};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A text in both languages.
#[derive(Serialize, ToSchema)]
pub struct Texts {
    pub de: String,
    pub en: String,
}

fn texts(key: &str) -> Texts {
    Texts {
        de: Tr::new(Locale::De).t(key),
        en: Tr::new(Locale::En).t(key),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MetricOut {
    pub key: String,
    pub name: Texts,
    pub definition: Texts,
    /// `money` (minor units), `count`, `ratio` (basis points, 10000 = 100 %), `days`
    /// and `hours` (hundredths), `money_per_day` (minor units)
    pub unit: String,
    /// `outcome`, `pipeline`, `leading`, `activity` (activity is private in trust mode)
    pub class: String,
    pub higher_is_better: bool,
}

fn metric_out(m: Metric) -> MetricOut {
    let k = m.key().replace('_', "-");
    MetricOut {
        key: m.key().into(),
        name: texts(&format!("metric-{k}")),
        definition: texts(&format!("metric-{k}-def")),
        unit: serde_json::to_value(m.unit())
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        class: serde_json::to_value(m.class())
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        higher_is_better: m.higher_is_better(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MetricList {
    pub items: Vec<MetricOut>,
}

/// The metric catalogue with each metric's definition.
#[utoipa::path(get, path = "/metrics", tag = "metrics", responses((status = 200, body = MetricList)))]
async fn list_metrics(CurrentUser(_auth): CurrentUser) -> Json<MetricList> {
    Json(MetricList {
        items: Metric::ALL.iter().map(|m| metric_out(*m)).collect(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureParams {
    /// `me` (default), `workspace`, `team:<id>` or `user:<id>`
    scope: Option<String>,
    /// `2026-W49`, `2026-12`, `2026-Q4` or `2026`; default the current `period_kind`
    period: Option<String>,
    /// `week`, `month` (default), `quarter`, `year`: the current one when no `period`
    period_kind: Option<String>,
}

/// A metric's value; `null` means no data (nothing to count or divide by).
#[derive(Serialize, ToSchema)]
pub struct FigureOut {
    pub metric: String,
    pub scope: String,
    pub period: String,
    pub value: Option<i64>,
    /// The period before.
    pub previous: Option<i64>,
    /// The average of the four periods before (those with data).
    pub average: Option<i64>,
    /// The last five periods, this one last.
    pub trend: Vec<Option<i64>>,
    /// The goal's target for exactly this scope and period, if one is set.
    pub target: Option<i64>,
    pub attainment_bp: Option<i64>,
}

fn figure_out(scope: &Scope, period: &Period, f: &svc::Figure) -> FigureOut {
    FigureOut {
        metric: f.metric.key().into(),
        scope: scope.key(),
        period: period.key(),
        value: f.value,
        previous: f.previous,
        average: f.average,
        trend: f.trend.clone(),
        target: f.target,
        attainment_bp: f.attainment_bp,
    }
}

fn scope_and_period(
    state: &AppState,
    auth: &crate::auth::Auth,
    p: &FigureParams,
) -> AppResult<(Scope, Period)> {
    let today = local_date(state.store.now());
    Ok((
        svc::parse_scope(p.scope.as_deref(), auth)?,
        svc::parse_period(p.period.as_deref(), p.period_kind.as_deref(), today)?,
    ))
}

/// One metric for a scope and period. 403 for a figure the caller may not see (another
/// person's, or a person's activity in trust mode).
#[utoipa::path(get, path = "/metrics/{key}", tag = "metrics", params(("key" = String, Path), FigureParams),
    responses((status = 200, body = FigureOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn get_metric(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(key): Path<String>,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<FigureOut>> {
    let metric = Metric::parse(&key).ok_or(AppError::NotFound)?;
    let (scope, period) = scope_and_period(&state, &auth, &p)?;
    let board = svc::board(
        &state.store,
        &auth,
        scope,
        period,
        state.store.now(),
        Some(&[metric]),
    )
    .await?;
    let f = board.figures.first().ok_or(AppError::Forbidden)?;
    Ok(Json(figure_out(&board.scope, &board.period, f)))
}

#[derive(Serialize, ToSchema)]
pub struct KpisOut {
    pub scope: String,
    pub period: String,
    pub figures: Vec<FigureOut>,
    /// Metrics left out because trust mode keeps them private.
    pub private: Vec<String>,
}

/// Every metric the caller may see for a scope and period.
#[utoipa::path(get, path = "/kpis", tag = "metrics", params(FigureParams),
    responses((status = 200, body = KpisOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn get_kpis(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<KpisOut>> {
    let (scope, period) = scope_and_period(&state, &auth, &p)?;
    let b = svc::board(&state.store, &auth, scope, period, state.store.now(), None).await?;
    Ok(Json(KpisOut {
        scope: b.scope.key(),
        period: b.period.key(),
        figures: b
            .figures
            .iter()
            .map(|f| figure_out(&b.scope, &b.period, f))
            .collect(),
        private: b.private.iter().map(|m| m.key().to_string()).collect(),
    }))
}

// ----- the forecast -----

/// One person's (or the scope's) forecast line. Amounts in minor units (cents).
#[derive(Serialize, ToSchema)]
pub struct ForecastLineOut {
    /// null on the scope's total
    pub user_id: Option<uuid::Uuid>,
    pub name: Option<String>,
    /// Won in the period.
    pub won_minor: i64,
    /// Open deals expected to close in the period, by forecast category (the deal's
    /// own, else commit from 70 % probability, best case from 30 %, pipeline below).
    pub commit_minor: i64,
    pub best_case_minor: i64,
    pub pipeline_minor: i64,
    /// The quota on won revenue (a team without its own: its people's summed).
    pub quota_minor: Option<i64>,
    pub attainment_bp: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastOut {
    pub scope: String,
    pub period: String,
    pub total: ForecastLineOut,
    /// Every active person of the team or company; empty for a person's own scope.
    pub people: Vec<ForecastLineOut>,
}

fn forecast_line(c: &svc::Compared, person: bool) -> ForecastLineOut {
    ForecastLineOut {
        user_id: person.then_some(c.user_id.0),
        name: person.then(|| c.name.clone()),
        won_minor: c.values[0].unwrap_or(0),
        commit_minor: c.forecast[0],
        best_case_minor: c.forecast[1],
        pipeline_minor: c.forecast[2],
        quota_minor: c.quota,
        attainment_bp: c.attainment_bp,
    }
}

/// The forecast of a period against quota: for a person (the caller's own, or anyone's
/// for managers), or per person of a team or the company (managers and admins).
#[utoipa::path(get, path = "/forecast", tag = "metrics", params(FigureParams),
    responses((status = 200, body = ForecastOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn get_forecast(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<ForecastOut>> {
    let (scope, period) = scope_and_period(&state, &auth, &p)?;
    let now = state.store.now();
    let out = match scope {
        Scope::User(u) => ForecastOut {
            scope: scope.key(),
            period: period.key(),
            total: forecast_line(
                &svc::person(&state.store, &auth, u, period, now).await?,
                true,
            ),
            people: vec![],
        },
        _ => {
            let cmp = svc::comparison(&state.store, &auth, scope, period, now).await?;
            ForecastOut {
                scope: cmp.scope.key(),
                period: cmp.period.key(),
                total: forecast_line(&cmp.total, false),
                people: cmp.people.iter().map(|c| forecast_line(c, true)).collect(),
            }
        }
    };
    Ok(Json(out))
}

// ----- goals -----

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

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `GoalInput`
pub struct GoalWrite {
    /// `quota` (default) or `okr`
    kind: Option<String>,
    /// `workspace`, `team:<id>`, `user:<id>`
    scope: String,
    /// `2026-W49`, `2026-12`, `2026-Q4`, `2026`
    period: String,
    title: Option<String>,
    /// A quota's metric (not an activity metric)
    metric: Option<String>,
    /// A quota's target, positive, in the metric's unit
    target: Option<i64>,
    /// An OKR's key results: `{title, metric?, target, current?}`
    #[schema(value_type = Vec<Object>)]
    key_results: Option<Vec<Value>>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalParams {
    /// Only this scope
    scope: Option<String>,
    /// Goals whose period overlaps this one (default the current year)
    period: Option<String>,
}

/// The goals of the scopes the caller may see.
#[utoipa::path(get, path = "/goals", tag = "goals", params(GoalParams),
    responses((status = 200, body = GoalList), (status = 422, body = Problem)))]
async fn list_goals(
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
#[utoipa::path(post, path = "/goals", tag = "goals", request_body = GoalWrite,
    responses((status = 201, body = GoalOut, headers(("Location" = String))), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_goal(
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
async fn get_goal(
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

/// Change a goal; `version` is required.
#[utoipa::path(patch, path = "/goals/{id}", tag = "goals", params(("id" = uuid::Uuid, Path)), request_body = GoalWrite,
    responses((status = 200, body = GoalOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_goal(
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
async fn delete_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<GoalId>,
) -> AppResult<StatusCode> {
    goal_svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ----- rules -----

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

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `RuleInput`
pub struct RuleWrite {
    name: String,
    metric: String,
    /// `each_user` (default) or `each_team`
    applies_to: Option<String>,
    /// `week` (default) or `month`
    period: Option<String>,
    #[schema(value_type = Object)]
    condition: Value,
    /// Periods the metric must be fine before a case proposes to close (default 2)
    recovery_periods: Option<u8>,
    active: Option<bool>,
}

/// The intervention rules (managers and admins).
#[utoipa::path(get, path = "/intervention-rules", tag = "interventions",
    responses((status = 200, body = RuleList), (status = 403, body = Problem)))]
async fn list_rules(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<RuleList>> {
    let all = case_svc::rules(&state.store, &auth).await?;
    Ok(Json(RuleList {
        items: all.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(post, path = "/intervention-rules", tag = "interventions", request_body = RuleWrite,
    responses((status = 201, body = RuleOut, headers(("Location" = String))), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn create_rule(
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
async fn get_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<Json<RuleOut>> {
    Ok(Json(case_svc::rule(&state.store, &auth, id).await?.into()))
}

#[utoipa::path(patch, path = "/intervention-rules/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = RuleWrite,
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_rule(
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
async fn delete_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<StatusCode> {
    case_svc::delete_rule(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ----- cases -----

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
    status: Option<String>,
}

/// Intervention cases: a manager sees all, a rep those about them (or their team).
#[utoipa::path(get, path = "/interventions", tag = "interventions", params(CaseParams),
    responses((status = 200, body = CaseList)))]
async fn list_cases(
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
async fn get_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
) -> AppResult<Json<CaseOut>> {
    Ok(Json(case_out(
        case_svc::case_view(&state.store, &auth, id, state.store.now()).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `CaseInput`
pub struct CaseWrite {
    version: i64,
    diagnosis: Option<String>,
    plan: Option<String>,
    /// Measurable short-term goals: `{metric, target, by}`
    #[schema(value_type = Vec<Object>)]
    goals: Option<Vec<Value>>,
    /// `{on: "YYYY-MM-DD", note?}`
    #[schema(value_type = Vec<Object>)]
    check_ins: Option<Vec<Value>>,
}

/// The manager records the diagnosis, coaching plan, goals and check-ins.
#[utoipa::path(patch, path = "/interventions/{id}", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = CaseWrite,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_case(
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
    version: Option<i64>,
}

/// Close a case (managers).
#[utoipa::path(post, path = "/interventions/{id}/close", tag = "interventions", params(("id" = uuid::Uuid, Path)),
    request_body = VersionOnly,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
async fn close_case(
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

// ----- workspace settings -----

#[derive(Serialize, ToSchema)]
pub struct WorkspaceSettingsOut {
    pub name: String,
    /// Activity figures of a person are visible to that person only (and as totals of
    /// at least three people); managers see outcomes.
    pub trust_mode: bool,
    /// Contacts not verified for longer than this count as stale.
    pub contact_stale_days: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettingsWrite {
    trust_mode: Option<bool>,
    contact_stale_days: Option<i64>,
}

fn settings_out(w: tandem_store::workspaces::Workspace) -> WorkspaceSettingsOut {
    WorkspaceSettingsOut {
        name: w.name,
        trust_mode: w.trust_mode,
        contact_stale_days: w.contact_stale_days,
    }
}

#[utoipa::path(get, path = "/workspace/settings", tag = "workspace",
    responses((status = 200, body = WorkspaceSettingsOut)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<WorkspaceSettingsOut>> {
    Ok(Json(settings_out(
        settings::workspace(&state.store, &auth).await?,
    )))
}

/// Change the workspace settings (admins).
#[utoipa::path(patch, path = "/workspace/settings", tag = "workspace", request_body = WorkspaceSettingsWrite,
    responses((status = 200, body = WorkspaceSettingsOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn patch_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(body): ApiJson<WorkspaceSettingsWrite>,
) -> AppResult<Json<WorkspaceSettingsOut>> {
    if let Some(days) = body.contact_stale_days {
        settings::set_contact_stale_days(&state.store, &auth, days).await?;
    }
    if let Some(on) = body.trust_mode {
        settings::set_trust_mode(&state.store, &auth, on).await?;
    }
    if body.contact_stale_days.is_none() && body.trust_mode.is_none() {
        tandem_app::require(auth.user.role.can_administer())?;
    }
    Ok(Json(settings_out(
        settings::workspace(&state.store, &auth).await?,
    )))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_metrics))
        .routes(routes!(get_metric))
        .routes(routes!(get_kpis))
        .routes(routes!(get_forecast))
        .routes(routes!(list_goals, create_goal))
        .routes(routes!(get_goal, patch_goal, delete_goal))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, patch_rule, delete_rule))
        .routes(routes!(list_cases))
        .routes(routes!(get_case, patch_case))
        .routes(routes!(close_case))
        .routes(routes!(get_settings, patch_settings))
}
