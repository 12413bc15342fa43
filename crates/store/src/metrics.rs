//! The facts behind the metric catalogue: what happened in a period for a set of people
//! (all of the workspace when `people` is `None`), and the pipeline now. Rows are
//! fetched and summed here rather than with SQL `SUM` (PostgreSQL sums BIGINTs as
//! NUMERIC, and money sums may not overflow).

use crate::{Conn, StoreResult};
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use std::collections::HashSet;
use tandem_domain::{
    Instant, UserId, WorkspaceId,
    metrics::Facts,
    time::{DAY_MS, HOUR_MS},
};
use uuid::Uuid;

/// Whose facts: a list of people, or the whole workspace.
pub type People<'a> = Option<&'a [UserId]>;

fn restrict(q: &mut SelectStatement, col: (&'static str, &'static str), people: People<'_>) {
    if let Some(p) = people {
        q.and_where(Expr::col(col).is_in(p.iter().map(|u| u.0)));
    }
}

#[derive(sqlx::FromRow)]
struct Closed {
    account_id: Uuid,
    status: String,
    amount_minor: Option<i64>,
    created_at: i64,
    closed_at: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: Uuid,
}

#[derive(sqlx::FromRow)]
struct Open {
    amount_minor: Option<i64>,
    probability_bp: Option<i64>,
    stage_probability_bp: i64,
}

