//! `/api/v1/leads`, `/api/v1/lead-settings`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::{json::ApiJson, list::created},
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tandem_app::leads as svc;
use tandem_domain::{
    FieldError, Instant, Invalid, LeadId,
    lead::{Engagement, Missing, Status},
    lead_record::{LeadInput, Source},
    lead_settings::LeadSettings,
};
use tandem_store::{
    Sort,
    leads::{Filter, Lead, LeadEvent},
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// One line of a score's explanation.
#[derive(Serialize, ToSchema)]
pub struct ScorePart {
    /// The fit rule's label, or the engagement kind (`form_submitted`, …).
    pub reason: String,
    pub points: i64,
}

/// A lead.
#[derive(Serialize, ToSchema)]
pub struct LeadOut {
    pub id: uuid::Uuid,
    pub salutation: String,
    pub first_name: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub website: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub state: Option<String>,
    /// `web_form`, `trade_fair`, `referral`, `campaign`, `import`, `other`
    pub source: String,
    pub campaign_id: Option<uuid::Uuid>,
    pub campaign_name: Option<String>,
    pub owner_id: Option<uuid::Uuid>,
    /// `new`, `nurturing`, `mql`, `handed_over`, `accepted`, `rejected`, `converted`,
    /// `disqualified`
    pub status: String,
    /// The score at the last change (single lead: the score now).
    pub score: i64,
    /// Single lead only: how the score comes about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_parts: Option<Vec<ScorePart>>,
    /// Single lead only: what the qualification gate still misses (`score`,
    /// `answers.<criterion>`); empty when the lead may be handed over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    pub answers: BTreeMap<String, String>,
    pub consent_email: bool,
    pub consent_on: Option<String>,
    pub consent_source: Option<String>,
    pub notes: Option<String>,
    pub assignee_id: Option<uuid::Uuid>,
    pub assignee_name: Option<String>,
    pub request_id: Option<uuid::Uuid>,
    pub handed_over_at: Option<String>,
    pub reject_reason: Option<String>,
    pub reject_comment: Option<String>,
    pub account_id: Option<uuid::Uuid>,
    pub contact_id: Option<uuid::Uuid>,
    pub deal_id: Option<uuid::Uuid>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Lead> for LeadOut {
    fn from(l: Lead) -> Self {
        let d = l.data;
        LeadOut {
            id: l.id.0,
            salutation: d.salutation.as_str().into(),
            first_name: d.first_name,
            last_name: d.last_name,
            email: d.email,
            phone: d.phone,
            position: d.position,
            company: d.company,
            industry: d.industry,
            employees: d.employees,
            website: d.website,
            postal_code: d.postal_code,
            city: d.city,
            country: d.country,
            state: d.state,
            source: d.source.as_str().into(),
            campaign_id: d.campaign_id.map(|c| c.0),
            campaign_name: l.campaign_name,
            owner_id: d.owner_id.map(|u| u.0),
            status: l.status.as_str().into(),
            score: l.score,
            score_parts: None,
            missing: None,
            answers: d.answers,
            consent_email: d.consent_email,
            consent_on: d.consent_on.map(|x| x.to_string()),
            consent_source: d.consent_source,
            notes: d.notes,
            assignee_id: l.assignee_id.map(|u| u.0),
            assignee_name: l.assignee_name,
            request_id: l.request_id.map(|r| r.0),
            handed_over_at: l.handed_over_at.map(Instant::to_rfc3339),
            reject_reason: l.reject_reason.map(|r| r.as_str().into()),
            reject_comment: l.reject_comment,
            account_id: l.account_id.map(|a| a.0),
            contact_id: l.contact_id.map(|c| c.0),
            deal_id: l.deal_id.map(|d| d.0),
            version: l.version,
            created_at: l.created_at.to_rfc3339(),
            updated_at: l.updated_at.to_rfc3339(),
        }
    }
}

fn detailed(d: svc::Detail) -> LeadOut {
    let mut out = LeadOut::from(d.lead);
    out.score = d.score.total;
    out.score_parts = Some(
        d.score
            .parts
            .into_iter()
            .map(|p| ScorePart {
                reason: p.reason,
                points: p.points,
            })
            .collect(),
    );
    out.missing = Some(
        d.missing
            .iter()
            .map(|m| match m {
                Missing::Score { .. } => "score".to_string(),
                Missing::Criterion { key } => format!("answers.{key}"),
            })
            .collect(),
    );
    out
}

#[derive(Serialize, ToSchema)]
pub struct LeadList {
    pub items: Vec<LeadOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words of the name, email, company, city
    q: Option<String>,
    /// Comma-separated statuses
    status: Option<String>,
    campaign_id: Option<String>,
    source: Option<String>,
    assignee_id: Option<String>,
    owner_id: Option<String>,
    /// `-created_at` (default), `created_at`, `name`, `-name`, `updated_at`, `-updated_at`
    sort: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

impl ListParams {
    fn filter(&self, errors: &mut Vec<FieldError>) -> (Filter, Sort, u64) {
        use crate::api::list::{id, limit};
        let mut statuses = vec![];
        for s in self.status.as_deref().unwrap_or("").split(',') {
            match s.trim() {
                "" => {}
                s => match Status::parse(s) {
                    Some(st) => statuses.push(st),
                    None => errors.push(FieldError::new("status", "invalid_choice")),
                },
            }
        }
        let source = match self.source.as_deref() {
            None | Some("") => None,
            Some(s) => Source::parse(s).or_else(|| {
                errors.push(FieldError::new("source", "invalid_choice"));
                None
            }),
        };
        let sort = match self.sort.as_deref() {
            None | Some("") => Sort::CreatedDesc,
            Some(s) => Sort::parse(s).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", "invalid_choice"));
                Sort::CreatedDesc
            }),
        };
        let f = Filter {
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            statuses,
            campaign: id("campaign_id", self.campaign_id.as_deref(), errors),
            source,
            assignee: id("assignee_id", self.assignee_id.as_deref(), errors),
            owner: id("owner_id", self.owner_id.as_deref(), errors),
            email: None,
        };
        (f, sort, limit(self.limit.as_deref(), errors))
    }
}

/// Leads (marketing, managers, admins: all; reps: the ones handed to them).
#[utoipa::path(get, path = "/leads", tag = "leads", params(ListParams),
    responses((status = 200, body = LeadList), (status = 422, body = Problem)))]
