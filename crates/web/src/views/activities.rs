//! Activity pages: the quick log on account and contact pages, the timeline, and the
//! activity's own page and form.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
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
use tandem_app::activities as svc;
use tandem_domain::{
    AccountId, ActivityId, ContactId,
    activity::{ActivityInput, Kind, local_input_value},
};
use tandem_store::activities::{Activity, Filter};

/// One line of a timeline.
pub struct Row {
    pub id: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub subject: String,
    pub when: String,
    pub by: String,
    pub key: bool,
    /// The account or contact it belongs to, when the timeline is not theirs.
    pub context: String,
}

pub fn rows(items: &[Activity], tr: Tr, show_contact: bool) -> Vec<Row> {
    items
        .iter()
        .map(|a| Row {
            id: a.id.to_string(),
            kind: a.data.kind.as_str(),
            kind_label: tr.t(&format!("activity-kind-{}", a.data.kind.as_str())),
            subject: a.data.subject.clone(),
            when: tr.instant(&a.data.occurred_at),
            by: a.created_by_name.clone().unwrap_or_default(),
            key: a.data.key_conversation,
            context: if show_contact {
                a.contact_name.clone().unwrap_or_default()
            } else {
                String::new()
            },
        })
        .collect()
}

/// The last activities of an account or contact, for its page.
pub async fn timeline(
    state: &AppState,
    auth: &Auth,
    filter: Filter,
    tr: Tr,
) -> AppResult<Vec<Row>> {
    let show_contact = filter.contact_id.is_none();
    let page = svc::list(&state.store, auth, &filter, 20, None).await?;
    Ok(rows(&page.items, tr, show_contact))
}

pub fn kind_options(tr: Tr, selected: &str) -> Options {
    Kind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                tr.t(&format!("activity-kind-{}", k.as_str())),
                k.as_str() == selected,
            )
        })
        .collect()
}

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ActivityForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    occurred_at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    next_step: String,
    key_conversation: Option<String>,
    #[serde(default)]
    account_id: String,
    /// The account typed by name, when the activity is logged from anywhere.
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    contact_id: String,
    #[serde(default)]
    deal_id: String,
    /// The page to go back to after saving (a local path).
    #[serde(default)]
    return_to: String,
}

impl ActivityForm {
    fn to_input(&self) -> Result<ActivityInput, tandem_domain::Invalid> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let duration_minutes = match self.duration_minutes.trim() {
            "" => None,
            s => Some(
                s.parse()
                    .map_err(|_| tandem_domain::Invalid::one("duration_minutes", "not_a_number"))?,
            ),
        };
        Ok(ActivityInput {
            kind: self.kind.clone(),
            subject: self.subject.clone(),
            occurred_at: opt(&self.occurred_at),
            duration_minutes,
            summary: opt(&self.summary),
            outcome: opt(&self.outcome),
            next_step: opt(&self.next_step),
            key_conversation: self.key_conversation.is_some(),
            account_id: self.account_id.parse::<AccountId>().ok(),
            contact_id: self.contact_id.parse::<ContactId>().ok(),
            deal_id: self.deal_id.parse().ok(),
        })
    }

    fn from_activity(a: &Activity) -> ActivityForm {
        let d = &a.data;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        ActivityForm {
            version: a.version.to_string(),
            kind: d.kind.as_str().into(),
            subject: d.subject.clone(),
            occurred_at: local_input_value(d.occurred_at),
            duration_minutes: d
                .duration_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            summary: s(&d.summary),
            outcome: s(&d.outcome),
            next_step: s(&d.next_step),
            key_conversation: d.key_conversation.then(|| "on".into()),
            account_id: d.account_id.map(|x| x.to_string()).unwrap_or_default(),
            contact_id: d.contact_id.map(|x| x.to_string()).unwrap_or_default(),
            deal_id: d.deal_id.map(|x| x.to_string()).unwrap_or_default(),
            account_name: String::new(),
            return_to: String::new(),
        }
    }

    fn back(&self) -> String {
        let r = self.return_to.trim();
        if r.starts_with('/') && !r.starts_with("//") && !r.contains('\\') {
            r.to_string()
        } else {
            String::new()
        }
    }
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    id: String,
    form: ActivityForm,
    kinds: Options,
    errors: FormErrors,
}

fn form_page(
    auth: &Auth,
    id: Option<ActivityId>,
    form: ActivityForm,
    errors: FormErrors,
) -> FormPage {
    let tr = Tr::new(auth.user.locale);
    FormPage {
        layout: Layout::new(
            auth,
            "",
            tr.t(if id.is_some() {
                "activities-edit"
            } else {
                "activities-new"
            }),
        ),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        kinds: kind_options(tr, &form.kind),
        form,
        errors,
        tr,
    }
}

