//! Deals: an opportunity with an account, moving through the stages of a pipeline until
//! it is won or lost.

use crate::{
    AccountId, ContactId, FieldError, Instant, PipelineId, StageId, UserId,
    money::{MAX_MINOR, Money, currency_known},
    pipeline::ExitCriterion,
    validation::{Checker, Invalid},
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// An open deal counts as commit from this probability on (unless put in a category).
pub const COMMIT_FROM_BP: i64 = 7_000;
/// … and as best case from this one.
pub const BEST_CASE_FROM_BP: i64 = 3_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    #[default]
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub const ALL: [DealStatus; 3] = [DealStatus::Open, DealStatus::Won, DealStatus::Lost];

    pub fn as_str(self) -> &'static str {
        match self {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<DealStatus> {
        DealStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    DecisionMaker,
    Influencer,
    User,
}

impl ContactRole {
    pub const ALL: [ContactRole; 3] = [
        ContactRole::DecisionMaker,
        ContactRole::Influencer,
        ContactRole::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::DecisionMaker => "decision_maker",
            ContactRole::Influencer => "influencer",
            ContactRole::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<ContactRole> {
        ContactRole::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How sure the owner is that an open deal closes in its expected month: the forecast
/// sums deals by this. Without one set on the deal it follows the probability (its own,
/// else its stage's): commit from 70 %, best case from 30 %, pipeline below. `Omitted`
/// keeps a deal out of the forecast (it stays in the pipeline figures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastCategory {
    Commit,
    BestCase,
    Pipeline,
    Omitted,
}

impl ForecastCategory {
    pub const ALL: [ForecastCategory; 4] = [
        ForecastCategory::Commit,
        ForecastCategory::BestCase,
        ForecastCategory::Pipeline,
        ForecastCategory::Omitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ForecastCategory::Commit => "commit",
            ForecastCategory::BestCase => "best_case",
            ForecastCategory::Pipeline => "pipeline",
            ForecastCategory::Omitted => "omitted",
        }
    }

    pub fn parse(s: &str) -> Option<ForecastCategory> {
        ForecastCategory::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The category of a deal nobody put in one, by the probability that counts.
    pub fn by_probability(bp: i64) -> ForecastCategory {
        if bp >= COMMIT_FROM_BP {
            ForecastCategory::Commit
        } else if bp >= BEST_CASE_FROM_BP {
            ForecastCategory::BestCase
        } else {
            ForecastCategory::Pipeline
        }
    }
}

/// Where a deal came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    ExistingCustomer,
    Referral,
    TradeFair,
    Website,
    Marketing,
    ColdOutreach,
    Partner,
    Other,
}

impl Source {
    pub const ALL: [Source; 8] = [
        Source::ExistingCustomer,
        Source::Referral,
        Source::TradeFair,
        Source::Website,
        Source::Marketing,
        Source::ColdOutreach,
        Source::Partner,
        Source::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::ExistingCustomer => "existing_customer",
            Source::Referral => "referral",
            Source::TradeFair => "trade_fair",
            Source::Website => "website",
            Source::Marketing => "marketing",
            Source::ColdOutreach => "cold_outreach",
            Source::Partner => "partner",
            Source::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealContact {
    pub contact_id: ContactId,
    pub role: ContactRole,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealContactInput {
    pub contact_id: ContactId,
    /// decision_maker, influencer (default) or user
    #[serde(default)]
    pub role: Option<String>,
}

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 500;
pub const NOTES_MAX: usize = 10_000;
pub const CONTACTS_MAX: usize = 50;

/// What a user may set on a deal, as it arrives from a form or the API. `title` and
/// `account_id` are required on create.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    pub account_id: Option<AccountId>,
    /// default: the first pipeline (or the one of `stage_id`)
    #[serde(default)]
    pub pipeline_id: Option<PipelineId>,
    /// default: the pipeline's first stage. Moving forward (or winning) checks the exit
    /// criteria of the stage left: 422 names each missing field.
    #[serde(default)]
    pub stage_id: Option<StageId>,
    #[serde(default)]
    pub amount: Option<Money>,
    /// Overrides the stage's probability; none: the stage's.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub probability_bp: Option<i64>,
    /// Puts the deal in a forecast category; none: by its probability.
    #[serde(default)]
    pub forecast_category: Option<String>,
    /// YYYY-MM-DD; a later date on an open deal is recorded as a slip
    #[serde(default)]
    pub expected_close: Option<String>,
    /// default: the caller
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub inside_partner_id: Option<UserId>,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub next_step_due: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// open (default), won or lost (needs `lost_reason`)
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub lost_reason: Option<String>,
    #[serde(default)]
    pub competitor: Option<String>,
    #[serde(default)]
    pub contacts: Vec<DealContactInput>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Custom field values by key (checked by the service against the definitions).
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// A valid deal as it is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealData {
    pub title: String,
    pub account_id: AccountId,
    pub pipeline_id: PipelineId,
    pub stage_id: StageId,
    pub amount: Option<Money>,
    pub probability_bp: Option<i64>,
    /// Set by the owner; none: by the probability.
    #[serde(default)]
    pub forecast_category: Option<ForecastCategory>,
    pub expected_close: Option<Date>,
    pub owner_id: Option<UserId>,
    pub inside_partner_id: Option<UserId>,
    pub next_step: Option<String>,
    pub next_step_due: Option<Date>,
    pub source: Option<Source>,
    pub status: DealStatus,
    pub lost_reason: Option<String>,
    pub competitor: Option<String>,
    pub contacts: Vec<DealContact>,
    pub notes: Option<String>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

impl DealData {
    pub fn to_input(&self) -> DealInput {
        DealInput {
            title: self.title.clone(),
            account_id: Some(self.account_id),
            pipeline_id: Some(self.pipeline_id),
            stage_id: Some(self.stage_id),
            amount: self.amount.clone(),
            probability_bp: self.probability_bp,
            forecast_category: self.forecast_category.map(|f| f.as_str().to_string()),
            expected_close: self.expected_close.map(|d| d.to_string()),
            owner_id: self.owner_id,
            inside_partner_id: self.inside_partner_id,
            next_step: self.next_step.clone(),
            next_step_due: self.next_step_due.map(|d| d.to_string()),
            source: self.source.map(|s| s.as_str().to_string()),
            status: Some(self.status.as_str().to_string()),
            lost_reason: self.lost_reason.clone(),
            competitor: self.competitor.clone(),
            contacts: self
                .contacts
                .iter()
                .map(|c| DealContactInput {
                    contact_id: c.contact_id,
                    role: Some(c.role.as_str().to_string()),
                })
                .collect(),
            notes: self.notes.clone(),
            custom: self.custom.clone(),
        }
    }

    /// The probability that counts: won 100 %, lost 0 %, else the override or the
    /// stage's default.
    pub fn probability(&self, stage_default_bp: i64) -> i64 {
        match self.status {
            DealStatus::Won => 10_000,
            DealStatus::Lost => 0,
            DealStatus::Open => self.probability_bp.unwrap_or(stage_default_bp),
        }
    }

    /// The forecast category that counts for an open deal: the one set, else by the
    /// probability. Closed deals are in none (the forecast counts them as won or not).
    pub fn forecast(&self, stage_default_bp: i64) -> Option<ForecastCategory> {
        (self.status == DealStatus::Open).then(|| {
            self.forecast_category.unwrap_or_else(|| {
                ForecastCategory::by_probability(self.probability(stage_default_bp))
            })
        })
    }

    /// What the exit criteria of the stage the deal leaves still miss, each named by
    /// the deal field it concerns.
    pub fn missing_to_leave(&self, criteria: &[ExitCriterion]) -> Vec<FieldError> {
        criteria
            .iter()
            .filter(|c| !self.meets(**c))
            .map(|c| FieldError::new(c.field(), exit_code(*c)))
            .collect()
    }

    fn meets(&self, c: ExitCriterion) -> bool {
        match c {
            ExitCriterion::Amount => self.amount.as_ref().is_some_and(|m| m.minor > 0),
            ExitCriterion::ExpectedClose => self.expected_close.is_some(),
            ExitCriterion::NextStep => self.next_step.is_some(),
            ExitCriterion::Contact => !self.contacts.is_empty(),
            ExitCriterion::DecisionMaker => self
                .contacts
                .iter()
                .any(|c| c.role == ContactRole::DecisionMaker),
            ExitCriterion::InsidePartner => self.inside_partner_id.is_some(),
        }
    }
}

/// The error code of an unmet exit criterion (the UI names what is missing).
pub fn exit_code(c: ExitCriterion) -> &'static str {
    match c {
        ExitCriterion::Amount => "exit_needs_amount",
        ExitCriterion::ExpectedClose => "exit_needs_expected_close",
        ExitCriterion::NextStep => "exit_needs_next_step",
        ExitCriterion::Contact => "exit_needs_contact",
        ExitCriterion::DecisionMaker => "exit_needs_decision_maker",
        ExitCriterion::InsidePartner => "exit_needs_inside_partner",
    }
}

/// Whether moving the expected close date from `before` to `after` is a slip.
pub fn slipped(before: Option<Date>, after: Option<Date>) -> bool {
    matches!((before, after), (Some(b), Some(a)) if a > b)
}

/// Whether a deal that entered its stage at `entered` has sat there too long.
pub fn rotting(entered: Instant, rotting_days: Option<i64>, now: Instant) -> bool {
    rotting_days.is_some_and(|d| now.0 - entered.0 > d * 86_400_000)
}

/// The weighted sum of a stage's deals, in minor units: `own` is the sum of the
/// weighted amounts of the deals with their own probability, `by_default` the sum of
/// the amounts that take the stage's `default_bp` (rounded like `Money::weighted`).
pub fn weighted_total(own: i64, by_default: i64, default_bp: i64) -> i64 {
    let by_default = (i128::from(by_default) * i128::from(default_bp) + 5_000) / 10_000;
    own.saturating_add(by_default as i64)
}

/// Whole days since `entered`.
pub fn days_since(entered: Instant, now: Instant) -> i64 {
    ((now.0 - entered.0) / 86_400_000).max(0)
}

impl DealInput {
    /// Checks every field. `pipeline_id` and `stage_id` must have been filled in (the
    /// service picks the defaults); that the stage belongs to the pipeline and the
    /// referenced records exist is the service's check.
    pub fn validate(&self) -> Result<DealData, Invalid> {
        let mut c = Checker::default();
        let title = c.required("title", &self.title, TITLE_MAX);
        if self.account_id.is_none() {
            c.add("account_id", "required");
        }
        if self.pipeline_id.is_none() {
            c.add("pipeline_id", "required");
        }
        if self.stage_id.is_none() {
            c.add("stage_id", "required");
        }
        let amount = self.amount.clone().map(|mut m| {
            m.currency = m.currency.trim().to_ascii_uppercase();
            if !currency_known(&m.currency) {
                c.add("amount", "unknown_currency");
            } else if !(0..=MAX_MINOR).contains(&m.minor) {
                c.add("amount", "out_of_range");
            }
            m
        });
        if let Some(p) = self.probability_bp
            && !(0..=10_000).contains(&p)
        {
            c.add("probability_bp", "out_of_range");
        }
        let forecast_category = match self.forecast_category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => ForecastCategory::parse(s).or_else(|| {
                c.add("forecast_category", "invalid_choice");
                None
            }),
        };
        let expected_close = c.date("expected_close", self.expected_close.as_deref());
        let next_step = c.optional("next_step", self.next_step.as_deref(), TEXT_MAX);
        let next_step_due = c.date("next_step_due", self.next_step_due.as_deref());
        if next_step_due.is_some() && next_step.is_none() {
            c.add("next_step", "required");
        }
        let source = match self.source.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Source::parse(s).or_else(|| {
                c.add("source", "invalid_choice");
                None
            }),
        };
        let status = c.choice("status", self.status.as_deref(), DealStatus::parse);
        let lost_reason = c.optional("lost_reason", self.lost_reason.as_deref(), TEXT_MAX);
        if status == DealStatus::Lost && lost_reason.is_none() && !c.has("lost_reason") {
            c.add("lost_reason", "required");
        }
        // A reason for losing belongs to a lost deal only: reopening or winning clears it,
        // through the browser and the API alike.
        let lost_reason = lost_reason.filter(|_| status == DealStatus::Lost);
        let competitor = c.optional("competitor", self.competitor.as_deref(), 200);
        let mut contacts: Vec<DealContact> = vec![];
        for dc in &self.contacts {
            let role = match dc.role.as_deref().map(str::trim) {
                None | Some("") => ContactRole::Influencer,
                Some(s) => ContactRole::parse(s).unwrap_or_else(|| {
                    c.add("contacts", "invalid_choice");
                    ContactRole::Influencer
                }),
            };
            if contacts.iter().any(|x| x.contact_id == dc.contact_id) {
                c.add("contacts", "duplicate");
            } else {
                contacts.push(DealContact {
                    contact_id: dc.contact_id,
                    role,
                });
            }
        }
        if contacts.len() > CONTACTS_MAX {
            c.add("contacts", "too_many");
        }
        let notes = c.optional("notes", self.notes.as_deref(), NOTES_MAX);
        c.finish()?;
        Ok(DealData {
            title,
            account_id: self.account_id.unwrap_or_default(),
            pipeline_id: self.pipeline_id.unwrap_or_default(),
            stage_id: self.stage_id.unwrap_or_default(),
            amount,
            probability_bp: self.probability_bp,
            forecast_category,
            expected_close,
            owner_id: self.owner_id,
            inside_partner_id: self.inside_partner_id,
            next_step,
            next_step_due,
            source,
            status,
            lost_reason,
            competitor,
            contacts,
            notes,
            custom: self.custom.clone(),
        })
    }
}

#[cfg(test)]
mod tests;
