//! Metric values for a scope and period, who may read which, the daily snapshots.
//!
//! Who sees what: everybody sees the workspace's and their own team's figures and their
//! own; managers and admins see every person and team. In trust mode (on by default)
//! activity figures of a person are that person's alone, and a team's or the
//! workspace's only as a total over at least `MIN_PEOPLE_FOR_TOTALS` people.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
};
use std::collections::HashMap;
use tandem_domain::{
    FieldError, Instant, Invalid, Role, UserId, WorkspaceId,
    format::{day_bounds, local_date},
    metrics::{Class, Facts, Metric, Period, PeriodKind, Scope},
};
use tandem_store::{
    Conn, Store,
    metrics::{Buckets, Owner, Parts, Span},
    users::{self, User},
    workspaces,
};

/// A total of activity over fewer people would show a person's own figures.
pub const MIN_PEOPLE_FOR_TOTALS: usize = 3;

/// Periods compared for "against the average".
pub const AVERAGE_OF: usize = 4;

pub fn is_manager(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Admin | Role::Manager)
}

/// The people of the workspace (active or not: figures of the past count theirs too).
pub struct People {
    pub users: Vec<User>,
}

impl People {
    pub async fn load(c: &mut Conn<'_>, ws: WorkspaceId) -> AppResult<People> {
        Ok(People {
            users: users::list(c, ws).await?,
        })
    }

    /// Whose records make up the scope; `None` is everybody.
    pub fn of(&self, scope: &Scope) -> Option<Vec<UserId>> {
        match scope {
            Scope::Workspace => None,
            Scope::Team(t) => Some(
                self.users
                    .iter()
                    .filter(|u| u.team_id == Some(*t))
                    .map(|u| u.id)
                    .collect(),
            ),
            Scope::User(u) => Some(vec![*u]),
        }
    }

    fn count(&self, scope: &Scope) -> usize {
        self.of(scope).map_or(self.users.len(), |p| p.len())
    }

    pub fn name(&self, id: UserId) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
    }

    /// The reps: who rules are evaluated for "each person".
    pub fn reps(&self) -> impl Iterator<Item = &User> {
        self.users
            .iter()
            .filter(|u| u.active && matches!(u.role, Role::Field | Role::Inside))
    }
}

/// Whether `auth` may see any figure of `scope`.
pub fn may_see(auth: &Auth, scope: &Scope) -> bool {
    match scope {
        Scope::Workspace => true,
        Scope::Team(t) => is_manager(auth) || auth.user.team_id == Some(*t),
        Scope::User(u) => is_manager(auth) || auth.user.id == *u,
    }
}

/// Whether `auth` may see `metric` for `scope` (trust mode is about activity).
pub fn may_see_metric(
    auth: &Auth,
    trust_mode: bool,
    people: &People,
    scope: &Scope,
    metric: Metric,
) -> bool {
    if !may_see(auth, scope) {
        return false;
    }
    if metric.class() != Class::Activity || !trust_mode {
        return true;
    }
    match scope {
        Scope::User(u) => *u == auth.user.id,
        _ => people.count(scope) >= MIN_PEOPLE_FOR_TOTALS,
    }
}

/// Checks that the scope names a person or team of the workspace and may be read.
pub fn check_scope(
    auth: &Auth,
    people: &People,
    teams: &[users::Team],
    scope: &Scope,
) -> AppResult<()> {
    let known = match scope {
        Scope::Workspace => true,
        Scope::Team(t) => teams.iter().any(|x| x.id == *t),
        Scope::User(u) => people.users.iter().any(|x| x.id == *u),
    };
    if !known {
        return Err(AppError::NotFound);
    }
    if !may_see(auth, scope) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

pub fn parse_scope(raw: Option<&str>, auth: &Auth) -> AppResult<Scope> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Scope::User(auth.user.id)),
        Some("me") => Ok(Scope::User(auth.user.id)),
        Some(s) => Scope::parse(s).ok_or_else(|| Invalid::one("scope", "invalid").into()),
    }
}

