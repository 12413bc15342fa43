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

mod comparison;
mod nightly;

pub use comparison::*;
pub use nightly::*;
