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

mod history;
pub use history::*;
mod orders;
pub use orders::*;
mod settings;
pub use settings::*;

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
