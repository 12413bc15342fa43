//! `Kennzahlen`: the figures of a person, team or the workspace with trends and goals,
//! the goals themselves, and the intervention cases and rules.

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
    services::{goals as goal_svc, interventions as case_svc, metrics as svc},
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_domain::{
    GoalId, InterventionId, Invalid, Locale, RuleId,
    format::{self, local_date},
    goals::{CaseInput, CheckInInput, GoalInput, KeyResultInput, PlanGoalInput, RuleInput},
    metrics::{Condition, Metric, Period, PeriodKind, Scope, Unit},
    money::{Money, parse_amount},
};

pub const NO_DATA: &str = "–";

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

/// A sparkline: the values as a line over `w`×`h`, gaps where there is no data.
pub fn sparkline(values: &[Option<i64>], w: i64, h: i64) -> String {
    let present: Vec<i64> = values.iter().flatten().copied().collect();
    if present.len() < 2 {
        return String::new();
    }
    let (lo, hi) = (
        *present.iter().min().unwrap_or(&0),
        *present.iter().max().unwrap_or(&0),
    );
    let span = (hi - lo).max(1) as i128;
    let step = if values.len() > 1 {
        w / (values.len() as i64 - 1)
    } else {
        w
    };
    let mut points = vec![];
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let y = h - 2 - ((*v - lo) as i128 * (h - 4) as i128 / span) as i64;
            points.push(format!("{},{}", i as i64 * step, y));
        }
    }
    format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" focusable="false"><polyline points="{}" fill="none" stroke="currentColor" stroke-width="2"/></svg>"#,
        points.join(" ")
    )
}

