//! The facts behind the metric catalogue: what happened in a period, counted per
//! person in one pass, so that every scope (a person, a team, the workspace) is a sum
//! of the same buckets. Counting and summing happen in SQL, grouped by owner and a few
//! small keys; money sums are cast to BIGINT (PostgreSQL sums BIGINTs as NUMERIC).

mod facts;

pub use facts::{Parts, Span, add_facts};

use crate::{Conn, StoreResult};
use sea_query::{Alias, Expr, ExprTrait, Func, Query};
use std::collections::{HashMap, HashSet};
use tandem_domain::{
    Instant, UserId, WorkspaceId,
    deal::{BEST_CASE_FROM_BP, COMMIT_FROM_BP},
    metrics::Facts,
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

/// Everything the catalogue needs for `[from, to)`, per owner; the pipeline figures
/// are those of now when `current` (a past period's pipeline comes from the snapshots).
pub async fn facts_by_owner(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: Instant,
    to: Instant,
    current: bool,
) -> StoreResult<Buckets> {
    let span = Span {
        from,
        to,
        since: from,
        until: to,
    };
    let parts = Parts {
        period: true,
        pipeline: current,
    };
    let mut b = Buckets::new();
    add_facts(c, ws, span, parts, &mut b).await?;
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

/// The key under which a current period's facts are recorded up to an instant (the
/// events before it): `2026-Q4~1796598000000`.
pub fn to_date_key(period: &str, at: Instant) -> String {
    format!("{period}~{}", at.0)
}

/// The latest instant up to which a current period's facts are recorded, not after
/// `now`.
pub async fn recorded_up_to(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: &str,
    now: Instant,
) -> StoreResult<Option<Instant>> {
    #[derive(sqlx::FromRow)]
    struct P {
        period: String,
    }
    let q = Query::select()
        .distinct()
        .column("period")
        .from("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("period").like(format!("{period}~%")))
        .to_owned();
    Ok(c.all::<P>(&q)
        .await?
        .into_iter()
        .filter_map(|p| p.period.rsplit('~').next()?.parse::<i64>().ok())
        .filter(|at| *at <= now.0)
        .max()
        .map(Instant))
}

/// The latest facts of a current period recorded up to an instant not after `now`,
/// with that instant.
pub async fn period_to_date(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: &str,
    now: Instant,
) -> StoreResult<Option<(Instant, Buckets)>> {
    let Some(at) = recorded_up_to(c, ws, period, now).await? else {
        return Ok(None);
    };
    Ok(period_facts(c, ws, &to_date_key(period, at))
        .await?
        .map(|b| (at, b)))
}

/// Forgets the facts recorded for current periods up to an instant (all of them, or
/// those of one period), before newer ones are recorded.
pub async fn forget_to_date(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: Option<&str>,
) -> StoreResult<()> {
    let pattern = period.map_or("%~%".to_string(), |p| format!("{p}~%"));
    let q = Query::delete()
        .from_table("kpi_periods")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("period").like(pattern))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
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
    let mut q = Query::select()
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
