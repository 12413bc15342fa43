//! Goals: quotas on a metric and OKRs, set by managers, read by the people they are
//! about, with their attainment worked out from the metrics.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {
        metrics::{self, People, is_manager},
        record_change, require,
    },
};
use tandem_domain::{
    GoalId, Instant,
    goals::{GoalData, GoalInput, GoalKind, okr_attainment},
    metrics::{Metric, Period, Scope},
};
use tandem_store::{Store, audit::Action, goals as store, users, workspaces};

/// A goal with where it stands.
#[derive(Clone, Debug)]
pub struct Standing {
    pub goal: store::Goal,
    /// A quota's current value.
    pub value: Option<i64>,
    /// Each key result's current value (bound ones from their metric).
    pub key_results: Vec<Option<i64>>,
    pub attainment_bp: Option<i64>,
}

async fn stand(
    c: &mut tandem_store::Conn<'_>,
    counter: &mut metrics::Counter,
    auth: &Auth,
    trust_mode: bool,
    people: &People,
    goal: store::Goal,
) -> AppResult<Standing> {
    let d = &goal.data;
    let mut wanted: Vec<Metric> = d.metric.into_iter().collect();
    wanted.extend(d.key_results.iter().filter_map(|k| k.metric));
    wanted.retain(|m| metrics::may_see_metric(auth, trust_mode, people, &d.scope, *m));
    let values = metrics::series(c, counter, people, &d.scope, &wanted, &[d.period]).await?;
    let value_of = |m: Metric| values.get(&m).and_then(|v| v.first().copied().flatten());
    Ok(match d.kind {
        GoalKind::Quota => {
            let value = d.metric.and_then(value_of);
            let attainment_bp = match (d.metric, d.target) {
                (Some(m), Some(t)) => {
                    tandem_domain::metrics::attainment_bp(value, t, m.higher_is_better())
                }
                _ => None,
            };
            Standing {
                goal,
                value,
                key_results: vec![],
                attainment_bp,
            }
        }
        GoalKind::Okr => {
            let krs: Vec<Option<i64>> = d
                .key_results
                .iter()
                .map(|k| match k.metric {
                    Some(m) => value_of(m),
                    None => k.current,
                })
                .collect();
            let parts: Vec<(Option<i64>, i64, bool)> = d
                .key_results
                .iter()
                .zip(&krs)
                .map(|(k, v)| (*v, k.target, k.metric.is_none_or(Metric::higher_is_better)))
                .collect();
            Standing {
                attainment_bp: okr_attainment(&parts),
                goal,
                value: None,
                key_results: krs,
            }
        }
    })
}

/// The goals of the scopes `auth` may see whose period overlaps `period`.
pub async fn list(
    store: &Store,
    auth: &Auth,
    scope: Option<Scope>,
    period: Period,
    now: Instant,
) -> AppResult<Vec<Standing>> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let workspace = workspaces::get(&mut c.conn(), ws).await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let scopes = scope.map(|s| vec![s.key()]);
    let all = store::goals(
        &mut c.conn(),
        ws,
        scopes.as_deref(),
        period.start,
        period.end(),
    )
    .await?;
    let mut counter = metrics::Counter::new(ws, now);
    let mut out = vec![];
    for g in all
        .into_iter()
        .filter(|g| metrics::may_see(auth, &g.data.scope))
    {
        out.push(
            stand(
                &mut c.conn(),
                &mut counter,
                auth,
                workspace.trust_mode,
                &people,
                g,
            )
            .await?,
        );
    }
    Ok(out)
}

pub async fn get(store: &Store, auth: &Auth, id: GoalId, now: Instant) -> AppResult<Standing> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let g = store::goal(&mut c.conn(), ws, id).await?;
    if !metrics::may_see(auth, &g.data.scope) {
        return Err(AppError::NotFound);
    }
    let workspace = workspaces::get(&mut c.conn(), ws).await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let mut counter = metrics::Counter::new(ws, now);
    stand(
        &mut c.conn(),
        &mut counter,
        auth,
        workspace.trust_mode,
        &people,
        g,
    )
    .await
}

async fn checked(store: &Store, auth: &Auth, input: &GoalInput) -> AppResult<GoalData> {
    require(is_manager(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = People::load(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    metrics::check_scope(auth, &people, &teams, &data.scope)
        .map_err(|_| AppError::from(tandem_domain::Invalid::one("scope", "unknown")))?;
    Ok(data)
}

pub async fn create(
    store: &Store,
    auth: &Auth,
    input: &GoalInput,
    now: Instant,
) -> AppResult<Standing> {
    let data = checked(store, auth, input).await?;
    let ws = auth.user.workspace_id;
    let id = GoalId::new();
    let mut tx = store.begin().await?;
    store::insert_goal(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "goal",
        "goals",
        id.0,
        Action::Create,
        serde_json::json!({"goal": [null, data.audit()]}),
    )
    .await?;
    tx.commit().await?;
    get(store, auth, id, now).await
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: GoalId,
    version: i64,
    input: &GoalInput,
    now: Instant,
) -> AppResult<Standing> {
    let data = checked(store, auth, input).await?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = store::goal(&mut tx.conn(), ws, id).await?;
    store::update_goal(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "goal",
        "goals",
        id.0,
        Action::Update,
        serde_json::json!({"goal": [before.data.audit(), data.audit()]}),
    )
    .await?;
    tx.commit().await?;
    get(store, auth, id, now).await
}

pub async fn delete(store: &Store, auth: &Auth, id: GoalId) -> AppResult<()> {
    require(is_manager(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = store::goal(&mut tx.conn(), ws, id).await?;
    store::delete_goal(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "goal",
        "goals",
        id.0,
        Action::Delete,
        serde_json::json!({"goal": [before.data.audit(), null]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
