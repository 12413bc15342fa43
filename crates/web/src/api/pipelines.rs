//! `/api/v1/pipelines`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::json::ApiJson,
    api::list::created,
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::pipelines::{self as svc, NewPipeline};
use tandem_domain::{Invalid, PipelineId, StageId, pipeline::StageInput};
use tandem_store::pipelines::{Pipeline, Stage};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A stage of a pipeline.
#[derive(Serialize, ToSchema)]
pub struct StageOut {
    pub id: uuid::Uuid,
    pub pipeline_id: uuid::Uuid,
    pub name: String,
    /// 0-based order within the pipeline
    pub position: i64,
    /// Default probability of deals in the stage, in basis points (2500 = 25 %).
    pub probability_bp: i64,
    /// Days after which a deal in the stage counts as rotting; null: never.
    pub rotting_days: Option<i64>,
    /// What a deal must have to leave the stage forwards: amount, expected_close,
    /// next_step, contact, decision_maker, inside_partner
    pub exit_criteria: Vec<String>,
    pub version: i64,
}

impl From<Stage> for StageOut {
    fn from(s: Stage) -> Self {
        StageOut {
            id: s.id.0,
            pipeline_id: s.pipeline_id.0,
            name: s.data.name,
            position: s.position,
            probability_bp: s.data.probability_bp,
            rotting_days: s.data.rotting_days,
            exit_criteria: s
                .data
                .exit_criteria
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            version: s.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PipelineOut {
    pub id: uuid::Uuid,
    pub name: String,
    pub version: i64,
    /// In order.
    pub stages: Vec<StageOut>,
}

impl From<Pipeline> for PipelineOut {
    fn from(p: Pipeline) -> Self {
        PipelineOut {
            id: p.id.0,
            name: p.name,
            version: p.version,
            stages: p.stages.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelinePatch {
    version: i64,
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    /// -1: one place earlier, 1: one place later
    by: i64,
}

fn pipeline_id(raw: &str) -> AppResult<PipelineId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

fn stage_id(raw: &str) -> AppResult<StageId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// Every pipeline with its stages.
#[utoipa::path(get, path = "/pipelines", tag = "pipelines",
    responses((status = 200, body = Vec<PipelineOut>)))]
async fn list_pipelines(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Vec<PipelineOut>>> {
    let all = svc::list(&state.store, &auth).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Create a pipeline (admins).
#[utoipa::path(post, path = "/pipelines", tag = "pipelines", request_body = tandem_app::pipelines::NewPipeline,
    responses((status = 201, body = PipelineOut, headers(("Location" = String))),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_pipeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<NewPipeline>,
) -> AppResult<Response> {
    let p = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/pipelines/{}", p.id);
    Ok(created(&location, PipelineOut::from(p)))
}

/// One pipeline with its stages.
#[utoipa::path(get, path = "/pipelines/{id}", tag = "pipelines",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PipelineOut), (status = 404, body = Problem)))]
async fn get_pipeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
) -> AppResult<Json<PipelineOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// Rename a pipeline (admins).
#[utoipa::path(patch, path = "/pipelines/{id}", tag = "pipelines",
    params(("id" = uuid::Uuid, Path)), request_body = PipelinePatch,
    responses((status = 200, body = PipelineOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_pipeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
    ApiJson(body): ApiJson<PipelinePatch>,
) -> AppResult<Json<PipelineOut>> {
    let p = svc::rename(&state.store, &auth, id, body.version, &body.name).await?;
    Ok(Json(p.into()))
}

/// Remove a pipeline without deals (admins); 409 while deals are in it or it is the last.
#[utoipa::path(delete, path = "/pipelines/{id}", tag = "pipelines",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_pipeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a stage at the end of a pipeline (admins).
#[utoipa::path(post, path = "/pipelines/{id}/stages", tag = "pipelines",
    params(("id" = uuid::Uuid, Path)), request_body = tandem_domain::pipeline::StageInput,
    responses((status = 201, body = StageOut), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn add_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StageInput>,
) -> AppResult<Response> {
    let pid = pipeline_id(&id)?;
    let stage = svc::add_stage(&state.store, &auth, pid, input).await?;
    let location = format!("/api/v1/pipelines/{pid}/stages/{}", stage.id);
    Ok(created(&location, StageOut::from(stage)))
}

/// Check that a stage belongs to the pipeline of the path.
async fn stage_in(
    state: &AppState,
    auth: &crate::auth::Auth,
    pipeline: &str,
    stage: &str,
) -> AppResult<StageId> {
    let p = svc::get(&state.store, auth, pipeline_id(pipeline)?).await?;
    let s = stage_id(stage)?;
    p.stage(s).map(|s| s.id).ok_or(AppError::NotFound.into())
}

patch_body!(StagePatch, tandem_domain::pipeline::StageInput);

/// Change a stage (admins); `version` must be the one last read.
#[utoipa::path(patch, path = "/pipelines/{id}/stages/{stage_id}", tag = "pipelines",
    params(("id" = uuid::Uuid, Path), ("stage_id" = uuid::Uuid, Path)), request_body = StagePatch,
    responses((status = 200, body = StageOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((id, stage)): Path<(String, String)>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<StageOut>> {
    let s = stage_in(&state, &auth, &id, &stage).await?;
    Ok(Json(
        svc::patch_stage(&state.store, &auth, s, patch)
            .await?
            .into(),
    ))
}

/// Remove a stage without deals (admins); 409 while deals are in it or it is the last.
#[utoipa::path(delete, path = "/pipelines/{id}/stages/{stage_id}", tag = "pipelines",
    params(("id" = uuid::Uuid, Path), ("stage_id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((id, stage)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let s = stage_in(&state, &auth, &id, &stage).await?;
    svc::delete_stage(&state.store, &auth, s).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a stage one place earlier or later (admins).
#[utoipa::path(post, path = "/pipelines/{id}/stages/{stage_id}/move", tag = "pipelines",
    params(("id" = uuid::Uuid, Path), ("stage_id" = uuid::Uuid, Path)), request_body = StageMove,
    responses((status = 200, body = PipelineOut), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn move_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((id, stage)): Path<(String, String)>,
    ApiJson(body): ApiJson<StageMove>,
) -> AppResult<Json<PipelineOut>> {
    if body.by != -1 && body.by != 1 {
        return Err(Invalid::one("by", "out_of_range").into());
    }
    let s = stage_in(&state, &auth, &id, &stage).await?;
    Ok(Json(
        svc::move_stage(&state.store, &auth, s, body.by)
            .await?
            .into(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pipelines, create_pipeline))
        .routes(routes!(get_pipeline, patch_pipeline, delete_pipeline))
        .routes(routes!(add_stage))
        .routes(routes!(patch_stage, delete_stage))
        .routes(routes!(move_stage))
}
