//! Task pages: my tasks by due date (overdue, today, later, undated) with a quick add and
//! one-tap done; the task form with its history.

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
use tandem_app::{tasks as svc, users as user_svc};
use tandem_domain::{
    AccountId, ContactId, TaskId, UserId,
    task::{Priority, Recurrence, TaskInput},
};
use tandem_store::tasks::{Filter, Task};

pub struct Row {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub due: String,
    pub priority: &'static str,
    pub priority_label: String,
    pub account_id: String,
    pub account: String,
    pub assignee: String,
    pub recurring: bool,
}

pub struct Group {
    pub title: String,
    pub class: &'static str,
    pub rows: Vec<Row>,
}

pub(crate) fn row(t: &Task, tr: Tr) -> Row {
    Row {
        id: t.id.to_string(),
        version: t.version,
        title: t.data.title.clone(),
        due: t
            .data
            .due_on
            .map(|d| tandem_domain::format::date(d, tr.locale))
            .unwrap_or_default(),
        priority: t.data.priority.as_str(),
        priority_label: tr.t(&format!("priority-{}", t.data.priority.as_str())),
        account_id: t.data.account_id.map(|a| a.to_string()).unwrap_or_default(),
        account: t.account_name.clone().unwrap_or_default(),
        assignee: t.assignee_name.clone().unwrap_or_default(),
        recurring: t.data.recurrence != Recurrence::None,
    }
}

#[derive(Template)]
#[template(path = "tasks/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    groups: Vec<Group>,
    people: Options,
    done: bool,
    priorities: Options,
    assignee: String,
    can_write: bool,
}

#[derive(Deserialize)]
pub struct ListParams {
    assignee: Option<String>,
    done: Option<String>,
    notice: Option<String>,
}

/// The tasks in groups by when they are due (overdue, today, later, undated); done
/// tasks in one group. Empty groups are left out.
fn groups(
    tr: Tr,
    tasks: &[tandem_store::tasks::Task],
    done: bool,
    today: jiff::civil::Date,
) -> Vec<Group> {
    let mut groups: Vec<Group> = [
        ("tasks-overdue", "overdue"),
        ("tasks-today", "today"),
        ("tasks-later", "later"),
        ("tasks-undated", "undated"),
    ]
    .into_iter()
    .map(|(key, class)| Group {
        title: tr.t(if done { "tasks-done" } else { key }),
        class,
        rows: vec![],
    })
    .collect();
    for t in tasks {
        let slot = match (done, t.data.due_on) {
            (true, _) => 0,
            (false, Some(d)) if d < today => 0,
            (false, Some(d)) if d == today => 1,
            (false, Some(_)) => 2,
            (false, None) => 3,
        };
        groups[slot].rows.push(row(t, tr));
    }
    groups.retain(|g| !g.rows.is_empty());
    groups
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let assignee = match p.assignee.as_deref() {
        Some("all") => None,
        Some(s) => s.parse::<UserId>().ok().or(Some(auth.user.id)),
        None => Some(auth.user.id),
    };
    let done = p.done.as_deref() == Some("1");
    let filter = Filter {
        assignee_id: assignee,
        done,
        ..Default::default()
    };
    let page = svc::list(&state.store, &auth, &filter, 200, None).await?;
    let today = tandem_domain::format::local_date(state.store.now());
    let groups = groups(tr, &page.items, done, today);
    let users = user_svc::list(&state.store, &auth).await?;
    let selected = assignee
        .map(|a| a.to_string())
        .unwrap_or_else(|| "all".into());
    let mut people: Options = vec![("all".into(), tr.t("tasks-everyone"), selected == "all")];
    people.extend(users.iter().map(|u| {
        (
            u.id.to_string(),
            u.name.clone(),
            u.id.to_string() == selected,
        )
    }));
    Ok(render(IndexPage {
        layout: Layout::new(&auth, "tasks", tr.t("tasks-title")).with_notice(p.notice.as_deref()),
        groups,
        people,
        done,
        priorities: priority_options(tr, "normal"),
        assignee: selected,
        can_write: auth.user.role.can_write_records(),
        tr,
    }))
}

fn priority_options(tr: Tr, selected: &str) -> Options {
    Priority::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_string(),
                tr.t(&format!("priority-{}", p.as_str())),
                p.as_str() == selected,
            )
        })
        .collect()
}

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct TaskForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    assignee_id: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    contact_id: String,
    #[serde(default)]
    deal_id: String,
    #[serde(default)]
    recurrence: String,
    #[serde(default)]
    notes: String,
}

impl TaskForm {
    fn to_input(&self) -> TaskInput {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        TaskInput {
            title: self.title.clone(),
            due_on: opt(&self.due_on),
            priority: opt(&self.priority),
            assignee_id: self.assignee_id.parse().ok(),
            account_id: self.account_id.parse::<AccountId>().ok(),
            contact_id: self.contact_id.parse::<ContactId>().ok(),
            deal_id: self.deal_id.parse().ok(),
            recurrence: opt(&self.recurrence),
            notes: opt(&self.notes),
        }
    }

