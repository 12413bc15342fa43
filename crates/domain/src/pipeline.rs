//! Pipelines and their stages: the order a deal moves through, the probability each
//! stage stands for, how long a deal may sit in it, and what must be true to leave it.

use crate::{
    Locale,
    validation::{Checker, Invalid},
};
use serde::{Deserialize, Serialize};

/// Something a deal must have before it may leave a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitCriterion {
    Amount,
    ExpectedClose,
    NextStep,
    Contact,
    DecisionMaker,
    InsidePartner,
}

impl ExitCriterion {
    pub const ALL: [ExitCriterion; 6] = [
        ExitCriterion::Amount,
        ExitCriterion::ExpectedClose,
        ExitCriterion::NextStep,
        ExitCriterion::Contact,
        ExitCriterion::DecisionMaker,
        ExitCriterion::InsidePartner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExitCriterion::Amount => "amount",
            ExitCriterion::ExpectedClose => "expected_close",
            ExitCriterion::NextStep => "next_step",
            ExitCriterion::Contact => "contact",
            ExitCriterion::DecisionMaker => "decision_maker",
            ExitCriterion::InsidePartner => "inside_partner",
        }
    }

    pub fn parse(s: &str) -> Option<ExitCriterion> {
        ExitCriterion::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The deal field a missing criterion is reported on.
    pub fn field(self) -> &'static str {
        match self {
            ExitCriterion::Amount => "amount",
            ExitCriterion::ExpectedClose => "expected_close",
            ExitCriterion::NextStep => "next_step",
            ExitCriterion::Contact | ExitCriterion::DecisionMaker => "contacts",
            ExitCriterion::InsidePartner => "inside_partner_id",
        }
    }
}

pub const NAME_MAX: usize = 100;
pub const ROTTING_MAX: i64 = 3650;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    #[serde(default)]
    pub name: String,
}

impl PipelineInput {
    pub fn validate(&self) -> Result<String, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, NAME_MAX);
        c.finish()?;
        Ok(name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    #[serde(default)]
    pub name: String,
    /// Basis points: 2500 is 25 %.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub probability_bp: Option<i64>,
    /// Days in the stage after which a deal counts as rotting; none: never.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub rotting_days: Option<i64>,
    #[serde(default)]
    pub exit_criteria: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageData {
    pub name: String,
    pub probability_bp: i64,
    pub rotting_days: Option<i64>,
    pub exit_criteria: Vec<ExitCriterion>,
}

impl StageData {
    pub fn to_input(&self) -> StageInput {
        StageInput {
            name: self.name.clone(),
            probability_bp: Some(self.probability_bp),
            rotting_days: self.rotting_days,
            exit_criteria: self
                .exit_criteria
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        }
    }
}

impl StageInput {
    pub fn validate(&self) -> Result<StageData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, NAME_MAX);
        let probability_bp = self.probability_bp.unwrap_or(0);
        if !(0..=10_000).contains(&probability_bp) {
            c.add("probability_bp", "out_of_range");
        }
        if let Some(d) = self.rotting_days
            && !(1..=ROTTING_MAX).contains(&d)
        {
            c.add("rotting_days", "out_of_range");
        }
        let mut exit_criteria = vec![];
        for raw in &self.exit_criteria {
            match ExitCriterion::parse(raw.trim()) {
                Some(k) if !exit_criteria.contains(&k) => exit_criteria.push(k),
                Some(_) => {}
                None => c.add("exit_criteria", "invalid_choice"),
            }
        }
        c.finish()?;
        Ok(StageData {
            name,
            probability_bp,
            rotting_days: self.rotting_days,
            exit_criteria,
        })
    }
}

/// The pipeline a new workspace starts with, named in its language.
pub fn default_pipeline(locale: Locale) -> (String, Vec<StageData>) {
    use ExitCriterion::*;
    let de = locale == Locale::De;
    let stage =
        |de_name: &str, en_name: &str, bp: i64, rot: i64, exit: &[ExitCriterion]| StageData {
            name: if de { de_name } else { en_name }.to_string(),
            probability_bp: bp,
            rotting_days: Some(rot),
            exit_criteria: exit.to_vec(),
        };
    (
        if de { "Vertrieb" } else { "Sales" }.to_string(),
        vec![
            stage("Erstkontakt", "First contact", 500, 14, &[Contact]),
            stage("Qualifizierung", "Qualification", 1000, 14, &[NextStep]),
            stage(
                "Bedarfsanalyse",
                "Needs analysis",
                2500,
                21,
                &[Amount, ExpectedClose],
            ),
            stage("Angebot", "Proposal", 5000, 21, &[DecisionMaker]),
            stage("Verhandlung", "Negotiation", 7500, 14, &[NextStep]),
            stage("Mündliche Zusage", "Verbal commitment", 9000, 10, &[]),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_values_are_checked() {
        let bad = StageInput {
            name: "".into(),
            probability_bp: Some(10_001),
            rotting_days: Some(0),
            exit_criteria: vec!["amount".into(), "budget".into()],
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["name", "probability_bp", "rotting_days", "exit_criteria"]
        );
        let ok = StageInput {
            name: "Angebot".into(),
            probability_bp: Some(5000),
            rotting_days: None,
            exit_criteria: vec!["amount".into(), "amount".into()],
        }
        .validate()
        .unwrap();
        assert_eq!(ok.exit_criteria, vec![ExitCriterion::Amount]);
    }
}