/// A bar of attainment, 0 to 100 % (more is drawn full).
pub fn bar(bp: Option<i64>) -> String {
    let Some(bp) = bp else {
        return String::new();
    };
    let width = (bp.clamp(0, 10_000) / 100) as u32;
    let class = if bp >= 10_000 { "reached" } else { "" };
    format!(
        r#"<svg class="bar {class}" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="track" width="100" height="8" rx="4"/><rect class="fill" width="{width}" height="8" rx="4"/></svg>"#
    )
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
    let ws = auth.user.workspace_id;
    let mut c = state.store.read().await?;
    let people = tandem_store::users::list(&mut c.conn(), ws).await?;
    let teams = tandem_store::users::teams(&mut c.conn(), ws).await?;
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
    let today = local_date(state.clock.now());
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
    let board = svc::board(&state.store, &auth, scope, period, state.clock.now(), None).await?;
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
        PeriodKind::Month => p.start.strftime("%m/%Y").to_string(),
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
    let today = local_date(state.clock.now());
    let scope = svc::parse_scope(p.scope.as_deref(), &auth)?;
    let period = svc::parse_period(p.period.as_deref(), p.period_kind.as_deref(), today)?;
    let board = svc::board(&state.store, &auth, scope, period, state.clock.now(), None).await?;
    let mut out = super::table::csv_writer(tr.locale);
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

// ----- goals -----

pub struct GoalRow {
    pub id: String,
    pub title: String,
    pub scope: String,
    pub period: String,
    pub lines: Vec<(String, String, String)>,
    pub attainment: String,
    pub bar: String,
}

#[derive(Template)]
#[template(path = "kpis/goals.html")]
struct GoalsPage {
    tr: Tr,
    layout: Layout,
    goals: Vec<GoalRow>,
    can_manage: bool,
    scope_options: Options,
    metric_options: Options,
    form: GoalForm,
    /// The key-result lines of the form: number, title, metric, target.
    kr_rows: Vec<(String, String, String, String)>,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct GoalForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    kr1_title: String,
    #[serde(default)]
    kr1_metric: String,
    #[serde(default)]
    kr1_target: String,
    #[serde(default)]
    kr2_title: String,
    #[serde(default)]
    kr2_metric: String,
    #[serde(default)]
    kr2_target: String,
    #[serde(default)]
    kr3_title: String,
    #[serde(default)]
    kr3_metric: String,
    #[serde(default)]
    kr3_target: String,
}

impl GoalForm {
    fn input(&self, tr: &Tr) -> Result<GoalInput, Invalid> {
        let value = |metric: &str, text: &str, field: &str| -> Result<i64, Invalid> {
            if text.trim().is_empty() {
                return Err(Invalid::one(field, "required"));
            }
            let m = Metric::parse(metric).unwrap_or(Metric::WonRevenue);
            parse_value(m, text, tr.locale).ok_or_else(|| Invalid::one(field, "invalid_number"))
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        if self.kind == "okr" {
            let mut krs = vec![];
            for (i, (t, m, v)) in [
                (&self.kr1_title, &self.kr1_metric, &self.kr1_target),
                (&self.kr2_title, &self.kr2_metric, &self.kr2_target),
                (&self.kr3_title, &self.kr3_metric, &self.kr3_target),
            ]
            .into_iter()
            .enumerate()
            {
                if t.trim().is_empty() && v.trim().is_empty() {
                    continue;
                }
                let metric = opt(m);
                let target = match &metric {
                    Some(m) => value(m, v, &format!("key_results.{}.target", krs.len()))?,
                    None => v.trim().parse::<i64>().map_err(|_| {
                        Invalid::one(format!("key_results.{i}.target"), "invalid_number")
                    })?,
                };
                krs.push(KeyResultInput {
                    title: t.clone(),
                    metric,
                    target,
                    current: metric_is_none(m).then_some(0),
                });
            }
            Ok(GoalInput {
                kind: Some("okr".into()),
                scope: self.scope.clone(),
                period: self.period.clone(),
                title: opt(&self.title),
                key_results: krs,
                ..GoalInput::default()
            })
        } else {
            Ok(GoalInput {
                kind: Some("quota".into()),
                scope: self.scope.clone(),
                period: self.period.clone(),
                title: opt(&self.title),
                metric: opt(&self.metric),
                target: Some(value(&self.metric, &self.target, "target")?),
                key_results: vec![],
            })
        }
    }
}

fn metric_is_none(m: &str) -> bool {
    m.trim().is_empty()
}

fn goal_metric_options(tr: &Tr, selected: &str, with_manual: bool) -> Options {
    let mut out: Options = vec![];
    if with_manual {
        out.push((String::new(), tr.t("goal-manual"), selected.is_empty()));
    }
    out.extend(Metric::ALL.iter().filter(|m| m.can_be_goal()).map(|m| {
        (
            m.key().to_string(),
            metric_name(tr, *m),
            m.key() == selected,
        )
    }));
    out
}

#[derive(Deserialize, Default)]
pub struct GoalParams {
    period: Option<String>,
    notice: Option<String>,
}

async fn goals_page(
    state: &AppState,
    auth: &Auth,
    period: Option<&str>,
    form: GoalForm,
    errors: FormErrors,
) -> AppResult<GoalsPage> {
    let tr = Tr::new(auth.user.locale);
    let now = state.clock.now();
    let period = svc::parse_period(period, Some("year"), local_date(now))
        .unwrap_or(Period::containing(PeriodKind::Year, local_date(now)));
    let all = goal_svc::list(&state.store, auth, None, period, now).await?;
    let scopes = scope_options(state, auth, &Scope::Workspace, &tr).await?;
    let scope_name = |s: &Scope| {
        scopes
            .iter()
            .find(|o| o.0 == s.key())
            .map(|o| o.1.clone())
            .unwrap_or_default()
    };
    let goals =
        all.iter()
            .map(|s| {
                let d = &s.goal.data;
                let lines = match d.metric {
                    Some(m) => vec![(
                        metric_name(&tr, m),
                        show(m, s.value, &tr),
                        show(m, d.target, &tr),
                    )],
                    None => d
                        .key_results
                        .iter()
                        .zip(&s.key_results)
                        .map(|(k, v)| match k.metric {
                            Some(m) => (
                                k.title.clone(),
                                show(m, *v, &tr),
                                show(m, Some(k.target), &tr),
                            ),
                            None => (
                                k.title.clone(),
                                v.map(|v| tr.number(&v)).unwrap_or(NO_DATA.into()),
                                tr.number(&k.target),
                            ),
                        })
                        .collect(),
                };
                GoalRow {
                    id: s.goal.id.to_string(),
                    title: d.title.clone().unwrap_or_else(|| {
                        d.metric.map(|m| metric_name(&tr, m)).unwrap_or_default()
                    }),
                    scope: scope_name(&d.scope),
                    period: period_label(&tr, &d.period),
                    lines,
                    attainment: s
                        .attainment_bp
                        .map(|a| format::percent(a, tr.locale))
                        .unwrap_or(NO_DATA.into()),
                    bar: bar(s.attainment_bp),
                }
            })
            .collect();
    let mut form = form;
    if form.period.is_empty() {
        form.period = Period::containing(PeriodKind::Quarter, local_date(now)).key();
    }
    Ok(GoalsPage {
        layout: Layout::new(auth, "kpis", tr.t("goals-title")).within("goals"),
        goals,
        can_manage: svc::is_manager(auth),
        scope_options: scopes
            .into_iter()
            .map(|(k, l, _)| {
                let sel = k == form.scope;
                (k, l, sel)
            })
            .collect(),
        metric_options: goal_metric_options(
            &tr,
            if form.metric.is_empty() {
                "won_revenue"
            } else {
                &form.metric
            },
            false,
        ),
        kr_rows: vec![
            (
                "1".into(),
                form.kr1_title.clone(),
                form.kr1_metric.clone(),
                form.kr1_target.clone(),
            ),
            (
                "2".into(),
                form.kr2_title.clone(),
                form.kr2_metric.clone(),
                form.kr2_target.clone(),
            ),
            (
                "3".into(),
                form.kr3_title.clone(),
                form.kr3_metric.clone(),
                form.kr3_target.clone(),
            ),
        ],
        form,
        errors,
        tr,
    })
}

pub async fn goals(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<GoalParams>,
) -> AppResult<Response> {
    let mut page = goals_page(
        &state,
        &auth,
        p.period.as_deref(),
        GoalForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn create_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<GoalForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let result = match form.input(&tr) {
        Ok(input) => goal_svc::create(&state.store, &auth, &input, state.clock.now())
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/goals?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = goals_page(&state, &auth, None, form, errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: GoalId = id.parse().map_err(|_| AppError::NotFound)?;
    goal_svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/goals?notice=deleted"))
}

// ----- interventions -----

pub struct CaseRow {
    pub id: String,
    pub title: String,
    pub subject: String,
    pub opened: String,
    pub open: bool,
    pub proposes_close: bool,
    pub figures: String,
}

#[derive(Template)]
#[template(path = "kpis/interventions.html")]
struct CasesPage {
    tr: Tr,
    layout: Layout,
    cases: Vec<CaseRow>,
    is_manager: bool,
}

pub async fn interventions(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<GoalParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let all = case_svc::case_views(&state.store, &auth, false, state.clock.now()).await?;
    let cases = all
        .iter()
        .map(|v| {
            let m = v.metric.unwrap_or(Metric::WinRate);
            CaseRow {
                id: v.case.id.to_string(),
                title: v.rule_name.clone(),
                subject: v.subject_name.clone(),
                opened: Period::parse(&v.case.opened_period)
                    .map(|p| period_label(&tr, &p))
                    .unwrap_or_default(),
                open: v.case.open,
                proposes_close: v.case.open && v.case.recovered_period.is_some(),
                figures: v
                    .case
                    .figures
                    .iter()
                    .map(|f| show(m, f.value, &tr))
                    .collect::<Vec<_>>()
                    .join(" · "),
            }
        })
        .collect();
    let layout = Layout::new(&auth, "kpis", tr.t("interventions-title"))
        .within("interventions")
        .with_notice(p.notice.as_deref());
    Ok(render(CasesPage {
        layout,
        cases,
        is_manager: svc::is_manager(&auth),
        tr,
    }))
}

#[derive(Template)]
#[template(path = "kpis/case.html")]
struct CasePage {
    tr: Tr,
    layout: Layout,
    id: String,
    version: i64,
    title: String,
    subject: String,
    open: bool,
    proposes_close: bool,
    recovered: String,
    metric: String,
    figures: Vec<(String, String)>,
    chart: String,
    goals: Vec<(String, String, String, String)>,
    check_ins: Vec<(String, String)>,
    can_edit: bool,
    form: CaseForm,
    /// The plan's goal lines: metric choices, target, date, the line's error messages.
    goal_lines: Vec<(Options, String, String, Vec<String>)>,
    /// The check-in lines: date, note, the line's error message.
    check_lines: Vec<(String, String, String)>,
    errors: FormErrors,
}

/// The plan form. Its goal and check-in lines repeat their field names, so it is read
/// from the pairs of the body (`from_pairs`), not by serde.
#[derive(Default, Clone)]
pub struct CaseForm {
    version: String,
    diagnosis: String,
    plan: String,
    goal_metric: Vec<String>,
    goal_target: Vec<String>,
    goal_by: Vec<String>,
    check_in_on: Vec<String>,
    check_in_note: Vec<String>,
}

/// How many empty plan lines the form offers besides the filled ones.
const SPARE_LINES: usize = 2;

impl CaseForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> CaseForm {
        let mut f = CaseForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "diagnosis" => f.diagnosis = v,
                "plan" => f.plan = v,
                "goal_metric" => f.goal_metric.push(v),
                "goal_target" => f.goal_target.push(v),
                "goal_by" => f.goal_by.push(v),
                "check_in_on" => f.check_in_on.push(v),
                "check_in_note" => f.check_in_note.push(v),
                _ => {}
            }
        }
        f
    }

    fn of(c: &tandem_store::goals::Case, tr: &Tr) -> CaseForm {
        let d = &c.data;
        CaseForm {
            version: c.version.to_string(),
            diagnosis: d.diagnosis.clone().unwrap_or_default(),
            plan: d.plan.clone().unwrap_or_default(),
            goal_metric: d.goals.iter().map(|g| g.metric.key().to_string()).collect(),
            goal_target: d
                .goals
                .iter()
                .map(|g| edit_value(g.metric, g.target, tr.locale))
                .collect(),
            goal_by: d.goals.iter().map(|g| g.by.to_string()).collect(),
            check_in_on: d.check_ins.iter().map(|c| c.on.to_string()).collect(),
            check_in_note: d
                .check_ins
                .iter()
                .map(|c| c.note.clone().unwrap_or_default())
                .collect(),
        }
    }

    fn input(&self, tr: &Tr) -> Result<CaseInput, Invalid> {
        let mut goals = vec![];
        for (i, metric) in self.goal_metric.iter().enumerate() {
            let target = self.goal_target.get(i).map(String::as_str).unwrap_or("");
            let by = self.goal_by.get(i).map(String::as_str).unwrap_or("");
            if metric.is_empty() && target.trim().is_empty() && by.trim().is_empty() {
                continue;
            }
            let n = goals.len();
            let m = Metric::parse(metric);
            let value = match m {
                Some(m) => parse_value(m, target, tr.locale)
                    .ok_or_else(|| Invalid::one(format!("goals.{n}.target"), "invalid_number"))?,
                None => 0,
            };
            goals.push(PlanGoalInput {
                metric: metric.clone(),
                target: value,
                by: by.to_string(),
            });
        }
        let check_ins = self
            .check_in_on
            .iter()
            .enumerate()
            .filter_map(|(i, on)| {
                let note = self.check_in_note.get(i).cloned().unwrap_or_default();
                (!on.trim().is_empty() || !note.trim().is_empty()).then(|| CheckInInput {
                    on: on.clone(),
                    note: Some(note).filter(|n| !n.trim().is_empty()),
                })
            })
            .collect();
        Ok(CaseInput {
            diagnosis: Some(self.diagnosis.clone()),
            plan: Some(self.plan.clone()),
            goals,
            check_ins,
        })
    }
}

/// Bars of the figures that fired the rule, with the threshold as a line.
fn figures_chart(values: &[Option<i64>], threshold: Option<i64>) -> String {
    let top = values
        .iter()
        .flatten()
        .copied()
        .chain(threshold)
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, gap) = (40i64, 80i64, 12i64);
    let width = values.len() as i64 * (w + gap);
    let mut out = format!(
        r#"<svg class="chart" viewBox="0 0 {width} {h}" width="{width}" height="{h}" aria-hidden="true" focusable="false">"#
    );
    for (i, v) in values.iter().enumerate() {
        let v = v.unwrap_or(0).max(0);
        let bh = (v as i128 * (h - 4) as i128 / top as i128) as i64;
        out.push_str(&format!(
            r#"<rect class="fill" x="{}" y="{}" width="{w}" height="{bh}" rx="3"/>"#,
            i as i64 * (w + gap),
            h - bh
        ));
    }
    if let Some(t) = threshold {
        let y = h - (t.max(0) as i128 * (h - 4) as i128 / top as i128) as i64;
        out.push_str(&format!(
            r#"<line class="threshold" x1="0" x2="{width}" y1="{y}" y2="{y}"/>"#
        ));
    }
    out.push_str("</svg>");
    out
}

async fn case_page(
    state: &AppState,
    auth: &Auth,
    id: InterventionId,
    form: Option<CaseForm>,
    errors: FormErrors,
) -> AppResult<CasePage> {
    let tr = Tr::new(auth.user.locale);
    let v = case_svc::case_view(&state.store, auth, id, state.clock.now()).await?;
    let m = v.metric.unwrap_or(Metric::WinRate);
    let threshold = match case_svc::rules(&state.store, auth).await {
        Ok(rules) => {
            rules
                .iter()
                .find(|r| r.id == v.case.rule_id)
                .and_then(|r| match r.data.condition {
                    Condition::Below { threshold, .. } => Some(threshold),
                    _ => None,
                })
        }
        Err(_) => None,
    };
    let values: Vec<Option<i64>> = v.case.figures.iter().map(|f| f.value).collect();
    let form = form.unwrap_or_else(|| CaseForm::of(&v.case, &tr));
    let lines = form.goal_metric.len() + SPARE_LINES;
    let metric_options: Vec<Options> = (0..lines)
        .map(|i| {
            let sel = form.goal_metric.get(i).map(String::as_str).unwrap_or("");
            let mut o = vec![(String::new(), tr.t("choose-metric"), sel.is_empty())];
            o.extend(
                Metric::ALL
                    .iter()
                    .map(|x| (x.key().to_string(), metric_name(&tr, *x), x.key() == sel)),
            );
            o
        })
        .collect();
    let mut form = form;
    form.goal_target.resize(lines, String::new());
    form.goal_by.resize(lines, String::new());
    let checks = form.check_in_on.len() + SPARE_LINES;
    form.check_in_on.resize(checks, String::new());
    form.check_in_note.resize(checks, String::new());
    let goal_lines = metric_options
        .into_iter()
        .enumerate()
        .map(|(i, o): (usize, Options)| {
            let errs = ["metric", "target", "by"]
                .iter()
                .map(|f| errors.get(&format!("goals.{i}.{f}")).to_string())
                .filter(|e| !e.is_empty())
                .collect();
            (
                o,
                form.goal_target[i].clone(),
                form.goal_by[i].clone(),
                errs,
            )
        })
        .collect();
    let check_lines = (0..checks)
        .map(|i| {
            (
                form.check_in_on[i].clone(),
                form.check_in_note[i].clone(),
                errors.get(&format!("check_ins.{i}.on")).to_string(),
            )
        })
        .collect();
    Ok(CasePage {
        layout: Layout::new(auth, "kpis", v.rule_name.clone()).within("interventions"),
        id: v.case.id.to_string(),
        version: v.case.version,
        title: v.rule_name.clone(),
        subject: v.subject_name.clone(),
        open: v.case.open,
        proposes_close: v.case.open && v.case.recovered_period.is_some(),
        recovered: v
            .case
            .recovered_period
            .as_deref()
            .and_then(Period::parse)
            .map(|p| period_label(&tr, &p))
            .unwrap_or_default(),
        metric: metric_name(&tr, m),
        figures: v
            .case
            .figures
            .iter()
            .map(|f| {
                (
                    Period::parse(&f.period)
                        .map(|p| period_label(&tr, &p))
                        .unwrap_or_default(),
                    show(m, f.value, &tr),
                )
            })
            .collect(),
        chart: figures_chart(&values, threshold),
        goals: v
            .case
            .data
            .goals
            .iter()
            .zip(v.goal_values.iter().chain(std::iter::repeat(&None)))
            .map(|(g, cur)| {
                (
                    metric_name(&tr, g.metric),
                    show(g.metric, Some(g.target), &tr),
                    format::date(g.by, tr.locale),
                    show(g.metric, *cur, &tr),
                )
            })
            .collect(),
        check_ins: v
            .case
            .data
            .check_ins
            .iter()
            .map(|c| {
                (
                    format::date(c.on, tr.locale),
                    c.note.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_edit: svc::is_manager(auth) && v.case.open,
        form,
        goal_lines,
        check_lines,
        errors,
        tr,
    })
}

fn case_id(raw: &str) -> AppResult<InterventionId> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(p): Query<GoalParams>,
) -> AppResult<Response> {
    let mut page = case_page(&state, &auth, case_id(&id)?, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn update_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = CaseForm::from_pairs(pairs);
    let id = case_id(&id)?;
    let tr = Tr::new(auth.user.locale);
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| AppError::from(Invalid::one("version", "required")))?;
    let result = match form.input(&tr) {
        Ok(input) => case_svc::update_case(&state.store, &auth, id, version, &input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/interventions/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = case_page(&state, &auth, id, Some(form), errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

pub async fn close_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let id = case_id(&id)?;
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| AppError::from(Invalid::one("version", "required")))?;
    case_svc::close_case(&state.store, &auth, id, version).await?;
    Ok(see_other(&format!(
        "/interventions/{id}?notice=case-closed"
    )))
}

// ----- rules -----

pub struct RuleRow {
    pub id: String,
    pub name: String,
    pub metric: String,
    pub condition: String,
    pub applies_to: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "kpis/rules.html")]
struct RulesPage {
    tr: Tr,
    layout: Layout,
    rules: Vec<RuleRow>,
    form: RuleForm,
    metric_options: Options,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct RuleForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    applies_to: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    periods: String,
    #[serde(default)]
    recovery_periods: String,
}

impl RuleForm {
    fn input(&self, tr: &Tr) -> Result<RuleInput, Invalid> {
        let small = |s: &str, field: &str| -> Result<u8, Invalid> {
            s.trim()
                .parse::<u8>()
                .map_err(|_| Invalid::one(field, "invalid_number"))
        };
        let condition = match self.kind.as_str() {
            "drop_vs_previous" => Condition::DropVsPrevious {
                percent: small(&self.percent, "condition.percent")?,
            },
            "drop_vs_average" => Condition::DropVsAverage {
                percent: small(&self.percent, "condition.percent")?,
                periods: small(&self.periods, "condition.periods")?,
            },
            _ => {
                let m = Metric::parse(&self.metric).unwrap_or(Metric::WinRate);
                Condition::Below {
                    threshold: parse_value(m, &self.threshold, tr.locale)
                        .ok_or_else(|| Invalid::one("condition.threshold", "invalid_number"))?,
                    periods: small(&self.periods, "condition.periods")?,
                }
            }
        };
        Ok(RuleInput {
            name: self.name.clone(),
            metric: self.metric.clone(),
            applies_to: Some(self.applies_to.clone()),
            period: Some(self.period.clone()),
            condition: Some(condition),
            recovery_periods: Some(small(
                if self.recovery_periods.trim().is_empty() {
                    "2"
                } else {
                    &self.recovery_periods
                },
                "recovery_periods",
            )?),
            active: true,
        })
    }
}

fn describe(tr: &Tr, r: &tandem_domain::goals::RuleData) -> String {
    let unit = tr.t(&format!("period-{}s", r.period.as_str()));
    match r.condition {
        Condition::Below { threshold, periods } => tr.tn(
            "rule-below",
            &[
                ("value", &show(r.metric, Some(threshold), tr)),
                ("n", &periods.to_string()),
                ("unit", &unit),
            ],
        ),
        Condition::DropVsPrevious { percent } => {
            tr.tn("rule-drop-previous", &[("percent", &percent.to_string())])
        }
        Condition::DropVsAverage { percent, periods } => tr.tn(
            "rule-drop-average",
            &[
                ("percent", &percent.to_string()),
                ("n", &periods.to_string()),
                ("unit", &unit),
            ],
        ),
    }
}

async fn rules_page(
    state: &AppState,
    auth: &Auth,
    form: RuleForm,
    errors: FormErrors,
) -> AppResult<RulesPage> {
    let tr = Tr::new(auth.user.locale);
    let rules = case_svc::rules(&state.store, auth).await?;
    let rows = rules
        .iter()
        .map(|r| RuleRow {
            id: r.id.to_string(),
            name: r.data.name.clone(),
            metric: metric_name(&tr, r.data.metric),
            condition: describe(&tr, &r.data),
            applies_to: tr.t(&format!(
                "rule-{}",
                r.data.applies_to.as_str().replace('_', "-")
            )),
            active: r.data.active,
        })
        .collect();
    let sel = if form.metric.is_empty() {
        "win_rate"
    } else {
        form.metric.as_str()
    };
    Ok(RulesPage {
        layout: Layout::new(auth, "kpis", tr.t("rules-title")).within("rules"),
        rules: rows,
        metric_options: Metric::ALL
            .iter()
            .map(|m| (m.key().to_string(), metric_name(&tr, *m), m.key() == sel))
            .collect(),
        form,
        errors,
        tr,
    })
}

pub async fn rules(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    Ok(render(
        rules_page(&state, &auth, RuleForm::default(), FormErrors::default()).await?,
    ))
}

pub async fn create_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let result = match form.input(&tr) {
        Ok(input) => case_svc::create_rule(&state.store, &auth, &input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/interventions/rules")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = rules_page(&state, &auth, form, errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

pub async fn toggle_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: RuleId = id.parse().map_err(|_| AppError::NotFound)?;
    let r = case_svc::rule(&state.store, &auth, id).await?;
    let mut input = r.data.to_input();
    input.active = !r.data.active;
    case_svc::update_rule(&state.store, &auth, id, r.version, &input).await?;
    Ok(see_other("/interventions/rules"))
}

pub async fn delete_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: RuleId = id.parse().map_err(|_| AppError::NotFound)?;
    case_svc::delete_rule(&state.store, &auth, id).await?;
    Ok(see_other("/interventions/rules"))
}

// ----- the team comparison -----

pub struct ComparedRow {
    pub name: String,
    pub href: String,
    pub cells: Vec<String>,
    /// Won, commit, best case, pipeline.
    pub forecast: Vec<String>,
    pub quota: String,
    pub attainment: String,
    pub bar: String,
}

/// A pipeline's funnel as the page shows it: the chart and per stage (name, visits
/// left, share moved on).
pub struct FunnelView {
    pub pipeline: String,
    pub chart: String,
    pub steps: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "kpis/team.html")]
struct TeamPage {
    tr: Tr,
    layout: Layout,
    headers: Vec<String>,
    forecast_headers: Vec<String>,
    rows: Vec<ComparedRow>,
    total: ComparedRow,
    chart: String,
    forecast_chart: String,
    funnels: Vec<FunnelView>,
    head: PeriodHead,
}

fn compared_row(tr: &Tr, c: &svc::Compared, name: String, period: &Period) -> ComparedRow {
    ComparedRow {
        href: href(&Scope::User(c.user_id), period),
        name,
        cells: svc::COMPARED
            .iter()
            .zip(&c.values)
            .map(|(m, v)| show(*m, *v, tr))
            .collect(),
        forecast: [c.values[0].unwrap_or(0)]
            .iter()
            .chain(&c.forecast)
            .map(|v| show(Metric::WonRevenue, Some(*v), tr))
            .collect(),
        quota: c
            .quota
            .map(|q| show(Metric::WonRevenue, Some(q), tr))
            .unwrap_or_else(|| NO_DATA.to_string()),
        attainment: c
            .attainment_bp
            .map(|a| format::percent(a, tr.locale))
            .unwrap_or_default(),
        bar: bar(c.attainment_bp),
    }
}

/// Text for inside SVG markup.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Won revenue per person as horizontal bars, with each quota as a tick.
pub fn revenue_chart(tr: &Tr, people: &[svc::Compared]) -> String {
    let most = people
        .iter()
        .flat_map(|p| [p.values[0].unwrap_or(0), p.quota.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1) as i128;
    let (label_w, bar_w, row_h) = (160_i64, 400_i64, 28_i64);
    let height = row_h * people.len() as i64 + 4;
    // The table below says the same; the chart is for the eye.
    let mut out = format!(
        r#"<svg class="chart hbars" viewBox="0 0 {} {height}" aria-hidden="true" focusable="false">"#,
        label_w + bar_w + 120,
    );
    for (i, p) in people.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let won = p.values[0].unwrap_or(0).max(0);
        let w = (won as i128 * bar_w as i128 / most) as i64;
        let name = xml_text(&p.name);
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{name}</text><rect x="{label_w}" y="{y}" width="{}" height="{}" class="fill"/>"#,
            label_w - 8,
            y + row_h / 2 + 4,
            w.max(1),
            row_h - 10,
        ));
        if let Some(q) = p.quota.filter(|q| *q > 0) {
            let x = label_w + (q as i128 * bar_w as i128 / most) as i64;
            out.push_str(&format!(
                r#"<line x1="{x}" x2="{x}" y1="{}" y2="{}" class="quota"/>"#,
                y - 2,
                y + row_h - 6
            ));
        }
        out.push_str(&format!(
            r#"<text x="{}" y="{}" class="value">{}</text>"#,
            label_w + w.max(1) + 6,
            y + row_h / 2 + 4,
            show(Metric::WonRevenue, Some(won), tr)
        ));
    }
    out.push_str("</svg>");
    out
}

/// The scope's forecast as one bar: won, then commit, best case and pipeline on top,
/// the quota as a tick.
pub fn forecast_chart(c: &svc::Compared) -> String {
    let won = c.values[0].unwrap_or(0).max(0);
    let parts = [won, c.forecast[0], c.forecast[1], c.forecast[2]];
    let all: i64 = parts.iter().map(|p| p.max(&0)).sum();
    let most = all.max(c.quota.unwrap_or(0)).max(1) as i128;
    let (w, h) = (560_i64, 36_i64);
    let mut out = format!(
        r#"<svg class="chart forecast" viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">"#
    );
    let mut x = 0_i64;
    for (part, class) in parts.iter().zip(["won", "commit", "best", "pipe"]) {
        let pw = (*part.max(&0) as i128 * w as i128 / most) as i64;
        if pw > 0 {
            out.push_str(&format!(
                r#"<rect x="{x}" y="6" width="{pw}" height="{}" class="{class}"/>"#,
                h - 12
            ));
        }
        x += pw;
    }
    if let Some(q) = c.quota.filter(|q| *q > 0) {
        let qx = ((q as i128 * w as i128 / most) as i64).min(w - 1);
        out.push_str(&format!(
            r#"<line x1="{qx}" x2="{qx}" y1="0" y2="{h}" class="quota"/>"#
        ));
    }
    out.push_str("</svg>");
    out
}

/// A funnel: per stage a bar as long as the visits that ended there, its darker part
/// those that moved on.
pub fn funnel_chart(f: &svc::Funnel) -> String {
    let most = f.steps.iter().map(|s| s.exits).max().unwrap_or(0).max(1) as i128;
    let (label_w, bar_w, row_h) = (160_i64, 400_i64, 28_i64);
    let height = row_h * f.steps.len() as i64 + 4;
    let mut out = format!(
        r#"<svg class="chart hbars funnel" viewBox="0 0 {} {height}" aria-hidden="true" focusable="false">"#,
        label_w + bar_w + 40,
    );
    for (i, s) in f.steps.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let w = (s.exits as i128 * bar_w as i128 / most) as i64;
        let on = (s.advances as i128 * bar_w as i128 / most) as i64;
        // Centred, so the bars narrow like a funnel.
        let x = label_w + (bar_w - w) / 2;
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{x}" y="{y}" width="{}" height="{}" class="track"/><rect x="{x}" y="{y}" width="{on}" height="{}" class="fill"/>"#,
            label_w - 8,
            y + row_h / 2 + 4,
            xml_text(&s.stage),
            w.max(1),
            row_h - 10,
            row_h - 10,
        ));
    }
    out.push_str("</svg>");
    out
}