    fn from_task(t: &Task) -> TaskForm {
        let d = &t.data;
        TaskForm {
            version: t.version.to_string(),
            title: d.title.clone(),
            due_on: d.due_on.map(|x| x.to_string()).unwrap_or_default(),
            priority: d.priority.as_str().into(),
            assignee_id: d.assignee_id.map(|x| x.to_string()).unwrap_or_default(),
            account_id: d.account_id.map(|x| x.to_string()).unwrap_or_default(),
            contact_id: d.contact_id.map(|x| x.to_string()).unwrap_or_default(),
            deal_id: d.deal_id.map(|x| x.to_string()).unwrap_or_default(),
            recurrence: d.recurrence.as_str().into(),
            notes: d.notes.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "tasks/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    id: String,
    form: TaskForm,
    errors: FormErrors,
    priorities: Options,
    recurrences: Options,
    people: Options,
    done: bool,
    history: Vec<HistoryItem>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    task: Option<&Task>,
    form: TaskForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let users = user_svc::list(&state.store, auth).await?;
    let history = match task {
        Some(t) => {
            let entries = svc::history(&state.store, auth, t.id).await?;
            let names = super::history::referenced_names(state, auth, &entries).await;
            history_items(entries, tr, &names, |_, _| None)
        }
        None => vec![],
    };
    Ok(FormPage {
        layout: Layout::new(
            auth,
            "tasks",
            if task.is_some() {
                form.title.clone()
            } else {
                tr.t("tasks-new")
            },
        ),
        id: task.map(|t| t.id.to_string()).unwrap_or_default(),
        priorities: priority_options(tr, &form.priority),
        recurrences: Recurrence::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    tr.t(&format!("recurrence-{}", r.as_str())),
                    r.as_str() == form.recurrence,
                )
            })
            .collect(),
        people: users
            .iter()
            .filter(|u| u.active)
            .map(|u| {
                (
                    u.id.to_string(),
                    u.name.clone(),
                    u.id.to_string() == form.assignee_id,
                )
            })
            .collect(),
        done: task.is_some_and(|t| t.done_at.is_some()),
        history,
        form,
        errors,
        tr,
    })
}

#[derive(Deserialize)]
pub struct NewParams {
    account: Option<String>,
    contact: Option<String>,
    deal: Option<String>,
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<NewParams>,
) -> AppResult<Response> {
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = TaskForm {
        priority: "normal".into(),
        recurrence: "none".into(),
        assignee_id: auth.user.id.to_string(),
        account_id: p.account.unwrap_or_default(),
        contact_id: p.contact.unwrap_or_default(),
        deal_id: p.deal.unwrap_or_default(),
        ..Default::default()
    };
    Ok(render(
        form_page(&state, &auth, None, form, FormErrors::default()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<TaskForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    match svc::create(&state.store, &auth, form.to_input()).await {
        Ok(_) => Ok(see_other("/tasks?notice=created")),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(
                &state,
                &auth,
                None,
                form,
                FormErrors::from_invalid(&invalid, tr),
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<Response> {
    let task = svc::get(&state.store, &auth, id).await?;
    if task.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    let form = TaskForm::from_task(&task);
    Ok(render(
        form_page(&state, &auth, Some(&task), form, FormErrors::default()).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    Form(mut form): Form<TaskForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse().unwrap_or(-1);
    match svc::update(&state.store, &auth, id, version, form.to_input()).await {
        Ok(_) => Ok(see_other("/tasks?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let task = svc::get(&state.store, &auth, id).await?;
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(
                    &state,
                    &auth,
                    Some(&task),
                    form,
                    FormErrors::from_invalid(&invalid, tr),
                )
                .await?,
            ))
        }
        Err(AppError::Conflict { current_version }) => {
            let task = svc::get(&state.store, &auth, id).await?;
            form.version = current_version.to_string();
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-reload"));
            Ok(render_with(
                StatusCode::CONFLICT,
                form_page(&state, &auth, Some(&task), form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: String,
    /// Where to go back to (the list the button was on).
    #[serde(default)]
    back: String,
}

fn back_to(v: &VersionForm) -> String {
    // Back to a task list, or to "My day".
    if (v.back.starts_with("/tasks") || v.back == "/") && !v.back.contains("//") {
        v.back.clone()
    } else {
        "/tasks".into()
    }
}

pub async fn complete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    Form(v): Form<VersionForm>,
) -> AppResult<Response> {
    svc::complete(&state.store, &auth, id, v.version.parse().unwrap_or(-1)).await?;
    let back = back_to(&v);
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{back}{sep}notice=done")))
}

pub async fn reopen(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
    Form(v): Form<VersionForm>,
) -> AppResult<Response> {
    svc::reopen(&state.store, &auth, id, v.version.parse().unwrap_or(-1)).await?;
    Ok(see_other("/tasks?notice=saved"))
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TaskId>,
) -> AppResult<Response> {
    svc::set_deleted(&state.store, &auth, id, true).await?;
    Ok(see_other("/tasks?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/tasks", get(index).post(create))
        .route("/tasks/new", get(new))
        .route("/tasks/{id}", get(show).post(update))
        .route("/tasks/{id}/complete", post(complete))
        .route("/tasks/{id}/reopen", post(reopen))
        .route("/tasks/{id}/delete", post(delete))
}
