//! Goals: quotas and OKRs with where they stand, and the form managers set them with.

use super::*;
use crate::extract::Id;

pub struct GoalRow {
    pub id: String,
    pub title: String,
    pub scope: String,
    pub period: String,
    pub lines: Vec<(String, String, String)>,
    pub attainment: String,
    pub bar: String,
}

/// A goal with where it stands, as the goal lists show it.
pub fn goal_row(tr: &Tr, s: &goal_svc::Standing, scope: String) -> GoalRow {
    let d = &s.goal.data;
    let lines = match d.metric {
        Some(m) => vec![(
            metric_name(tr, m),
            show(m, s.value, tr),
            show(m, d.target, tr),
        )],
        None => d
            .key_results
            .iter()
            .zip(&s.key_results)
            .map(|(k, v)| match k.metric {
                Some(m) => (
                    k.title.clone(),
                    show(m, *v, tr),
                    show(m, Some(k.target), tr),
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
        title: d
            .title
            .clone()
            .unwrap_or_else(|| d.metric.map(|m| metric_name(tr, m)).unwrap_or_default()),
        scope,
        period: period_label(tr, &d.period),
        lines,
        attainment: s
            .attainment_bp
            .map(|a| format::percent(a, tr.locale))
            .unwrap_or(NO_DATA.into()),
        bar: bar(s.attainment_bp),
    }
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

impl GoalForm {
    /// The three key result rows of an OKR as typed: `(n, title, metric, target)`.
    fn key_result_rows(&self) -> Vec<(String, String, String, String)> {
        [
            (&self.kr1_title, &self.kr1_metric, &self.kr1_target),
            (&self.kr2_title, &self.kr2_metric, &self.kr2_target),
            (&self.kr3_title, &self.kr3_metric, &self.kr3_target),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (title, metric, target))| {
            (
                (i + 1).to_string(),
                title.clone(),
                metric.clone(),
                target.clone(),
            )
        })
        .collect()
    }
}

async fn goals_page(
    state: &AppState,
    auth: &Auth,
    period: Option<&str>,
    form: GoalForm,
    errors: FormErrors,
) -> AppResult<GoalsPage> {
    let tr = Tr::new(auth.user.locale);
    let now = state.store.now();
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
    let goals = all
        .iter()
        .map(|s| goal_row(&tr, s, scope_name(&s.goal.data.scope)))
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
        kr_rows: form.key_result_rows(),
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
        Ok(input) => goal_svc::create(&state.store, &auth, &input, state.store.now())
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
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_goal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<GoalId>,
) -> AppResult<Response> {
    goal_svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/goals?notice=deleted"))
}
