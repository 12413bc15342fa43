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
use tandem_app::{notify, requests as svc, users as user_svc};
use tandem_domain::{
    Instant, Role,
    notify::{Kind, MailSettingsInput, Pref, Security},
    request::{EscalationStep, RequestInput, RequestTypeInput, Status},
};
use tandem_store::requests::StoredRequest;

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
    let now = state.clock.now();
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
    let now = state.clock.now();
    let lines = page.items.iter().map(|r| line(&tr, r, now)).collect();
    let status = if show_closed { "all" } else { "" };
    let tabs = [
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
    .collect();
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
        sees_figures: matches!(auth.user.role, Role::Admin | Role::Manager | Role::Inside),
        tr,
    }))
}

// ----- the form -----

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    type_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    deal_id: String,
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "requests/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    types: Options,
    description: String,
    account_id: String,
    deal_id: String,
    /// What the request is about ("Müller GmbH · Neue Linie").
    about: String,
    /// Where it will go: "an Klaus (Ihr Tandem)", "in die Team-Queue".
    route: String,
    back: String,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    form: RequestForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let types = svc::types(&state.store, auth)
        .await?
        .into_iter()
        .filter(|t| {
            !matches!(
                t.purpose,
                Some(
                    tandem_domain::request::Purpose::Approval
                        | tandem_domain::request::Purpose::Lead
                )
            )
        })
        .map(|t| {
            let hours = t.data.sla_minutes as f64 / 60.0;
            let label = format!(
                "{} ({})",
                t.data.name,
                tr.t1("request-sla-hours", "hours", &format_hours(hours))
            );
            (
                t.id.0.to_string(),
                label,
                t.id.0.to_string() == form.type_id,
            )
        })
        .collect();
    let mut about = vec![];
    if let Ok(id) = form.deal_id.parse() {
        if let Ok(d) = tandem_app::deals::get(&state.store, auth, id).await {
            about.push(d.account_name.clone());
            about.push(d.data.title);
        }
    } else if let Ok(id) = form.account_id.parse()
        && let Ok(a) = tandem_app::accounts::get(&state.store, auth, id).await
    {
        about.push(a.data.name);
    }
    let day = tandem_app::my_day::tandem_of(&state.store, auth).await?;
    let route = match day {
        Some(t) => {
            use tandem_domain::handoff::Route;
            match t.route {
                Route::Partner(_) => tr.t1("request-route-partner", "name", &t.partner),
                Route::Deputy(_) => tr.t1(
                    "request-route-deputy",
                    "name",
                    t.deputy.as_deref().unwrap_or(""),
                ),
                Route::Queue => tr.t("request-route-queue"),
            }
        }
        None => tr.t("request-route-queue"),
    };
    Ok(FormPage {
        layout: Layout::new(auth, "requests", tr.t("request-new")),
        types,
        description: form.description,
        account_id: form.account_id,
        deal_id: form.deal_id,
        about: about.join(" · "),
        route,
        back: safe_back(&form.back),
        errors,
        tr,
    })
}

fn format_hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{}", h as i64)
    } else {
        format!("{h:.1}").replace('.', ",")
    }
}

