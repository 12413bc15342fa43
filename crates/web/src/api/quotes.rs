//! `/api/v1/quotes`, `/api/v1/orders`, `/api/v1/quote-settings`, `/api/v1/letterhead`

use crate::extract::Id;
use crate::{
    AppState,
    api::{deals::MoneyOut, json::ApiJson, list},
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tandem_app::quotes::{self as svc, Acceptance, Allowed};
use tandem_domain::{
    AccountId, DealId, FieldError, Invalid, OrderId, QuoteId, RequestId, UserId,
    money::Money,
    quoting::{Letterhead, QuoteInput, QuoteSettings, QuoteSettingsInput, Status},
};
use tandem_store::quotes::{Event, OrderFilter, OrderRecord, Quote};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// One line of a quote.
#[derive(Serialize, ToSchema)]
pub struct LineOut {
    pub product_id: Option<uuid::Uuid>,
    pub sku: String,
    pub name: String,
    pub description: String,
    /// Decimal text with up to three decimals, e.g. `1.5`.
    pub quantity: String,
    pub unit: String,
    /// Net per unit, minor units of the quote's currency.
    pub unit_price: i64,
    /// Percent, e.g. `12.5`.
    pub discount: String,
    /// `19`, `7` or `0`.
    pub tax_rate: String,
    /// The line's net after its discount, minor units.
    pub net: i64,
}

/// The tax of one rate.
#[derive(Serialize, ToSchema)]
pub struct TaxOut {
    pub tax_rate: String,
    pub net: MoneyOut,
    pub tax: MoneyOut,
}

#[derive(Serialize, ToSchema)]
pub struct TotalsOut {
    /// The lines' nets before the overall discount.
    pub lines_net: MoneyOut,
    pub discount: MoneyOut,
    pub net: MoneyOut,
    pub taxes: Vec<TaxOut>,
    pub tax: MoneyOut,
    pub gross: MoneyOut,
}

/// A quote in its current revision.
#[derive(Serialize, ToSchema)]
pub struct QuoteOut {
    pub id: uuid::Uuid,
    pub number: String,
    pub revision: i64,
    /// `draft`, `awaiting_approval`, `approved`, `sent`, `accepted`, `declined`, `expired`
    pub status: String,
    pub account_id: uuid::Uuid,
    pub account_name: String,
    pub contact_id: Option<uuid::Uuid>,
    pub deal_id: Option<uuid::Uuid>,
    pub request_id: Option<uuid::Uuid>,
    pub owner_id: uuid::Uuid,
    pub owner_name: String,
    /// `de` or `en`.
    pub language: String,
    pub currency: String,
    /// ISO date of this revision.
    pub quote_date: String,
    pub valid_until: String,
    pub intro: String,
    pub closing: String,
    pub payment_terms: String,
    pub delivery_terms: String,
    /// Overall discount in percent.
    pub discount: String,
    /// The largest discount on any line, line and overall combined (percent): what the
    /// guardrail compares.
    pub effective_discount: String,
    /// The discount an approver granted, percent.
    pub approved_discount: Option<String>,
    pub approval_request_id: Option<uuid::Uuid>,
    pub lines: Vec<LineOut>,
    pub totals: TotalsOut,
    pub sent_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn percent(bp: i64) -> String {
    tandem_domain::format::percent_input(bp, tandem_domain::Locale::En)
}

impl From<Quote> for QuoteOut {
    fn from(q: Quote) -> Self {
        let c = &q.content;
        let money = |minor: i64| MoneyOut::from(Money::new(minor, &c.currency));
        let t = c.totals();
        QuoteOut {
            id: q.id.0,
            number: q.number.clone(),
            revision: q.revision,
            status: q.status.as_str().into(),
            account_id: q.account_id.0,
            account_name: q.account_name.clone(),
            contact_id: q.contact_id.map(|x| x.0),
            deal_id: q.deal_id.map(|x| x.0),
            request_id: q.request_id.map(|x| x.0),
            owner_id: q.owner_id.0,
            owner_name: q.owner_name.clone(),
            language: c.language.as_str().into(),
            currency: c.currency.clone(),
            quote_date: q.quote_date.to_string(),
            valid_until: c.valid_until.to_string(),
            intro: c.intro.clone(),
            closing: c.closing.clone(),
            payment_terms: c.payment_terms.clone(),
            delivery_terms: c.delivery_terms.clone(),
            discount: percent(c.discount_bp),
            effective_discount: percent(q.discount_bp),
            approved_discount: q.approved_bp.map(percent),
            approval_request_id: q.approval_request_id.map(|x| x.0),
            lines: c
                .lines
                .iter()
                .map(|l| LineOut {
                    product_id: l.product_id,
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    description: l.description.clone(),
                    quantity: tandem_domain::quoting::quantity_text(
                        l.quantity,
                        tandem_domain::Locale::En,
                    )
                    .replace(',', ""),
                    unit: l.unit.clone(),
                    unit_price: l.unit_price,
                    discount: percent(l.discount_bp),
                    tax_rate: l.tax.as_str().into(),
                    net: l.calc().net(),
                })
                .collect(),
            totals: TotalsOut {
                lines_net: money(t.lines_net),
                discount: money(t.discount),
                net: money(t.net),
                taxes: t
                    .taxes
                    .iter()
                    .map(|x| TaxOut {
                        tax_rate: x.rate.as_str().into(),
                        net: money(x.net),
                        tax: money(x.tax),
                    })
                    .collect(),
                tax: money(t.tax),
                gross: money(t.gross),
            },
            sent_at: q.sent_at.map(|t| t.to_rfc3339()),
            version: q.version,
            created_at: q.created_at.to_rfc3339(),
            updated_at: q.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `LineInput`
pub struct LineWrite {
    /// A catalogue product: what the line leaves out comes from it.
    product_id: Option<uuid::Uuid>,
    sku: Option<String>,
    /// Required unless the product gives it.
    name: Option<String>,
    description: Option<String>,
    /// Up to three decimals (`"1.5"` or `1.5`); default 1.
    quantity: Option<String>,
    unit: Option<String>,
    /// Net per unit in minor units; required unless the product gives it.
    unit_price: Option<i64>,
    /// Percent, up to two decimals.
    discount: Option<String>,
    /// `19`, `7` or `0`.
    tax_rate: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `QuoteInput`
pub struct QuoteWrite {
    /// Required on create (or given by the request).
    account_id: Option<uuid::Uuid>,
    contact_id: Option<uuid::Uuid>,
    deal_id: Option<uuid::Uuid>,
    /// The quote request this quote answers; sending the quote completes it.
    request_id: Option<uuid::Uuid>,
    /// `de` or `en`.
    language: Option<String>,
    currency: Option<String>,
    /// ISO date; default today plus the workspace's validity.
    valid_until: Option<String>,
    intro: Option<String>,
    closing: Option<String>,
    payment_terms: Option<String>,
    delivery_terms: Option<String>,
    /// Overall discount, percent.
    discount: Option<String>,
    /// Replaces all lines.
    lines: Option<Vec<LineWrite>>,
    /// Required on PATCH.
    version: Option<i64>,
    /// On create: make a further quote for a request that has one already (without
    /// it, 409 naming `request_id` with `quote_exists`).
    another: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct QuoteList {
    pub items: Vec<QuoteOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words of the number, customer or deal
    q: Option<String>,
    /// Comma-separated statuses
    status: Option<String>,
    account_id: Option<String>,
    deal_id: Option<String>,
    request_id: Option<String>,
    owner_id: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// Quotes, the most recently changed first.
#[utoipa::path(get, path = "/quotes", tag = "quotes", params(ListParams),
    responses((status = 200, body = QuoteList), (status = 422, body = Problem)))]
async fn list_quotes(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<QuoteList>> {
    let mut errors = vec![];
    let mut statuses = vec![];
    for s in p
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
    {
        match Status::parse(s.trim()) {
            Some(s) => statuses.push(s),
            None => {
                errors.push(FieldError::new("status", "invalid_choice"));
                break;
            }
        }
    }
    let f = tandem_store::quotes::Filter {
        q: p.q,
        statuses,
        account_id: list::id::<AccountId>("account_id", p.account_id.as_deref(), &mut errors),
        deal_id: list::id::<DealId>("deal_id", p.deal_id.as_deref(), &mut errors),
        request_id: list::id::<RequestId>("request_id", p.request_id.as_deref(), &mut errors),
        approval_request_id: None,
        owner_id: list::id::<UserId>("owner_id", p.owner_id.as_deref(), &mut errors),
        seen: Default::default(),
    };
    let limit = list::limit(p.limit.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let page = svc::list(&state.store, &auth, f, p.cursor.as_deref(), limit).await?;
    Ok(Json(QuoteList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Start a quote (a draft with its number).
#[utoipa::path(post, path = "/quotes", tag = "quotes", request_body = QuoteWrite,
    responses((status = 201, body = QuoteOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_quote(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<QuoteInput>,
) -> AppResult<Response> {
    if input.version.is_some() {
        return Err(Invalid::one("version", "not_allowed").into());
    }
    let q = svc::create(&state.store, &auth, &input, state.store.now()).await?;
    Ok(list::created(
        &format!("/api/v1/quotes/{}", q.id),
        QuoteOut::from(q),
    ))
}

fn quote_id(raw: &str) -> AppResult<QuoteId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// A quote with what the caller may do with it now.
#[derive(Serialize, ToSchema)]
pub struct QuoteDetail {
    #[serde(flatten)]
    pub quote: QuoteOut,
    pub allowed: Allowed,
    /// The sent revisions, oldest first (`GET /quotes/{id}/pdf?revision=n` has each).
    pub revisions: Vec<RevisionOut>,
    /// The order, once accepted.
    pub order_id: Option<uuid::Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionOut {
    pub revision: i64,
    pub quote_date: String,
    pub sent_at: String,
    pub gross: MoneyOut,
}

/// One quote.
#[utoipa::path(get, path = "/quotes/{id}", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = QuoteDetail), (status = 404, body = Problem)))]
async fn get_quote(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<QuoteDetail>> {
    let today = tandem_domain::format::local_date(state.store.now());
    let d = svc::detail(&state.store, &auth, quote_id(&id)?, today).await?;
    Ok(Json(QuoteDetail {
        allowed: d.allowed,
        revisions: d
            .revisions
            .iter()
            .map(|r| RevisionOut {
                revision: r.revision,
                quote_date: r.quote_date.to_string(),
                sent_at: r.sent_at.to_rfc3339(),
                gross: Money::new(r.content.totals().gross, &r.content.currency).into(),
            })
            .collect(),
        order_id: d.order.map(|o| o.id.0),
        quote: d.quote.into(),
    }))
}

/// Change a draft or approved quote; `version` is required. A sent quote is frozen:
/// make a new revision first.
#[utoipa::path(patch, path = "/quotes/{id}", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = QuoteWrite,
    responses((status = 200, body = QuoteOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_quote(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(input): ApiJson<QuoteInput>,
) -> AppResult<Json<QuoteOut>> {
    if input.version.is_none() {
        return Err(Invalid::one("version", "required").into());
    }
    let q = svc::update(&state.store, &auth, id, &input, state.store.now()).await?;
    Ok(Json(q.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The version read; a stale one gets 409.
    version: Option<i64>,
    /// A note for the approver (approval requests) or the reason (declines).
    note: Option<String>,
}

/// Ask for approval of a discount above the caller's guardrail: a request with its own
/// deadline goes to the approver (team manager, else sales manager).
#[utoipa::path(post, path = "/quotes/{id}/approval", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn request_approval(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::request_approval(
        &state.store,
        &auth,
        id,
        a.version,
        a.note.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approve` or `reject`
    decision: String,
    /// Required when rejecting.
    comment: Option<String>,
}

/// The approver approves or rejects, with a comment.
#[utoipa::path(post, path = "/quotes/{id}/approval/decision", tag = "quotes",
    params(("id" = uuid::Uuid, Path)), request_body = Decision,
    responses((status = 200, body = QuoteOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(d): ApiJson<Decision>,
) -> AppResult<Json<QuoteOut>> {
    let approve = match d.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(Invalid::one("decision", "invalid_choice").into()),
    };
    let q = svc::decide(
        &state.store,
        &auth,
        id,
        approve,
        d.comment.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}

/// Send the quote (within the guardrail or approved): the revision is frozen and the
/// quote request it answers is completed.
#[utoipa::path(post, path = "/quotes/{id}/send", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
async fn send(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::send(&state.store, &auth, id, a.version, state.store.now()).await?;
    Ok(Json(q.into()))
}

/// Make a new revision of a sent, declined or expired quote (a draft again).
#[utoipa::path(post, path = "/quotes/{id}/revisions", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
async fn revise(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::revise(&state.store, &auth, id, a.version, state.store.now()).await?;
    Ok(Json(q.into()))
}

/// The customer accepted: an order with its own number; the deal is won.
#[utoipa::path(post, path = "/quotes/{id}/accept", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Acceptance,
    responses((status = 201, body = OrderOut, headers(("Location" = String))),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    ApiJson(a): ApiJson<Acceptance>,
) -> AppResult<Response> {
    let o = svc::accept(&state.store, &auth, quote_id(&id)?, &a, state.store.now()).await?;
    Ok(list::created(
        &format!("/api/v1/orders/{}", o.id.0),
        OrderOut::from(o),
    ))
}

/// The customer declined (`note`: the reason).
#[utoipa::path(post, path = "/quotes/{id}/decline", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
async fn decline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::decline(
        &state.store,
        &auth,
        id,
        a.version,
        a.note.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}

/// An entry of the quote's timeline.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub at: String,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_name: Option<String>,
    /// `created`, `edited`, `approval_requested`, `approved`, `rejected`, `sent`,
    /// `revised`, `accepted`, `declined`, `expired`
    pub kind: String,
    pub revision: i64,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<Event> for EventOut {
    fn from(e: Event) -> Self {
        EventOut {
            at: e.at.to_rfc3339(),
            actor_id: e.actor_id.map(|u| u.0),
            actor_name: e.actor_name,
            kind: e.kind,
            revision: e.revision,
            data: e.data,
        }
    }
}

/// The quote's timeline, oldest first.
#[utoipa::path(get, path = "/quotes/{id}/timeline", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<EventOut>), (status = 404, body = Problem)))]
async fn timeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
) -> AppResult<Json<Vec<EventOut>>> {
    let today = tandem_domain::format::local_date(state.store.now());
    let d = svc::detail(&state.store, &auth, id, today).await?;
    Ok(Json(d.events.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PdfParams {
    /// A sent revision; default the current one.
    revision: Option<String>,
}

pub(crate) fn pdf_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The quote as a PDF.
#[utoipa::path(get, path = "/quotes/{id}/pdf", tag = "quotes",
    params(("id" = uuid::Uuid, Path), PdfParams),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn quote_pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Query(p): Query<PdfParams>,
) -> AppResult<Response> {
    let revision = match p.revision.as_deref() {
        None | Some("") => None,
        Some(r) => Some(
            r.parse::<i64>()
                .map_err(|_| Invalid::one("revision", "invalid_number"))?,
        ),
    };
    let (name, bytes) = svc::quote_pdf(&state.store, &auth, id, revision).await?;
    Ok(pdf_response(&name, bytes))
}

// ----- orders -----

/// An order from an accepted quote.
#[derive(Serialize, ToSchema)]
pub struct OrderOut {
    pub id: uuid::Uuid,
    pub number: String,
    pub quote_id: uuid::Uuid,
    pub quote_number: String,
    pub account_id: uuid::Uuid,
    pub account_name: String,
    pub deal_id: Option<uuid::Uuid>,
    pub owner_id: uuid::Uuid,
    pub order_date: String,
    pub delivery_date: String,
    pub net: MoneyOut,
    pub gross: MoneyOut,
    pub customer_reference: String,
    pub created_at: String,
}

impl From<OrderRecord> for OrderOut {
    fn from(o: OrderRecord) -> Self {
        OrderOut {
            id: o.id.0,
            number: o.number,
            quote_id: o.quote_id.0,
            quote_number: o.quote_number,
            account_id: o.account_id.0,
            account_name: o.account_name,
            deal_id: o.deal_id.map(|d| d.0),
            owner_id: o.owner_id.0,
            order_date: o.order_date.to_string(),
            delivery_date: o.delivery_date.to_string(),
            net: Money::new(o.net_minor, &o.currency).into(),
            gross: Money::new(o.gross_minor, &o.currency).into(),
            customer_reference: o.customer_reference,
            created_at: o.created_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<OrderOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderParams {
    account_id: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// Orders, the newest first.
#[utoipa::path(get, path = "/orders", tag = "quotes", params(OrderParams),
    responses((status = 200, body = OrderList), (status = 422, body = Problem)))]
async fn list_orders(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<OrderParams>,
) -> AppResult<Json<OrderList>> {
    let mut errors = vec![];
    let f = OrderFilter {
        account_id: list::id::<AccountId>("account_id", p.account_id.as_deref(), &mut errors),
        seen: Default::default(),
    };
    let limit = list::limit(p.limit.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let page = svc::orders(&state.store, &auth, f, p.cursor.as_deref(), limit).await?;
    Ok(Json(OrderList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// One order.
#[utoipa::path(get, path = "/orders/{id}", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = OrderOut), (status = 404, body = Problem)))]
async fn get_order(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<OrderId>,
) -> AppResult<Json<OrderOut>> {
    Ok(Json(svc::order(&state.store, &auth, id).await?.into()))
}

/// The order confirmation as a PDF.
#[utoipa::path(get, path = "/orders/{id}/pdf", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem)))]
async fn order_pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<OrderId>,
) -> AppResult<Response> {
    let (name, bytes) = svc::order_pdf(&state.store, &auth, id).await?;
    Ok(pdf_response(&name, bytes))
}

// ----- settings -----

#[derive(Serialize, ToSchema)]
pub struct QuoteSettingsOut {
    pub quote_pattern: String,
    pub order_pattern: String,
    pub validity_days: i64,
    pub payment_terms: String,
    pub delivery_terms: String,
    /// Percent per role: the largest discount it may give without approval.
    pub max_discount: std::collections::BTreeMap<String, String>,
}

impl From<QuoteSettings> for QuoteSettingsOut {
    fn from(s: QuoteSettings) -> Self {
        QuoteSettingsOut {
            quote_pattern: s.quote_pattern.as_str().into(),
            order_pattern: s.order_pattern.as_str().into(),
            validity_days: s.validity_days,
            payment_terms: s.payment_terms,
            delivery_terms: s.delivery_terms,
            max_discount: s
                .max_discount_bp
                .into_iter()
                .map(|(k, v)| (k, percent(v)))
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the body; parsing uses `QuoteSettingsInput`
pub struct QuoteSettingsWrite {
    /// e.g. `AN-{YYYY}-{####}`
    quote_pattern: Option<String>,
    order_pattern: Option<String>,
    /// 1–365
    validity_days: Option<String>,
    payment_terms: Option<String>,
    delivery_terms: Option<String>,
    /// Percent per role (`field`, `inside`, `manager`, `admin`, `marketing`, `read_only`).
    max_discount: Option<std::collections::BTreeMap<String, String>>,
}

/// Numbering, validity, default terms and the discount guardrail per role.
#[utoipa::path(get, path = "/quote-settings", tag = "quotes",
    responses((status = 200, body = QuoteSettingsOut)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<QuoteSettingsOut>> {
    Ok(Json(svc::settings(&state.store, &auth).await?.into()))
}

/// Change the quote settings (admins); fields left out stay.
#[utoipa::path(put, path = "/quote-settings", tag = "quotes", request_body = QuoteSettingsWrite,
    responses((status = 200, body = QuoteSettingsOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<QuoteSettingsInput>,
) -> AppResult<Json<QuoteSettingsOut>> {
    Ok(Json(
        svc::set_settings(&state.store, &auth, &input).await?.into(),
    ))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct LetterheadSchema {
    company: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    phone: String,
    email: String,
    website: String,
    /// e.g. `Amtsgericht Münster HRB 12345`
    register: String,
    managing_directors: String,
    vat_id: String,
    bank_name: String,
    iban: String,
    bic: String,
}

/// The letterhead of quotes and order confirmations.
#[utoipa::path(get, path = "/letterhead", tag = "quotes",
    responses((status = 200, body = LetterheadSchema)))]
async fn get_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Letterhead>> {
    Ok(Json(svc::letterhead(&state.store, &auth).await?))
}

/// Replace the letterhead (admins).
#[utoipa::path(put, path = "/letterhead", tag = "quotes", request_body = LetterheadSchema,
    responses((status = 200, body = LetterheadSchema), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn put_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<Letterhead>,
) -> AppResult<Json<Letterhead>> {
    Ok(Json(svc::set_letterhead(&state.store, &auth, input).await?))
}

/// The letterhead's logo.
#[utoipa::path(get, path = "/letterhead/logo", tag = "quotes",
    responses((status = 200, content_type = "image/*", body = Vec<u8>), (status = 404, body = Problem)))]
async fn get_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let logo = svc::logo(&state.store, &auth)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, logo.content_type)], logo.data).into_response())
}

/// Upload the logo (admins): the image file as the body, PNG, JPEG or SVG, up to 2 MB.
#[utoipa::path(put, path = "/letterhead/logo", tag = "quotes",
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: Bytes,
) -> AppResult<StatusCode> {
    svc::set_logo(&state.store, &auth, Some(body.to_vec())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the logo (admins).
#[utoipa::path(delete, path = "/letterhead/logo", tag = "quotes",
    responses((status = 204), (status = 403, body = Problem)))]
async fn delete_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<StatusCode> {
    svc::set_logo(&state.store, &auth, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads may exceed the 2 MB logo limit a little, so that the limit is reported as a
/// field error rather than a bare 413.
pub const LOGO_BODY_LIMIT: usize = 3 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_quotes, create_quote))
        .routes(routes!(get_quote, patch_quote))
        .routes(routes!(request_approval))
        .routes(routes!(decide))
        .routes(routes!(send))
        .routes(routes!(revise))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(timeline))
        .routes(routes!(quote_pdf))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(order_pdf))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(get_letterhead, put_letterhead))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(get_logo, put_logo, delete_logo))
                .layer(DefaultBodyLimit::max(LOGO_BODY_LIMIT)),
        )
}
