//! `Kennzahlen`: the figures of a person, team or the workspace with trends and goals
//! (this module), the role dashboards, the team comparison, the weekly report, the
//! goals, and the intervention cases and rules (one module each), and their charts.

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::{goals as goal_svc, interventions as case_svc, metrics as svc};
use tandem_domain::{
    GoalId, InterventionId, Invalid, Locale, RuleId,
    format::{self, local_date},
    goals::{CaseInput, CheckInInput, GoalInput, KeyResultInput, PlanGoalInput, RuleInput},
    metrics::{Condition, Metric, Period, PeriodKind, Scope, Unit},
    money::{Money, parse_amount},
};

mod cases;
pub mod charts;
mod dashboards;
mod goals;
mod report;
mod rules;
mod team;

pub use cases::{case, close_case, interventions, update_case};
pub use charts::{bar, sparkline};
pub use dashboards::{marketing, marketing_export, mine};
pub use goals::{create_goal, delete_goal, goals};
pub use report::{report, save_report};
pub use rules::{create_rule, delete_rule, rules, toggle_rule};
pub use team::{team, team_export};

pub const NO_DATA: &str = "–";

/// The query of the goal and case pages: the period shown and a notice to show.
#[derive(Deserialize, Default)]
pub struct GoalParams {
    period: Option<String>,
    notice: Option<String>,
}

/// A value in its unit, as people read it.
pub fn show(m: Metric, v: Option<i64>, tr: &Tr) -> String {
    let Some(v) = v else {
        return NO_DATA.to_string();
    };
    match m.unit() {
        Unit::Money => Money::new(v, "EUR").format(tr.locale),
        Unit::MoneyPerDay => tr.t1("per-day", "amount", &Money::new(v, "EUR").format(tr.locale)),
        Unit::Count => tr.number(&v),
        Unit::Ratio => format::percent(v, tr.locale),
        Unit::Days => tr.t1(
            "duration-days",
            "n",
            &format::decimal((v + 5) / 10, 1, tr.locale),
        ),
        Unit::Hours => tr.t1(
            "duration-hours",
            "n",
            &format::decimal((v + 5) / 10, 1, tr.locale),
        ),
    }
}

/// What a person types for a value: euros, percent, a count, days or hours.
pub fn parse_value(m: Metric, text: &str, locale: Locale) -> Option<i64> {
    let text = text.trim().trim_end_matches('%').trim();
    // A minus is read, so that the check can say "greater than zero" instead of "no number".
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest.trim()),
        None => (1, text),
    };
    let hundredths = sign * parse_amount(digits, "EUR", locale)?;
    match m.unit() {
        Unit::Count => (hundredths % 100 == 0).then_some(hundredths / 100),
        _ => Some(hundredths),
    }
}

/// The value as a form shows it for editing.
pub fn edit_value(m: Metric, v: i64, locale: Locale) -> String {
    match m.unit() {
        Unit::Count => v.to_string(),
        _ => format::decimal(v, 2, locale)
            .trim_end_matches('0')
            .trim_end_matches([',', '.'])
            .to_string(),
    }
}

pub fn metric_name(tr: &Tr, m: Metric) -> String {
    tr.t(&format!("metric-{}", m.key().replace('_', "-")))
}

fn metric_def(tr: &Tr, m: Metric) -> String {
    tr.t(&format!("metric-{}-def", m.key().replace('_', "-")))
}

// ----- the figures -----

pub struct Card {
    pub key: &'static str,
    pub name: String,
    pub definition: String,
    pub value: String,
    pub previous: String,
    pub average: String,
    /// "besser", "schlechter" or empty, against the previous period.
    pub trend_class: &'static str,
    pub spark: String,
    pub trend_cells: Vec<(String, String)>,
    pub target: String,
    pub attainment: String,
    pub bar: String,
}

