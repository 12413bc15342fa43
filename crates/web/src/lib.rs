//! HTTP: the browser UI (server-rendered pages), the JSON API, live events, health and
//! metrics, and the middleware every request passes (auth, CSRF, headers, request ids).

pub mod api;
pub mod auth;
pub mod client;
pub mod error;
pub mod extract;
mod health;
pub use tandem_app::i18n;
mod layers;
mod sse;
pub mod views;

use axum::{Router, extract::DefaultBodyLimit, middleware::from_fn_with_state, routing::get};
use std::{net::IpAddr, sync::Arc};
use tandem_store::Store;
use tokio_util::sync::CancellationToken;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The body limit of uploads (an import file and its form): the largest file and a
/// little room.
pub const UPLOAD_BODY_LIMIT: usize = tandem_app::imports::MAX_FILE_BYTES + 64 * 1024;

pub struct WebConfig {
    /// Behind TLS: `__Host-` cookies with the Secure flag.
    pub secure_cookies: bool,
    /// Sign-in attempts per client address and minute.
    pub login_attempts_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` names the client (the TLS proxy in front).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A session unused for this long ends (idle timeout).
    pub session_idle_ms: i64,
    /// A session ends this long after sign-in, used or not.
    pub session_max_ms: i64,
    /// The first-run setup code; a random one when none is given (tests give one).
    pub setup_code: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            login_attempts_per_minute: 30,
            trusted_proxies: vec![],
            session_idle_ms: 24 * tandem_domain::time::HOUR_MS,
            session_max_ms: 14 * tandem_domain::time::DAY_MS,
            setup_code: None,
        }
    }
}

impl WebConfig {
    /// The client of a request, as the limiters count it.
    pub fn client_key(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> String {
        client::client_key(peer, headers, &self.trusted_proxies)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// Cancelled on shutdown, so that endless responses (SSE) end.
    pub shutdown: CancellationToken,
    /// This instance's job runner, when it runs one: `/readyz` reports it stopped.
    pub jobs: Option<tandem_store::jobs::RunnerHealth>,
    /// The one-time code that the first-run setup page asks for; printed on the console
    /// at start, so that only who runs the server can claim a new installation.
    pub setup_code: Arc<String>,
}

impl AppState {
    /// The state of a server on `store`; "now" is the store's clock (`store.now()`).
    pub fn new(store: Store, config: WebConfig, shutdown: CancellationToken) -> AppState {
        let setup_code = config
            .setup_code
            .clone()
            .unwrap_or_else(tandem_domain::auth::setup_code);
        AppState {
            store,
            config: Arc::new(config),
            shutdown,
            jobs: None,
            setup_code: Arc::new(setup_code),
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