pub fn parse_period(
    raw: Option<&str>,
    kind: Option<&str>,
    today: jiff::civil::Date,
) -> AppResult<Period> {
    if let Some(p) = raw.map(str::trim).filter(|s| !s.is_empty()) {
        return Period::parse(p).ok_or_else(|| Invalid::one("period", "invalid_period").into());
    }
    let kind = match kind.map(str::trim).filter(|s| !s.is_empty()) {
        None => PeriodKind::Month,
        Some(k) => PeriodKind::parse(k).ok_or_else(|| {
            AppError::from(Invalid(vec![FieldError::new("period", "invalid_period")]))
        })?,
    };
    Ok(Period::containing(kind, today))
}

/// The target a manager set on `metric` for exactly this scope and period, of `goals`.
fn target(
    goals: &[tandem_store::goals::Goal],
    scope: &Scope,
    period: &Period,
    metric: Metric,
) -> Option<i64> {
    goals
        .iter()
        .find(|g| {
            g.data.scope == *scope && g.data.period == *period && g.data.metric == Some(metric)
        })
        .and_then(|g| g.data.target)
}

/// The quota on won revenue for the scope and period, if a manager set one.
async fn quota(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    scope: &Scope,
    period: &Period,
) -> AppResult<Option<i64>> {
    let goals =
        tandem_store::goals::goals(c, ws, Some(&[scope.key()]), period.start, period.end()).await?;
    Ok(target(&goals, scope, period, Metric::WonRevenue))
}

/// Counts the facts of a period once, per person, and sums them for any scope: one
/// pass over the records per period, however many people and teams are asked for.
/// Past periods come from the figures the nightly job recorded (see `snapshot_all`),
/// and are recounted only where none were recorded.
pub struct Counter {
    ws: WorkspaceId,
    now: Instant,
    today: jiff::civil::Date,
    passes: HashMap<Period, Buckets>,
}

impl Counter {
    pub fn new(ws: WorkspaceId, now: Instant) -> Counter {
        Counter {
            ws,
            now,
            today: local_date(now),
            passes: HashMap::new(),
        }
    }

    async fn buckets(&mut self, c: &mut Conn<'_>, period: &Period) -> AppResult<&Buckets> {
        if !self.passes.contains_key(period) {
            let recorded = if period.end() <= self.today {
                tandem_store::metrics::period_facts(c, self.ws, &period.key()).await?
            } else {
                None
            };
            let b = match recorded {
                Some(b) => b,
                None => self.count(c, period).await?,
            };
            self.passes.insert(*period, b);
        }
        Ok(&self.passes[period])
    }

    /// A period the nightly job has not recorded whole (the current one, or one that
    /// ended since): what the job recorded of it up to an instant (every night, and
    /// the events of each hour on top of that), and the events since then (and the
    /// pipeline now, for the current period) on top. Retention, slippage and campaigns
    /// are those of the night. Counted whole where nothing is recorded.
    async fn count(&self, c: &mut Conn<'_>, period: &Period) -> AppResult<Buckets> {
        let (from, to) = period.bounds();
        let current = period.contains(self.today);
        let recorded =
            tandem_store::metrics::period_to_date(c, self.ws, &period.key(), self.now).await?;
        let Some((since, mut b)) = recorded else {
            return Ok(tandem_store::metrics::facts_by_owner(c, self.ws, from, to, current).await?);
        };
        let parts = Parts {
            period: false,
            pipeline: current,
        };
        add_events(c, self.ws, period, (since, to), parts, &mut b).await?;
        Ok(b)
    }

    /// The facts of a scope in a period; the pipeline is today's if the period is
    /// current.
    pub async fn facts(
        &mut self,
        c: &mut Conn<'_>,
        people: &People,
        scope: &Scope,
        period: &Period,
    ) -> AppResult<Facts> {
        let who = people.of(scope);
        let mut f = sum_of(self.buckets(c, period).await?, who.as_deref());
        f.quota_minor = quota(c, self.ws, scope, period).await?;
        Ok(f)
    }
}

/// Counts the events of `period` in `[since, until)` (and `parts`) onto `b`.
async fn add_events(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    period: &Period,
    (since, until): (Instant, Instant),
    parts: Parts,
    b: &mut Buckets,
) -> AppResult<()> {
    let (from, to) = period.bounds();
    let span = Span {
        from,
        to,
        since,
        until,
    };
    Ok(tandem_store::metrics::add_facts(c, ws, span, parts, b).await?)
}