#[derive(Template)]
#[template(path = "kpis/index.html")]
struct KpiPage {
    tr: Tr,
    layout: Layout,
    cards: Vec<Card>,
    private: Vec<String>,
    head: PeriodHead,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct KpiParams {
    scope: Option<String>,
    period: Option<String>,
    period_kind: Option<String>,
}

async fn scope_options(
    state: &AppState,
    auth: &Auth,
    current: &Scope,
    tr: &Tr,
) -> AppResult<Options> {
    let people = tandem_app::users::list(&state.store, auth).await?;
    let teams = tandem_app::users::teams(&state.store, auth).await?;
    let mut out: Options = vec![
        (
            Scope::User(auth.user.id).key(),
            tr.t("kpis-me"),
            *current == Scope::User(auth.user.id),
        ),
        (
            Scope::Workspace.key(),
            tr.t("kpis-workspace"),
            *current == Scope::Workspace,
        ),
    ];
    for t in &teams {
        let s = Scope::Team(t.id);
        if svc::may_see(auth, &s) {
            out.push((s.key(), tr.t1("kpis-team", "team", &t.name), *current == s));
        }
    }
    for u in people.iter().filter(|u| u.active && u.id != auth.user.id) {
        let s = Scope::User(u.id);
        if svc::may_see(auth, &s) {
            out.push((s.key(), u.name.clone(), *current == s));
        }
    }
    Ok(out)
}

fn href(scope: &Scope, period: &Period) -> String {
    format!("/kpis?scope={}&period={}", scope.key(), period.key())
}

/// The head of a page of figures: the period, its neighbours, the CSV, and the form
/// for scope and period (`kpis/period_head.html`).
pub struct PeriodHead {
    pub scope_options: Options,
    pub kind_options: Options,
    /// The page, which the form goes to; its CSV is `{page}/export.csv`.
    pub form_action: &'static str,
    pub period_label: String,
    pub prev_href: String,
    pub next_href: String,
    pub export_href: String,
}

impl PeriodHead {
    fn new(
        tr: &Tr,
        page: &'static str,
        scope: &Scope,
        period: &Period,
        scope_options: Options,
    ) -> PeriodHead {
        let at = |p: &Period| format!("{page}?scope={}&period={}", scope.key(), p.key());
        PeriodHead {
            scope_options,
            kind_options: kind_options(tr, period.kind),
            form_action: page,
            period_label: period_label(tr, period),
            prev_href: at(&period.previous()),
            next_href: at(&period.next()),
            export_href: format!(
                "{page}/export.csv?scope={}&period={}",
                scope.key(),
                period.key()
            ),
        }
    }
}

fn cards(tr: &Tr, board: &svc::Board) -> Vec<Card> {
    board
        .figures
        .iter()
        .map(|f| {
            let m = f.metric;
            let trend_class = match (f.value, f.previous) {
                (Some(v), Some(p)) if v != p => {
                    if (v > p) == m.higher_is_better() {
                        "better"
                    } else {
                        "worse"
                    }
                }
                _ => "",
            };
            let periods = board.period.last_n(f.trend.len());
            Card {
                key: m.key(),
                name: metric_name(tr, m),
                definition: metric_def(tr, m),
                value: show(m, f.value, tr),
                previous: show(m, f.previous, tr),
                average: show(m, f.average, tr),
                trend_class,
                spark: sparkline(&f.trend, 96, 24),
                trend_cells: periods
                    .iter()
                    .zip(&f.trend)
                    .map(|(p, v)| (p.key(), show(m, *v, tr)))
                    .collect(),
                target: f.target.map(|t| show(m, Some(t), tr)).unwrap_or_default(),
                attainment: f
                    .attainment_bp
                    .map(|a| format::percent(a, tr.locale))
                    .unwrap_or_default(),
                bar: bar(f.attainment_bp),
            }
        })
        .collect()
}

fn parse_params(
    state: &AppState,
    auth: &Auth,
    p: &KpiParams,
    tr: &Tr,
    errors: &mut FormErrors,
) -> (Scope, Period) {
    let today = local_date(state.store.now());
    let scope = svc::parse_scope(p.scope.as_deref(), auth).unwrap_or_else(|_| {
        errors.by_field.insert("scope".into(), tr.error("invalid"));
        Scope::User(auth.user.id)
    });
    let period = svc::parse_period(p.period.as_deref(), p.period_kind.as_deref(), today)
        .unwrap_or_else(|_| {
            errors
                .by_field
                .insert("period".into(), tr.error("invalid_period"));
            Period::containing(PeriodKind::Month, today)
        });
    (scope, period)
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let mut errors = FormErrors::default();
    let (scope, period) = parse_params(&state, &auth, &p, &tr, &mut errors);
    let board = svc::board(&state.store, &auth, scope, period, state.store.now(), None).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = KpiPage {
        layout: Layout::new(&auth, "kpis", tr.t("kpis-title")).within("kpis"),
        cards: cards(&tr, &board),
        private: board.private.iter().map(|m| metric_name(&tr, *m)).collect(),
        head: PeriodHead::new(
            &tr,
            "/kpis",
            &scope,
            &period,
            scope_options(&state, &auth, &scope, &tr).await?,
        ),
        errors,
        tr,
    };
    Ok(render_with(status, page))
}

pub fn period_label(tr: &Tr, p: &Period) -> String {
    match p.kind {
        PeriodKind::Week => {
            let w = p.start.iso_week_date();
            tr.t1(
                "period-week-label",
                "week",
                &format!("{} / {}", w.week(), w.year()),
            )
        }
        PeriodKind::Month => format!(
            "{} {}",
            tr.t(&format!("month-{}", p.start.month())),
            p.start.year()
        ),
        PeriodKind::Quarter => format!("Q{} {}", (p.start.month() - 1) / 3 + 1, p.start.year()),
        PeriodKind::Year => p.start.year().to_string(),
    }
}

/// The figures of the page as CSV (raw values in their units, and as shown).
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let today = local_date(state.store.now());
    let scope = svc::parse_scope(p.scope.as_deref(), &auth)?;
    let period = svc::parse_period(p.period.as_deref(), p.period_kind.as_deref(), today)?;
    let board = svc::board(&state.store, &auth, scope, period, state.store.now(), None).await?;
    let mut out = crate::views::table::csv_writer(tr.locale);
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record([
        "metric",
        "name",
        "scope",
        "period",
        "value",
        "shown",
        "previous",
        "average",
        "target",
        "attainment_bp",
    ])
    .map_err(internal)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for f in &board.figures {
        out.write_record([
            f.metric.key().to_string(),
            metric_name(&tr, f.metric),
            scope.key(),
            period.key(),
            opt(f.value),
            show(f.metric, f.value, &tr),
            opt(f.previous),
            opt(f.average),
            opt(f.target),
            opt(f.attainment_bp),
        ])
        .map_err(internal)?;
    }
    csv_download(out, &format!("kpis-{}.csv", period.key()))
}

/// A finished CSV as a download.
fn csv_download(out: csv::Writer<Vec<u8>>, filename: &str) -> AppResult<Response> {
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The period kinds to choose from, `current` selected.
fn kind_options(tr: &Tr, current: PeriodKind) -> Options {
    PeriodKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                tr.t(&format!("period-{}", k.as_str())),
                *k == current,
            )
        })
        .collect()
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/kpis", get(index))
        .route("/kpis/export.csv", get(export))
        .route("/kpis/team", get(team))
        .route("/kpis/mine", get(mine))
        .route("/kpis/marketing", get(marketing))
        .route("/kpis/marketing/export.csv", get(marketing_export))
        .route("/kpis/report", get(report).post(save_report))
        .route("/kpis/team/export.csv", get(team_export))
        .route("/goals", get(goals).post(create_goal))
        .route("/goals/{id}/delete", post(delete_goal))
        .route("/interventions", get(interventions))
        .route("/interventions/rules", get(rules).post(create_rule))
        .route("/interventions/rules/{id}/toggle", post(toggle_rule))
        .route("/interventions/rules/{id}/delete", post(delete_rule))
        .route("/interventions/{id}", get(case).post(update_case))
        .route("/interventions/{id}/close", post(close_case))
}
