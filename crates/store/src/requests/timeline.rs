//! A request's timeline, and the figures over closed requests.

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEntry {
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub event: tandem_domain::request::Event,
}

pub async fn add_event(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    request: RequestId,
    at: Instant,
    actor: Option<UserId>,
    event: &tandem_domain::request::Event,
) -> StoreResult<()> {
    let (kind, data) = event.parts();
    let q = Query::insert()
        .into_table("request_events")
        .columns([
            "workspace_id",
            "id",
            "request_id",
            "at",
            "actor_id",
            "kind",
            "data",
        ])
        .values_panic([
            ws.0.into(),
            Uuid::now_v7().into(),
            request.0.into(),
            at.0.into(),
            actor.map(|a| a.0).into(),
            kind.into(),
            data.to_string().into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// The timeline of a request, oldest first.
pub async fn timeline(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    request: RequestId,
) -> StoreResult<Vec<TimelineEntry>> {
    #[derive(sqlx::FromRow)]
    struct EventRow {
        at: i64,
        actor_id: Option<Uuid>,
        actor_name: Option<String>,
        kind: String,
        data: String,
    }
    let q = Query::select()
        .columns([
            ("request_events", "at"),
            ("request_events", "actor_id"),
            ("request_events", "kind"),
            ("request_events", "data"),
        ])
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from("request_events")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("request_events", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("request_events", "actor_id"))),
        )
        .and_where(Expr::col(("request_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("request_events", "request_id")).eq(request.0))
        .order_by(("request_events", "at"), Order::Asc)
        .order_by(("request_events", "id"), Order::Asc)
        .limit(2_000)
        .to_owned();
    let rows: Vec<EventRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            at: Instant(r.at),
            actor_id: r.actor_id.map(UserId),
            actor_name: r.actor_name,
            event: tandem_domain::request::Event::from_parts(
                &r.kind,
                serde_json::from_str(&r.data).unwrap_or_default(),
            ),
        })
        .collect())
}

/// A closed request, as the figures count it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Closed {
    pub type_id: Uuid,
    pub requester_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub started_at: i64,
    pub closed_at: i64,
    pub in_time: Option<bool>,
    pub reassignments: i64,
}

/// The requests done between `from` and `to`.
pub async fn done_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: Instant,
    to: Instant,
) -> StoreResult<Vec<Closed>> {
    let q = Query::select()
        .columns([
            "type_id",
            "requester_id",
            "assignee_id",
            "started_at",
            "closed_at",
            "in_time",
            "reassignments",
        ])
        .from("requests")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").eq(Status::Done.as_str()))
        .and_where(Expr::col("closed_at").gte(from.0))
        .and_where(Expr::col("closed_at").lt(to.0))
        .limit(100_000)
        .to_owned();
    c.all(&q).await
}
