//! The pipeline board and the next steps due.

use super::*;

/// What the pipeline board shows: the open deals of one pipeline.
#[derive(Clone, Debug)]
pub struct BoardFilter {
    pub pipeline_id: PipelineId,
    /// Only deals owned by (or partnered with) one of these users.
    pub people: Option<Vec<UserId>>,
    pub seen: crate::Seen,
    /// Cards per stage; the sums always count every deal.
    pub cards: u64,
}

/// The totals of one stage in one currency.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StageSum {
    #[sqlx(try_from = "Uuid")]
    pub stage_id: StageId,
    pub currency: Option<String>,
    pub count: i64,
    pub amount_minor: i64,
    /// Sum of the weighted amounts (minor units) of the deals with their own probability.
    pub weighted_own: i64,
    /// Sum of the amounts that use the stage's default probability.
    pub amount_default: i64,
}

pub struct Board {
    pub sums: Vec<StageSum>,
    /// The newest cards of each stage (by entry into the stage), at most `cards` each.
    pub cards: HashMap<StageId, Vec<Deal>>,
}

pub(super) fn board_where(q: &mut SelectStatement, f: &BoardFilter) {
    q.and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("open"));
    if let Some(people) = &f.people {
        let ids: Vec<Uuid> = people.iter().map(|p| p.0).collect();
        q.cond_where(
            sea_query::Cond::any()
                .add(Expr::col(("deals", "owner_id")).is_in(ids.clone()))
                .add(Expr::col(("deals", "inside_partner_id")).is_in(ids)),
        );
    }
    f.seen
        .restrict(q, "deals", &["owner_id", "inside_partner_id"]);
}

/// The board of one pipeline: per stage the totals and the newest cards.
pub async fn board(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    stages: &[StageId],
    f: &BoardFilter,
) -> StoreResult<Board> {
    let mut q = Query::select();
    q.column("stage_id")
        .expr_as(Expr::col("currency"), "currency")
        .expr_as(Expr::cust("CAST(SUM(deals) AS BIGINT)"), "count")
        .expr_as(
            Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"),
            "amount_minor",
        )
        .expr_as(
            Expr::cust("CAST(SUM(weighted_own) AS BIGINT)"),
            "weighted_own",
        )
        .expr_as(
            Expr::cust("CAST(SUM(amount_default) AS BIGINT)"),
            "amount_default",
        )
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("stage_id").is_in(stages.iter().map(|s| s.0)))
        .group_by_col("stage_id")
        .group_by_col("currency")
        .and_having(Expr::cust("SUM(deals) > 0"));
    let people = |ids: &[UserId]| {
        let ids: Vec<Uuid> = ids.iter().map(|p| p.0).collect();
        sea_query::Cond::any()
            .add(Expr::col("owner_key").is_in(ids.clone()))
            .add(Expr::col("partner_key").is_in(ids))
    };
    if let Some(ids) = &f.people {
        q.cond_where(people(ids));
    }
    // Visibility as `Seen` has it: a deal nobody owns is everybody's.
    if let Some(ids) = &f.seen.0 {
        q.cond_where(people(ids).add(Expr::col("owner_key").eq(Uuid::nil())));
    }
    let mut sums: Vec<StageSum> = c.all(&q).await?;
    // Deals without an amount are counted under the currency "" (the totals key cannot
    // be NULL): they have no money to add up.
    for s in &mut sums {
        if s.currency.as_deref() == Some("") {
            s.currency = None;
        }
    }

    let mut cards = HashMap::new();
    for &stage in stages {
        if !sums.iter().any(|s| s.stage_id == stage) {
            cards.insert(stage, vec![]);
            continue;
        }
        let mut q = select(ws);
        q.and_where(Expr::col(("deals", "stage_id")).eq(stage.0));
        board_where(&mut q, f);
        q.order_by(("deals", "stage_entered_at"), Order::Desc)
            .order_by(("deals", "id"), Order::Desc)
            .limit(f.cards);
        let rows: Vec<Row> = c.all(&q).await?;
        cards.insert(stage, rows.into_iter().map(|r| r.into_deal().0).collect());
    }
    Ok(Board { sums, cards })
}
