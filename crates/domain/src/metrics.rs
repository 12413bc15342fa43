//! The metric catalogue: what Tandem measures, over which periods and for whom, and how
//! each figure follows from the facts the store counts. Every ratio is defined for
//! empty data: a value is `None` ("no data"), never NaN or a division by zero.

use crate::format::day_bounds;
use crate::{Instant, StageId, TeamId, UserId};
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};

// ----- periods -----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The years periods may lie in: figures before 2000 or after 2100 are a typo.
pub const FIRST_YEAR: i16 = 2000;
pub const LAST_YEAR: i16 = 2100;

/// A calendar week (ISO, Monday first), month, quarter or year on the company's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub kind: PeriodKind,
    /// The first day.
    pub start: Date,
}

impl Period {
    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        let start = match kind {
            PeriodKind::Week => {
                let back = day.weekday().to_monday_zero_offset() as i64;
                day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
            }
            PeriodKind::Month => day.first_of_month(),
            PeriodKind::Quarter => {
                let m = ((day.month() - 1) / 3) * 3 + 1;
                Date::new(day.year(), m, 1).unwrap_or(day)
            }
            PeriodKind::Year => day.first_of_year(),
        };
        Period { kind, start }
    }

    /// `2026-W49`, `2026-12`, `2026-Q4` or `2026`; `None` for anything else, including
    /// years outside 2000–2100.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| {
            let digits = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
            y.parse::<i16>()
                .ok()
                .filter(|y| digits && (FIRST_YEAR..=LAST_YEAR).contains(y))
        };
        let (kind, start) = if let Some((y, w)) = s.split_once("-W") {
            let week: i8 = w.parse().ok().filter(|_| w.len() == 2)?;
            let d = ISOWeekDate::new(year(y)?, week, Weekday::Monday).ok()?;
            (PeriodKind::Week, d.date())
        } else if let Some((y, q)) = s.split_once("-Q") {
            let q: i8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            (
                PeriodKind::Quarter,
                Date::new(year(y)?, (q - 1) * 3 + 1, 1).ok()?,
            )
        } else if let Some((y, m)) = s.split_once('-') {
            let m: i8 = m.parse().ok().filter(|_| m.len() == 2)?;
            (PeriodKind::Month, Date::new(year(y)?, m, 1).ok()?)
        } else {
            (PeriodKind::Year, Date::new(year(s)?, 1, 1).ok()?)
        };
        Some(Period { kind, start })
    }

    /// The form `parse` reads.
    pub fn key(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let w = self.start.iso_week_date();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => format!("{:04}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => format!(
                "{:04}-Q{}",
                self.start.year(),
                (self.start.month() - 1) / 3 + 1
            ),
            PeriodKind::Year => format!("{:04}", self.start.year()),
        }
    }

    fn span(&self) -> jiff::Span {
        match self.kind {
            PeriodKind::Week => jiff::Span::new().weeks(1),
            PeriodKind::Month => jiff::Span::new().months(1),
            PeriodKind::Quarter => jiff::Span::new().months(3),
            PeriodKind::Year => jiff::Span::new().years(1),
        }
    }

    /// The first day after the period.
    pub fn end(&self) -> Date {
        self.start.checked_add(self.span()).unwrap_or(Date::MAX)
    }

    /// The last day of the period.
    pub fn last_day(&self) -> Date {
        self.end().yesterday().unwrap_or(self.start)
    }

    pub fn previous(&self) -> Period {
        Period {
            kind: self.kind,
            start: self.start.checked_sub(self.span()).unwrap_or(self.start),
        }
    }

    pub fn next(&self) -> Period {
        Period {
            kind: self.kind,
            start: self.end(),
        }
    }

    /// The period and the `n - 1` before it, oldest first.
    pub fn last_n(&self, n: usize) -> Vec<Period> {
        let mut out = vec![*self];
        while out.len() < n {
            let p = out[0].previous();
            out.insert(0, p);
        }
        out
    }

    pub fn days(&self) -> i64 {
        (self.end() - self.start).get_days() as i64
    }

    /// The first instant of the period and the first after it.
    pub fn bounds(&self) -> (Instant, Instant) {
        (day_bounds(self.start).0, day_bounds(self.end()).0)
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end()
    }
}

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

// ----- facts and values -----

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