/// The scopes a comparison is for: the company and every team.
async fn team_scope_options(
    state: &AppState,
    auth: &Auth,
    current: &Scope,
    tr: &Tr,
) -> AppResult<Options> {
    let mut c = state.store.read().await?;
    let teams = tandem_store::users::teams(&mut c.conn(), auth.user.workspace_id).await?;
    let mut out: Options = vec![(
        Scope::Workspace.key(),
        tr.t("kpis-workspace"),
        *current == Scope::Workspace,
    )];
    out.extend(teams.iter().map(|t| {
        let s = Scope::Team(t.id);
        (s.key(), tr.t1("kpis-team", "team", &t.name), *current == s)
    }));
    Ok(out)
}

/// The scope a comparison shows first: the manager's own team, else the company.
fn team_scope(p: &KpiParams, auth: &Auth) -> AppResult<Scope> {
    match p.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(auth.user.team_id.map_or(Scope::Workspace, Scope::Team)),
        scope => svc::parse_scope(scope, auth),
    }
}

async fn comparison_for(
    state: &AppState,
    auth: &Auth,
    p: &KpiParams,
) -> AppResult<svc::Comparison> {
    let today = local_date(state.clock.now());
    let scope = team_scope(p, auth)?;
    let period = svc::parse_period(p.period.as_deref(), p.period_kind.as_deref(), today)?;
    svc::comparison(&state.store, auth, scope, period, state.clock.now()).await
}

