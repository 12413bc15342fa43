//! The JSON API under `/api/v1`, documented by the OpenAPI document it is built with.

pub mod absences;
pub mod accounts;
pub mod activities;
pub mod calendar;
pub mod campaigns;
pub mod contacts;
pub mod custom_fields;
pub mod deals;
pub mod imports;
pub mod json;
pub mod leads;
pub mod list;
pub mod metrics;
pub mod openapi;
pub mod pipelines;
pub mod price_lists;
pub mod products;
pub mod quotes;
pub mod reports;
pub mod requests;
pub mod search;
pub mod tandems;
pub mod tasks;
pub mod users;

use crate::AppState;
use axum::{Json, Router, routing::get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tandem API",
        description = "The sales team system: every object of the browser UI, as JSON. \
                       Authenticate with `Authorization: Bearer <token>` (`tandem token create`).",
        license(name = "AGPL-3.0-only")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::Problem, crate::error::ProblemField))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API router (to nest at `/api/v1`) and its OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(absences::router())
        .merge(accounts::router())
        .merge(activities::router())
        .merge(calendar::router())
        .merge(campaigns::router())
        .merge(leads::router())
        .merge(metrics::router())
        .merge(reports::router())
        .merge(imports::router())
        .merge(contacts::router())
        .merge(custom_fields::router())
        .merge(deals::router())
        .merge(pipelines::router())
        .merge(search::router())
        .merge(tandems::router())
        .merge(requests::router())
        .merge(products::router())
        .merge(price_lists::router())
        .merge(quotes::router())
        .merge(tasks::router())
        .merge(users::router())
        .split_for_parts()
}

/// `GET /api/openapi.json`
pub fn openapi_route(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let doc = std::sync::Arc::new(openapi::complete(&doc));
    Router::new().route(
        "/api/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json((*doc).clone()) }
        }),
    )
}
