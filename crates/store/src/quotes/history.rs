//! A quote's revisions (frozen content as sent) and its timeline.

use super::*;

/// A revision as it was sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub revision: i64,
    pub quote_date: jiff::civil::Date,
    pub content: QuoteContent,
    pub sent_at: Instant,
    pub sent_by: Option<UserId>,
}

pub async fn add_revision(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
    r: &Revision,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("quote_revisions")
        .columns([
            "workspace_id",
            "quote_id",
            "revision",
            "quote_date",
            "content",
            "sent_at",
            "sent_by",
        ])
        .values_panic([
            ws.0.into(),
            quote.0.into(),
            r.revision.into(),
            r.quote_date.to_string().into(),
            serde_json::to_string(&r.content)
                .expect("quote content serializes")
                .into(),
            r.sent_at.0.into(),
            r.sent_by.map(|u| u.0).into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// The sent revisions of a quote, oldest first.
pub async fn revisions(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
) -> StoreResult<Vec<Revision>> {
    #[derive(sqlx::FromRow)]
    struct RevRow {
        revision: i64,
        quote_date: String,
        content: String,
        sent_at: i64,
        sent_by: Option<Uuid>,
    }
    let q = Query::select()
        .columns(["revision", "quote_date", "content", "sent_at", "sent_by"])
        .from("quote_revisions")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("quote_id").eq(quote.0))
        .order_by("revision", Order::Asc)
        .to_owned();
    let rows: Vec<RevRow> = c.all(&q).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Revision {
                revision: r.revision,
                quote_date: date(&r.quote_date)?,
                content: serde_json::from_str(&r.content)
                    .map_err(|e| StoreError::Corrupt(format!("revision content: {e}")))?,
                sent_at: Instant(r.sent_at),
                sent_by: r.sent_by.map(UserId),
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub revision: i64,
    pub data: serde_json::Value,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
    at: Instant,
    actor: Option<UserId>,
    kind: &str,
    revision: i64,
    data: &serde_json::Value,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("quote_events")
        .columns([
            "workspace_id",
            "id",
            "quote_id",
            "at",
            "actor_id",
            "kind",
            "revision",
            "data",
        ])
        .values_panic([
            ws.0.into(),
            Uuid::now_v7().into(),
            quote.0.into(),
            at.0.into(),
            actor.map(|a| a.0).into(),
            kind.into(),
            revision.into(),
            data.to_string().into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// A quote's timeline, oldest first.
pub async fn events(c: &mut Conn<'_>, ws: WorkspaceId, quote: QuoteId) -> StoreResult<Vec<Event>> {
    #[derive(sqlx::FromRow)]
    struct EventRow {
        at: i64,
        actor_id: Option<Uuid>,
        actor_name: Option<String>,
        kind: String,
        revision: i64,
        data: String,
    }
    let q = Query::select()
        .columns([
            ("quote_events", "at"),
            ("quote_events", "actor_id"),
            ("quote_events", "kind"),
            ("quote_events", "revision"),
            ("quote_events", "data"),
        ])
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from("quote_events")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("quote_events", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("quote_events", "actor_id"))),
        )
        .and_where(Expr::col(("quote_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("quote_events", "quote_id")).eq(quote.0))
        .order_by(("quote_events", "at"), Order::Asc)
        .order_by(("quote_events", "id"), Order::Asc)
        .to_owned();
    let rows: Vec<EventRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            at: Instant(r.at),
            actor_id: r.actor_id.map(UserId),
            actor_name: r.actor_name,
            kind: r.kind,
            revision: r.revision,
            data: serde_json::from_str(&r.data).unwrap_or_default(),
        })
        .collect())
}
