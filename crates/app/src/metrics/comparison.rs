//! The manager's comparison: each rep's figures against quota, forecast and funnel.

use super::*;

/// The outcome figures the team comparison puts side by side.
pub const COMPARED: [Metric; 8] = [
    Metric::WonRevenue,
    Metric::DealsWon,
    Metric::WinRate,
    Metric::AverageDealSize,
    Metric::SalesCycle,
    Metric::OpenPipeline,
    Metric::WeightedPipeline,
    Metric::PipelineCoverage,
];

/// One person's line of the comparison.
pub struct Compared {
    pub user_id: UserId,
    pub name: String,
    /// In the order of `COMPARED`.
    pub values: Vec<Option<i64>>,
    /// The quota on won revenue, and how far it is reached.
    pub quota: Option<i64>,
    pub attainment_bp: Option<i64>,
    /// Open deals expected to close in the period: commit, best case, pipeline.
    pub forecast: [i64; 3],
}

pub struct Comparison {
    pub scope: Scope,
    pub period: Period,
    pub people: Vec<Compared>,
    pub total: Compared,
    /// The scope's funnel, per pipeline that deals moved through in the period.
    pub funnel: Vec<Funnel>,
}

/// One pipeline's stages in order: visits that ended in the period, and how many of
/// them moved the deal on (a later stage, or won).
pub struct Funnel {
    pub pipeline: String,
    pub steps: Vec<FunnelStep>,
}

pub struct FunnelStep {
    pub stage: String,
    pub exits: i64,
    pub advances: i64,
    pub rate_bp: Option<i64>,
}

pub(super) fn funnels(pipelines: &[tandem_store::pipelines::Pipeline], f: &Facts) -> Vec<Funnel> {
    pipelines
        .iter()
        .map(|p| Funnel {
            pipeline: p.name.clone(),
            steps: p
                .stages
                .iter()
                .map(|s| {
                    let m = f.stage_moves.iter().find(|m| m.stage_id == s.id);
                    let (exits, advances) = m.map_or((0, 0), |m| (m.exits, m.advances));
                    FunnelStep {
                        stage: s.data.name.clone(),
                        exits,
                        advances,
                        rate_bp: tandem_domain::metrics::ratio_bp(advances, exits),
                    }
                })
                .collect(),
        })
        .filter(|f| f.steps.iter().any(|s| s.exits > 0))
        .collect()
}

/// A line of the comparison from the period's values of `COMPARED`.
pub(super) fn compared(
    user_id: UserId,
    name: String,
    values: &HashMap<Metric, Vec<Option<i64>>>,
    forecast: [i64; 3],
    quota: Option<i64>,
) -> Compared {
    let values: Vec<Option<i64>> = COMPARED
        .iter()
        .map(|m| values.get(m).and_then(|v| v.first().copied().flatten()))
        .collect();
    Compared {
        user_id,
        name,
        forecast,
        attainment_bp: quota
            .and_then(|q| tandem_domain::metrics::attainment_bp(values[0], q, true)),
        values,
        quota,
    }
}

/// One person's outcomes and forecast in a period, for that person or a manager.
pub async fn person(
    store: &Store,
    auth: &Auth,
    user: UserId,
    period: Period,
    now: Instant,
) -> AppResult<Compared> {
    let scope = Scope::User(user);
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    check_scope(auth, &people, &teams, &scope)?;
    let mut counter = Counter::new(ws, now);
    let values = series(
        &mut c.conn(),
        &mut counter,
        &people,
        &scope,
        &COMPARED,
        &[period],
    )
    .await?;
    let forecast =
        tandem_store::metrics::forecast(&mut c.conn(), ws, period.start, period.end(), Some(user))
            .await?;
    let quota = quota(&mut c.conn(), ws, &scope, &period).await?;
    let name = people.name(user).unwrap_or_default().to_string();
    Ok(compared(
        user,
        name,
        &values,
        expected(&forecast, Some(&[user])),
        quota,
    ))
}