pub async fn team(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let cmp = comparison_for(&state, &auth, &p).await?;
    let (scope, period) = (cmp.scope, cmp.period);
    let page = TeamPage {
        layout: Layout::new(&auth, "kpis", tr.t("team-title")).within("team"),
        headers: svc::COMPARED.iter().map(|m| metric_name(&tr, *m)).collect(),
        forecast_headers: ["team-won", "team-commit", "team-best-case", "team-pipeline"]
            .iter()
            .map(|k| tr.t(k))
            .collect(),
        rows: cmp
            .people
            .iter()
            .map(|c| compared_row(&tr, c, c.name.clone(), &period))
            .collect(),
        total: compared_row(&tr, &cmp.total, tr.t("team-total"), &period),
        chart: revenue_chart(&tr, &cmp.people),
        forecast_chart: forecast_chart(&cmp.total),
        funnels: cmp
            .funnel
            .iter()
            .map(|f| {
                let rows = f
                    .steps
                    .iter()
                    .map(|s| {
                        (
                            s.stage.clone(),
                            tr.number(&s.exits),
                            s.rate_bp
                                .map(|r| format::percent(r, tr.locale))
                                .unwrap_or_else(|| NO_DATA.to_string()),
                        )
                    })
                    .collect();
                FunnelView {
                    pipeline: f.pipeline.clone(),
                    chart: funnel_chart(f),
                    steps: rows,
                }
            })
            .collect(),
        head: PeriodHead::new(
            &tr,
            "/kpis/team",
            &scope,
            &period,
            team_scope_options(&state, &auth, &scope, &tr).await?,
        ),
        tr,
    };
    Ok(render(page))
}

