//! `GET /search`: accounts, contacts, deals and leads matching a query, grouped.

use crate::{
    AppState,
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, State},
};
use serde::{Deserialize, Serialize};
use tandem_app::search as svc;
use tandem_domain::{FieldError, Invalid};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct AccountHit {
    pub id: uuid::Uuid,
    pub name: String,
    pub city: Option<String>,
    /// prospect, customer, former or partner
    pub lifecycle: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactHit {
    pub id: uuid::Uuid,
    /// "Dr. Anna Becker"
    pub name: String,
    pub position: Option<String>,
    pub account_id: Option<uuid::Uuid>,
    pub account_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DealHit {
    pub id: uuid::Uuid,
    pub title: String,
    pub account_name: String,
    pub stage_name: String,
    /// open, won or lost
    pub status: String,
    pub amount: Option<crate::api::deals::MoneyOut>,
}

#[derive(Serialize, ToSchema)]
pub struct LeadHit {
    pub id: uuid::Uuid,
    /// "Peter Größe"
    pub name: String,
    pub company: Option<String>,
    /// new, nurturing, mql, handed_over, accepted, rejected, converted or disqualified
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub accounts: Vec<AccountHit>,
    pub contacts: Vec<ContactHit>,
    pub deals: Vec<DealHit>,
    /// The leads the caller may see.
    pub leads: Vec<LeadHit>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find; each matches the start of a word (umlauts may be spelled out).
    q: Option<String>,
    /// Results per kind, 1 to 50, default 10
    limit: Option<String>,
}

/// Search accounts, contacts, deals and leads.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 422, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<SearchParams>,
) -> AppResult<Json<SearchResults>> {
    let limit = match p.limit.as_deref() {
        None | Some("") => 10,
        Some(s) => s
            .parse()
            .map_err(|_| Invalid(vec![FieldError::new("limit", "out_of_range")]))?,
    };
    let r = svc::search(&state.store, &auth, p.q.as_deref().unwrap_or(""), limit).await?;
    Ok(Json(SearchResults {
        accounts: r
            .accounts
            .into_iter()
            .map(|a| AccountHit {
                id: a.id.0,
                name: a.data.name,
                city: a.data.city,
                lifecycle: a.data.lifecycle.as_str().into(),
            })
            .collect(),
        contacts: r
            .contacts
            .into_iter()
            .map(|c| ContactHit {
                id: c.id.0,
                name: c.data.display_name(),
                position: c.data.position,
                account_id: c.data.account_id.map(|a| a.0),
                account_name: c.account_name,
            })
            .collect(),
        deals: r
            .deals
            .into_iter()
            .map(|d| DealHit {
                id: d.id.0,
                title: d.data.title,
                account_name: d.account_name,
                stage_name: d.stage_name,
                status: d.data.status.as_str().into(),
                amount: d.data.amount.map(Into::into),
            })
            .collect(),
        leads: r
            .leads
            .into_iter()
            .map(|l| LeadHit {
                id: l.id.0,
                name: l.data.name(),
                company: l.data.company,
                status: l.status.as_str().into(),
            })
            .collect(),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
