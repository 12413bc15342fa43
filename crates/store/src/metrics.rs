//! The facts behind the metric catalogue: what happened in a period, counted per
//! person in one pass, so that every scope (a person, a team, the workspace) is a sum
//! of the same buckets. Counting and summing happen in SQL, grouped by owner and a few
//! small keys; money sums are cast to BIGINT (PostgreSQL sums BIGINTs as NUMERIC).

use crate::{Conn, StoreResult};
use sea_query::{Alias, Expr, ExprTrait, Func, Query};
use std::collections::{HashMap, HashSet};
use tandem_domain::{
    Instant, UserId, WorkspaceId,
    deal::{BEST_CASE_FROM_BP, COMMIT_FROM_BP},
    metrics::Facts,
    time::{DAY_MS, HOUR_MS},
};
use uuid::Uuid;

/// Whose records a bucket holds: a person's, or (`None`) nobody's in particular (deals
/// and leads without an owner, the workspace's campaigns), which count for the
/// workspace alone.
pub type Owner = Option<UserId>;

/// The facts of a period per owner.
pub type Buckets = HashMap<Owner, Facts>;

fn owner(id: Option<Uuid>) -> Owner {
    id.filter(|u| !u.is_nil()).map(UserId)
}

/// Hundredths of `unit` in `ms`, rounded; negative spans count as none.
fn centi(ms: i64, unit: i64) -> i64 {
    ((Ord::max(ms, 0) as i128 * 100 + unit as i128 / 2) / unit as i128) as i64
}

fn sum(col: &str) -> Expr {
    Expr::cust(format!("CAST(COALESCE(SUM({col}), 0) AS BIGINT)"))
}

/// How many rows meet `cond`, as a BIGINT.
fn count_when(cond: Expr) -> Expr {
    let case: Expr = Expr::case(cond, 1).finally(0).into();
    Func::cast_as(
        Func::coalesce([Expr::from(Func::sum(case)), Expr::val(0)]),
        Alias::new("BIGINT"),
    )
    .into()
}

