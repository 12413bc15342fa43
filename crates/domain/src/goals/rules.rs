//! Intervention rules: which figure, how bad, for whom, before a manager is asked to act.

use super::*;

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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    #[schema(value_type = Object)]
    pub condition: Option<Condition>,
    /// How many periods in a row the metric must be fine again before the case
    /// proposes to close (default 2).
    #[serde(default)]
    pub recovery_periods: Option<u8>,
    #[serde(default = "yes")]
    pub active: bool,
}

pub(super) fn yes() -> bool {
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
