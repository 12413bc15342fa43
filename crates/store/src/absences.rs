//! Absences: storage, the overlap check, and who is away on a day.

use crate::{Conn, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query};
use tandem_domain::{
    AbsenceId, Instant, UserId, WorkspaceId,
    handoff::{Absence, AbsenceKind},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct StoredAbsence {
    pub id: AbsenceId,
    pub data: Absence,
    pub user_name: String,
    pub team_id: Option<Uuid>,
    pub created_by: Option<UserId>,
    pub version: i64,
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    user_id: Uuid,
    user_name: Option<String>,
    team_id: Option<Uuid>,
    kind: String,
    from_date: String,
    to_date: String,
    note: Option<String>,
    created_by: Option<Uuid>,
    version: i64,
    created_at: i64,
}

impl Row {
    fn into_absence(self) -> Option<StoredAbsence> {
        Some(StoredAbsence {
            id: AbsenceId(self.id),
            data: Absence {
                user_id: UserId(self.user_id),
                kind: AbsenceKind::parse(&self.kind).unwrap_or_default(),
                from: self.from_date.parse().ok()?,
                to: self.to_date.parse().ok()?,
                note: self.note,
            },
            user_name: self.user_name.unwrap_or_default(),
            team_id: self.team_id,
            created_by: self.created_by.map(UserId),
            version: self.version,
            created_at: Instant(self.created_at),
        })
    }
}

fn select(ws: WorkspaceId) -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ("absences", "id"),
            ("absences", "user_id"),
            ("absences", "kind"),
            ("absences", "from_date"),
            ("absences", "to_date"),
            ("absences", "note"),
            ("absences", "created_by"),
            ("absences", "version"),
            ("absences", "created_at"),
        ])
        .expr_as(Expr::col(("users", "name")), "user_name")
        .expr_as(Expr::col(("users", "team_id")), "team_id")
        .from("absences")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("absences", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("absences", "user_id"))),
        )
        .and_where(Expr::col(("absences", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("absences", "deleted_at")).is_null())
        .to_owned()
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AbsenceId,
    a: &Absence,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let values = vec![
        ("user_id", a.user_id.0.into()),
        ("kind", a.kind.as_str().into()),
        ("from_date", a.from.to_string().into()),
        ("to_date", a.to.to_string().into()),
        ("note", a.note.clone().into()),
    ];
    list::insert_record(c, "absences", ws, id.0, values, actor).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: AbsenceId) -> StoreResult<StoredAbsence> {
    let mut q = select(ws);
    q.and_where(Expr::col(("absences", "id")).eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .and_then(Row::into_absence)
        .ok_or(crate::StoreError::NotFound)
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: AbsenceId) -> StoreResult<()> {
    list::set_deleted(c, "absences", ws, id.0, true).await
}

/// The absences that touch the days `from..=to`, optionally of some users only, by
/// start date.
pub async fn between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    users: Option<&[UserId]>,
) -> StoreResult<Vec<StoredAbsence>> {
    let mut q = select(ws);
    q.and_where(Expr::col(("absences", "to_date")).gte(from.to_string()))
        .and_where(Expr::col(("absences", "from_date")).lte(to.to_string()))
        .order_by(("absences", "from_date"), Order::Asc)
        .order_by(("absences", "id"), Order::Asc)
        .limit(1_000);
    if let Some(users) = users {
        q.and_where(Expr::col(("absences", "user_id")).is_in(users.iter().map(|u| u.0)));
    }
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().filter_map(Row::into_absence).collect())
}

/// Absences of every workspace that have begun by `day` and not ended before it, whose
/// requests were not yet handed on (the absence job; it checks each workspace's own
/// date itself).
pub async fn begun_unapplied(
    c: &mut Conn<'_>,
    day: jiff::civil::Date,
    limit: u64,
) -> StoreResult<Vec<(WorkspaceId, StoredAbsence)>> {
    #[derive(sqlx::FromRow)]
    struct Key {
        workspace_id: Uuid,
        id: Uuid,
    }
    let yesterday = day.yesterday().unwrap_or(day);
    let q = Query::select()
        .columns(["workspace_id", "id"])
        .from("absences")
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("applied_at").is_null())
        .and_where(Expr::col("from_date").lte(day.to_string()))
        .and_where(Expr::col("to_date").gte(yesterday.to_string()))
        .order_by("from_date", Order::Asc)
        .limit(limit)
        .to_owned();
    let keys: Vec<Key> = c.all(&q).await?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let ws = WorkspaceId(k.workspace_id);
        if let Ok(a) = get(c, ws, AbsenceId(k.id)).await {
            out.push((ws, a));
        }
    }
    Ok(out)
}

/// Marks an absence as handed on; `false` if another runner did it first.
pub async fn mark_applied(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AbsenceId,
    now: Instant,
) -> StoreResult<bool> {
    let q = Query::update()
        .table("absences")
        .value("applied_at", now.0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("applied_at").is_null())
        .to_owned();
    Ok(c.exec(&q).await? == 1)
}
