//! Custom field definitions, and the filter on custom values every list shares.

use crate::{Backend, Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::Value;
use tandem_domain::{
    UserId, WorkspaceId,
    custom::{Entity, FieldDef, Kind},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub id: Uuid,
    pub def: FieldDef,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    entity: String,
    key: String,
    label: String,
    kind: String,
    options: String,
    required: bool,
    version: i64,
}

/// The live fields of a workspace (of one kind of record, or all), in order.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: Option<Entity>,
) -> StoreResult<Vec<Field>> {
    let mut q = Query::select();
    q.columns([
        "id", "entity", "key", "label", "kind", "options", "required", "version",
    ])
    .from("custom_fields")
    .and_where(Expr::col("workspace_id").eq(ws.0))
    .and_where(Expr::col("deleted_at").is_null())
    .order_by("position", Order::Asc)
    .order_by("id", Order::Asc);
    if let Some(e) = entity {
        q.and_where(Expr::col("entity").eq(e.as_str()));
    }
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Field {
                id: r.id,
                def: FieldDef {
                    entity: Entity::parse(&r.entity)?,
                    key: r.key,
                    label: r.label,
                    kind: Kind::parse(&r.kind)?,
                    options: serde_json::from_str(&r.options).unwrap_or_default(),
                    required: r.required,
                },
                version: r.version,
            })
        })
        .collect())
}

fn values(d: &FieldDef) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("entity", d.entity.as_str().into()),
        ("key", d.key.clone().into()),
        ("label", d.label.clone().into()),
        ("kind", d.kind.as_str().into()),
        (
            "options",
            serde_json::to_string(&d.options)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
        ("required", d.required.into()),
    ]
}

fn taken(e: StoreError) -> StoreError {
    match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("key")
        }
        e => e,
    }
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    def: &FieldDef,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let mut vals = values(def);
    vals.push(("position", c.now().0.into()));
    list::insert_record(c, "custom_fields", ws, id, vals, actor)
        .await
        .map_err(taken)
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    version: i64,
    def: &FieldDef,
) -> StoreResult<()> {
    list::update_record(c, "custom_fields", ws, id, version, values(def))
        .await
        .map_err(taken)
}

pub async fn delete(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> StoreResult<()> {
    list::set_deleted(c, "custom_fields", ws, id, true).await
}

/// Records whose custom value `key` equals `value` (for a multi-select: contains it).
#[derive(Clone, Debug, PartialEq)]
pub struct CustomFilter {
    pub key: String,
    pub value: Value,
    pub multi: bool,
}

/// Restricts `q` to rows of `table` matching every filter.
pub(crate) fn restrict(
    q: &mut SelectStatement,
    backend: Backend,
    table: &'static str,
    filters: &[CustomFilter],
) {
    for f in filters {
        debug_assert!(
            f.key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        );
        let col = format!("\"{table}\".\"custom\"");
        let expr = match (backend, f.multi) {
            (Backend::Sqlite, false) => Expr::cust_with_values(
                format!("json_extract({col}, ?) = json_extract(?, '$')"),
                [format!("$.{}", f.key), f.value.to_string()],
            ),
            (Backend::Sqlite, true) => Expr::cust_with_values(
                format!(
                    "EXISTS (SELECT 1 FROM json_each({col}, ?) WHERE json_each.value = json_extract(?, '$'))"
                ),
                [format!("$.{}", f.key), f.value.to_string()],
            ),
            // Keys are checked to be `[a-z0-9_.]` (field definitions), so they can be
            // spelled out; values are bound.
            (Backend::Postgres, multi) => {
                let path = f
                    .key
                    .split('.')
                    .map(|k| format!("'{k}'"))
                    .collect::<Vec<_>>()
                    .join(",");
                let lhs = Expr::cust(format!("(({col})::jsonb #> ARRAY[{path}])"));
                let rhs = if multi {
                    Value::Array(vec![f.value.clone()])
                } else {
                    f.value.clone()
                };
                let rhs = Expr::val(rhs.to_string()).cast_as("jsonb");
                if multi {
                    lhs.binary(sea_query::BinOper::Custom("@>"), rhs)
                } else {
                    lhs.eq(rhs)
                }
            }
        };
        q.and_where(expr);
    }
}
