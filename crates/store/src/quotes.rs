//! Quotes (with their frozen revisions and timeline), orders, and the workspace's quote
//! settings, letterhead and logo.

use crate::{Conn, Seen, StoreError, StoreResult, list};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    AccountId, ContactId, DealId, Instant, OrderId, QuoteId, RequestId, UserId, WorkspaceId,
    cursor::{Cursor, CursorKey},
    quoting::{Letterhead, QuoteContent, QuoteSettings, Status},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub id: QuoteId,
    pub number: String,
    pub revision: i64,
    pub status: Status,
    pub account_id: AccountId,
    pub account_name: String,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<DealId>,
    pub deal_title: Option<String>,
    pub request_id: Option<RequestId>,
    pub owner_id: UserId,
    pub owner_name: String,
    pub quote_date: jiff::civil::Date,
    pub content: QuoteContent,
    pub net_minor: i64,
    pub gross_minor: i64,
    /// The effective discount (line and overall combined) the guardrail compares.
    pub discount_bp: i64,
    pub approval_request_id: Option<RequestId>,
    /// The discount an approver granted, if one did.
    pub approved_bp: Option<i64>,
    pub sent_at: Option<Instant>,
    pub closed_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    number: String,
    revision: i64,
    status: String,
    account_id: Uuid,
    account_name: Option<String>,
    contact_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    deal_title: Option<String>,
    request_id: Option<Uuid>,
    owner_id: Uuid,
    owner_name: Option<String>,
    quote_date: String,
    content: String,
    net_minor: i64,
    gross_minor: i64,
    discount_bp: i64,
    approval_request_id: Option<Uuid>,
    approved_bp: Option<i64>,
    sent_at: Option<i64>,
    closed_at: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

fn date(s: &str) -> StoreResult<jiff::civil::Date> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("date {s}")))
}

impl TryFrom<Row> for Quote {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Quote> {
        Ok(Quote {
            id: QuoteId(r.id),
            number: r.number,
            revision: r.revision,
            status: Status::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("quote status {}", r.status)))?,
            account_id: AccountId(r.account_id),
            account_name: r.account_name.unwrap_or_default(),
            contact_id: r.contact_id.map(ContactId),
            deal_id: r.deal_id.map(DealId),
            deal_title: r.deal_title,
            request_id: r.request_id.map(RequestId),
            owner_id: UserId(r.owner_id),
            owner_name: r.owner_name.unwrap_or_default(),
            quote_date: date(&r.quote_date)?,
            content: serde_json::from_str(&r.content)
                .map_err(|e| StoreError::Corrupt(format!("quote content: {e}")))?,
            net_minor: r.net_minor,
            gross_minor: r.gross_minor,
            discount_bp: r.discount_bp,
            approval_request_id: r.approval_request_id.map(RequestId),
            approved_bp: r.approved_bp,
            sent_at: r.sent_at.map(Instant),
            closed_at: r.closed_at.map(Instant),
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        })
    }
}

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in [
        "id",
        "number",
        "revision",
        "status",
        "account_id",
        "contact_id",
        "deal_id",
        "request_id",
        "owner_id",
        "quote_date",
        "content",
        "net_minor",
        "gross_minor",
        "discount_bp",
        "approval_request_id",
        "approved_bp",
        "sent_at",
        "closed_at",
        "version",
        "created_at",
        "updated_at",
    ] {
        q.column(("quotes", col));
    }
    q.expr_as(Expr::col(("accounts", "name")), "account_name")
        .expr_as(Expr::col(("deals", "title")), "deal_title")
        .expr_as(Expr::col(("users", "name")), "owner_name")
        .from("quotes")
        .left_join(
            "accounts",
            Expr::col(("accounts", "workspace_id"))
                .equals(("quotes", "workspace_id"))
                .and(Expr::col(("accounts", "id")).equals(("quotes", "account_id"))),
        )
        .left_join(
            "deals",
            Expr::col(("deals", "workspace_id"))
                .equals(("quotes", "workspace_id"))
                .and(Expr::col(("deals", "id")).equals(("quotes", "deal_id"))),
        )
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("quotes", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("quotes", "owner_id"))),
        )
        .and_where(Expr::col(("quotes", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("quotes", "deleted_at")).is_null());
    q
}

