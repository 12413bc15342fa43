//! The running stage totals (`deal_totals`) that the board and forecasts read.

use super::*;

/// A deal's share of the running stage totals (`deal_totals`).
pub(super) struct Share {
    /// Stage, currency (empty without an amount), owner and partner (nil for none).
    key: (Uuid, String, Uuid, Uuid),
    /// Deals, amount, weighted amount with its own probability, amount at the stage's.
    sums: [i64; 4],
}

/// The deal's share of the stage totals; none unless it is open.
pub(super) fn totals_row(d: &DealData) -> Option<Share> {
    if d.status != DealStatus::Open {
        return None;
    }
    let amount = d.amount.as_ref().map_or(0, |m| m.minor);
    let (own, by_default) = match d.probability_bp {
        Some(p) => (d.amount.as_ref().map_or(0, |m| m.weighted(p).minor), 0),
        None => (0, amount),
    };
    Some(Share {
        key: (
            d.stage_id.0,
            d.amount
                .as_ref()
                .map_or(String::new(), |m| m.currency.clone()),
            d.owner_id.map_or(Uuid::nil(), |o| o.0),
            d.inside_partner_id.map_or(Uuid::nil(), |o| o.0),
        ),
        sums: [1, amount, own, by_default],
    })
}

pub(super) const TOTALS_KEY: [&str; 5] = [
    "workspace_id",
    "stage_id",
    "currency",
    "owner_key",
    "partner_key",
];
pub(super) const TOTALS_SUMS: [&str; 4] =
    ["deals", "amount_minor", "weighted_own", "amount_default"];

/// Adds (`sign` 1) or takes away (`sign` -1) a deal's share of the stage totals.
pub(super) async fn adjust_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    d: &DealData,
    sign: i64,
) -> StoreResult<()> {
    add_totals(c, ws, [(d, sign)]).await
}

/// Adds the shares of many deals to the stage totals, summed per key first (one
/// statement per few thousand keys; a key may appear only once per statement).
pub(super) async fn add_totals<'a>(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    deals: impl IntoIterator<Item = (&'a DealData, i64)>,
) -> StoreResult<()> {
    let mut sums: std::collections::BTreeMap<(Uuid, String, Uuid, Uuid), [i64; 4]> =
        Default::default();
    for (d, sign) in deals {
        let Some(row) = totals_row(d) else {
            continue;
        };
        let entry = sums.entry(row.key).or_default();
        for (total, value) in entry.iter_mut().zip(row.sums) {
            *total += sign * value;
        }
    }
    let keys: Vec<_> = sums.into_iter().collect();
    for chunk in keys.chunks(2_000) {
        let mut on_conflict = sea_query::OnConflict::columns(TOTALS_KEY);
        for col in TOTALS_SUMS {
            on_conflict.value(
                col,
                Expr::cust(format!("deal_totals.{col} + excluded.{col}")),
            );
        }
        let mut q = Query::insert();
        q.into_table("deal_totals")
            .columns(TOTALS_KEY.into_iter().chain(TOTALS_SUMS));
        for ((stage, currency, owner, partner), [n, amount, own, by_default]) in chunk {
            q.values_panic([
                Expr::val(ws.0),
                Expr::val(*stage),
                Expr::val(currency.clone()),
                Expr::val(*owner),
                Expr::val(*partner),
                Expr::val(*n),
                Expr::val(*amount),
                Expr::val(*own),
                Expr::val(*by_default),
            ]);
        }
        q.on_conflict(on_conflict);
        c.exec(&q).await?;
    }
    Ok(())
}

/// One row of the running stage totals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct TotalsRow {
    pub stage_id: Uuid,
    pub currency: String,
    pub owner_key: Uuid,
    pub partner_key: Uuid,
    pub deals: i64,
    pub amount_minor: i64,
    pub weighted_own: i64,
    pub amount_default: i64,
}

/// The running stage totals of a workspace, sorted (for checks and diagnostics).
pub async fn totals(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<TotalsRow>> {
    let q = Query::select()
        .columns(["stage_id", "currency", "owner_key", "partner_key"])
        .columns(TOTALS_SUMS)
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .to_owned();
    let mut rows: Vec<TotalsRow> = c.all(&q).await?;
    rows.sort();
    Ok(rows)
}

/// The running stage totals of one owner's open deals.
pub async fn owner_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    owner: UserId,
) -> StoreResult<Vec<TotalsRow>> {
    let q = Query::select()
        .columns(["stage_id", "currency", "owner_key", "partner_key"])
        .columns(TOTALS_SUMS)
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("owner_key").eq(owner.0))
        .to_owned();
    c.all(&q).await
}

/// An owner's open deals expected to close on a day in `[first, end)`, the largest
/// first.
pub async fn closing(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    owner: UserId,
    first: jiff::civil::Date,
    end: jiff::civil::Date,
    limit: u64,
) -> StoreResult<Vec<Deal>> {
    let mut q = select(ws);
    q.and_where(Expr::col(("deals", "owner_id")).eq(owner.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("open"))
        .and_where(Expr::col(("deals", "expected_close")).gte(first.to_string()))
        .and_where(Expr::col(("deals", "expected_close")).lt(end.to_string()))
        // Deals without an amount last on both backends (PostgreSQL sorts NULL first).
        .order_by_expr(Expr::cust("COALESCE(deals.amount_minor, 0)"), Order::Desc)
        .order_by(("deals", "id"), Order::Asc)
        .limit(limit);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.into_deal().0).collect())
}

/// Recomputes the stage totals from the deals (after a bulk load; at migration 12 for
/// every workspace).
pub async fn rebuild_totals(c: &mut Conn<'_>, ws: Option<WorkspaceId>) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete.from_table("deal_totals");
    if let Some(ws) = ws {
        delete.and_where(Expr::col("workspace_id").eq(ws.0));
    }
    c.exec(&delete).await?;
    let mut select = Query::select();
    select
        .column("workspace_id")
        .column("stage_id")
        .expr(Expr::col("currency").if_null(""))
        .expr(Expr::col("owner_id").if_null(Uuid::nil()))
        .expr(Expr::col("inside_partner_id").if_null(Uuid::nil()))
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"))
        .expr(Expr::cust(
            "CAST(COALESCE(SUM(CASE WHEN probability_bp IS NULL THEN 0 \
             ELSE (COALESCE(amount_minor, 0) * probability_bp + 5000) / 10000 END), 0) AS BIGINT)",
        ))
        .expr(Expr::cust(
            "CAST(COALESCE(SUM(CASE WHEN probability_bp IS NULL THEN COALESCE(amount_minor, 0) \
             ELSE 0 END), 0) AS BIGINT)",
        ))
        .from("deals")
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").eq("open"))
        .group_by_col("workspace_id")
        .group_by_col("stage_id")
        .group_by_col("currency")
        .group_by_col("owner_id")
        .group_by_col("inside_partner_id");
    if let Some(ws) = ws {
        select.and_where(Expr::col("workspace_id").eq(ws.0));
    }
    let insert = Query::insert()
        .into_table("deal_totals")
        .columns(TOTALS_KEY.into_iter().chain(TOTALS_SUMS))
        .select_from(select)
        .map_err(|e| crate::StoreError::Corrupt(format!("totals query: {e}")))?
        .to_owned();
    c.exec(&insert).await?;
    Ok(())
}
