//! The workspace's mail relay through the API.

use super::*;

/// The workspace's SMTP relay (the password is never shown).
#[derive(Serialize, ToSchema)]
pub struct MailSettingsOut {
    pub enabled: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// `starttls`, `tls`, `none`
    pub security: Option<String>,
    pub username: Option<String>,
    pub password_set: bool,
    pub from: Option<String>,
    pub allow_plaintext_password: bool,
}

pub(super) fn mail_out(s: Option<tandem_domain::notify::MailSettings>) -> MailSettingsOut {
    MailSettingsOut {
        enabled: s.is_some(),
        password_set: s.as_ref().is_some_and(|s| s.password.is_some()),
        host: s.as_ref().map(|s| s.host.clone()),
        port: s.as_ref().map(|s| s.port),
        security: s.as_ref().map(|s| s.security.as_str().into()),
        username: s.as_ref().and_then(|s| s.username.clone()),
        allow_plaintext_password: s.as_ref().is_some_and(|s| s.allow_plaintext_password),
        from: s.map(|s| s.from),
    }
}

/// The SMTP settings (admins).
#[utoipa::path(get, path = "/mail-settings", tag = "notifications",
    responses((status = 200, body = MailSettingsOut), (status = 403, body = Problem)))]
pub(super) async fn get_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<MailSettingsOut>> {
    Ok(Json(mail_out(
        notify::mail_settings(&state.store, &auth).await?,
    )))
}

/// Replace the SMTP settings (admins).
#[utoipa::path(put, path = "/mail-settings", tag = "notifications", request_body = tandem_domain::notify::MailSettingsInput,
    responses((status = 200, body = MailSettingsOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn put_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<MailSettingsInput>,
) -> AppResult<Json<MailSettingsOut>> {
    Ok(Json(mail_out(
        notify::set_mail_settings(&state.store, &auth, &input).await?,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct TestMailOut {
    pub sent: bool,
    /// The relay's answer when it refused.
    pub error: Option<String>,
}

/// Send a test mail to the caller (admins), now.
#[utoipa::path(post, path = "/mail-settings/test", tag = "notifications",
    responses((status = 200, body = TestMailOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn test_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<TestMailOut>> {
    let result = notify::send_test_mail(&state.store, &auth).await?;
    Ok(Json(TestMailOut {
        sent: result.is_ok(),
        error: result.err(),
    }))
}
