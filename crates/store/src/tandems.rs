//! Tandems: storage with the partners' names.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query};
use tandem_domain::{
    Instant, TandemId, UserId, WorkspaceId,
    handoff::{Tandem, TandemData},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct StoredTandem {
    pub id: TandemId,
    pub data: TandemData,
    pub field_name: String,
    pub inside_name: String,
    pub deputy_name: Option<String>,
    pub version: i64,
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    field_id: Uuid,
    inside_id: Uuid,
    deputy_id: Option<Uuid>,
    agreement: Option<String>,
    sla_overrides: Option<String>,
    field_name: Option<String>,
    inside_name: Option<String>,
    deputy_name: Option<String>,
    version: i64,
    created_at: i64,
}

impl From<Row> for StoredTandem {
    fn from(r: Row) -> Self {
        StoredTandem {
            id: TandemId(r.id),
            data: TandemData {
                tandem: Tandem {
                    field_id: UserId(r.field_id),
                    inside_id: UserId(r.inside_id),
                    deputy_id: r.deputy_id.map(UserId),
                },
                agreement: r.agreement,
                sla_minutes: r
                    .sla_overrides
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default(),
            },
            field_name: r.field_name.unwrap_or_default(),
            inside_name: r.inside_name.unwrap_or_default(),
            deputy_name: r.deputy_name,
            version: r.version,
            created_at: Instant(r.created_at),
        }
    }
}

fn select(ws: WorkspaceId) -> sea_query::SelectStatement {
    let person = |alias: &'static str, col: &'static str| {
        Expr::col((alias, "workspace_id"))
            .equals(("tandems", "workspace_id"))
            .and(Expr::col((alias, "id")).equals(("tandems", col)))
    };
    Query::select()
        .columns([
            ("tandems", "id"),
            ("tandems", "field_id"),
            ("tandems", "inside_id"),
            ("tandems", "deputy_id"),
            ("tandems", "agreement"),
            ("tandems", "sla_overrides"),
            ("tandems", "version"),
            ("tandems", "created_at"),
        ])
        .expr_as(Expr::col(("f", "name")), "field_name")
        .expr_as(Expr::col(("i", "name")), "inside_name")
        .expr_as(Expr::col(("d", "name")), "deputy_name")
        .from("tandems")
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "f",
            person("f", "field_id"),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "i",
            person("i", "inside_id"),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "d",
            person("d", "deputy_id"),
        )
        .and_where(Expr::col(("tandems", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("tandems", "deleted_at")).is_null())
        .to_owned()
}

fn values(d: &TandemData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("field_id", d.tandem.field_id.0.into()),
        ("inside_id", d.tandem.inside_id.0.into()),
        ("deputy_id", d.tandem.deputy_id.map(|u| u.0).into()),
        ("agreement", d.agreement.clone().into()),
        (
            "sla_overrides",
            (!d.sla_minutes.is_empty())
                .then(|| serde_json::to_string(&d.sla_minutes).unwrap_or_default())
                .into(),
        ),
    ]
}

fn taken(e: StoreError) -> StoreError {
    match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("field_id")
        }
        e => e,
    }
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TandemId,
    d: &TandemData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "tandems", ws, id.0, values(d), actor)
        .await
        .map_err(taken)
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TandemId,
    version: i64,
    d: &TandemData,
) -> StoreResult<()> {
    list::update_record(c, "tandems", ws, id.0, version, values(d))
        .await
        .map_err(taken)
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: TandemId) -> StoreResult<()> {
    list::set_deleted(c, "tandems", ws, id.0, true).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: TandemId) -> StoreResult<StoredTandem> {
    let mut q = select(ws);
    q.and_where(Expr::col(("tandems", "id")).eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(Into::into)
        .ok_or(StoreError::NotFound)
}

/// Every live tandem, by field rep's name.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<StoredTandem>> {
    let mut q = select(ws);
    q.order_by(("f", "name"), Order::Asc).limit(2_000);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
