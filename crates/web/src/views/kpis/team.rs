//! The manager's team comparison: outcomes side by side, the forecast and the funnel.

use super::{charts::*, *};

pub struct ComparedRow {
    pub name: String,
    pub href: String,
    pub cells: Vec<String>,
    /// Won, commit, best case, pipeline.
    pub forecast: Vec<String>,
    pub quota: String,
    pub attainment: String,
    pub bar: String,
}

/// A pipeline's funnel as the page shows it: the chart and per stage (name, visits
/// left, share moved on).
pub struct FunnelView {
    pub pipeline: String,
    pub chart: String,
    pub steps: Vec<(String, String, String)>,
}

/// A funnel's chart and its rows: step, count, share that moved on.
pub fn funnel_view(tr: &Tr, f: &svc::Funnel) -> FunnelView {
    FunnelView {
        pipeline: f.pipeline.clone(),
        chart: funnel_chart(f),
        steps: f
            .steps
            .iter()
            .map(|s| {
                (
                    s.stage.clone(),
                    tr.number(&s.exits),
                    s.rate_bp
                        .map(|r| format::percent(r, tr.locale))
                        .unwrap_or_else(|| NO_DATA.to_string()),
                )
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "kpis/team.html")]
struct TeamPage {
    tr: Tr,
    layout: Layout,
    headers: Vec<String>,
    forecast_headers: Vec<String>,
    rows: Vec<ComparedRow>,
    total: ComparedRow,
    chart: String,
    forecast_chart: String,
    funnels: Vec<FunnelView>,
    head: PeriodHead,
}

fn compared_row(tr: &Tr, c: &svc::Compared, name: String, period: &Period) -> ComparedRow {
    ComparedRow {
        href: href(&Scope::User(c.user_id), period),
        name,
        cells: svc::COMPARED
            .iter()
            .zip(&c.values)
            .map(|(m, v)| show(*m, *v, tr))
            .collect(),
        forecast: [c.values[0].unwrap_or(0)]
            .iter()
            .chain(&c.forecast)
            .map(|v| show(Metric::WonRevenue, Some(*v), tr))
            .collect(),
        quota: c
            .quota
            .map(|q| show(Metric::WonRevenue, Some(q), tr))
            .unwrap_or_else(|| tr.t("team-no-quota")),
        attainment: c
            .attainment_bp
            .map(|a| format::percent(a, tr.locale))
            .unwrap_or_default(),
        bar: bar(c.attainment_bp),
    }
}

/// The scopes a comparison is for: the company and every team.
async fn team_scope_options(
    state: &AppState,
    auth: &Auth,
    current: &Scope,
    tr: &Tr,
) -> AppResult<Options> {
    let teams = tandem_app::users::teams(&state.store, auth).await?;
    let mut out: Options = vec![(
        Scope::Workspace.key(),
        tr.t("kpis-workspace"),
        *current == Scope::Workspace,
    )];
    out.extend(teams.iter().map(|t| {
        let s = Scope::Team(t.id);
        (s.key(), tr.t1("kpis-team", "team", &t.name), *current == s)
    }));
    Ok(out)
}

/// The scope a comparison shows first: the manager's own team, else the company.
fn team_scope(p: &KpiParams, auth: &Auth) -> tandem_app::AppResult<Scope> {
    match p.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(auth.user.team_id.map_or(Scope::Workspace, Scope::Team)),
        scope => svc::parse_scope(scope, auth),
    }
}

async fn comparison_for(
    state: &AppState,
    auth: &Auth,
    p: &KpiParams,
) -> AppResult<svc::Comparison> {
    let today = local_date(state.store.now());
    let scope = team_scope(p, auth)?;
    // Opened without a period: the period the quotas are set for.
    let kind = match (&p.period, &p.period_kind) {
        (None, None) => Some(svc::quota_period_kind(&state.store, auth, today).await?),
        _ => None,
    };
    let kind = kind.map(|k| k.as_str());
    let period_kind = p.period_kind.as_deref().or(kind);
    let period = svc::parse_period(p.period.as_deref(), period_kind, today)?;
    Ok(svc::comparison(&state.store, auth, scope, period, state.store.now()).await?)
}

pub async fn team(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let cmp = comparison_for(&state, &auth, &p).await?;
    let (scope, period) = (cmp.scope, cmp.period);
    let page = TeamPage {
        layout: Layout::new(&auth, "kpis", tr.t("team-title")).within("team"),
        headers: svc::COMPARED.iter().map(|m| metric_name(&tr, *m)).collect(),
        forecast_headers: ["team-won", "team-commit", "team-best-case", "team-pipeline"]
            .iter()
            .map(|k| tr.t(k))
            .collect(),
        rows: cmp
            .people
            .iter()
            .map(|c| compared_row(&tr, c, c.name.clone(), &period))
            .collect(),
        total: compared_row(&tr, &cmp.total, tr.t("team-total"), &period),
        chart: revenue_chart(&tr, &cmp.people),
        forecast_chart: forecast_chart(
            cmp.total.values[0].unwrap_or(0),
            &cmp.total.forecast,
            cmp.total.quota,
        ),
        funnels: cmp.funnel.iter().map(|f| funnel_view(&tr, f)).collect(),
        head: PeriodHead::new(
            &tr,
            "/kpis/team",
            &scope,
            &period,
            team_scope_options(&state, &auth, &scope, &tr).await?,
        ),
        tr,
    };
    Ok(render(page))
}

/// The comparison as CSV: raw values in their units.
pub async fn team_export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<KpiParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let cmp = comparison_for(&state, &auth, &p).await?;
    let period = cmp.period;
    let mut out = crate::views::table::csv_writer(tr.locale);
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut head = vec!["person".to_string(), "period".to_string()];
    head.extend(svc::COMPARED.iter().map(|m| m.key().to_string()));
    head.extend(["quota".to_string(), "attainment_bp".to_string()]);
    out.write_record(&head).map_err(internal)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let total = tr.t("team-total");
    for (name, c) in cmp
        .people
        .iter()
        .map(|c| (c.name.as_str(), c))
        .chain([(total.as_str(), &cmp.total)])
    {
        let mut rec = vec![
            crate::views::table::neutralised(name).into_owned(),
            period.key(),
        ];
        rec.extend(c.values.iter().map(|v| opt(*v)));
        rec.extend([opt(c.quota), opt(c.attainment_bp)]);
        out.write_record(&rec).map_err(internal)?;
    }
    csv_download(out, &format!("team-{}.csv", period.key()))
}
