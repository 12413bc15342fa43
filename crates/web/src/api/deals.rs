//! `/api/v1/deals`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::list::custom_filters,
    api::{
        accounts::AuditOut,
        json::ApiJson,
        list::{ListBasics, created, id},
    },
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::deals::{self as svc, ListQuery};
use tandem_domain::{
    DealId, FieldError, Instant, Invalid,
    deal::{DealInput, DealStatus, days_since, rotting},
};
use tandem_store::deals::{Deal, Filter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use tandem_app::deals::MoneyOut;

/// A contact on a deal and the part they play.
#[derive(Serialize, ToSchema)]
pub struct DealContactOut {
    pub contact_id: uuid::Uuid,
    /// decision_maker, influencer or user
    pub role: String,
    pub name: String,
}

/// An opportunity with an account, in a stage of a pipeline.
#[derive(Serialize, ToSchema)]
pub struct DealOut {
    pub id: uuid::Uuid,
    pub title: String,
    pub account_id: uuid::Uuid,
    pub account_name: String,
    pub pipeline_id: uuid::Uuid,
    pub stage_id: uuid::Uuid,
    pub stage_name: String,
    pub amount: Option<MoneyOut>,
    /// The deal's own probability in basis points (2500 = 25 %); null: the stage's.
    pub probability_bp: Option<i64>,
    /// The probability that counts: won 10000, lost 0, else own or the stage's.
    pub effective_probability_bp: i64,
    /// amount × effective probability
    pub weighted_amount: Option<MoneyOut>,
    /// commit, best_case, pipeline or omitted as set on the deal; null: by probability
    pub forecast_category: Option<String>,
    /// The category the forecast counts an open deal in (the one set, else commit from
    /// 70 %, best_case from 30 %, pipeline below); null for closed deals.
    pub effective_forecast_category: Option<String>,
    /// YYYY-MM-DD
    pub expected_close: Option<String>,
    pub owner_id: Option<uuid::Uuid>,
    pub owner_name: Option<String>,
    pub inside_partner_id: Option<uuid::Uuid>,
    pub inside_partner_name: Option<String>,
    pub next_step: Option<String>,
    pub next_step_due: Option<String>,
    /// existing_customer, referral, trade_fair, website, marketing, cold_outreach, partner, other
    pub source: Option<String>,
    /// open, won or lost
    pub status: String,
    pub lost_reason: Option<String>,
    pub competitor: Option<String>,
    pub contacts: Vec<DealContactOut>,
    pub notes: Option<String>,
    /// When the deal entered its current stage.
    pub stage_entered_at: String,
    pub days_in_stage: i64,
    /// Longer in the stage than the stage's rotting age.
    pub rotting: bool,
    pub closed_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Custom field values by key (`GET /custom-fields` lists the fields).
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub deleted_at: Option<String>,
}

impl DealOut {
    /// The deal as the API shows it; its days in the stage count up to `now`.
    pub fn at(deal: Deal, now: Instant) -> Self {
        let effective = deal.probability_bp();
        let open = deal.data.status == DealStatus::Open;
        let forecast = deal.data.forecast(deal.stage_probability_bp);
        let d = deal.data;
        DealOut {
            id: deal.id.0,
            title: d.title,
            account_id: d.account_id.0,
            account_name: deal.account_name,
            pipeline_id: d.pipeline_id.0,
            stage_id: d.stage_id.0,
            stage_name: deal.stage_name,
            weighted_amount: d.amount.as_ref().map(|m| m.weighted(effective).into()),
            amount: d.amount.map(Into::into),
            probability_bp: d.probability_bp,
            effective_probability_bp: effective,
            effective_forecast_category: forecast.map(|f| f.as_str().into()),
            forecast_category: d.forecast_category.map(|f| f.as_str().into()),
            expected_close: d.expected_close.map(|x| x.to_string()),
            owner_id: d.owner_id.map(|o| o.0),
            owner_name: deal.owner_name,
            inside_partner_id: d.inside_partner_id.map(|o| o.0),
            inside_partner_name: deal.partner_name,
            next_step: d.next_step,
            next_step_due: d.next_step_due.map(|x| x.to_string()),
            source: d.source.map(|s| s.as_str().into()),
            status: d.status.as_str().into(),
            lost_reason: d.lost_reason,
            competitor: d.competitor,
            contacts: d
                .contacts
                .iter()
                .zip(deal.contact_names)
                .map(|(c, name)| DealContactOut {
                    contact_id: c.contact_id.0,
                    role: c.role.as_str().into(),
                    name,
                })
                .collect(),
            notes: d.notes,
            stage_entered_at: deal.stage_entered_at.to_rfc3339(),
            days_in_stage: days_since(deal.stage_entered_at, now),
            rotting: open && rotting(deal.stage_entered_at, deal.stage_rotting_days, now),
            closed_at: deal.closed_at.map(|c| c.to_rfc3339()),
            version: deal.version,
            created_at: deal.created_at.to_rfc3339(),
            updated_at: deal.updated_at.to_rfc3339(),
            deleted_at: deal.deleted_at.map(|d| d.to_rfc3339()),
            custom: d.custom,
        }
    }
}

patch_body!(DealPatch, tandem_domain::deal::DealInput);

#[derive(Serialize, ToSchema)]
pub struct DealList {
    pub items: Vec<DealOut>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50
    limit: Option<String>,
    cursor: Option<String>,
    /// name (title), -name, created_at, -created_at, updated_at, -updated_at
    sort: Option<String>,
    /// Search in title and competitor.
    q: Option<String>,
    pipeline_id: Option<String>,
    stage_id: Option<String>,
    /// open, won or lost
    status: Option<String>,
    owner_id: Option<String>,
    account_id: Option<String>,
    contact_id: Option<String>,
    /// true lists the trash
    deleted: Option<String>,
}

impl ListParams {
    fn into_query(self) -> AppResult<ListQuery> {
        let mut errors: Vec<FieldError> = vec![];
        let basics = ListBasics::parse(self.limit, self.sort, self.deleted, &mut errors);
        let status = match self.status.as_deref() {
            None | Some("") => None,
            Some(s) => DealStatus::parse(s).or_else(|| {
                errors.push(FieldError::new("status", "invalid_choice"));
                None
            }),
        };
        let filter = Filter {
            q: self.q,
            pipeline_id: id("pipeline_id", self.pipeline_id.as_deref(), &mut errors),
            stage_id: id("stage_id", self.stage_id.as_deref(), &mut errors),
            status,
            owner_id: id("owner_id", self.owner_id.as_deref(), &mut errors),
            account_id: id("account_id", self.account_id.as_deref(), &mut errors),
            contact_id: id("contact_id", self.contact_id.as_deref(), &mut errors),
            deleted: basics.deleted,
            seen: Default::default(),
            custom: vec![],
        };
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        Ok(ListQuery {
            filter,
            sort: basics.sort,
            limit: basics.limit,
            cursor: self.cursor,
        })
    }
}

/// List deals, filtered and sorted, one page at a time.
#[utoipa::path(get, path = "/deals", tag = "deals", params(ListParams),
    responses((status = 200, body = DealList), (status = 422, body = Problem)))]
