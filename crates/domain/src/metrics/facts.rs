//! The facts a period's figures are computed from, and the figures.

use super::*;

/// What the store counts for one scope and period (and, for the pipeline, now).
/// Money is in minor units of the workspace currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub won_count: i64,
    pub won_minor: i64,
    pub lost_count: i64,
    pub lost_minor: i64,
    /// Sum over won deals of days from creation to close, in hundredths.
    pub won_cycle_centidays: i64,
    /// Accounts whose first won deal closed in the period.
    pub new_customers: i64,
    /// Won revenue from accounts that had won a deal before the period.
    pub existing_minor: i64,
    /// Accounts that were customers when the period began (a won deal in the year
    /// before), and how many of them won a deal in the period or the year before its end.
    pub customers_at_start: i64,
    pub customers_retained: i64,
    /// Stage visits that ended in the period, per stage left, and how many of them
    /// moved the deal on (to a later stage, or won): the funnel, and summed the stage
    /// conversion.
    #[serde(default)]
    pub stage_moves: Vec<StageMoves>,
    pub leads: i64,
    pub leads_accepted: i64,
    pub leads_won: i64,
    /// Hundredths of hours from handoff to decision, one per lead decided.
    pub lead_waits_centihours: Vec<i64>,
    pub open_count: i64,
    pub open_minor: i64,
    pub weighted_minor: i64,
    /// Open deals expected to close in the period, and how many of them slipped out.
    pub due_count: i64,
    pub slipped_count: i64,
    /// Hundredths of hours from a quote's creation to its sending, one per quote sent.
    pub quote_waits_centihours: Vec<i64>,
    pub requests_done: i64,
    pub requests_in_time: i64,
    pub campaign_cost_minor: i64,
    pub campaign_won_minor: i64,
    pub activities: i64,
    pub key_conversations: i64,
    /// The quota on won revenue for the scope and period, if one is set.
    pub quota_minor: Option<i64>,
}

impl Facts {
    /// Adds the facts of more people (a scope's facts are the sum of its people's).
    /// The quota is the scope's own and stays.
    pub fn add(&mut self, o: &Facts) {
        let money = |a: &mut i64, b: i64| *a = a.saturating_add(b);
        self.won_count += o.won_count;
        money(&mut self.won_minor, o.won_minor);
        self.lost_count += o.lost_count;
        money(&mut self.lost_minor, o.lost_minor);
        self.won_cycle_centidays += o.won_cycle_centidays;
        self.new_customers += o.new_customers;
        money(&mut self.existing_minor, o.existing_minor);
        self.customers_at_start += o.customers_at_start;
        self.customers_retained += o.customers_retained;
        for m in &o.stage_moves {
            self.add_moves(m.stage_id, m.exits, m.advances);
        }
        self.leads += o.leads;
        self.leads_accepted += o.leads_accepted;
        self.leads_won += o.leads_won;
        self.lead_waits_centihours
            .extend_from_slice(&o.lead_waits_centihours);
        self.open_count += o.open_count;
        money(&mut self.open_minor, o.open_minor);
        money(&mut self.weighted_minor, o.weighted_minor);
        self.due_count += o.due_count;
        self.slipped_count += o.slipped_count;
        self.quote_waits_centihours
            .extend_from_slice(&o.quote_waits_centihours);
        self.requests_done += o.requests_done;
        self.requests_in_time += o.requests_in_time;
        money(&mut self.campaign_cost_minor, o.campaign_cost_minor);
        money(&mut self.campaign_won_minor, o.campaign_won_minor);
        self.activities += o.activities;
        self.key_conversations += o.key_conversations;
    }
}

/// Stage visits that ended in a period, of one stage, and how many moved the deal on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMoves {
    pub stage_id: StageId,
    pub exits: i64,
    pub advances: i64,
}

impl Facts {
    /// Counts `n` visits of `stage` that ended, `advances` of them moving on.
    pub fn add_moves(&mut self, stage: StageId, n: i64, advances: i64) {
        match self.stage_moves.iter_mut().find(|m| m.stage_id == stage) {
            Some(m) => {
                m.exits += n;
                m.advances += advances;
            }
            None => self.stage_moves.push(StageMoves {
                stage_id: stage,
                exits: n,
                advances,
            }),
        }
    }
}

