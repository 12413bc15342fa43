//! `Verwaltung → Geschäftszeiten`: the workspace's business calendar — time zone,
//! working hours per weekday, the Land whose holidays apply, closure days — with the
//! year's holidays shown for checking. Request SLAs run on it.

use super::{FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{require_admin, settings as svc};
use tandem_domain::{
    calendar::{Settings, SettingsInput},
    format,
    holidays::{Land, holidays},
};

pub struct Day {
    pub index: usize,
    pub name: String,
    pub start: String,
    pub end: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    tr: Tr,
    layout: Layout,
    time_zone: String,
    lands: Options,
    days: Vec<Day>,
    closures: String,
    errors: FormErrors,
    /// This year's holidays of the stored Land: `(date, name)`.
    holidays: Vec<(String, String)>,
    year: String,
}

const DAY_KEYS: [&str; 7] = [
    "day-monday",
    "day-tuesday",
    "day-wednesday",
    "day-thursday",
    "day-friday",
    "day-saturday",
    "day-sunday",
];

/// The calendar settings page; the holidays shown are those of the year of `now`.
fn page(
    auth: &Auth,
    stored: &Settings,
    input: &SettingsInput,
    errors: FormErrors,
    now: tandem_domain::Instant,
) -> CalendarPage {
    let tr = Tr::new(auth.user.locale);
    let year = format::local_date(now).year();
    CalendarPage {
        layout: Layout::new(auth, "admin", tr.t("calendar-title")).within("calendar"),
        time_zone: input.time_zone.clone(),
        lands: Land::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str().to_string(),
                    tr.t(&format!("land-{}", l.as_str().to_lowercase())),
                    l.as_str().eq_ignore_ascii_case(input.land.trim()),
                )
            })
            .collect(),
        days: input
            .week
            .iter()
            .enumerate()
            .map(|(i, (start, end))| Day {
                index: i,
                name: tr.t(DAY_KEYS[i]),
                start: start.clone(),
                end: end.clone(),
                error: errors.get(&format!("week.{i}")).to_string(),
            })
            .collect(),
        closures: input.closures.clone(),
        holidays: holidays(year, stored.land)
            .iter()
            .map(|h| {
                (
                    format::date(h.date, tr.locale),
                    tr.t(&format!("holiday-{}", h.key)),
                )
            })
            .collect(),
        year: year.to_string(),
        errors,
        tr,
    }
}

/// The stored settings as the form shows them.
fn as_input(s: &Settings) -> SettingsInput {
    let hm = |t: jiff::civil::Time| t.strftime("%H:%M").to_string();
    SettingsInput {
        time_zone: s.time_zone.clone(),
        land: s.land.as_str().to_string(),
        week: std::array::from_fn(|i| {
            s.week[i].map_or((String::new(), String::new()), |h| (hm(h.start), hm(h.end)))
        }),
        closures: s
            .closures
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let stored = svc::workspace(&state.store, &auth).await?.calendar;
    let mut p = page(
        &auth,
        &stored,
        &as_input(&stored),
        FormErrors::default(),
        state.store.now(),
    );
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

/// `POST /admin/calendar`: `time_zone`, `land`, `start_<0..6>`, `end_<0..6>`, `closures`.
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut input = SettingsInput::default();
    for (k, v) in form_urlencoded::parse(&body) {
        let v = v.into_owned();
        match k.as_ref() {
            "time_zone" => input.time_zone = v,
            "land" => input.land = v,
            "closures" => input.closures = v,
            key => {
                let day = |prefix: &str| {
                    key.strip_prefix(prefix)
                        .and_then(|i| i.parse::<usize>().ok())
                        .filter(|i| *i < 7)
                };
                if let Some(i) = day("start_") {
                    input.week[i].0 = v;
                } else if let Some(i) = day("end_") {
                    input.week[i].1 = v;
                }
            }
        }
    }
    match svc::set_calendar(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/admin/calendar?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let tr = Tr::new(auth.user.locale);
            let stored = svc::workspace(&state.store, &auth).await?.calendar;
            let errors = FormErrors::from_invalid(&invalid, tr);
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&auth, &stored, &input, errors, state.store.now()),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/admin/calendar", get(show).post(save))
}
