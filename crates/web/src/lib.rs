//! HTTP: the browser UI (server-rendered pages), the JSON API, live events, health and
//! metrics, and the middleware every request passes (auth, CSRF, headers, request ids).

pub mod api;
pub mod auth;
pub mod error;
mod health;
pub mod i18n;
mod layers;
pub mod mail;
pub mod services;
mod sse;
pub mod views;

use axum::{Router, extract::DefaultBodyLimit, middleware::from_fn_with_state, routing::get};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::{net::IpAddr, num::NonZeroU32, sync::Arc};
use tandem_store::Store;
use tokio_util::sync::CancellationToken;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub struct WebConfig {
    /// Behind TLS: `__Host-` cookies with the Secure flag.
    pub secure_cookies: bool,
    /// Sign-in attempts per client address and minute.
    pub login_attempts_per_minute: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            login_attempts_per_minute: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Cancelled on shutdown, so that endless responses (SSE) end.
    pub shutdown: CancellationToken,
    /// "Now" for the SLA clocks of requests (tests set it).
    pub clock: tandem_domain::time::Clock,
    /// Web-to-lead submissions per form and client address, and per form in all.
    pub form_limiter: Arc<DefaultKeyedRateLimiter<(String, IpAddr)>>,
    pub form_total_limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl AppState {
    pub fn new(
        store: Store,
        config: WebConfig,
        shutdown: CancellationToken,
        clock: tandem_domain::time::Clock,
    ) -> AppState {
        let per_minute =
            NonZeroU32::new(config.login_attempts_per_minute).unwrap_or(NonZeroU32::MIN);
        AppState {
            store,
            login_limiter: Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(
                per_minute,
            ))),
            config: Arc::new(config),
            shutdown,
            clock,
            form_limiter: Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            ))),
            form_total_limiter: Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(300).unwrap_or(NonZeroU32::MIN),
            ))),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api::router();
    let authenticate = from_fn_with_state(state.clone(), auth::authenticate);
    let api = Router::new()
        .nest("/api/v1", api)
        .route("/events", get(sse::events))
        .layer(authenticate.clone())
        .merge(api::openapi_route(doc));
    let pages = views::router()
        .layer(authenticate)
        .layer(from_fn_with_state(
            state.clone(),
            views::errors::render_errors,
        ));
    // Public web-to-lead forms: no session, no CSRF (other sites post to them).
    let public = Router::new()
        .route(
            "/forms/{key}",
            get(views::lead_settings::public_form).post(views::lead_settings::submit),
        )
        .layer(from_fn_with_state(
            state.clone(),
            views::lead_settings::public_errors,
        ));
    let assets = memory_serve::load!().index_file(None).into_router();
    let app = Router::new()
        .merge(api)
        .merge(pages)
        .merge(public)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .nest_service("/static", assets)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    layers::apply(app)
}
