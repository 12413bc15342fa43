//! Goals (quotas and OKRs), intervention rules and the cases they open: the inputs as
//! people type them and the checks that turn them into data.

use crate::metrics::{Condition, Metric, Period, PeriodKind, Scope, Unit, attainment_bp};
use crate::validation::Checker;
use crate::{Invalid, money::MAX_MINOR};
use serde::{Deserialize, Serialize};

/// The largest target of any unit (money in minor units is the largest).
fn max_target(metric: Metric) -> i64 {
    match metric.unit() {
        // Ten times the goal: "200 % of the usual win rate" is no target.
        Unit::Ratio => 10_000 * 10,
        _ => MAX_MINOR,
    }
}

// ----- goals -----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// A target on one metric.
    Quota,
    /// An objective with key results.
    Okr,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyResultInput {
    #[serde(default)]
    pub title: String,
    /// Bound to a metric (it updates itself), or empty for one entered by hand.
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default)]
    pub target: i64,
    /// For a manual key result: where it stands.
    #[serde(default)]
    pub current: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    pub title: String,
    #[serde(with = "metric_key_opt")]
    pub metric: Option<Metric>,
    pub target: i64,
    pub current: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    /// `quota` (default) or `okr`.
    #[serde(default)]
    pub kind: Option<String>,
    /// `workspace`, `team:<id>`, `user:<id>`.
    #[serde(default)]
    pub scope: String,
    /// `2026-W49`, `2026-12`, `2026-Q4`, `2026`.
    #[serde(default)]
    pub period: String,
    /// The objective of an OKR; for a quota optional.
    #[serde(default)]
    pub title: Option<String>,
    /// A quota's metric.
    #[serde(default)]
    pub metric: Option<String>,
    /// A quota's target in the metric's unit (cents, count, basis points, hundredths).
    #[serde(default)]
    pub target: Option<i64>,
    #[serde(default)]
    pub key_results: Vec<KeyResultInput>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoalData {
    pub kind: GoalKind,
    pub scope: Scope,
    pub period: Period,
    pub title: Option<String>,
    pub metric: Option<Metric>,
    pub target: Option<i64>,
    pub key_results: Vec<KeyResult>,
}

pub const MAX_KEY_RESULTS: usize = 10;

fn target_check(c: &mut Checker, field: &str, metric: Option<Metric>, target: i64) {
    if target <= 0 {
        c.add(field, "must_be_positive");
    } else if target > metric.map_or(MAX_MINOR, max_target) {
        c.add(field, "out_of_range");
    }
}