/// The buckets of `who` (everybody's, and nobody's records, when `None`).
fn buckets_of<'a, T>(
    b: &'a HashMap<Option<UserId>, T>,
    who: Option<&'a [UserId]>,
) -> Box<dyn Iterator<Item = &'a T> + 'a> {
    match who {
        None => Box::new(b.values()),
        Some(ids) => Box::new(ids.iter().filter_map(|id| b.get(&Some(*id)))),
    }
}

/// The facts of `who` (everybody, and nobody's records, when `None`).
fn sum_of(b: &Buckets, who: Option<&[UserId]>) -> Facts {
    let mut f = Facts::default();
    buckets_of(b, who).for_each(|x| f.add(x));
    f
}

/// A pipeline figure of a past period: the last snapshot taken in it.
async fn snapshot_value(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    scope: &Scope,
    metric: Metric,
    period: &Period,
) -> AppResult<Option<i64>> {
    let snaps = tandem_store::metrics::snapshots(
        c,
        ws,
        &scope.key(),
        metric.key(),
        period.start,
        period.last_day(),
    )
    .await?;
    Ok(snaps.last().and_then(|s| s.value))
}

/// The values of `metrics` for each of `periods` (oldest first): from the period's
/// facts, or for pipeline figures of the past from the daily snapshots. Future periods
/// have no data.
pub async fn series(
    c: &mut Conn<'_>,
    counter: &mut Counter,
    people: &People,
    scope: &Scope,
    metrics: &[Metric],
    periods: &[Period],
) -> AppResult<HashMap<Metric, Vec<Option<i64>>>> {
    let (ws, today) = (counter.ws, counter.today);
    let mut out: HashMap<Metric, Vec<Option<i64>>> = metrics.iter().map(|m| (*m, vec![])).collect();
    let needs_facts = metrics.iter().any(|m| !m.is_state());
    for p in periods {
        let past = p.end() <= today;
        let future = p.start > today;
        let f = if !future && (needs_facts || !past) {
            Some(counter.facts(c, people, scope, p).await?)
        } else {
            None
        };
        for m in metrics {
            let v = if future {
                None
            } else if m.is_state() && past {
                snapshot_value(c, ws, scope, *m, p).await?
            } else {
                f.as_ref().and_then(|f| m.value(f))
            };
            out.entry(*m).or_default().push(v);
        }
    }
    Ok(out)
}

/// One metric's figure for a scope and period, with its comparisons.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub metric: Metric,
    pub value: Option<i64>,
    pub previous: Option<i64>,
    /// The average of the `AVERAGE_OF` periods before (of those with data).
    pub average: Option<i64>,
    /// The values of the last periods, the current one last (for sparklines).
    pub trend: Vec<Option<i64>>,
    pub target: Option<i64>,
    pub attainment_bp: Option<i64>,
}

/// The figures of a scope and period that `auth` may see, in catalogue order.
pub struct Board {
    pub scope: Scope,
    pub period: Period,
    pub figures: Vec<Figure>,
    /// Metrics left out because of trust mode.
    pub private: Vec<Metric>,
}

