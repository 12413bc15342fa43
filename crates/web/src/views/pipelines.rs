//! Administration of pipelines and stages: names, order, default probability, rotting
//! age and exit criteria. Every change is a plain form; errors show on the page.

use super::{Form, Layout, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::response::IntoResponse;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{pipelines as svc, require_admin};
use tandem_domain::{
    Invalid, PipelineId, StageId, format,
    pipeline::{ExitCriterion, StageInput},
};

pub struct StageRow {
    pub id: String,
    pub name: String,
    pub probability: String,
    pub rotting_days: String,
    pub version: i64,
    /// `(value, label, checked)` for each exit criterion.
    pub criteria: Vec<(String, String, bool)>,
    pub first: bool,
    pub last: bool,
}

pub struct PipelineView {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub stages: Vec<StageRow>,
}

#[derive(Template)]
#[template(path = "admin/pipelines.html")]
struct PipelinesPage {
    tr: Tr,
    layout: Layout,
    pipelines: Vec<PipelineView>,
    /// Messages of a refused change.
    problems: Vec<String>,
}

fn criterion_label(tr: Tr, c: ExitCriterion) -> String {
    tr.t(&format!("exit-{}", c.as_str().replace('_', "-")))
}

async fn page(
    state: &AppState,
    auth: &Auth,
    notice: Option<&str>,
    problems: Vec<String>,
) -> AppResult<PipelinesPage> {
    require_admin(auth)?;
    let tr = Tr::new(auth.user.locale);
    let all = svc::list(&state.store, auth).await?;
    let pipelines = all
        .into_iter()
        .map(|p| {
            let n = p.stages.len();
            PipelineView {
                id: p.id.to_string(),
                name: p.name,
                version: p.version,
                stages: p
                    .stages
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| StageRow {
                        id: s.id.to_string(),
                        probability: format::percent_input(s.data.probability_bp, auth.user.locale),
                        rotting_days: s
                            .data
                            .rotting_days
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        criteria: ExitCriterion::ALL
                            .iter()
                            .map(|c| {
                                (
                                    c.as_str().to_string(),
                                    criterion_label(tr, *c),
                                    s.data.exit_criteria.contains(c),
                                )
                            })
                            .collect(),
                        name: s.data.name,
                        version: s.version,
                        first: i == 0,
                        last: i + 1 == n,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(PipelinesPage {
        layout: Layout::new(auth, "admin", tr.t("pipelines-title"))
            .within("pipelines")
            .with_notice(notice),
        pipelines,
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

/// Back to the page after a change, or the page with what went wrong.
async fn done(
    state: &AppState,
    auth: &Auth,
    result: tandem_app::AppResult<()>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, problems) = match result {
        Ok(()) => return Ok(see_other("/admin/pipelines?notice=saved")),
        Err(AppError::Invalid(Invalid(e))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            e.iter()
                .map(|f| {
                    let field = match f.field.as_str() {
                        "probability_bp" => "probability".to_string(),
                        other => other.replace('_', "-"),
                    };
                    format!("{}: {}", tr.t(&format!("field-{field}")), tr.error(f.code))
                })
                .collect(),
        ),
        Err(AppError::InUse(Invalid(e))) => (
            StatusCode::CONFLICT,
            e.iter().map(|f| tr.error(f.code)).collect(),
        ),
        Err(AppError::Conflict { .. }) => (StatusCode::CONFLICT, vec![tr.t("conflict-reload")]),
        Err(e) => return Err(e.into()),
    };
    Ok(render_with(
        status,
        page(state, auth, None, problems).await?,
    ))
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let input = svc::NewPipeline {
        name: form.name,
        stages: vec![],
    };
    let result = svc::create(&state.store, &auth, input).await.map(|_| ());
    done(&state, &auth, result).await
}

pub async fn rename(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let version = form.version.parse().unwrap_or(-1);
    let result = svc::rename(&state.store, &auth, id, version, &form.name)
        .await
        .map(|_| ());
    done(&state, &auth, result).await
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
) -> AppResult<Response> {
    let result = svc::delete(&state.store, &auth, id).await;
    done(&state, &auth, result).await
}

/// A stage form. Checkboxes arrive as repeated `exit` fields, which `serde_urlencoded`
/// cannot gather into a list; the body is read as pairs instead.
struct StageForm {
    version: String,
    name: String,
    probability: String,
    rotting_days: String,
    exit: Vec<String>,
}

impl StageForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> StageForm {
        let mut f = StageForm {
            version: String::new(),
            name: String::new(),
            probability: String::new(),
            rotting_days: String::new(),
            exit: vec![],
        };
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "name" => f.name = v,
                "probability" => f.probability = v,
                "rotting_days" => f.rotting_days = v,
                "exit" => f.exit.push(v),
                _ => {}
            }
        }
        f
    }

    fn to_input(&self, auth: &Auth) -> Result<StageInput, Invalid> {
        let probability_bp = match self.probability.trim() {
            "" => Some(0),
            p => Some(
                format::parse_percent(p, auth.user.locale)
                    .ok_or_else(|| Invalid::one("probability_bp", "not_a_number"))?,
            ),
        };
        let rotting_days = match self.rotting_days.trim() {
            "" => None,
            d => Some(
                d.parse()
                    .map_err(|_| Invalid::one("rotting_days", "not_a_number"))?,
            ),
        };
        Ok(StageInput {
            name: self.name.clone(),
            probability_bp,
            rotting_days,
            exit_criteria: self.exit.clone(),
        })
    }
}

pub async fn add_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PipelineId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = StageForm::from_pairs(pairs);
    let result = match form.to_input(&auth) {
        Ok(input) => svc::add_stage(&state.store, &auth, id, input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    done(&state, &auth, result).await
}

pub async fn update_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<StageId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = StageForm::from_pairs(pairs);
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.to_input(&auth) {
        Ok(input) => svc::update_stage(&state.store, &auth, id, version, input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    done(&state, &auth, result).await
}

pub async fn delete_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<StageId>,
) -> AppResult<Response> {
    let result = svc::delete_stage(&state.store, &auth, id).await;
    done(&state, &auth, result).await
}

pub async fn stage_up(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<StageId>,
) -> AppResult<Response> {
    let result = svc::move_stage(&state.store, &auth, id, -1)
        .await
        .map(|_| ());
    done(&state, &auth, result).await
}

#[derive(Deserialize)]
pub struct PositionForm {
    #[serde(default)]
    position: String,
}

/// Drops a dragged stage at its new place (app.js; `X-Requested-With: fetch` gets 204).
pub async fn stage_position(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<StageId>,
    headers: axum::http::HeaderMap,
    Form(f): Form<PositionForm>,
) -> AppResult<Response> {
    let position = f
        .position
        .trim()
        .parse::<usize>()
        .map_err(|_| tandem_domain::Invalid::one("position", "not_a_number"))?;
    let result = svc::place_stage(&state.store, &auth, id, svc::Place::At(position))
        .await
        .map(|_| ());
    if headers
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes() == b"fetch")
    {
        result?;
        return Ok(axum::http::StatusCode::NO_CONTENT.into_response());
    }
    done(&state, &auth, result).await
}

pub async fn stage_down(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<StageId>,
) -> AppResult<Response> {
    let result = svc::move_stage(&state.store, &auth, id, 1)
        .await
        .map(|_| ());
    done(&state, &auth, result).await
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/pipelines", get(index).post(create))
        .route("/admin/pipelines/{id}", post(rename))
        .route("/admin/pipelines/{id}/delete", post(delete))
        .route("/admin/pipelines/{id}/stages", post(add_stage))
        .route("/admin/stages/{id}", post(update_stage))
        .route("/admin/stages/{id}/delete", post(delete_stage))
        .route("/admin/stages/{id}/up", post(stage_up))
        .route("/admin/stages/{id}/down", post(stage_down))
        .route("/admin/stages/{id}/position", post(stage_position))
}
