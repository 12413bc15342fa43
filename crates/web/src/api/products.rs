//! `/api/v1/products`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::{deals::MoneyOut, json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::products as svc;
use tandem_domain::{Invalid, ProductId, product::ProductInput};
use tandem_store::products::{Filter, Product};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A product of the catalogue.
#[derive(Serialize, ToSchema)]
pub struct ProductOut {
    pub id: uuid::Uuid,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    pub list_price: MoneyOut,
    /// `19`, `7` or `0` (percent VAT).
    pub tax_rate: String,
    pub active: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Product> for ProductOut {
    fn from(p: Product) -> Self {
        ProductOut {
            id: p.id.0,
            sku: p.data.sku,
            name: p.data.name,
            description: p.data.description,
            unit: p.data.unit,
            list_price: p.data.list_price.into(),
            tax_rate: p.data.tax.as_str().into(),
            active: p.data.active,
            version: p.version,
            created_at: p.created_at.to_rfc3339(),
            updated_at: p.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words of the SKU, name or description
    q: Option<String>,
    /// `true` or `false`
    active: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// The catalogue by name.
#[utoipa::path(get, path = "/products", tag = "products", params(ListParams),
    responses((status = 200, body = ProductList), (status = 422, body = Problem)))]
async fn list_products(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<ProductList>> {
    let mut errors = vec![];
    let limit = crate::api::list::limit(p.limit.as_deref(), &mut errors);
    let active = match p.active.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(tandem_domain::FieldError::new("active", "invalid_choice"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let f = Filter { q: p.q, active };
    let page = svc::list(&state.store, &auth, &f, p.cursor.as_deref(), limit).await?;
    Ok(Json(ProductList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Add a product (admins, managers).
#[utoipa::path(post, path = "/products", tag = "products", request_body = tandem_domain::product::ProductInput,
    responses((status = 201, body = ProductOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_product(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<ProductInput>,
) -> AppResult<Response> {
    let p = svc::create(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/products/{}", p.id),
        ProductOut::from(p),
    ))
}

/// One product.
#[utoipa::path(get, path = "/products/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ProductOut), (status = 404, body = Problem)))]
async fn get_product(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ProductId>,
) -> AppResult<Json<ProductOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

patch_body!(ProductPatch, tandem_domain::product::ProductInput);

/// Change a product; `version` is required.
#[utoipa::path(patch, path = "/products/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    request_body = ProductPatch,
    responses((status = 200, body = ProductOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_product(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ProductId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<ProductOut>> {
    let current = svc::get(&state.store, &auth, id).await?;
    let (version, input) = tandem_app::merge_patch(&svc::input_of(&current), patch)?;
    Ok(Json(
        svc::update(&state.store, &auth, id, version, &input)
            .await?
            .into(),
    ))
}

/// Take a product out of the catalogue.
#[utoipa::path(delete, path = "/products/{id}", tag = "products", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_product(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ProductId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import a CSV of products (admins, managers): a header row with `sku`, `name`,
/// `price` and optionally `description`, `unit`, `currency`, `tax_rate`, `active` (German
/// headers such as `Artikelnummer`, `Bezeichnung`, `Preis` work too); `;`, `,` or tab
/// separated, UTF-8 or Windows-1252. Known SKUs are updated, new ones added — every
/// row or none; errors name `rows[n].field` (n = data row, from 1).
#[utoipa::path(post, path = "/products/import", tag = "products",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = svc::ImportReport), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn import_products(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Json<svc::ImportReport>> {
    Ok(Json(svc::import(&state.store, &auth, &body).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_products))
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, patch_product, delete_product))
}
