//! Order confirmations made from accepted quotes.

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct OrderRecord {
    pub id: OrderId,
    pub number: String,
    pub quote_id: QuoteId,
    pub quote_number: String,
    pub account_id: AccountId,
    pub account_name: String,
    pub deal_id: Option<DealId>,
    pub owner_id: UserId,
    pub owner_name: String,
    pub order_date: jiff::civil::Date,
    pub delivery_date: jiff::civil::Date,
    pub currency: String,
    pub net_minor: i64,
    pub gross_minor: i64,
    pub customer_reference: String,
    pub version: i64,
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
pub(super) struct OrderRow {
    id: Uuid,
    number: String,
    quote_id: Uuid,
    quote_number: Option<String>,
    account_id: Uuid,
    account_name: Option<String>,
    deal_id: Option<Uuid>,
    owner_id: Uuid,
    owner_name: Option<String>,
    order_date: String,
    delivery_date: String,
    currency: String,
    net_minor: i64,
    gross_minor: i64,
    customer_reference: String,
    version: i64,
    created_at: i64,
}

impl TryFrom<OrderRow> for OrderRecord {
    type Error = StoreError;
    fn try_from(r: OrderRow) -> StoreResult<OrderRecord> {
        Ok(OrderRecord {
            id: OrderId(r.id),
            number: r.number,
            quote_id: QuoteId(r.quote_id),
            quote_number: r.quote_number.unwrap_or_default(),
            account_id: AccountId(r.account_id),
            account_name: r.account_name.unwrap_or_default(),
            deal_id: r.deal_id.map(DealId),
            owner_id: UserId(r.owner_id),
            owner_name: r.owner_name.unwrap_or_default(),
            order_date: date(&r.order_date)?,
            delivery_date: date(&r.delivery_date)?,
            currency: r.currency,
            net_minor: r.net_minor,
            gross_minor: r.gross_minor,
            customer_reference: r.customer_reference,
            version: r.version,
            created_at: Instant(r.created_at),
        })
    }
}

pub(super) fn select_orders(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in [
        "id",
        "number",
        "quote_id",
        "account_id",
        "deal_id",
        "owner_id",
        "order_date",
        "delivery_date",
        "currency",
        "net_minor",
        "gross_minor",
        "customer_reference",
        "version",
        "created_at",
    ] {
        q.column(("orders", col));
    }
    q.expr_as(Expr::col(("quotes", "number")), Alias::new("quote_number"))
        .expr_as(Expr::col(("accounts", "name")), "account_name")
        .expr_as(Expr::col(("users", "name")), "owner_name")
        .from("orders")
        .left_join(
            "quotes",
            Expr::col(("quotes", "workspace_id"))
                .equals(("orders", "workspace_id"))
                .and(Expr::col(("quotes", "id")).equals(("orders", "quote_id"))),
        )
        .left_join(
            "accounts",
            Expr::col(("accounts", "workspace_id"))
                .equals(("orders", "workspace_id"))
                .and(Expr::col(("accounts", "id")).equals(("orders", "account_id"))),
        )
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("orders", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("orders", "owner_id"))),
        )
        .and_where(Expr::col(("orders", "workspace_id")).eq(ws.0));
    q
}

pub struct NewOrder<'a> {
    pub id: OrderId,
    pub number: &'a str,
    pub quote: &'a Quote,
    pub order_date: jiff::civil::Date,
    pub delivery_date: jiff::civil::Date,
    pub customer_reference: &'a str,
    pub actor: UserId,
}

pub async fn insert_order(c: &mut Conn<'_>, ws: WorkspaceId, o: &NewOrder<'_>) -> StoreResult<()> {
    let values = vec![
        ("number", o.number.into()),
        ("quote_id", o.quote.id.0.into()),
        ("account_id", o.quote.account_id.0.into()),
        ("deal_id", o.quote.deal_id.map(|d| d.0).into()),
        ("owner_id", o.quote.owner_id.0.into()),
        ("order_date", o.order_date.to_string().into()),
        ("delivery_date", o.delivery_date.to_string().into()),
        ("currency", o.quote.content.currency.clone().into()),
        ("net_minor", o.quote.net_minor.into()),
        ("gross_minor", o.quote.gross_minor.into()),
        ("customer_reference", o.customer_reference.into()),
    ];
    list::insert_record(c, "orders", ws, o.id.0, values, Some(o.actor))
        .await
        .map_err(|e| e.duplicate_as("number"))
}

pub async fn get_order(c: &mut Conn<'_>, ws: WorkspaceId, id: OrderId) -> StoreResult<OrderRecord> {
    let mut q = select_orders(ws);
    q.and_where(Expr::col(("orders", "id")).eq(id.0));
    c.optional::<OrderRow>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

pub async fn order_of_quote(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
) -> StoreResult<Option<OrderRecord>> {
    let mut q = select_orders(ws);
    q.and_where(Expr::col(("orders", "quote_id")).eq(quote.0));
    c.optional::<OrderRow>(&q)
        .await?
        .map(OrderRecord::try_from)
        .transpose()
}

#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub account_id: Option<AccountId>,
    pub seen: Seen,
}

/// Orders, the newest first.
pub async fn orders(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &OrderFilter,
    cursor: Option<&Cursor>,
    limit: u64,
) -> StoreResult<list::Page<OrderRecord>> {
    let mut q = select_orders(ws);
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("orders", "account_id")).eq(a.0));
    }
    f.seen.restrict_by_account(&mut q, "orders", ws);
    list::keyset_on(&mut q, "orders", "created_at", true, cursor, limit);
    let rows: Vec<OrderRow> = c.all(&q).await?;
    let mut items = vec![];
    for r in rows {
        let (key, id) = (CursorKey::Int(r.created_at), r.id);
        items.push((OrderRecord::try_from(r)?, key, id));
    }
    Ok(list::page(items.into_iter(), "created_at", limit))
}