fn mean(sum: i64, n: i64) -> Option<i64> {
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

// ----- intervention rules -----

/// When a rule fires on a person's or team's series of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Worse than `threshold` in each of the last `periods` periods.
    Below { threshold: i64, periods: u8 },
    /// Down by at least `percent` against the period before.
    DropVsPrevious { percent: u8 },
    /// Down by at least `percent` against the average of the `periods` before.
    DropVsAverage { percent: u8, periods: u8 },
}

/// Longest series a rule may look at.
pub const MAX_RULE_PERIODS: u8 = 26;

impl Condition {
    /// How many periods, the current last, the condition reads.
    pub fn window(&self) -> usize {
        match *self {
            Condition::Below { periods, .. } => periods as usize,
            Condition::DropVsPrevious { .. } => 2,
            Condition::DropVsAverage { periods, .. } => periods as usize + 1,
        }
    }

    /// Field errors for impossible rules on `metric`.
    pub fn check(&self, metric: Metric, c: &mut crate::validation::Checker) {
        match *self {
            Condition::Below { threshold, periods } => {
                if !(1..=MAX_RULE_PERIODS).contains(&periods) {
                    c.add("condition.periods", "out_of_range");
                }
                let max = match metric.unit() {
                    Unit::Ratio => 10_000,
                    _ => crate::money::MAX_MINOR,
                };
                if threshold < 0 || threshold > max {
                    c.add("condition.threshold", "out_of_range");
                }
            }
            Condition::DropVsPrevious { percent } => {
                if !(1..=100).contains(&percent) {
                    c.add("condition.percent", "out_of_range");
                }
            }
            Condition::DropVsAverage { percent, periods } => {
                if !(1..=100).contains(&percent) {
                    c.add("condition.percent", "out_of_range");
                }
                if !(1..=MAX_RULE_PERIODS).contains(&periods) {
                    c.add("condition.periods", "out_of_range");
                }
            }
        }
    }

    /// Whether the series (oldest first, the latest period last) fires the rule. A
    /// period without data never counts as a slump.
    pub fn fires(&self, metric: Metric, series: &[Option<i64>]) -> bool {
        let n = self.window();
        if series.len() < n || n == 0 {
            return false;
        }
        let tail = &series[series.len() - n..];
        let worse = |v: i64, than: i64| {
            if metric.higher_is_better() {
                v < than
            } else {
                v > than
            }
        };
        // Down by `percent` for a metric where higher is better; up by it otherwise.
        let dropped = |v: i64, base: i64, percent: u8| {
            if base <= 0 {
                return false;
            }
            let change = (v as i128 - base as i128) * 100;
            let limit = base as i128 * percent as i128;
            if metric.higher_is_better() {
                change <= -limit
            } else {
                change >= limit
            }
        };
        match *self {
            Condition::Below { threshold, .. } => {
                tail.iter().all(|v| v.is_some_and(|v| worse(v, threshold)))
            }
            Condition::DropVsPrevious { percent } => match (tail[0], tail[1]) {
                (Some(base), Some(v)) => dropped(v, base, percent),
                _ => false,
            },
            Condition::DropVsAverage { percent, .. } => {
                let Some(v) = tail[n - 1] else {
                    return false;
                };
                let before: Vec<i64> = tail[..n - 1].iter().flatten().copied().collect();
                match mean(before.iter().sum(), before.len() as i64) {
                    Some(base) => dropped(v, base, percent),
                    None => false,
                }
            }
        }
    }

    /// Whether the metric has recovered: the rule has not fired for any of the last
    /// `periods` periods (each judged with its own window), all of which have data.
    pub fn recovered(&self, metric: Metric, series: &[Option<i64>], periods: u8) -> bool {
        let p = periods.max(1) as usize;
        if series.len() < p {
            return false;
        }
        (0..p).all(|back| {
            let upto = &series[..series.len() - back];
            upto.last().is_some_and(|v| v.is_some()) && !self.one_period(metric, upto)
        })
    }