fn count() -> Expr {
    Expr::cust("CAST(COUNT(*) AS BIGINT)")
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

/// Everything the catalogue needs for `[from, to)`, per owner; the pipeline figures
/// are those of now when `current` (a past period's pipeline comes from the snapshots).
pub async fn facts_by_owner(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: Instant,
    to: Instant,
    current: bool,
) -> StoreResult<Buckets> {
    let mut b = Buckets::new();

    // Deals won and lost in the period.
    let q = Query::select()
        .columns(["owner_id", "status"])
        .expr_as(count(), "n")
        .expr_as(sum("amount_minor"), "amount")
        .expr_as(sum("closed_at - created_at"), "cycle_ms")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").is_in(["won", "lost"]))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
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

    // New and existing customers: was there a won deal on the account before? (An
    // account that two people won deals from in the period is new for each of them.)
    let q = Query::select()
        .columns(["owner_id", "account_id"])
        .expr_as(sum("amount_minor"), "amount")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").eq("won"))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
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
                .and_where(Expr::col("closed_at").lt(from.0))
                .and_where(Expr::col("deleted_at").is_null())
                .and_where(Expr::col("account_id").is_in(chunk.iter().copied()))
                .to_owned();
            let rows: Vec<AccountRow> = c.all(&q).await?;
            earlier.extend(rows.into_iter().map(|r| r.account_id));
        }
        for w in &won {
            let f = b.entry(owner(w.owner_id)).or_default();
            if earlier.contains(&w.account_id) {
                f.existing_minor = f.existing_minor.saturating_add(w.amount);
            } else {
                f.new_customers += 1;
            }
        }
    }

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
        .and_where(Expr::col("closed_at").gte(from.0 - year))
        .and_where(Expr::col("closed_at").lt(to.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("account_id")
        .to_owned();
    let x = Alias::new("x");
    let q = Query::select()
        .column(("accounts", "owner_id"))
        .expr_as(count(), "at_start")
        .expr_as(
            count_when(Expr::col((x.clone(), "last_win")).gte(to.0 - year)),
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
        .and_where(Expr::col((x, "first_win")).lt(from.0))
        .group_by_col(("accounts", "owner_id"))
        .to_owned();
    for r in c.all::<Customers>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.customers_at_start += r.at_start;
        f.customers_retained += r.retained;
    }

    // Stage visits that ended in the period: by the stage left and the stage entered
    // next (none when the deal was closed), and whether it was won.
    let stages: HashMap<Uuid, (i64, i64)> = {
        let q = Query::select()
            .columns(["id", "position", "probability_bp"])
            .from("stages")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned();
        c.all::<StagePosition>(&q)
            .await?
            .into_iter()
            .map(|s| (s.id, (s.position, s.probability_bp)))
            .collect()
    };
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
        .and_where(Expr::col((h1.clone(), "left_at")).gte(from.0))
        .and_where(Expr::col((h1, "left_at")).lt(to.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .group_by_col(("deals", "owner_id"))
        .group_by_col("from_stage")
        .group_by_col("to_stage")
        .group_by_col("won")
        .to_owned();
    for r in c.all::<Exits>(&q).await? {
        let position = |s: &Uuid| stages.get(s).map(|p| p.0);
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
        .and_where(Expr::col(("leads", "created_at")).gte(from.0))
        .and_where(Expr::col(("leads", "created_at")).lt(to.0))
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
        .and_where(Expr::col(("lead_events", "at")).gte(from.0))
        .and_where(Expr::col(("lead_events", "at")).lt(to.0))
        .to_owned();
    for w in c.all::<Wait>(&q).await? {
        if let Some(s) = w.since {
            b.entry(owner(w.owner_id))
                .or_default()
                .lead_waits_centihours
                .push(centi(w.at - s, HOUR_MS));
        }
    }

    // The pipeline now, from the running stage totals.
    if current {
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
    }

    // Close dates: deals expected to close in the period (those whose date was moved
    // away from a day in it, and those still planned in it), and those pushed past it.
    let (first_day, end_day) = (
        tandem_domain::format::local_date(from).to_string(),
        tandem_domain::format::local_date(to).to_string(),
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

    // Quotes sent in the period: from drafting to sending.
    let q = Query::select()
        .column("owner_id")
        .expr_as(Expr::col("sent_at"), "at")
        .expr_as(Expr::col("created_at"), "since")
        .from("quotes")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("sent_at").gte(from.0))
        .and_where(Expr::col("sent_at").lt(to.0))
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

    // Requests done in the period, and how many within their SLA, by assignee.
    let q = Query::select()
        .expr_as(Expr::col("assignee_id"), "owner_id")
        .expr_as(Expr::cust("CAST(COUNT(in_time) AS BIGINT)"), "done")
        .expr_as(count_when(Expr::col("in_time")), "in_time")
        .from("requests")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("status").eq("done"))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("assignee_id")
        .to_owned();
    for r in c.all::<DoneSum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.requests_done += r.done;
        f.requests_in_time += r.in_time;
    }

    // Campaigns (the workspace's): those that began in the period, their cost and the
    // revenue won from their leads.
    let q = Query::select()
        .columns(["id", "cost_minor"])
        .from("campaigns")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("starts_on").gte(tandem_domain::format::local_date(from).to_string()))
        .and_where(Expr::col("starts_on").lt(tandem_domain::format::local_date(to).to_string()))
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

    // Activities logged in the period, by author.
    let q = Query::select()
        .expr_as(Expr::col("created_by"), "owner_id")
        .expr_as(count(), "n")
        .expr_as(count_when(Expr::col("key_conversation")), "key")
        .from("activities")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("occurred_at").gte(from.0))
        .and_where(Expr::col("occurred_at").lt(to.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("created_by")
        .to_owned();
    for r in c.all::<ActivitySum>(&q).await? {
        let f = b.entry(owner(r.owner_id)).or_default();
        f.activities += r.n;
        f.key_conversations += r.key;
    }
    Ok(b)
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

// ----- the facts of finished periods -----

#[derive(sqlx::FromRow)]
struct PeriodRow {
    owner_id: Uuid,
    facts: String,
}

/// Records (or records again) the facts of a finished period. The bucket of nobody is
/// always written, so an empty period counts as recorded too.
pub async fn save_period(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: &str,
    buckets: &Buckets,
    at: Instant,
) -> StoreResult<()> {
    let q = Query::delete()
        .from_table("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("period").eq(period))
        .to_owned();
    c.exec(&q).await?;
    let nobody = Facts::default();
    let mut rows = vec![];
    if !buckets.contains_key(&None) {
        rows.push((Uuid::nil(), &nobody));
    }
    rows.extend(
        buckets
            .iter()
            .map(|(o, f)| (o.map_or(Uuid::nil(), |u| u.0), f)),
    );
    let rows = rows
        .into_iter()
        .map(|(owner, f)| {
            let json = serde_json::to_string(f)
                .map_err(|e| crate::StoreError::Corrupt(format!("facts: {e}")))?;
            Ok(vec![
                ws.0.into(),
                period.into(),
                owner.into(),
                json.into(),
                at.0.into(),
            ])
        })
        .collect::<StoreResult<Vec<_>>>()?;
    crate::list::insert_rows(
        c,
        "kpi_periods",
        &["workspace_id", "period", "owner_id", "facts", "recorded_at"],
        rows,
    )
    .await
}

/// The recorded facts of a finished period, if the job recorded them.
pub async fn period_facts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: &str,
) -> StoreResult<Option<Buckets>> {
    let q = Query::select()
        .columns(["owner_id", "facts"])
        .from("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("period").eq(period))
        .to_owned();
    let rows: Vec<PeriodRow> = c.all(&q).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut b = Buckets::new();
    for r in rows {
        let f: Facts = serde_json::from_str(&r.facts)
            .map_err(|e| crate::StoreError::Corrupt(format!("kpi_periods: {e}")))?;
        b.insert(owner(Some(r.owner_id)), f);
    }
    Ok(Some(b))
}

/// Which of these periods have recorded facts.
pub async fn recorded_periods(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    periods: &[String],
) -> StoreResult<HashSet<String>> {
    #[derive(sqlx::FromRow)]
    struct P {
        period: String,
    }
    let q = Query::select()
        .distinct()
        .column("period")
        .from("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("period").is_in(periods.iter().cloned()))
        .to_owned();
    Ok(c.all::<P>(&q)
        .await?
        .into_iter()
        .map(|p| p.period)
        .collect())
}

/// When the workspace's first counted record happened (deals, leads, activities,
/// requests, quotes; any of them may be dated back by an import), if it has any.
pub async fn earliest(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<Instant>> {
    #[derive(sqlx::FromRow)]
    struct First {
        at: Option<i64>,
    }
    let mut first: Option<i64> = None;
    for (table, col) in [
        ("deals", "created_at"),
        ("leads", "created_at"),
        ("activities", "occurred_at"),
        ("requests", "created_at"),
        ("quotes", "created_at"),
    ] {
        let q = Query::select()
            .expr_as(Expr::cust(format!("MIN({col})")), "at")
            .from(table)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned();
        if let Some(at) = c.one::<First>(&q).await?.at {
            first = Some(first.map_or(at, |f| Ord::min(f, at)));
        }
    }
    Ok(first.map(Instant))
}

/// Forgets the recorded facts of finished periods (after records were dated back into
/// them, by an import or its undo): they are counted again until the next night
/// records them anew.
pub async fn forget_periods(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<()> {
    let q = Query::delete()
        .from_table("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Open deals expected to close on a day in `[first, end)`, per owner (everybody's,
/// or `only` one's): the amounts of commit, best case and pipeline.
pub async fn forecast(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    first: jiff::civil::Date,
    end: jiff::civil::Date,
    only: Option<UserId>,
) -> StoreResult<HashMap<Owner, [i64; 3]>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        owner_id: Option<Uuid>,
        category: i64,
        amount: i64,
    }
    // The category set on the deal, else by its probability (see
    // `ForecastCategory::by_probability`); omitted deals are left out below.
    let category = format!(
        "CAST(CASE WHEN deals.forecast_category = 'commit' THEN 0 \
         WHEN deals.forecast_category = 'best_case' THEN 1 \
         WHEN deals.forecast_category = 'pipeline' THEN 2 \
         WHEN COALESCE(deals.probability_bp, stages.probability_bp) >= {COMMIT_FROM_BP} THEN 0 \
         WHEN COALESCE(deals.probability_bp, stages.probability_bp) >= {BEST_CASE_FROM_BP} THEN 1 \
         ELSE 2 END AS BIGINT)"
    );
    let q = Query::select()
        .column(("deals", "owner_id"))
        .expr_as(Expr::cust(category), "category")
        .expr_as(sum("deals.amount_minor"), "amount")
        .from("deals")
        .inner_join(
            "stages",
            Expr::col(("stages", "workspace_id"))
                .equals(("deals", "workspace_id"))
                .and(Expr::col(("stages", "id")).equals(("deals", "stage_id"))),
        )
        .and_where(Expr::col(("deals", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deals", "expected_close")).gte(first.to_string()))
        .and_where(Expr::col(("deals", "expected_close")).lt(end.to_string()))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("open"))
        .and_where(
            Expr::col(("deals", "forecast_category"))
                .is_null()
                .or(Expr::col(("deals", "forecast_category")).ne("omitted")),
        )
        .group_by_col(("deals", "owner_id"))
        .group_by_col("category")
        .to_owned();
    let mut q = q;
    if let Some(o) = only {
        q.and_where(Expr::col(("deals", "owner_id")).eq(o.0));
    }
    let mut out: HashMap<Owner, [i64; 3]> = HashMap::new();
    for r in c.all::<Row>(&q).await? {
        let slot = &mut out.entry(owner(r.owner_id)).or_default()[r.category.clamp(0, 2) as usize];
        *slot = slot.saturating_add(r.amount);
    }
    Ok(out)
}