async fn list_deals(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<DealList>> {
    let mut query = params.into_query()?;
    query.filter.custom =
        custom_filters(&state, &auth, tandem_domain::custom::Entity::Deal, raw).await?;
    let page = svc::list(&state.store, &auth, &query).await?;
    Ok(Json(DealList {
        items: page
            .items
            .into_iter()
            .map(|d| DealOut::at(d, state.store.now()))
            .collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Create a deal.
#[utoipa::path(post, path = "/deals", tag = "deals", request_body = tandem_domain::deal::DealInput,
    responses((status = 201, body = DealOut, headers(("Location" = String))),
              (status = 400, body = Problem), (status = 422, body = Problem)))]
async fn create_deal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<DealInput>,
) -> AppResult<Response> {
    let deal = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/deals/{}", deal.id);
    Ok(created(&location, DealOut::at(deal, state.store.now())))
}

/// One deal (also from the trash, with `deleted_at` set).
#[utoipa::path(get, path = "/deals/{id}", tag = "deals",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = DealOut), (status = 404, body = Problem)))]
async fn get_deal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Json<DealOut>> {
    Ok(Json(DealOut::at(
        svc::get(&state.store, &auth, id).await?,
        state.store.now(),
    )))
}

/// Change some fields (move the stage, win or lose); `version` must be the one last read.
#[utoipa::path(patch, path = "/deals/{id}", tag = "deals",
    params(("id" = uuid::Uuid, Path)), request_body = DealPatch,
    responses((status = 200, body = DealOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_deal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<DealOut>> {
    Ok(Json(DealOut::at(
        svc::patch(&state.store, &auth, id, patch).await?,
        state.store.now(),
    )))
}

/// Move a deal to the trash.
#[utoipa::path(delete, path = "/deals/{id}", tag = "deals",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_deal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a deal back out of the trash.
#[utoipa::path(post, path = "/deals/{id}/restore", tag = "deals",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = DealOut), (status = 404, body = Problem)))]
async fn restore_deal(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Json<DealOut>> {
    svc::restore(&state.store, &auth, id).await?;
    Ok(Json(DealOut::at(
        svc::get(&state.store, &auth, id).await?,
        state.store.now(),
    )))
}

/// The audit log of a deal, newest first.
#[utoipa::path(get, path = "/deals/{id}/history", tag = "deals",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 404, body = Problem)))]
async fn deal_history(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let entries = svc::history(&state.store, &auth, id).await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}

/// One stay of a deal in a stage.
#[derive(Serialize, ToSchema)]
pub struct StageVisitOut {
    pub stage_id: uuid::Uuid,
    pub stage_name: String,
    pub entered_at: String,
    /// null while the deal is still in the stage
    pub left_at: Option<String>,
    pub moved_by: Option<String>,
}

/// A later expected close date.
#[derive(Serialize, ToSchema)]
pub struct SlipOut {
    pub from: String,
    pub to: String,
    pub at: String,
    pub by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DealTimeline {
    /// Oldest first.
    pub stages: Vec<StageVisitOut>,
    /// Oldest first.
    pub close_date_slips: Vec<SlipOut>,
}

/// The stages a deal went through (entered/left) and the slips of its close date.
#[utoipa::path(get, path = "/deals/{id}/stages", tag = "deals",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = DealTimeline), (status = 404, body = Problem)))]
async fn deal_stages(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Json<DealTimeline>> {
    let (visits, slips) = svc::timeline(&state.store, &auth, id).await?;
    Ok(Json(DealTimeline {
        stages: visits
            .into_iter()
            .map(|v| StageVisitOut {
                stage_id: v.stage_id.0,
                stage_name: v.stage_name,
                entered_at: v.entered_at.to_rfc3339(),
                left_at: v.left_at.map(|l| l.to_rfc3339()),
                moved_by: v.actor_name,
            })
            .collect(),
        close_date_slips: slips
            .into_iter()
            .map(|s| SlipOut {
                from: s.from.to_string(),
                to: s.to.to_string(),
                at: s.at.to_rfc3339(),
                by: s.actor_name,
            })
            .collect(),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deals, create_deal))
        .routes(routes!(get_deal, patch_deal, delete_deal))
        .routes(routes!(restore_deal))
        .routes(routes!(deal_history))
        .routes(routes!(deal_stages))
}
