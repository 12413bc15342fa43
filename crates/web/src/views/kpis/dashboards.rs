//! The role dashboards: `Mein Überblick` (the rep's attainment, forecast, pipeline and
//! next steps) and `Marketing` (leads, SQLs, the lead funnel and campaign ROI).

use super::{charts::*, *};
use crate::views::campaigns::{Figures, ReportLines, report_lines};
use tandem_app::dashboards as dash;
use tandem_store::deals::Deal;

#[derive(Deserialize, Default)]
pub struct DashParams {
    period: Option<String>,
    period_kind: Option<String>,
}

/// The period asked for; without one the current period of `kind`.
fn period_of(state: &AppState, p: &DashParams, kind: &str) -> AppResult<Period> {
    let today = local_date(state.store.now());
    let kind = p
        .period_kind
        .as_deref()
        .filter(|k| !k.trim().is_empty())
        .unwrap_or(kind);
    Ok(svc::parse_period(p.period.as_deref(), Some(kind), today)?)
}

/// A deal in one of the dashboard's lists.
pub struct DealLine {
    pub href: String,
    pub title: String,
    pub account: String,
    pub stage: String,
    pub amount: String,
    pub close: String,
    pub forecast: String,
    pub step: String,
    pub due: String,
    pub overdue: bool,
}

fn deal_line(tr: &Tr, d: &Deal, today: jiff::civil::Date) -> DealLine {
    let date = |x: Option<jiff::civil::Date>| {
        x.map(|x| format::date(x, tr.locale))
            .unwrap_or_else(|| NO_DATA.into())
    };
    DealLine {
        href: format!("/deals/{}", d.id),
        title: d.data.title.clone(),
        account: d.account_name.clone(),
        stage: d.stage_name.clone(),
        amount: d
            .data
            .amount
            .as_ref()
            .map(|m| m.format(tr.locale))
            .unwrap_or_else(|| NO_DATA.into()),
        close: date(d.data.expected_close),
        forecast: d
            .data
            .forecast(d.stage_probability_bp)
            .map(|f| crate::views::deals::forecast_label(tr, f))
            .unwrap_or_default(),
        step: d.data.next_step.clone().unwrap_or_default(),
        due: date(d.data.next_step_due),
        overdue: d.data.next_step_due.is_some_and(|due| due < today),
    }
}

fn money(tr: &Tr, minor: i64) -> String {
    show(Metric::WonRevenue, Some(minor), tr)
}

#[derive(Template)]
#[template(path = "kpis/mine.html")]
struct MinePage {
    tr: Tr,
    layout: Layout,
    head: PeriodHead,
    cards: Vec<Card>,
    won: String,
    quota: String,
    attainment: String,
    bar: String,
    forecast_chart: String,
    /// (label, amount): won, commit, best case, pipeline.
    forecast: Vec<(String, String)>,
    goals: Vec<super::goals::GoalRow>,
    stage_chart: String,
    /// Stage, deals, amount, weighted.
    stages: Vec<(String, String, String, String)>,
    next_steps: Vec<DealLine>,
    closing: Vec<DealLine>,
}

/// `Mein Überblick`: the signed-in person's own dashboard.
/// The revenue quota of the period: the forecast card's headline, not a goal row.
fn is_headline(g: &tandem_app::goals::Standing, period: &Period) -> bool {
    let d = &g.goal.data;
    d.metric == Some(Metric::WonRevenue) && d.period == *period
}

/// The open pipeline by stage (named with their pipeline when there are several).
fn stage_lines(tr: &Tr, stages: &[dash::StageLine]) -> Vec<(String, String, String, String)> {
    let several = stages.iter().any(|s| s.pipeline != stages[0].pipeline);
    stages
        .iter()
        .map(|s| {
            (
                if several {
                    format!("{} · {}", s.pipeline, s.stage)
                } else {
                    s.stage.clone()
                },
                tr.number(&s.deals),
                money(tr, s.amount_minor),
                money(tr, s.weighted_minor),
            )
        })
        .collect()
}

/// The open pipeline by stage as bars.
fn stage_chart(tr: &Tr, stages: &[dash::StageLine]) -> String {
    let rows: Vec<(String, i64, String)> = stages
        .iter()
        .map(|s| (s.stage.clone(), s.amount_minor, money(tr, s.amount_minor)))
        .collect();
    labelled_bars(&rows)
}

fn deal_lines(
    tr: &Tr,
    deals: &[tandem_store::deals::Deal],
    today: jiff::civil::Date,
) -> Vec<DealLine> {
    deals.iter().map(|d| deal_line(tr, d, today)).collect()
}

pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<DashParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let period = period_of(&state, &p, "quarter")?;
    let now = state.store.now();
    let today = local_date(now);
    let m = dash::mine(&state.store, &auth, period, now).await?;
    let f = &m.forecast;
    let won = f.values[0].unwrap_or(0);
    let mut head = PeriodHead::new(&tr, "/kpis/mine", &m.board.scope, &period, vec![]);
    head.export_href = format!(
        "/kpis/export.csv?scope={}&period={}",
        m.board.scope.key(),
        period.key()
    );
    let forecast = ["team-won", "team-commit", "team-best-case", "team-pipeline"]
        .iter()
        .zip([won, f.forecast[0], f.forecast[1], f.forecast[2]])
        .map(|(k, v)| (tr.t(k), money(&tr, v)))
        .collect();
    let page = MinePage {
        layout: Layout::new(&auth, "kpis", tr.t("mine-title")).within("mine"),
        head,
        cards: cards(&tr, &m.board),
        won: money(&tr, won),
        quota: f
            .quota
            .map(|q| money(&tr, q))
            .unwrap_or_else(|| NO_DATA.into()),
        attainment: f
            .attainment_bp
            .map(|a| format::percent(a, tr.locale))
            .unwrap_or_default(),
        bar: bar(f.attainment_bp),
        forecast_chart: forecast_chart(won, &f.forecast, f.quota),
        forecast,
        // The revenue quota of the period is the card's headline; the other goals below.
        goals: m
            .goals
            .iter()
            .filter(|g| !is_headline(g, &period))
            .map(|g| super::goals::goal_row(&tr, g, tr.t("kpis-me")))
            .collect(),
        stage_chart: stage_chart(&tr, &m.stages),
        stages: stage_lines(&tr, &m.stages),
        next_steps: deal_lines(&tr, &m.next_steps, today),
        closing: deal_lines(&tr, &m.closing, today),
        tr,
    };
    Ok(render(page))
}

