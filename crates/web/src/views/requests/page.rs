//! One request: its deadline, timeline and the actions the viewer may take.

use super::*;
use crate::extract::Id;

pub struct Entry {
    pub at: String,
    pub who: String,
    pub text: String,
    pub comment: String,
    pub system: bool,
}

#[derive(Template)]
#[template(path = "requests/show.html")]
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) r: Line,
    pub(super) version: i64,
    pub(super) started: String,
    pub(super) sla: String,
    pub(super) allowed: svc::Allowed,
    pub(super) statuses: Vec<(String, String)>,
    pub(super) assignees: Options,
    pub(super) timeline: Vec<Entry>,
    pub(super) errors: FormErrors,
    /// Quotes answering this request (or the one it approves): `(href, label)`.
    pub(super) quotes: Vec<(String, String)>,
    /// Where to start the quote it asks for, if it asks for one.
    pub(super) make_quote: String,
    /// The quote whose discount the viewer decides here (an approval), or empty.
    pub(super) decide_quote: String,
}

pub(super) fn describe(tr: &Tr, e: &tandem_store::requests::TimelineEntry) -> String {
    use tandem_domain::request::Event;
    let queue = tr.t("request-queue");
    let or_queue =
        |v: &Option<String>| v.clone().filter(|v| !v.is_empty()).unwrap_or(queue.clone());
    let name = |v: &Option<String>| v.clone().unwrap_or_default();
    match &e.event {
        Event::Created {
            route, assignee, ..
        } => match route.as_str() {
            "partner" => tr.t1("timeline-created-partner", "name", &name(assignee)),
            "deputy" => tr.t1("timeline-created-deputy", "name", &name(assignee)),
            "approver" | "territory" | "round_robin" => {
                tr.t1("timeline-created-to", "name", &name(assignee))
            }
            _ => tr.t("timeline-created-queue"),
        },
        Event::Status { to, .. } => {
            let to = Status::parse(to)
                .map(|x| status_label(tr, x))
                .unwrap_or_default();
            tr.t1("timeline-status", "status", &to)
        }
        Event::Claimed { assignee } => tr.t1("timeline-claimed", "name", &name(assignee)),
        Event::Reassigned {
            reason, from, to, ..
        } => {
            let key = if reason == "absence" {
                "timeline-reassigned-absence"
            } else {
                "timeline-reassigned"
            };
            tr.tn(key, &[("from", &or_queue(from)), ("to", &or_queue(to))])
        }
        Event::Reminded { .. } => tr.t("timeline-reminded"),
        Event::Escalated { step, from, .. } if step == "queue" => {
            tr.t1("timeline-requeued", "from", &or_queue(from))
        }
        Event::Escalated { step, to, .. } => {
            let step = tr.t(&format!("escalation-{}", step.replace('_', "-")));
            tr.tn(
                "timeline-escalated",
                &[("step", &step), ("to", &to.join(", "))],
            )
        }
        Event::Description {} => tr.t("timeline-description"),
        Event::Comment { .. } => tr.t("timeline-comment"),
        Event::QuoteSent { number, .. } => tr.t1("timeline-quote-sent", "number", number),
        Event::Unknown => String::new(),
    }
}

/// The timeline, newest first.
fn entries(tr: &Tr, timeline: &[tandem_store::requests::TimelineEntry]) -> Vec<Entry> {
    timeline
        .iter()
        .map(|e| Entry {
            at: tr.instant(&e.at),
            who: e.actor_name.clone().unwrap_or_else(|| "Tandem".into()),
            text: describe(tr, e),
            comment: match &e.event {
                tandem_domain::request::Event::Comment { text } => text.clone(),
                _ => String::new(),
            },
            system: e.actor_id.is_none(),
        })
        .rev()
        .collect()
}

/// The statuses the caller may move the request to: `(status, button label)`.
fn status_choices(tr: &Tr, allowed: &svc::Allowed) -> Vec<(String, String)> {
    allowed
        .statuses
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                tr.t(&format!("request-to-{}", s.as_str().replace('_', "-"))),
            )
        })
        .collect()
}

pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: tandem_domain::RequestId,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let svc::RequestPage {
        request: r,
        allowed,
        timeline,
        assignees,
    } = svc::page(&state.store, auth, id).await?;
    let assignees = assignees
        .into_iter()
        .map(|u| (u.id.to_string(), u.name, false))
        .collect();
    let statuses = status_choices(&tr, &allowed);
    let now = state.store.now();
    let crate::views::quotes::RequestQuotes {
        links: quotes,
        make: make_quote,
        decide: decide_quote,
    } = crate::views::quotes::for_request(state, auth, &r).await?;
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
        timeline: entries(&tr, &timeline),
        errors,
        tr,
    })
}

#[derive(Deserialize)]
pub struct Notice {
    pub(super) notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = show_page(&state, &auth, id, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

/// A refused action on the request page: the page again with the reason.
pub(super) async fn refused(
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
    pub(super) version: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) assignee_id: String,
    #[serde(default)]
    pub(super) text: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
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
    match svc::set_status(&state.store, &auth, id, version, status, state.store.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=saved", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn claim(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
) -> AppResult<Response> {
    match svc::claim(&state.store, &auth, id, state.store.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=claimed", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
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
    match svc::reassign(&state.store, &auth, id, version, to, state.store.now()).await {
        Ok(_) => Ok(see_other(&format!("/requests/{}?notice=saved", id.0))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn set_description(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::RequestId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let version = form.version.parse().ok();
    match svc::set_description(
        &state.store,
        &auth,
        id,
        version,
        &form.text,
        state.store.now(),
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
    Id(id): Id<tandem_domain::RequestId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    match svc::comment(&state.store, &auth, id, &form.text, state.store.now()).await {
        Ok(_) => Ok(see_other(&format!(
            "/requests/{}?notice=commented#timeline",
            id.0
        ))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}