impl Facts {
    /// Stage visits that ended, of every stage.
    pub fn stage_exits(&self) -> i64 {
        self.stage_moves.iter().map(|m| m.exits).sum()
    }

    /// Of those, the ones that moved the deal on.
    pub fn stage_advances(&self) -> i64 {
        self.stage_moves.iter().map(|m| m.advances).sum()
    }
}

/// `part / whole` in basis points, rounded; no data for an empty whole.
pub fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| ((part as i128 * 10_000 + whole as i128 / 2) / whole as i128) as i64)
}

pub(super) fn mean(sum: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| ((sum as i128 + n as i128 / 2) / n as i128) as i64)
}

/// The median of some values (the lower middle for an even count).
pub fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    (!v.is_empty()).then(|| v[(v.len() - 1) / 2])
}

impl Metric {
    /// The figure for these facts; `None` when there is nothing to measure.
    pub fn value(self, f: &Facts) -> Option<i64> {
        let closed = f.won_count + f.lost_count;
        match self {
            Metric::WonRevenue => Some(f.won_minor),
            Metric::NewCustomers => Some(f.new_customers),
            Metric::DealsWon => Some(f.won_count),
            Metric::WinRate => ratio_bp(f.won_count, closed),
            Metric::WinRateValue => ratio_bp(f.won_minor, f.won_minor + f.lost_minor),
            Metric::StageConversion => ratio_bp(f.stage_advances(), f.stage_exits()),
            Metric::LeadSqlRate => ratio_bp(f.leads_accepted, f.leads),
            Metric::SqlWonRate => ratio_bp(f.leads_won, f.leads_accepted),
            Metric::OpenPipeline => Some(f.open_minor),
            Metric::WeightedPipeline => Some(f.weighted_minor),
            Metric::PipelineCoverage => {
                let remaining = f.quota_minor? - f.won_minor;
                if remaining <= 0 {
                    None
                } else {
                    ratio_bp(f.open_minor, remaining)
                }
            }
            // Open deals × average deal size × win rate ÷ average cycle in days.
            Metric::PipelineVelocity => {
                let size = mean(f.won_minor, f.won_count)?;
                let cycle = mean(f.won_cycle_centidays, f.won_count)?.max(1);
                let v = f.open_count as i128 * size as i128 * f.won_count as i128 * 100
                    / (closed.max(1) as i128 * cycle as i128);
                Some(v.min(i64::MAX as i128) as i64)
            }
            Metric::SalesCycle => mean(f.won_cycle_centidays, f.won_count),
            Metric::AverageDealSize => mean(f.won_minor, f.won_count),
            Metric::CloseSlippage => ratio_bp(f.slipped_count, f.due_count),
            Metric::QuoteTurnaround => median(f.quote_waits_centihours.clone()),
            Metric::RequestSlaHit => ratio_bp(f.requests_in_time, f.requests_done),
            Metric::LeadResponse => median(f.lead_waits_centihours.clone()),
            Metric::ExistingCustomerRevenue => Some(f.existing_minor),
            Metric::Retention => ratio_bp(f.customers_retained, f.customers_at_start),
            Metric::Churn => ratio_bp(
                f.customers_at_start - f.customers_retained,
                f.customers_at_start,
            ),
            Metric::CampaignRoi => (f.campaign_cost_minor > 0).then(|| {
                ((f.campaign_won_minor as i128 - f.campaign_cost_minor as i128) * 10_000
                    / f.campaign_cost_minor as i128) as i64
            }),
            Metric::Activities => Some(f.activities),
            Metric::KeyConversations => Some(f.key_conversations),
        }
    }
}

/// Attainment of a target in basis points (10,000 = reached); none for a zero target.
pub fn attainment_bp(value: Option<i64>, target: i64, higher_is_better: bool) -> Option<i64> {
    let v = value?;
    if higher_is_better {
        ratio_bp(v, target)
    } else if v <= 0 {
        // Nothing to wait for is as good as it gets.
        Some(10_000)
    } else {
        ratio_bp(target, v)
    }
}
