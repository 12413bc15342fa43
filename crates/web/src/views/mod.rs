//! The browser UI: server-rendered pages that work without JavaScript.

pub mod absences;
pub mod accounts;
pub mod activities;
pub mod admin;
pub mod board;
pub mod calendar;
pub mod campaigns;
pub mod contacts;
pub mod custom;
pub mod deals;
pub mod duplicates;
pub mod errors;
pub mod fields;
mod history;
mod home;
pub mod imports;
pub mod kpis;
pub mod lead_settings;
pub mod leads;
pub mod pipelines;
pub mod price_lists;
pub mod products;
pub mod profile;
pub mod quotes;
pub mod requests;
pub mod saved;
pub mod search;
pub mod session;
pub mod table;
pub mod tandems;
pub mod tasks;

use crate::{AppState, auth::Auth, i18n::Tr};
use axum::{
    Router,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use std::collections::HashMap;
use tandem_domain::{FieldError, Invalid};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(session::home))
        .route("/setup", get(session::setup_page).post(session::setup))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::switch_language))
        .route("/accounts", get(accounts::index).post(accounts::create))
        .route("/accounts/new", get(accounts::new))
        .route("/accounts/export.csv", get(accounts::export))
        .route("/accounts/export.xlsx", get(accounts::export))
        .route("/accounts/bulk", post(accounts::bulk))
        .route("/accounts/trash", get(accounts::trash))
        .route("/accounts/{id}", get(accounts::show).post(accounts::update))
        .route("/accounts/{id}/edit", get(accounts::edit))
        .route(
            "/accounts/{id}/merge",
            get(duplicates::account_merge_page).post(duplicates::merge_accounts),
        )
        .route(
            "/contacts/{id}/merge",
            get(duplicates::contact_merge_page).post(duplicates::merge_contacts),
        )
        .route("/accounts/{id}/delete", post(accounts::delete))
        .route("/accounts/{id}/restore", post(accounts::restore))
        .route("/activities", post(activities::create))
        .route("/activities/new", get(activities::new))
        .route(
            "/activities/{id}",
            get(activities::show).post(activities::update),
        )
        .route("/activities/{id}/edit", get(activities::edit))
        .route("/activities/{id}/delete", post(activities::delete))
        .route("/activities/{id}/restore", post(activities::restore))
        .route("/tasks", get(tasks::index).post(tasks::create))
        .route("/tasks/new", get(tasks::new))
        .route("/tasks/{id}", get(tasks::show).post(tasks::update))
        .route("/tasks/{id}/complete", post(tasks::complete))
        .route("/tasks/{id}/reopen", post(tasks::reopen))
        .route("/tasks/{id}/delete", post(tasks::delete))
        .route("/contacts", get(contacts::index).post(contacts::create))
        .route("/contacts/new", get(contacts::new))
        .route("/contacts/export.csv", get(contacts::export))
        .route("/contacts/export.xlsx", get(contacts::export))
        .route("/contacts/export.vcf", get(contacts::export))
        .route("/contacts/{id}/vcard", get(contacts::vcard))
        .route("/contacts/trash", get(contacts::trash))
        .route("/contacts/{id}", get(contacts::show).post(contacts::update))
        .route("/contacts/{id}/edit", get(contacts::edit))
        .route("/contacts/{id}/verify", post(contacts::verify))
        .route("/contacts/{id}/delete", post(contacts::delete))
        .route("/contacts/{id}/restore", post(contacts::restore))
        .route("/board", get(board::board))
        .route("/deals", get(deals::index).post(deals::create))
        .route("/deals/new", get(deals::new))
        .route("/deals/export.csv", get(deals::export))
        .route("/deals/export.xlsx", get(deals::export))
        .route("/deals/bulk", post(deals::bulk))
        .route("/deals/trash", get(deals::trash))
        .route("/deals/{id}", get(deals::show).post(deals::update))
        .route("/deals/{id}/edit", get(deals::edit))
        .route("/deals/{id}/stage", post(deals::move_stage))
        .route("/deals/{id}/close", post(deals::close))
        .route("/deals/{id}/contacts", post(deals::add_contact))
        .route(
            "/deals/{id}/contacts/{contact}/remove",
            post(deals::remove_contact),
        )
        .route("/deals/{id}/delete", post(deals::delete))
        .route("/deals/{id}/restore", post(deals::restore))
        .route("/views", post(saved::save))
        .route("/views/{id}/delete", post(saved::delete))
        .route("/absences", get(absences::index).post(absences::create))
        .route("/absences/{id}/delete", post(absences::delete))
        .route("/quotes", get(quotes::index).post(quotes::create))
        .route("/quotes/new", get(quotes::new))
        .route("/quotes/{id}", get(quotes::show))
        .route("/quotes/{id}/edit", get(quotes::edit).post(quotes::save))
        .route("/quotes/{id}/approval", post(quotes::request_approval))
        .route("/quotes/{id}/approval/decision", post(quotes::decide))
        .route("/quotes/{id}/send", post(quotes::send))
        .route("/quotes/{id}/revise", post(quotes::revise))
        .route("/quotes/{id}/accept", post(quotes::accept))
        .route("/quotes/{id}/decline", post(quotes::decline))
        .route("/quotes/{id}/pdf", get(quotes::pdf))
        .route("/orders", get(quotes::orders))
        .route("/orders/{id}", get(quotes::order))
        .route("/orders/{id}/pdf", get(quotes::order_pdf))
        .route(
            "/admin/quotes",
            get(quotes::settings).post(quotes::save_settings),
        )
        .route("/admin/letterhead", post(quotes::save_letterhead))
        .route(
            "/admin/letterhead/logo",
            get(quotes::logo).post(quotes::upload_logo).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::quotes::LOGO_BODY_LIMIT),
            ),
        )
        .route("/admin/letterhead/logo/delete", post(quotes::delete_logo))
        .route("/products", get(products::index).post(products::create))
        .route(
            "/price-lists",
            get(price_lists::index).post(price_lists::create),
        )
        .route(
            "/price-lists/{id}",
            get(price_lists::show).post(price_lists::save),
        )
        .route("/price-lists/{id}/delete", post(price_lists::delete))
        .route("/products/import", post(products::import))
        .route("/products/{id}", post(products::update))
        .route("/products/{id}/delete", post(products::delete))
        .route("/requests", get(requests::index).post(requests::create))
        .route("/requests/new", get(requests::new))
        .route("/requests/figures", get(requests::figures))
        .route("/requests/{id}", get(requests::show))
        .route("/requests/{id}/status", post(requests::set_status))
        .route("/requests/{id}/claim", post(requests::claim))
        .route("/requests/{id}/assign", post(requests::assign))
        .route("/requests/{id}/comments", post(requests::comment))
        .route(
            "/requests/{id}/description",
            post(requests::set_description),
        )
        .route("/notifications", get(requests::notifications))
        .route("/notifications/unread", get(requests::unread))
        .route("/notifications/read-all", post(requests::read_all))
        .route(
            "/notifications/{id}/open",
            post(requests::open_notification),
        )
        .route(
            "/profile/notifications",
            get(requests::prefs).post(requests::save_prefs),
        )
        .route(
            "/admin/request-types",
            get(requests::types).post(requests::create_type),
        )
        .route("/admin/request-types/{id}", post(requests::update_type))
        .route(
            "/admin/request-types/{id}/delete",
            post(requests::delete_type),
        )
        .route("/admin/mail", get(requests::mail).post(requests::save_mail))
        .route("/admin/mail/test", post(requests::test_mail))
        .route("/leads", get(leads::index).post(leads::create))
        .route("/leads/export.csv", get(leads::export))
        .route("/leads/export.xlsx", get(leads::export))
        .route(
            "/leads/settings",
            get(lead_settings::show).post(lead_settings::save),
        )
        .route("/leads/forms", post(lead_settings::create_form))
        .route("/leads/forms/{id}", post(lead_settings::toggle_form))
        .route("/leads/forms/{id}/delete", post(lead_settings::delete_form))
        .route("/leads/{id}", get(leads::show).post(leads::update))
        .route("/leads/{id}/answers", post(leads::answers))
        .route("/leads/{id}/handoff", post(leads::handoff))
        .route("/leads/{id}/status", post(leads::set_status))
        .route("/leads/{id}/accept", post(leads::accept))
        .route("/leads/{id}/reject", post(leads::reject))
        .route("/leads/{id}/delete", post(leads::delete))
        .route("/kpis", get(kpis::index))
        .route("/kpis/export.csv", get(kpis::export))
        .route("/kpis/team", get(kpis::team))
        .route("/kpis/mine", get(kpis::mine))
        .route("/kpis/marketing", get(kpis::marketing))
        .route("/kpis/marketing/export.csv", get(kpis::marketing_export))
        .route("/kpis/report", get(kpis::report).post(kpis::save_report))
        .route("/kpis/team/export.csv", get(kpis::team_export))
        .route("/goals", get(kpis::goals).post(kpis::create_goal))
        .route("/goals/{id}/delete", post(kpis::delete_goal))
        .route("/interventions", get(kpis::interventions))
        .route(
            "/interventions/rules",
            get(kpis::rules).post(kpis::create_rule),
        )
        .route("/interventions/rules/{id}/toggle", post(kpis::toggle_rule))
        .route("/interventions/rules/{id}/delete", post(kpis::delete_rule))
        .route(
            "/interventions/{id}",
            get(kpis::case).post(kpis::update_case),
        )
        .route("/interventions/{id}/close", post(kpis::close_case))
        .route("/admin/settings/trust-mode", post(admin::save_trust_mode))
        .route("/campaigns", get(campaigns::index).post(campaigns::create))
        .route(
            "/campaigns/{id}",
            get(campaigns::show).post(campaigns::update),
        )
        .route("/campaigns/{id}/delete", post(campaigns::delete))
        .route(
            "/imports",
            get(imports::index)
                .post(imports::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::UPLOAD_BODY_LIMIT,
                )),
        )
        .route("/imports/{id}", get(imports::show).post(imports::save))
        .route("/imports/{id}/undo", post(imports::undo))
        .route("/search", get(search::search))
        .route("/search/suggest", get(search::suggest))
        .route("/search/accounts", get(search::account_names))
        .route("/profile", get(profile::show).post(profile::update_locale))
        .route("/profile/password", post(profile::change_password))
        .route("/profile/tokens", post(profile::create_token))
        .route("/profile/tokens/{id}/revoke", post(profile::revoke_token))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route(
            "/admin/users/{id}",
            get(admin::edit_user).post(admin::update_user),
        )
        .route("/admin/teams", get(admin::teams).post(admin::create_team))
        .route("/admin/teams/{id}", post(admin::rename_team))
        .route("/admin/teams/{id}/delete", post(admin::delete_team))
        .route(
            "/admin/pipelines",
            get(pipelines::index).post(pipelines::create),
        )
        .route("/admin/pipelines/{id}", post(pipelines::rename))
        .route("/admin/pipelines/{id}/delete", post(pipelines::delete))
        .route("/admin/pipelines/{id}/stages", post(pipelines::add_stage))
        .route("/admin/stages/{id}", post(pipelines::update_stage))
        .route("/admin/stages/{id}/delete", post(pipelines::delete_stage))
        .route("/admin/stages/{id}/up", post(pipelines::stage_up))
        .route("/admin/stages/{id}/down", post(pipelines::stage_down))
        .route(
            "/admin/stages/{id}/position",
            post(pipelines::stage_position),
        )
        .route("/admin/settings/visibility", post(admin::save_visibility))
        .route("/admin/calendar", get(calendar::show).post(calendar::save))
        .route("/admin/tandems", get(tandems::index).post(tandems::create))
        .route("/admin/tandems/{id}", post(tandems::update))
        .route("/admin/tandems/{id}/delete", post(tandems::delete))
        .route("/admin/fields", get(fields::index).post(fields::create))
        .route("/admin/fields/{id}", post(fields::update))
        .route("/admin/fields/{id}/delete", post(fields::delete))
        .route("/admin/jobs", get(admin::jobs))
        .route(
            "/admin/settings",
            get(admin::settings).post(admin::save_settings),
        )
}

