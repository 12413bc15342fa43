//! The signed-in user's own settings: language, password, API tokens.

use super::{Form, FormErrors, Layout, render, render_with, see_other, with_cookies};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser, lang_cookie},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::auth as svc;
use tandem_domain::{Locale, TokenId};

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    tr: Tr,
    layout: Layout,
    email: String,
    role: String,
    team: String,
    locale: &'static str,
    errors: FormErrors,
    tokens: Vec<TokenRow>,
    /// A token just created: shown once.
    new_token: String,
}

async fn page(
    state: &AppState,
    auth: &Auth,
    errors: FormErrors,
    new_token: String,
) -> AppResult<ProfilePage> {
    let tr = Tr::new(auth.user.locale);
    let u = &auth.user;
    let tokens = svc::api_tokens(&state.store, auth).await?;
    Ok(ProfilePage {
        layout: Layout::new(auth, "profile", tr.t("profile-title")),
        email: u.email.clone(),
        role: tr.t(&format!("role-{}", u.role.as_str().replace('_', "-"))),
        team: u.team_name.clone().unwrap_or_default(),
        locale: u.locale.as_str(),
        errors,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id.to_string(),
                name: t.name,
                created: tr.instant(&t.created_at),
                last_used: t.last_used_at.map(|at| tr.instant(&at)).unwrap_or_default(),
            })
            .collect(),
        new_token,
        tr,
    })
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let mut p = page(&state, &auth, FormErrors::default(), String::new()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

#[derive(Deserialize)]
pub struct LocaleForm {
    locale: String,
}

pub async fn update_locale(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<LocaleForm>,
) -> AppResult<Response> {
    let locale = Locale::parse(&f.locale)
        .ok_or_else(|| tandem_domain::Invalid::one("locale", "invalid_choice"))?;
    svc::set_locale(&state.store, &auth, locale).await?;
    let c = lang_cookie(locale, state.config.secure_cookies);
    Ok(with_cookies(
        see_other("/profile?notice=language-changed"),
        &[c],
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    match svc::change_password(
        &state.store,
        &auth,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
    )
    .await
    {
        Ok(()) => Ok(see_other("/profile?notice=password-changed")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &auth, errors, String::new()).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    password: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let u = &auth.user;
    match svc::create_api_token_confirmed(&state.store, &auth, &f.name, &f.password).await {
        Ok(secret) => Ok(render(
            page(&state, &auth, FormErrors::default(), secret).await?,
        )),
        Err(AppError::Invalid(invalid)) => {
            let mut errors = FormErrors::from_invalid(&invalid, Tr::new(u.locale));
            for (field, shown) in [("name", "token_name"), ("password", "token_password")] {
                if let Some(m) = errors.by_field.remove(field) {
                    errors.by_field.insert(shown.into(), m);
                }
            }
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &auth, errors, String::new()).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TokenId>,
) -> AppResult<Response> {
    svc::revoke_api_token(&state.store, &auth, id).await?;
    Ok(see_other("/profile?notice=token-revoked"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/profile", get(show).post(update_locale))
        .route("/profile/password", post(change_password))
        .route("/profile/tokens", post(create_token))
        .route("/profile/tokens/{id}/revoke", post(revoke_token))
}
