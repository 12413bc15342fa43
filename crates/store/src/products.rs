//! The product catalogue: storage, search by SKU and name, the SKU uniqueness.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use tandem_domain::{
    Instant, ProductId, UserId, WorkspaceId,
    cursor::{Cursor, CursorKey},
    money::Money,
    product::ProductData,
    quote::TaxRate,
    text::fold,
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    pub id: ProductId,
    pub data: ProductData,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    sku: String,
    name: String,
    name_key: String,
    description: Option<String>,
    unit: String,
    price_minor: i64,
    currency: String,
    tax: String,
    active: bool,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Product {
    fn from(r: Row) -> Self {
        Product {
            id: ProductId(r.id),
            data: ProductData {
                sku: r.sku,
                name: r.name,
                description: r.description,
                unit: r.unit,
                list_price: Money::new(r.price_minor, &r.currency),
                tax: TaxRate::parse(&r.tax).unwrap_or_default(),
                active: r.active,
            },
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        }
    }
}

fn select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "sku",
            "name",
            "name_key",
            "description",
            "unit",
            "price_minor",
            "currency",
            "tax",
            "active",
            "version",
            "created_at",
            "updated_at",
        ])
        .from("products")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

fn values(d: &ProductData) -> Vec<(&'static str, sea_query::Value)> {
    let search = fold(&format!(
        "{} {} {}",
        d.sku,
        d.name,
        d.description.as_deref().unwrap_or("")
    ));
    vec![
        ("sku", d.sku.clone().into()),
        ("name", d.name.clone().into()),
        ("name_key", fold(&d.name).into()),
        ("description", d.description.clone().into()),
        ("unit", d.unit.clone().into()),
        ("price_minor", d.list_price.minor.into()),
        ("currency", d.list_price.currency.clone().into()),
        ("tax", d.tax.as_str().into()),
        ("active", d.active.into()),
        ("search_text", search.into()),
    ]
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ProductId,
    d: &ProductData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "products", ws, id.0, values(d), actor)
        .await
        .map_err(|e| e.duplicate_as("sku"))
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ProductId,
    version: i64,
    d: &ProductData,
) -> StoreResult<()> {
    list::update_record(c, "products", ws, id.0, version, values(d))
        .await
        .map_err(|e| e.duplicate_as("sku"))
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: ProductId) -> StoreResult<()> {
    list::set_deleted(c, "products", ws, id.0, true).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ProductId) -> StoreResult<Product> {
    let mut q = select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(Product::from)
        .ok_or(StoreError::NotFound)
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Every word must occur in SKU, name or description.
    pub q: Option<String>,
    /// Only active (or only inactive) products.
    pub active: Option<bool>,
}

/// A page of products by name.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    cursor: Option<&Cursor>,
    limit: u64,
) -> StoreResult<list::Page<Product>> {
    let mut q = select(ws);
    list::search_words(&mut q, "products", f.q.as_deref());
    if let Some(a) = f.active {
        q.and_where(Expr::col(("products", "active")).eq(a));
    }
    list::keyset(&mut q, "products", crate::Sort::NameAsc, cursor, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(list::page(
        rows.into_iter().map(|r| {
            let (key, id) = (CursorKey::Text(r.name_key.clone()), r.id);
            (Product::from(r), key, id)
        }),
        crate::Sort::NameAsc.as_str(),
        limit,
    ))
}

/// The live product with this SKU (SKUs are unique among live products).
pub async fn by_sku(c: &mut Conn<'_>, ws: WorkspaceId, sku: &str) -> StoreResult<Option<Product>> {
    let mut q = select(ws);
    q.and_where(Expr::col("sku").eq(sku));
    Ok(c.optional::<Row>(&q).await?.map(Product::from))
}