async fn list_leads(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<LeadList>> {
    let mut errors = vec![];
    let (f, sort, limit) = p.filter(&mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let page = svc::list(&state.store, &auth, &f, sort, p.cursor.as_deref(), limit).await?;
    Ok(Json(LeadList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Enter a lead (marketing, managers, admins). Its score is worked out at once; a
/// lead whose score reaches the threshold is an MQL.
#[utoipa::path(post, path = "/leads", tag = "leads", request_body = tandem_domain::lead_record::LeadInput,
    responses((status = 201, body = LeadOut, headers(("Location" = String))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_lead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<LeadInput>,
) -> AppResult<Response> {
    let l = svc::create(&state.store, &auth, input, state.store.now()).await?;
    Ok(created(
        &format!("/api/v1/leads/{}", l.id),
        LeadOut::from(l),
    ))
}

/// An action's JSON body, which may be left out (then every field has its default).
fn optional_json<T: Default + serde::de::DeserializeOwned>(
    body: &[u8],
) -> tandem_app::AppResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        crate::api::json::from_slice(body)
    }
}

/// One lead with its score explained and what the gate still misses.
#[utoipa::path(get, path = "/leads/{id}", tag = "leads", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = LeadOut), (status = 404, body = Problem)))]
async fn get_lead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
) -> AppResult<Json<LeadOut>> {
    let d = svc::detail(&state.store, &auth, id, state.store.now()).await?;
    Ok(Json(detailed(d)))
}

patch_body!(LeadPatch, tandem_domain::lead_record::LeadInput);

/// Change a lead; `version` is required.
#[utoipa::path(patch, path = "/leads/{id}", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = LeadPatch,
    responses((status = 200, body = LeadOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_lead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<LeadOut>> {
    let current = svc::get(&state.store, &auth, id).await?;
    let (version, input) = tandem_app::merge_patch(&current.data.to_input(), patch)?;
    let l = svc::update(&state.store, &auth, id, version, &input, state.store.now()).await?;
    Ok(Json(l.into()))
}

/// Move a lead to the trash (not while sales has it).
#[utoipa::path(delete, path = "/leads/{id}", tag = "leads", params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_lead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusWrite {
    /// `nurturing`, `mql` or `disqualified`
    status: String,
    version: Option<i64>,
}

/// Marketing's own moves of a lead: nurturing, MQL, disqualified.
#[utoipa::path(post, path = "/leads/{id}/status", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = StatusWrite,
    responses((status = 200, body = LeadOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_status(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    ApiJson(w): ApiJson<StatusWrite>,
) -> AppResult<Json<LeadOut>> {
    let next = Status::parse(&w.status).ok_or_else(|| Invalid::one("status", "invalid_choice"))?;
    let l = svc::set_status(&state.store, &auth, id, w.version, next, state.store.now()).await?;
    Ok(Json(l.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementWrite {
    /// `form_submitted`, `email_clicked`, `visit`, `event_attended`
    kind: String,
    /// RFC 3339; default now
    at: Option<String>,
    /// Points when new; default per kind (15, 3, 2, 20)
    points: Option<i64>,
}

/// Record engagement of a lead (from a marketing tool); the score fades it by the
/// policy's half-life.
#[utoipa::path(post, path = "/leads/{id}/events", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = EngagementWrite,
    responses((status = 200, body = LeadOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn engage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    ApiJson(w): ApiJson<EngagementWrite>,
) -> AppResult<Json<LeadOut>> {
    let kind = Engagement::parse(&w.kind).ok_or_else(|| Invalid::one("kind", "invalid_choice"))?;
    let at = match w.at.as_deref() {
        None => None,
        Some(s) => Some(
            s.parse::<jiff::Timestamp>()
                .map(|t| Instant(t.as_millisecond()))
                .map_err(|_| Invalid::one("at", "invalid_instant"))?,
        ),
    };
    let now = state.store.now();
    svc::engage(&state.store, &auth, id, kind, at, w.points, now).await?;
    Ok(Json(detailed(
        svc::detail(&state.store, &auth, id, now).await?,
    )))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct HandoffWrite {
    version: Option<i64>,
}

/// Hand a lead to sales. Refused with 422 while the score is below the threshold
/// (`score`) or criteria are unanswered (`answers.<key>`), listing all of them. The
/// lead goes to the rep of its territory, else the next available rep in turn (absent
/// reps are skipped), as a request with the acceptance deadline.
#[utoipa::path(post, path = "/leads/{id}/handoff", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = HandoffWrite,
    responses((status = 200, body = LeadOut), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn handoff(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    body: axum::body::Bytes,
) -> AppResult<Json<LeadOut>> {
    let w: HandoffWrite = optional_json(&body)?;
    let l = svc::handoff(&state.store, &auth, id, w.version, state.store.now()).await?;
    Ok(Json(l.into()))
}

/// What accepting a lead made.
#[derive(Serialize, ToSchema)]
pub struct AcceptedOut {
    pub lead: LeadOut,
    pub account_id: uuid::Uuid,
    pub contact_id: uuid::Uuid,
    pub deal_id: uuid::Uuid,
    /// The lead was filed under an account that existed already (a duplicate).
    pub existing_account: bool,
}

/// Accept a handed-over lead (its rep, a stand-in, managers): it becomes a contact
/// and a deal, under the existing account when it is a duplicate.
#[utoipa::path(post, path = "/leads/{id}/accept", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = svc::AcceptInput,
    responses((status = 200, body = AcceptedOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    body: axum::body::Bytes,
) -> AppResult<Json<AcceptedOut>> {
    let input: svc::AcceptInput = optional_json(&body)?;
    let a = svc::accept(&state.store, &auth, id, &input, state.store.now()).await?;
    Ok(Json(AcceptedOut {
        lead: a.lead.into(),
        account_id: a.account_id.0,
        contact_id: a.contact_id.0,
        deal_id: a.deal_id.0,
        existing_account: a.existing_account,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectWrite {
    /// `no_budget`, `no_need`, `no_authority`, `too_early`, `not_reachable`,
    /// `wrong_target`, `existing_customer`, `competitor`, `other`
    reason: Option<String>,
    #[serde(default)]
    comment: String,
}

/// Reject a handed-over lead with a reason and a comment; marketing is told.
#[utoipa::path(post, path = "/leads/{id}/reject", tag = "leads", params(("id" = uuid::Uuid, Path)),
    request_body = RejectWrite,
    responses((status = 200, body = LeadOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn reject(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    ApiJson(w): ApiJson<RejectWrite>,
) -> AppResult<Json<LeadOut>> {
    let l = svc::reject(
        &state.store,
        &auth,
        id,
        w.reason.as_deref(),
        &w.comment,
        state.store.now(),
    )
    .await?;
    Ok(Json(l.into()))
}

#[derive(Serialize, ToSchema)]
pub struct TimelineItem {
    pub at: String,
    pub actor_name: Option<String>,
    /// `created`, `status`, `handed_over`, `accepted`, `rejected`, or an engagement kind
    pub kind: String,
    pub points: Option<i64>,
    #[schema(value_type = Object)]
    pub data: Value,
}

/// What happened to a lead, oldest first.
#[utoipa::path(get, path = "/leads/{id}/timeline", tag = "leads", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<TimelineItem>), (status = 404, body = Problem)))]
async fn timeline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
) -> AppResult<Json<Vec<TimelineItem>>> {
    let d = svc::detail(&state.store, &auth, id, state.store.now()).await?;
    Ok(Json(d.events.into_iter().map(item).collect()))
}

fn item(e: LeadEvent) -> TimelineItem {
    TimelineItem {
        at: e.at.to_rfc3339(),
        actor_name: e.actor_name,
        kind: e.kind,
        points: e.points,
        data: e.data,
    }
}

/// The lead policy: threshold, qualification criteria, fit rules (`condition`:
/// `{"op": "present"}`, `{"op": "equals", "value": "…"}`, `{"op": "one_of", "value":
/// […]}`, `{"op": "at_least", "value": n}`), half-life in days, acceptance deadline in
/// business hours, territories (`user_id`, `postal_from`, `postal_to`, `states`).
#[utoipa::path(get, path = "/lead-settings", tag = "leads",
    responses((status = 200, body = Object)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<LeadSettings>> {
    Ok(Json(svc::settings(&state.store, &auth).await?))
}

/// Replace the lead policy (managers, admins).
#[utoipa::path(put, path = "/lead-settings", tag = "leads", request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(s): ApiJson<LeadSettings>,
) -> AppResult<Json<LeadSettings>> {
    Ok(Json(svc::set_settings(&state.store, &auth, s).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(get_lead, patch_lead, delete_lead))
        .routes(routes!(set_status))
        .routes(routes!(engage))
        .routes(routes!(handoff))
        .routes(routes!(accept))
        .routes(routes!(reject))
        .routes(routes!(timeline))
        .routes(routes!(get_settings, put_settings))
}