/// What every signed-in page shows around its content.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    /// The main navigation entry to highlight.
    pub nav: &'static str,
    /// The entry of a section's own navigation (administration) to highlight.
    pub sub: &'static str,
    pub user_name: String,
    pub user_id: String,
    pub is_admin: bool,
    /// Whether the user may create records (the quick-add menu).
    pub can_write: bool,
    /// Whether the user works the lead inbox (its rules and forms tab).
    pub works_leads: bool,
    /// Managers and admins: the team's figures, rules and interventions.
    pub is_manager: bool,
    /// Marketing, managers and admins: marketing's dashboard.
    pub sees_marketing: bool,
    /// Where the figures entry of the main navigation leads: the role's dashboard.
    pub kpis_home: &'static str,
    pub csrf: String,
    pub notice: String,
}

impl Layout {
    pub fn new(auth: &Auth, nav: &'static str, title: String) -> Layout {
        Layout {
            tr: Tr::new(auth.user.locale),
            title,
            nav,
            sub: "",
            user_name: auth.user.name.clone(),
            user_id: auth.user.id.to_string(),
            is_admin: auth.user.role.can_administer(),
            can_write: auth.user.role.can_write_records(),
            works_leads: tandem_app::leads::may_manage(auth),
            is_manager: tandem_app::metrics::is_manager(auth),
            sees_marketing: tandem_app::dashboards::may_see_marketing(auth),
            kpis_home: match auth.user.role {
                tandem_domain::Role::Admin | tandem_domain::Role::Manager => "/kpis/team",
                tandem_domain::Role::Marketing => "/kpis/marketing",
                _ => "/kpis/mine",
            },
            csrf: auth.csrf().to_string(),
            notice: String::new(),
        }
    }

