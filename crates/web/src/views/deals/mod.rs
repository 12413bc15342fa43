//! Deal pages: the list with filters, the deal page (stage moves, win/lose, contacts
//! with roles, stage history, audit history), the form, and the trash.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::views::owner_options;
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
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::{
    deals::{self as svc, ListQuery},
    pipelines as pipeline_svc, users as user_svc,
};
use tandem_domain::custom::Entity;
use tandem_domain::{
    AccountId, ContactId, DealId, FieldError, Instant, Invalid, Locale, StageId, UserId,
    deal::{
        ContactRole, DealContactInput, DealInput, DealStatus, ForecastCategory, Source, days_since,
        rotting,
    },
    format,
    money::{Money, edit_amount, parse_amount},
};
use tandem_store::{
    Sort,
    deals::{Deal, Filter},
    pipelines::Pipeline,
    users::User,
};

const PAGE_SIZE: u64 = 50;

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
        .route("/deals", get(index).post(create))
        .route("/deals/new", get(new))
        .route("/deals/export.csv", get(export))
        .route("/deals/export.xlsx", get(export))
        .route("/deals/bulk", post(bulk))
        .route("/deals/trash", get(trash))
        .route("/deals/{id}", get(show).post(update))
        .route("/deals/{id}/edit", get(edit))
        .route("/deals/{id}/stage", post(move_stage))
        .route("/deals/{id}/close", post(close))
        .route("/deals/{id}/contacts", post(add_contact))
        .route(
            "/deals/{id}/contacts/{contact}/remove",
            post(remove_contact),
        )
        .route("/deals/{id}/delete", post(delete))
        .route("/deals/{id}/restore", post(restore))
}
