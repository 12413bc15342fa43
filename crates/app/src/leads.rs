//! Leads from marketing to sales: entering and scoring them, the qualification gate,
//! the handoff to a field rep (territory, else round robin around absent reps) through
//! a request with its acceptance deadline, and the rep's decision — accept (the lead
//! becomes account, contact and deal) or reject with a reason marketing hears of.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {checked_cursor, record_change, require},
};
use tandem_domain::{
    AccountId, FieldError, Instant, Invalid, LeadId, Role, UserId,
    account::AccountInput,
    audit::diff,
    contact::ContactInput,
    deal::DealInput,
    lead::{self, Engagement, Missing, Score, Status},
    lead_record::{LeadData, LeadInput, rejection},
    lead_settings::{LeadSettings, route},
    money::Money,
};
use tandem_store::{
    Page, Sort, Store, StoreError, Tx,
    audit::Action,
    campaigns,
    leads::{self, Change, Filter, Lead, LeadEvent},
    requests as request_store, users, workspaces,
};

/// Marketing, managers and admins work the lead inbox; reps see the leads handed to them.
pub fn may_manage(auth: &Auth) -> bool {
    matches!(
        auth.user.role,
        Role::Marketing | Role::Manager | Role::Admin
    )
}

/// Admins and managers keep the lead policy (it is part of the playbook).
pub fn may_set_policy(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Manager | Role::Admin)
}

fn may_see(auth: &Auth, l: &Lead) -> bool {
    may_manage(auth) || l.assignee_id == Some(auth.user.id)
}

// ----- policy -----

/// The workspace's lead policy: the stored one, or the standard one in the caller's
/// language.
pub async fn settings(store: &Store, auth: &Auth) -> AppResult<LeadSettings> {
    let mut c = store.read().await?;
    policy_of(&mut c.conn(), auth).await
}

async fn policy_of(c: &mut tandem_store::Conn<'_>, auth: &Auth) -> AppResult<LeadSettings> {
    Ok(leads::settings(c, auth.user.workspace_id)
        .await?
        .unwrap_or_else(|| LeadSettings::standard(auth.user.locale == tandem_domain::Locale::De)))
}

