//! Intervention cases: the list, a case with the figures that fired it, the coaching
//! plan and check-ins, and closing it.

use super::{charts::*, *};
use crate::extract::Id;

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
    let all = case_svc::case_views(&state.store, &auth, false, state.store.now()).await?;
    let cases = all
        .iter()
        .map(|v| {
            let m = v.metric.unwrap_or(Metric::WinRate);
            CaseRow {
                id: v.case.id.to_string(),
                title: rule_title(&tr, v),
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

async fn case_page(
    state: &AppState,
    auth: &Auth,
    id: InterventionId,
    form: Option<CaseForm>,
    errors: FormErrors,
) -> AppResult<CasePage> {
    let tr = Tr::new(auth.user.locale);
    let v = case_svc::case_view(&state.store, auth, id, state.store.now()).await?;
    let m = v.metric.unwrap_or(Metric::WinRate);
    let values: Vec<Option<i64>> = v.case.figures.iter().map(|f| f.value).collect();
    let form = form.unwrap_or_else(|| CaseForm::of(&v.case, &tr));
    let (form, goal_lines, check_lines) = form_lines(&tr, form, &errors);
    Ok(CasePage {
        layout: Layout::new(auth, "kpis", rule_title(&tr, &v)).within("interventions"),
        id: v.case.id.to_string(),
        version: v.case.version,
        title: rule_title(&tr, &v),
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
        figures: figures(&tr, m, &v.case),
        chart: figures_chart(&values, v.threshold),
        goals: goals(&tr, &v),
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

type GoalLine = (Options, String, String, Vec<String>);
type CheckLine = (String, String, String);

/// The plan's form with spare lines to add a goal or a check-in, each with its errors.
fn form_lines(
    tr: &Tr,
    mut form: CaseForm,
    errors: &FormErrors,
) -> (CaseForm, Vec<GoalLine>, Vec<CheckLine>) {
    let lines = form.goal_metric.len() + SPARE_LINES;
    let metric_options: Vec<Options> = (0..lines)
        .map(|i| {
            let sel = form.goal_metric.get(i).map(String::as_str).unwrap_or("");
            let mut o = vec![(String::new(), tr.t("choose-metric"), sel.is_empty())];
            o.extend(
                Metric::ALL
                    .iter()
                    .map(|x| (x.key().to_string(), metric_name(tr, *x), x.key() == sel)),
            );
            o
        })
        .collect();
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
    (form, goal_lines, check_lines)
}

/// The rule's figure per period, as the case recorded them.
fn figures(tr: &Tr, m: Metric, case: &tandem_store::goals::Case) -> Vec<(String, String)> {
    case.figures
        .iter()
        .map(|f| {
            (
                Period::parse(&f.period)
                    .map(|p| period_label(tr, &p))
                    .unwrap_or_default(),
                show(m, f.value, tr),
            )
        })
        .collect()
}

/// The plan's goals: metric, target, by when, and where the figure stands now.
fn goals(tr: &Tr, v: &case_svc::CaseView) -> Vec<(String, String, String, String)> {
    v.case
        .data
        .goals
        .iter()
        .zip(v.goal_values.iter().chain(std::iter::repeat(&None)))
        .map(|(g, cur)| {
            (
                metric_name(tr, g.metric),
                show(g.metric, Some(g.target), tr),
                format::date(g.by, tr.locale),
                show(g.metric, *cur, tr),
            )
        })
        .collect()
}

pub async fn case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
    Query(p): Query<GoalParams>,
) -> AppResult<Response> {
    let mut page = case_page(&state, &auth, id, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn update_case(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<InterventionId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = CaseForm::from_pairs(pairs);
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
        Err(e) => Err(e.into()),
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
    Id(id): Id<InterventionId>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| AppError::from(Invalid::one("version", "required")))?;
    case_svc::close_case(&state.store, &auth, id, version).await?;
    Ok(see_other(&format!(
        "/interventions/{id}?notice=case-closed"
    )))
}

/// The case's title: its rule's name, marked when the rule has been deleted since.
fn rule_title(tr: &Tr, v: &case_svc::CaseView) -> String {
    match (v.rule_deleted, v.rule_name.is_empty()) {
        (false, _) => v.rule_name.clone(),
        (true, false) => tr.t1("case-rule-deleted", "name", &v.rule_name),
        (true, true) => tr.t("case-rule-gone"),
    }
}
