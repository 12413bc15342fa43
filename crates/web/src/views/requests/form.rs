//! Asking for something: the new-request form.

use super::*;

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    pub(super) type_id: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) account_id: String,
    #[serde(default)]
    pub(super) deal_id: String,
    #[serde(default)]
    pub(super) back: String,
}

#[derive(Template)]
#[template(path = "requests/form.html")]
pub(super) struct FormPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) types: Options,
    pub(super) description: String,
    pub(super) account_id: String,
    pub(super) deal_id: String,
    /// What the request is about ("Müller GmbH · Neue Linie").
    pub(super) about: String,
    /// Where it will go: "an Klaus (Ihr Tandem)", "in die Team-Queue".
    pub(super) route: String,
    pub(super) back: String,
    pub(super) errors: FormErrors,
}

/// Who gets a new request today, in words.
fn route_text(tr: &Tr, tandem: Option<&tandem_app::my_day::TodaysTandem>) -> String {
    use tandem_domain::handoff::Route;
    match tandem {
        Some(t) => match t.route {
            Route::Partner(_) => tr.t1("request-route-partner", "name", &t.partner),
            Route::Deputy(_) => tr.t1(
                "request-route-deputy",
                "name",
                t.deputy.as_deref().unwrap_or(""),
            ),
            Route::Queue => tr.t("request-route-queue"),
        },
        None => tr.t("request-route-queue"),
    }
}

pub(super) async fn form_page(
    state: &AppState,
    auth: &Auth,
    form: RequestForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let data = svc::new_page(
        &state.store,
        auth,
        form.deal_id.parse().ok(),
        form.account_id.parse().ok(),
    )
    .await?;
    let types = data
        .types
        .into_iter()
        .map(|t| {
            let hours = t.data.sla_minutes as f64 / 60.0;
            let label = format!(
                "{} ({})",
                t.data.name,
                tr.t1("request-sla-hours", "hours", &format_hours(hours))
            );
            let selected = t.id.0.to_string() == form.type_id;
            (t.id.0.to_string(), label, selected)
        })
        .collect();
    let route = route_text(&tr, data.tandem.as_ref());
    let about = data.about;
    Ok(FormPage {
        layout: Layout::new(auth, "requests", tr.t("request-new")),
        types,
        description: form.description,
        account_id: form.account_id,
        deal_id: form.deal_id,
        about: about.join(" · "),
        route,
        back: safe_back(&form.back),
        errors,
        tr,
    })
}

pub(super) fn format_hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{}", h as i64)
    } else {
        format!("{h:.1}").replace('.', ",")
    }
}

/// A local path to return to, or nothing.
pub(super) fn safe_back(back: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") {
        back.to_string()
    } else {
        String::new()
    }
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(form): Query<RequestForm>,
) -> AppResult<Response> {
    Ok(render(
        form_page(&state, &auth, form, FormErrors::default()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let input = RequestInput {
        type_id: form.type_id.parse().ok(),
        description: form.description.clone(),
        account_id: form.account_id.parse().ok(),
        deal_id: form.deal_id.parse().ok(),
    };
    match svc::create(&state.store, &auth, &input, state.store.now()).await {
        Ok(r) => Ok(see_other(&format!("/requests/{}?notice=created", r.id.0))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&state, &auth, form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