/// A new quote: number and everything the first revision holds.
pub struct NewQuote<'a> {
    pub id: QuoteId,
    pub number: &'a str,
    pub account_id: AccountId,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<DealId>,
    pub request_id: Option<RequestId>,
    pub owner_id: UserId,
    pub quote_date: jiff::civil::Date,
    pub content: &'a QuoteContent,
}

fn content_values(content: &QuoteContent) -> Vec<(&'static str, sea_query::Value)> {
    let totals = content.totals();
    vec![
        ("valid_until", content.valid_until.to_string().into()),
        (
            "content",
            serde_json::to_string(content)
                .expect("quote content serializes")
                .into(),
        ),
        ("currency", content.currency.clone().into()),
        ("net_minor", totals.net.into()),
        ("gross_minor", totals.gross.into()),
        ("discount_bp", content.effective_discount_bp().into()),
    ]
}

pub async fn insert(c: &mut Conn<'_>, ws: WorkspaceId, q: &NewQuote<'_>) -> StoreResult<()> {
    let mut values = vec![
        ("number", q.number.into()),
        ("revision", 1i64.into()),
        ("status", Status::Draft.as_str().into()),
        ("account_id", q.account_id.0.into()),
        ("contact_id", q.contact_id.map(|x| x.0).into()),
        ("deal_id", q.deal_id.map(|x| x.0).into()),
        ("request_id", q.request_id.map(|x| x.0).into()),
        ("owner_id", q.owner_id.0.into()),
        ("quote_date", q.quote_date.to_string().into()),
    ];
    values.extend(content_values(q.content));
    list::insert_record(c, "quotes", ws, q.id.0, values, Some(q.owner_id))
        .await
        .map_err(|e| e.duplicate_as("number"))
}

/// A change of a quote; `None` leaves a column as it is.
#[derive(Default)]
pub struct Change<'a> {
    pub status: Option<Status>,
    pub revision: Option<i64>,
    pub contact_id: Option<Option<ContactId>>,
    pub deal_id: Option<Option<DealId>>,
    pub quote_date: Option<jiff::civil::Date>,
    pub content: Option<&'a QuoteContent>,
    pub approval_request_id: Option<Option<RequestId>>,
    pub approved_bp: Option<Option<i64>>,
    pub sent_at: Option<Option<Instant>>,
    pub closed_at: Option<Option<Instant>>,
}

