//! Contact pages: list with search and the stale filter; detail with consent and
//! history; forms; trash. Accounts show their contacts.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult, HttpError},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::contacts::{self as svc, ListQuery};
use tandem_domain::custom::Entity;
use tandem_domain::format::local_date;
use tandem_domain::{
    AccountId, ContactId, FieldError, Invalid,
    contact::{ContactData, ContactInput, Salutation},
};
use tandem_store::{
    Sort,
    contacts::{Contact, Filter},
};

const PAGE_SIZE: u64 = 50;

mod form;
mod list;
mod page;
mod vcards;

pub use form::*;
pub use list::*;
pub use page::*;
pub use vcards::*;

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/contacts", get(index).post(create))
        .route("/contacts/new", get(new))
        .route("/contacts/export.csv", get(export))
        .route("/contacts/export.xlsx", get(export))
        .route("/contacts/export.vcf", get(export))
        .route("/contacts/{id}/vcard", get(vcard))
        .route("/contacts/trash", get(trash))
        .route("/contacts/{id}", get(show).post(update))
        .route("/contacts/{id}/edit", get(edit))
        .route("/contacts/{id}/verify", post(verify))
        .route("/contacts/{id}/delete", post(delete))
        .route("/contacts/{id}/restore", post(restore))
}
