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
    extract::{DefaultBodyLimit, Query, State},
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

mod actions;
mod documents;
mod settings;

pub use actions::*;
pub use documents::*;
pub use settings::*;

// ----- quotes -----

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
#[utoipa::path(post, path = "/quotes", tag = "quotes", request_body = tandem_domain::quoting::QuoteInput,
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
    Id(id): Id<QuoteId>,
) -> AppResult<Json<QuoteDetail>> {
    let today = tandem_domain::format::local_date(state.store.now());
    let d = svc::detail(&state.store, &auth, id, today).await?;
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
    request_body = tandem_domain::quoting::QuoteInput,
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

// ----- routes -----

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