pub async fn board(
    store: &Store,
    auth: &Auth,
    scope: Scope,
    period: Period,
    now: Instant,
    only: Option<&[Metric]>,
) -> AppResult<Board> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let workspace = workspaces::get(&mut c.conn(), ws).await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    check_scope(auth, &people, &teams, &scope)?;
    let mut shown = vec![];
    let mut private = vec![];
    for m in Metric::ALL
        .iter()
        .copied()
        .filter(|m| only.is_none_or(|o| o.contains(m)))
    {
        if may_see_metric(auth, workspace.trust_mode, &people, &scope, m) {
            shown.push(m);
        } else {
            private.push(m);
        }
    }
    if only.is_some() && shown.is_empty() {
        return Err(AppError::Forbidden);
    }
    let periods = period.last_n(AVERAGE_OF + 1);
    let mut counter = Counter::new(ws, now);
    let values = series(
        &mut c.conn(),
        &mut counter,
        &people,
        &scope,
        &shown,
        &periods,
    )
    .await?;
    let goals = tandem_store::goals::goals(
        &mut c.conn(),
        ws,
        Some(&[scope.key()]),
        period.start,
        period.end(),
    )
    .await?;
    let figures = shown
        .iter()
        .map(|m| {
            let s = &values[m];
            let value = s.last().copied().flatten();
            let before: Vec<i64> = s[..s.len() - 1].iter().flatten().copied().collect();
            let target = target(&goals, &scope, &period, *m);
            Figure {
                metric: *m,
                value,
                previous: s.len().checked_sub(2).and_then(|i| s[i]),
                average: (!before.is_empty())
                    .then(|| before.iter().sum::<i64>() / before.len() as i64),
                trend: s.clone(),
                target,
                attainment_bp: target.and_then(|t| {
                    tandem_domain::metrics::attainment_bp(value, t, m.higher_is_better())
                }),
            }
        })
        .collect();
    Ok(Board {
        scope,
        period,
        figures,
        private,
    })
}

// ----- the nightly figures -----

/// How many finished periods of each kind are kept recorded: enough for the trends,
/// the averages and the longest rule.
fn recorded(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Week | PeriodKind::Month => tandem_domain::metrics::MAX_RULE_PERIODS as usize,
        PeriodKind::Quarter => 8,
        PeriodKind::Year => 3,
    }
}

/// Once a day: writes today's figures (of the current week) for the workspace, every
/// team and every person — the history pipeline figures are compared against — and
/// records the facts of finished periods: the latest of each kind again every night
/// (so late entries still count), earlier ones once; and the current week, month,
/// quarter and year up to midnight (`refresh_to_date` adds the hours). A run later in
/// a day that finds the snapshots taken records only missing current periods. Returns
/// how many scopes were written.
pub async fn snapshot_all(store: &Store, now: Instant) -> AppResult<u32> {
    let today = local_date(now);
    let mut written = 0;
    let all = {
        let mut c = store.read().await?;
        workspaces::list(&mut c.conn()).await?
    };
    for ws in all {
        // Counted on a reading connection; only the writing holds the writer.
        let (taken, rows, finished, to_date) = {
            let mut c = store.read().await?;
            let taken = tandem_store::metrics::has_snapshot(&mut c.conn(), ws.id, today).await?;
            let to_date = current_records(&mut c.conn(), ws.id, now, taken).await?;
            if taken && to_date.is_empty() {
                continue;
            }
            let (rows, finished) = if taken {
                (vec![], vec![])
            } else {
                (
                    snapshot_rows(&mut c.conn(), ws.id, now).await?,
                    finished_records(&mut c.conn(), ws.id, today).await?,
                )
            };
            (taken, rows, finished, to_date)
        };
        let mut tx = store.begin().await?;
        for (scope, values) in &rows {
            tandem_store::metrics::snapshot(&mut tx.conn(), ws.id, today, scope, values).await?;
            written += 1;
        }
        for (key, b) in &finished {
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, key, b, now).await?;
        }
        // The night's records replace every earlier one; a later run adds what is missing.
        if !taken {
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, None).await?;
        }
        for (period, b) in &to_date {
            let key = tandem_store::metrics::to_date_key(period, day_bounds(today).0);
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, Some(period)).await?;
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, &key, b, now).await?;
        }
        tx.commit().await?;
    }
    Ok(written)
}

