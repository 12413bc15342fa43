//! Request figures through the API.

use super::*;

#[derive(Serialize, ToSchema)]
#[schema(as = RequestFigure)]
pub struct FigureOut {
    pub name: String,
    pub done: u64,
    pub in_time: u64,
    /// Percent done within the SLA, one decimal; empty without done requests.
    pub hit_rate_percent: Option<f64>,
    /// Business minutes from request to done.
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    pub reassignments: i64,
}

impl From<svc::Figure> for FigureOut {
    fn from(f: svc::Figure) -> Self {
        FigureOut {
            name: f.name,
            done: f.done,
            in_time: f.in_time,
            hit_rate_percent: f.hit_rate_bp.map(|bp| (bp / 10) as f64 / 10.0),
            median_minutes: f.median_minutes,
            p90_minutes: f.p90_minutes,
            reassignments: f.reassignments,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    pub from: String,
    pub to: String,
    pub total: FigureOut,
    pub by_type: Vec<FigureOut>,
    pub by_team: Vec<FigureOut>,
    pub by_tandem: Vec<FigureOut>,
}

impl From<svc::Figures> for FiguresOut {
    fn from(f: svc::Figures) -> Self {
        let all = |v: Vec<svc::Figure>| v.into_iter().map(Into::into).collect();
        FiguresOut {
            from: f.from.to_string(),
            to: f.to.to_string(),
            total: f.total.into(),
            by_type: all(f.by_type),
            by_team: all(f.by_team),
            by_tandem: all(f.by_tandem),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureParams {
    /// `YYYY-MM-DD`, default 90 days before `to`
    pub(super) from: Option<String>,
    /// `YYYY-MM-DD`, default today
    pub(super) to: Option<String>,
}

/// Parses a `from`/`to` range (default: the 90 days up to `today`).
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: jiff::civil::Date,
) -> Result<(jiff::civil::Date, jiff::civil::Date), Invalid> {
    let mut errors = vec![];
    let mut date = |field: &str, v: Option<&str>| {
        let v = v.map(str::trim).filter(|v| !v.is_empty())?;
        tandem_domain::validation::date(v)
            .map_err(|code| errors.push(FieldError::new(field, code)))
            .ok()
    };
    let to = date("to", to).unwrap_or(today);
    let from = date("from", from).unwrap_or_else(|| to.saturating_sub(jiff::Span::new().days(90)));
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(Invalid(errors))
    }
}

/// Turnaround (median, p90, business minutes), SLA hit rate and reassignments of the
/// requests done in a period, per type, inside team and tandem (managers, admins,
/// inside sales).
#[utoipa::path(get, path = "/request-figures", tag = "requests", params(FigureParams),
    responses((status = 200, body = FiguresOut), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn request_figures(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<FiguresOut>> {
    let today = tandem_domain::format::local_date(state.store.now());
    let (from, to) = range(p.from.as_deref(), p.to.as_deref(), today)?;
    Ok(Json(
        svc::figures(&state.store, &auth, from, to).await?.into(),
    ))
}
