//! Intervention rules: what fires a case, for managers.

use super::*;
use crate::extract::Id;

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
        Err(e) => Err(e.into()),
    }
}

pub async fn toggle_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<Response> {
    let r = case_svc::rule(&state.store, &auth, id).await?;
    let mut input = r.data.to_input();
    input.active = !r.data.active;
    case_svc::update_rule(&state.store, &auth, id, r.version, &input).await?;
    Ok(see_other("/interventions/rules"))
}

pub async fn delete_rule(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<RuleId>,
) -> AppResult<Response> {
    case_svc::delete_rule(&state.store, &auth, id).await?;
    Ok(see_other("/interventions/rules"))
}
