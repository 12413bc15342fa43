//! `/api/v1/campaigns` (with their report), `/api/v1/lead-report`, `/api/v1/forms`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::{deals::MoneyOut, json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppError, AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::campaigns as svc;
use tandem_domain::{CampaignId, LeadFormId, campaign::CampaignInput};
use tandem_store::{
    campaigns::{Campaign, LeadForm},
    leads::ReportScope,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    pub id: uuid::Uuid,
    pub name: String,
    /// `email`, `trade_fair`, `webinar`, `online`, `print`, `event`, `referral`, `other`
    pub channel: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub cost: MoneyOut,
    pub segment: Option<String>,
    pub notes: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Campaign> for CampaignOut {
    fn from(c: Campaign) -> Self {
        CampaignOut {
            id: c.id.0,
            name: c.data.name,
            channel: c.data.channel.as_str().into(),
            starts_on: c.data.starts_on.map(|d| d.to_string()),
            ends_on: c.data.ends_on.map(|d| d.to_string()),
            cost: c.data.cost.into(),
            segment: c.data.segment,
            notes: c.data.notes,
            version: c.version,
            created_at: c.created_at.to_rfc3339(),
            updated_at: c.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    pub items: Vec<CampaignOut>,
    pub next_cursor: Option<String>,
}

/// Every campaign, the newest first.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, body = CampaignList)))]
async fn list_campaigns(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<CampaignList>> {
    let all = svc::list(&state.store, &auth).await?;
    Ok(Json(CampaignList {
        items: all.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Add a campaign (marketing, managers, admins).
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = tandem_domain::campaign::CampaignInput,
    responses((status = 201, body = CampaignOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_campaign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<CampaignInput>,
) -> AppResult<Response> {
    let c = svc::create(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/campaigns/{}", c.id),
        CampaignOut::from(c),
    ))
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = CampaignOut), (status = 404, body = Problem)))]
async fn get_campaign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
) -> AppResult<Json<CampaignOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

patch_body!(CampaignPatch, tandem_domain::campaign::CampaignInput);

/// Change a campaign; `version` is required.
#[utoipa::path(patch, path = "/campaigns/{id}", tag = "campaigns", params(("id" = uuid::Uuid, Path)),
    request_body = CampaignPatch,
    responses((status = 200, body = CampaignOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_campaign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<CampaignOut>> {
    let current = svc::get(&state.store, &auth, id).await?;
    let (version, input) = tandem_app::merge_patch(&current.data.to_input(), patch)?;
    Ok(Json(
        svc::update(&state.store, &auth, id, version, &input)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/campaigns/{id}", tag = "campaigns", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_campaign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rejections of one reason.
#[derive(Serialize, ToSchema)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}

/// The lead-quality index and ROI of a campaign, a source, or all leads. Ratios are
/// basis points (10000 = 100 %); `null` means no data (nothing to divide by).
#[derive(Serialize, ToSchema)]
pub struct QualityOut {
    /// The campaign id or the source; `total` for all leads; empty for leads
    /// without a campaign.
    pub key: String,
    pub name: Option<String>,
    pub leads: u64,
    pub handed_over: u64,
    pub sqls: u64,
    pub rejections: u64,
    pub acceptance_rate_bp: Option<i64>,
    pub won: u64,
    pub sql_won_rate_bp: Option<i64>,
    pub won_revenue: MoneyOut,
    pub median_time_to_accept_ms: Option<i64>,
    pub rejection_reasons: Vec<ReasonCount>,
    pub cost: MoneyOut,
    pub cost_per_lead: Option<MoneyOut>,
    pub cost_per_sql: Option<MoneyOut>,
    pub roi_bp: Option<i64>,
}

impl From<svc::Line> for QualityOut {
    fn from(l: svc::Line) -> Self {
        let q = l.quality;
        let money = |minor: i64| MoneyOut {
            minor,
            currency: l.currency.clone(),
        };
        QualityOut {
            name: l
                .campaign
                .as_ref()
                .map(|c| c.data.name.clone())
                .or(l.source.map(|s| s.as_str().to_string())),
            key: l.key,
            leads: q.leads,
            handed_over: q.handed_over,
            sqls: q.sqls,
            rejections: q.rejections,
            acceptance_rate_bp: q.acceptance_bp,
            won: q.won,
            sql_won_rate_bp: q.sql_won_bp,
            won_revenue: money(q.won_minor),
            median_time_to_accept_ms: q.median_accept_ms,
            rejection_reasons: q
                .reasons
                .iter()
                .map(|(r, n)| ReasonCount {
                    reason: r.as_str().into(),
                    count: *n,
                })
                .collect(),
            cost: money(q.cost_minor),
            cost_per_lead: q.cost_per_lead_minor.map(money),
            cost_per_sql: q.cost_per_sql_minor.map(money),
            roi_bp: q.roi_bp,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LeadReport {
    pub by_campaign: Vec<QualityOut>,
    pub by_source: Vec<QualityOut>,
    pub total: Option<QualityOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Leads created on or after this day (`YYYY-MM-DD`)
    from: Option<String>,
    /// Leads created up to and including this day
    to: Option<String>,
}

/// Feedback to marketing: lead quality and ROI per campaign and per source.
#[utoipa::path(get, path = "/lead-report", tag = "campaigns", params(ReportParams),
    responses((status = 200, body = LeadReport), (status = 422, body = Problem)))]
async fn lead_report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ReportParams>,
) -> AppResult<Json<LeadReport>> {
    let scope = svc::report_scope(p.from.as_deref(), p.to.as_deref())?;
    let r = svc::report(&state.store, &auth, &scope).await?;
    Ok(Json(LeadReport {
        by_campaign: r.by_campaign.into_iter().map(Into::into).collect(),
        by_source: r.by_source.into_iter().map(Into::into).collect(),
        total: r.total.map(Into::into),
    }))
}

/// One campaign's lead quality and ROI.
#[utoipa::path(get, path = "/campaigns/{id}/report", tag = "campaigns", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = QualityOut), (status = 404, body = Problem)))]
async fn campaign_report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
) -> AppResult<Json<QualityOut>> {
    svc::get(&state.store, &auth, id).await?;
    let scope = ReportScope {
        campaign: Some(id),
        ..ReportScope::default()
    };
    let r = svc::report(&state.store, &auth, &scope).await?;
    r.by_campaign
        .into_iter()
        .find(|l| l.campaign.as_ref().is_some_and(|c| c.id == id))
        .map(|l| Json(l.into()))
        .ok_or(AppError::NotFound.into())
}

// ----- forms -----

#[derive(Serialize, ToSchema)]
pub struct FormOut {
    pub id: uuid::Uuid,
    pub name: String,
    /// The public key: the form posts to `/forms/{key}`.
    pub key: String,
    pub campaign_id: Option<uuid::Uuid>,
    pub owner_id: Option<uuid::Uuid>,
    pub active: bool,
    pub consent_text: String,
    pub thanks_url: Option<String>,
    /// Plain HTML to paste into the company's website.
    pub embed_html: String,
    pub version: i64,
}

impl FormOut {
    pub fn new(f: LeadForm, locale: tandem_domain::Locale) -> FormOut {
        FormOut {
            embed_html: crate::views::leads::embed_html(&f, locale),
            id: f.id.0,
            name: f.name,
            key: f.key,
            campaign_id: f.campaign_id.map(|c| c.0),
            owner_id: f.owner_id.map(|u| u.0),
            active: f.active,
            consent_text: f.consent_text,
            thanks_url: f.thanks_url,
            version: f.version,
        }
    }
}

#[utoipa::path(get, path = "/forms", tag = "forms",
    responses((status = 200, body = Vec<FormOut>), (status = 403, body = Problem)))]
async fn list_forms(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Vec<FormOut>>> {
    let locale = auth.user.locale;
    Ok(Json(
        svc::forms(&state.store, &auth)
            .await?
            .into_iter()
            .map(|f| FormOut::new(f, locale))
            .collect(),
    ))
}

/// Add a web-to-lead form (marketing, managers, admins).
#[utoipa::path(post, path = "/forms", tag = "forms", request_body = svc::FormInput,
    responses((status = 201, body = FormOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<svc::FormInput>,
) -> AppResult<Response> {
    let f = svc::create_form(&state.store, &auth, &input).await?;
    Ok(created(
        &format!("/api/v1/forms/{}", f.id),
        FormOut::new(f, auth.user.locale),
    ))
}

#[utoipa::path(get, path = "/forms/{id}", tag = "forms", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FormOut), (status = 404, body = Problem)))]
async fn get_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadFormId>,
) -> AppResult<Json<FormOut>> {
    let f = svc::form(&state.store, &auth, id).await?;
    Ok(Json(FormOut::new(f, auth.user.locale)))
}

patch_body!(FormPatch, svc::FormInput);

/// Replace a form's settings; `version` is required.
#[utoipa::path(put, path = "/forms/{id}", tag = "forms", params(("id" = uuid::Uuid, Path)),
    request_body = FormPatch,
    responses((status = 200, body = FormOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadFormId>,
    ApiJson(w): ApiJson<Map<String, Value>>,
) -> AppResult<Json<FormOut>> {
    let current = svc::form(&state.store, &auth, id).await?;
    let (version, input) = tandem_app::merge_patch(&svc::FormInput::of(&current), w)?;
    let f = svc::update_form(&state.store, &auth, id, version, &input).await?;
    Ok(Json(FormOut::new(f, auth.user.locale)))
}

#[utoipa::path(delete, path = "/forms/{id}", tag = "forms", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadFormId>,
) -> AppResult<StatusCode> {
    svc::delete_form(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign, patch_campaign, delete_campaign))
        .routes(routes!(campaign_report))
        .routes(routes!(lead_report))
        .routes(routes!(list_forms, create_form))
        .routes(routes!(get_form, put_form, delete_form))
}