/// Writes the change if the quote still has `version` (else `Conflict`).
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: QuoteId,
    version: i64,
    ch: &Change<'_>,
) -> StoreResult<()> {
    let mut values: Vec<(&'static str, sea_query::Value)> = vec![];
    if let Some(s) = ch.status {
        values.push(("status", s.as_str().into()));
    }
    if let Some(r) = ch.revision {
        values.push(("revision", r.into()));
    }
    if let Some(v) = ch.contact_id {
        values.push(("contact_id", v.map(|x| x.0).into()));
    }
    if let Some(v) = ch.deal_id {
        values.push(("deal_id", v.map(|x| x.0).into()));
    }
    if let Some(d) = ch.quote_date {
        values.push(("quote_date", d.to_string().into()));
    }
    if let Some(content) = ch.content {
        values.extend(content_values(content));
    }
    if let Some(v) = ch.approval_request_id {
        values.push(("approval_request_id", v.map(|x| x.0).into()));
    }
    if let Some(v) = ch.approved_bp {
        values.push(("approved_bp", v.into()));
    }
    if let Some(v) = ch.sent_at {
        values.push(("sent_at", v.map(|x| x.0).into()));
    }
    if let Some(v) = ch.closed_at {
        values.push(("closed_at", v.map(|x| x.0).into()));
    }
    list::update_record(c, "quotes", ws, id.0, version, values).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: QuoteId) -> StoreResult<Quote> {
    let mut q = select(ws);
    q.and_where(Expr::col(("quotes", "id")).eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Every word in number, customer or deal.
    pub q: Option<String>,
    pub statuses: Vec<Status>,
    pub account_id: Option<AccountId>,
    pub deal_id: Option<DealId>,
    pub request_id: Option<RequestId>,
    /// The quote whose discount approval this request is.
    pub approval_request_id: Option<RequestId>,
    pub owner_id: Option<UserId>,
    pub seen: Seen,
}

/// Quotes, the most recently changed first.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    cursor: Option<&Cursor>,
    limit: u64,
) -> StoreResult<list::Page<Quote>> {
    let mut q = select(ws);
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", list::like_escaped(&tandem_domain::text::fold(text)));
        let like = || sea_query::LikeExpr::new(pattern.clone()).escape('\\');
        q.cond_where(
            sea_query::Cond::any()
                .add(
                    Expr::expr(sea_query::Func::lower(Expr::col(("quotes", "number"))))
                        .like(like()),
                )
                .add(Expr::col(("accounts", "search_text")).like(like()))
                .add(Expr::col(("deals", "search_text")).like(like())),
        );
    }
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("quotes", "status")).is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("quotes", "account_id")).eq(a.0));
    }
    if let Some(d) = f.deal_id {
        q.and_where(Expr::col(("quotes", "deal_id")).eq(d.0));
    }
    if let Some(r) = f.request_id {
        q.and_where(Expr::col(("quotes", "request_id")).eq(r.0));
    }
    if let Some(r) = f.approval_request_id {
        q.and_where(Expr::col(("quotes", "approval_request_id")).eq(r.0));
    }
    if let Some(o) = f.owner_id {
        q.and_where(Expr::col(("quotes", "owner_id")).eq(o.0));
    }
    f.seen.restrict_by_account(&mut q, "quotes", ws);
    list::keyset_on(&mut q, "quotes", "updated_at", true, cursor, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let mut items = vec![];
    for r in rows {
        let (key, id) = (CursorKey::Int(r.updated_at), r.id);
        items.push((Quote::try_from(r)?, key, id));
    }
    Ok(list::page(items.into_iter(), "updated_at", limit))
}

/// Sent quotes whose validity ended before `today`.
pub async fn expired(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    today: jiff::civil::Date,
) -> StoreResult<Vec<Quote>> {
    let mut q = select(ws);
    q.and_where(Expr::col(("quotes", "status")).eq(Status::Sent.as_str()))
        .and_where(Expr::col(("quotes", "valid_until")).lt(today.to_string()))
        .limit(500);
    let rows: Vec<Row> = c.all(&q).await?;
    rows.into_iter().map(Quote::try_from).collect()
}

// ----- revisions -----

/// A revision as it was sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub revision: i64,
    pub quote_date: jiff::civil::Date,
    pub content: QuoteContent,
    pub sent_at: Instant,
    pub sent_by: Option<UserId>,
}

pub async fn add_revision(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
    r: &Revision,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("quote_revisions")
        .columns([
            "workspace_id",
            "quote_id",
            "revision",
            "quote_date",
            "content",
            "sent_at",
            "sent_by",
        ])
        .values_panic([
            ws.0.into(),
            quote.0.into(),
            r.revision.into(),
            r.quote_date.to_string().into(),
            serde_json::to_string(&r.content)
                .expect("quote content serializes")
                .into(),
            r.sent_at.0.into(),
            r.sent_by.map(|u| u.0).into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// The sent revisions of a quote, oldest first.
pub async fn revisions(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
) -> StoreResult<Vec<Revision>> {
    #[derive(sqlx::FromRow)]
    struct RevRow {
        revision: i64,
        quote_date: String,
        content: String,
        sent_at: i64,
        sent_by: Option<Uuid>,
    }
    let q = Query::select()
        .columns(["revision", "quote_date", "content", "sent_at", "sent_by"])
        .from("quote_revisions")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("quote_id").eq(quote.0))
        .order_by("revision", Order::Asc)
        .to_owned();
    let rows: Vec<RevRow> = c.all(&q).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Revision {
                revision: r.revision,
                quote_date: date(&r.quote_date)?,
                content: serde_json::from_str(&r.content)
                    .map_err(|e| StoreError::Corrupt(format!("revision content: {e}")))?,
                sent_at: Instant(r.sent_at),
                sent_by: r.sent_by.map(UserId),
            })
        })
        .collect()
}