/// The comparison as CSV: raw values in their units.
pub async fn team_export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let cmp = comparison_for(&state, &auth, &p).await?;
    let period = cmp.period;
    let mut out = super::table::csv_writer(tr.locale);
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut head = vec!["person".to_string(), "period".to_string()];
    head.extend(svc::COMPARED.iter().map(|m| m.key().to_string()));
    head.extend(["quota".to_string(), "attainment_bp".to_string()]);
    out.write_record(&head).map_err(internal)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let total = tr.t("team-total");
    for (name, c) in cmp
        .people
        .iter()
        .map(|c| (c.name.as_str(), c))
        .chain([(total.as_str(), &cmp.total)])
    {
        let mut rec = vec![super::table::neutralised(name).into_owned(), period.key()];
        rec.extend(c.values.iter().map(|v| opt(*v)));
        rec.extend([opt(c.quota), opt(c.attainment_bp)]);
        out.write_record(&rec).map_err(internal)?;
    }
    csv_download(out, &format!("team-{}.csv", period.key()))
}

// ----- the weekly report -----

pub struct SharedReport {
    pub author: String,
    pub published: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "kpis/report.html")]
struct ReportPage {
    tr: Tr,
    layout: Layout,
    week: String,
    week_label: String,
    prev_href: String,
    next_href: String,
    body: String,
    version: String,
    published: Option<String>,
    drafted: bool,
    shared: Vec<SharedReport>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct ReportParams {
    week: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    week: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    version: String,
    /// `save`, `publish` or `withdraw`.
    #[serde(default)]
    action: String,
}

/// A start for the report: the author's own figures of the week, and two questions.
async fn draft(state: &AppState, auth: &Auth, tr: &Tr, week: Period) -> AppResult<String> {
    const DRAFTED: [Metric; 7] = [
        Metric::WonRevenue,
        Metric::DealsWon,
        Metric::WinRate,
        Metric::NewCustomers,
        Metric::OpenPipeline,
        Metric::Activities,
        Metric::KeyConversations,
    ];
    let board = svc::board(
        &state.store,
        auth,
        Scope::User(auth.user.id),
        week,
        state.clock.now(),
        None,
    )
    .await?;
    let mut text = format!("{}\n\n", period_label(tr, &week));
    for f in board.figures.iter().filter(|f| DRAFTED.contains(&f.metric)) {
        text.push_str(&format!(
            "- {}: {}\n",
            metric_name(tr, f.metric),
            show(f.metric, f.value, tr)
        ));
    }
    text.push_str(&format!(
        "\n{}\n\n{}\n",
        tr.t("weekly-draft-good"),
        tr.t("weekly-draft-next")
    ));
    Ok(text)
}

async fn report_page(
    state: &AppState,
    auth: &Auth,
    week: Period,
    form: Option<ReportForm>,
    errors: FormErrors,
) -> AppResult<ReportPage> {
    let tr = Tr::new(auth.user.locale);
    let mine = crate::services::reports::mine(&state.store, auth, &week).await?;
    let shared = crate::services::reports::shared(&state.store, auth, &week).await?;
    let (body, drafted) = match (&form, &mine) {
        (Some(f), _) => (f.body.clone(), false),
        (None, Some(r)) => (r.body.clone(), false),
        (None, None) => (draft(state, auth, &tr, week).await?, true),
    };
    let when = |at: tandem_domain::Instant| format::instant(at, tr.locale);
    let at = |p: &Period| format!("/kpis/report?week={}", p.key());
    Ok(ReportPage {
        layout: Layout::new(auth, "kpis", tr.t("weekly-title")).within("report"),
        week: week.key(),
        week_label: period_label(&tr, &week),
        prev_href: at(&week.previous()),
        next_href: at(&week.next()),
        body,
        version: mine
            .as_ref()
            .map(|r| r.version.to_string())
            .unwrap_or_default(),
        published: mine.as_ref().and_then(|r| r.published_at).map(when),
        drafted,
        shared: shared
            .into_iter()
            .map(|s| SharedReport {
                author: s.author,
                published: s.report.published_at.map(when).unwrap_or_default(),
                body: s.report.body,
            })
            .collect(),
        errors,
        tr,
    })
}

pub async fn report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ReportParams>,
) -> AppResult<Response> {
    let today = local_date(state.clock.now());
    let week = match p.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => crate::services::reports::parse_week(w)?,
        None => Period::containing(PeriodKind::Week, today),
    };
    let mut page = report_page(&state, &auth, week, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn save_report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    use crate::services::reports::{self as reports, Sharing};
    let week = reports::parse_week(&form.week)?;
    let sharing = match form.action.as_str() {
        "publish" => Sharing::Publish,
        "withdraw" => Sharing::Withdraw,
        _ => Sharing::Keep,
    };
    let version = form.version.trim().parse::<i64>().ok();
    let input = tandem_domain::goals::ReportInput {
        body: form.body.clone(),
    };
    let result = reports::save(
        &state.store,
        &auth,
        &week,
        input,
        version,
        sharing,
        state.clock.now(),
    )
    .await;
    match result {
        Ok(_) => {
            let notice = match sharing {
                Sharing::Publish => "report-published",
                Sharing::Withdraw => "report-withdrawn",
                Sharing::Keep => "saved",
            };
            Ok(see_other(&format!(
                "/kpis/report?week={}&notice={notice}",
                week.key()
            )))
        }
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let page = report_page(&state, &auth, week, Some(form), errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}
