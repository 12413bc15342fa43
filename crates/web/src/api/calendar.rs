//! `/api/v1/business-calendar`: the workspace's business hours, Land and closure days.

use crate::{
    AppState,
    api::json::ApiJson,
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use tandem_app::settings as svc;
use tandem_domain::calendar::{Settings, SettingsInput};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// One weekday's working hours, `HH:MM` on the workspace's clock; `null` for a day off.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DayHours {
    start: String,
    end: String,
}

/// The business calendar that request deadlines run on.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    /// IANA name, e.g. `Europe/Berlin`
    time_zone: String,
    /// the Bundesland whose public holidays apply: BW, BY, BE, BB, HB, HH, HE, MV, NI,
    /// NW, RP, SL, SN, ST, SH or TH
    land: String,
    /// Monday first, seven entries
    week: Vec<Option<DayHours>>,
    /// extra days off, `YYYY-MM-DD`
    #[serde(default)]
    closures: Vec<String>,
}

impl From<Settings> for CalendarBody {
    fn from(s: Settings) -> Self {
        let hm = |t: jiff::civil::Time| t.strftime("%H:%M").to_string();
        CalendarBody {
            time_zone: s.time_zone,
            land: s.land.as_str().into(),
            week: s
                .week
                .iter()
                .map(|d| {
                    d.map(|h| DayHours {
                        start: hm(h.start),
                        end: hm(h.end),
                    })
                })
                .collect(),
            closures: s.closures.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// The workspace's business calendar.
#[utoipa::path(get, path = "/business-calendar", tag = "settings",
    responses((status = 200, body = CalendarBody)))]
async fn get_calendar(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<CalendarBody>> {
    Ok(Json(
        svc::workspace(&state.store, &auth).await?.calendar.into(),
    ))
}

/// Replace the business calendar (admins).
#[utoipa::path(put, path = "/business-calendar", tag = "settings", request_body = CalendarBody,
    responses((status = 200, body = CalendarBody), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn put_calendar(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(body): ApiJson<CalendarBody>,
) -> AppResult<Json<CalendarBody>> {
    if body.week.len() != 7 {
        return Err(tandem_domain::Invalid::one("week", "out_of_range").into());
    }
    let input = SettingsInput {
        time_zone: body.time_zone,
        land: body.land,
        week: std::array::from_fn(|i| {
            body.week[i]
                .as_ref()
                .map_or((String::new(), String::new()), |d| {
                    (d.start.clone(), d.end.clone())
                })
        }),
        closures: body.closures.join("\n"),
    };
    Ok(Json(
        svc::set_calendar(&state.store, &auth, &input).await?.into(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_calendar, put_calendar))
}
