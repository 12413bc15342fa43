//! Account pages: list with search, filters and paging; detail with history; forms; trash.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::views::owner_options;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{
    accounts::{self as svc, ListQuery},
    users as user_svc,
};
use tandem_domain::{
    AccountId, FieldError, Invalid, Locale, UserId,
    account::{AccountData, AccountInput, Lifecycle},
    custom::Entity,
};
use tandem_store::{
    accounts::{Account, Filter, Sort},
    custom_fields::Field as CustomField,
};

const PAGE_SIZE: u64 = 50;

mod form;
mod list;
mod page;

pub use form::*;
pub use list::*;
pub use page::*;

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/accounts", get(index).post(create))
        .route("/accounts/new", get(new))
        .route("/accounts/export.csv", get(export))
        .route("/accounts/export.xlsx", get(export))
        .route("/accounts/bulk", post(bulk))
        .route("/accounts/trash", get(trash))
        .route("/accounts/{id}", get(show).post(update))
        .route("/accounts/{id}/edit", get(edit))
        .route("/accounts/{id}/delete", post(delete))
        .route("/accounts/{id}/restore", post(restore))
}