pub async fn set_settings(store: &Store, auth: &Auth, s: LeadSettings) -> AppResult<LeadSettings> {
    require(may_set_policy(auth))?;
    let s = s.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let mut errors = vec![];
    for (i, t) in s.territories.iter().enumerate() {
        match users::get(&mut tx.conn(), ws, t.user_id).await {
            Ok(u) if u.active => {}
            Ok(_) | Err(StoreError::NotFound) => errors.push(FieldError::new(
                format!("territories[{i}].user_id"),
                "unknown_user",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let before = policy_of(&mut tx.conn(), auth).await?;
    leads::set_settings(&mut tx.conn(), ws, &s).await?;
    record_change(
        &mut tx,
        auth,
        "lead_settings",
        "lead_settings",
        ws.0,
        Action::Update,
        serde_json::json!({ "lead_settings": [before, s] }),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

// ----- reading -----

pub async fn list(
    store: &Store,
    auth: &Auth,
    f: &Filter,
    sort: Sort,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<Lead>> {
    let cursor = checked_cursor(limit, cursor, sort.as_str())?;
    let mut f = f.clone();
    if !may_manage(auth) {
        f.assignee = Some(auth.user.id);
    }
    let mut c = store.read().await?;
    Ok(leads::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        sort,
        cursor.as_ref(),
        limit,
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: LeadId) -> AppResult<Lead> {
    let mut c = store.read().await?;
    let l = leads::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    if may_see(auth, &l) || request_assignee(&mut c.conn(), auth, &l).await? {
        Ok(l)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the caller holds the lead's acceptance request now (a stand-in, say).
async fn request_assignee(
    c: &mut tandem_store::Conn<'_>,
    auth: &Auth,
    l: &Lead,
) -> AppResult<bool> {
    let Some(rid) = l.request_id else {
        return Ok(false);
    };
    let r = request_store::get(c, auth.user.workspace_id, rid).await?;
    Ok(r.assignee_id == Some(auth.user.id))
}

/// A lead with what its page shows: the score now (with its explanation), what the
/// gate still misses, and its events.
pub struct Detail {
    pub lead: Lead,
    pub score: Score,
    pub missing: Vec<Missing>,
    pub events: Vec<LeadEvent>,
    pub settings: LeadSettings,
    /// The caller may accept or reject it.
    pub may_decide: bool,
    pub may_manage: bool,
}

pub async fn detail(store: &Store, auth: &Auth, id: LeadId, now: Instant) -> AppResult<Detail> {
    let lead = get(store, auth, id).await?;
    let mut c = store.read().await?;
    let ws = auth.user.workspace_id;
    let settings = policy_of(&mut c.conn(), auth).await?;
    let events = leads::events(&mut c.conn(), ws, id).await?;
    let score = score_of(&lead.data, &events, &settings, now);
    let missing = gate(&lead.data, score.total, &settings)
        .err()
        .unwrap_or_default();
    let may_decide = lead.status == Status::HandedOver
        && (matches!(auth.user.role, Role::Manager | Role::Admin)
            || lead.assignee_id == Some(auth.user.id)
            || request_assignee(&mut c.conn(), auth, &lead).await?);
    Ok(Detail {
        may_manage: may_manage(auth),
        lead,
        score,
        missing,
        events,
        settings,
        may_decide,
    })
}

fn score_of(d: &LeadData, events: &[LeadEvent], s: &LeadSettings, now: Instant) -> Score {
    lead::score(
        &d.fit_fields(),
        &s.fit_rules,
        &leads::engagement(events),
        now.0,
        s.half_life_days as f64,
    )
}

fn gate(d: &LeadData, score: i64, s: &LeadSettings) -> Result<(), Vec<Missing>> {
    lead::gate(score, s.threshold, &s.criteria_keys(), &d.answers)
}

/// The gate's refusal as field errors: `score` below the threshold, `answers.<key>`
/// for each unanswered criterion.
pub fn missing_errors(missing: &[Missing]) -> Invalid {
    Invalid(
        missing
            .iter()
            .map(|m| match m {
                Missing::Score { .. } => FieldError::new("score", "below_threshold"),
                Missing::Criterion { key } => FieldError::new(format!("answers.{key}"), "required"),
            })
            .collect(),
    )
}

// ----- changes -----

/// Checks the ids a lead names: its campaign and its owner.
async fn checked(tx: &mut Tx, auth: &Auth, input: &LeadInput) -> AppResult<LeadData> {
    let ws = auth.user.workspace_id;
    let mut errors = match input.validate() {
        Ok(_) => vec![],
        Err(Invalid(e)) => e,
    };
    if let Some(cid) = input.campaign_id {
        match campaigns::get(&mut tx.conn(), ws, cid).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.push(FieldError::new("campaign_id", "not_found")),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(o) = input.owner_id {
        match users::get(&mut tx.conn(), ws, o).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.push(FieldError::new("owner_id", "unknown_user")),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    Ok(input.validate()?)
}

/// One step of a lead's history: the event, the audit row, the live event.
async fn recorded(
    tx: &mut Tx,
    auth: &Auth,
    id: LeadId,
    now: Instant,
    kind: &str,
    data: serde_json::Value,
    audit: (Action, serde_json::Value),
) -> AppResult<()> {
    leads::add_event(
        &mut tx.conn(),
        auth.user.workspace_id,
        id,
        now,
        Some(auth.user.id),
        kind,
        None,
        &data,
    )
    .await?;
    record_change(tx, auth, "lead", "leads", id.0, audit.0, audit.1).await
}

/// Writes a change of a lead at the version it was read with, and records the step:
/// the lead's history (`kind`, data), the audit row (`diff`), the live event.
async fn stepped(
    tx: &mut Tx,
    auth: &Auth,
    l: &Lead,
    change: &Change,
    now: Instant,
    (kind, data): (&str, serde_json::Value),
    diff: serde_json::Value,
) -> AppResult<()> {
    leads::update(
        &mut tx.conn(),
        auth.user.workspace_id,
        l.id,
        l.version,
        change,
    )
    .await?;
    recorded(tx, auth, l.id, now, kind, data, (Action::Update, diff)).await
}

/// The score after a change, and the status it brings: a new or nurtured lead whose
/// score reaches the threshold becomes marketing-qualified by itself.
async fn rescored(
    tx: &mut Tx,
    auth: &Auth,
    id: LeadId,
    status: Status,
    data: &LeadData,
    settings: &LeadSettings,
    now: Instant,
) -> AppResult<(i64, Status)> {
    let events = leads::events(&mut tx.conn(), auth.user.workspace_id, id).await?;
    let score = score_of(data, &events, settings, now).total;
    let next = match status {
        Status::New | Status::Nurturing if score >= settings.threshold => Status::Mql,
        s => s,
    };
    Ok((score, next))
}

pub async fn create(
    store: &Store,
    auth: &Auth,
    mut input: LeadInput,
    now: Instant,
) -> AppResult<Lead> {
    require(may_manage(auth))?;
    if input.owner_id.is_none() {
        input.owner_id = Some(auth.user.id);
    }
    let mut tx = store.begin().await?;
    let l = create_in(&mut tx, auth, &input, None, now).await?;
    tx.commit().await?;
    Ok(l)
}

/// Creates a lead in the caller's transaction, with an optional first engagement
/// (a web form's submission).
pub(crate) async fn create_in(
    tx: &mut Tx,
    auth: &Auth,
    input: &LeadInput,
    first: Option<Engagement>,
    now: Instant,
) -> AppResult<Lead> {
    let ws = auth.user.workspace_id;
    let data = checked(tx, auth, input).await?;
    let settings = policy_of(&mut tx.conn(), auth).await?;
    let id = LeadId::new();
    leads::insert(&mut tx.conn(), ws, id, &data, 0, Some(auth.user.id)).await?;
    recorded(
        tx,
        auth,
        id,
        now,
        "created",
        serde_json::json!({"source": data.source.as_str()}),
        (Action::Create, diff(None, Some(&data), &[])),
    )
    .await?;
    if let Some(kind) = first {
        engagement_in(tx, ws, id, kind, now, kind.default_points()).await?;
    }
    settle(tx, auth, id, &settings, now).await
}

async fn engagement_in(
    tx: &mut Tx,
    ws: tandem_domain::WorkspaceId,
    id: LeadId,
    kind: Engagement,
    at: Instant,
    points: i64,
) -> AppResult<()> {
    leads::add_event(
        &mut tx.conn(),
        ws,
        id,
        at,
        None,
        kind.as_str(),
        Some(points),
        &serde_json::json!({}),
    )
    .await?;
    Ok(())
}

/// Scores a lead anew after engagement arrived (a web form's), in the caller's
/// transaction.
pub(crate) async fn rescore_in(
    tx: &mut Tx,
    auth: &Auth,
    id: LeadId,
    now: Instant,
) -> AppResult<Lead> {
    let settings = policy_of(&mut tx.conn(), auth).await?;
    settle(tx, auth, id, &settings, now).await
}

/// Stores the lead's new score (and the MQL step it may bring).
async fn settle(
    tx: &mut Tx,
    auth: &Auth,
    id: LeadId,
    settings: &LeadSettings,
    now: Instant,
) -> AppResult<Lead> {
    let ws = auth.user.workspace_id;
    let l = leads::get(&mut tx.conn(), ws, id).await?;
    let (score, status) = rescored(tx, auth, id, l.status, &l.data, settings, now).await?;
    if score == l.score && status == l.status {
        return Ok(l);
    }
    let change = Change {
        score: Some(score),
        status: Some(status),
        ..Change::default()
    };
    leads::update(&mut tx.conn(), ws, id, l.version, &change).await?;
    if status != l.status {
        recorded(
            tx,
            auth,
            id,
            now,
            "status",
            serde_json::json!({"from": l.status.as_str(), "to": status.as_str(), "auto": true, "score": score}),
            (Action::Update, serde_json::json!({"status": [l.status.as_str(), status.as_str()]})),
        )
        .await?;
    }
    Ok(leads::get(&mut tx.conn(), ws, id).await?)
}

/// Loads a lead for a change by someone who may manage leads (404 if invisible).
async fn for_change(tx: &mut Tx, auth: &Auth, id: LeadId) -> AppResult<Lead> {
    let l = leads::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if !may_see(auth, &l) {
        return Err(AppError::NotFound);
    }
    require(may_manage(auth))?;
    Ok(l)
}

fn conflict_unless(l: &Lead, version: Option<i64>) -> AppResult<()> {
    match version {
        Some(v) if v != l.version => Err(AppError::Conflict {
            current_version: l.version,
        }),
        _ => Ok(()),
    }
}

fn refused(field: &str, code: &'static str) -> AppError {
    AppError::InUse(Invalid::one(field, code))
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    version: i64,
    input: &LeadInput,
    now: Instant,
) -> AppResult<Lead> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = for_change(&mut tx, auth, id).await?;
    if matches!(before.status, Status::Converted) {
        return Err(refused("status", "converted"));
    }
    let data = checked(&mut tx, auth, input).await?;
    let change = Change {
        data: Some(data.clone()),
        ..Change::default()
    };
    leads::update(&mut tx.conn(), ws, id, version, &change).await?;
    record_change(
        &mut tx,
        auth,
        "lead",
        "leads",
        id.0,
        Action::Update,
        diff(Some(&before.data), Some(&data), &[]),
    )
    .await?;
    let settings = policy_of(&mut tx.conn(), auth).await?;
    let l = settle(&mut tx, auth, id, &settings, now).await?;
    tx.commit().await?;
    Ok(l)
}

pub async fn delete(store: &Store, auth: &Auth, id: LeadId) -> AppResult<()> {
    let mut tx = store.begin().await?;
    let before = for_change(&mut tx, auth, id).await?;
    if before.status == Status::HandedOver {
        return Err(refused("status", "handed_over"));
    }
    leads::set_deleted(&mut tx.conn(), auth.user.workspace_id, id).await?;
    record_change(
        &mut tx,
        auth,
        "lead",
        "leads",
        id.0,
        Action::Delete,
        diff(Some(&before.data), None, &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marketing's own moves: nurturing, MQL by hand, disqualified (the handoff and the
/// decision have their own actions).
pub async fn set_status(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    version: Option<i64>,
    next: Status,
    now: Instant,
) -> AppResult<Lead> {
    if !matches!(next, Status::Nurturing | Status::Mql | Status::Disqualified) {
        return Err(Invalid::one("status", "use_action").into());
    }
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let l = for_change(&mut tx, auth, id).await?;
    conflict_unless(&l, version)?;
    if l.status == next {
        return Ok(l);
    }
    if !l.status.can_move_to(next) {
        return Err(refused("status", "invalid_transition"));
    }
    let change = Change {
        status: Some(next),
        ..Change::default()
    };
    stepped(
        &mut tx,
        auth,
        &l,
        &change,
        now,
        (
            "status",
            serde_json::json!({"from": l.status.as_str(), "to": next.as_str()}),
        ),
        serde_json::json!({"status": [l.status.as_str(), next.as_str()]}),
    )
    .await?;
    let after = leads::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

pub const MAX_POINTS: i64 = 1_000;

/// An engagement posted by a marketing tool: what, when (default now), worth how many
/// points when new (default the kind's).
pub async fn engage(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    kind: Engagement,
    at: Option<Instant>,
    points: Option<i64>,
    now: Instant,
) -> AppResult<Lead> {
    let points = points.unwrap_or(kind.default_points());
    let mut errors = vec![];
    if !(-MAX_POINTS..=MAX_POINTS).contains(&points) {
        errors.push(FieldError::new("points", "out_of_range"));
    }
    let at = at.unwrap_or(now);
    let year_ms = 366 * tandem_domain::time::DAY_MS;
    if at.0 > now.0 + tandem_domain::time::DAY_MS || at.0 < now.0 - 10 * year_ms {
        errors.push(FieldError::new("at", "out_of_range"));
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let l = for_change(&mut tx, auth, id).await?;
    engagement_in(&mut tx, ws, id, kind, at, points).await?;
    record_change(
        &mut tx,
        auth,
        "lead",
        "leads",
        id.0,
        Action::Update,
        serde_json::json!({"engagement": [null, kind.as_str()], "points": [null, points]}),
    )
    .await?;
    let settings = policy_of(&mut tx.conn(), auth).await?;
    let after = if matches!(l.status, Status::Converted | Status::Disqualified) {
        leads::get(&mut tx.conn(), ws, id).await?
    } else {
        settle(&mut tx, auth, id, &settings, now).await?
    };
    tx.commit().await?;
    Ok(after)
}

// ----- the handoff -----

/// The field reps in turn order for round robin: whoever got a lead longest ago (or
/// never) first, then by name.
async fn reps_in_turn(tx: &mut Tx, auth: &Auth) -> AppResult<Vec<users::User>> {
    let ws = auth.user.workspace_id;
    let mut reps: Vec<users::User> = users::list(&mut tx.conn(), ws)
        .await?
        .into_iter()
        .filter(|u| u.active && u.role == Role::Field)
        .collect();
    let ids: Vec<UserId> = reps.iter().map(|u| u.id).collect();
    let last = leads::last_handoffs(&mut tx.conn(), ws, &ids).await?;
    reps.sort_by(|a, b| {
        let (la, lb) = (last.get(&a.id).copied(), last.get(&b.id).copied());
        la.cmp(&lb).then_with(|| a.name.cmp(&b.name))
    });
    Ok(reps)
}

/// Hands a lead to sales: only past the gate (else 422 listing everything missing),
/// to the rep of its territory or the next available rep in turn, as a request with
/// the policy's acceptance deadline in business hours.
pub async fn handoff(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    version: Option<i64>,
    now: Instant,
) -> AppResult<Lead> {
    let ws = auth.user.workspace_id;
    crate::requests::types(store, auth).await?;
    let mut tx = store.begin().await?;
    let l = for_change(&mut tx, auth, id).await?;
    conflict_unless(&l, version)?;
    if !matches!(
        l.status,
        Status::New | Status::Nurturing | Status::Mql | Status::Rejected
    ) {
        return Err(refused("status", "not_open_for_handoff"));
    }
    let settings = policy_of(&mut tx.conn(), auth).await?;
    let events = leads::events(&mut tx.conn(), ws, id).await?;
    let score = score_of(&l.data, &events, &settings, now).total;
    if let Err(missing) = gate(&l.data, score, &settings) {
        return Err(missing_errors(&missing).into());
    }
    let cal = workspaces::get(&mut tx.conn(), ws)
        .await?
        .calendar
        .calendar();
    let reps = reps_in_turn(&mut tx, auth).await?;
    let day = now.timestamp().to_zoned(cal.zone.clone()).date();
    let rep_ids: Vec<UserId> = reps.iter().map(|u| u.id).collect();
    let away = crate::requests::absent_on(&mut tx, ws, day, &rep_ids).await?;
    let Some(routed) = route(
        &settings.territories,
        l.data.postal_code.as_deref(),
        l.data.state.as_deref(),
        &rep_ids,
        |u| rep_ids.contains(&u) && !away.contains(&u),
    ) else {
        return Err(refused("assignee_id", "no_rep_available"));
    };
    let rep = reps
        .iter()
        .find(|u| u.id == routed.user())
        .ok_or_else(|| AppError::Internal("routed to an unknown rep".into()))?;
    let kind = crate::requests::lead_type(&mut tx, auth, settings.accept_sla_hours).await?;
    let mut terms = kind.data.clone();
    terms.sla_minutes = settings.accept_sla_hours * 60;
    let r = crate::requests::open(
        &mut tx,
        auth,
        &cal,
        crate::requests::Opening {
            type_id: kind.id,
            assignee: Some(rep.id),
            queue_team: None,
            account_id: None,
            deal_id: None,
            lead_id: Some(id),
            description: handoff_text(auth, &l, score, &settings),
            route: routed.as_str(),
        },
        terms,
        now,
    )
    .await?;
    let change = Change {
        status: Some(Status::HandedOver),
        score: Some(score),
        assignee_id: Some(Some(rep.id)),
        request_id: Some(Some(r.id)),
        handed_over_at: Some(Some(now)),
        reject: Some(None),
        ..Change::default()
    };
    stepped(
        &mut tx,
        auth,
        &l,
        &change,
        now,
        ("handed_over", serde_json::json!({
            "to": rep.name, "to_id": rep.id, "route": routed.as_str(), "score": score,
            "request_id": r.id, "due": r.due_at.map(Instant::to_rfc3339),
            "skipped": away.iter().filter_map(|u| reps.iter().find(|r| r.id == *u).map(|r| r.name.clone())).collect::<Vec<_>>(),
        })),
        serde_json::json!({
            "status": [l.status.as_str(), "handed_over"], "assignee_id": [l.assignee_id, rep.id],
        }),
    )
    .await?;
    let after = leads::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

fn handoff_text(auth: &Auth, l: &Lead, score: i64, s: &LeadSettings) -> String {
    let de = auth.user.locale == tandem_domain::Locale::De;
    let d = &l.data;
    let company = d
        .company
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let mut text = if de {
        format!(
            "Lead {}{company}, Score {score}: bitte annehmen oder mit Grund ablehnen.",
            d.name()
        )
    } else {
        format!(
            "Lead {}{company}, score {score}: please accept it or reject it with a reason.",
            d.name()
        )
    };
    for c in &s.criteria {
        if let Some(a) = d.answers.get(&c.key) {
            text.push_str(&format!("\n{}: {a}", c.label));
        }
    }
    text
}

// ----- the decision -----

/// How an accepted lead becomes a deal.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// File it under this existing account (else: the duplicate found by domain or
    /// name, else a new account).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub account_id: Option<AccountId>,
    /// Make a new account even if a similar one exists.
    #[serde(default)]
    pub new_account: bool,
    #[serde(default)]
    pub deal_title: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::deals::MoneyOut>)]
    pub amount: Option<Money>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub pipeline_id: Option<tandem_domain::PipelineId>,
}

/// What an acceptance made.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub lead: Lead,
    pub account_id: AccountId,
    pub contact_id: tandem_domain::ContactId,
    pub deal_id: tandem_domain::DealId,
    /// The lead was filed under an account that existed already.
    pub existing_account: bool,
}

/// Loads a handed-over lead for its decision by the rep who has it (or their
/// stand-in, a manager, an admin).
async fn for_decision(tx: &mut Tx, auth: &Auth, id: LeadId) -> AppResult<Lead> {
    let l = leads::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    let holds =
        l.assignee_id == Some(auth.user.id) || request_assignee(&mut tx.conn(), auth, &l).await?;
    if !(holds || may_manage(auth)) {
        return Err(AppError::NotFound);
    }
    require(holds || matches!(auth.user.role, Role::Manager | Role::Admin))?;
    if l.status != Status::HandedOver {
        return Err(refused("status", "not_handed_over"));
    }
    Ok(l)
}

fn waited(l: &Lead, now: Instant) -> i64 {
    l.handed_over_at.map_or(0, |t| (now.0 - t.0).max(0))
}

/// Closes the lead's acceptance request with the decision (its requester is told).
async fn close_request(
    tx: &mut Tx,
    auth: &Auth,
    l: &Lead,
    extra: serde_json::Value,
    now: Instant,
) -> AppResult<()> {
    let Some(rid) = l.request_id else {
        return Ok(());
    };
    let r = request_store::get(&mut tx.conn(), auth.user.workspace_id, rid).await?;
    if r.status.is_closed() {
        return Ok(());
    }
    crate::requests::move_status(
        tx,
        auth,
        &r,
        None,
        tandem_domain::request::Status::Done,
        extra,
        now,
    )
    .await?;
    Ok(())
}

/// The account a lead is filed under: the one named, the likely duplicate, or none.
async fn existing_account(
    store: &Store,
    auth: &Auth,
    l: &Lead,
    input: &AcceptInput,
) -> AppResult<Option<AccountId>> {
    if let Some(a) = input.account_id {
        return match crate::accounts::get(store, auth, a).await {
            Ok(acc) if acc.deleted_at.is_none() => Ok(Some(a)),
            Ok(_) | Err(AppError::NotFound) => Err(Invalid::one("account_id", "not_found").into()),
            Err(e) => Err(e),
        };
    }
    if input.new_account {
        return Ok(None);
    }
    let data = account_input(l).validate().unwrap_or_default();
    let found = crate::duplicates::for_account(store, auth, &data, None).await?;
    Ok(found
        .into_iter()
        .find(|c| {
            c.reasons
                .iter()
                .any(|r| matches!(*r, "same_domain" | "similar_name"))
        })
        .map(|c| c.record.id))
}

fn account_input(l: &Lead) -> AccountInput {
    let d = &l.data;
    AccountInput {
        name: d.company.clone().unwrap_or_else(|| d.name()),
        industry: d.industry.clone(),
        employees: d.employees,
        postal_code: d.postal_code.clone(),
        city: d.city.clone(),
        country: Some(d.country.clone()),
        website: d.website.clone(),
        owner_id: l.assignee_id,
        lifecycle: Some("prospect".into()),
        ..AccountInput::default()
    }
}

pub async fn accept(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    input: &AcceptInput,
    now: Instant,
) -> AppResult<Accepted> {
    let ws = auth.user.workspace_id;
    let l = get(store, auth, id).await?;
    let existing = existing_account(store, auth, &l, input).await?;
    let mut tx = store.begin().await?;
    let l = for_decision(&mut tx, auth, id).await?;
    let owner = l.assignee_id.unwrap_or(auth.user.id);
    let account_id = match existing {
        Some(a) => a,
        None => {
            let mut a = account_input(&l);
            a.owner_id = Some(owner);
            crate::accounts::create_in(&mut tx, auth, a).await?.id
        }
    };
    let d = &l.data;
    let contact_input = ContactInput {
        salutation: Some(d.salutation.as_str().into()),
        first_name: d.first_name.clone(),
        last_name: d.last_name.clone(),
        position: d.position.clone(),
        account_id: Some(account_id),
        emails: d.email.iter().cloned().collect(),
        phones: d.phone.iter().cloned().collect(),
        consent_email: d.consent_email,
        consent_on: d.consent_on.map(|x| x.to_string()),
        consent_source: d.consent_source.clone(),
        ..ContactInput::default()
    };
    let contact = crate::contacts::create_in(&mut tx, auth, contact_input).await?;
    let title = input
        .deal_title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| match &d.company {
            Some(c) => format!("{c} – {}", d.name()),
            None => d.name(),
        });
    let deal_input = DealInput {
        title,
        account_id: Some(account_id),
        pipeline_id: input.pipeline_id,
        amount: input.amount.clone(),
        owner_id: Some(owner),
        source: Some(d.source.deal_source().as_str().into()),
        contacts: vec![tandem_domain::deal::DealContactInput {
            contact_id: contact.id,
            role: None,
        }],
        ..DealInput::default()
    };
    let deal_input = with_default_pipeline(&mut tx, auth, deal_input).await?;
    let deal = crate::deals::create_in(&mut tx, auth, deal_input).await?;
    let change = Change {
        status: Some(Status::Converted),
        converted: Some((account_id, contact.id, deal.id)),
        ..Change::default()
    };
    stepped(
        &mut tx,
        auth,
        &l,
        &change,
        now,
        (
            "accepted",
            serde_json::json!({
                "waited_ms": waited(&l, now), "account_id": account_id, "contact_id": contact.id,
                "deal_id": deal.id, "existing_account": existing.is_some(),
            }),
        ),
        serde_json::json!({"status": ["handed_over", "converted"], "deal_id": [null, deal.id]}),
    )
    .await?;
    close_request(
        &mut tx,
        auth,
        &l,
        serde_json::json!({"decision": "accepted", "lead": l.data.name()}),
        now,
    )
    .await?;
    let lead = leads::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(Accepted {
        lead,
        account_id,
        contact_id: contact.id,
        deal_id: deal.id,
        existing_account: existing.is_some(),
    })
}

/// Without a pipeline named: the workspace's first one (the deal form's default).
async fn with_default_pipeline(tx: &mut Tx, auth: &Auth, mut d: DealInput) -> AppResult<DealInput> {
    if d.pipeline_id.is_none() {
        let all = tandem_store::pipelines::list(&mut tx.conn(), auth.user.workspace_id).await?;
        d.pipeline_id = all.first().map(|p| p.id);
    }
    Ok(d)
}

pub async fn reject(
    store: &Store,
    auth: &Auth,
    id: LeadId,
    reason: Option<&str>,
    comment: &str,
    now: Instant,
) -> AppResult<Lead> {
    let (reason, comment) = rejection(reason, comment)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let l = for_decision(&mut tx, auth, id).await?;
    let change = Change {
        status: Some(Status::Rejected),
        reject: Some(Some((reason, comment.clone()))),
        ..Change::default()
    };
    stepped(
        &mut tx,
        auth,
        &l,
        &change,
        now,
        ("rejected", serde_json::json!({"reason": reason.as_str(), "comment": comment, "waited_ms": waited(&l, now)})),
        serde_json::json!({"status": ["handed_over", "rejected"], "reject_reason": [null, reason.as_str()]}),
    )
    .await?;
    close_request(
        &mut tx,
        auth,
        &l,
        serde_json::json!({"decision": "rejected", "reason": reason.as_str(), "text": comment, "lead": l.data.name()}),
        now,
    )
    .await?;
    let after = leads::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}
