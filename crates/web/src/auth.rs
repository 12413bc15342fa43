//! Who is calling: a browser session (cookie + CSRF token) or an API token (Bearer).
//! One middleware resolves the caller once per request and checks CSRF on every unsafe
//! browser request; handlers take `CurrentUser`.

use crate::{
    AppState,
    error::{AppError, HttpError},
};
use axum::{
    body::Body,
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, Method, header, request::Parts},
    middleware::Next,
    response::Response,
};
use tandem_domain::{Locale, auth::constant_time_eq, time::DAY_MS};

/// How long the browser keeps the session cookie; the session itself ends earlier, by
/// the idle timeout and the absolute lifetime of `WebConfig`.
const SESSION_COOKIE_MAX_AGE_S: i64 = 30 * DAY_MS / 1000;
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// The largest upload (an import file with its form), checked again by each route.
const MAX_UPLOAD_BYTES: usize = crate::UPLOAD_BODY_LIMIT;

pub use tandem_app::{Auth, SessionInfo};

/// The signed-in caller; 401 without one.
pub struct CurrentUser(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = HttpError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HttpError> {
        parts
            .extensions
            .get::<Auth>()
            .cloned()
            .map(CurrentUser)
            .ok_or(HttpError(AppError::Unauthenticated))
    }
}

/// The caller if signed in.
pub struct MaybeUser(pub Option<Auth>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<Auth>().cloned()))
    }
}

/// The language of a request: the user's, then the language cookie, then the browser's.
pub fn request_locale(auth: Option<&Auth>, headers: &HeaderMap) -> Locale {
    if let Some(a) = auth {
        return a.user.locale;
    }
    cookie(headers, LANG_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

pub const LANG_COOKIE: &str = "tandem_lang";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-tandem_session"
    } else {
        "tandem_session"
    }
}

pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-tandem_csrf"
    } else {
        "tandem_csrf"
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age_s = 0` deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_s: i64,
    http_only: bool,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_s}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The language cookie (remembers the language for signed-out pages).
pub fn lang_cookie(locale: Locale, secure: bool) -> String {
    set_cookie(LANG_COOKIE, locale.as_str(), 31_536_000, false, secure)
}

/// The session cookie for a new session's secret.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    set_cookie(
        session_cookie_name(secure),
        secret,
        SESSION_COOKIE_MAX_AGE_S,
        true,
        secure,
    )
}

async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Auth>, AppError> {
    let now = state.store.now();
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return tandem_app::auth::caller_by_token(&state.store, token, now)
            .await
            .map(Some);
    }
    let Some(secret) = cookie(headers, session_cookie_name(state.config.secure_cookies)) else {
        return Ok(None);
    };
    let lifetime = tandem_app::auth::SessionLifetime {
        idle_ms: state.config.session_idle_ms,
        max_ms: state.config.session_max_ms,
    };
    tandem_app::auth::caller_by_session(&state.store, secret, now, lifetime).await
}

/// Resolves the caller and enforces CSRF on unsafe browser requests.
/// The response carries the request's locale, for error pages.
/// Pages of a signed-in user are not kept in caches (a shared computer's back button,
/// a proxy); so are the API's answers.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut locale = request_locale(None, req.headers());
    let mut signed_in = false;
    let mut response = match authenticate_inner(&state, req, &mut locale, &mut signed_in).await {
        Ok(req) => next.run(req).await,
        Err(e) => axum::response::IntoResponse::into_response(HttpError(e)),
    };
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    response.extensions_mut().insert(locale);
    response
}

/// Refuses a query string with control characters (a NUL in `?q=` reached PostgreSQL,
/// which answers with an error) with 422 naming the parameter, and a path with them
/// with 404 (no record has such an id).
fn refuse_control_chars(uri: &axum::http::Uri) -> Result<(), AppError> {
    use tandem_domain::text::has_control_chars;
    // `next` is exempt: a redirect target is checked where it is used, and a bad one
    // leads home rather than to an error.
    if let Some(q) = uri.query()
        && let Some((field, _)) = form_urlencoded::parse(q.as_bytes())
            .find(|(k, v)| k != "next" && (has_control_chars(k) || has_control_chars(v)))
    {
        return Err(tandem_domain::Invalid::one(field.into_owned(), "control_characters").into());
    }
    let path = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    if has_control_chars(&path) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn authenticate_inner(
    state: &AppState,
    mut req: Request,
    locale: &mut Locale,
    signed_in: &mut bool,
) -> Result<Request, AppError> {
    refuse_control_chars(req.uri())?;
    let auth = resolve(state, req.headers()).await?;
    *locale = request_locale(auth.as_ref(), req.headers());
    *signed_in = auth.is_some();
    // The API answers every request without valid credentials alike, reads and writes:
    // 401, never a CSRF refusal that would say "signed in, but the form expired".
    let path = req.uri().path();
    if auth.is_none() && (path.starts_with("/api/") || path == "/events") {
        return Err(AppError::Unauthenticated);
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let is_token = auth.as_ref().is_some_and(|a| a.session.is_none());
    if unsafe_method && !is_token {
        let expected = match &auth {
            Some(a) => Some(a.csrf().to_string()),
            None => cookie(req.headers(), csrf_cookie_name(state.config.secure_cookies))
                .map(str::to_string),
        };
        let (provided, rebuilt) = provided_csrf(req).await?;
        req = rebuilt;
        match (expected, provided) {
            (Some(e), Some(p)) if !e.is_empty() && constant_time_eq(&e, &p) => {}
            _ => return Err(AppError::Csrf),
        }
    }
    if let Some(auth) = auth {
        req.extensions_mut().insert(auth);
    }
    Ok(req)
}

/// The CSRF token from the `X-CSRF-Token` header or, for forms, the `_csrf` field.
async fn provided_csrf(req: Request) -> Result<(Option<String>, Request), AppError> {
    if let Some(v) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let v = v.to_string();
        return Ok((Some(v), req));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // File uploads carry the token as a form field of their own (the first one, so it
    // is found before the file), never in the address, where logs and the browser's
    // history would keep it.
    if content_type.starts_with("multipart/form-data") {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|_| AppError::BadRequest("multipart body without a boundary".into()))?;
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let token = multipart_field(bytes.clone(), boundary, "_csrf").await;
        return Ok((token, Request::from_parts(parts, Body::from(bytes))));
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let token = form_urlencoded_field(&bytes, "_csrf");
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The text of the multipart field `name`, looked for among the fields before the
/// first file.
async fn multipart_field(body: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.file_name().is_some() {
            return None;
        }
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}
