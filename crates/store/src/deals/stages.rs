//! A deal's way through the stages: visits, and how often its closing date slipped.

use super::*;

pub(super) async fn enter_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    stage: StageId,
    at: Instant,
    actor: Option<UserId>,
) -> StoreResult<()> {
    c.exec(
        &Query::insert()
            .into_table("deal_stage_history")
            .columns([
                "workspace_id",
                "id",
                "deal_id",
                "stage_id",
                "entered_at",
                "actor_id",
            ])
            .values_panic([
                ws.0.into(),
                Uuid::now_v7().into(),
                id.0.into(),
                stage.0.into(),
                at.0.into(),
                actor.map(|a| a.0).into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok(())
}

pub(super) async fn leave_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    at: Instant,
) -> StoreResult<()> {
    c.exec(
        &Query::update()
            .table("deal_stage_history")
            .value("left_at", at.0)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("deal_id").eq(id.0))
            .and_where(Expr::col("left_at").is_null())
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// One stay of a deal in a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageVisit {
    pub stage_id: StageId,
    pub stage_name: String,
    pub entered_at: Instant,
    pub left_at: Option<Instant>,
    pub actor_name: Option<String>,
}

/// The stages a deal went through, oldest first.
pub async fn stage_history(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
) -> StoreResult<Vec<StageVisit>> {
    #[derive(sqlx::FromRow)]
    struct VisitRow {
        stage_id: Uuid,
        stage_name: Option<String>,
        entered_at: i64,
        left_at: Option<i64>,
        actor_name: Option<String>,
    }
    let h = "deal_stage_history";
    let q = Query::select()
        .column((h, "stage_id"))
        .column((h, "entered_at"))
        .column((h, "left_at"))
        .expr_as(Expr::col(("stages", "name")), "stage_name")
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from(h)
        .left_join(
            "stages",
            Expr::col(("stages", "workspace_id"))
                .equals((h, "workspace_id"))
                .and(Expr::col(("stages", "id")).equals((h, "stage_id"))),
        )
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals((h, "workspace_id"))
                .and(Expr::col(("users", "id")).equals((h, "actor_id"))),
        )
        .and_where(Expr::col((h, "workspace_id")).eq(ws.0))
        .and_where(Expr::col((h, "deal_id")).eq(id.0))
        .order_by((h, "entered_at"), Order::Asc)
        .order_by((h, "id"), Order::Asc)
        .to_owned();
    let rows: Vec<VisitRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| StageVisit {
            stage_id: StageId(r.stage_id),
            stage_name: r.stage_name.unwrap_or_default(),
            entered_at: Instant(r.entered_at),
            left_at: r.left_at.map(Instant),
            actor_name: r.actor_name,
        })
        .collect())
}

/// A slip of the expected close date.
#[derive(Clone, Debug, PartialEq)]
pub struct Slip {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    pub at: Instant,
    pub actor_name: Option<String>,
}

pub async fn slips(c: &mut Conn<'_>, ws: WorkspaceId, id: DealId) -> StoreResult<Vec<Slip>> {
    #[derive(sqlx::FromRow)]
    struct SlipRow {
        from_date: String,
        to_date: String,
        at: i64,
        actor_name: Option<String>,
    }
    let s = "deal_close_slips";
    let q = Query::select()
        .column((s, "from_date"))
        .column((s, "to_date"))
        .column((s, "at"))
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from(s)
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals((s, "workspace_id"))
                .and(Expr::col(("users", "id")).equals((s, "actor_id"))),
        )
        .and_where(Expr::col((s, "workspace_id")).eq(ws.0))
        .and_where(Expr::col((s, "deal_id")).eq(id.0))
        .order_by((s, "at"), Order::Asc)
        .to_owned();
    let rows: Vec<SlipRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Slip {
                from: r.from_date.parse().ok()?,
                to: r.to_date.parse().ok()?,
                at: Instant(r.at),
                actor_name: r.actor_name,
            })
        })
        .collect())
}
