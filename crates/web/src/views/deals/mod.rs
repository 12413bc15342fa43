//! Deal pages: the list with filters, the deal page (stage moves, win/lose, contacts
//! with roles, stage history, audit history), the form, and the trash.

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
    money::{CURRENCIES, Money, edit_amount, parse_amount},
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
