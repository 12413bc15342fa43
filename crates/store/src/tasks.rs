//! Tasks: storage, done/undone, and the "by due date" order.

use crate::{Conn, Page, StoreResult, list};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use tandem_domain::{
    AccountId, ContactId, Instant, TaskId, UserId, WorkspaceId,
    cursor::{Cursor, CursorKey},
    task::{Priority, Recurrence, TaskData},
};
use uuid::Uuid;

/// The `sort` name of the due-date order, carried in cursors.
pub const BY_DUE: &str = "due_on";
const NO_DUE: &str = "9999-12-31";

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub data: TaskData,
    pub done_at: Option<Instant>,
    pub assignee_name: Option<String>,
    pub account_name: Option<String>,
    pub version: i64,
    pub created_by: Option<UserId>,
    pub created_at: Instant,
    pub deleted_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    due_on: Option<String>,
    due_key: String,
    priority: String,
    assignee_id: Option<Uuid>,
    assignee_name: Option<String>,
    account_id: Option<Uuid>,
    account_name: Option<String>,
    contact_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    recurrence: String,
    notes: Option<String>,
    done_at: Option<i64>,
    version: i64,
    created_by: Option<Uuid>,
    created_at: i64,
    deleted_at: Option<i64>,
}

impl Row {
    fn into_task(self) -> (Task, String) {
        (
            Task {
                id: TaskId(self.id),
                data: TaskData {
                    title: self.title,
                    due_on: self.due_on.and_then(|d| d.parse().ok()),
                    priority: Priority::parse(&self.priority).unwrap_or_default(),
                    assignee_id: self.assignee_id.map(UserId),
                    account_id: self.account_id.map(AccountId),
                    contact_id: self.contact_id.map(ContactId),
                    deal_id: self.deal_id.map(tandem_domain::DealId),
                    recurrence: Recurrence::parse(&self.recurrence).unwrap_or_default(),
                    notes: self.notes,
                },
                done_at: self.done_at.map(Instant),
                assignee_name: self.assignee_name,
                account_name: self.account_name,
                version: self.version,
                created_by: self.created_by.map(UserId),
                created_at: Instant(self.created_at),
                deleted_at: self.deleted_at.map(Instant),
            },
            self.due_key,
        )
    }
}

const COLS: [&str; 16] = [
    "id",
    "title",
    "due_on",
    "due_key",
    "priority",
    "assignee_id",
    "account_id",
    "contact_id",
    "deal_id",
    "recurrence",
    "notes",
    "done_at",
    "version",
    "created_by",
    "created_at",
    "deleted_at",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in COLS {
        q.column(("tasks", col));
    }
    let same_ws =
        |t: &'static str| Expr::col((t, "workspace_id")).equals(("tasks", "workspace_id"));
    q.expr_as(Expr::col(("users", "name")), "assignee_name")
        .expr_as(Expr::col(("accounts", "name")), "account_name")
        .from("tasks")
        .left_join(
            "users",
            same_ws("users").and(Expr::col(("users", "id")).equals(("tasks", "assignee_id"))),
        )
        .left_join(
            "accounts",
            same_ws("accounts").and(Expr::col(("accounts", "id")).equals(("tasks", "account_id"))),
        )
        .and_where(Expr::col(("tasks", "workspace_id")).eq(ws.0))
        .to_owned()
}

fn values(d: &TaskData) -> Vec<(&'static str, sea_query::Value)> {
    let due = d.due_on.map(|x| x.to_string());
    vec![
        ("title", d.title.clone().into()),
        (
            "due_key",
            due.clone().unwrap_or_else(|| NO_DUE.into()).into(),
        ),
        ("due_on", due.into()),
        ("priority", d.priority.as_str().into()),
        ("assignee_id", d.assignee_id.map(|x| x.0).into()),
        ("account_id", d.account_id.map(|x| x.0).into()),
        ("contact_id", d.contact_id.map(|x| x.0).into()),
        ("deal_id", d.deal_id.map(|x| x.0).into()),
        ("recurrence", d.recurrence.as_str().into()),
        ("notes", d.notes.clone().into()),
    ]
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: TaskId) -> StoreResult<Task> {
    let q = select(ws)
        .and_where(Expr::col(("tasks", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into_task().0)
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TaskId,
    data: &TaskData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "tasks", ws, id.0, values(data), actor).await
}

/// Writes new data if the stored version is still `version`.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TaskId,
    version: i64,
    data: &TaskData,
) -> StoreResult<()> {
    list::update_record(c, "tasks", ws, id.0, version, values(data)).await
}

/// Marks done (`Some(when)`) or open again (`None`), if the version still matches.
pub async fn set_done(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TaskId,
    version: i64,
    done: Option<Instant>,
) -> StoreResult<()> {
    list::update_record(
        c,
        "tasks",
        ws,
        id.0,
        version,
        vec![("done_at", done.map(|d| d.0).into())],
    )
    .await
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TaskId,
    deleted: bool,
) -> StoreResult<()> {
    list::set_deleted(c, "tasks", ws, id.0, deleted).await
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub assignee_id: Option<UserId>,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<tandem_domain::DealId>,
    /// Done tasks instead of open ones.
    pub done: bool,
    pub deleted: bool,
    /// Whose records the caller may see.
    pub seen: crate::Seen,
}

/// Tasks by due date (undated last).
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    limit: u64,
    after: Option<&Cursor>,
) -> StoreResult<Page<Task>> {
    let mut q = select(ws);
    if f.deleted {
        q.and_where(Expr::col(("tasks", "deleted_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("tasks", "deleted_at")).is_null());
    }
    if f.done {
        q.and_where(Expr::col(("tasks", "done_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("tasks", "done_at")).is_null());
    }
    if let Some(u) = f.assignee_id {
        q.and_where(Expr::col(("tasks", "assignee_id")).eq(u.0));
    }
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("tasks", "account_id")).eq(a.0));
    }
    if let Some(deal) = f.deal_id {
        q.and_where(Expr::col(("tasks", "deal_id")).eq(deal.0));
    }
    if let Some(ct) = f.contact_id {
        q.and_where(Expr::col(("tasks", "contact_id")).eq(ct.0));
    }
    f.seen.restrict(&mut q, "tasks", &["assignee_id"]);
    list::keyset_on(&mut q, "tasks", "due_key", false, after, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let rows = rows.into_iter().map(|r| {
        let (t, key) = r.into_task();
        let id = t.id.0;
        (t, CursorKey::Text(key), id)
    });
    Ok(list::page(rows, BY_DUE, limit))
}
