//! Requests in the browser: the lists (mine, team queue, all), the request page with
//! its clock, actions and timeline, the form, the figures; and the notification
//! centre, the notification preferences, request types and mail settings.

use super::{Form, FormErrors, Layout, Options, query_string, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{notify, requests as svc};
use tandem_domain::{
    Instant,
    notify::{Kind, MailSettingsInput, Pref, Security},
    request::{EscalationStep, RequestInput, RequestTypeInput, Status},
};
use tandem_store::requests::StoredRequest;

mod admin;
mod figures;
mod form;
mod notifications;
mod page;

pub use admin::*;
pub use figures::*;
pub use form::*;
pub use notifications::*;
pub use page::*;

// ----- how a request shows -----

/// A request as a line of a list or card.
pub struct Line {
    pub id: String,
    pub type_name: String,
    pub account: String,
    pub account_id: String,
    pub deal: String,
    pub deal_id: String,
    /// The lead a lead handoff is about (decided on the lead's page).
    pub lead_id: String,
    pub requester: String,
    /// The assignee, or "team queue".
    pub assignee: String,
    pub queued: bool,
    pub status: String,
    pub status_class: &'static str,
    /// "fällig Mo., 30.11. 12:00", "wartet auf Rückmeldung (noch 3 h)", "erledigt …".
    pub due: String,
    pub overdue: bool,
    pub description: String,
}

/// Business time as "3 h 20 min" (or "45 min").
fn span(tr: &Tr, ms: i64) -> String {
    let minutes = ms.abs() / 60_000;
    let (h, m) = (minutes / 60, minutes % 60);
    let text = match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    };
    if ms < 0 {
        tr.t1("request-late-by", "time", &text)
    } else {
        text
    }
}

pub fn line(tr: &Tr, r: &StoredRequest, now: Instant) -> Line {
    let overdue = r.status.overdue(r.due_at, now);
    let due = match (r.status, r.due_at) {
        (Status::Done | Status::Cancelled, _) => r
            .closed_at
            .map(|c| tr.t1("request-closed-at", "at", &tr.instant(&c)))
            .unwrap_or_default(),
        (Status::Waiting, _) => tr.t1(
            "request-paused",
            "left",
            &span(tr, r.paused_left_ms.unwrap_or_default()),
        ),
        (_, Some(d)) if overdue => tr.t1("request-overdue-since", "at", &tr.instant(&d)),
        (_, Some(d)) => tr.t1("request-due-at", "at", &tr.instant(&d)),
        (_, None) => String::new(),
    };
    Line {
        id: r.id.0.to_string(),
        type_name: r.type_name.clone(),
        account: r.account_name.clone().unwrap_or_default(),
        account_id: r.account_id.map(|a| a.0.to_string()).unwrap_or_default(),
        deal: r.deal_title.clone().unwrap_or_default(),
        deal_id: r.deal_id.map(|d| d.0.to_string()).unwrap_or_default(),
        lead_id: r.lead_id.map(|l| l.0.to_string()).unwrap_or_default(),
        requester: r.requester_name.clone(),
        queued: r.assignee_id.is_none(),
        assignee: r
            .assignee_name
            .clone()
            .unwrap_or_else(|| tr.t("request-queue")),
        status: status_label(tr, r.status),
        status_class: match r.status {
            Status::Open => "open",
            Status::InProgress => "progress",
            Status::Waiting => "waiting",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
        },
        due,
        overdue,
        description: r.description.clone(),
    }
}

pub fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("request-status-{}", s.as_str().replace('_', "-")))
}

/// The requests of a deal or an account, for the record's page.
pub async fn for_record(
    state: &AppState,
    auth: &Auth,
    deal: Option<tandem_domain::DealId>,
    account: Option<tandem_domain::AccountId>,
) -> AppResult<Vec<Line>> {
    let tr = Tr::new(auth.user.locale);
    let q = svc::ListQuery {
        view: svc::View::All,
        deal,
        account,
        limit: 50,
        ..svc::ListQuery::default()
    };
    let now = state.store.now();
    Ok(svc::list(&state.store, auth, &q)
        .await?
        .items
        .iter()
        .map(|r| line(&tr, r, now))
        .collect())
}

// ----- the list -----

#[derive(Template)]
#[template(path = "requests/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    tabs: Vec<(String, String, bool)>,
    lines: Vec<Line>,
    show_closed: bool,
    closed_link: String,
    next: String,
    sees_figures: bool,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    view: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

/// The views of the request list as tabs: `(href, label, current)`.
fn tabs(tr: &Tr, view: svc::View, status: &str) -> Vec<(String, String, bool)> {
    [
        svc::View::Mine,
        svc::View::Requested,
        svc::View::Assigned,
        svc::View::Queue,
        svc::View::All,
    ]
    .into_iter()
    .map(|v| {
        (
            format!(
                "/requests{}",
                query_string(&[("view", v.as_str()), ("status", status)])
            ),
            tr.t(&format!("requests-view-{}", v.as_str())),
            v == view,
        )
    })
    .collect()
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let view = p
        .view
        .as_deref()
        .and_then(svc::View::parse)
        .unwrap_or_default();
    let show_closed = p.status.as_deref() == Some("all");
    let cursor = tandem_app::checked_cursor(50, p.cursor.as_deref(), "due").unwrap_or(None);
    let q = svc::ListQuery {
        view,
        open_only: !show_closed,
        cursor,
        limit: 50,
        ..svc::ListQuery::default()
    };
    let page = svc::list(&state.store, &auth, &q).await?;
    let now = state.store.now();
    let lines = page.items.iter().map(|r| line(&tr, r, now)).collect();
    let status = if show_closed { "all" } else { "" };
    let tabs = tabs(&tr, view, status);
    let next = page
        .next
        .map(|c| {
            format!(
                "/requests{}",
                query_string(&[
                    ("view", view.as_str()),
                    ("status", status),
                    ("cursor", &c.encode())
                ])
            )
        })
        .unwrap_or_default();
    let closed_link = format!(
        "/requests{}",
        query_string(&[
            ("view", view.as_str()),
            ("status", if show_closed { "" } else { "all" })
        ])
    );
    Ok(render(IndexPage {
        layout: Layout::new(&auth, "requests", tr.t("requests-title"))
            .with_notice(p.notice.as_deref()),
        tabs,
        lines,
        show_closed,
        closed_link,
        next,
        sees_figures: svc::may_see_figures(&auth),
        tr,
    }))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/requests", get(index).post(create))
        .route("/requests/new", get(new))
        .route("/requests/figures", get(figures))
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/status", post(set_status))
        .route("/requests/{id}/claim", post(claim))
        .route("/requests/{id}/assign", post(assign))
        .route("/requests/{id}/comments", post(comment))
        .route("/requests/{id}/description", post(set_description))
        .route("/notifications", get(notifications))
        .route("/notifications/unread", get(unread))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/{id}/open", post(open_notification))
        .route("/profile/notifications", get(prefs).post(save_prefs))
        .route("/admin/request-types", get(types).post(create_type))
        .route("/admin/request-types/{id}", post(update_type))
        .route("/admin/request-types/{id}/delete", post(delete_type))
        .route("/admin/mail", get(mail).post(save_mail))
        .route("/admin/mail/test", post(test_mail))
}