    /// Shows the message of a `?notice=` key, if it is one of ours.
    pub fn with_notice(mut self, key: Option<&str>) -> Layout {
        const KNOWN: [&str; 29] = [
            "case-closed",
            "report-published",
            "report-withdrawn",
            "import-undone",
            "handed-over",
            "lead-rejected",
            "approval-requested",
            "approved",
            "rejected",
            "sent",
            "revised",
            "claimed",
            "commented",
            "view-saved",
            "view-deleted",
            "bulk-done",
            "created",
            "saved",
            "deleted",
            "restored",
            "password-changed",
            "language-changed",
            "token-revoked",
            "signed-out",
            "verified",
            "logged",
            "done",
            "moved",
            "merged",
        ];
        if let Some(k) = key.filter(|k| KNOWN.contains(k)) {
            self.notice = self.tr.t(&format!("notice-{k}"));
        }
        self
    }

    pub fn active(&self, nav: &str) -> &'static str {
        if self.nav == nav { "page" } else { "false" }
    }

    pub fn within(mut self, sub: &'static str) -> Layout {
        self.sub = sub;
        self
    }

    pub fn sub_active(&self, sub: &str) -> &'static str {
        if self.sub == sub { "page" } else { "false" }
    }
}

/// Field errors of a form, as messages in the user's language.
#[derive(Default)]
pub struct FormErrors {
    pub by_field: HashMap<String, String>,
}

