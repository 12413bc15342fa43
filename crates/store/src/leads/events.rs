//! A lead's events: what happened to it and the engagement it earns points for.

use super::*;

/// One thing that happened to a lead: engagement (with points) or a step of its
/// history.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadEvent {
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub points: Option<i64>,
    pub data: serde_json::Value,
}

#[allow(clippy::too_many_arguments)] // one row's columns
pub async fn add_event(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    lead_id: LeadId,
    at: Instant,
    actor: Option<UserId>,
    kind: &str,
    points: Option<i64>,
    data: &serde_json::Value,
) -> StoreResult<()> {
    let cols = [
        "workspace_id",
        "id",
        "lead_id",
        "at",
        "actor_id",
        "kind",
        "points",
        "data",
    ];
    list::insert_rows(
        c,
        "lead_events",
        &cols,
        vec![vec![
            ws.0.into(),
            Uuid::now_v7().into(),
            lead_id.0.into(),
            at.0.into(),
            actor.map(|a| a.0).into(),
            kind.into(),
            points.into(),
            data.to_string().into(),
        ]],
    )
    .await
}

/// A lead's events, oldest first.
pub async fn events(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    lead_id: LeadId,
) -> StoreResult<Vec<LeadEvent>> {
    #[derive(sqlx::FromRow)]
    struct E {
        at: i64,
        actor_id: Option<Uuid>,
        actor_name: Option<String>,
        kind: String,
        points: Option<i64>,
        data: String,
    }
    let q = Query::select()
        .columns([
            ("lead_events", "at"),
            ("lead_events", "actor_id"),
            ("lead_events", "kind"),
            ("lead_events", "points"),
            ("lead_events", "data"),
        ])
        .expr_as(Expr::col(("u", "name")), "actor_name")
        .from("lead_events")
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "u",
            Expr::col(("u", "workspace_id"))
                .equals(("lead_events", "workspace_id"))
                .and(Expr::col(("u", "id")).equals(("lead_events", "actor_id"))),
        )
        .and_where(Expr::col(("lead_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("lead_events", "lead_id")).eq(lead_id.0))
        .order_by(("lead_events", "at"), Order::Asc)
        .order_by(("lead_events", "id"), Order::Asc)
        .limit(5_000)
        .to_owned();
    let rows: Vec<E> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|e| LeadEvent {
            at: Instant(e.at),
            actor_id: e.actor_id.map(UserId),
            actor_name: e.actor_name,
            kind: e.kind,
            points: e.points,
            data: serde_json::from_str(&e.data).unwrap_or_default(),
        })
        .collect())
}

/// The engagement among a lead's events, for the score.
pub fn engagement(events: &[LeadEvent]) -> Vec<lead::Event> {
    events
        .iter()
        .filter_map(|e| {
            let kind = lead::Engagement::ALL
                .into_iter()
                .find(|k| k.as_str() == e.kind)?;
            Some(lead::Event {
                kind,
                at_ms: e.at.0,
                points: e.points?,
            })
        })
        .collect()
}
