//! Setup, sign-in, sign-out and the language of signed-out pages.

use super::{Form, FormErrors, render, render_with, see_other, with_cookies};
use crate::{
    AppState,
    auth::{
        MaybeUser, csrf_cookie_name, lang_cookie, request_locale, session_cookie,
        session_cookie_name, set_cookie,
    },
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use std::net::SocketAddr;
use tandem_app::auth::{self as svc, LoginError, SetupInput};
use tandem_domain::{Invalid, Locale, auth::new_secret};

/// Signed-out pages need a CSRF token too: a cookie, echoed by the form (double submit).
fn anon_csrf(state: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    let name = csrf_cookie_name(state.config.secure_cookies);
    match crate::auth::cookie(headers, name) {
        Some(v) => (v.to_string(), None),
        None => {
            let token = new_secret("");
            let c = set_cookie(name, &token, 86_400, true, state.config.secure_cookies);
            (token, Some(c))
        }
    }
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
    notice: Option<String>,
}

/// Only a path of this site: never redirect to another site after sign-in. Browsers
/// drop tabs and line breaks from a `Location` and read `\\` as `/`, so `/\t/evil` or
/// `/\\evil` would become `//evil`, another host: any whitespace, control character or
/// backslash sends the user home instead. Letters beyond ASCII are percent-encoded.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_string();
    };
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    if !local {
        return "/".to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// "My day" for a signed-in user; otherwise the setup or sign-in page.
pub async fn home(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    params: Query<super::home::Params>,
) -> AppResult<Response> {
    if let Some(auth) = user {
        return super::home::my_day(State(state), crate::auth::CurrentUser(auth), params).await;
    }
    if svc::needs_setup(&state.store).await? {
        return Ok(see_other("/setup"));
    }
    Ok(see_other("/login"))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    here: &'static str,
    csrf: String,
    email: String,
    next: String,
    message: String,
    notice: String,
}

pub async fn login_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(q): Query<NextParam>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(see_other(&safe_next(q.next.as_deref())));
    }
    if svc::needs_setup(&state.store).await? {
        return Ok(see_other("/setup"));
    }
    let tr = Tr::new(request_locale(None, &headers));
    let (csrf, cookie) = anon_csrf(&state, &headers);
    let notice = match q.notice.as_deref() {
        Some("signed-out") => tr.t("notice-signed-out"),
        _ => String::new(),
    };
    let page = LoginPage {
        tr,
        here: "/login",
        csrf,
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        message: String::new(),
        notice,
    };
    Ok(with_cookies(
        render(page),
        &cookie.into_iter().collect::<Vec<_>>(),
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let tr = Tr::new(request_locale(None, &headers));
    let (csrf, _) = anon_csrf(&state, &headers);
    let failed = |status: StatusCode, message: String| {
        render_with(
            status,
            LoginPage {
                tr,
                here: "/login",
                csrf: csrf.clone(),
                email: form.email.clone(),
                next: safe_next(form.next.as_deref()),
                message,
                notice: String::new(),
            },
        )
    };
    let client = state.config.client_key(addr.ip(), &headers);
    let attempt = svc::Client {
        key: &client,
        attempts_per_minute: state.config.login_attempts_per_minute,
        session_idle_ms: state.config.session_idle_ms,
        now: state.store.now(),
    };
    match svc::login(&state.store, attempt, &form.email, &form.password).await {
        Ok(session) => {
            let secure = state.config.secure_cookies;
            let cookie = session_cookie(&session.secret, secure);
            let lang = lang_cookie(session.auth.user.locale, secure);
            Ok(with_cookies(
                see_other(&safe_next(form.next.as_deref())),
                &[cookie, lang],
            ))
        }
        Err(LoginError::InvalidCredentials) => {
            Ok(failed(StatusCode::UNAUTHORIZED, tr.t("login-invalid")))
        }
        Err(LoginError::RateLimited) => {
            let mut r = failed(StatusCode::TOO_MANY_REQUESTS, tr.t("login-rate-limited"));
            r.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
            Ok(r)
        }
        Err(LoginError::Other(e)) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> AppResult<Response> {
    if let Some(auth) = user {
        svc::logout(&state.store, &auth).await?;
    }
    let secure = state.config.secure_cookies;
    let clear = set_cookie(session_cookie_name(secure), "", 0, true, secure);
    Ok(with_cookies(
        see_other("/login?notice=signed-out"),
        &[clear],
    ))
}

pub async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextParam>,
) -> Response {
    let locale = Locale::parse(&code).unwrap_or_default();
    let c = lang_cookie(locale, state.config.secure_cookies);
    with_cookies(see_other(&safe_next(q.next.as_deref())), &[c])
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    tr: Tr,
    here: &'static str,
    csrf: String,
    form: SetupForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    code: String,
    workspace_name: String,
    name: String,
    email: String,
    password: String,
}

pub async fn setup_page(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if !svc::needs_setup(&state.store).await? {
        return Ok(see_other("/login"));
    }
    let (csrf, cookie) = anon_csrf(&state, &headers);
    let page = SetupPage {
        here: "/setup",
        tr: Tr::new(request_locale(None, &headers)),
        csrf,
        form: SetupForm::default(),
        errors: FormErrors::default(),
    };
    Ok(with_cookies(
        render(page),
        &cookie.into_iter().collect::<Vec<_>>(),
    ))
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    let locale = request_locale(None, &headers);
    let result = svc::setup(
        &state.store,
        &state.setup_code,
        SetupInput {
            code: form.code.clone(),
            workspace_name: form.workspace_name.clone(),
            name: form.name.clone(),
            email: form.email.clone(),
            password: form.password.clone(),
            locale,
        },
    )
    .await;
    match result {
        Ok((ws, user)) => {
            // Sign the new admin in straight away.
            let session = svc::new_session(
                &state.store,
                ws,
                user,
                state.config.session_idle_ms,
                state.store.now(),
            )
            .await?;
            let secure = state.config.secure_cookies;
            let cookie = session_cookie(&session.secret, secure);
            Ok(with_cookies(see_other("/accounts"), &[cookie]))
        }
        Err(AppError::Invalid(invalid)) => Ok(setup_form_again(&state, &headers, form, &invalid)),
        Err(AppError::Forbidden) => Ok(see_other("/login")),
        Err(e) => Err(e.into()),
    }
}

fn setup_form_again(
    state: &AppState,
    headers: &HeaderMap,
    mut form: SetupForm,
    invalid: &Invalid,
) -> Response {
    let tr = Tr::new(request_locale(None, headers));
    form.password.clear();
    let (csrf, _) = anon_csrf(state, headers);
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        SetupPage {
            tr,
            here: "/setup",
            csrf,
            errors: FormErrors::from_invalid(invalid, tr),
            form,
        },
    )
    .into_response()
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(home))
        .route("/setup", get(setup_page).post(setup))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_language))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\0",
            "/\\evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/deals?stage=2")), "/deals?stage=2");
        assert_eq!(
            safe_next(Some("/accounts?q=Müller")),
            "/accounts?q=M%C3%BCller"
        );
        assert_eq!(safe_next(None), "/");
    }
}