/// Open deals of `who` expected to close in the period: commit, best case, pipeline.
pub fn expected(forecast: &HashMap<Owner, [i64; 3]>, who: Option<&[UserId]>) -> [i64; 3] {
    let mut sums = [0_i64; 3];
    for f in buckets_of(forecast, who) {
        for (sum, v) in sums.iter_mut().zip(f) {
            *sum = sum.saturating_add(*v);
        }
    }
    sums
}

/// The outcomes of every active person of a team (or of the company) in a period,
/// with the scope's total: for managers and admins, who see every person's outcomes.
/// Activity figures are not part of it, so trust mode has nothing to hide here.
/// The period kind quotas are set for in this workspace (the revenue quotas running
/// today; a quarter when there are none), so that the team comparison opens on a period
/// that has quotas.
pub async fn quota_period_kind(
    store: &Store,
    auth: &Auth,
    today: jiff::civil::Date,
) -> AppResult<PeriodKind> {
    let mut c = store.read().await?;
    let running =
        tandem_store::goals::goals(&mut c.conn(), auth.user.workspace_id, None, today, today)
            .await?;
    Ok(running
        .iter()
        .filter(|g| g.data.metric == Some(Metric::WonRevenue))
        .map(|g| g.data.period.kind)
        .max_by_key(|k| running.iter().filter(|g| g.data.period.kind == *k).count())
        .unwrap_or(PeriodKind::Quarter))
}

pub async fn comparison(
    store: &Store,
    auth: &Auth,
    scope: Scope,
    period: Period,
    now: Instant,
) -> AppResult<Comparison> {
    if !is_manager(auth) {
        return Err(AppError::Forbidden);
    }
    if matches!(scope, Scope::User(_)) {
        return Err(Invalid::one("scope", "invalid").into());
    }
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    check_scope(auth, &people, &teams, &scope)?;
    let mut counter = Counter::new(ws, now);
    let members: Vec<&User> = match scope {
        Scope::Team(t) => people
            .users
            .iter()
            .filter(|u| u.active && u.team_id == Some(t))
            .collect(),
        _ => people.users.iter().filter(|u| u.active).collect(),
    };
    let mut scopes: Vec<(Scope, UserId, String)> = members
        .iter()
        .map(|u| (Scope::User(u.id), u.id, u.name.clone()))
        .collect();
    scopes.push((scope, auth.user.id, String::new()));
    let keys: Vec<String> = scopes.iter().map(|s| s.0.key()).collect();
    let goals =
        tandem_store::goals::goals(&mut c.conn(), ws, Some(&keys), period.start, period.end())
            .await?;
    let (first, end) = (period.start, period.end());
    let forecast = tandem_store::metrics::forecast(&mut c.conn(), ws, first, end, None).await?;
    let mut lines = vec![];
    for (s, user_id, name) in scopes {
        let values = series(
            &mut c.conn(),
            &mut counter,
            &people,
            &s,
            &COMPARED,
            &[period],
        )
        .await?;
        let quota = target(&goals, &s, &period, Metric::WonRevenue);
        let expected = expected(&forecast, people.of(&s).as_deref());
        lines.push(compared(user_id, name, &values, expected, quota));
    }
    let mut total = lines.pop().expect("the scope's own line");
    // Without a quota of its own, a team's quota is its people's, and its attainment
    // is what those people won against it: the wins of people without a quota have
    // no target to count against.
    if total.quota.is_none() && lines.iter().any(|l| l.quota.is_some()) {
        let holders = lines.iter().filter(|l| l.quota.is_some());
        let q = holders
            .clone()
            .filter_map(|l| l.quota)
            .fold(0_i64, i64::saturating_add);
        let won = holders
            .filter_map(|l| l.values[0])
            .fold(0_i64, i64::saturating_add);
        total.quota = Some(q);
        total.attainment_bp = tandem_domain::metrics::attainment_bp(Some(won), q, true);
    }
    let facts = counter
        .facts(&mut c.conn(), &people, &scope, &period)
        .await?;
    let pipelines = tandem_store::pipelines::list(&mut c.conn(), ws).await?;
    Ok(Comparison {
        scope,
        period,
        people: lines,
        total,
        funnel: funnels(&pipelines, &facts),
    })
}