/// A local path to return to, or nothing.
fn safe_back(back: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") {
        back.to_string()
    } else {
        String::new()
    }
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(form): Query<RequestForm>,
) -> AppResult<Response> {
    Ok(render(
        form_page(&state, &auth, form, FormErrors::default()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let input = RequestInput {
        type_id: form.type_id.parse().ok(),
        description: form.description.clone(),
        account_id: form.account_id.parse().ok(),
        deal_id: form.deal_id.parse().ok(),
    };
    match svc::create(&state.store, &auth, &input, state.clock.now()).await {
        Ok(r) => Ok(see_other(&format!("/requests/{}?notice=created", r.id.0))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&state, &auth, form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ----- one request -----

pub struct Entry {
    pub at: String,
    pub who: String,
    pub text: String,
    pub comment: String,
    pub system: bool,
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    r: Line,
    version: i64,
    started: String,
    sla: String,
    allowed: svc::Allowed,
    statuses: Vec<(String, String)>,
    assignees: Options,
    timeline: Vec<Entry>,
    errors: FormErrors,
    /// Quotes answering this request (or the one it approves): `(href, label)`.
    quotes: Vec<(String, String)>,
    /// Where to start the quote it asks for, if it asks for one.
    make_quote: String,
    /// The quote whose discount the viewer decides here (an approval), or empty.
    decide_quote: String,
}

fn describe(tr: &Tr, e: &tandem_store::requests::TimelineEntry) -> String {
    let s = |k: &str| {
        e.data
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let queue = tr.t("request-queue");
    let or_queue = |v: String| if v.is_empty() { queue.clone() } else { v };
    match e.kind.as_str() {
        "created" => match s("route").as_str() {
            "partner" => tr.t1("timeline-created-partner", "name", &s("assignee")),
            "deputy" => tr.t1("timeline-created-deputy", "name", &s("assignee")),
            "approver" | "territory" | "round_robin" => {
                tr.t1("timeline-created-to", "name", &s("assignee"))
            }
            _ => tr.t("timeline-created-queue"),
        },
        "status" => {
            let to = Status::parse(&s("to"))
                .map(|x| status_label(tr, x))
                .unwrap_or_default();
            tr.t1("timeline-status", "status", &to)
        }
        "claimed" => tr.t1("timeline-claimed", "name", &s("assignee")),
        "reassigned" => {
            let key = if s("reason") == "absence" {
                "timeline-reassigned-absence"
            } else {
                "timeline-reassigned"
            };
            tr.tn(
                key,
                &[("from", &or_queue(s("from"))), ("to", &or_queue(s("to")))],
            )
        }
        "reminded" => tr.t("timeline-reminded"),
        "escalated" if s("step") == "queue" => {
            tr.t1("timeline-requeued", "from", &or_queue(s("from")))
        }
        "escalated" => {
            let step = tr.t(&format!("escalation-{}", s("step").replace('_', "-")));
            let to: Vec<String> = e
                .data
                .get("to")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            tr.tn(
                "timeline-escalated",
                &[("step", &step), ("to", &to.join(", "))],
            )
        }
        "description" => tr.t("timeline-description"),
        "comment" => tr.t("timeline-comment"),
        "quote_sent" => tr.t1("timeline-quote-sent", "number", &s("number")),
        _ => e.kind.clone(),
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: tandem_domain::RequestId,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let r = svc::get(&state.store, auth, id).await?;
    let allowed = svc::allowed(auth, &r);
    let timeline = svc::timeline(&state.store, auth, id)
        .await?
        .iter()
        .map(|e| Entry {
            at: tr.instant(&e.at),
            who: e.actor_name.clone().unwrap_or_else(|| "Tandem".into()),
            text: describe(&tr, e),
            comment: if e.kind == "comment" {
                e.data
                    .get("text")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            } else {
                String::new()
            },
            system: e.actor_id.is_none(),
        })
        .rev()
        .collect();
    let assignees = if allowed.reassign {
        user_svc::list(&state.store, auth)
            .await?
            .into_iter()
            .filter(|u| u.active && u.role == Role::Inside && Some(u.id) != r.assignee_id)
            .map(|u| (u.id.to_string(), u.name, false))
            .collect()
    } else {
        vec![]
    };
    let statuses = allowed
        .statuses
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                tr.t(&format!("request-to-{}", s.as_str().replace('_', "-"))),
            )
        })
        .collect();
    let now = state.clock.now();
    let super::quotes::RequestQuotes {
        links: quotes,
        make: make_quote,
        decide: decide_quote,
    } = super::quotes::for_request(state, auth, &r).await?;
    Ok(ShowPage {
        quotes,
        make_quote,
        decide_quote,
        layout: Layout::new(
            auth,
            "requests",
            format!(
                "{} · {}",
                r.type_name,
                r.account_name.clone().unwrap_or_default()
            ),
        ),
        version: r.version,
        started: tr.instant(&r.started_at),
        sla: tr.t1(
            "request-sla-hours",
            "hours",
            &format_hours(r.sla_minutes as f64 / 60.0),
        ),
        r: line(&tr, &r, now),
        allowed,
        statuses,
        assignees,
        timeline,
        errors,
        tr,
    })
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

fn request_id(raw: &str) -> AppResult<tandem_domain::RequestId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = show_page(&state, &auth, request_id(&id)?, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

/// A refused action on the request page: the page again with the reason.
async fn refused(
    state: &AppState,
    auth: &Auth,
    id: tandem_domain::RequestId,
    e: AppError,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    match e {
        AppError::Invalid(invalid) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            show_page(state, auth, id, FormErrors::from_invalid(&invalid, tr)).await?,
        )),
        AppError::InUse(invalid) => {
            let mut p = show_page(state, auth, id, FormErrors::default()).await?;
            p.layout.notice = invalid
                .0
                .first()
                .map(|f| tr.error(f.code))
                .unwrap_or_default();
            Ok(render_with(StatusCode::CONFLICT, p))
        }
        AppError::Conflict { .. } => {
            let mut p = show_page(state, auth, id, FormErrors::default()).await?;
            p.layout.notice = tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, p))
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    assignee_id: String,
    #[serde(default)]
    text: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id = request_id(&id)?;
    let Some(status) = Status::parse(&form.status) else {
        return refused(
            &state,
            &auth,
            id,
            tandem_domain::Invalid::one("status", "invalid_choice").into(),
        )
        .await;
    };
    let version = form.version.parse().ok();
    match svc::set_status(&state.store, &auth, id, version, status, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=saved", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn claim(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = request_id(&id)?;
    match svc::claim(&state.store, &auth, id, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=claimed", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id = request_id(&id)?;
    let to = match form.assignee_id.trim() {
        "" => None,
        s => match s.parse() {
            Ok(u) => Some(u),
            Err(_) => {
                return refused(
                    &state,
                    &auth,
                    id,
                    tandem_domain::Invalid::one("assignee_id", "invalid_id").into(),
                )
                .await;
            }
        },
    };
    let version = form.version.parse().ok();
    match svc::reassign(&state.store, &auth, id, version, to, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=saved", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn set_description(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id = request_id(&id)?;
    let version = form.version.parse().ok();
    match svc::set_description(
        &state.store,
        &auth,
        id,
        version,
        &form.text,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=saved", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn comment(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id = request_id(&id)?;
    match svc::comment(&state.store, &auth, id, &form.text, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!(
            "/requests/{}?notice=commented#timeline",
            id.0
        ))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

// ----- figures -----

pub struct FigureLine {
    pub name: String,
    pub done: String,
    pub hit_rate: String,
    pub median: String,
    pub p90: String,
    pub reassignments: String,
    pub low: bool,
}

#[derive(Template)]
#[template(path = "requests/figures.html")]
struct FiguresPage {
    tr: Tr,
    layout: Layout,
    from: String,
    to: String,
    total: FigureLine,
    groups: Vec<(String, Vec<FigureLine>)>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct RangeParams {
    from: Option<String>,
    to: Option<String>,
}

fn figure_line(tr: &Tr, f: svc::Figure) -> FigureLine {
    let time = |m: Option<i64>| {
        m.map(|m| span(tr, m * 60_000))
            .unwrap_or_else(|| "–".into())
    };
    FigureLine {
        name: f.name,
        done: tr.number(&(f.done as i64)),
        hit_rate: f
            .hit_rate_bp
            .map(|bp| tandem_domain::format::percent(bp, tr.locale))
            .unwrap_or_else(|| "–".into()),
        low: f.hit_rate_bp.is_some_and(|bp| bp < 8_000),
        median: time(f.median_minutes),
        p90: time(f.p90_minutes),
        reassignments: tr.number(&f.reassignments),
    }
}

pub async fn figures(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<RangeParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (range, errors) = match crate::api::requests::range(p.from.as_deref(), p.to.as_deref()) {
        Ok(r) => (r, FormErrors::default()),
        Err(invalid) => (
            crate::api::requests::range(None, None).map_err(AppError::from)?,
            FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale)),
        ),
    };
    let f = match svc::figures(&state.store, &auth, range.0, range.1).await {
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let f = svc::figures(&state.store, &auth, range.1, range.1).await?;
            return Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                figures_page(&auth, tr, f, errors),
            ));
        }
        other => other?,
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(status, figures_page(&auth, tr, f, errors)))
}

fn figures_page(auth: &Auth, tr: Tr, f: svc::Figures, errors: FormErrors) -> FiguresPage {
    let all = |tr: &Tr, v: Vec<svc::Figure>| v.into_iter().map(|x| figure_line(tr, x)).collect();
    FiguresPage {
        layout: Layout::new(auth, "requests", tr.t("figures-title")),
        from: f.from.to_string(),
        to: f.to.to_string(),
        total: figure_line(&tr, f.total),
        groups: vec![
            (tr.t("figures-by-type"), all(&tr, f.by_type)),
            (tr.t("figures-by-team"), all(&tr, f.by_team)),
            (tr.t("figures-by-tandem"), all(&tr, f.by_tandem)),
        ],
        errors,
        tr,
    }
}

// ----- notifications -----

pub struct NoticeLine {
    pub id: String,
    pub at: String,
    pub title: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    tr: Tr,
    layout: Layout,
    items: Vec<NoticeLine>,
    unread: i64,
}

pub async fn notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let items = notify::recent(&state.store, &auth)
        .await?
        .iter()
        .map(|n| NoticeLine {
            id: n.id.0.to_string(),
            at: tr.instant(&n.at),
            title: notify::title(&tr, n),
            unread: n.read_at.is_none(),
        })
        .collect();
    let unread = notify::unread(&state.store, &auth).await?;
    Ok(render(NotificationsPage {
        layout: Layout::new(&auth, "notifications", tr.t("notifications-title")),
        items,
        unread,
        tr,
    }))
}

/// The unread count for the bell (fetched by the page script).
pub async fn unread(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<serde_json::Value>> {
    let n = notify::unread(&state.store, &auth).await?;
    Ok(Json(serde_json::json!({ "unread": n })))
}

/// Opens a notification: marks it read and goes to its request.
pub async fn open_notification(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: tandem_domain::NotificationId = id.parse().map_err(|_| AppError::NotFound)?;
    notify::mark_read(&state.store, &auth, Some(id)).await?;
    let target = notify::recent(&state.store, &auth)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .and_then(|n| match n.request_id {
            Some(r) => Some(format!("/requests/{}", r.0)),
            // Only paths of Tandem itself, never another site.
            None => n.data["path"]
                .as_str()
                .filter(|p| p.starts_with('/') && !p.starts_with("//"))
                .map(String::from),
        })
        .unwrap_or_else(|| "/notifications".to_string());
    Ok(see_other(&target))
}

pub async fn read_all(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    notify::mark_read(&state.store, &auth, None).await?;
    Ok(see_other("/notifications"))
}

#[derive(Template)]
#[template(path = "notification_prefs.html")]
struct PrefsPage {
    tr: Tr,
    layout: Layout,
    prefs: Vec<(String, String, bool, bool)>,
}

pub async fn prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let prefs = notify::prefs(&state.store, &auth)
        .await?
        .into_iter()
        .map(|p| {
            let k = p.kind.as_str();
            (
                k.to_string(),
                tr.t(&format!("pref-{}", k.replace('_', "-"))),
                p.in_app,
                p.email,
            )
        })
        .collect();
    Ok(render(PrefsPage {
        layout: Layout::new(&auth, "profile", tr.t("prefs-title")).with_notice(n.notice.as_deref()),
        prefs,
        tr,
    }))
}

/// The preference form: `in_app` and `email` as repeated checkbox values (kinds).
pub async fn save_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let has = |channel: &str, k: Kind| pairs.iter().any(|(n, v)| n == channel && v == k.as_str());
    let prefs: Vec<Pref> = Kind::ALL
        .into_iter()
        .map(|kind| Pref {
            kind,
            in_app: has("in_app", kind),
            email: has("email", kind),
        })
        .collect();
    notify::set_prefs(&state.store, &auth, &prefs).await?;
    Ok(see_other("/profile/notifications?notice=saved"))
}

// ----- request types (admins) -----

pub struct TypeLine {
    pub id: String,
    pub version: i64,
    pub name: String,
    pub sla_hours: String,
    pub reminder: i64,
    pub team_lead: bool,
    pub queue: bool,
    pub manager: bool,
}

#[derive(Template)]
#[template(path = "admin/request_types.html")]
struct TypesPage {
    tr: Tr,
    layout: Layout,
    lines: Vec<TypeLine>,
    form: TypeForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct TypeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sla_hours: String,
    #[serde(default)]
    reminder_percent: String,
    #[serde(default)]
    team_lead: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    manager: String,
}

impl TypeForm {
    fn input(&self) -> RequestTypeInput {
        let mut escalation = vec![];
        if !self.team_lead.is_empty() {
            escalation.push(EscalationStep::TeamLead.as_str().to_string());
        }
        if !self.queue.is_empty() {
            escalation.push(EscalationStep::Queue.as_str().to_string());
        }
        if !self.manager.is_empty() {
            escalation.push(EscalationStep::Manager.as_str().to_string());
        }
        RequestTypeInput {
            name: self.name.clone(),
            sla_hours: match self.sla_hours.trim() {
                "" => None,
                s => Some(s.replace(',', ".").parse().unwrap_or(f64::NAN)),
            },
            reminder_percent: match self.reminder_percent.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(-1)),
            },
            escalation,
        }
    }
}

async fn types_page(
    state: &AppState,
    auth: &Auth,
    form: TypeForm,
    errors: FormErrors,
) -> AppResult<TypesPage> {
    tandem_app::require_admin(auth)?;
    let tr = Tr::new(auth.user.locale);
    let lines = svc::types(&state.store, auth)
        .await?
        .into_iter()
        .map(|t| TypeLine {
            id: t.id.0.to_string(),
            version: t.version,
            name: t.data.name,
            sla_hours: format_hours(t.data.sla_minutes as f64 / 60.0),
            reminder: t.data.reminder_bp / 100,
            team_lead: t.data.escalation.contains(&EscalationStep::TeamLead),
            queue: t.data.escalation.contains(&EscalationStep::Queue),
            manager: t.data.escalation.contains(&EscalationStep::Manager),
        })
        .collect();
    Ok(TypesPage {
        layout: Layout::new(auth, "admin", tr.t("request-types-title")).within("request-types"),
        lines,
        form,
        errors,
        tr,
    })
}

pub async fn types(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let form = TypeForm {
        reminder_percent: "75".into(),
        team_lead: "on".into(),
        manager: "on".into(),
        ..TypeForm::default()
    };
    let mut p = types_page(&state, &auth, form, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

async fn type_refused(
    state: &AppState,
    auth: &Auth,
    form: TypeForm,
    e: AppError,
) -> AppResult<Response> {
    match e {
        AppError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                types_page(state, auth, form, errors).await?,
            ))
        }
        AppError::Store(tandem_store::StoreError::Duplicate(field)) => {
            let invalid = tandem_domain::Invalid::one(field, "taken");
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                types_page(state, auth, form, errors).await?,
            ))
        }
        AppError::Conflict { .. } => {
            let mut p = types_page(state, auth, TypeForm::default(), FormErrors::default()).await?;
            p.layout.notice = p.tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, p))
        }
        e => Err(e.into()),
    }
}

