//! The metric catalogue: what Tandem measures, over which periods and for whom, and how
//! each figure follows from the facts the store counts. Every ratio is defined for
//! empty data: a value is `None` ("no data"), never NaN or a division by zero.

use crate::format::day_bounds;
use crate::{Instant, StageId, TeamId, UserId};
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};

mod periods;
pub use periods::*;
mod facts;
pub use facts::*;
mod rules;
pub use rules::*;

// ----- scopes -----

/// Whose figures: one person's, a team's or the whole workspace's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Workspace,
    Team(TeamId),
    User(UserId),
}

impl Scope {
    /// `workspace`, `team:<id>` or `user:<id>`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim().split_once(':') {
            None if s.trim() == "workspace" => Some(Scope::Workspace),
            Some(("team", id)) => id.parse().ok().map(Scope::Team),
            Some(("user", id)) => id.parse().ok().map(Scope::User),
            _ => None,
        }
    }

    pub fn key(&self) -> String {
        match self {
            Scope::Workspace => "workspace".into(),
            Scope::Team(t) => format!("team:{t}"),
            Scope::User(u) => format!("user:{u}"),
        }
    }
}

// ----- the catalogue -----

/// How a value is stored and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Minor units of the workspace currency (cents).
    Money,
    Count,
    /// Basis points: 10,000 = 100 %.
    Ratio,
    /// Hundredths of a day.
    Days,
    /// Hundredths of an hour.
    Hours,
    /// Minor units of money per day.
    MoneyPerDay,
}

/// What kind of figure it is. Activity figures of a person are private in trust mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Outcome,
    Pipeline,
    Leading,
    Activity,
}

macro_rules! metrics {
    ($($variant:ident = $key:literal, $unit:ident, $class:ident, $higher:literal;)*) => {
        /// One figure of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric { $($variant),* }

        impl Metric {
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            pub fn key(self) -> &'static str {
                match self { $(Metric::$variant => $key),* }
            }

            pub fn unit(self) -> Unit {
                match self { $(Metric::$variant => Unit::$unit),* }
            }

            pub fn class(self) -> Class {
                match self { $(Metric::$variant => Class::$class),* }
            }

            /// Whether a larger value is better (a slump is a fall), or a smaller one.
            pub fn higher_is_better(self) -> bool {
                match self { $(Metric::$variant => $higher),* }
            }
        }
    };
}

metrics! {
    WonRevenue = "won_revenue", Money, Outcome, true;
    NewCustomers = "new_customers", Count, Outcome, true;
    DealsWon = "deals_won", Count, Outcome, true;
    WinRate = "win_rate", Ratio, Outcome, true;
    WinRateValue = "win_rate_value", Ratio, Outcome, true;
    StageConversion = "stage_conversion", Ratio, Outcome, true;
    LeadSqlRate = "lead_sql_rate", Ratio, Outcome, true;
    SqlWonRate = "sql_won_rate", Ratio, Outcome, true;
    OpenPipeline = "open_pipeline", Money, Pipeline, true;
    WeightedPipeline = "weighted_pipeline", Money, Pipeline, true;
    PipelineCoverage = "pipeline_coverage", Ratio, Pipeline, true;
    PipelineVelocity = "pipeline_velocity", MoneyPerDay, Pipeline, true;
    SalesCycle = "sales_cycle", Days, Outcome, false;
    AverageDealSize = "average_deal_size", Money, Outcome, true;
    CloseSlippage = "close_slippage", Ratio, Pipeline, false;
    QuoteTurnaround = "quote_turnaround", Hours, Leading, false;
    RequestSlaHit = "request_sla_hit", Ratio, Outcome, true;
    LeadResponse = "lead_response", Hours, Leading, false;
    ExistingCustomerRevenue = "existing_customer_revenue", Money, Outcome, true;
    Retention = "retention", Ratio, Outcome, true;
    Churn = "churn", Ratio, Outcome, false;
    CampaignRoi = "campaign_roi", Ratio, Outcome, true;
    Activities = "activities", Count, Activity, true;
    KeyConversations = "key_conversations", Count, Activity, true;
}

impl Metric {
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.key() == s)
    }

    /// Figures of the moment (the pipeline now): their history comes from the daily
    /// snapshots, not from recounting the period.
    pub fn is_state(self) -> bool {
        matches!(
            self,
            Metric::OpenPipeline | Metric::WeightedPipeline | Metric::PipelineCoverage
        )
    }

    /// Whether a quota or goal may be set on it (outcomes and pipeline, not activity).
    pub fn can_be_goal(self) -> bool {
        self.class() != Class::Activity
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod moves_tests;