impl GoalInput {
    pub fn validate(&self) -> Result<GoalData, Invalid> {
        let mut c = Checker::default();
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") | Some("quota") => GoalKind::Quota,
            Some("okr") => GoalKind::Okr,
            Some(_) => {
                c.add("kind", "unknown");
                GoalKind::Quota
            }
        };
        let scope = Scope::parse(&self.scope);
        if scope.is_none() {
            c.add("scope", "invalid");
        }
        let period = Period::parse(&self.period);
        if period.is_none() {
            c.add("period", "invalid_period");
        }
        let title = c.optional("title", self.title.as_deref(), 200);
        let mut metric = None;
        let mut target = None;
        let mut key_results = vec![];
        match kind {
            GoalKind::Quota => {
                metric = match self.metric.as_deref().map(str::trim) {
                    None | Some("") => {
                        c.add("metric", "required");
                        None
                    }
                    Some(m) => match Metric::parse(m) {
                        Some(m) if m.can_be_goal() => Some(m),
                        Some(_) => {
                            c.add("metric", "not_a_goal_metric");
                            None
                        }
                        None => {
                            c.add("metric", "unknown");
                            None
                        }
                    },
                };
                match self.target {
                    None => c.add("target", "required"),
                    Some(t) => {
                        target_check(&mut c, "target", metric, t);
                        target = Some(t);
                    }
                }
            }
            GoalKind::Okr => {
                if title.is_none() && !c.has("title") {
                    c.add("title", "required");
                }
                if self.key_results.is_empty() {
                    c.add("key_results", "required");
                }
                if self.key_results.len() > MAX_KEY_RESULTS {
                    c.add("key_results", "too_many");
                }
                for (i, kr) in self.key_results.iter().take(MAX_KEY_RESULTS).enumerate() {
                    let f = |name: &str| format!("key_results.{i}.{name}");
                    let title = c.required(&f("title"), &kr.title, 200);
                    let metric = match kr.metric.as_deref().map(str::trim) {
                        None | Some("") => None,
                        Some(m) => match Metric::parse(m) {
                            Some(m) if m.can_be_goal() => Some(m),
                            Some(_) => {
                                c.add(&f("metric"), "not_a_goal_metric");
                                None
                            }
                            None => {
                                c.add(&f("metric"), "unknown");
                                None
                            }
                        },
                    };
                    target_check(&mut c, &f("target"), metric, kr.target);
                    if let Some(v) = kr.current
                        && !(0..=MAX_MINOR).contains(&v)
                    {
                        c.add(&f("current"), "out_of_range");
                    }
                    key_results.push(KeyResult {
                        title,
                        metric,
                        target: kr.target,
                        current: if metric.is_some() { None } else { kr.current },
                    });
                }
            }
        }
        c.finish()?;
        Ok(GoalData {
            kind,
            scope: scope.unwrap_or(Scope::Workspace),
            period: period.unwrap_or(Period::containing(
                PeriodKind::Year,
                jiff::civil::date(2026, 1, 1),
            )),
            title,
            metric,
            target,
            key_results,
        })
    }
}

impl GoalData {
    pub fn to_input(&self) -> GoalInput {
        GoalInput {
            kind: Some(
                match self.kind {
                    GoalKind::Quota => "quota",
                    GoalKind::Okr => "okr",
                }
                .into(),
            ),
            scope: self.scope.key(),
            period: self.period.key(),
            title: self.title.clone(),
            metric: self.metric.map(|m| m.key().into()),
            target: self.target,
            key_results: self
                .key_results
                .iter()
                .map(|k| KeyResultInput {
                    title: k.title.clone(),
                    metric: k.metric.map(|m| m.key().into()),
                    target: k.target,
                    current: k.current,
                })
                .collect(),
        }
    }

    /// What the audit log keeps of it.
    pub fn audit(&self) -> serde_json::Value {
        serde_json::to_value(self.to_input()).unwrap_or_default()
    }
}

impl CaseData {
    pub fn to_input(&self) -> CaseInput {
        CaseInput {
            diagnosis: self.diagnosis.clone(),
            plan: self.plan.clone(),
            goals: self
                .goals
                .iter()
                .map(|g| PlanGoalInput {
                    metric: g.metric.key().into(),
                    target: g.target,
                    by: g.by.to_string(),
                })
                .collect(),
            check_ins: self
                .check_ins
                .iter()
                .map(|c| CheckInInput {
                    on: c.on.to_string(),
                    note: c.note.clone(),
                })
                .collect(),
        }
    }
}

/// An OKR's attainment: the mean of its key results', each counted up to 100 %.
pub fn okr_attainment(results: &[(Option<i64>, i64, bool)]) -> Option<i64> {
    let parts: Vec<i64> = results
        .iter()
        .filter_map(|(v, t, higher)| attainment_bp(*v, *t, *higher))
        .map(|a| a.min(10_000))
        .collect();
    (!parts.is_empty()).then(|| parts.iter().sum::<i64>() / parts.len() as i64)
}

// ----- intervention rules -----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    EachUser,
    EachTeam,
}

