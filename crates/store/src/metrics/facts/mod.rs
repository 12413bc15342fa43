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

mod customers;
use customers::*;
mod funnel;
use funnel::*;

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