#[derive(Template)]
#[template(path = "kpis/marketing.html")]
struct MarketingPage {
    tr: Tr,
    layout: Layout,
    head: PeriodHead,
    cards: Vec<Card>,
    funnel: super::team::FunnelView,
    trend_chart: String,
    /// Period, leads, SQLs.
    trend: Vec<(String, String, String)>,
    by_campaign: Vec<Figures>,
    by_source: Vec<Figures>,
    total: Option<Figures>,
    no_campaigns: String,
    no_sources: String,
}

const STEPS: [&str; 4] = [
    "marketing-step-leads",
    "marketing-step-handed-over",
    "marketing-step-sqls",
    "marketing-step-won",
];

/// `Marketing`: the workspace's leads, SQLs and campaigns for a period.
pub async fn marketing(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<DashParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let period = period_of(&state, &p, "month")?;
    let mut m = dash::marketing(&state.store, &auth, period, state.store.now()).await?;
    let mut head = PeriodHead::new(&tr, "/kpis/marketing", &Scope::Workspace, &period, vec![]);
    head.export_href = format!("/kpis/marketing/export.csv?period={}", period.key());
    for (s, key) in m.funnel.steps.iter_mut().zip(STEPS) {
        s.stage = tr.t(key);
    }
    let labels: Vec<String> = m.trend.iter().map(|t| short_label(&t.period)).collect();
    let leads: Vec<i64> = m.trend.iter().map(|t| t.leads).collect();
    let sqls: Vec<i64> = m.trend.iter().map(|t| t.sqls).collect();
    let ReportLines {
        by_campaign,
        by_source,
        total,
    } = report_lines(&tr, &m.report);
    let page = MarketingPage {
        layout: Layout::new(&auth, "kpis", tr.t("marketing-title")).within("marketing"),
        head,
        cards: cards(&tr, &m.board),
        funnel: super::team::funnel_view(&tr, &m.funnel),
        trend_chart: paired_columns(&labels, &leads, &sqls),
        trend: m
            .trend
            .iter()
            .map(|t| {
                (
                    period_label(&tr, &t.period),
                    tr.number(&t.leads),
                    tr.number(&t.sqls),
                )
            })
            .collect(),
        by_campaign,
        by_source,
        total,
        no_campaigns: tr.t("marketing-no-leads"),
        no_sources: tr.t("marketing-no-leads"),
        tr,
    };
    Ok(render(page))
}

/// A period's label under a chart column: `W49`, `11/26`, `Q4`, `2026`.
fn short_label(p: &Period) -> String {
    match p.kind {
        PeriodKind::Week => format!("W{}", p.start.iso_week_date().week()),
        PeriodKind::Month => p.start.strftime("%m/%y").to_string(),
        PeriodKind::Quarter => format!("Q{}", (p.start.month() - 1) / 3 + 1),
        PeriodKind::Year => p.start.year().to_string(),
    }
}

/// The columns of the marketing export, one row per campaign and per source.
const MARKETING_COLUMNS: [&str; 14] = [
    "kind",
    "name",
    "period",
    "leads",
    "handed_over",
    "sqls",
    "rejections",
    "acceptance_bp",
    "won",
    "won_minor",
    "cost_minor",
    "cost_per_lead_minor",
    "roi_bp",
    "currency",
];

/// Marketing's campaigns and sources of the period as CSV: raw values.
pub async fn marketing_export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<DashParams>,
) -> AppResult<Response> {
    let period = period_of(&state, &p, "month")?;
    let m = dash::marketing(&state.store, &auth, period, state.store.now()).await?;
    let tr = Tr::new(auth.user.locale);
    let mut out = crate::views::table::csv_writer(tr.locale);
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record(MARKETING_COLUMNS).map_err(internal)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let campaigns = m.report.by_campaign.iter().map(|l| {
        let name = l
            .campaign
            .as_ref()
            .map_or_else(|| tr.t("leads-no-campaign"), |c| c.data.name.clone());
        ("campaign", name, l)
    });
    let sources = m.report.by_source.iter().map(|l| {
        let key = l.source.map_or("other", |s| s.as_str());
        ("source", key.to_string(), l)
    });
    for (kind, name, l) in campaigns.chain(sources) {
        let q = &l.quality;
        out.write_record([
            kind.to_string(),
            crate::views::table::neutralised(&name).into_owned(),
            period.key(),
            q.leads.to_string(),
            q.handed_over.to_string(),
            q.sqls.to_string(),
            q.rejections.to_string(),
            opt(q.acceptance_bp),
            q.won.to_string(),
            q.won_minor.to_string(),
            q.cost_minor.to_string(),
            opt(q.cost_per_lead_minor),
            opt(q.roi_bp),
            l.currency.clone(),
        ])
        .map_err(internal)?;
    }
    csv_download(out, &format!("marketing-{}.csv", period.key()))
}
