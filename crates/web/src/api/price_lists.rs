//! `/api/v1/price-lists`

use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};
use tandem_app::price_lists as svc;
use tandem_domain::{Invalid, PriceListId, ProductId, product::PriceListInput};
use tandem_store::price_lists::PriceList;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A price list: the prices for the accounts of one customer group (an account tag).
#[derive(Serialize, ToSchema)]
pub struct PriceListOut {
    pub id: uuid::Uuid,
    pub name: String,
    /// The account tag whose accounts get these prices.
    pub customer_group: String,
    pub version: i64,
}

impl From<PriceList> for PriceListOut {
    fn from(p: PriceList) -> Self {
        PriceListOut {
            id: p.id.0,
            name: p.data.name,
            customer_group: p.data.customer_group,
            version: p.version,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PriceOut {
    pub product_id: uuid::Uuid,
    /// Net per unit in minor units of the product's currency; `null` removes it (the
    /// list price applies).
    pub price: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PriceListDetail {
    #[serde(flatten)]
    pub list: PriceListOut,
    pub prices: Vec<PriceOut>,
}

#[derive(Serialize, ToSchema)]
pub struct PriceLists {
    pub items: Vec<PriceListOut>,
}

/// The price lists by name.
#[utoipa::path(get, path = "/price-lists", tag = "products",
    responses((status = 200, body = PriceLists)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<PriceLists>> {
    Ok(Json(PriceLists {
        items: svc::list(&state.store, &auth)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

/// Add a price list (admins, managers).
#[utoipa::path(post, path = "/price-lists", tag = "products", request_body = tandem_domain::product::PriceListInput,
    responses((status = 201, body = PriceListOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<PriceListInput>,
) -> AppResult<Response> {
    let p = svc::create(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/price-lists/{}", p.id.0),
        PriceListOut::from(p),
    ))
}

/// A price list with its prices.
#[utoipa::path(get, path = "/price-lists/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PriceListDetail), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
) -> AppResult<Json<PriceListDetail>> {
    let (list, prices) = svc::get(&state.store, &auth, id).await?;
    Ok(Json(PriceListDetail {
        list: list.into(),
        prices: prices
            .into_iter()
            .map(|(p, price)| PriceOut {
                product_id: p.0,
                price: Some(price),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListPatch {
    version: i64,
    name: Option<String>,
    customer_group: Option<String>,
}

/// Rename a price list or change its group; `version` is required.
#[utoipa::path(patch, path = "/price-lists/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    request_body = PriceListPatch,
    responses((status = 200, body = PriceListOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
    ApiJson(p): ApiJson<PriceListPatch>,
) -> AppResult<Json<PriceListOut>> {
    let (current, _) = svc::get(&state.store, &auth, id).await?;
    let input = PriceListInput {
        name: p.name.unwrap_or(current.data.name),
        customer_group: p.customer_group.unwrap_or(current.data.customer_group),
    };
    Ok(Json(
        svc::update(&state.store, &auth, id, p.version, &input)
            .await?
            .into(),
    ))
}

/// Remove a price list (its accounts get list prices again).
#[utoipa::path(delete, path = "/price-lists/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PricesWrite {
    prices: Vec<PriceOut>,
}

/// Set group prices (all or none; `price: null` removes one).
#[utoipa::path(put, path = "/price-lists/{id}/prices", tag = "products",
    params(("id" = uuid::Uuid, Path)), request_body = PricesWrite,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn set_prices(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
    ApiJson(body): ApiJson<PricesWrite>,
) -> AppResult<StatusCode> {
    if body.prices.len() > 5_000 {
        return Err(Invalid::one("prices", "too_many").into());
    }
    let prices: Vec<(ProductId, Option<i64>)> = body
        .prices
        .iter()
        .map(|p| (ProductId(p.product_id), p.price))
        .collect();
    svc::set_prices(&state.store, &auth, id, &prices).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, patch, delete))
        .routes(routes!(set_prices))
}
