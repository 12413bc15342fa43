//! The role dashboards that gather what one role looks at first: the rep's own
//! (attainment, forecast, pipeline, next steps) and marketing's (leads, SQLs, campaign
//! ROI). The team's figures and the manager's comparison live in `metrics`.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {
        campaigns::{self as campaign_svc, Report},
        goals::{self as goal_svc, Standing},
        metrics::{self, Board, Counter, Funnel, FunnelStep, People},
    },
};
use std::collections::HashMap;
use tandem_domain::{
    Instant, Role, StageId,
    format::local_date,
    metrics::{Metric, Period, Scope, ratio_bp},
};
use tandem_store::{Store, deals, leads::ReportScope, pipelines};

/// The outcome figures on the rep's dashboard, with their trends.
pub const MINE: [Metric; 7] = [
    Metric::WonRevenue,
    Metric::DealsWon,
    Metric::WinRate,
    Metric::AverageDealSize,
    Metric::SalesCycle,
    Metric::OpenPipeline,
    Metric::PipelineCoverage,
];

/// The lead figures on marketing's dashboard, for the workspace.
pub const MARKETING: [Metric; 4] = [
    Metric::LeadSqlRate,
    Metric::SqlWonRate,
    Metric::LeadResponse,
    Metric::CampaignRoi,
];

/// How many deals the rep's lists show.
const LISTED: u64 = 10;

/// The open deals of one stage.
pub struct StageLine {
    pub pipeline: String,
    pub stage: String,
    pub deals: i64,
    pub amount_minor: i64,
    pub weighted_minor: i64,
}

pub struct Mine {
    pub board: Board,
    /// Won in the period, the open deals expected to close in it by category, the quota.
    pub forecast: metrics::Compared,
    /// The rep's own goals of the period, with where they stand.
    pub goals: Vec<Standing>,
    /// The open pipeline per stage, in pipeline and stage order.
    pub stages: Vec<StageLine>,
    /// Next steps due within a week, the most overdue first.
    pub next_steps: Vec<deals::Deal>,
    /// Open deals expected to close in the period, the largest first.
    pub closing: Vec<deals::Deal>,
}

/// The signed-in person's own dashboard for a period.
pub async fn mine(store: &Store, auth: &Auth, period: Period, now: Instant) -> AppResult<Mine> {
    let me = auth.user.id;
    let scope = Scope::User(me);
    let board = metrics::board(store, auth, scope, period, now, Some(&MINE)).await?;
    let goals = goal_svc::list(store, auth, Some(scope), period, now).await?;
    let ws = auth.user.workspace_id;
    let today = local_date(now);
    let forecast = metrics::person(store, auth, me, period, now).await?;
    let mut c = store.read().await?;
    let totals = deals::owner_totals(&mut c.conn(), ws, me).await?;
    let all = pipelines::list(&mut c.conn(), ws).await?;
    let stages = stage_lines(&all, &totals);
    let week = today.saturating_add(jiff::Span::new().days(7));
    let next_steps = deals::next_steps(&mut c.conn(), ws, me, week, LISTED).await?;
    let closing = deals::closing(&mut c.conn(), ws, me, period.start, period.end(), LISTED).await?;
    Ok(Mine {
        board,
        forecast,
        goals,
        stages,
        next_steps,
        closing,
    })
}

/// The stages with open deals, summed over currencies and inside partners.
fn stage_lines(all: &[pipelines::Pipeline], totals: &[deals::TotalsRow]) -> Vec<StageLine> {
    // deals, amount, weighted amount of deals with their own probability, amount of
    // deals on the stage's probability
    let mut by_stage: HashMap<StageId, [i64; 4]> = HashMap::new();
    for t in totals {
        let e = by_stage.entry(StageId(t.stage_id)).or_default();
        for (sum, v) in
            e.iter_mut()
                .zip([t.deals, t.amount_minor, t.weighted_own, t.amount_default])
        {
            *sum = sum.saturating_add(v);
        }
    }
    let mut out = vec![];
    for p in all {
        for s in &p.stages {
            let Some([n, amount, own, by_default]) = by_stage.get(&s.id).copied() else {
                continue;
            };
            if n == 0 {
                continue;
            }
            out.push(StageLine {
                pipeline: p.name.clone(),
                stage: s.data.name.clone(),
                deals: n,
                amount_minor: amount,
                weighted_minor: tandem_domain::deal::weighted_total(
                    own,
                    by_default,
                    s.data.probability_bp,
                ),
            });
        }
    }
    out
}

/// Who looks at marketing's dashboard: marketing, managers and admins.
pub fn may_see_marketing(auth: &Auth) -> bool {
    matches!(
        auth.user.role,
        Role::Marketing | Role::Manager | Role::Admin
    )
}

/// Leads and SQLs of one period.
pub struct LeadCount {
    pub period: Period,
    pub leads: i64,
    pub sqls: i64,
}

pub struct Marketing {
    pub board: Board,
    /// The leads that came in in the period: in, handed over, accepted, won.
    pub funnel: Funnel,
    /// Leads and SQLs of the period and the seven before, oldest first.
    pub trend: Vec<LeadCount>,
    /// Campaigns and sources, for the leads that came in in the period (campaigns
    /// without such leads left out).
    pub report: Report,
}

/// Periods in marketing's trend.
pub const TREND: usize = 8;

/// Marketing's dashboard of a period: the workspace's lead figures.
pub async fn marketing(
    store: &Store,
    auth: &Auth,
    period: Period,
    now: Instant,
) -> AppResult<Marketing> {
    if !may_see_marketing(auth) {
        return Err(AppError::Forbidden);
    }
    let board =
        metrics::board(store, auth, Scope::Workspace, period, now, Some(&MARKETING)).await?;
    let (from, until) = period.bounds();
    let mut report = campaign_svc::report(
        store,
        auth,
        &ReportScope {
            campaign: None,
            from: Some(from),
            until: Some(until),
        },
    )
    .await?;
    // The campaigns without leads in the period have nothing to show here.
    report.by_campaign.retain(|l| l.quality.leads > 0);
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let mut counter = Counter::new(ws, now);
    let mut trend = vec![];
    for p in period.last_n(TREND) {
        let f = if p.start > local_date(now) {
            Default::default()
        } else {
            counter
                .facts(&mut c.conn(), &people, &Scope::Workspace, &p)
                .await?
        };
        trend.push(LeadCount {
            period: p,
            leads: f.leads,
            sqls: f.leads_accepted,
        });
    }
    let q = report
        .total
        .as_ref()
        .map(|l| l.quality.clone())
        .unwrap_or_default();
    let counts = [q.leads, q.handed_over, q.sqls, q.won].map(|n| n as i64);
    let steps = ["leads", "handed_over", "sqls", "won"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let next = counts.get(i + 1).copied().unwrap_or(counts[i]);
            FunnelStep {
                stage: (*name).to_string(),
                exits: counts[i],
                advances: next,
                rate_bp: if i + 1 < counts.len() {
                    ratio_bp(next, counts[i])
                } else {
                    None
                },
            }
        })
        .collect();
    Ok(Marketing {
        board,
        funnel: Funnel {
            pipeline: String::new(),
            steps,
        },
        trend,
        report,
    })
}
