//! Request types: what inside sales can be asked for, with SLA and escalation path.

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct StoredType {
    pub id: RequestTypeId,
    pub data: RequestTypeData,
    pub position: i64,
    pub version: i64,
    /// What the type is for, if it has a special role: answering with a quote, or a
    /// discount approval.
    pub purpose: Option<Purpose>,
}

#[derive(sqlx::FromRow)]
pub(super) struct TypeRow {
    id: Uuid,
    name: String,
    sla_minutes: i64,
    reminder_bp: i64,
    escalation: String,
    position: i64,
    version: i64,
    purpose: Option<String>,
}

impl From<TypeRow> for StoredType {
    fn from(r: TypeRow) -> Self {
        StoredType {
            id: RequestTypeId(r.id),
            data: RequestTypeData {
                name: r.name,
                sla_minutes: r.sla_minutes,
                reminder_bp: r.reminder_bp,
                escalation: parse_path(&r.escalation),
            },
            position: r.position,
            version: r.version,
            purpose: r.purpose.as_deref().and_then(Purpose::parse),
        }
    }
}

pub(super) fn select_types(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "name",
            "sla_minutes",
            "reminder_bp",
            "escalation",
            "position",
            "version",
            "purpose",
        ])
        .from("request_types")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

/// The live request types, in their order.
pub async fn types(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<StoredType>> {
    let mut q = select_types(ws);
    q.order_by("position", Order::Asc)
        .order_by("name", Order::Asc);
    let rows: Vec<TypeRow> = c.all(&q).await?;
    Ok(rows.into_iter().map(StoredType::from).collect())
}

pub async fn get_type(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RequestTypeId,
) -> StoreResult<StoredType> {
    let mut q = select_types(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<TypeRow>(&q)
        .await?
        .map(StoredType::from)
        .ok_or(StoreError::NotFound)
}

/// Whether the workspace ever had request types (deleted ones count: the defaults are
/// made once, not again after an admin removed them all).
pub async fn any_types_ever(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<bool> {
    #[derive(sqlx::FromRow)]
    struct One {
        id: Uuid,
    }
    let q = Query::select()
        .column("id")
        .from("request_types")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .limit(1)
        .to_owned();
    Ok(c.optional::<One>(&q).await?.map(|o| o.id).is_some())
}

pub(super) fn type_values(d: &RequestTypeData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("name", d.name.clone().into()),
        ("sla_minutes", d.sla_minutes.into()),
        ("reminder_bp", d.reminder_bp.into()),
        ("escalation", path_text(&d.escalation).into()),
    ]
}

pub async fn insert_type(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RequestTypeId,
    d: &RequestTypeData,
    position: i64,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let mut values = type_values(d);
    values.push(("position", position.into()));
    list::insert_record(c, "request_types", ws, id.0, values, actor)
        .await
        .map_err(|e| e.duplicate_as("name"))
}

/// Gives the type its special role (at most one type per workspace has each).
pub async fn set_purpose(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RequestTypeId,
    purpose: Purpose,
) -> StoreResult<()> {
    c.exec(
        &Query::update()
            .table("request_types")
            .value("purpose", Option::<String>::None)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("purpose").eq(purpose.as_str()))
            .to_owned(),
    )
    .await?;
    c.exec(
        &Query::update()
            .table("request_types")
            .value("purpose", purpose.as_str())
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("id").eq(id.0))
            .to_owned(),
    )
    .await?;
    Ok(())
}

pub async fn update_type(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RequestTypeId,
    version: i64,
    d: &RequestTypeData,
) -> StoreResult<()> {
    list::update_record(c, "request_types", ws, id.0, version, type_values(d))
        .await
        .map_err(|e| e.duplicate_as("name"))
}

pub async fn delete_type(c: &mut Conn<'_>, ws: WorkspaceId, id: RequestTypeId) -> StoreResult<()> {
    list::set_deleted(c, "request_types", ws, id.0, true).await
}