#[derive(Deserialize)]
pub struct NewParams {
    account: Option<String>,
    contact: Option<String>,
    kind: Option<String>,
    /// The page to return to after saving.
    back: Option<String>,
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<NewParams>,
) -> AppResult<Response> {
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = ActivityForm {
        kind: p.kind.unwrap_or_else(|| "call".into()),
        occurred_at: local_input_value(state.store.now()),
        account_id: p.account.unwrap_or_default(),
        contact_id: p.contact.unwrap_or_default(),
        return_to: p.back.unwrap_or_default(),
        ..Default::default()
    };
    Ok(render(form_page(&auth, None, form, FormErrors::default())))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<ActivityForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let typed = form.account_name.trim();
    let result = match form.to_input() {
        Ok(mut input) => {
            if input.account_id.is_none() && !typed.is_empty() {
                match tandem_app::contacts::resolve_account(&state.store, &auth, typed).await {
                    Ok(account) => {
                        input.account_id = Some(account);
                        svc::create(&state.store, &auth, input).await
                    }
                    Err(e) => Err(e),
                }
            } else {
                svc::create(&state.store, &auth, input).await
            }
        }
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(a) => {
            let back = form.back();
            let to = if back.is_empty() {
                format!("/activities/{}", a.id)
            } else {
                back
            };
            let sep = if to.contains('?') { '&' } else { '?' };
            Ok(see_other(&format!("{to}{sep}notice=logged")))
        }
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&auth, None, form, FormErrors::from_invalid(&invalid, tr)),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "activities/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    kind_label: String,
    a: Activity,
    when: String,
    history: Vec<HistoryItem>,
    can_change: bool,
    can_restore: bool,
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let a = svc::get(&state.store, &auth, id).await?;
    let history = svc::history(&state.store, &auth, id).await?;
    let names = super::history::referenced_names(&state, &auth, &history).await;
    let own = a.created_by == Some(auth.user.id);
    Ok(render(ShowPage {
        layout: Layout::new(&auth, "", a.data.subject.clone()).with_notice(n.notice.as_deref()),
        id: a.id.to_string(),
        kind_label: tr.t(&format!("activity-kind-{}", a.data.kind.as_str())),
        when: tr.instant(&a.data.occurred_at),
        history: history_items(history, tr, &names, |field, value| match field {
            "kind" => Kind::parse(value).map(|k| tr.t(&format!("activity-kind-{}", k.as_str()))),
            _ => None,
        }),
        can_change: a.deleted_at.is_none()
            && auth.user.role.can_write_records()
            && (own || auth.user.role.can_delete_records()),
        can_restore: a.deleted_at.is_some()
            && auth.user.role.can_write_records()
            && (own || auth.user.role.can_delete_records()),
        a,
        tr,
    }))
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Response> {
    let a = svc::get(&state.store, &auth, id).await?;
    if a.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    Ok(render(form_page(
        &auth,
        Some(id),
        ActivityForm::from_activity(&a),
        FormErrors::default(),
    )))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
    Form(mut form): Form<ActivityForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let result = match form.to_input() {
        Ok(input) => svc::update(&state.store, &auth, id, version, input).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/activities/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(
                &auth,
                Some(id),
                form,
                FormErrors::from_invalid(&invalid, tr),
            ),
        )),
        Err(AppError::Conflict { current_version }) => {
            form.version = current_version.to_string();
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-reload"));
            Ok(render_with(
                StatusCode::CONFLICT,
                form_page(&auth, Some(id), form, errors),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Response> {
    let a = svc::get(&state.store, &auth, id).await?;
    svc::set_deleted(&state.store, &auth, id, true).await?;
    let back = match (a.data.contact_id, a.data.account_id) {
        (Some(c), _) => format!("/contacts/{c}?notice=deleted"),
        (None, Some(acc)) => format!("/accounts/{acc}?notice=deleted"),
        _ => "/accounts?notice=deleted".into(),
    };
    Ok(see_other(&back))
}

pub async fn restore(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ActivityId>,
) -> AppResult<Response> {
    svc::set_deleted(&state.store, &auth, id, false).await?;
    Ok(see_other(&format!("/activities/{id}?notice=restored")))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/activities", post(create))
        .route("/activities/new", get(new))
        .route("/activities/{id}", get(show).post(update))
        .route("/activities/{id}/edit", get(edit))
        .route("/activities/{id}/delete", post(delete))
        .route("/activities/{id}/restore", post(restore))
}