pub async fn create_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<TypeForm>,
) -> AppResult<Response> {
    match svc::create_type(&state.store, &auth, &form.input()).await {
        Ok(_) => Ok(see_other("/admin/request-types?notice=created")),
        Err(e) => type_refused(&state, &auth, form, e).await,
    }
}

pub async fn update_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<TypeForm>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let version = form.version.parse().unwrap_or(-1);
    match svc::update_type(&state.store, &auth, id, version, &form.input()).await {
        Ok(_) => Ok(see_other("/admin/request-types?notice=saved")),
        Err(e) => type_refused(&state, &auth, form, e).await,
    }
}

pub async fn delete_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete_type(&state.store, &auth, id).await?;
    Ok(see_other("/admin/request-types?notice=deleted"))
}

// ----- mail settings (admins) -----

pub struct OutboxLine {
    pub to: String,
    pub subject: String,
    pub at: String,
    pub state: String,
    pub failed: bool,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    tr: Tr,
    layout: Layout,
    enabled: bool,
    host: String,
    port: String,
    securities: Options,
    username: String,
    password_set: bool,
    from: String,
    allow_plaintext_password: bool,
    outbox: Vec<OutboxLine>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct MailForm {
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    security: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    from: String,
    /// The checkbox: present when ticked.
    #[serde(default)]
    allow_plaintext_password: Option<String>,
}

async fn mail_page(
    state: &AppState,
    auth: &Auth,
    form: Option<MailForm>,
    errors: FormErrors,
) -> AppResult<MailPage> {
    let tr = Tr::new(auth.user.locale);
    let stored = notify::mail_settings(&state.store, auth).await?;
    let form = form.unwrap_or_else(|| match &stored {
        Some(s) => MailForm {
            host: s.host.clone(),
            port: s.port.to_string(),
            security: s.security.as_str().into(),
            username: s.username.clone().unwrap_or_default(),
            password: String::new(),
            from: s.from.clone(),
            allow_plaintext_password: s.allow_plaintext_password.then(|| "on".into()),
        },
        None => MailForm::default(),
    });
    let securities = Security::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                tr.t(&format!("mail-security-{}", s.as_str())),
                s.as_str() == form.security,
            )
        })
        .collect();
    let outbox = notify::outbox(&state.store, auth)
        .await?
        .into_iter()
        .map(|m| OutboxLine {
            to: m.to_addr,
            subject: m.subject,
            at: tr.instant(&Instant(m.created_at)),
            failed: m.sent_at.is_none() && m.last_error.is_some(),
            state: match (m.sent_at, m.last_error) {
                (Some(at), _) => tr.t1("mail-sent-at", "at", &tr.instant(&Instant(at))),
                (None, Some(e)) => tr.tn(
                    "mail-failed",
                    &[("error", &e), ("attempts", &m.attempts.to_string())],
                ),
                (None, None) => tr.t("mail-pending"),
            },
        })
        .collect();
    Ok(MailPage {
        layout: Layout::new(auth, "admin", tr.t("mail-title")).within("mail"),
        enabled: stored.is_some(),
        password_set: stored.as_ref().is_some_and(|s| s.password.is_some()),
        host: form.host,
        port: form.port,
        securities,
        username: form.username,
        from: form.from,
        allow_plaintext_password: form.allow_plaintext_password.is_some(),
        outbox,
        errors,
        tr,
    })
}

pub async fn mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = mail_page(&state, &auth, None, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

pub async fn save_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<MailForm>,
) -> AppResult<Response> {
    let input = MailSettingsInput {
        host: form.host.clone(),
        port: Some(form.port.clone()),
        security: Some(form.security.clone()),
        username: Some(form.username.clone()),
        password: Some(form.password.clone()),
        from: form.from.clone(),
        allow_plaintext_password: form.allow_plaintext_password.is_some(),
    };
    match notify::set_mail_settings(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/admin/mail?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                mail_page(&state, &auth, Some(form), errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn test_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, notice) = match notify::send_test_mail(&state.store, &auth).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            tr.t1("mail-test-sent", "to", &auth.user.email),
        ),
        Ok(Err(e)) => (
            StatusCode::BAD_GATEWAY,
            tr.t1("mail-test-failed", "error", &e),
        ),
        Err(AppError::Invalid(_)) => (StatusCode::UNPROCESSABLE_ENTITY, tr.t("error-mail-off")),
        Err(e) => return Err(e.into()),
    };
    let mut p = mail_page(&state, &auth, None, FormErrors::default()).await?;
    p.layout.notice = notice;
    Ok(render_with(status, p))
}
