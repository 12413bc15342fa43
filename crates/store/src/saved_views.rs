//! Saved list views: per user and list, a name and the list's query string.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Expr, ExprTrait, Order, Query};
use tandem_domain::{UserId, WorkspaceId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SavedView {
    pub id: Uuid,
    pub list: String,
    pub name: String,
    /// The query string of the list page, without the leading `?`.
    pub query: String,
}

pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    list: &str,
) -> StoreResult<Vec<SavedView>> {
    let q = Query::select()
        .columns(["id", "list", "name", "query"])
        .from("saved_views")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("list").eq(list))
        .order_by("name", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Saves a view; a view of the same name on the same list is replaced.
pub async fn save(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    list: &str,
    name: &str,
    query: &str,
) -> StoreResult<Uuid> {
    let delete = Query::delete()
        .from_table("saved_views")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("list").eq(list))
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    c.exec(&delete).await?;
    let id = Uuid::now_v7();
    let q = Query::insert()
        .into_table("saved_views")
        .columns([
            "workspace_id",
            "id",
            "user_id",
            "list",
            "name",
            "query",
            "created_at",
        ])
        .values_panic([
            ws.0.into(),
            id.into(),
            user.0.into(),
            list.into(),
            name.into(),
            query.into(),
            c.now().0.into(),
        ])
        .to_owned();
    c.exec(&q).await.map_err(|e| match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("name")
        }
        e => e,
    })?;
    Ok(id)
}

/// Deletes one of the user's views; `NotFound` if it is not theirs.
pub async fn delete(c: &mut Conn<'_>, ws: WorkspaceId, user: UserId, id: Uuid) -> StoreResult<()> {
    let q = Query::delete()
        .from_table("saved_views")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    match c.exec(&q).await? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
