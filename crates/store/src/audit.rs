//! The immutable audit log: one row per change, written in the changing transaction.

use crate::{Conn, StoreResult};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde_json::Value;
use tandem_domain::{AuditId, Instant, UserId, WorkspaceId};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Restore,
    /// Another record was merged into this one.
    Merge,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
            Action::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::Restore,
            Action::Merge,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub id: AuditId,
    pub action: Action,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub at: Instant,
    /// `{field: [old, new]}`
    pub diff: Value,
}

pub struct NewEntry<'a> {
    pub workspace_id: WorkspaceId,
    pub entity: &'static str,
    pub entity_id: Uuid,
    pub action: Action,
    pub actor: Option<UserId>,
    pub diff: &'a Value,
}

pub async fn record(c: &mut Conn<'_>, e: NewEntry<'_>) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("audit_log")
        .columns([
            "workspace_id",
            "id",
            "entity",
            "entity_id",
            "action",
            "actor_id",
            "at",
            "diff",
        ])
        .values_panic([
            e.workspace_id.0.into(),
            AuditId::new().0.into(),
            e.entity.into(),
            e.entity_id.into(),
            e.action.as_str().into(),
            e.actor.map(|a| a.0).into(),
            c.now().0.into(),
            e.diff.to_string().into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Many audit rows at once (an import's batch), one multi-row statement per few
/// thousand.
pub async fn record_many(c: &mut Conn<'_>, entries: &[NewEntry<'_>]) -> StoreResult<()> {
    let at = c.now().0;
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                e.workspace_id.0.into(),
                AuditId::new().0.into(),
                e.entity.into(),
                e.entity_id.into(),
                e.action.as_str().into(),
                e.actor.map(|a| a.0).into(),
                at.into(),
                e.diff.to_string().into(),
            ]
        })
        .collect();
    crate::list::insert_rows(
        c,
        "audit_log",
        &[
            "workspace_id",
            "id",
            "entity",
            "entity_id",
            "action",
            "actor_id",
            "at",
            "diff",
        ],
        rows,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    action: String,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    at: i64,
    diff: String,
}

/// The history of one record, newest first.
pub async fn for_entity(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: &str,
    id: Uuid,
    limit: u64,
) -> StoreResult<Vec<AuditEntry>> {
    let q = Query::select()
        .expr_as(Expr::col(("audit_log", "id")), "id")
        .column(("audit_log", "action"))
        .column(("audit_log", "actor_id"))
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .column(("audit_log", "at"))
        .column(("audit_log", "diff"))
        .from("audit_log")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("audit_log", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("audit_log", "actor_id"))),
        )
        .and_where(Expr::col(("audit_log", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("audit_log", "entity")).eq(entity))
        .and_where(Expr::col(("audit_log", "entity_id")).eq(id))
        .order_by(("audit_log", "at"), Order::Desc)
        .order_by(("audit_log", "id"), Order::Desc)
        .limit(limit)
        .to_owned();
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: AuditId(r.id),
            // Only this module writes the column, with `Action::as_str`.
            action: Action::parse(&r.action).unwrap_or(Action::Update),
            actor_id: r.actor_id.map(UserId),
            actor_name: r.actor_name,
            at: Instant(r.at),
            diff: serde_json::from_str(&r.diff).unwrap_or(Value::Null),
        })
        .collect())
}
