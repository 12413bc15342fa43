//! Administration: users, teams and roles; the job queue.

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
use tandem_app::{
    auth::{NewUserInput, create_user as create_user_svc},
    require_admin,
    users::{self as svc, UserUpdate},
};
use tandem_domain::{Locale, Role, TeamId, UserId};
use tandem_store::users::Team;

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    tr: Tr,
    layout: Layout,
    users: Vec<UserRow>,
}

fn role_label(tr: Tr, r: Role) -> String {
    tr.t(&format!("role-{}", r.as_str().replace('_', "-")))
}

pub async fn users(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let tr = Tr::new(auth.user.locale);
    let users = svc::list(&state.store, &auth).await?;
    Ok(render(UsersPage {
        layout: Layout::new(&auth, "admin", tr.t("users-title"))
            .within("users")
            .with_notice(n.notice.as_deref()),
        users: users
            .into_iter()
            .map(|u| UserRow {
                id: u.id.to_string(),
                name: u.name,
                email: u.email,
                role: role_label(tr, u.role),
                team: u.team_name.unwrap_or_default(),
                active: u.active,
            })
            .collect(),
        tr,
    }))
}

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    password: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserFormPage {
    tr: Tr,
    layout: Layout,
    id: String,
    form: UserForm,
    roles: Options,
    teams: Options,
    errors: FormErrors,
}

async fn user_form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<UserId>,
    form: UserForm,
    errors: FormErrors,
) -> AppResult<UserFormPage> {
    let tr = Tr::new(auth.user.locale);
    let teams = svc::teams(&state.store, auth).await?;
    let title = if id.is_some() {
        form.name.clone()
    } else {
        tr.t("users-new")
    };
    Ok(UserFormPage {
        layout: Layout::new(auth, "admin", title).within("users"),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        roles: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    role_label(tr, *r),
                    r.as_str() == form.role,
                )
            })
            .collect(),
        teams: teams
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    t.name.clone(),
                    t.id.to_string() == form.team_id,
                )
            })
            .collect(),
        form,
        errors,
        tr,
    })
}

pub async fn new_user(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let form = UserForm {
        role: "field".into(),
        locale: auth.user.locale.as_str().into(),
        active: Some("on".into()),
        ..Default::default()
    };
    Ok(render(
        user_form_page(&state, &auth, None, form, FormErrors::default()).await?,
    ))
}

fn parse_team(raw: &str) -> Option<TeamId> {
    raw.parse().ok()
}

