//! Pipelines and stages: everyone reads them; admins shape them. A stage or pipeline
//! that still holds deals cannot be removed (409 naming why).

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {record_change, require_admin},
};
use serde::{Deserialize, Serialize};
use tandem_domain::{
    FieldError, Invalid, PipelineId, StageId,
    audit::diff,
    pipeline::{PipelineInput, StageInput},
};
use tandem_store::{
    Store, Tx,
    audit::Action,
    pipelines::{self, Pipeline, Stage},
};

pub async fn list(store: &Store, auth: &Auth) -> AppResult<Vec<Pipeline>> {
    let mut c = store.read().await?;
    Ok(pipelines::list(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn get(store: &Store, auth: &Auth, id: PipelineId) -> AppResult<Pipeline> {
    let mut c = store.read().await?;
    Ok(pipelines::get(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// A new pipeline: a name and, optionally, its stages (none: the standard stages).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPipeline {
    #[serde(default)]
    pub name: String,
    /// In order; none: the standard stages
    #[serde(default)]
    pub stages: Vec<StageInput>,
}

pub async fn create(store: &Store, auth: &Auth, input: NewPipeline) -> AppResult<Pipeline> {
    require_admin(auth)?;
    let name = PipelineInput {
        name: input.name.clone(),
    }
    .validate()?;
    let mut stages = vec![];
    let mut errors = vec![];
    for (i, s) in input.stages.iter().enumerate() {
        match s.validate() {
            Ok(d) => stages.push(d),
            Err(Invalid(e)) => errors.extend(
                e.into_iter()
                    .map(|f| FieldError::new(format!("stages[{i}].{}", f.field), f.code)),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    if stages.is_empty() {
        stages = tandem_domain::pipeline::default_pipeline(auth.user.locale).1;
    }
    let ws = auth.user.workspace_id;
    let id = PipelineId::new();
    let mut tx = store.begin().await?;
    pipelines::insert(&mut tx.conn(), ws, id, &name, Some(auth.user.id)).await?;
    for stage in &stages {
        pipelines::insert_stage(
            &mut tx.conn(),
            ws,
            id,
            StageId::new(),
            stage,
            Some(auth.user.id),
        )
        .await?;
    }
    let created = serde_json::json!({ "name": [null, name], "stages": [null, stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>()] });
    record(&mut tx, auth, "pipeline", id.0, Action::Create, created).await?;
    let pipeline = pipelines::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(pipeline)
}

pub async fn rename(
    store: &Store,
    auth: &Auth,
    id: PipelineId,
    version: i64,
    name: &str,
) -> AppResult<Pipeline> {
    require_admin(auth)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = pipelines::get(&mut tx.conn(), ws, id).await?;
    let name = PipelineInput { name: name.into() }.validate()?;
    pipelines::rename(&mut tx.conn(), ws, id, version, &name).await?;
    if before.name != name {
        let change = serde_json::json!({ "name": [before.name, name] });
        record(&mut tx, auth, "pipeline", id.0, Action::Update, change).await?;
    }
    let pipeline = pipelines::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(pipeline)
}

pub async fn delete(store: &Store, auth: &Auth, id: PipelineId) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    pipelines::get(&mut tx.conn(), ws, id).await?;
    require_admin(auth)?;
    if pipelines::live_deals(&mut tx.conn(), ws, "pipeline_id", id.0).await? > 0 {
        return Err(AppError::InUse(Invalid::one("pipeline", "has_deals")));
    }
    if pipelines::list(&mut tx.conn(), ws).await?.len() <= 1 {
        return Err(AppError::InUse(Invalid::one("pipeline", "last_pipeline")));
    }
    pipelines::set_deleted(&mut tx.conn(), ws, id, true).await?;
    record(
        &mut tx,
        auth,
        "pipeline",
        id.0,
        Action::Delete,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The stage and the pipeline it belongs to.
async fn find_stage(tx: &mut Tx, auth: &Auth, id: StageId) -> AppResult<(Pipeline, Stage)> {
    let all = pipelines::list(&mut tx.conn(), auth.user.workspace_id).await?;
    for p in all {
        if let Some(s) = p.stage(id).cloned() {
            return Ok((p, s));
        }
    }
    Err(AppError::NotFound)
}

pub async fn add_stage(
    store: &Store,
    auth: &Auth,
    pipeline: PipelineId,
    input: StageInput,
) -> AppResult<Stage> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    pipelines::get(&mut tx.conn(), ws, pipeline).await?;
    require_admin(auth)?;
    let data = input.validate()?;
    let id = StageId::new();
    pipelines::insert_stage(&mut tx.conn(), ws, pipeline, id, &data, Some(auth.user.id)).await?;
    record(
        &mut tx,
        auth,
        "stage",
        id.0,
        Action::Create,
        diff(None, Some(&data), &[]),
    )
    .await?;
    let (_, stage) = find_stage(&mut tx, auth, id).await?;
    tx.commit().await?;
    Ok(stage)
}

pub async fn update_stage(
    store: &Store,
    auth: &Auth,
    id: StageId,
    version: i64,
    input: StageInput,
) -> AppResult<Stage> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let (_, before) = find_stage(&mut tx, auth, id).await?;
    require_admin(auth)?;
    if before.version != version {
        return Err(AppError::Conflict {
            current_version: before.version,
        });
    }
    let data = input.validate()?;
    pipelines::update_stage(&mut tx.conn(), ws, id, version, &data).await?;
    let changes = diff(Some(&before.data), Some(&data), &[]);
    if changes.as_object().is_some_and(|m| !m.is_empty()) {
        record(&mut tx, auth, "stage", id.0, Action::Update, changes).await?;
    }
    let (_, stage) = find_stage(&mut tx, auth, id).await?;
    tx.commit().await?;
    Ok(stage)
}

/// A partial stage update: the fields in `patch` replace the stored ones.
pub async fn patch_stage(
    store: &Store,
    auth: &Auth,
    id: StageId,
    patch: serde_json::Map<String, serde_json::Value>,
) -> AppResult<Stage> {
    let mut tx = store.begin().await?;
    let (_, current) = find_stage(&mut tx, auth, id).await?;
    drop(tx);
    let (version, input) = super::merge_patch(&current.data.to_input(), patch)?;
    update_stage(store, auth, id, version, input).await
}

pub async fn delete_stage(store: &Store, auth: &Auth, id: StageId) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let (pipeline, _) = find_stage(&mut tx, auth, id).await?;
    require_admin(auth)?;
    if pipelines::live_deals(&mut tx.conn(), ws, "stage_id", id.0).await? > 0 {
        return Err(AppError::InUse(Invalid::one("stage", "has_deals")));
    }
    if pipeline.stages.len() <= 1 {
        return Err(AppError::InUse(Invalid::one("stage", "last_stage")));
    }
    pipelines::delete_stage(&mut tx.conn(), ws, id).await?;
    record(
        &mut tx,
        auth,
        "stage",
        id.0,
        Action::Delete,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a stage one place earlier (`-1`) or later (`1`) in its pipeline.
pub async fn move_stage(store: &Store, auth: &Auth, id: StageId, by: i64) -> AppResult<Pipeline> {
    place_stage(store, auth, id, Place::By(by)).await
}

/// Where a stage goes: some places on, or to a position (0-based; clamped).
pub enum Place {
    By(i64),
    At(usize),
}

/// Puts a stage at another place in its pipeline (drag and drop in the settings).
pub async fn place_stage(
    store: &Store,
    auth: &Auth,
    id: StageId,
    place: Place,
) -> AppResult<Pipeline> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let (pipeline, _) = find_stage(&mut tx, auth, id).await?;
    require_admin(auth)?;
    let mut order: Vec<StageId> = pipeline.stages.iter().map(|s| s.id).collect();
    let from = order.iter().position(|s| *s == id).unwrap_or_default();
    let last = order.len() as i64 - 1;
    let to = match place {
        Place::By(by) => (from as i64 + by).clamp(0, last) as usize,
        Place::At(at) => (at as i64).clamp(0, last) as usize,
    };
    if from != to {
        let moved = order.remove(from);
        order.insert(to, moved);
        pipelines::reorder(&mut tx.conn(), ws, &order).await?;
        let change = serde_json::json!({ "position": [from + 1, to + 1] });
        record(&mut tx, auth, "stage", id.0, Action::Update, change).await?;
    }
    let pipeline = pipelines::get(&mut tx.conn(), ws, pipeline.id).await?;
    tx.commit().await?;
    Ok(pipeline)
}

async fn record(
    tx: &mut Tx,
    auth: &Auth,
    entity: &'static str,
    id: uuid::Uuid,
    action: Action,
    diff: serde_json::Value,
) -> AppResult<()> {
    record_change(tx, auth, entity, "pipelines", id, action, diff).await
}
