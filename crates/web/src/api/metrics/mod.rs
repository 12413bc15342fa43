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

mod cases;
mod forecast;
mod goals;
mod rules;
mod workspace;

pub use cases::*;
pub use forecast::*;
pub use goals::*;
pub use rules::*;
pub use workspace::*;

// ----- routes -----

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
