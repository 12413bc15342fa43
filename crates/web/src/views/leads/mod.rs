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