pub async fn create_user(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(mut form): Form<UserForm>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| tandem_domain::Invalid::one("role", "invalid_choice"))?;
    let input = NewUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        role,
        team_id: parse_team(&form.team_id),
        locale: Locale::parse(&form.locale).unwrap_or_default(),
        password: form.password.clone(),
    };
    match create_user_svc(
        &state.store,
        auth.user.workspace_id,
        input,
        Some(auth.user.id),
    )
    .await
    {
        Ok(_) => Ok(see_other("/admin/users?notice=created")),
        Err(AppError::Invalid(invalid)) => {
            form.password.clear();
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                user_form_page(&state, &auth, None, form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_user(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<UserId>,
) -> AppResult<Response> {
    let u = svc::get(&state.store, &auth, id).await?;
    let form = UserForm {
        version: u.version.to_string(),
        name: u.name,
        email: u.email,
        role: u.role.as_str().into(),
        team_id: u.team_id.map(|t| t.to_string()).unwrap_or_default(),
        locale: u.locale.as_str().into(),
        password: String::new(),
        active: u.active.then(|| "on".into()),
    };
    Ok(render(
        user_form_page(&state, &auth, Some(id), form, FormErrors::default()).await?,
    ))
}

pub async fn update_user(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<UserId>,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let role = Role::parse(&form.role)
        .ok_or_else(|| tandem_domain::Invalid::one("role", "invalid_choice"))?;
    let update = UserUpdate {
        version: form.version.parse().unwrap_or(-1),
        name: form.name.clone(),
        role,
        team_id: parse_team(&form.team_id),
        active: form.active.is_some(),
        new_password: Some(form.password.clone()).filter(|p| !p.is_empty()),
    };
    let tr = Tr::new(auth.user.locale);
    match svc::update(&state.store, &auth, id, update).await {
        Ok(()) => Ok(see_other("/admin/users?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let mut form = form;
            form.password.clear();
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                user_form_page(&state, &auth, Some(id), form, errors).await?,
            ))
        }
        Err(AppError::Conflict { .. }) => {
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-reload"));
            Ok(render_with(
                StatusCode::CONFLICT,
                user_form_page(&state, &auth, Some(id), form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsPage {
    tr: Tr,
    layout: Layout,
    teams: Vec<Team>,
    errors: FormErrors,
    name: String,
}

async fn teams_page(
    state: &AppState,
    auth: &Auth,
    errors: FormErrors,
    name: String,
    notice: Option<&str>,
) -> AppResult<TeamsPage> {
    let tr = Tr::new(auth.user.locale);
    Ok(TeamsPage {
        layout: Layout::new(auth, "admin", tr.t("teams-title"))
            .within("teams")
            .with_notice(notice),
        teams: svc::teams(&state.store, auth).await?,
        errors,
        name,
        tr,
    })
}

pub async fn teams(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    Ok(render(
        teams_page(
            &state,
            &auth,
            FormErrors::default(),
            String::new(),
            n.notice.as_deref(),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct TeamForm {
    name: String,
}

async fn team_result(
    state: &AppState,
    auth: &Auth,
    result: tandem_app::AppResult<()>,
    name: String,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other("/admin/teams?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                teams_page(state, auth, errors, name, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_team(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<TeamForm>,
) -> AppResult<Response> {
    let result = svc::create_team(&state.store, &auth, &f.name)
        .await
        .map(|_| ());
    team_result(&state, &auth, result, f.name).await
}

pub async fn rename_team(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TeamId>,
    Form(f): Form<TeamForm>,
) -> AppResult<Response> {
    let result = svc::rename_team(&state.store, &auth, id, &f.name).await;
    team_result(&state, &auth, result, String::new()).await
}

pub async fn delete_team(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TeamId>,
) -> AppResult<Response> {
    svc::delete_team(&state.store, &auth, id).await?;
    Ok(see_other("/admin/teams?notice=deleted"))
}

pub struct JobRow {
    pub kind: String,
    pub status: String,
    pub attempts: String,
    pub run_at: String,
    pub finished_at: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    tr: Tr,
    layout: Layout,
    jobs: Vec<JobRow>,
}

pub async fn jobs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let tr = Tr::new(auth.user.locale);
    let jobs = tandem_app::jobs::recent(&state.store, &auth).await?;
    Ok(render(JobsPage {
        layout: Layout::new(&auth, "admin", tr.t("jobs-title")).within("jobs"),
        jobs: jobs
            .into_iter()
            .map(|j| JobRow {
                kind: j.kind,
                status: tr.t(&format!("job-status-{}", j.status)),
                attempts: format!("{}/{}", j.attempts, j.max_attempts),
                run_at: tr.instant(&j.run_at),
                finished_at: j.finished_at.map(|f| tr.instant(&f)).unwrap_or_default(),
                last_error: j.last_error.unwrap_or_default(),
            })
            .collect(),
        tr,
    }))
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    tr: Tr,
    layout: Layout,
    contact_stale_days: String,
    trust_mode: bool,
    errors: FormErrors,
    /// Per role: `(role, label, [(scope, label, selected)])`.
    scopes: Vec<(String, String, Options)>,
}

fn scope_options(
    tr: Tr,
    ws: &tandem_store::workspaces::Workspace,
) -> Vec<(String, String, Options)> {
    use tandem_domain::role::Scope;
    Role::ALL
        .iter()
        .map(|r| {
            let current = ws.scope(*r);
            (
                r.as_str().to_string(),
                tr.t(&format!("role-{}", r.as_str().replace('_', "-"))),
                Scope::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_string(),
                            tr.t(&format!("scope-{}", s.as_str())),
                            *s == current,
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// `POST /admin/settings/visibility`: one `scope_<role>` field per role.
pub async fn save_visibility(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut scopes = vec![];
    for (k, v) in pairs {
        let Some(role) = k.strip_prefix("scope_").and_then(Role::parse) else {
            continue;
        };
        let scope = tandem_domain::role::Scope::parse(&v)
            .ok_or_else(|| tandem_domain::Invalid::one(k.clone(), "invalid_choice"))?;
        scopes.push((role, scope));
    }
    tandem_app::settings::set_visibility(&state.store, &auth, &scopes).await?;
    Ok(see_other("/admin/settings?notice=saved"))
}

pub async fn settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let tr = Tr::new(auth.user.locale);
    let ws = tandem_app::settings::workspace(&state.store, &auth).await?;
    Ok(render(SettingsPage {
        layout: Layout::new(&auth, "admin", tr.t("settings-title"))
            .within("settings")
            .with_notice(n.notice.as_deref()),
        contact_stale_days: ws.contact_stale_days.to_string(),
        trust_mode: ws.trust_mode,
        errors: FormErrors::default(),
        scopes: scope_options(tr, &ws),
        tr,
    }))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    contact_stale_days: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let ws = tandem_app::settings::workspace(&state.store, &auth).await?;
    let result = match f.contact_stale_days.trim().parse::<i64>() {
        Ok(days) => tandem_app::settings::set_contact_stale_days(&state.store, &auth, days).await,
        Err(_) => Err(tandem_domain::Invalid::one("contact_stale_days", "not_a_number").into()),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/settings?notice=saved")),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            SettingsPage {
                scopes: scope_options(tr, &ws),
                layout: Layout::new(&auth, "admin", tr.t("settings-title")).within("settings"),
                contact_stale_days: f.contact_stale_days,
                trust_mode: ws.trust_mode,
                errors: FormErrors::from_invalid(&invalid, tr),
                tr,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TrustForm {
    #[serde(default)]
    trust_mode: Option<String>,
}

/// `POST /admin/settings/trust-mode`: the checkbox is sent only when ticked.
pub async fn save_trust_mode(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<TrustForm>,
) -> AppResult<Response> {
    tandem_app::settings::set_trust_mode(&state.store, &auth, f.trust_mode.is_some()).await?;
    Ok(see_other("/admin/settings?notice=saved"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/settings/trust-mode", post(save_trust_mode))
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/new", get(new_user))
        .route("/admin/users/{id}", get(edit_user).post(update_user))
        .route("/admin/teams", get(teams).post(create_team))
        .route("/admin/teams/{id}", post(rename_team))
        .route("/admin/teams/{id}/delete", post(delete_team))
        .route("/admin/settings/visibility", post(save_visibility))
        .route("/admin/jobs", get(jobs))
        .route("/admin/settings", get(settings).post(save_settings))
}
