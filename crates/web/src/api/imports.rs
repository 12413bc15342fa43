//! `/api/v1/imports`: upload, mapping, preview, dry run, run, result, undo.

use crate::extract::Id;
use crate::{
    AppState,
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tandem_app::imports as svc;
use tandem_domain::{
    ImportId, Invalid,
    import::{Kind, OnDuplicate},
};
use tandem_store::imports::Import;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// One row's problem (row 1 = the first data row).
#[derive(Serialize, ToSchema)]
pub struct RowErrorOut {
    pub row: u64,
    pub field: String,
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: uuid::Uuid,
    /// `accounts`, `contacts`, `leads`, `deals`
    pub kind: String,
    pub file_name: String,
    /// `uploaded`, `running`, `done`, `failed`, `undone`
    pub status: String,
    /// The field of each column by position (`null`: left out).
    pub mapping: Vec<Option<String>>,
    /// `skip`, `update` or `create`
    pub on_duplicate: String,
    pub total_rows: i64,
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub duplicates: i64,
    pub row_errors: Vec<RowErrorOut>,
    pub failure: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl From<Import> for ImportOut {
    fn from(i: Import) -> Self {
        ImportOut {
            id: i.id.0,
            kind: i.kind.as_str().into(),
            file_name: i.file_name,
            status: i.status.as_str().into(),
            mapping: i.mapping,
            on_duplicate: i.on_duplicate.as_str().into(),
            total_rows: i.total_rows,
            processed: i.processed,
            created: i.created,
            updated: i.updated,
            skipped: i.skipped,
            duplicates: i.duplicates,
            row_errors: i
                .row_errors
                .into_iter()
                .map(|e| RowErrorOut {
                    row: e.row,
                    field: e.field,
                    code: e.code,
                })
                .collect(),
            failure: i.failure,
            version: i.version,
            created_at: i.created_at.to_rfc3339(),
            finished_at: i.finished_at.map(|t| t.to_rfc3339()),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `accounts`, `contacts`, `leads` or `deals` (required)
    #[param(required = true)]
    kind: Option<String>,
    /// The file's name, for the list of imports
    file_name: Option<String>,
}

/// Upload a CSV (UTF-8 or Windows-1252, `;` `,` or tab) or XLSX file as the body (at
/// most 20 MB). The answer carries the mapping guessed from the headers.
#[utoipa::path(post, path = "/imports", tag = "imports", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 201, body = ImportOut), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<UploadParams>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let kind = match p.kind.as_deref().map(str::trim) {
        None | Some("") => return Err(Invalid::one("kind", "required").into()),
        Some(k) => Kind::parse(k).ok_or_else(|| Invalid::one("kind", "invalid_choice"))?,
    };
    let i = svc::upload(
        &state.store,
        &auth,
        kind,
        p.file_name.as_deref().unwrap_or(""),
        &body,
    )
    .await?;
    Ok(crate::api::list::created(
        &format!("/api/v1/imports/{}", i.id.0),
        ImportOut::from(i),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ImportList {
    pub items: Vec<ImportOut>,
    pub next_cursor: Option<String>,
}

/// The newest imports.
#[utoipa::path(get, path = "/imports", tag = "imports", responses((status = 200, body = ImportList)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<ImportList>> {
    let all = svc::recent(&state.store, &auth).await?;
    Ok(Json(ImportList {
        items: all.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// An import with its progress and result.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ImportOut), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Json<ImportOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingWrite {
    version: Option<i64>,
    /// The field of each column by position; `null` leaves a column out.
    mapping: Vec<Option<String>>,
    /// `skip` (default), `update` or `create`
    on_duplicate: Option<String>,
    /// Company names to make as new companies although an existing company has the
    /// name in another spelling (see `company_spellings` in the preview); absent keeps
    /// the choice made before.
    new_companies: Option<Vec<String>>,
}

/// Choose the mapping and what duplicates do (before the import starts).
#[utoipa::path(put, path = "/imports/{id}/mapping", tag = "imports", params(("id" = uuid::Uuid, Path)),
    request_body = MappingWrite,
    responses((status = 200, body = ImportOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn mapping(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
    crate::api::json::ApiJson(w): crate::api::json::ApiJson<MappingWrite>,
) -> AppResult<Json<ImportOut>> {
    let mode = match w.on_duplicate.as_deref() {
        None => OnDuplicate::Skip,
        Some(m) => {
            OnDuplicate::parse(m).ok_or_else(|| Invalid::one("on_duplicate", "invalid_choice"))?
        }
    };
    let i = svc::set_mapping(
        &state.store,
        &auth,
        id,
        w.version,
        w.mapping,
        mode,
        w.new_companies,
    )
    .await?;
    Ok(Json(i.into()))
}

#[derive(Serialize, ToSchema)]
pub struct PreviewOut {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What these rows would come to.
    pub outcome: svc::Outcome,
}

/// The first 20 rows with their problems; nothing is written.
#[utoipa::path(get, path = "/imports/{id}/preview", tag = "imports", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PreviewOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn preview(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Json<PreviewOut>> {
    let (_, table, outcome) = svc::preview(&state.store, &auth, id, 20).await?;
    Ok(Json(PreviewOut {
        headers: table.headers,
        rows: table.rows,
        outcome,
    }))
}

/// Every row through the import in a transaction that is rolled back.
#[utoipa::path(post, path = "/imports/{id}/dry-run", tag = "imports", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = svc::Outcome), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn dry_run(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Json<svc::Outcome>> {
    Ok(Json(svc::dry_run(&state.store, &auth, id).await?))
}

/// Start the import (a job; follow it with `GET /imports/{id}`).
#[utoipa::path(post, path = "/imports/{id}/run", tag = "imports", params(("id" = uuid::Uuid, Path)),
    responses((status = 202, body = ImportOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn run(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Response> {
    let i = svc::start(&state.store, &auth, id, None).await?;
    Ok((StatusCode::ACCEPTED, Json(ImportOut::from(i))).into_response())
}

/// Undo a finished import: what it made goes to the trash, what it changed is restored.
#[utoipa::path(post, path = "/imports/{id}/undo", tag = "imports", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ImportOut), (status = 409, body = Problem)))]
async fn undo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Json<ImportOut>> {
    Ok(Json(svc::undo(&state.store, &auth, id).await?.into()))
}

pub fn router() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new().routes(routes!(upload, list)).layer(
        axum::extract::DefaultBodyLimit::max(crate::UPLOAD_BODY_LIMIT),
    );
    OpenApiRouter::new()
        .merge(uploads)
        .routes(routes!(get))
        .routes(routes!(mapping))
        .routes(routes!(preview))
        .routes(routes!(dry_run))
        .routes(routes!(run))
        .routes(routes!(undo))
}
