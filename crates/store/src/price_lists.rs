//! Price lists per customer group and their prices.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use tandem_domain::{PriceListId, ProductId, UserId, WorkspaceId, product::PriceListData};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct PriceList {
    pub id: PriceListId,
    pub data: PriceListData,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    customer_group: String,
    version: i64,
}

impl From<Row> for PriceList {
    fn from(r: Row) -> Self {
        PriceList {
            id: PriceListId(r.id),
            data: PriceListData {
                name: r.name,
                customer_group: r.customer_group,
            },
            version: r.version,
        }
    }
}

fn values(d: &PriceListData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("name", d.name.clone().into()),
        ("customer_group", d.customer_group.clone().into()),
    ]
}

/// The live price lists by name.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<PriceList>> {
    let q = Query::select()
        .columns(["id", "name", "customer_group", "version"])
        .from("price_lists")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("name", Order::Asc)
        .to_owned();
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(PriceList::from).collect())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: PriceListId) -> StoreResult<PriceList> {
    list(c, ws)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(StoreError::NotFound)
}

/// Which unique field a duplicate hit (the name or the group).
async fn taken_field(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    d: &PriceListData,
    except: Option<PriceListId>,
) -> StoreResult<Option<&'static str>> {
    for p in list(c, ws).await? {
        if Some(p.id) == except {
            continue;
        }
        if p.data.name == d.name {
            return Ok(Some("name"));
        }
        if p.data.customer_group == d.customer_group {
            return Ok(Some("customer_group"));
        }
    }
    Ok(None)
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PriceListId,
    d: &PriceListData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    if let Some(field) = taken_field(c, ws, d, None).await? {
        return Err(StoreError::Duplicate(field));
    }
    list::insert_record(c, "price_lists", ws, id.0, values(d), actor)
        .await
        .map_err(|e| e.duplicate_as("name"))
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PriceListId,
    version: i64,
    d: &PriceListData,
) -> StoreResult<()> {
    if let Some(field) = taken_field(c, ws, d, Some(id)).await? {
        return Err(StoreError::Duplicate(field));
    }
    list::update_record(c, "price_lists", ws, id.0, version, values(d))
        .await
        .map_err(|e| e.duplicate_as("name"))
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: PriceListId) -> StoreResult<()> {
    list::set_deleted(c, "price_lists", ws, id.0, true).await
}

/// The list's prices: product and price in minor units.
pub async fn prices(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PriceListId,
) -> StoreResult<Vec<(ProductId, i64)>> {
    #[derive(sqlx::FromRow)]
    struct P {
        product_id: Uuid,
        price_minor: i64,
    }
    let q = Query::select()
        .columns(["product_id", "price_minor"])
        .from("price_list_prices")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("price_list_id").eq(id.0))
        .to_owned();
    let rows: Vec<P> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| (ProductId(r.product_id), r.price_minor))
        .collect())
}

/// Sets (or with `None` removes) the list's price of a product.
pub async fn set_price(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PriceListId,
    product: ProductId,
    price: Option<i64>,
) -> StoreResult<()> {
    match price {
        None => {
            c.exec(
                &Query::delete()
                    .from_table("price_list_prices")
                    .and_where(Expr::col("workspace_id").eq(ws.0))
                    .and_where(Expr::col("price_list_id").eq(id.0))
                    .and_where(Expr::col("product_id").eq(product.0))
                    .to_owned(),
            )
            .await?;
        }
        Some(p) => {
            c.exec(
                &Query::insert()
                    .into_table("price_list_prices")
                    .columns(["workspace_id", "price_list_id", "product_id", "price_minor"])
                    .values_panic([ws.0.into(), id.0.into(), product.0.into(), p.into()])
                    .on_conflict(
                        OnConflict::columns(["workspace_id", "price_list_id", "product_id"])
                            .update_column("price_minor")
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        }
    }
    Ok(())
}

/// The group prices of these products for an account in these groups (tags): the
/// lowest where several of its groups have a list.
pub async fn group_prices(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    groups: &[String],
    products: &[ProductId],
) -> StoreResult<Vec<(ProductId, i64)>> {
    if groups.is_empty() || products.is_empty() {
        return Ok(vec![]);
    }
    #[derive(sqlx::FromRow)]
    struct P {
        product_id: Uuid,
        price_minor: i64,
    }
    let lists = Query::select()
        .column("id")
        .from("price_lists")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("customer_group").is_in(groups.iter().cloned()))
        .to_owned();
    let q = Query::select()
        .columns(["product_id", "price_minor"])
        .from("price_list_prices")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("price_list_id").in_subquery(lists))
        .and_where(Expr::col("product_id").is_in(products.iter().map(|p| p.0)))
        .to_owned();
    let rows: Vec<P> = c.all(&q).await?;
    let mut best: Vec<(ProductId, i64)> = vec![];
    for r in rows {
        let id = ProductId(r.product_id);
        match best.iter_mut().find(|(p, _)| *p == id) {
            Some((_, price)) => *price = Ord::min(*price, r.price_minor),
            None => best.push((id, r.price_minor)),
        }
    }
    Ok(best)
}
