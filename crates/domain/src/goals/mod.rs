//! Goals (quotas and OKRs), intervention rules and the cases they open: the inputs as
//! people type them and the checks that turn them into data.

use crate::metrics::{Condition, Metric, Period, PeriodKind, Scope, Unit, attainment_bp};
use crate::validation::Checker;
use crate::{Invalid, money::MAX_MINOR};
use serde::{Deserialize, Serialize};

mod rules;
pub use rules::*;

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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// An OKR's key results: `{title, metric?, target, current?}`
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default)]
    pub diagnosis: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    /// Measurable short-term goals: `{metric, target, by}`
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub goals: Vec<PlanGoalInput>,
    /// `{on: "YYYY-MM-DD", note?}`
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
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
mod tests;

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
mod report_tests;
