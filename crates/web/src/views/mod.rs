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
};
use std::collections::HashMap;
use tandem_domain::{FieldError, Invalid};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(accounts::routes())
        .merge(duplicates::routes())
        .merge(activities::routes())
        .merge(tasks::routes())
        .merge(contacts::routes())
        .merge(board::routes())
        .merge(deals::routes())
        .merge(saved::routes())
        .merge(absences::routes())
        .merge(quotes::routes())
        .merge(products::routes())
        .merge(price_lists::routes())
        .merge(requests::routes())
        .merge(leads::routes())
        .merge(lead_settings::routes())
        .merge(kpis::routes())
        .merge(admin::routes())
        .merge(campaigns::routes())
        .merge(imports::routes())
        .merge(search::routes())
        .merge(profile::routes())
        .merge(pipelines::routes())
        .merge(calendar::routes())
        .merge(tandems::routes())
        .merge(fields::routes())
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

/// The currencies Tandem knows, `selected` chosen.
pub fn currency_options(selected: &str) -> Options {
    tandem_domain::money::CURRENCIES
        .iter()
        .map(|(c, _)| (c.to_string(), c.to_string(), *c == selected))
        .collect()
}

/// People to choose from (an owner, an assignee), `selected` chosen.
pub fn owner_options(
    users: &[tandem_store::users::User],
    selected: Option<tandem_domain::UserId>,
) -> Options {
    users
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone(), Some(u.id) == selected))
        .collect()
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