    /// The condition judged on the last period alone (`Below` over one period).
    fn one_period(&self, metric: Metric, series: &[Option<i64>]) -> bool {
        match *self {
            Condition::Below { threshold, .. } => Condition::Below {
                threshold,
                periods: 1,
            }
            .fires(metric, series),
            c => c.fires(metric, series),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_parse_print_and_step() {
        for (text, kind, start, end) in [
            (
                "2026-W49",
                PeriodKind::Week,
                date(2026, 11, 30),
                date(2026, 12, 7),
            ),
            (
                "2026-W01",
                PeriodKind::Week,
                date(2025, 12, 29),
                date(2026, 1, 5),
            ),
            (
                "2026-12",
                PeriodKind::Month,
                date(2026, 12, 1),
                date(2027, 1, 1),
            ),
            (
                "2026-Q4",
                PeriodKind::Quarter,
                date(2026, 10, 1),
                date(2027, 1, 1),
            ),
            ("2026", PeriodKind::Year, date(2026, 1, 1), date(2027, 1, 1)),
        ] {
            let p = Period::parse(text).unwrap();
            assert_eq!((p.kind, p.start, p.end()), (kind, start, end), "{text}");
            assert_eq!(p.key(), text);
            assert_eq!(p.next().previous(), p);
        }
        for bad in [
            "", "2026-W54", "2026-13", "2026-Q5", "1999", "2101", "26", "2026-W4", "2026-1",
            "week", "2026-00", "+2026",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad:?}");
        }
        let p = Period::containing(PeriodKind::Week, date(2026, 12, 3));
        assert_eq!((p.key(), p.days()), ("2026-W49".to_string(), 7));
        assert_eq!(
            Period::containing(PeriodKind::Quarter, date(2026, 5, 31)).key(),
            "2026-Q2"
        );
        let keys: Vec<String> = p.last_n(3).iter().map(Period::key).collect();
        assert_eq!(keys, ["2026-W47", "2026-W48", "2026-W49"]);
    }

    #[test]
    fn scopes_parse() {
        let u = UserId::new();
        assert_eq!(Scope::parse(&Scope::User(u).key()), Some(Scope::User(u)));
        assert_eq!(Scope::parse("workspace"), Some(Scope::Workspace));
        for bad in ["", "user:", "user:x", "team", "all"] {
            assert_eq!(Scope::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_ratio_has_a_value_or_none_for_empty_facts() {
        let empty = Facts::default();
        for m in Metric::ALL {
            let v = m.value(&empty);
            let sum =
                matches!(m.unit(), Unit::Money | Unit::Count) && *m != Metric::AverageDealSize;
            assert_eq!(v, sum.then_some(0), "{}", m.key());
            assert_eq!(Metric::parse(m.key()), Some(*m));
        }
    }

    #[test]
    fn values_follow_from_the_facts() {
        let f = Facts {
            won_count: 3,
            won_minor: 3_000_000,
            lost_count: 1,
            lost_minor: 1_000_000,
            won_cycle_centidays: 9_000,
            open_count: 10,
            open_minor: 8_000_000,
            quota_minor: Some(5_000_000),
            leads: 4,
            leads_accepted: 1,
            customers_at_start: 4,
            customers_retained: 3,
            lead_waits_centihours: vec![400, 100, 250],
            campaign_cost_minor: 100,
            campaign_won_minor: 50,
            ..Facts::default()
        };
        let v = |m: Metric| m.value(&f);
        assert_eq!(v(Metric::WinRate), Some(7_500));
        assert_eq!(v(Metric::WinRateValue), Some(7_500));
        assert_eq!(v(Metric::AverageDealSize), Some(1_000_000));
        assert_eq!(v(Metric::SalesCycle), Some(3_000));
        assert_eq!(v(Metric::LeadSqlRate), Some(2_500));
        assert_eq!(v(Metric::SqlWonRate), Some(0));
        // 8,000,000 open against 2,000,000 still to win.
        assert_eq!(v(Metric::PipelineCoverage), Some(40_000));
        // 10 deals × 1,000,000 × 0.75 ÷ 30 days.
        assert_eq!(v(Metric::PipelineVelocity), Some(250_000));
        assert_eq!(v(Metric::Retention), Some(7_500));
        assert_eq!(v(Metric::Churn), Some(2_500));
        assert_eq!(v(Metric::LeadResponse), Some(250));
        assert_eq!(v(Metric::CampaignRoi), Some(-5_000));
        let met = Facts {
            won_minor: 6_000_000,
            ..f.clone()
        };
        assert_eq!(Metric::PipelineCoverage.value(&met), None, "quota reached");
        assert_eq!(
            Metric::PipelineCoverage.value(&Facts::default()),
            None,
            "no quota"
        );
    }

    #[test]
    fn attainment_without_target_is_no_data() {
        assert_eq!(attainment_bp(Some(50), 100, true), Some(5_000));
        assert_eq!(attainment_bp(Some(50), 0, true), None);
        assert_eq!(attainment_bp(None, 100, true), None);
        assert_eq!(attainment_bp(Some(200), 100, false), Some(5_000));
        assert_eq!(attainment_bp(Some(0), 100, false), Some(10_000));
    }

    #[test]
    fn conditions_fire_and_recover() {
        let below = Condition::Below {
            threshold: 2_500,
            periods: 2,
        };
        let w = Metric::WinRate;
        assert!(below.fires(w, &[Some(3_000), Some(2_000), Some(1_000)]));
        assert!(!below.fires(w, &[Some(2_000), Some(3_000), Some(1_000)]));
        assert!(!below.fires(w, &[Some(2_000), None]), "no data is no slump");
        assert!(!below.fires(w, &[Some(1_000)]), "too short");
        // For a metric where lower is better, "below target" means above it.
        let slow = Condition::Below {
            threshold: 400,
            periods: 1,
        };
        assert!(slow.fires(Metric::LeadResponse, &[Some(500)]));
        assert!(!slow.fires(Metric::LeadResponse, &[Some(300)]));

        let drop = Condition::DropVsAverage {
            percent: 30,
            periods: 4,
        };
        let p = Metric::OpenPipeline;
        assert!(drop.fires(p, &[Some(100), Some(100), Some(100), Some(100), Some(70)]));
        assert!(!drop.fires(p, &[Some(100), Some(100), Some(100), Some(100), Some(71)]));
        assert!(!drop.fires(p, &[Some(0), Some(0), Some(0), Some(0), Some(0)]));
        assert!(drop.fires(p, &[None, None, None, Some(100), Some(10)]));
        let prev = Condition::DropVsPrevious { percent: 50 };
        assert!(prev.fires(p, &[Some(10), Some(5)]));
        assert!(!prev.fires(p, &[None, Some(5)]));

        assert!(below.recovered(w, &[Some(1_000), Some(3_000), Some(2_600)], 2));
        assert!(!below.recovered(w, &[Some(1_000), Some(1_000), Some(2_600)], 2));
        assert!(!below.recovered(w, &[Some(3_000), None], 2), "no data yet");
    }

    #[test]
    fn impossible_rules_are_refused() {
        for (c, field) in [
            (
                Condition::Below {
                    threshold: 20_000,
                    periods: 2,
                },
                "condition.threshold",
            ),
            (
                Condition::Below {
                    threshold: 100,
                    periods: 0,
                },
                "condition.periods",
            ),
            (
                Condition::DropVsPrevious { percent: 0 },
                "condition.percent",
            ),
            (
                Condition::DropVsAverage {
                    percent: 30,
                    periods: 200,
                },
                "condition.periods",
            ),
        ] {
            let mut ck = crate::validation::Checker::default();
            c.check(Metric::WinRate, &mut ck);
            let errs = ck.finish().unwrap_err().0;
            assert_eq!(errs[0].field, field, "{c:?}");
        }
    }
}

#[cfg(test)]
mod moves_tests {
    use super::*;

    #[test]
    fn stage_moves_add_up_per_stage_and_in_total() {
        let (a, b) = (
            StageId(uuid::Uuid::from_u128(1)),
            StageId(uuid::Uuid::from_u128(2)),
        );
        let mut rolf = Facts::default();
        rolf.add_moves(a, 4, 1);
        let mut sven = Facts::default();
        sven.add_moves(a, 2, 2);
        sven.add_moves(b, 3, 0);
        let mut team = Facts::default();
        team.add(&rolf);
        team.add(&sven);
        assert_eq!((team.stage_exits(), team.stage_advances()), (9, 3));
        assert_eq!(
            team.stage_moves,
            vec![
                StageMoves {
                    stage_id: a,
                    exits: 6,
                    advances: 3
                },
                StageMoves {
                    stage_id: b,
                    exits: 3,
                    advances: 0
                },
            ]
        );
        assert_eq!(Metric::StageConversion.value(&team), Some(3_333));
    }
}