#[derive(sqlx::FromRow)]
struct Exit {
    from_position: i64,
    to_position: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct LeadRow {
    status: String,
    deal_status: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Wait {
    at: i64,
    since: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Slip {
    deal_id: Uuid,
    to_date: String,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
}

#[derive(sqlx::FromRow)]
struct Done {
    in_time: Option<bool>,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    key_conversation: bool,
}

#[derive(sqlx::FromRow)]
struct CostRow {
    id: Uuid,
    cost_minor: i64,
}

#[derive(sqlx::FromRow)]
struct Amount {
    amount_minor: Option<i64>,
}

/// Deals won before `before`, by account: the accounts among `of` that were customers.
async fn customers_before(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: Instant,
    before: Instant,
    people: People<'_>,
) -> StoreResult<HashSet<Uuid>> {
    let mut q = Query::select()
        .distinct()
        .column(("deals", "account_id"))
        .from("deals")
        .inner_join(
            "accounts",
            Expr::col(("accounts", "workspace_id"))
                .equals(("deals", "workspace_id"))
                .and(Expr::col(("accounts", "id")).equals(("deals", "account_id"))),
        )
        .and_where(Expr::col(("deals", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("accounts", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("won"))
        .and_where(Expr::col(("deals", "closed_at")).gte(from.0))
        .and_where(Expr::col(("deals", "closed_at")).lt(before.0))
        .to_owned();
    restrict(&mut q, ("accounts", "owner_id"), people);
    let rows: Vec<AccountRow> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.account_id).collect())
}

/// Everything the catalogue needs for `[from, to)`; the pipeline figures are those of
/// now when `current` (a past period's pipeline comes from the snapshots).
pub async fn facts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    people: People<'_>,
    from: Instant,
    to: Instant,
    current: bool,
) -> StoreResult<Facts> {
    let mut f = Facts::default();
    let centi = |ms: i64, unit: i64| {
        ((Ord::max(ms, 0) as i128 * 100 + unit as i128 / 2) / unit as i128) as i64
    };

    // Deals won and lost in the period.
    let mut q = Query::select()
        .columns([
            "account_id",
            "status",
            "amount_minor",
            "created_at",
            "closed_at",
        ])
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").is_in(["won", "lost"]))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
        .to_owned();
    restrict(&mut q, ("deals", "owner_id"), people);
    let closed: Vec<Closed> = c.all(&q).await?;
    let mut won_accounts: Vec<(Uuid, i64, i64)> = vec![];
    for d in &closed {
        let amount = d.amount_minor.unwrap_or(0);
        if d.status == "won" {
            f.won_count += 1;
            f.won_minor = f.won_minor.saturating_add(amount);
            f.won_cycle_centidays += centi(d.closed_at - d.created_at, DAY_MS);
            won_accounts.push((d.account_id, amount, d.closed_at));
        } else {
            f.lost_count += 1;
            f.lost_minor = f.lost_minor.saturating_add(amount);
        }
    }

    // New and existing customers: was there a won deal on the account before?
    if !won_accounts.is_empty() {
        let ids: HashSet<Uuid> = won_accounts.iter().map(|a| a.0).collect();
        let mut earlier: HashSet<Uuid> = HashSet::new();
        let ids: Vec<Uuid> = ids.into_iter().collect();
        for chunk in ids.chunks(5_000) {
            let q = Query::select()
                .distinct()
                .column("account_id")
                .from("deals")
                .and_where(Expr::col("workspace_id").eq(ws.0))
                .and_where(Expr::col("deleted_at").is_null())
                .and_where(Expr::col("status").eq("won"))
                .and_where(Expr::col("closed_at").lt(from.0))
                .and_where(Expr::col("account_id").is_in(chunk.iter().copied()))
                .to_owned();
            let rows: Vec<AccountRow> = c.all(&q).await?;
            earlier.extend(rows.into_iter().map(|r| r.account_id));
        }
        let mut first_seen: HashSet<Uuid> = HashSet::new();
        for (account, amount, _) in &won_accounts {
            if earlier.contains(account) {
                f.existing_minor = f.existing_minor.saturating_add(*amount);
            } else if first_seen.insert(*account) {
                f.new_customers += 1;
            }
        }
    }

    // Retention: customers are accounts with a won deal in the twelve months before.
    let year = 365 * DAY_MS;
    let at_start = customers_before(c, ws, from.plus_ms(-year), from, people).await?;
    if !at_start.is_empty() {
        let at_end = customers_before(c, ws, to.plus_ms(-year), to, people).await?;
        f.customers_at_start = at_start.len() as i64;
        f.customers_retained = at_start.intersection(&at_end).count() as i64;
    }

    // Stage exits in the period, and whether the next stage lies further on.
    let (h1, h2, s1, s2) = (
        Alias::new("h1"),
        Alias::new("h2"),
        Alias::new("s1"),
        Alias::new("s2"),
    );
    let mut q = Query::select()
        .expr_as(
            Expr::col((s1.clone(), "position")),
            Alias::new("from_position"),
        )
        .expr_as(
            Expr::col((s2.clone(), "position")),
            Alias::new("to_position"),
        )
        .from_as("deal_stage_history", h1.clone())
        .inner_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals((h1.clone(), "workspace_id"))
                .and(Expr::col(("deals", "id")).equals((h1.clone(), "deal_id"))),
        )
        .join_as(
            sea_query::JoinType::InnerJoin,
            "stages",
            s1.clone(),
            Expr::col((s1.clone(), "workspace_id"))
                .equals((h1.clone(), "workspace_id"))
                .and(Expr::col((s1.clone(), "id")).equals((h1.clone(), "stage_id"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "deal_stage_history",
            h2.clone(),
            Expr::col((h2.clone(), "workspace_id"))
                .equals((h1.clone(), "workspace_id"))
                .and(Expr::col((h2.clone(), "deal_id")).equals((h1.clone(), "deal_id")))
                .and(Expr::col((h2.clone(), "entered_at")).equals((h1.clone(), "left_at"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "stages",
            s2.clone(),
            Expr::col((s2.clone(), "workspace_id"))
                .equals((h2.clone(), "workspace_id"))
                .and(Expr::col((s2.clone(), "id")).equals((h2.clone(), "stage_id"))),
        )
        .and_where(Expr::col((h1.clone(), "workspace_id")).eq(ws.0))
        .and_where(Expr::col((h1.clone(), "left_at")).gte(from.0))
        .and_where(Expr::col((h1.clone(), "left_at")).lt(to.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .to_owned();
    restrict(&mut q, ("deals", "owner_id"), people);
    let exits: Vec<Exit> = c.all(&q).await?;
    f.stage_exits = exits.len() as i64;
    f.stage_advances = exits
        .iter()
        .filter(|e| e.to_position.is_some_and(|p| p > e.from_position))
        .count() as i64;

    // Leads handed to these people (all leads for the workspace) that came in in the
    // period; accepted ones are SQLs, and their deals may be won.
    let mut q = Query::select()
        .column(("leads", "status"))
        .expr_as(Expr::col(("deals", "status")), Alias::new("deal_status"))
        .from("leads")
        .left_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals(("leads", "workspace_id"))
                .and(Expr::col(("deals", "id")).equals(("leads", "deal_id"))),
        )
        .and_where(Expr::col(("leads", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("leads", "deleted_at")).is_null())
        .and_where(Expr::col(("leads", "created_at")).gte(from.0))
        .and_where(Expr::col(("leads", "created_at")).lt(to.0))
        .to_owned();
    restrict(&mut q, ("leads", "assignee_id"), people);
    let leads: Vec<LeadRow> = c.all(&q).await?;
    f.leads = leads.len() as i64;
    for l in &leads {
        if matches!(l.status.as_str(), "accepted" | "converted") {
            f.leads_accepted += 1;
            if l.deal_status.as_deref() == Some("won") {
                f.leads_won += 1;
            }
        }
    }

    // Lead response: from the handoff to the decision, for decisions in the period.
    let mut q = Query::select()
        .column(("lead_events", "at"))
        .expr_as(Expr::col(("leads", "handed_over_at")), Alias::new("since"))
        .from("lead_events")
        .inner_join(
            "leads",
            Expr::col(("leads", "workspace_id"))
                .equals(("lead_events", "workspace_id"))
                .and(Expr::col(("leads", "id")).equals(("lead_events", "lead_id"))),
        )
        .and_where(Expr::col(("lead_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("lead_events", "kind")).is_in(["accepted", "rejected"]))
        .and_where(Expr::col(("lead_events", "at")).gte(from.0))
        .and_where(Expr::col(("lead_events", "at")).lt(to.0))
        .to_owned();
    restrict(&mut q, ("lead_events", "actor_id"), people);
    let waits: Vec<Wait> = c.all(&q).await?;
    f.lead_waits_centihours = waits
        .iter()
        .filter_map(|w| w.since.map(|s| centi(w.at - s, HOUR_MS)))
        .collect();

    // The pipeline now.
    if current {
        let mut q = Query::select()
            .column(("deals", "amount_minor"))
            .column(("deals", "probability_bp"))
            .expr_as(
                Expr::col(("stages", "probability_bp")),
                Alias::new("stage_probability_bp"),
            )
            .from("deals")
            .inner_join(
                "stages",
                Expr::col(("stages", "workspace_id"))
                    .equals(("deals", "workspace_id"))
                    .and(Expr::col(("stages", "id")).equals(("deals", "stage_id"))),
            )
            .and_where(Expr::col(("deals", "workspace_id")).eq(ws.0))
            .and_where(Expr::col(("deals", "deleted_at")).is_null())
            .and_where(Expr::col(("deals", "status")).eq("open"))
            .to_owned();
        restrict(&mut q, ("deals", "owner_id"), people);
        let open: Vec<Open> = c.all(&q).await?;
        let mut weighted: i128 = 0;
        for d in &open {
            let amount = d.amount_minor.unwrap_or(0);
            f.open_count += 1;
            f.open_minor = f.open_minor.saturating_add(amount);
            weighted += amount as i128 * d.probability_bp.unwrap_or(d.stage_probability_bp) as i128;
        }
        f.weighted_minor = (weighted / 10_000).min(i64::MAX as i128) as i64;
    }

    // Close dates: deals expected to close in the period, and those pushed past it.
    let (first_day, end_day) = (
        tandem_domain::format::local_date(from).to_string(),
        tandem_domain::format::local_date(to).to_string(),
    );
    let mut q = Query::select()
        .column(("deal_close_slips", "deal_id"))
        .column(("deal_close_slips", "to_date"))
        .from("deal_close_slips")
        .inner_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals(("deal_close_slips", "workspace_id"))
                .and(Expr::col(("deals", "id")).equals(("deal_close_slips", "deal_id"))),
        )
        .and_where(Expr::col(("deal_close_slips", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deal_close_slips", "from_date")).gte(first_day.clone()))
        .and_where(Expr::col(("deal_close_slips", "from_date")).lt(end_day.clone()))
        .to_owned();
    restrict(&mut q, ("deals", "owner_id"), people);
    let slips: Vec<Slip> = c.all(&q).await?;
    let mut due: HashSet<Uuid> = slips.iter().map(|s| s.deal_id).collect();
    let slipped: HashSet<Uuid> = slips
        .iter()
        .filter(|s| s.to_date >= end_day)
        .map(|s| s.deal_id)
        .collect();
    let mut q = Query::select()
        .column("id")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("expected_close").gte(first_day))
        .and_where(Expr::col("expected_close").lt(end_day))
        .to_owned();
    restrict(&mut q, ("deals", "owner_id"), people);
    let planned: Vec<DueRow> = c.all(&q).await?;
    due.extend(planned.into_iter().map(|d| d.id));
    f.due_count = due.len() as i64;
    f.slipped_count = slipped.len() as i64;

    // Quotes sent in the period: from drafting to sending.
    let mut q = Query::select()
        .expr_as(Expr::col("sent_at"), Alias::new("at"))
        .expr_as(Expr::col("created_at"), Alias::new("since"))
        .from("quotes")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("sent_at").gte(from.0))
        .and_where(Expr::col("sent_at").lt(to.0))
        .to_owned();
    restrict(&mut q, ("quotes", "owner_id"), people);
    let quotes: Vec<Wait> = c.all(&q).await?;
    f.quote_waits_centihours = quotes
        .iter()
        .filter_map(|w| w.since.map(|s| centi(w.at - s, HOUR_MS)))
        .collect();

    // Requests done in the period by these people, and how many within their SLA.
    let mut q = Query::select()
        .column("in_time")
        .from("requests")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").eq("done"))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
        .to_owned();
    restrict(&mut q, ("requests", "assignee_id"), people);
    let done: Vec<Done> = c.all(&q).await?;
    f.requests_done = done.iter().filter(|d| d.in_time.is_some()).count() as i64;
    f.requests_in_time = done.iter().filter(|d| d.in_time == Some(true)).count() as i64;

    // Campaigns (the workspace's): those that began in the period, their cost and the
    // revenue won from their leads.
    if people.is_none() {
        let q = Query::select()
            .columns(["id", "cost_minor"])
            .from("campaigns")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("deleted_at").is_null())
            .and_where(
                Expr::col("starts_on").gte(tandem_domain::format::local_date(from).to_string()),
            )
            .and_where(Expr::col("starts_on").lt(tandem_domain::format::local_date(to).to_string()))
            .to_owned();
        let campaigns: Vec<CostRow> = c.all(&q).await?;
        f.campaign_cost_minor = campaigns.iter().map(|c| c.cost_minor).sum();
        if !campaigns.is_empty() {
            let q = Query::select()
                .column(("deals", "amount_minor"))
                .from("leads")
                .inner_join(
                    "deals",
                    Expr::col(("deals", "workspace_id"))
                        .equals(("leads", "workspace_id"))
                        .and(Expr::col(("deals", "id")).equals(("leads", "deal_id"))),
                )
                .and_where(Expr::col(("leads", "workspace_id")).eq(ws.0))
                .and_where(Expr::col(("leads", "deleted_at")).is_null())
                .and_where(Expr::col(("deals", "status")).eq("won"))
                .and_where(
                    Expr::col(("leads", "campaign_id")).is_in(campaigns.iter().map(|c| c.id)),
                )
                .to_owned();
            let won: Vec<Amount> = c.all(&q).await?;
            f.campaign_won_minor = won.iter().filter_map(|a| a.amount_minor).sum();
        }
    }

    // Activities logged in the period.
    let mut q = Query::select()
        .column("key_conversation")
        .from("activities")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("occurred_at").gte(from.0))
        .and_where(Expr::col("occurred_at").lt(to.0))
        .to_owned();
    restrict(&mut q, ("activities", "created_by"), people);
    let acts: Vec<ActivityRow> = c.all(&q).await?;
    f.activities = acts.len() as i64;
    f.key_conversations = acts.iter().filter(|a| a.key_conversation).count() as i64;
    Ok(f)
}

// ----- snapshots -----

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Snapshot {
    pub day: String,
    pub value: Option<i64>,
}

/// Writes (or rewrites) the figures of `day` for a scope.
pub async fn snapshot(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    day: jiff::civil::Date,
    scope: &str,
    values: &[(&'static str, Option<i64>)],
) -> StoreResult<()> {
    let day = day.to_string();
    let q = Query::delete()
        .from_table("kpi_snapshots")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("scope").eq(scope))
        .and_where(Expr::col("day").eq(day.clone()))
        .to_owned();
    c.exec(&q).await?;
    let rows = values
        .iter()
        .map(|(m, v)| {
            vec![
                ws.0.into(),
                day.clone().into(),
                scope.into(),
                (*m).into(),
                (*v).into(),
            ]
        })
        .collect();
    crate::list::insert_rows(
        c,
        "kpi_snapshots",
        &["workspace_id", "day", "scope", "metric", "value"],
        rows,
    )
    .await
}

/// A metric's snapshots for a scope from `first` to `last` (inclusive), oldest first.
pub async fn snapshots(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    scope: &str,
    metric: &str,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
) -> StoreResult<Vec<Snapshot>> {
    let q = Query::select()
        .columns(["day", "value"])
        .from("kpi_snapshots")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("scope").eq(scope))
        .and_where(Expr::col("metric").eq(metric))
        .and_where(Expr::col("day").gte(first.to_string()))
        .and_where(Expr::col("day").lte(last.to_string()))
        .order_by("day", sea_query::Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Whether the day's snapshots exist for the workspace (the job runs once a day).
pub async fn has_snapshot(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    day: jiff::civil::Date,
) -> StoreResult<bool> {
    #[derive(sqlx::FromRow)]
    struct One {
        #[allow(dead_code)]
        day: String,
    }
    let q = Query::select()
        .column("day")
        .from("kpi_snapshots")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("scope").eq("workspace"))
        .and_where(Expr::col("day").eq(day.to_string()))
        .limit(1)
        .to_owned();
    Ok(c.optional::<One>(&q).await?.is_some())
}