impl FormErrors {
    pub fn from_invalid(invalid: &Invalid, tr: Tr) -> FormErrors {
        let mut by_field = HashMap::new();
        for FieldError { field, code } in &invalid.0 {
            by_field
                .entry(field.clone())
                .or_insert_with(|| tr.error(code));
        }
        FormErrors { by_field }
    }

    pub fn get(&self, field: &str) -> &str {
        self.by_field.get(field).map_or("", String::as_str)
    }

    pub fn any(&self) -> bool {
        !self.by_field.is_empty()
    }
}

/// The link to a record under `base` (`/deals` and an id give `/deals/{id}`), or
/// nothing when there is no record.
pub fn href(base: &str, id: Option<impl std::fmt::Display>) -> String {
    id.map(|id| format!("{base}/{id}")).unwrap_or_default()
}

/// After a successful POST: see the result (303, so a reload does not post again).
/// Back to the list page the user came from (`back`, a path of this site under `list`;
/// anything else leads to `list`), with a notice.
pub fn back_to_list(back: &str, list: &str, notice: &str) -> Response {
    let back = session::safe_next(Some(back));
    let back = if back.starts_with(list) {
        back
    } else {
        list.to_string()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    see_other(&format!("{back}{sep}notice={notice}"))
}

pub fn see_other(to: &str) -> Response {
    // A target that is no valid header value (a line break …) goes home, not to a 500.
    if HeaderValue::from_str(to).is_err() {
        return Redirect::to("/").into_response();
    }
    Redirect::to(to).into_response()
}

pub fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A page rendered with a status (422 for a form with errors).
pub fn render_with(status: StatusCode, page: impl askama::Template) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            crate::error::HttpError(crate::error::AppError::Internal(format!("template: {e}")))
                .into_response()
        }
    }
}

