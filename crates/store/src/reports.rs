//! Weekly reports: one per author and week, a draft until it is published.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{Instant, ReportId, UserId, WorkspaceId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub author_id: UserId,
    /// The week's period key (`2026-W49`).
    pub week: String,
    pub body: String,
    pub published_at: Option<Instant>,
    pub version: i64,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    author_id: Uuid,
    week: String,
    body: String,
    published_at: Option<i64>,
    version: i64,
    updated_at: i64,
}

impl From<Row> for Report {
    fn from(r: Row) -> Report {
        Report {
            id: ReportId(r.id),
            author_id: UserId(r.author_id),
            week: r.week,
            body: r.body,
            published_at: r.published_at.map(Instant),
            version: r.version,
            updated_at: Instant(r.updated_at),
        }
    }
}

fn select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "author_id",
            "week",
            "body",
            "published_at",
            "version",
            "updated_at",
        ])
        .from("weekly_reports")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

/// The author's report of a week, if there is one.
pub async fn of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    author: UserId,
    week: &str,
) -> StoreResult<Option<Report>> {
    let mut q = select(ws);
    q.and_where(Expr::col("author_id").eq(author.0))
        .and_where(Expr::col("week").eq(week));
    Ok(c.optional::<Row>(&q).await?.map(Report::from))
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ReportId,
    author: UserId,
    week: &str,
    body: &str,
    published_at: Option<Instant>,
) -> StoreResult<()> {
    list::insert_record(
        c,
        "weekly_reports",
        ws,
        id.0,
        vec![
            ("author_id", author.0.into()),
            ("week", week.into()),
            ("body", body.into()),
            ("published_at", published_at.map(|p| p.0).into()),
        ],
        Some(author),
    )
    .await
    .map_err(|e| e.duplicate_as("week"))
}

/// New text and publication, if the stored version is still `version`.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ReportId,
    version: i64,
    body: &str,
    published_at: Option<Instant>,
) -> StoreResult<()> {
    list::update_record(
        c,
        "weekly_reports",
        ws,
        id.0,
        version,
        vec![
            ("body", body.into()),
            ("published_at", published_at.map(|p| p.0).into()),
        ],
    )
    .await
}

/// The published reports of a week, by these authors (everybody's when `None`),
/// newest first.
pub async fn published(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    week: &str,
    authors: Option<&[UserId]>,
) -> StoreResult<Vec<Report>> {
    let mut q = select(ws);
    q.and_where(Expr::col("week").eq(week))
        .and_where(Expr::col("published_at").is_not_null())
        .order_by("published_at", Order::Desc)
        .limit(1_000);
    if let Some(a) = authors {
        q.and_where(Expr::col("author_id").is_in(a.iter().map(|u| u.0)));
    }
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(Report::from).collect())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ReportId) -> StoreResult<Report> {
    let mut q = select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(Report::from)
        .ok_or(StoreError::NotFound)
}
