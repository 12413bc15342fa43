//! `/api/v1/custom-fields`

use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use tandem_app::custom_fields as svc;
use tandem_domain::{
    Invalid,
    custom::{Entity, FieldInput},
};
use tandem_store::custom_fields::Field;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// An extra field of accounts, contacts or deals.
#[derive(Serialize, ToSchema)]
pub struct CustomFieldOut {
    pub id: uuid::Uuid,
    /// account, contact or deal
    pub entity: String,
    /// The name of the value in a record's `custom` object.
    pub key: String,
    pub label: String,
    /// text, number, money, date, select, multi_select or checkbox
    pub kind: String,
    /// The choices of select and multi_select fields.
    pub options: Vec<String>,
    pub required: bool,
    pub version: i64,
}

impl From<Field> for CustomFieldOut {
    fn from(f: Field) -> Self {
        CustomFieldOut {
            id: f.id,
            entity: f.def.entity.as_str().into(),
            key: f.def.key,
            label: f.def.label,
            kind: f.def.kind.as_str().into(),
            options: f.def.options,
            required: f.def.required,
            version: f.version,
        }
    }
}

/// Label, options and `required` may change; key, entity and kind stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldPatch {
    version: i64,
    label: Option<String>,
    options: Option<Vec<String>>,
    required: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// account, contact or deal; default all
    entity: Option<String>,
}

fn field_id(raw: &str) -> AppResult<uuid::Uuid> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// The custom fields, in order.
#[utoipa::path(get, path = "/custom-fields", tag = "custom fields", params(ListParams),
    responses((status = 200, body = Vec<CustomFieldOut>), (status = 422, body = Problem)))]
async fn list_fields(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<Vec<CustomFieldOut>>> {
    let entity = match p.entity.as_deref() {
        None | Some("") => None,
        Some(e) => Some(Entity::parse(e).ok_or_else(|| Invalid::one("entity", "invalid_choice"))?),
    };
    let all = svc::list(&state.store, &auth, entity).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Define a custom field (admins).
#[utoipa::path(post, path = "/custom-fields", tag = "custom fields", request_body = tandem_domain::custom::FieldInput,
    responses((status = 201, body = CustomFieldOut), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
async fn create_field(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<FieldInput>,
) -> AppResult<Response> {
    let f = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/custom-fields/{}", f.id);
    Ok(created(&location, CustomFieldOut::from(f)))
}

/// Change a custom field (admins).
#[utoipa::path(patch, path = "/custom-fields/{id}", tag = "custom fields",
    params(("id" = uuid::Uuid, Path)), request_body = CustomFieldPatch,
    responses((status = 200, body = CustomFieldOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_field(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CustomFieldPatch>,
) -> AppResult<Json<CustomFieldOut>> {
    let id = field_id(&id)?;
    let current = svc::list(&state.store, &auth, None)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    let f = svc::update(
        &state.store,
        &auth,
        id,
        body.version,
        body.label.unwrap_or(current.def.label),
        body.options.unwrap_or(current.def.options),
        body.required.unwrap_or(current.def.required),
    )
    .await?;
    Ok(Json(f.into()))
}

/// Remove a custom field (admins); stored values stay but are no longer shown.
#[utoipa::path(delete, path = "/custom-fields/{id}", tag = "custom fields",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_field(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, field_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_fields, create_field))
        .routes(routes!(patch_field, delete_field))
}
