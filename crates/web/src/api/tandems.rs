//! `/api/v1/tandems`

use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Serialize;
use serde_json::{Map, Value};
use tandem_app::tandems as svc;
use tandem_domain::{TandemId, handoff::TandemInput};
use tandem_store::tandems::StoredTandem;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A field rep and an inside rep who work together, with the inside rep's deputy.
#[derive(Serialize, ToSchema)]
pub struct TandemOut {
    pub id: uuid::Uuid,
    pub field_id: uuid::Uuid,
    pub field_name: String,
    pub inside_id: uuid::Uuid,
    pub inside_name: String,
    pub deputy_id: Option<uuid::Uuid>,
    pub deputy_name: Option<String>,
    pub agreement: Option<String>,
    /// The tandem's own deadlines in business hours, by request type id.
    #[schema(value_type = Object)]
    pub sla_hours: std::collections::BTreeMap<uuid::Uuid, f64>,
    pub version: i64,
    pub created_at: String,
}

impl From<StoredTandem> for TandemOut {
    fn from(t: StoredTandem) -> Self {
        let d = t.data;
        TandemOut {
            id: t.id.0,
            field_id: d.tandem.field_id.0,
            field_name: t.field_name,
            inside_id: d.tandem.inside_id.0,
            inside_name: t.inside_name,
            deputy_id: d.tandem.deputy_id.map(|u| u.0),
            deputy_name: t.deputy_name,
            agreement: d.agreement,
            sla_hours: d
                .sla_minutes
                .iter()
                .map(|(k, m)| (k.0, *m as f64 / 60.0))
                .collect(),
            version: t.version,
            created_at: t.created_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TandemList {
    pub items: Vec<TandemOut>,
}

/// Every tandem of the workspace.
#[utoipa::path(get, path = "/tandems", tag = "tandems",
    responses((status = 200, body = TandemList)))]
async fn list_tandems(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<TandemList>> {
    let items = svc::list(&state.store, &auth).await?;
    Ok(Json(TandemList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create a tandem.
#[utoipa::path(post, path = "/tandems", tag = "tandems", request_body = tandem_domain::handoff::TandemInput,
    responses((status = 201, body = TandemOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_tandem(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<TandemInput>,
) -> AppResult<Response> {
    let t = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/tandems/{}", t.id);
    Ok(created(&location, TandemOut::from(t)))
}

/// Change a tandem: the fields given replace the stored ones; `version` is required.
#[utoipa::path(patch, path = "/tandems/{id}", tag = "tandems", params(("id" = uuid::Uuid, Path)),
    request_body = tandem_domain::handoff::TandemInput,
    responses((status = 200, body = TandemOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_tandem(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TandemId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<TandemOut>> {
    let current = svc::get(&state.store, &auth, id).await?;
    let stored = TandemInput {
        field_id: Some(current.data.tandem.field_id),
        inside_id: Some(current.data.tandem.inside_id),
        deputy_id: current.data.tandem.deputy_id,
        agreement: current.data.agreement.clone(),
        sla_hours: current
            .data
            .sla_minutes
            .iter()
            .map(|(k, m)| (*k, *m as f64 / 60.0))
            .collect(),
    };
    let (version, input) = tandem_app::merge_patch(&stored, patch)?;
    Ok(Json(
        svc::update(&state.store, &auth, id, version, input)
            .await?
            .into(),
    ))
}

/// Dissolve a tandem.
#[utoipa::path(delete, path = "/tandems/{id}", tag = "tandems", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_tandem(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<TandemId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tandems, create_tandem))
        .routes(routes!(patch_tandem, delete_tandem))
}
