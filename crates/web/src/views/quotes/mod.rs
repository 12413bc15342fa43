//! `Angebote`: the quote list, a new quote, the line editor, the quote page with its
//! approval, sending, revisions, acceptance; orders; the PDFs; the quote settings and
//! letterhead in the administration.

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
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::quotes::{self as svc, Acceptance, Allowed, Detail};
use tandem_domain::{
    AccountId, FieldError, Invalid, Locale, OrderId, QuoteId, Role, format,
    money::{CURRENCIES, Money, edit_amount, parse_amount},
    quote::TaxRate,
    quoting::{self, Clearance, LineInput, QuoteInput, QuoteSettingsInput, Status},
};
use tandem_store::quotes::{Filter, OrderFilter, OrderRecord, Quote};

fn quote_id(raw: &str) -> AppResult<QuoteId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("quote-status-{}", s.as_str().replace('_', "-")))
}

fn money(minor: i64, currency: &str, l: Locale) -> String {
    Money::new(minor, currency).format(l)
}

fn number_label(q: &Quote) -> String {
    if q.revision > 1 {
        format!("{} Rev. {}", q.number, q.revision)
    } else {
        q.number.clone()
    }
}

mod editor;
mod list;
mod page;
mod settings;

pub use editor::*;
pub use list::*;
pub use page::*;
pub use settings::*;
