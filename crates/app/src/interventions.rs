//! Intervention rules (managers define them), their evaluation (a periodic job) and the
//! cases it opens: the figures that fired, a diagnosis, a coaching plan with goals bound
//! to metrics, check-ins, and the proposal to close once the metric has recovered.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {
        metrics::{self, People, is_manager},
        notify, record_change, require,
    },
};
use tandem_domain::{
    Instant, InterventionId, Role, RuleId, UserId, WorkspaceId,
    format::local_date,
    goals::{AppliesTo, CaseInput, RuleData, RuleInput, default_rules},
    metrics::{Period, Scope},
    notify::Kind,
};
use tandem_store::{
    Store, StoreError,
    audit::Action,
    goals::{self as store, Case, Figure, Rule},
    users,
};

// ----- rules -----

fn rule_audit(d: &RuleData) -> serde_json::Value {
    serde_json::to_value(d).unwrap_or_default()
}

pub async fn rules(store: &Store, auth: &Auth) -> AppResult<Vec<Rule>> {
    require(is_manager(auth))?;
    let mut c = store.read().await?;
    Ok(store::rules(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn rule(store: &Store, auth: &Auth, id: RuleId) -> AppResult<Rule> {
    require(is_manager(auth))?;
    let mut c = store.read().await?;
    Ok(store::rule(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// In trust mode a rule may not watch one person's activity figures (422 `metric`).
async fn refuse_private(tx: &mut tandem_store::Tx, auth: &Auth, data: &RuleData) -> AppResult<()> {
    if data.watches_private_figures()
        && tandem_store::workspaces::get(&mut tx.conn(), auth.user.workspace_id)
            .await?
            .trust_mode
    {
        return Err(tandem_domain::Invalid::one("metric", "private_in_trust_mode").into());
    }
    Ok(())
}

pub async fn create_rule(store: &Store, auth: &Auth, input: &RuleInput) -> AppResult<Rule> {
    require(is_manager(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let id = RuleId::new();
    let mut tx = store.begin().await?;
    refuse_private(&mut tx, auth, &data).await?;
    store::insert_rule(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "intervention_rule",
        "intervention-rules",
        id.0,
        Action::Create,
        serde_json::json!({"rule": [null, rule_audit(&data)]}),
    )
    .await?;
    let r = store::rule(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(r)
}

pub async fn update_rule(
    store: &Store,
    auth: &Auth,
    id: RuleId,
    version: i64,
    input: &RuleInput,
) -> AppResult<Rule> {
    require(is_manager(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    refuse_private(&mut tx, auth, &data).await?;
    let before = store::rule(&mut tx.conn(), ws, id).await?;
    store::update_rule(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "intervention_rule",
        "intervention-rules",
        id.0,
        Action::Update,
        serde_json::json!({"rule": [rule_audit(&before.data), rule_audit(&data)]}),
    )
    .await?;
    let r = store::rule(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(r)
}

pub async fn delete_rule(store: &Store, auth: &Auth, id: RuleId) -> AppResult<()> {
    require(is_manager(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = store::rule(&mut tx.conn(), ws, id).await?;
    store::delete_rule(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "intervention_rule",
        "intervention-rules",
        id.0,
        Action::Delete,
        serde_json::json!({"rule": [rule_audit(&before.data), null]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the default rules for a workspace that never had any.
pub async fn ensure_defaults(store: &Store, ws: WorkspaceId) -> AppResult<()> {
    let mut tx = store.begin().await?;
    if !store::any_rules_ever(&mut tx.conn(), ws).await? {
        // Workspaces have no language of their own; their defaults are German, as the
        // standard pipeline is.
        for r in default_rules(tandem_domain::Locale::De) {
            store::insert_rule(&mut tx.conn(), ws, RuleId::new(), &r, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

// ----- cases -----

/// Who may read a case: managers, and the person (or the team) it is about.
fn may_read(auth: &Auth, c: &Case) -> bool {
    is_manager(auth)
        || match c.subject {
            Scope::User(u) => u == auth.user.id,
            Scope::Team(t) => auth.user.team_id == Some(t),
            Scope::Workspace => false,
        }
}

pub async fn cases(store: &Store, auth: &Auth, open_only: bool) -> AppResult<Vec<Case>> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let subjects = if is_manager(auth) {
        None
    } else {
        let mut s = vec![Scope::User(auth.user.id).key()];
        if let Some(t) = auth.user.team_id {
            s.push(Scope::Team(t).key());
        }
        Some(s)
    };
    Ok(store::cases(&mut c.conn(), ws, subjects.as_deref(), open_only).await?)
}

pub async fn case(store: &Store, auth: &Auth, id: InterventionId) -> AppResult<Case> {
    let mut c = store.read().await?;
    let case = store::case(&mut c.conn(), auth.user.workspace_id, id).await?;
    if !may_read(auth, &case) {
        return Err(AppError::NotFound);
    }
    Ok(case)
}

/// A case the manager may still change: readable (else 404), by a manager (else 403),
/// open (else 409).
async fn open_for_manager(
    tx: &mut tandem_store::Tx,
    auth: &Auth,
    id: InterventionId,
) -> AppResult<Case> {
    let case = store::case(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if !may_read(auth, &case) {
        return Err(AppError::NotFound);
    }
    require(is_manager(auth))?;
    if !case.open {
        return Err(AppError::InUse(tandem_domain::Invalid::one(
            "status",
            "case_closed",
        )));
    }
    Ok(case)
}

/// The manager records the diagnosis, the coaching plan and its goals, the check-ins.
pub async fn update_case(
    store: &Store,
    auth: &Auth,
    id: InterventionId,
    version: i64,
    input: &CaseInput,
) -> AppResult<Case> {
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = open_for_manager(&mut tx, auth, id).await?;
    store::update_case(
        &mut tx.conn(),
        ws,
        id,
        version,
        &store::CaseChange {
            data: Some(&data),
            ..Default::default()
        },
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "intervention",
        "interventions",
        id.0,
        Action::Update,
        serde_json::json!({"plan": [serde_json::to_value(&before.data).unwrap_or_default(), serde_json::to_value(&data).unwrap_or_default()]}),
    )
    .await?;
    let after = store::case(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn close_case(
    store: &Store,
    auth: &Auth,
    id: InterventionId,
    version: i64,
) -> AppResult<Case> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    open_for_manager(&mut tx, auth, id).await?;
    store::update_case(
        &mut tx.conn(),
        ws,
        id,
        version,
        &store::CaseChange {
            closed_by: Some(auth.user.id),
            ..Default::default()
        },
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "intervention",
        "interventions",
        id.0,
        Action::Update,
        serde_json::json!({"status": ["open", "closed"]}),
    )
    .await?;
    let after = store::case(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// A case with what its pages show: the rule, whom it is about, where the plan's goals
/// stand now.
pub struct CaseView {
    pub case: Case,
    pub rule_name: String,
    /// The rule that opened the case has been deleted since.
    pub rule_deleted: bool,
    pub metric: Option<tandem_domain::metrics::Metric>,
    pub subject_name: String,
    pub goal_values: Vec<Option<i64>>,
    /// The line the rule draws ("below 20 %"), for the chart of the figures.
    pub threshold: Option<i64>,
}

async fn view(
    store: &Store,
    auth: &Auth,
    case: Case,
    cx: &Context,
    now: Instant,
) -> AppResult<CaseView> {
    let (people, teams) = (&cx.people, &cx.teams);
    let rule = cx.rules.iter().find(|r| r.id == case.rule_id);
    let deleted_name = cx
        .deleted_rules
        .iter()
        .find(|(id, _)| *id == case.rule_id)
        .map(|(_, name)| name.clone());
    let mut goal_values = vec![];
    if case.open && !case.data.goals.is_empty() {
        let ws = auth.user.workspace_id;
        let today = local_date(now);
        let kind = rule.map_or(tandem_domain::metrics::PeriodKind::Week, |r| r.data.period);
        let period = Period::containing(kind, today);
        let wanted: Vec<_> = case.data.goals.iter().map(|g| g.metric).collect();
        let mut c = store.read().await?;
        let mut counter = metrics::Counter::new(ws, now);
        let values = metrics::series(
            &mut c.conn(),
            &mut counter,
            people,
            &case.subject,
            &wanted,
            &[period],
        )
        .await?;
        goal_values = case
            .data
            .goals
            .iter()
            .map(|g| {
                values
                    .get(&g.metric)
                    .and_then(|v| v.first().copied().flatten())
            })
            .collect();
    }
    Ok(CaseView {
        rule_deleted: rule.is_none(),
        rule_name: rule
            .map(|r| r.data.name.clone())
            .or(deleted_name)
            .unwrap_or_default(),
        metric: rule.map(|r| r.data.metric),
        threshold: rule.and_then(|r| match r.data.condition {
            tandem_domain::metrics::Condition::Below { threshold, .. } => Some(threshold),
            _ => None,
        }),
        subject_name: subject_name(people, teams, &case.subject),
        goal_values,
        case,
    })
}

/// What the case views need besides the cases: the rules (and the names of deleted
/// ones), the people and the teams.
struct Context {
    rules: Vec<Rule>,
    deleted_rules: Vec<(tandem_domain::RuleId, String)>,
    people: People,
    teams: Vec<users::Team>,
}

async fn context(store: &Store, auth: &Auth) -> AppResult<Context> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    Ok(Context {
        rules: store::rules(&mut c.conn(), ws).await?,
        deleted_rules: store::deleted_rule_names(&mut c.conn(), ws).await?,
        people: People::load(&mut c.conn(), ws).await?,
        teams: users::teams(&mut c.conn(), ws).await?,
    })
}

pub async fn case_views(
    store: &Store,
    auth: &Auth,
    open_only: bool,
    now: Instant,
) -> AppResult<Vec<CaseView>> {
    let all = cases(store, auth, open_only).await?;
    let cx = context(store, auth).await?;
    let mut out = vec![];
    for c in all {
        out.push(view(store, auth, c, &cx, now).await?);
    }
    Ok(out)
}

pub async fn case_view(
    store: &Store,
    auth: &Auth,
    id: InterventionId,
    now: Instant,
) -> AppResult<CaseView> {
    let c = case(store, auth, id).await?;
    let cx = context(store, auth).await?;
    view(store, auth, c, &cx, now).await
}

// ----- evaluation -----

/// Who hears about a case: the managers of the person's (or team's) team, else every
/// manager, else the admins; and the person it is about.
fn audience(people: &People, subject: &Scope) -> Vec<UserId> {
    let team = match subject {
        Scope::User(u) => people
            .users
            .iter()
            .find(|x| x.id == *u)
            .and_then(|x| x.team_id),
        Scope::Team(t) => Some(*t),
        Scope::Workspace => None,
    };
    let active = || people.users.iter().filter(|u| u.active);
    let mut to: Vec<UserId> = active()
        .filter(|u| u.role == Role::Manager && team.is_some() && u.team_id == team)
        .map(|u| u.id)
        .collect();
    if to.is_empty() {
        to = active()
            .filter(|u| u.role == Role::Manager)
            .map(|u| u.id)
            .collect();
    }
    if to.is_empty() {
        to = active()
            .filter(|u| u.role == Role::Admin)
            .map(|u| u.id)
            .collect();
    }
    if let Scope::User(u) = subject
        && !to.contains(u)
    {
        to.push(*u);
    }
    to
}

fn subject_name(people: &People, teams: &[users::Team], s: &Scope) -> String {
    match s {
        Scope::User(u) => people.name(*u).unwrap_or("").to_string(),
        Scope::Team(t) => teams
            .iter()
            .find(|x| x.id == *t)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        Scope::Workspace => String::new(),
    }
}

/// Runs every active rule over the last complete period of each person or team:
/// opens a case where a rule fires (once: one open case per rule and subject), and
/// marks an open case recovered when its metric has been fine for the rule's number
/// of periods since it opened. Running it again changes nothing. Returns the steps.
pub async fn evaluate(store: &Store, now: Instant) -> AppResult<u32> {
    let today = local_date(now);
    let all = {
        let mut c = store.read().await?;
        tandem_store::workspaces::list(&mut c.conn()).await?
    };
    let mut steps = 0;
    for ws in all {
        ensure_defaults(store, ws.id).await?;
        let (rules, people, teams) = {
            let mut c = store.read().await?;
            (
                store::rules(&mut c.conn(), ws.id).await?,
                People::load(&mut c.conn(), ws.id).await?,
                users::teams(&mut c.conn(), ws.id).await?,
            )
        };
        // One count per period, whichever rules and people ask for it.
        let mut counter = metrics::Counter::new(ws.id, now);
        for rule in rules.iter().filter(|r| r.data.active) {
            let d = &rule.data;
            let last = Period::containing(d.period, today).previous();
            let n = d.condition.window().max(d.recovery_periods as usize);
            let periods = last.last_n(n);
            let subjects: Vec<Scope> = match d.applies_to {
                AppliesTo::EachUser => people.reps().map(|u| Scope::User(u.id)).collect(),
                AppliesTo::EachTeam => teams.iter().map(|t| Scope::Team(t.id)).collect(),
            };
            for subject in subjects {
                let series = {
                    let mut c = store.read().await?;
                    metrics::series(
                        &mut c.conn(),
                        &mut counter,
                        &people,
                        &subject,
                        &[d.metric],
                        &periods,
                    )
                    .await?
                };
                let series = series.get(&d.metric).cloned().unwrap_or_default();
                let figures: Vec<Figure> = periods
                    .iter()
                    .zip(&series)
                    .map(|(p, v)| Figure {
                        period: p.key(),
                        value: *v,
                    })
                    .collect();
                if step(
                    store, &ws, rule, &people, &teams, &subject, last, &series, &figures, now,
                )
                .await?
                {
                    steps += 1;
                }
            }
        }
    }
    Ok(steps)
}

/// One rule for one subject; whether anything changed.
#[allow(clippy::too_many_arguments)]
async fn step(
    store: &Store,
    ws: &tandem_store::workspaces::Workspace,
    rule: &Rule,
    people: &People,
    teams: &[users::Team],
    subject: &Scope,
    last: Period,
    series: &[Option<i64>],
    figures: &[Figure],
    now: Instant,
) -> AppResult<bool> {
    let d = &rule.data;
    let mut tx = store.begin().await?;
    let open = store::open_case_of(&mut tx.conn(), ws.id, rule.id, subject).await?;
    let data = |id: InterventionId, event: &str| {
        serde_json::json!({
            "intervention": id.0,
            "event": event,
            "rule": d.name,
            "subject": subject_name(people, teams, subject),
            "path": format!("/interventions/{}", id.0),
        })
    };
    match open {
        None => {
            if !d.condition.fires(d.metric, series) {
                return Ok(false);
            }
            // A case the manager closed is not opened again on the same figures: only
            // a period that ended after the closing can fire the rule anew.
            let closed_after_data =
                store::cases(&mut tx.conn(), ws.id, Some(&[subject.key()]), false)
                    .await?
                    .iter()
                    .any(|c| {
                        c.rule_id == rule.id && c.closed_at.is_some_and(|at| at >= last.bounds().1)
                    });
            if closed_after_data {
                return Ok(false);
            }
            let id = InterventionId::new();
            match store::open_case(
                &mut tx.conn(),
                ws.id,
                &store::NewCase {
                    id,
                    rule_id: rule.id,
                    subject: *subject,
                    opened_period: &last.key(),
                    figures,
                },
                None,
            )
            .await
            {
                Ok(()) => {}
                // Another runner opened it first.
                Err(StoreError::Duplicate(_)) => return Ok(false),
                Err(e) => return Err(e.into()),
            }
            tandem_store::audit::record(
                &mut tx.conn(),
                tandem_store::audit::NewEntry {
                    workspace_id: ws.id,
                    entity: "intervention",
                    entity_id: id.0,
                    action: Action::Create,
                    actor: None,
                    diff: &serde_json::json!({"rule": [null, d.name], "subject": [null, subject.key()], "figures": [null, serde_json::to_value(figures).unwrap_or_default()]}),
                },
            )
            .await?;
            for to in audience(people, subject) {
                notify::send_other(
                    &mut tx,
                    ws.id,
                    to,
                    Kind::Intervention,
                    data(id, "opened"),
                    now,
                )
                .await?;
            }
        }
        Some(case) => {
            let opened =
                Period::parse(&case.opened_period).map(|p| Period::containing(d.period, p.start));
            // Only periods after the one that opened the case count towards recovery.
            let recovered = periods_between(opened.unwrap_or(last), last)
                >= d.recovery_periods as usize
                && d.condition.recovered(d.metric, series, d.recovery_periods);
            match (recovered, case.recovered_period.is_some()) {
                (true, false) => {
                    let key = last.key();
                    store::update_case(
                        &mut tx.conn(),
                        ws.id,
                        case.id,
                        case.version,
                        &store::CaseChange {
                            recovered_period: Some(Some(&key)),
                            ..Default::default()
                        },
                    )
                    .await?;
                    for to in audience(people, subject) {
                        notify::send_other(
                            &mut tx,
                            ws.id,
                            to,
                            Kind::Intervention,
                            data(case.id, "recovered"),
                            now,
                        )
                        .await?;
                    }
                }
                (false, true) => {
                    store::update_case(
                        &mut tx.conn(),
                        ws.id,
                        case.id,
                        case.version,
                        &store::CaseChange {
                            recovered_period: Some(None),
                            ..Default::default()
                        },
                    )
                    .await?;
                }
                _ => return Ok(false),
            }
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// How many periods come after `from` up to and including `to`.
fn periods_between(from: Period, to: Period) -> usize {
    let mut n = 0;
    let mut p = from;
    while p < to && n < 1_000 {
        p = p.next();
        n += 1;
    }
    n
}
