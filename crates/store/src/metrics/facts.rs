//! Counting the facts of a period per person: one function per part of the catalogue,
//! each grouped by owner in SQL. A count covers a period (`Span::from`..`to`, which
//! retention, slippage and campaigns are about) and counts the events (closings,
//! stage moves, leads, quotes, requests, activities) of `since`..`until` in it, so that
//! a period's facts can be recorded up to a day and the rest counted on top.

use super::{Buckets, Owner, centi, count, count_when, owner, sum};
use crate::{Conn, StoreResult};
use sea_query::{Alias, Expr, ExprTrait, Func, Query};
use std::collections::{HashMap, HashSet};
use tandem_domain::{
    Instant, WorkspaceId,
    time::{DAY_MS, HOUR_MS},
};
use uuid::Uuid;

/// What a count covers: the period, and the part of it whose events are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: Instant,
    pub to: Instant,
    pub since: Instant,
    pub until: Instant,
}

/// What to count besides the events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    /// Retention, slippage and campaigns: about the whole period as it stands.
    pub period: bool,
    /// The open pipeline now (a past period's comes from the snapshots).
    pub pipeline: bool,
}

/// A stage's position and default probability.
type Stages = HashMap<Uuid, (i64, i64)>;

async fn stages(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Stages> {
    let q = Query::select()
        .columns(["id", "position", "probability_bp"])
        .from("stages")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .to_owned();
    Ok(c.all::<StagePosition>(&q)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.position, s.probability_bp)))
        .collect())
}

