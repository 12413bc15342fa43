//! `Leads`: marketing's inbox, the lead page (score, gate, handoff, the rep's
//! decision), and the public web-to-lead form.

use super::{Form, FormErrors, Layout, Options, query_string, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use tandem_app::leads as svc;
use tandem_domain::{
    CampaignId, Invalid, LeadId, Locale,
    contact::Salutation,
    holidays::Land,
    lead::{Missing, Status},
    lead_record::{LeadInput, RejectReason, Source},
    money::{Money, parse_amount},
};
use tandem_store::{Sort, campaigns::LeadForm, leads::Filter};

mod actions;
mod form;
mod list;
mod page;

pub use actions::*;
pub use form::*;
pub use list::*;
pub use page::*;

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/leads", get(index).post(create))
        .route("/leads/export.csv", get(export))
        .route("/leads/export.xlsx", get(export))
        .route("/leads/{id}", get(show).post(update))
        .route("/leads/{id}/answers", post(answers))
        .route("/leads/{id}/handoff", post(handoff))
        .route("/leads/{id}/status", post(set_status))
        .route("/leads/{id}/engagements", post(engage))
        .route("/leads/{id}/accept", post(accept))
        .route("/leads/{id}/reject", post(reject))
        .route("/leads/{id}/delete", post(delete))
}
