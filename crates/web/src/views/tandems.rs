//! `Verwaltung → Tandems`: pair field and inside reps, name deputies (admins, managers).

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::tandems as svc;
use tandem_domain::{Role, handoff::TandemInput};

pub struct Line {
    pub id: String,
    pub version: i64,
    pub field: String,
    pub inside: String,
    pub deputy: String,
    pub agreement: String,
    pub field_options: Options,
    pub inside_options: Options,
    pub deputy_options: Options,
    /// Per request type: id, name, the tandem's own hours (or empty), the type's hours.
    pub slas: Vec<Sla>,
}

pub struct Sla {
    pub id: String,
    pub name: String,
    pub hours: String,
    pub default: String,
}

fn hours(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    if h.fract() == 0.0 {
        format!("{}", h as i64)
    } else {
        format!("{h:.1}").replace('.', ",")
    }
}

#[derive(Deserialize, Default)]
pub struct TandemForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    field_id: String,
    #[serde(default)]
    inside_id: String,
    #[serde(default)]
    deputy_id: String,
    #[serde(default)]
    agreement: String,
    /// `sla_<type id>`: the tandem's own deadline in hours (empty: the type's).
    #[serde(flatten)]
    slas: std::collections::HashMap<String, String>,
}

impl TandemForm {
    fn input(&self) -> TandemInput {
        TandemInput {
            field_id: self.field_id.parse().ok(),
            inside_id: self.inside_id.parse().ok(),
            deputy_id: self.deputy_id.parse().ok(),
            agreement: Some(self.agreement.clone()),
            sla_hours: self
                .slas
                .iter()
                .filter_map(|(k, v)| {
                    let kind = k.strip_prefix("sla_")?.parse().ok()?;
                    let v = v.trim();
                    (!v.is_empty()).then(|| (kind, v.replace(',', ".").parse().unwrap_or(f64::NAN)))
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/tandems.html")]
struct Page {
    tr: Tr,
    layout: Layout,
    lines: Vec<Line>,
    new_field: Options,
    new_inside: Options,
    new_deputy: Options,
    agreement: String,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    auth: &Auth,
    form: TandemForm,
    errors: FormErrors,
) -> AppResult<Page> {
    let tr = Tr::new(auth.user.locale);
    let data = svc::page(&state.store, auth).await?;
    let users = &data.users;
    let lines = data
        .tandems
        .iter()
        .map(|t| line(t, users, &data.types))
        .collect();
    Ok(Page {
        layout: Layout::new(auth, "admin", tr.t("tandems-title")).within("tandems"),
        lines,
        new_field: people(users, &FIELD_ROLES, &form.field_id),
        new_inside: people(users, &[Role::Inside], &form.inside_id),
        new_deputy: people(users, &[Role::Inside], &form.deputy_id),
        agreement: form.agreement,
        errors,
        tr,
    })
}

/// Who can be the field half of a tandem.
const FIELD_ROLES: [Role; 2] = [Role::Field, Role::Manager];

/// The active users of `roles` to choose from, `selected` chosen.
fn people(users: &[tandem_store::users::User], roles: &[Role], selected: &str) -> Options {
    users
        .iter()
        .filter(|u| u.active && roles.contains(&u.role))
        .map(|u| {
            (
                u.id.to_string(),
                u.name.clone(),
                u.id.to_string() == selected,
            )
        })
        .collect()
}

fn line(
    t: &tandem_store::tandems::StoredTandem,
    users: &[tandem_store::users::User],
    types: &[tandem_store::requests::StoredType],
) -> Line {
    let tandem = &t.data.tandem;
    let deputy = tandem.deputy_id.map(|d| d.to_string()).unwrap_or_default();
    Line {
        id: t.id.to_string(),
        version: t.version,
        field_options: people(users, &FIELD_ROLES, &tandem.field_id.to_string()),
        inside_options: people(users, &[Role::Inside], &tandem.inside_id.to_string()),
        deputy_options: people(users, &[Role::Inside], &deputy),
        slas: types
            .iter()
            .map(|ty| Sla {
                id: ty.id.0.to_string(),
                name: ty.data.name.clone(),
                hours: t
                    .data
                    .sla_minutes
                    .get(&ty.id)
                    .map(|m| hours(*m))
                    .unwrap_or_default(),
                default: hours(ty.data.sla_minutes),
            })
            .collect(),
        field: t.field_name.clone(),
        inside: t.inside_name.clone(),
        deputy: t.deputy_name.clone().unwrap_or_default(),
        agreement: t.data.agreement.clone().unwrap_or_default(),
    }
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = page(&state, &auth, TandemForm::default(), FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

async fn refused(
    state: &AppState,
    auth: &Auth,
    form: TandemForm,
    e: AppError,
) -> AppResult<Response> {
    match e {
        AppError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(state, auth, form, errors).await?,
            ))
        }
        AppError::Conflict { .. } => {
            let mut p = page(state, auth, TandemForm::default(), FormErrors::default()).await?;
            p.layout.notice = p.tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, p))
        }
        e => Err(e.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<TandemForm>,
) -> AppResult<Response> {
    match svc::create(&state.store, &auth, form.input()).await {
        Ok(_) => Ok(see_other("/admin/tandems?notice=created")),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<TandemForm>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let version = form.version.parse().unwrap_or(-1);
    match svc::update(&state.store, &auth, id, version, form.input()).await {
        Ok(_) => Ok(see_other("/admin/tandems?notice=saved")),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/admin/tandems?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/tandems", get(index).post(create))
        .route("/admin/tandems/{id}", post(update))
        .route("/admin/tandems/{id}/delete", post(delete))
}
