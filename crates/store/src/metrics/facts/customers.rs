//! Deals closed, customers won, kept and lost, and how deals move through the stages.

use super::*;

/// Deals won and lost, with their amounts and cycle times.
pub(super) async fn closed(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
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
pub(super) async fn customers(
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
pub(super) async fn retention(
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
pub(super) async fn stage_moves(
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
