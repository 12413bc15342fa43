//! The forecast through the API.

use super::*;

/// One person's (or the scope's) forecast line. Amounts in minor units (cents).
#[derive(Serialize, ToSchema)]
pub struct ForecastLineOut {
    /// null on the scope's total
    pub user_id: Option<uuid::Uuid>,
    pub name: Option<String>,
    /// Won in the period.
    pub won_minor: i64,
    /// Open deals expected to close in the period, by forecast category (the deal's
    /// own, else commit from 70 % probability, best case from 30 %, pipeline below).
    pub commit_minor: i64,
    pub best_case_minor: i64,
    pub pipeline_minor: i64,
    /// The quota on won revenue (a team without its own: its people's summed).
    pub quota_minor: Option<i64>,
    pub attainment_bp: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastOut {
    pub scope: String,
    pub period: String,
    pub total: ForecastLineOut,
    /// Every active person of the team or company; empty for a person's own scope.
    pub people: Vec<ForecastLineOut>,
}

pub(super) fn forecast_line(c: &svc::Compared, person: bool) -> ForecastLineOut {
    ForecastLineOut {
        user_id: person.then_some(c.user_id.0),
        name: person.then(|| c.name.clone()),
        won_minor: c.values[0].unwrap_or(0),
        commit_minor: c.forecast[0],
        best_case_minor: c.forecast[1],
        pipeline_minor: c.forecast[2],
        quota_minor: c.quota,
        attainment_bp: c.attainment_bp,
    }
}

/// The forecast of a period against quota: for a person (the caller's own, or anyone's
/// for managers), or per person of a team or the company (managers and admins).
#[utoipa::path(get, path = "/forecast", tag = "metrics", params(FigureParams),
    responses((status = 200, body = ForecastOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn get_forecast(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<FigureParams>,
) -> AppResult<Json<ForecastOut>> {
    let (scope, period) = scope_and_period(&state, &auth, &p)?;
    let now = state.store.now();
    let out = match scope {
        Scope::User(u) => ForecastOut {
            scope: scope.key(),
            period: period.key(),
            total: forecast_line(
                &svc::person(&state.store, &auth, u, period, now).await?,
                true,
            ),
            people: vec![],
        },
        _ => {
            let cmp = svc::comparison(&state.store, &auth, scope, period, now).await?;
            ForecastOut {
                scope: cmp.scope.key(),
                period: cmp.period.key(),
                total: forecast_line(&cmp.total, false),
                people: cmp.people.iter().map(|c| forecast_line(c, true)).collect(),
            }
        }
    };
    Ok(Json(out))
}