/// Today's figures of the current week for the workspace, every team and every active
/// person.
async fn snapshot_rows(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    now: Instant,
) -> AppResult<Vec<(String, Vec<(&'static str, Option<i64>)>)>> {
    let week = Period::containing(PeriodKind::Week, local_date(now));
    let people = People::load(c, ws).await?;
    let teams = users::teams(c, ws).await?;
    let mut scopes = vec![Scope::Workspace];
    scopes.extend(teams.iter().map(|t| Scope::Team(t.id)));
    scopes.extend(
        people
            .users
            .iter()
            .filter(|u| u.active)
            .map(|u| Scope::User(u.id)),
    );
    let mut counter = Counter::new(ws, now);
    let mut rows = vec![];
    for scope in scopes {
        let f = counter.facts(c, &people, &scope, &week).await?;
        let values = Metric::ALL.iter().map(|m| (m.key(), m.value(&f))).collect();
        rows.push((scope.key(), values));
    }
    Ok(rows)
}

/// The finished periods to record: the latest of each kind again (late entries), the
/// earlier ones kept once, none before the workspace's first record.
async fn finished_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    today: jiff::civil::Date,
) -> AppResult<Vec<(String, Buckets)>> {
    let earliest = tandem_store::metrics::earliest(c, ws).await?;
    let mut out = vec![];
    for kind in PeriodKind::ALL {
        let latest = Period::containing(kind, today).previous();
        let periods = latest.last_n(recorded(kind));
        let keys: Vec<String> = periods.iter().map(Period::key).collect();
        let done = tandem_store::metrics::recorded_periods(c, ws, &keys).await?;
        for p in periods {
            let (from, to) = p.bounds();
            if earliest.is_some_and(|e| e < to) && (p == latest || !done.contains(&p.key())) {
                let b = tandem_store::metrics::facts_by_owner(c, ws, from, to, false).await?;
                out.push((p.key(), b));
            }
        }
    }
    Ok(out)
}

/// The current week, month, quarter and year up to midnight, so that a board counts
/// only the events since on top; with `only_missing`, those not recorded up to
/// midnight yet. Periods that begin today have nothing to record.
async fn current_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    now: Instant,
    only_missing: bool,
) -> AppResult<Vec<(String, Buckets)>> {
    let today = local_date(now);
    let midnight = day_bounds(today).0;
    let mut due = vec![];
    for kind in PeriodKind::ALL {
        let period = Period::containing(kind, today);
        if period.bounds().0 >= midnight {
            continue;
        }
        if only_missing {
            let at = tandem_store::metrics::recorded_up_to(c, ws, &period.key(), now).await?;
            if at.is_some_and(|at| at >= midnight) {
                continue;
            }
        }
        due.push(period);
    }
    if due.is_empty()
        || tandem_store::metrics::earliest(c, ws)
            .await?
            .is_none_or(|e| e >= midnight)
    {
        return Ok(vec![]);
    }
    let mut out = vec![];
    for period in due {
        let mut b = Buckets::new();
        let parts = Parts {
            period: true,
            pipeline: false,
        };
        let from = period.bounds().0;
        add_events(c, ws, &period, (from, midnight), parts, &mut b).await?;
        out.push((period.key(), b));
    }
    Ok(out)
}

/// Every hour: brings the records of the current periods up to the start of the hour
/// (the night's record plus the events since), so that a board counts at most the
/// last hour's events on top. Returns how many records were brought up to date.
pub async fn refresh_to_date(store: &Store, now: Instant) -> AppResult<u32> {
    let today = local_date(now);
    let hour = Instant(now.0 - now.0.rem_euclid(tandem_domain::time::HOUR_MS));
    let all = {
        let mut c = store.read().await?;
        workspaces::list(&mut c.conn()).await?
    };
    let mut refreshed = 0;
    for ws in all {
        let mut updated = vec![];
        {
            let mut c = store.read().await?;
            for kind in PeriodKind::ALL {
                let period = Period::containing(kind, today);
                let key = period.key();
                let recorded =
                    tandem_store::metrics::period_to_date(&mut c.conn(), ws.id, &key, hour).await?;
                let Some((since, mut b)) = recorded.filter(|(since, _)| *since < hour) else {
                    continue;
                };
                let parts = Parts {
                    period: false,
                    pipeline: false,
                };
                add_events(&mut c.conn(), ws.id, &period, (since, hour), parts, &mut b).await?;
                updated.push((key, b));
            }
        }
        if updated.is_empty() {
            continue;
        }
        let mut tx = store.begin().await?;
        for (key, b) in &updated {
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, Some(key)).await?;
            let at = tandem_store::metrics::to_date_key(key, hour);
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, &at, b, now).await?;
            refreshed += 1;
        }
        tx.commit().await?;
    }
    Ok(refreshed)
}

// ----- the manager's comparison -----

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

fn funnels(pipelines: &[tandem_store::pipelines::Pipeline], f: &Facts) -> Vec<Funnel> {
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
fn compared(
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
