//! A quote's timeline and PDF, and the orders with theirs.

use super::*;

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
pub(super) async fn timeline(
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
    pub(super) revision: Option<String>,
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
pub(super) async fn quote_pdf(
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
    pub(super) account_id: Option<String>,
    pub(super) limit: Option<String>,
    pub(super) cursor: Option<String>,
}

/// Orders, the newest first.
#[utoipa::path(get, path = "/orders", tag = "quotes", params(OrderParams),
    responses((status = 200, body = OrderList), (status = 422, body = Problem)))]
pub(super) async fn list_orders(
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
pub(super) async fn get_order(
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
pub(super) async fn order_pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<OrderId>,
) -> AppResult<Response> {
    let (name, bytes) = svc::order_pdf(&state.store, &auth, id).await?;
    Ok(pdf_response(&name, bytes))
}