/// Counts the facts of `s` per owner onto `b` (empty for a count of its own, or the
/// facts recorded of the period up to `s.since`).
pub async fn add_facts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: Span,
    parts: Parts,
    b: &mut Buckets,
) -> StoreResult<()> {
    let stages = stages(c, ws).await?;
    closed(c, ws, &s, b).await?;
    customers(c, ws, &s, b).await?;
    stage_moves(c, ws, &s, b, &stages).await?;
    leads(c, ws, &s, b).await?;
    lead_waits(c, ws, &s, b).await?;
    quotes(c, ws, &s, b).await?;
    requests(c, ws, &s, b).await?;
    activities(c, ws, &s, b).await?;
    if parts.period {
        retention(c, ws, &s, b).await?;
        slippage(c, ws, &s, b).await?;
        campaigns(c, ws, &s, b).await?;
    }
    if parts.pipeline {
        pipeline(c, ws, b, &stages).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ClosedSum {
    owner_id: Option<Uuid>,
    status: String,
    n: i64,
    amount: i64,
    cycle_ms: i64,
}

#[derive(sqlx::FromRow)]
struct WonAccount {
    owner_id: Option<Uuid>,
    account_id: Uuid,
    amount: i64,
}

#[derive(sqlx::FromRow)]
struct OwnerAccount {
    owner_id: Option<Uuid>,
    account_id: Uuid,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: Uuid,
}

#[derive(sqlx::FromRow)]
struct Customers {
    owner_id: Option<Uuid>,
    at_start: i64,
    retained: i64,
}

#[derive(sqlx::FromRow)]
struct Exits {
    owner_id: Option<Uuid>,
    from_stage: Uuid,
    to_stage: Option<Uuid>,
    won: i64,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct StagePosition {
    id: Uuid,
    position: i64,
    probability_bp: i64,
}

#[derive(sqlx::FromRow)]
struct LeadSum {
    owner_id: Option<Uuid>,
    status: String,
    deal_status: Option<String>,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct Wait {
    owner_id: Option<Uuid>,
    at: i64,
    since: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct OpenSum {
    owner_key: Uuid,
    stage_id: Uuid,
    n: i64,
    amount: i64,
    weighted_own: i64,
    amount_default: i64,
}

#[derive(sqlx::FromRow)]
struct Due {
    owner_id: Option<Uuid>,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct SlipSum {
    owner_id: Option<Uuid>,
    due: i64,
    slipped: i64,
}

#[derive(sqlx::FromRow)]
struct DoneSum {
    owner_id: Option<Uuid>,
    done: i64,
    in_time: i64,
}

#[derive(sqlx::FromRow)]
struct ActivitySum {
    owner_id: Option<Uuid>,
    n: i64,
    key: i64,
}

#[derive(sqlx::FromRow)]
struct CostRow {
    id: Uuid,
    cost_minor: i64,
}

#[derive(sqlx::FromRow)]
struct Amount {
    amount: i64,
}

/// Deals won and lost, with their amounts and cycle times.
async fn closed(c: &mut Conn<'_>, ws: WorkspaceId, s: &Span, b: &mut Buckets) -> StoreResult<()> {
    // Deals won and lost in the period.
    let q = Query::select()
        .columns(["owner_id", "status"])
        .expr_as(count(), "n")
        .expr_as(sum("amount_minor"), "amount")
        .expr_as(sum("closed_at - created_at"), "cycle_ms")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").is_in(["won", "lost"]))
        .and_where(Expr::col("closed_at").gte(s.since.0))
        .and_where(Expr::col("closed_at").lt(s.until.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("owner_id")
        .group_by_col("status")
        .to_owned();
    for r in c.all::<ClosedSum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        if r.status == "won" {
            f.won_count += r.n;
            f.won_minor = f.won_minor.saturating_add(r.amount);
            f.won_cycle_centidays += centi(r.cycle_ms, DAY_MS);
        } else {
            f.lost_count += r.n;
            f.lost_minor = f.lost_minor.saturating_add(r.amount);
        }
    }
    Ok(())
}

/// Won revenue from new and existing customers.
async fn customers(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
    // New and existing customers: was there a won deal on the account before? (An
    // account that two people won deals from in the period is new for each of them.)
    let q = Query::select()
        .columns(["owner_id", "account_id"])
        .expr_as(sum("amount_minor"), "amount")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").eq("won"))
        .and_where(Expr::col("closed_at").gte(s.since.0))
        .and_where(Expr::col("closed_at").lt(s.until.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("owner_id")
        .group_by_col("account_id")
        .to_owned();
    let won: Vec<WonAccount> = c.all(&q).await?;
    if !won.is_empty() {
        let ids: Vec<Uuid> = won
            .iter()
            .map(|w| w.account_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut earlier: HashSet<Uuid> = HashSet::new();
        for chunk in ids.chunks(5_000) {
            let q = Query::select()
                .distinct()
                .column("account_id")
                .from("deals")
                .and_where(Expr::col("workspace_id").eq(ws.0))
                .and_where(Expr::col("status").eq("won"))
                .and_where(Expr::col("closed_at").lt(s.from.0))
                .and_where(Expr::col("deleted_at").is_null())
                .and_where(Expr::col("account_id").is_in(chunk.iter().copied()))
                .to_owned();
            let rows: Vec<AccountRow> = c.all(&q).await?;
            earlier.extend(rows.into_iter().map(|r| r.account_id));
        }
        // Counting only the period's latest events: a person's customer won earlier in
        // the period was counted as new then.
        let mut counted: HashSet<(Owner, Uuid)> = HashSet::new();
        if s.since > s.from {
            for chunk in ids.chunks(5_000) {
                let q = Query::select()
                    .distinct()
                    .columns(["owner_id", "account_id"])
                    .from("deals")
                    .and_where(Expr::col("workspace_id").eq(ws.0))
                    .and_where(Expr::col("status").eq("won"))
                    .and_where(Expr::col("closed_at").gte(s.from.0))
                    .and_where(Expr::col("closed_at").lt(s.since.0))
                    .and_where(Expr::col("deleted_at").is_null())
                    .and_where(Expr::col("account_id").is_in(chunk.iter().copied()))
                    .to_owned();
                let rows: Vec<OwnerAccount> = c.all(&q).await?;
                counted.extend(rows.into_iter().map(|r| (owner(r.owner_id), r.account_id)));
            }
        }
        for w in &won {
            let f = b.entry(owner(w.owner_id)).or_default();
            if earlier.contains(&w.account_id) {
                f.existing_minor = f.existing_minor.saturating_add(w.amount);
            } else if !counted.contains(&(owner(w.owner_id), w.account_id)) {
                f.new_customers += 1;
            }
        }
    }
    Ok(())
}

/// Customers kept over the period.
async fn retention(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
    // Retention: customers are accounts with a won deal in the year before; those at
    // the start (a win in the year before `from`) that are still customers at the end
    // (a win in the year before `to`), by the account's owner.
    let year = 365 * DAY_MS;
    let wins = Query::select()
        .column("account_id")
        .expr_as(Expr::cust("MIN(closed_at)"), "first_win")
        .expr_as(Expr::cust("MAX(closed_at)"), "last_win")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").eq("won"))
        .and_where(Expr::col("closed_at").gte(s.from.0 - year))
        .and_where(Expr::col("closed_at").lt(s.to.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("account_id")
        .to_owned();
    let x = Alias::new("x");
    let q = Query::select()
        .column(("accounts", "owner_id"))
        .expr_as(count(), "at_start")
        .expr_as(
            count_when(Expr::col((x.clone(), "last_win")).gte(s.to.0 - year)),
            "retained",
        )
        .from_subquery(wins, x.clone())
        .inner_join(
            "accounts",
            Expr::col(("accounts", "workspace_id"))
                .eq(ws.0)
                .and(Expr::col(("accounts", "id")).equals((x.clone(), "account_id"))),
        )
        .and_where(Expr::col(("accounts", "deleted_at")).is_null())
        .and_where(Expr::col((x, "first_win")).lt(s.from.0))
        .group_by_col(("accounts", "owner_id"))
        .to_owned();
    for r in c.all::<Customers>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.customers_at_start += r.at_start;
        f.customers_retained += r.retained;
    }
    Ok(())
}

/// Stage visits left, and whether the deal moved on.
async fn stage_moves(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
    stages: &Stages,
) -> StoreResult<()> {
    // Stage visits that ended in the period: by the stage left and the stage entered
    // next (none when the deal was closed), and whether it was won.
    let (h1, h2) = (Alias::new("h1"), Alias::new("h2"));
    let q = Query::select()
        .column(("deals", "owner_id"))
        .expr_as(Expr::col((h1.clone(), "stage_id")), "from_stage")
        .expr_as(Expr::col((h2.clone(), "stage_id")), "to_stage")
        .expr_as(
            Expr::cust(
                "CAST(CASE WHEN deals.status = 'won' AND deals.closed_at = h1.left_at \
                 THEN 1 ELSE 0 END AS BIGINT)",
            ),
            "won",
        )
        .expr_as(count(), "n")
        .from_as("deal_stage_history", h1.clone())
        .inner_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals((h1.clone(), "workspace_id"))
                .and(Expr::col(("deals", "id")).equals((h1.clone(), "deal_id"))),
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
        .and_where(Expr::col((h1.clone(), "workspace_id")).eq(ws.0))
        .and_where(Expr::col((h1.clone(), "left_at")).gte(s.since.0))
        .and_where(Expr::col((h1, "left_at")).lt(s.until.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .group_by_col(("deals", "owner_id"))
        .group_by_col("from_stage")
        .group_by_col("to_stage")
        .group_by_col("won")
        .to_owned();
    for r in c.all::<Exits>(&q).await? {
        let position = |id: &Uuid| stages.get(id).map(|p| p.0);
        let on = match r.to_stage {
            Some(to) => position(&to) > position(&r.from_stage),
            None => r.won == 1,
        };
        b.entry(owner(r.owner_id)).or_default().add_moves(
            tandem_domain::StageId(r.from_stage),
            r.n,
            if on { r.n } else { 0 },
        );
    }
    Ok(())
}

/// Leads that came in, became SQLs and were won.
async fn leads(c: &mut Conn<'_>, ws: WorkspaceId, s: &Span, b: &mut Buckets) -> StoreResult<()> {
    // Leads handed to these people (unassigned ones count for the workspace) that came
    // in in the period; accepted ones are SQLs, and their deals may be won.
    let q = Query::select()
        .expr_as(Expr::col(("leads", "assignee_id")), "owner_id")
        .column(("leads", "status"))
        .expr_as(Expr::col(("deals", "status")), "deal_status")
        .expr_as(count(), "n")
        .from("leads")
        .left_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals(("leads", "workspace_id"))
                .and(Expr::col(("deals", "id")).equals(("leads", "deal_id"))),
        )
        .and_where(Expr::col(("leads", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("leads", "created_at")).gte(s.since.0))
        .and_where(Expr::col(("leads", "created_at")).lt(s.until.0))
        .and_where(Expr::col(("leads", "deleted_at")).is_null())
        .group_by_col(("leads", "assignee_id"))
        .group_by_col(("leads", "status"))
        .group_by_col(("deals", "status"))
        .to_owned();
    for r in c.all::<LeadSum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.leads += r.n;
        if matches!(r.status.as_str(), "accepted" | "converted") {
            f.leads_accepted += r.n;
            if r.deal_status.as_deref() == Some("won") {
                f.leads_won += r.n;
            }
        }
    }
    Ok(())
}

/// How long handed-over leads waited for a decision.
async fn lead_waits(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
    // Lead response: from the handoff to the decision, for decisions in the period, by
    // who decided.
    let q = Query::select()
        .expr_as(Expr::col(("lead_events", "actor_id")), "owner_id")
        .column(("lead_events", "at"))
        .expr_as(Expr::col(("leads", "handed_over_at")), "since")
        .from("lead_events")
        .inner_join(
            "leads",
            Expr::col(("leads", "workspace_id"))
                .equals(("lead_events", "workspace_id"))
                .and(Expr::col(("leads", "id")).equals(("lead_events", "lead_id"))),
        )
        .and_where(Expr::col(("lead_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("lead_events", "kind")).is_in(["accepted", "rejected"]))
        .and_where(Expr::col(("lead_events", "at")).gte(s.since.0))
        .and_where(Expr::col(("lead_events", "at")).lt(s.until.0))
        .to_owned();
    for w in c.all::<Wait>(&q).await? {
        if let Some(s) = w.since {
            b.entry(owner(w.owner_id))
                .or_default()
                .lead_waits_centihours
                .push(centi(w.at - s, HOUR_MS));
        }
    }
    Ok(())
}

/// The open pipeline now.
async fn pipeline(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    b: &mut Buckets,
    stages: &Stages,
) -> StoreResult<()> {
    // The pipeline now, from the running stage totals.
    let q = Query::select()
        .columns(["owner_key", "stage_id"])
        .expr_as(sum("deals"), "n")
        .expr_as(sum("amount_minor"), "amount")
        .expr_as(sum("weighted_own"), "weighted_own")
        .expr_as(sum("amount_default"), "amount_default")
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .group_by_col("owner_key")
        .group_by_col("stage_id")
        .to_owned();
    for r in c.all::<OpenSum>(&q).await? {
        let f = b.entry(owner(Some(r.owner_key))).or_default();
        let probability = stages.get(&r.stage_id).map_or(0, |s| s.1);
        let weighted = r.weighted_own as i128
            + (r.amount_default as i128 * probability as i128 + 5_000) / 10_000;
        f.open_count += r.n;
        f.open_minor = f.open_minor.saturating_add(r.amount);
        f.weighted_minor = f
            .weighted_minor
            .saturating_add(weighted.min(i64::MAX as i128) as i64);
    }
    Ok(())
}

/// Deals expected to close in the period, and those pushed past it.
async fn slippage(c: &mut Conn<'_>, ws: WorkspaceId, s: &Span, b: &mut Buckets) -> StoreResult<()> {
    // Close dates: deals expected to close in the period (those whose date was moved
    // away from a day in it, and those still planned in it), and those pushed past it.
    let (first_day, end_day) = (
        tandem_domain::format::local_date(s.from).to_string(),
        tandem_domain::format::local_date(s.to).to_string(),
    );
    let slipped: Expr = Expr::case(
        Expr::col(("deal_close_slips", "to_date")).gte(end_day.clone()),
        Expr::col(("deal_close_slips", "deal_id")),
    )
    .finally(Expr::null())
    .into();
    let q = Query::select()
        .column(("deals", "owner_id"))
        .expr_as(
            Expr::cust("CAST(COUNT(DISTINCT deal_close_slips.deal_id) AS BIGINT)"),
            "due",
        )
        .expr_as(
            Func::cast_as(Func::count_distinct(slipped), Alias::new("BIGINT")),
            "slipped",
        )
        .from("deal_close_slips")
        .inner_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals(("deal_close_slips", "workspace_id"))
                .and(Expr::col(("deals", "id")).equals(("deal_close_slips", "deal_id"))),
        )
        .and_where(Expr::col(("deal_close_slips", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deal_close_slips", "from_date")).gte(first_day.clone()))
        .and_where(Expr::col(("deal_close_slips", "from_date")).lt(end_day.clone()))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .group_by_col(("deals", "owner_id"))
        .to_owned();
    for r in c.all::<SlipSum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.due_count += r.due;
        f.slipped_count += r.slipped;
    }
    let moved = Query::select()
        .expr(Expr::val(1))
        .from_as("deal_close_slips", Alias::new("s"))
        .and_where(Expr::cust("s.workspace_id = deals.workspace_id"))
        .and_where(Expr::cust("s.deal_id = deals.id"))
        .and_where(Expr::col(("s", "from_date")).gte(first_day.clone()))
        .and_where(Expr::col(("s", "from_date")).lt(end_day.clone()))
        .to_owned();
    let q = Query::select()
        .column("owner_id")
        .expr_as(count(), "n")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("expected_close").gte(first_day))
        .and_where(Expr::col("expected_close").lt(end_day))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::exists(moved).not())
        .group_by_col("owner_id")
        .to_owned();
    for r in c.all::<Due>(&q).await? {
        b.entry(owner(r.owner_id)).or_default().due_count += r.n;
    }
    Ok(())
}

/// How long quotes took from drafting to sending.
async fn quotes(c: &mut Conn<'_>, ws: WorkspaceId, s: &Span, b: &mut Buckets) -> StoreResult<()> {
    // Quotes sent in the period: from drafting to sending.
    let q = Query::select()
        .column("owner_id")
        .expr_as(Expr::col("sent_at"), "at")
        .expr_as(Expr::col("created_at"), "since")
        .from("quotes")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("sent_at").gte(s.since.0))
        .and_where(Expr::col("sent_at").lt(s.until.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    for w in c.all::<Wait>(&q).await? {
        if let Some(s) = w.since {
            b.entry(owner(w.owner_id))
                .or_default()
                .quote_waits_centihours
                .push(centi(w.at - s, HOUR_MS));
        }
    }
    Ok(())
}

/// Requests done, and within their SLA.
async fn requests(c: &mut Conn<'_>, ws: WorkspaceId, s: &Span, b: &mut Buckets) -> StoreResult<()> {
    // Requests done in the period, and how many within their SLA, by assignee.
    let q = Query::select()
        .expr_as(Expr::col("assignee_id"), "owner_id")
        .expr_as(Expr::cust("CAST(COUNT(in_time) AS BIGINT)"), "done")
        .expr_as(count_when(Expr::col("in_time")), "in_time")
        .from("requests")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").eq("done"))
        .and_where(Expr::col("closed_at").gte(s.since.0))
        .and_where(Expr::col("closed_at").lt(s.until.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("assignee_id")
        .to_owned();
    for r in c.all::<DoneSum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.requests_done += r.done;
        f.requests_in_time += r.in_time;
    }
    Ok(())
}

/// The cost of the period's campaigns and the revenue won from their leads.
async fn campaigns(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
    // Campaigns (the workspace's): those that began in the period, their cost and the
    // revenue won from their leads.
    let q = Query::select()
        .columns(["id", "cost_minor"])
        .from("campaigns")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(
            Expr::col("starts_on").gte(tandem_domain::format::local_date(s.from).to_string()),
        )
        .and_where(Expr::col("starts_on").lt(tandem_domain::format::local_date(s.to).to_string()))
        .to_owned();
    let campaigns: Vec<CostRow> = c.all(&q).await?;
    if !campaigns.is_empty() {
        let q = Query::select()
            .expr_as(sum("deals.amount_minor"), "amount")
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
            .and_where(Expr::col(("leads", "campaign_id")).is_in(campaigns.iter().map(|c| c.id)))
            .to_owned();
        let won = c.one::<Amount>(&q).await?;
        let f = b.entry(None).or_default();
        f.campaign_cost_minor = campaigns.iter().map(|c| c.cost_minor).sum();
        f.campaign_won_minor = won.amount;
    }
    Ok(())
}

/// Activities and key conversations logged.
async fn activities(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
    // Activities logged in the period, by author.
    let q = Query::select()
        .expr_as(Expr::col("created_by"), "owner_id")
        .expr_as(count(), "n")
        .expr_as(count_when(Expr::col("key_conversation")), "key")
        .from("activities")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("occurred_at").gte(s.since.0))
        .and_where(Expr::col("occurred_at").lt(s.until.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("created_by")
        .to_owned();
    for r in c.all::<ActivitySum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.activities += r.n;
        f.key_conversations += r.key;
    }
    Ok(())
}