impl AppliesTo {
    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::EachUser => "each_user",
            AppliesTo::EachTeam => "each_team",
        }
    }

    pub fn parse(s: &str) -> Option<AppliesTo> {
        [AppliesTo::EachUser, AppliesTo::EachTeam]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub metric: String,
    /// `each_user` (default) or `each_team`.
    #[serde(default)]
    pub applies_to: Option<String>,
    /// `week` (default) or `month`.
    #[serde(default)]
    pub period: Option<String>,
    pub condition: Option<Condition>,
    /// How many periods in a row the metric must be fine again before the case
    /// proposes to close (default 2).
    #[serde(default)]
    pub recovery_periods: Option<u8>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleData {
    pub name: String,
    #[serde(with = "metric_key")]
    pub metric: Metric,
    pub applies_to: AppliesTo,
    pub period: PeriodKind,
    pub condition: Condition,
    pub recovery_periods: u8,
    pub active: bool,
}

impl RuleData {
    /// Whether it watches one person's activity figures (refused in trust mode).
    pub fn watches_private_figures(&self) -> bool {
        self.metric.class() == crate::metrics::Class::Activity
            && self.applies_to == AppliesTo::EachUser
    }
}

impl RuleInput {
    pub fn validate(&self) -> Result<RuleData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, 200);
        let metric = Metric::parse(self.metric.trim());
        if metric.is_none() {
            c.add(
                "metric",
                if self.metric.trim().is_empty() {
                    "required"
                } else {
                    "unknown"
                },
            );
        }
        let applies_to = match self.applies_to.as_deref().map(str::trim) {
            None | Some("") => Some(AppliesTo::EachUser),
            Some(a) => AppliesTo::parse(a),
        };
        if applies_to.is_none() {
            c.add("applies_to", "unknown");
        }
        let period = match self.period.as_deref().map(str::trim) {
            None | Some("") => Some(PeriodKind::Week),
            Some(p) => {
                PeriodKind::parse(p).filter(|k| matches!(k, PeriodKind::Week | PeriodKind::Month))
            }
        };
        if period.is_none() {
            c.add("period", "invalid_period");
        }
        match (&self.condition, metric) {
            (None, _) => c.add("condition", "required"),
            (Some(cond), Some(m)) => cond.check(m, &mut c),
            (Some(_), None) => {}
        }
        let recovery = self.recovery_periods.unwrap_or(2);
        if !(1..=crate::metrics::MAX_RULE_PERIODS).contains(&recovery) {
            c.add("recovery_periods", "out_of_range");
        }
        c.finish()?;
        Ok(RuleData {
            name,
            metric: metric.unwrap_or(Metric::WinRate),
            applies_to: applies_to.unwrap_or(AppliesTo::EachUser),
            period: period.unwrap_or(PeriodKind::Week),
            condition: self
                .condition
                .unwrap_or(Condition::DropVsPrevious { percent: 50 }),
            recovery_periods: recovery,
            active: self.active,
        })
    }
}

impl RuleData {
    pub fn to_input(&self) -> RuleInput {
        RuleInput {
            name: self.name.clone(),
            metric: self.metric.key().into(),
            applies_to: Some(self.applies_to.as_str().into()),
            period: Some(self.period.as_str().into()),
            condition: Some(self.condition),
            recovery_periods: Some(self.recovery_periods),
            active: self.active,
        }
    }
}

/// The rules a new workspace starts with (seed 002): a win rate below 25 % two weeks
/// running, and an open pipeline down 30 % against its 4-week average.
/// The rules a workspace starts with, named in its language.
pub fn default_rules(locale: crate::Locale) -> Vec<RuleData> {
    let de = locale == crate::Locale::De;
    let named = |german: &str, english: &str| if de { german } else { english }.to_string();
    vec![
        RuleData {
            name: named("Abschlussquote unter Ziel", "Win rate below target"),
            metric: Metric::WinRate,
            applies_to: AppliesTo::EachUser,
            period: PeriodKind::Week,
            condition: Condition::Below {
                threshold: 2_500,
                periods: 2,
            },
            recovery_periods: 2,
            active: true,
        },
        RuleData {
            name: named("Pipeline eingebrochen", "Pipeline down"),
            metric: Metric::OpenPipeline,
            applies_to: AppliesTo::EachUser,
            period: PeriodKind::Week,
            condition: Condition::DropVsAverage {
                percent: 30,
                periods: 4,
            },
            recovery_periods: 2,
            active: true,
        },
    ]
}

// ----- intervention cases -----