// ----- timeline -----

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub revision: i64,
    pub data: serde_json::Value,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    quote: QuoteId,
    at: Instant,
    actor: Option<UserId>,
    kind: &str,
    revision: i64,
    data: &serde_json::Value,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("quote_events")
        .columns([
            "workspace_id",
            "id",
            "quote_id",
            "at",
            "actor_id",
            "kind",
            "revision",
            "data",
        ])
        .values_panic([
            ws.0.into(),
            Uuid::now_v7().into(),
            quote.0.into(),
            at.0.into(),
            actor.map(|a| a.0).into(),
            kind.into(),
            revision.into(),
            data.to_string().into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// A quote's timeline, oldest first.
pub async fn events(c: &mut Conn<'_>, ws: WorkspaceId, quote: QuoteId) -> StoreResult<Vec<Event>> {
    #[derive(sqlx::FromRow)]
    struct EventRow {
        at: i64,
        actor_id: Option<Uuid>,
        actor_name: Option<String>,
        kind: String,
        revision: i64,
        data: String,
    }
    let q = Query::select()
        .columns([
            ("quote_events", "at"),
            ("quote_events", "actor_id"),
            ("quote_events", "kind"),
            ("quote_events", "revision"),
            ("quote_events", "data"),
        ])
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from("quote_events")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("quote_events", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("quote_events", "actor_id"))),
        )
        .and_where(Expr::col(("quote_events", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("quote_events", "quote_id")).eq(quote.0))
        .order_by(("quote_events", "at"), Order::Asc)
        .order_by(("quote_events", "id"), Order::Asc)
        .to_owned();
    let rows: Vec<EventRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            at: Instant(r.at),
            actor_id: r.actor_id.map(UserId),
            actor_name: r.actor_name,
            kind: r.kind,
            revision: r.revision,
            data: serde_json::from_str(&r.data).unwrap_or_default(),
        })
        .collect())
}

// ----- orders -----

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
struct OrderRow {
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

fn select_orders(ws: WorkspaceId) -> SelectStatement {
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

// ----- settings, letterhead, logo -----

#[derive(sqlx::FromRow)]
struct SettingsRow {
    quote_settings: Option<String>,
    letterhead: Option<String>,
}

async fn settings_row(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<SettingsRow> {
    c.optional::<SettingsRow>(
        &Query::select()
            .columns(["quote_settings", "letterhead"])
            .from("workspaces")
            .and_where(Expr::col("id").eq(ws.0))
            .to_owned(),
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// The stored quote settings, `None` until an admin saves them.
pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<QuoteSettings>> {
    Ok(settings_row(c, ws)
        .await?
        .quote_settings
        .and_then(|s| serde_json::from_str(&s).ok()))
}

pub async fn set_settings(c: &mut Conn<'_>, ws: WorkspaceId, s: &QuoteSettings) -> StoreResult<()> {
    crate::workspaces::set_json(c, ws, "quote_settings", serde_json::to_string(s)).await
}

/// The stored letterhead, `None` until an admin saves one.
pub async fn letterhead(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<Letterhead>> {
    Ok(settings_row(c, ws)
        .await?
        .letterhead
        .and_then(|s| serde_json::from_str(&s).ok()))
}

pub async fn set_letterhead(c: &mut Conn<'_>, ws: WorkspaceId, l: &Letterhead) -> StoreResult<()> {
    crate::workspaces::set_json(c, ws, "letterhead", serde_json::to_string(l)).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Logo {
    pub content_type: String,
    pub data: Vec<u8>,
    pub updated_at: i64,
}

pub async fn logo(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<Logo>> {
    c.optional::<Logo>(
        &Query::select()
            .columns(["content_type", "data", "updated_at"])
            .from("workspace_logos")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned(),
    )
    .await
}

pub async fn set_logo(c: &mut Conn<'_>, ws: WorkspaceId, logo: Option<&Logo>) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("workspace_logos")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned(),
    )
    .await?;
    if let Some(l) = logo {
        c.exec(
            &Query::insert()
                .into_table("workspace_logos")
                .columns(["workspace_id", "content_type", "data", "updated_at"])
                .values_panic([
                    ws.0.into(),
                    l.content_type.clone().into(),
                    l.data.clone().into(),
                    l.updated_at.into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
