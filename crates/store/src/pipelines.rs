//! Pipelines and their ordered stages.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Func, Order, Query};
use tandem_domain::{
    Locale, PipelineId, StageId, UserId, WorkspaceId,
    pipeline::{ExitCriterion, StageData, default_pipeline},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub id: StageId,
    pub pipeline_id: PipelineId,
    pub data: StageData,
    pub position: i64,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    pub position: i64,
    pub version: i64,
    /// The live stages, in order.
    pub stages: Vec<Stage>,
}

impl Pipeline {
    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

#[derive(sqlx::FromRow)]
struct PipelineRow {
    id: Uuid,
    name: String,
    position: i64,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct StageRow {
    id: Uuid,
    pipeline_id: Uuid,
    name: String,
    position: i64,
    probability_bp: i64,
    rotting_days: Option<i64>,
    exit_criteria: String,
    version: i64,
}

impl From<StageRow> for Stage {
    fn from(r: StageRow) -> Stage {
        let criteria: Vec<String> = serde_json::from_str(&r.exit_criteria).unwrap_or_default();
        Stage {
            id: StageId(r.id),
            pipeline_id: PipelineId(r.pipeline_id),
            data: StageData {
                name: r.name,
                probability_bp: r.probability_bp,
                rotting_days: r.rotting_days,
                exit_criteria: criteria
                    .iter()
                    .filter_map(|c| ExitCriterion::parse(c))
                    .collect(),
            },
            position: r.position,
            version: r.version,
        }
    }
}

const STAGE_COLS: [&str; 8] = [
    "id",
    "pipeline_id",
    "name",
    "position",
    "probability_bp",
    "rotting_days",
    "exit_criteria",
    "version",
];

fn stage_values(d: &StageData) -> Vec<(&'static str, sea_query::Value)> {
    let criteria: Vec<&str> = d.exit_criteria.iter().map(|c| c.as_str()).collect();
    vec![
        ("name", d.name.clone().into()),
        ("probability_bp", d.probability_bp.into()),
        ("rotting_days", d.rotting_days.into()),
        (
            "exit_criteria",
            serde_json::to_string(&criteria)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
    ]
}

/// Every live pipeline with its live stages, in order.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<Pipeline>> {
    let q = Query::select()
        .columns(["id", "name", "position", "version"])
        .from("pipelines")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("position", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    let rows: Vec<PipelineRow> = c.all(&q).await?;
    let q = Query::select()
        .columns(STAGE_COLS)
        .from("stages")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("position", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    let stages: Vec<StageRow> = c.all(&q).await?;
    let mut out: Vec<Pipeline> = rows
        .into_iter()
        .map(|r| Pipeline {
            id: PipelineId(r.id),
            name: r.name,
            position: r.position,
            version: r.version,
            stages: vec![],
        })
        .collect();
    for s in stages {
        let s = Stage::from(s);
        if let Some(p) = out.iter_mut().find(|p| p.id == s.pipeline_id) {
            p.stages.push(s);
        }
    }
    Ok(out)
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: PipelineId) -> StoreResult<Pipeline> {
    list(c, ws)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(StoreError::NotFound)
}

async fn next_position(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    pipeline: Option<PipelineId>,
) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct Max {
        max: Option<i64>,
    }
    let mut q = Query::select();
    q.expr_as(Func::max(Expr::col("position")), "max")
        .from(table)
        .and_where(Expr::col("workspace_id").eq(ws.0));
    if let Some(p) = pipeline {
        q.and_where(Expr::col("pipeline_id").eq(p.0));
    }
    let m: Max = c.one(&q).await?;
    Ok(m.max.map_or(0, |m| m + 1))
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PipelineId,
    name: &str,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let position = next_position(c, "pipelines", ws, None).await?;
    list::insert_record(
        c,
        "pipelines",
        ws,
        id.0,
        vec![("name", name.into()), ("position", position.into())],
        actor,
    )
    .await
}

pub async fn rename(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PipelineId,
    version: i64,
    name: &str,
) -> StoreResult<()> {
    list::update_record(
        c,
        "pipelines",
        ws,
        id.0,
        version,
        vec![("name", name.into())],
    )
    .await
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: PipelineId,
    deleted: bool,
) -> StoreResult<()> {
    list::set_deleted(c, "pipelines", ws, id.0, deleted).await
}

/// Adds a stage at the end of its pipeline.
pub async fn insert_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    pipeline: PipelineId,
    id: StageId,
    data: &StageData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let position = next_position(c, "stages", ws, Some(pipeline)).await?;
    let mut values = stage_values(data);
    values.push(("pipeline_id", pipeline.0.into()));
    values.push(("position", position.into()));
    list::insert_record(c, "stages", ws, id.0, values, actor).await
}

pub async fn update_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: StageId,
    version: i64,
    data: &StageData,
) -> StoreResult<()> {
    list::update_record(c, "stages", ws, id.0, version, stage_values(data)).await
}

pub async fn delete_stage(c: &mut Conn<'_>, ws: WorkspaceId, id: StageId) -> StoreResult<()> {
    list::set_deleted(c, "stages", ws, id.0, true).await
}

/// Puts the stages of a pipeline into the given order (ids of its live stages).
pub async fn reorder(c: &mut Conn<'_>, ws: WorkspaceId, order: &[StageId]) -> StoreResult<()> {
    let now = c.now().0;
    for (position, id) in order.iter().enumerate() {
        let q = Query::update()
            .table("stages")
            .value("position", position as i64)
            .value("version", Expr::col("version").add(1))
            .value("updated_at", now)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("id").eq(id.0))
            .to_owned();
        c.exec(&q).await?;
    }
    Ok(())
}

/// How many live deals sit in a stage (or in any stage of a pipeline).
pub async fn live_deals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    column: &'static str,
    id: Uuid,
) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    let q = Query::select()
        .expr_as(Func::count(Expr::col("id")), "n")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col(column).eq(id))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    let n: Count = c.one(&q).await?;
    Ok(n.n)
}

/// The pipeline a new workspace starts with; returns its id.
pub async fn create_default(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    locale: Locale,
    actor: Option<UserId>,
) -> StoreResult<PipelineId> {
    let (name, stages) = default_pipeline(locale);
    let id = PipelineId::new();
    insert(c, ws, id, &name, actor).await?;
    for stage in &stages {
        insert_stage(c, ws, id, StageId::new(), stage, actor).await?;
    }
    Ok(id)
}
