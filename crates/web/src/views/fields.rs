//! Administration of custom fields.

use super::{Form, Layout, Options, render, render_with, see_other};
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
use tandem_app::{custom_fields as svc, require_admin};
use tandem_domain::{
    Invalid,
    custom::{Entity, FieldInput, Kind},
};

pub struct FieldRow {
    pub id: String,
    pub key: String,
    pub label: String,
    pub kind: String,
    pub options: String,
    pub has_options: bool,
    pub required: bool,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "admin/fields.html")]
struct FieldsPage {
    tr: Tr,
    layout: Layout,
    /// Per kind of record: `(entity, heading, fields)`.
    groups: Vec<(String, String, Vec<FieldRow>)>,
    entities: Options,
    kinds: Options,
    problems: Vec<String>,
}

fn kind_label(tr: Tr, k: Kind) -> String {
    tr.t(&format!("custom-kind-{}", k.as_str().replace('_', "-")))
}

async fn page(
    state: &AppState,
    auth: &Auth,
    notice: Option<&str>,
    problems: Vec<String>,
) -> AppResult<FieldsPage> {
    require_admin(auth)?;
    let tr = Tr::new(auth.user.locale);
    let all = svc::list(&state.store, auth, None).await?;
    let groups = Entity::ALL
        .iter()
        .map(|e| {
            (
                e.as_str().to_string(),
                tr.t(&format!("custom-entity-{}", e.as_str())),
                all.iter()
                    .filter(|f| f.def.entity == *e)
                    .map(|f| FieldRow {
                        id: f.id.to_string(),
                        key: f.def.key.clone(),
                        label: f.def.label.clone(),
                        kind: kind_label(tr, f.def.kind),
                        options: f.def.options.join("\n"),
                        has_options: f.def.kind.has_options(),
                        required: f.def.required,
                        version: f.version,
                    })
                    .collect(),
            )
        })
        .collect();
    Ok(FieldsPage {
        layout: Layout::new(auth, "admin", tr.t("fields-title"))
            .within("fields")
            .with_notice(notice),
        groups,
        entities: Entity::ALL
            .iter()
            .map(|e| {
                (
                    e.as_str().into(),
                    tr.t(&format!("custom-entity-{}", e.as_str())),
                    false,
                )
            })
            .collect(),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str().into(), kind_label(tr, *k), false))
            .collect(),
        problems,
        tr,
    })
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    Ok(render(
        page(&state, &auth, n.notice.as_deref(), vec![]).await?,
    ))
}

async fn done(
    state: &AppState,
    auth: &Auth,
    result: tandem_app::AppResult<()>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, problems) = match result {
        Ok(()) => return Ok(see_other("/admin/fields?notice=saved")),
        Err(AppError::Invalid(Invalid(e))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            e.iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        tr.t(&format!("custom-{}", f.field)),
                        tr.error(f.code)
                    )
                })
                .collect(),
        ),
        Err(AppError::Conflict { .. }) => (StatusCode::CONFLICT, vec![tr.t("conflict-reload")]),
        Err(e) => return Err(e.into()),
    };
    Ok(render_with(
        status,
        page(state, auth, None, problems).await?,
    ))
}

fn options(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|l| l.split(';'))
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect()
}

#[derive(Deserialize)]
pub struct NewField {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    options: String,
    required: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<NewField>,
) -> AppResult<Response> {
    let input = FieldInput {
        entity: f.entity,
        key: None,
        label: f.label,
        kind: f.kind,
        options: options(&f.options),
        required: f.required.is_some(),
    };
    let result = svc::create(&state.store, &auth, input).await.map(|_| ());
    done(&state, &auth, result).await
}

#[derive(Deserialize)]
pub struct EditField {
    #[serde(default)]
    version: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    options: String,
    required: Option<String>,
}

fn field_id(raw: &str) -> AppResult<uuid::Uuid> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<EditField>,
) -> AppResult<Response> {
    let result = svc::update(
        &state.store,
        &auth,
        field_id(&id)?,
        f.version.parse().unwrap_or(-1),
        f.label,
        options(&f.options),
        f.required.is_some(),
    )
    .await
    .map(|_| ());
    done(&state, &auth, result).await
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let result = svc::delete(&state.store, &auth, field_id(&id)?).await;
    done(&state, &auth, result).await
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/fields", get(index).post(create))
        .route("/admin/fields/{id}", post(update))
        .route("/admin/fields/{id}/delete", post(delete))
}