pub fn render(page: impl askama::Template) -> Response {
    render_with(StatusCode::OK, page)
}

/// A form body. Unlike `axum::Form`, a body that cannot be read becomes an error page
/// in the user's language (400, or 413 over 1 MB) instead of plain text, and a field
/// with control characters (a NUL byte …) is refused with 422 naming the field.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = crate::error::HttpError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use crate::error::AppError;
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType.into());
        }
        let bytes = <axum::body::Bytes as axum::extract::FromRequest<S>>::from_request(req, state)
            .await
            .map_err(|r| match r.status() {
                StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
                _ => AppError::BadRequest(r.body_text()),
            })?;
        Ok(form_from_bytes(&bytes).map(Form)?)
    }
}

/// A urlencoded form as `T`, refusing control characters in any field.
pub fn form_from_bytes<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, crate::error::AppError> {
    if let Some((field, _)) = form_urlencoded::parse(bytes).find(|(k, v)| {
        tandem_domain::text::has_control_chars(k) || tandem_domain::text::has_control_chars(v)
    }) {
        return Err(Invalid::one(field.into_owned(), "control_characters").into());
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(de)
        .map_err(|e| crate::error::AppError::BadRequest(format!("{}: {}", e.path(), e.inner())))
}

/// `?a=1&b=2` from the pairs with a value (empty string for none).
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let s = serde_urlencoded::to_string(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    if s.is_empty() { s } else { format!("?{s}") }
}

/// The links of a list's pager: the first page, and the next one (empty on the last),
/// both keeping the list's filters.
pub fn pager_urls(
    base: &str,
    filters: &[(&str, &str)],
    next: Option<&tandem_domain::cursor::Cursor>,
) -> (String, String) {
    let first = format!("{base}{}", query_string(filters));
    let next = next.map_or(String::new(), |c| {
        let cursor = c.encode();
        let mut pairs = filters.to_vec();
        pairs.push(("cursor", cursor.as_str()));
        format!("{base}{}", query_string(&pairs))
    });
    (first, next)
}

/// The sort choices of a list, in the user's language.
pub fn sort_options(tr: Tr, selected: tandem_store::Sort) -> Options {
    use tandem_store::Sort;
    Sort::ALL
        .iter()
        .map(|s| {
            let key = match s {
                Sort::NameAsc => "sort-name-asc",
                Sort::NameDesc => "sort-name-desc",
                Sort::CreatedDesc => "sort-created-desc",
                Sort::CreatedAsc => "sort-created-asc",
                Sort::UpdatedDesc => "sort-updated-desc",
                Sort::UpdatedAsc => "sort-updated-asc",
            };
            (s.as_str().to_string(), tr.t(key), *s == selected)
        })
        .collect()
}

/// Values for select boxes: `(value, label, selected)`.
pub type Options = Vec<(String, String, bool)>;

/// After an edit conflict: the fields where the stored record differs from what the
/// user typed, as `(label, stored value)`. `pairs` are `(field key, mine, stored)`,
/// labelled by `field-<key>`; `shown` may turn a stored value into words (ids, choices).
pub fn conflicts(
    tr: Tr,
    pairs: &[(&str, &str, &str)],
    shown: impl Fn(&str, &str) -> Option<String>,
) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(_, mine, stored)| mine.trim() != stored.trim())
        .map(|(key, _, stored)| {
            let value = shown(key, stored).unwrap_or_else(|| stored.to_string());
            let value = if value.trim().is_empty() {
                "–".to_string()
            } else {
                value
            };
            (tr.t(&format!("field-{key}")), value)
        })
        .collect()
}
