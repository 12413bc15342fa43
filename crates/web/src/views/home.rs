//! "My day", the home page: today's and overdue tasks, next steps due, today's
//! meetings and visits, and one tap to log a visit or a call.

use super::{Layout, render, tasks::Row};
use crate::{AppState, auth::CurrentUser, error::AppResult, i18n::Tr};
use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;
use tandem_app::my_day as svc;
use tandem_domain::format;

pub struct NextStep {
    pub id: String,
    pub title: String,
    pub account: String,
    pub step: String,
    pub due: String,
    pub overdue: bool,
    pub amount: String,
}

pub struct Meeting {
    pub id: String,
    pub time: String,
    pub kind: String,
    pub subject: String,
    pub account: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    tr: Tr,
    layout: Layout,
    date: String,
    overdue: Vec<Row>,
    today: Vec<Row>,
    soon: Vec<Row>,
    next_steps: Vec<NextStep>,
    meetings: Vec<Meeting>,
    can_write: bool,
    /// "Ihr Tandem: …" and who takes requests today, if the user is in a tandem.
    tandem: Vec<String>,
    /// Open requests the user made or has.
    lines: Vec<super::requests::Line>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

fn next_step(tr: Tr, d: &tandem_store::deals::Deal, today: jiff::civil::Date) -> NextStep {
    NextStep {
        id: d.id.to_string(),
        title: d.data.title.clone(),
        account: d.account_name.clone(),
        step: d.data.next_step.clone().unwrap_or_default(),
        due: d
            .data
            .next_step_due
            .map(|x| format::date(x, tr.locale))
            .unwrap_or_default(),
        overdue: d.data.next_step_due.is_some_and(|x| x < today),
        amount: d
            .data
            .amount
            .as_ref()
            .map(|m| m.format(tr.locale))
            .unwrap_or_default(),
    }
}

/// Who the user's tandem partner is today, and where requests go while they are away.
fn tandem_lines(tr: Tr, t: &tandem_app::my_day::TodaysTandem) -> Vec<String> {
    use tandem_domain::handoff::Route;
    let mut lines = vec![tr.t1("home-tandem-partner", "name", &t.partner)];
    if let Some(d) = &t.deputy {
        lines.push(tr.t1("home-tandem-deputy", "name", d));
    }
    if t.partner_away {
        lines.push(match t.route {
            Route::Deputy(_) => tr.t1(
                "home-tandem-away-deputy",
                "name",
                t.deputy.as_deref().unwrap_or_default(),
            ),
            _ => tr.t("home-tandem-away-queue"),
        });
    }
    lines
}

pub async fn my_day(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let day = svc::my_day(&state.store, &auth).await?;
    let today = tandem_domain::format::local_date(state.store.now());
    let rows = |tasks: &[tandem_store::tasks::Task]| {
        tasks
            .iter()
            .map(|t| super::tasks::row(t, tr))
            .collect::<Vec<_>>()
    };
    Ok(render(HomePage {
        layout: Layout::new(&auth, "home", tr.t("home-title")).with_notice(p.notice.as_deref()),
        date: tr.t1("home-date", "date", &format::date(today, tr.locale)),
        overdue: rows(&day.overdue),
        today: rows(&day.today),
        soon: rows(&day.soon),
        next_steps: day
            .next_steps
            .iter()
            .map(|d| next_step(tr, d, today))
            .collect(),
        meetings: day
            .meetings
            .iter()
            .map(|a| Meeting {
                id: a.id.to_string(),
                time: format::time(a.data.occurred_at),
                kind: tr.t(&format!("activity-kind-{}", a.data.kind.as_str())),
                subject: a.data.subject.clone(),
                account: a.account_name.clone().unwrap_or_default(),
            })
            .collect(),
        can_write: auth.user.role.can_write_records(),
        lines: day
            .requests
            .iter()
            .map(|r| super::requests::line(&tr, r, state.store.now()))
            .collect(),
        tandem: day.tandem.map_or_else(Vec::new, |t| tandem_lines(tr, &t)),
        tr,
    }))
}
