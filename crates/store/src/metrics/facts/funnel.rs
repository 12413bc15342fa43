//! Leads and their waits, the open pipeline and slipped closing dates.

use super::*;

/// Leads that came in, became SQLs and were won.
pub(super) async fn leads(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
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
pub(super) async fn lead_waits(
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
pub(super) async fn pipeline(
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
pub(super) async fn slippage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &Span,
    b: &mut Buckets,
) -> StoreResult<()> {
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
