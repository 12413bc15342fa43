//! Error pages: turns the problem+json bodies of failed page requests into pages in the
//! user's language; sends signed-out visitors to the sign-in page.

use crate::{
    AppState,
    auth::{cookie, request_locale, session_cookie_name},
    i18n::Tr,
};
use askama::Template;
use axum::{
    body::to_bytes,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    here: &'static str,
    status: u16,
    title: String,
    detail: String,
    signed_in: bool,
}

pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let path = req
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.to_string());
    let response = next.run(req).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        let next = url_encode(&path);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let signed_in = cookie(&headers, session_cookie_name(state.config.secure_cookies)).is_some();
    let locale = response
        .extensions()
        .get::<tandem_domain::Locale>()
        .copied()
        .unwrap_or_else(|| request_locale(None, &headers));
    let tr = Tr::new(locale);
    let body = to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let slug = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v["type"]
                .as_str()
                .map(|t| t.trim_start_matches("/problems/").to_string())
        })
        .unwrap_or_else(|| "internal".into());
    let page = ErrorPage {
        tr,
        here: "/",
        status: status.as_u16(),
        title: tr.t(&format!("problem-{slug}")),
        detail: tr.t(&format!("problem-{slug}-detail")),
        signed_in,
    };
    super::render_with(status, page)
}

pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
