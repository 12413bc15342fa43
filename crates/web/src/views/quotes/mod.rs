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
    extract::{Multipart, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::quotes::{self as svc, Acceptance, Allowed, Detail};
use tandem_domain::{
    AccountId, FieldError, Invalid, Locale, OrderId, QuoteId, Role, format,
    money::{Money, edit_amount, parse_amount},
    quote::TaxRate,
    quoting::{self, Clearance, LineInput, QuoteInput, QuoteSettingsInput, Status},
};
use tandem_store::quotes::{Filter, OrderFilter, OrderRecord, Quote};

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

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/quotes", get(index).post(create))
        .route("/quotes/new", get(new))
        .route("/quotes/{id}", get(show))
        .route("/quotes/{id}/edit", get(edit).post(save))
        .route("/quotes/{id}/approval", post(request_approval))
        .route("/quotes/{id}/approval/decision", post(decide))
        .route("/quotes/{id}/send", post(send))
        .route("/quotes/{id}/revise", post(revise))
        .route("/quotes/{id}/accept", post(accept))
        .route("/quotes/{id}/decline", post(decline))
        .route("/quotes/{id}/pdf", get(pdf))
        .route("/orders", get(orders))
        .route("/orders/{id}", get(order))
        .route("/orders/{id}/pdf", get(order_pdf))
        .route("/admin/quotes", get(settings).post(save_settings))
        .route("/admin/letterhead", post(save_letterhead))
        .route(
            "/admin/letterhead/logo",
            get(logo)
                .post(upload_logo)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::quotes::LOGO_BODY_LIMIT,
                )),
        )
        .route("/admin/letterhead/logo/delete", post(delete_logo))
}
