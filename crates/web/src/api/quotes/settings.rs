//! Quote settings, the letterhead and the logo.

use super::*;

#[derive(Serialize, ToSchema)]
pub struct QuoteSettingsOut {
    pub quote_pattern: String,
    pub order_pattern: String,
    pub validity_days: i64,
    pub payment_terms: String,
    pub delivery_terms: String,
    /// Percent per role: the largest discount it may give without approval.
    pub max_discount: std::collections::BTreeMap<String, String>,
}

impl From<QuoteSettings> for QuoteSettingsOut {
    fn from(s: QuoteSettings) -> Self {
        QuoteSettingsOut {
            quote_pattern: s.quote_pattern.as_str().into(),
            order_pattern: s.order_pattern.as_str().into(),
            validity_days: s.validity_days,
            payment_terms: s.payment_terms,
            delivery_terms: s.delivery_terms,
            max_discount: s
                .max_discount_bp
                .into_iter()
                .map(|(k, v)| (k, percent(v)))
                .collect(),
        }
    }
}

/// Numbering, validity, default terms and the discount guardrail per role.
#[utoipa::path(get, path = "/quote-settings", tag = "quotes",
    responses((status = 200, body = QuoteSettingsOut)))]
pub(super) async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<QuoteSettingsOut>> {
    Ok(Json(svc::settings(&state.store, &auth).await?.into()))
}

/// Change the quote settings (admins); fields left out stay.
#[utoipa::path(put, path = "/quote-settings", tag = "quotes", request_body = tandem_domain::quoting::QuoteSettingsInput,
    responses((status = 200, body = QuoteSettingsOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<QuoteSettingsInput>,
) -> AppResult<Json<QuoteSettingsOut>> {
    Ok(Json(
        svc::set_settings(&state.store, &auth, &input).await?.into(),
    ))
}

/// The letterhead of quotes and order confirmations.
#[utoipa::path(get, path = "/letterhead", tag = "quotes",
    responses((status = 200, body = tandem_domain::quoting::Letterhead)))]
pub(super) async fn get_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Letterhead>> {
    Ok(Json(svc::letterhead(&state.store, &auth).await?))
}

/// Replace the letterhead (admins).
#[utoipa::path(put, path = "/letterhead", tag = "quotes", request_body = tandem_domain::quoting::Letterhead,
    responses((status = 200, body = tandem_domain::quoting::Letterhead), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn put_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<Letterhead>,
) -> AppResult<Json<Letterhead>> {
    Ok(Json(svc::set_letterhead(&state.store, &auth, input).await?))
}

/// The letterhead's logo.
#[utoipa::path(get, path = "/letterhead/logo", tag = "quotes",
    responses((status = 200, content_type = "image/*", body = Vec<u8>), (status = 404, body = Problem)))]
pub(super) async fn get_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let logo = svc::logo(&state.store, &auth)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, logo.content_type)], logo.data).into_response())
}

/// Upload the logo (admins): the image file as the body, PNG, JPEG or SVG, up to 2 MB.
#[utoipa::path(put, path = "/letterhead/logo", tag = "quotes",
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn put_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: Bytes,
) -> AppResult<StatusCode> {
    svc::set_logo(&state.store, &auth, Some(body.to_vec())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the logo (admins).
#[utoipa::path(delete, path = "/letterhead/logo", tag = "quotes",
    responses((status = 204), (status = 403, body = Problem)))]
pub(super) async fn delete_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<StatusCode> {
    svc::set_logo(&state.store, &auth, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads may exceed the 2 MB logo limit a little, so that the limit is reported as a
/// field error rather than a bare 413.
pub const LOGO_BODY_LIMIT: usize = 3 * 1024 * 1024;