/// A measurable short-term goal of a coaching plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanGoal {
    #[serde(with = "metric_key")]
    pub metric: Metric,
    pub target: i64,
    /// Reached by this day.
    pub by: jiff::civil::Date,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub on: jiff::civil::Date,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanGoalInput {
    #[serde(default)]
    pub metric: String,
    #[serde(default)]
    pub target: i64,
    #[serde(default)]
    pub by: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// What the manager writes into a case: the diagnosis, the plan, the check-ins.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default)]
    pub diagnosis: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub goals: Vec<PlanGoalInput>,
    #[serde(default)]
    pub check_ins: Vec<CheckInInput>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseData {
    pub diagnosis: Option<String>,
    pub plan: Option<String>,
    pub goals: Vec<PlanGoal>,
    pub check_ins: Vec<CheckIn>,
}

pub const MAX_PLAN_ITEMS: usize = 20;

impl CaseInput {
    pub fn validate(&self) -> Result<CaseData, Invalid> {
        let mut c = Checker::default();
        let diagnosis = c.optional("diagnosis", self.diagnosis.as_deref(), 5_000);
        let plan = c.optional("plan", self.plan.as_deref(), 5_000);
        if self.goals.len() > MAX_PLAN_ITEMS {
            c.add("goals", "too_many");
        }
        if self.check_ins.len() > MAX_PLAN_ITEMS {
            c.add("check_ins", "too_many");
        }
        let mut goals = vec![];
        for (i, g) in self.goals.iter().take(MAX_PLAN_ITEMS).enumerate() {
            let f = |n: &str| format!("goals.{i}.{n}");
            let metric = Metric::parse(g.metric.trim());
            if metric.is_none() {
                c.add(
                    &f("metric"),
                    if g.metric.trim().is_empty() {
                        "required"
                    } else {
                        "unknown"
                    },
                );
            }
            target_check(&mut c, &f("target"), metric, g.target);
            let by = c.date(&f("by"), Some(&g.by));
            if by.is_none() && !c.has(&f("by")) {
                c.add(&f("by"), "required");
            }
            if let (Some(metric), Some(by)) = (metric, by) {
                goals.push(PlanGoal {
                    metric,
                    target: g.target,
                    by,
                });
            }
        }
        let mut check_ins = vec![];
        for (i, ci) in self.check_ins.iter().take(MAX_PLAN_ITEMS).enumerate() {
            let f = |n: &str| format!("check_ins.{i}.{n}");
            let on = c.date(&f("on"), Some(&ci.on));
            if on.is_none() && !c.has(&f("on")) {
                c.add(&f("on"), "required");
            }
            let note = c.optional(&f("note"), ci.note.as_deref(), 2_000);
            if let Some(on) = on {
                check_ins.push(CheckIn { on, note });
            }
        }
        check_ins.sort_by_key(|c| c.on);
        c.finish()?;
        Ok(CaseData {
            diagnosis,
            plan,
            goals,
            check_ins,
        })
    }
}

/// Serde for a metric as its key.
pub mod metric_key {
    use crate::metrics::Metric;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(m: &Metric, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let s = String::deserialize(d)?;
        Metric::parse(&s).ok_or_else(|| D::Error::custom(format!("unknown metric {s}")))
    }
}

pub mod metric_key_opt {
    use crate::metrics::Metric;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(m: &Option<Metric>, s: S) -> Result<S::Ok, S::Error> {
        match m {
            Some(m) => s.serialize_some(m.key()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Metric>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Metric::parse(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("unknown metric {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter()
            .map(|f| format!("{}:{}", f.field, f.code))
            .collect()
    }

    #[test]
    fn quotas_are_checked() {
        let ok = GoalInput {
            scope: "workspace".into(),
            period: "2026-Q4".into(),
            metric: Some("won_revenue".into()),
            target: Some(50_000_000),
            ..GoalInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            (ok.kind, ok.metric),
            (GoalKind::Quota, Some(Metric::WonRevenue))
        );
        for (input, expected) in [
            (
                GoalInput {
                    scope: "everyone".into(),
                    period: "1850".into(),
                    metric: Some("won_revenue".into()),
                    target: Some(-5),
                    ..GoalInput::default()
                },
                vec![
                    "scope:invalid",
                    "period:invalid_period",
                    "target:must_be_positive",
                ],
            ),
            (
                GoalInput {
                    scope: "workspace".into(),
                    period: "2026".into(),
                    metric: Some("activities".into()),
                    target: Some(0),
                    ..GoalInput::default()
                },
                vec!["metric:not_a_goal_metric", "target:must_be_positive"],
            ),
            (
                GoalInput {
                    scope: "workspace".into(),
                    period: "2026".into(),
                    metric: Some("win_rate".into()),
                    target: Some(1_000_000),
                    ..GoalInput::default()
                },
                vec!["target:out_of_range"],
            ),
        ] {
            assert_eq!(fields(input.validate().unwrap_err()), expected);
        }
    }

    #[test]
    fn okrs_need_key_results() {
        let bad = GoalInput {
            kind: Some("okr".into()),
            scope: "workspace".into(),
            period: "2026-Q4".into(),
            key_results: vec![KeyResultInput {
                title: "".into(),
                metric: Some("nope".into()),
                target: -1,
                current: None,
            }],
            ..GoalInput::default()
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            vec![
                "title:required",
                "key_results.0.title:required",
                "key_results.0.metric:unknown",
                "key_results.0.target:must_be_positive"
            ]
        );
        assert_eq!(
            okr_attainment(&[
                (Some(50), 100, true),
                (Some(300), 100, true),
                (None, 5, true)
            ]),
            Some(7_500)
        );
        assert_eq!(okr_attainment(&[(None, 100, true)]), None);
    }

    #[test]
    fn rules_and_cases_are_checked() {
        let bad = RuleInput {
            name: " ".into(),
            metric: "win_rate".into(),
            period: Some("day".into()),
            condition: Some(Condition::Below {
                threshold: -1,
                periods: 2,
            }),
            recovery_periods: Some(0),
            ..RuleInput::default()
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            vec![
                "name:required",
                "period:invalid_period",
                "condition.threshold:out_of_range",
                "recovery_periods:out_of_range"
            ]
        );
        for r in default_rules(crate::Locale::De) {
            assert_eq!(r.to_input().validate().unwrap(), r);
        }
        let case = CaseInput {
            goals: vec![PlanGoalInput {
                metric: "win_rate".into(),
                target: 0,
                by: "3026-01-01".into(),
            }],
            check_ins: vec![CheckInInput {
                on: "".into(),
                note: None,
            }],
            ..CaseInput::default()
        };
        assert_eq!(
            fields(case.validate().unwrap_err()),
            vec![
                "goals.0.target:must_be_positive",
                "goals.0.by:date_out_of_range",
                "check_ins.0.on:required"
            ]
        );
    }
}

// ----- weekly reports -----

/// Longest weekly report, in characters.
pub const MAX_REPORT_CHARS: usize = 10_000;

/// The text of a rep's weekly report: a summary of their week that they write
/// themselves (from a drafted start) and choose to share.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub body: String,
}

impl ReportInput {
    /// The text as it is kept: trimmed, not empty, not too long.
    pub fn validate(&self) -> Result<String, Invalid> {
        let body = self.body.trim().replace("\r\n", "\n");
        if body.is_empty() {
            return Err(Invalid::one("body", "required"));
        }
        if body.chars().count() > MAX_REPORT_CHARS {
            return Err(Invalid::one("body", "too_long"));
        }
        Ok(body)
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn a_report_needs_text_and_not_too_much() {
        let v = |s: &str| ReportInput { body: s.into() }.validate();
        assert_eq!(
            v("  Zwei Abschlüsse.\r\nGut.  "),
            Ok("Zwei Abschlüsse.\nGut.".into())
        );
        assert_eq!(v("   ").unwrap_err().0[0].code, "required");
        assert_eq!(
            v(&"x".repeat(MAX_REPORT_CHARS + 1)).unwrap_err().0[0].code,
            "too_long"
        );
    }
}
