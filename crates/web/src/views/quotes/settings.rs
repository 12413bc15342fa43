//! Administration: quote settings, the letterhead and the logo.

use super::*;

#[derive(Template)]
#[template(path = "admin/quotes.html")]
pub(super) struct SettingsPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) quote_pattern: String,
    pub(super) order_pattern: String,
    pub(super) validity_days: String,
    pub(super) payment_terms: String,
    pub(super) delivery_terms: String,
    pub(super) limits: Vec<(String, String, String)>,
    /// The letterhead's fields: name, value, maximum length, label.
    pub(super) lh_fields: Vec<(String, String, usize, String)>,
    pub(super) has_logo: bool,
    pub(super) logo_version: i64,
    pub(super) errors: FormErrors,
}

pub(super) async fn settings_page(
    state: &AppState,
    auth: &Auth,
    errors: FormErrors,
) -> AppResult<SettingsPage> {
    let tr = Tr::new(auth.user.locale);
    let s = svc::settings(&state.store, auth).await?;
    let lh = svc::letterhead(&state.store, auth).await?;
    let logo = svc::logo(&state.store, auth).await?;
    let roles = [Role::Field, Role::Inside, Role::Manager, Role::Admin];
    Ok(SettingsPage {
        layout: Layout::new(auth, "admin", tr.t("quote-settings-title")).within("quotes"),
        quote_pattern: s.quote_pattern.as_str().into(),
        order_pattern: s.order_pattern.as_str().into(),
        validity_days: s.validity_days.to_string(),
        payment_terms: s.payment_terms.clone(),
        delivery_terms: s.delivery_terms.clone(),
        limits: roles
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    tr.t(&format!("role-{}", r.as_str().replace('_', "-"))),
                    format::percent_input(s.limit(*r), tr.locale),
                )
            })
            .collect(),
        lh_fields: letterhead_fields(&tr, lh),
        has_logo: logo.is_some(),
        logo_version: logo.map(|l| l.updated_at).unwrap_or_default(),
        errors,
        tr,
    })
}

/// The letterhead's form fields: name, value, maximum length, label.
pub(super) fn letterhead_fields(
    tr: &Tr,
    lh: quoting::Letterhead,
) -> Vec<(String, String, usize, String)> {
    [
        ("company", lh.company, 200),
        ("street", lh.street, 200),
        ("postcode", lh.postcode, 20),
        ("city", lh.city, 100),
        ("country", lh.country, 100),
        ("phone", lh.phone, 50),
        ("email", lh.email, 200),
        ("website", lh.website, 200),
        ("register", lh.register, 200),
        ("managing_directors", lh.managing_directors, 300),
        ("vat_id", lh.vat_id, 20),
        ("bank_name", lh.bank_name, 100),
        ("iban", lh.iban, 42),
        ("bic", lh.bic, 11),
    ]
    .into_iter()
    .map(|(name, value, max)| {
        let label = tr.t(&format!("letterhead-{}", name.replace('_', "-")));
        (name.to_string(), value, max, label)
    })
    .collect()
}

#[derive(Deserialize, Default)]
pub struct NoticeParams {
    pub(super) notice: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<NoticeParams>,
) -> AppResult<Response> {
    tandem_app::require_admin(&auth)?;
    let mut page = settings_page(&state, &auth, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub(super) async fn settings_refused(
    state: &AppState,
    auth: &Auth,
    e: AppError,
) -> AppResult<Response> {
    match e {
        AppError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                settings_page(state, auth, errors).await?,
            ))
        }
        e => Err(e.into()),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let input = QuoteSettingsInput {
        quote_pattern: get("quote_pattern"),
        order_pattern: get("order_pattern"),
        validity_days: get("validity_days"),
        payment_terms: get("payment_terms"),
        delivery_terms: get("delivery_terms"),
        max_discount: pairs
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("max_discount.")
                    .map(|r| (r.to_string(), v.clone()))
            })
            .collect(),
    };
    match svc::set_settings(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(e) => settings_refused(&state, &auth, e).await,
    }
}

pub async fn save_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let lh: quoting::Letterhead = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    match svc::set_letterhead(&state.store, &auth, lh.clone()).await {
        Ok(_) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let mut page = settings_page(&state, &auth, errors).await?;
            page.lh_fields = letterhead_fields(&page.tr, lh);
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The logo upload (a multipart form with one file field `logo`).
pub async fn upload_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    mut multipart: Multipart,
) -> AppResult<Response> {
    tandem_app::require_admin(&auth)?;
    let mut data = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => {
                data = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|_| AppError::TooLarge)?
                        .to_vec(),
                );
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return settings_refused(
                    &state,
                    &auth,
                    Invalid::one("logo", "file_too_large").into(),
                )
                .await;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text()).into()),
        }
    }
    let result = match data.filter(|d| !d.is_empty()) {
        None => Err(Invalid::one("logo", "required").into()),
        Some(bytes) => svc::set_logo(&state.store, &auth, Some(bytes)).await,
    };
    match result {
        Ok(()) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(e) => settings_refused(&state, &auth, e).await,
    }
}

pub async fn delete_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    svc::set_logo(&state.store, &auth, None).await?;
    Ok(see_other("/admin/quotes?notice=deleted"))
}

pub async fn logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let logo = svc::logo(&state.store, &auth)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, logo.content_type),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'".to_string(),
            ),
        ],
        logo.data,
    )
        .into_response())
}
