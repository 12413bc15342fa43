//! Activities: storage and the timeline order (newest first, keyset-paged).

use crate::{Conn, Page, StoreResult, list};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use tandem_domain::{
    AccountId, ActivityId, ContactId, Instant, UserId, WorkspaceId,
    activity::{ActivityData, Kind},
    cursor::{Cursor, CursorKey},
};
use uuid::Uuid;

/// The `sort` name of the timeline order, carried in cursors.
pub const TIMELINE: &str = "-occurred_at";

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub id: ActivityId,
    pub data: ActivityData,
    pub account_name: Option<String>,
    pub contact_name: Option<String>,
    pub created_by: Option<UserId>,
    pub created_by_name: Option<String>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub deleted_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    subject: String,
    occurred_at: i64,
    duration_minutes: Option<i64>,
    summary: Option<String>,
    outcome: Option<String>,
    next_step: Option<String>,
    key_conversation: bool,
    account_id: Option<Uuid>,
    account_name: Option<String>,
    contact_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    contact_first: Option<String>,
    contact_last: Option<String>,
    created_by: Option<Uuid>,
    created_by_name: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    deleted_at: Option<i64>,
}

impl From<Row> for Activity {
    fn from(r: Row) -> Self {
        Activity {
            id: ActivityId(r.id),
            data: ActivityData {
                kind: Kind::parse(&r.kind).unwrap_or_default(),
                subject: r.subject,
                occurred_at: Instant(r.occurred_at),
                duration_minutes: r.duration_minutes,
                summary: r.summary,
                outcome: r.outcome,
                next_step: r.next_step,
                key_conversation: r.key_conversation,
                account_id: r.account_id.map(AccountId),
                contact_id: r.contact_id.map(ContactId),
                deal_id: r.deal_id.map(tandem_domain::DealId),
            },
            account_name: r.account_name,
            contact_name: r.contact_last.map(|last| match r.contact_first {
                Some(first) => format!("{first} {last}"),
                None => last,
            }),
            created_by: r.created_by.map(UserId),
            created_by_name: r.created_by_name,
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
            deleted_at: r.deleted_at.map(Instant),
        }
    }
}

const COLS: [&str; 18] = [
    "id",
    "kind",
    "subject",
    "occurred_at",
    "duration_minutes",
    "summary",
    "outcome",
    "next_step",
    "key_conversation",
    "account_id",
    "contact_id",
    "deal_id",
    "created_by",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
    "workspace_id",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in COLS {
        q.column(("activities", col));
    }
    let same_ws =
        |t: &'static str| Expr::col((t, "workspace_id")).equals(("activities", "workspace_id"));
    q.expr_as(Expr::col(("accounts", "name")), "account_name")
        .expr_as(Expr::col(("contacts", "first_name")), "contact_first")
        .expr_as(Expr::col(("contacts", "last_name")), "contact_last")
        .expr_as(Expr::col(("users", "name")), "created_by_name")
        .from("activities")
        .left_join(
            "accounts",
            same_ws("accounts")
                .and(Expr::col(("accounts", "id")).equals(("activities", "account_id"))),
        )
        .left_join(
            "contacts",
            same_ws("contacts")
                .and(Expr::col(("contacts", "id")).equals(("activities", "contact_id"))),
        )
        .left_join(
            "users",
            same_ws("users").and(Expr::col(("users", "id")).equals(("activities", "created_by"))),
        )
        .and_where(Expr::col(("activities", "workspace_id")).eq(ws.0))
        .to_owned()
}

fn values(d: &ActivityData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("kind", d.kind.as_str().into()),
        ("subject", d.subject.clone().into()),
        ("occurred_at", d.occurred_at.0.into()),
        ("duration_minutes", d.duration_minutes.into()),
        ("summary", d.summary.clone().into()),
        ("outcome", d.outcome.clone().into()),
        ("next_step", d.next_step.clone().into()),
        ("key_conversation", d.key_conversation.into()),
        ("account_id", d.account_id.map(|a| a.0).into()),
        ("contact_id", d.contact_id.map(|c| c.0).into()),
        ("deal_id", d.deal_id.map(|c| c.0).into()),
    ]
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ActivityId) -> StoreResult<Activity> {
    let q = select(ws)
        .and_where(Expr::col(("activities", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into())
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ActivityId,
    data: &ActivityData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "activities", ws, id.0, values(data), actor).await
}

/// Inserts many activities at once (imports, demo data): `(id, data, author)`.
pub async fn insert_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    items: Vec<(ActivityId, ActivityData, Option<UserId>)>,
) -> StoreResult<()> {
    let records = items
        .into_iter()
        .map(|(id, data, actor)| list::NewRecord {
            id: id.0,
            values: values(&data),
            actor,
            at: data.occurred_at,
        })
        .collect();
    list::insert_records(c, "activities", ws, records).await
}

/// Writes new data if the stored version is still `version`.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ActivityId,
    version: i64,
    data: &ActivityData,
) -> StoreResult<()> {
    list::update_record(c, "activities", ws, id.0, version, values(data)).await?;
    Ok(())
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ActivityId,
    deleted: bool,
) -> StoreResult<()> {
    list::set_deleted(c, "activities", ws, id.0, deleted).await
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<tandem_domain::DealId>,
    pub created_by: Option<UserId>,
    pub key_conversations: bool,
    /// Only activities at or after this instant, and before `until`.
    pub since: Option<Instant>,
    pub until: Option<Instant>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<tandem_domain::activity::Kind>,
    pub deleted: bool,
    /// Whose records the caller may see.
    pub seen: crate::Seen,
}

/// The timeline: newest first.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    limit: u64,
    after: Option<&Cursor>,
) -> StoreResult<Page<Activity>> {
    let mut q = select(ws);
    if f.deleted {
        q.and_where(Expr::col(("activities", "deleted_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("activities", "deleted_at")).is_null());
    }
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("activities", "account_id")).eq(a.0));
    }
    if let Some(deal) = f.deal_id {
        q.and_where(Expr::col(("activities", "deal_id")).eq(deal.0));
    }
    if let Some(ct) = f.contact_id {
        q.and_where(Expr::col(("activities", "contact_id")).eq(ct.0));
    }
    if let Some(u) = f.created_by {
        q.and_where(Expr::col(("activities", "created_by")).eq(u.0));
    }
    if f.key_conversations {
        q.and_where(Expr::col(("activities", "key_conversation")).eq(true));
    }
    if let Some(since) = f.since {
        q.and_where(Expr::col(("activities", "occurred_at")).gte(since.0));
    }
    if let Some(until) = f.until {
        q.and_where(Expr::col(("activities", "occurred_at")).lt(until.0));
    }
    if !f.kinds.is_empty() {
        q.and_where(Expr::col(("activities", "kind")).is_in(f.kinds.iter().map(|k| k.as_str())));
    }
    f.seen.restrict_by_account(&mut q, "activities", ws);
    list::keyset_on(&mut q, "activities", "occurred_at", true, after, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let rows = rows.into_iter().map(|r| {
        let a = Activity::from(r);
        let (key, id) = (CursorKey::Int(a.data.occurred_at.0), a.id.0);
        (a, key, id)
    });
    Ok(list::page(rows, TIMELINE, limit))
}
