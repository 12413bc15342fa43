//! Requests between field and inside sales: routing to the tandem partner, the deputy
//! or the team queue; the SLA clock in business time (paused while the request waits
//! for its requester); claims, hand-overs, comments and the timeline; and the periodic
//! work — handing on the requests of someone whose absence begins, reminders and
//! escalation. Every change lands on the request's timeline and in the audit log.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {notify, record_change, require, require_admin},
};
use jiff::SignedDuration;
use tandem_domain::{
    Instant, Invalid, RequestId, RequestTypeId, Role, TeamId, UserId, WorkspaceId,
    calendar::BusinessCalendar,
    cursor::Cursor,
    handoff::{self, Due, Route},
    notify::Kind,
    request::{self, EscalationStep, RequestInput, RequestTypeData, RequestTypeInput, Status},
};
use tandem_store::{
    Page, Store, StoreError, Tx, absences,
    audit::Action,
    requests::{self, Change, Filter, Guard, StoredRequest, StoredType, TimelineEntry},
    tandems, users, workspaces,
};

// ----- request types -----

/// The workspace's request types; the defaults (in the caller's language) are made
/// the first time anyone looks.
pub async fn types(store: &Store, auth: &Auth) -> AppResult<Vec<StoredType>> {
    let ws = auth.user.workspace_id;
    {
        let mut c = store.read().await?;
        if requests::any_types_ever(&mut c.conn(), ws).await? {
            return Ok(requests::types(&mut c.conn(), ws).await?);
        }
    }
    let mut tx = store.begin().await?;
    if !requests::any_types_ever(&mut tx.conn(), ws).await? {
        for (i, t) in request::default_types(auth.user.locale).iter().enumerate() {
            let id = RequestTypeId::new();
            requests::insert_type(&mut tx.conn(), ws, id, t, i as i64, None).await?;
            if i == 0 {
                requests::set_purpose(&mut tx.conn(), ws, id, request::Purpose::Quote).await?;
            }
        }
    }
    let types = requests::types(&mut tx.conn(), ws).await?;
    tx.commit().await?;
    Ok(types)
}

/// The workspace's discount approval type, made (in the workspace's language) the
/// first time a quote needs an approval. The caller has called `types` before.
pub(crate) async fn approval_type(tx: &mut Tx, auth: &Auth) -> AppResult<StoredType> {
    let data = request::approval_type(auth.user.locale);
    special_type(tx, auth, request::Purpose::Approval, data).await
}

/// The workspace's lead handoff type, made the first time a lead is handed to sales.
pub(crate) async fn lead_type(tx: &mut Tx, auth: &Auth, sla_hours: i64) -> AppResult<StoredType> {
    let data = request::lead_type(auth.user.locale, sla_hours);
    special_type(tx, auth, request::Purpose::Lead, data).await
}

/// The type with this purpose, made from `data` if the workspace has none yet.
async fn special_type(
    tx: &mut Tx,
    auth: &Auth,
    purpose: request::Purpose,
    data: RequestTypeData,
) -> AppResult<StoredType> {
    let ws = auth.user.workspace_id;
    let all = requests::types(&mut tx.conn(), ws).await?;
    if let Some(t) = all.into_iter().find(|t| t.purpose == Some(purpose)) {
        return Ok(t);
    }
    let id = RequestTypeId::new();
    requests::insert_type(&mut tx.conn(), ws, id, &data, 100, None)
        .await
        .map_err(|e| AppError::Internal(format!("{} type: {e}", purpose.as_str())))?;
    requests::set_purpose(&mut tx.conn(), ws, id, purpose).await?;
    Ok(requests::get_type(&mut tx.conn(), ws, id).await?)
}

pub async fn get_type(store: &Store, auth: &Auth, id: RequestTypeId) -> AppResult<StoredType> {
    let mut c = store.read().await?;
    Ok(requests::get_type(&mut c.conn(), auth.user.workspace_id, id).await?)
}

fn type_diff(
    before: Option<&RequestTypeData>,
    after: Option<&RequestTypeData>,
) -> serde_json::Value {
    let side = |d: Option<&RequestTypeData>| d.map(|d| serde_json::to_value(d).unwrap_or_default());
    serde_json::json!({ "request_type": [side(before), side(after)] })
}

pub async fn create_type(
    store: &Store,
    auth: &Auth,
    input: &RequestTypeInput,
) -> AppResult<StoredType> {
    require_admin(auth)?;
    let data = input.validate()?;
    let existing = types(store, auth).await?;
    let ws = auth.user.workspace_id;
    let id = RequestTypeId::new();
    let mut tx = store.begin().await?;
    let position = existing.iter().map(|t| t.position + 1).max().unwrap_or(0);
    requests::insert_type(&mut tx.conn(), ws, id, &data, position, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Create,
        type_diff(None, Some(&data)),
    )
    .await?;
    let t = requests::get_type(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(t)
}

pub async fn update_type(
    store: &Store,
    auth: &Auth,
    id: RequestTypeId,
    version: i64,
    input: &RequestTypeInput,
) -> AppResult<StoredType> {
    require_admin(auth)?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = requests::get_type(&mut tx.conn(), ws, id).await?;
    requests::update_type(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Update,
        type_diff(Some(&before.data), Some(&data)),
    )
    .await?;
    let t = requests::get_type(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(t)
}

/// Removes a type from the choice; requests of it keep their terms and name.
pub async fn delete_type(store: &Store, auth: &Auth, id: RequestTypeId) -> AppResult<()> {
    require_admin(auth)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = requests::get_type(&mut tx.conn(), ws, id).await?;
    requests::delete_type(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Delete,
        type_diff(Some(&before.data), None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ----- who may do what -----

fn oversees(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Admin | Role::Manager)
}

/// Requester, assignee, the inside team (the queue is theirs), managers and admins see
/// a request; others get a 404 as for a record that is not there.
fn may_see(auth: &Auth, r: &StoredRequest) -> bool {
    oversees(auth)
        || r.requester_id == auth.user.id
        || r.assignee_id == Some(auth.user.id)
        || auth.user.role == Role::Inside
}

fn may_work_on(auth: &Auth, r: &StoredRequest) -> bool {
    oversees(auth) || r.assignee_id == Some(auth.user.id)
}

fn may_claim(auth: &Auth) -> bool {
    oversees(auth) || auth.user.role == Role::Inside
}

/// What the caller may do with a request (the pages show only these buttons).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Allowed {
    pub claim: bool,
    pub statuses: Vec<Status>,
    pub reassign: bool,
    pub comment: bool,
    /// Correct the description (the requester, managers, admins).
    pub describe: bool,
}

pub fn allowed(auth: &Auth, r: &StoredRequest) -> Allowed {
    if r.status.is_closed() {
        return Allowed::default();
    }
    // A lead handoff is accepted or rejected on the lead, a discount approval granted
    // or refused on its quote: the decision closes the request, nothing else may (a
    // closed approval would leave its quote waiting for good).
    let approval = r.purpose == Some(request::Purpose::Approval);
    let decided_elsewhere = r.lead_id.is_some() || approval;
    let worker = may_work_on(auth, r);
    let requester = r.requester_id == auth.user.id;
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| r.status.can_move_to(*s))
        .filter(|s| !(decided_elsewhere && *s == Status::Done))
        .filter(|s| !(approval && *s == Status::Cancelled))
        .filter(|s| match s {
            Status::Cancelled => worker || requester,
            Status::InProgress if r.status == Status::Waiting => worker || requester,
            _ => worker && (r.assignee_id.is_some() || *s == Status::Cancelled),
        })
        .collect();
    Allowed {
        claim: r.assignee_id.is_none() && may_claim(auth),
        statuses,
        reassign: worker,
        comment: true,
        describe: requester || oversees(auth),
    }
}

// ----- reading -----

pub async fn get(store: &Store, auth: &Auth, id: RequestId) -> AppResult<StoredRequest> {
    let mut c = store.read().await?;
    let r = requests::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    if !may_see(auth, &r) {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

pub async fn timeline(store: &Store, auth: &Auth, id: RequestId) -> AppResult<Vec<TimelineEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(requests::timeline(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// The lists of the requests page and the API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Requested by me or assigned to me.
    #[default]
    Mine,
    Requested,
    Assigned,
    /// Unassigned requests of my team's queue (or of every team for managers).
    Queue,
    /// Everything (managers, admins, inside sales).
    All,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Mine,
        View::Requested,
        View::Assigned,
        View::Queue,
        View::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Requested => "requested",
            View::Assigned => "assigned",
            View::Queue => "queue",
            View::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub view: View,
    pub open_only: bool,
    pub overdue: bool,
    pub deal: Option<tandem_domain::DealId>,
    pub account: Option<tandem_domain::AccountId>,
    pub type_id: Option<RequestTypeId>,
    pub cursor: Option<Cursor>,
    pub limit: u64,
}

pub const OPEN: [Status; 3] = [Status::Open, Status::InProgress, Status::Waiting];

pub async fn list(store: &Store, auth: &Auth, q: &ListQuery) -> AppResult<Page<StoredRequest>> {
    let me = auth.user.id;
    let sees_all = oversees(auth) || auth.user.role == Role::Inside;
    let mut f = Filter {
        deal: q.deal,
        account: q.account,
        type_id: q.type_id,
        statuses: if q.open_only { OPEN.to_vec() } else { vec![] },
        overdue_at: q.overdue.then(Instant::now),
        ..Filter::default()
    };
    match q.view {
        View::Mine => f.involving = Some(me),
        View::Requested => f.requester = Some(me),
        View::Assigned => f.assignee = Some(me),
        View::Queue => {
            f.queue = Some(if oversees(auth) {
                None
            } else {
                auth.user.team_id
            });
            if f.statuses.is_empty() {
                f.statuses = OPEN.to_vec();
            }
        }
        View::All => {}
    }
    // A deal's or account's requests: whoever sees the record's page sees its
    // requests' state (the requester must see who has it); otherwise narrow to mine.
    if q.view == View::All && !sees_all && q.deal.is_none() && q.account.is_none() {
        f.involving = Some(me);
    }
    let mut c = store.read().await?;
    Ok(requests::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        q.cursor.as_ref(),
        q.limit,
    )
    .await?)
}

// ----- the clock -----

async fn calendar(tx: &mut Tx, ws: WorkspaceId) -> AppResult<BusinessCalendar> {
    Ok(workspaces::get(&mut tx.conn(), ws)
        .await?
        .calendar
        .calendar())
}

/// Who is away on `day` among `people`.
pub(crate) async fn absent_on(
    tx: &mut Tx,
    ws: WorkspaceId,
    day: jiff::civil::Date,
    people: &[UserId],
) -> AppResult<Vec<UserId>> {
    Ok(
        absences::between(&mut tx.conn(), ws, day, day, Some(people))
            .await?
            .into_iter()
            .map(|a| a.data.user_id)
            .collect(),
    )
}

/// Where a new request of `requester` goes now, the team whose queue holds it when
/// nobody is assigned (the inside partner's team, or the requester's), and the
/// tandem's own deadline for this type of request, if it has one.
async fn routed(
    tx: &mut Tx,
    ws: WorkspaceId,
    cal: &BusinessCalendar,
    requester: &users::User,
    kind: RequestTypeId,
    now: Instant,
) -> AppResult<(Route, Option<TeamId>, Option<i64>)> {
    let stored = tandems::list(&mut tx.conn(), ws).await?;
    let own = stored.iter().find(|t| {
        t.data.tandem.field_id == requester.id || t.data.tandem.inside_id == requester.id
    });
    let own_sla = own.and_then(|t| t.data.sla_minutes.get(&kind).copied());
    let pairs: Vec<handoff::Tandem> = stored.iter().map(|t| t.data.tandem.clone()).collect();
    let mine = own.map(|t| t.data.tandem.clone());
    let day = now.timestamp().to_zoned(cal.zone.clone()).date();
    let people: Vec<UserId> = mine
        .iter()
        .flat_map(|t| [Some(t.field_id), Some(t.inside_id), t.deputy_id])
        .flatten()
        .collect();
    let away = absent_on(tx, ws, day, &people).await?;
    // Deactivated colleagues count as away.
    let mut gone = away.clone();
    for u in &people {
        if let Ok(user) = users::get(&mut tx.conn(), ws, *u).await
            && !user.active
        {
            gone.push(*u);
        }
    }
    let route = handoff::route(requester.id, &pairs, |u| gone.contains(&u));
    let queue_team = match mine {
        Some(t) => users::get(&mut tx.conn(), ws, t.inside_id).await?.team_id,
        None => requester.team_id,
    };
    Ok((route, queue_team, own_sla))
}

// ----- changes -----

async fn event(
    tx: &mut Tx,
    ws: WorkspaceId,
    id: RequestId,
    now: Instant,
    actor: Option<UserId>,
    kind: &str,
    data: serde_json::Value,
) -> AppResult<()> {
    requests::add_event(&mut tx.conn(), ws, id, now, actor, kind, &data).await?;
    Ok(())
}

/// One change of a request: its timeline entry (`kind`, data), the audit row and the
/// live event — by `auth`, or by the system (a job) with `None`.
async fn recorded(
    tx: &mut Tx,
    ws: WorkspaceId,
    auth: Option<&Auth>,
    id: RequestId,
    now: Instant,
    (kind, data): (&str, serde_json::Value),
    diff: serde_json::Value,
) -> AppResult<()> {
    event(tx, ws, id, now, auth.map(|a| a.user.id), kind, data).await?;
    match auth {
        Some(auth) => {
            record_change(tx, auth, "request", "requests", id.0, Action::Update, diff).await
        }
        None => record_system(tx, ws, id, diff).await,
    }
}

/// Audit row and live event of a change made by the system (a job), not a person.
async fn record_system(
    tx: &mut Tx,
    ws: WorkspaceId,
    id: RequestId,
    diff: serde_json::Value,
) -> AppResult<()> {
    tandem_store::audit::record(
        &mut tx.conn(),
        tandem_store::audit::NewEntry {
            workspace_id: ws,
            entity: "request",
            entity_id: id.0,
            action: Action::Update,
            actor: None,
            diff: &diff,
        },
    )
    .await?;
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: "requests".into(),
        id: Some(id.0),
        actor: None,
    })
    .await?;
    Ok(())
}

/// The request in the changing transaction, if the caller may see it (404 otherwise).
async fn visible(tx: &mut Tx, auth: &Auth, id: RequestId) -> AppResult<StoredRequest> {
    let r = requests::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if may_see(auth, &r) {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

/// A person's change: written if the request still has the version they read (the
/// stored one when they sent none), else 409 with the current version.
async fn write_versioned(
    tx: &mut Tx,
    ws: WorkspaceId,
    r: &StoredRequest,
    version: Option<i64>,
    change: &Change,
    now: Instant,
) -> AppResult<()> {
    let guard = Guard::Version(version.unwrap_or(r.version));
    if requests::update(&mut tx.conn(), ws, r.id, guard, change, now).await? {
        return Ok(());
    }
    let current = requests::get(&mut tx.conn(), ws, r.id).await?.version;
    Err(AppError::Conflict {
        current_version: current,
    })
}

pub async fn create(
    store: &Store,
    auth: &Auth,
    input: &RequestInput,
    now: Instant,
) -> AppResult<StoredRequest> {
    require(auth.user.role.can_write_records())?;
    let description = input.validate()?;
    let ws = auth.user.workspace_id;
    types(store, auth).await?;
    // The linked records must exist and be visible to the requester.
    let mut account_id = input.account_id;
    if let Some(d) = input.deal_id {
        let deal = match crate::deals::get(store, auth, d).await {
            Err(AppError::NotFound | AppError::Store(StoreError::NotFound)) => {
                return Err(Invalid::one("deal_id", "not_found").into());
            }
            other => other?,
        };
        if account_id.is_some_and(|a| a != deal.data.account_id) {
            return Err(Invalid::one("account_id", "not_deal_account").into());
        }
        account_id = Some(deal.data.account_id);
    }
    if let Some(a) = account_id {
        match crate::accounts::get(store, auth, a).await {
            Err(AppError::NotFound | AppError::Store(StoreError::NotFound)) => {
                return Err(Invalid::one("account_id", "not_found").into());
            }
            other => {
                other?;
            }
        }
    }
    let type_id = input
        .type_id
        .ok_or_else(|| Invalid::one("type_id", "required"))?;
    let mut tx = store.begin().await?;
    let kind = match requests::get_type(&mut tx.conn(), ws, type_id).await {
        // Approvals are asked for from their quote, where the approver is worked out;
        // lead handoffs from their lead, where the rep is.
        Ok(t)
            if matches!(
                t.purpose,
                Some(request::Purpose::Approval | request::Purpose::Lead)
            ) =>
        {
            return Err(Invalid::one("type_id", "from_quote_only").into());
        }
        Ok(t) => t,
        Err(StoreError::NotFound) => return Err(Invalid::one("type_id", "not_found").into()),
        Err(e) => return Err(e.into()),
    };
    let cal = calendar(&mut tx, ws).await?;
    let (route, queue_team, own_sla) = routed(&mut tx, ws, &cal, &auth.user, type_id, now).await?;
    let mut terms = kind.data.clone();
    if let Some(minutes) = own_sla {
        terms.sla_minutes = minutes;
    }
    let how = match route {
        Route::Partner(_) => "partner",
        Route::Deputy(_) => "deputy",
        Route::Queue => "queue",
    };
    let opening = Opening {
        type_id,
        assignee: route.assignee(),
        queue_team,
        account_id,
        deal_id: input.deal_id,
        lead_id: None,
        description,
        route: how,
    };
    let r = open(&mut tx, auth, &cal, opening, terms, now).await?;
    tx.commit().await?;
    Ok(r)
}

/// A new request as its maker decided it: type, who gets it, what it is about.
pub(crate) struct Opening {
    pub type_id: RequestTypeId,
    pub assignee: Option<UserId>,
    pub queue_team: Option<TeamId>,
    pub account_id: Option<tandem_domain::AccountId>,
    pub deal_id: Option<tandem_domain::DealId>,
    pub lead_id: Option<tandem_domain::LeadId>,
    pub description: String,
    /// How it found its assignee (`partner`, `deputy`, `queue`, `approver`,
    /// `territory`, `round_robin`).
    pub route: &'static str,
}

/// Stores a new request in the caller's transaction with its due time, timeline entry
/// and audit row, and tells the assignee.
pub(crate) async fn open(
    tx: &mut Tx,
    auth: &Auth,
    cal: &BusinessCalendar,
    o: Opening,
    terms: RequestTypeData,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let due = request::due_at(cal, now.timestamp(), terms.sla_minutes)
        .ok_or_else(|| Invalid::one("type_id", "no_business_hours"))?;
    let id = RequestId::new();
    requests::insert(
        &mut tx.conn(),
        ws,
        &requests::NewRequest {
            id,
            type_id: o.type_id,
            requester_id: auth.user.id,
            assignee_id: o.assignee,
            queue_team_id: o.queue_team,
            account_id: o.account_id,
            deal_id: o.deal_id,
            lead_id: o.lead_id,
            description: o.description,
            terms,
            started_at: now,
            due_at: Instant(due.as_millisecond()),
        },
    )
    .await?;
    let r = requests::get(&mut tx.conn(), ws, id).await?;
    event(
        tx,
        ws,
        id,
        now,
        Some(auth.user.id),
        "created",
        serde_json::json!({
            "route": o.route, "assignee": r.assignee_name, "due": r.due_at.map(Instant::to_rfc3339),
        }),
    )
    .await?;
    record_change(
        tx,
        auth,
        "request",
        "requests",
        id.0,
        Action::Create,
        serde_json::json!({
            "type": [null, r.type_name], "assignee_id": [null, r.assignee_id],
            "status": [null, "open"], "due_at": [null, r.due_at.map(Instant::to_rfc3339)],
        }),
    )
    .await?;
    if let Some(to) = r.assignee_id {
        let data = notify::request_data(
            &r,
            Some(&auth.user.name),
            serde_json::json!({"route": o.route}),
        );
        notify::send(tx, ws, to, Kind::RequestAssigned, &r, data, now).await?;
    }
    Ok(r)
}

/// Tells the people on a request about a change, except the one who made it.
async fn tell(
    tx: &mut Tx,
    ws: WorkspaceId,
    r: &StoredRequest,
    people: &[(Option<UserId>, Kind)],
    actor: Option<&users::User>,
    extra: serde_json::Value,
    now: Instant,
) -> AppResult<()> {
    let mut told = vec![];
    for (who, kind) in people {
        let Some(who) = *who else { continue };
        if actor.is_some_and(|a| a.id == who) || told.contains(&who) {
            continue;
        }
        told.push(who);
        let data = notify::request_data(r, actor.map(|a| a.name.as_str()), extra.clone());
        notify::send(tx, ws, who, *kind, r, data, now).await?;
    }
    Ok(())
}

/// The clock's part of a status move: pause, resume, or stop it (and whether the
/// request was done in time).
fn clock_change(
    cal: &BusinessCalendar,
    r: &StoredRequest,
    next: Status,
    now: Instant,
    c: &mut Change,
) {
    let at = now.timestamp();
    match (r.status.clock_runs(), next) {
        (true, Status::Waiting) => {
            if let Some(due) = r.due_at {
                c.paused_left_ms = Some(Some(
                    request::pause(cal, due.timestamp(), at).as_millis() as i64
                ));
                c.due_at = Some(None);
            }
        }
        (false, Status::InProgress | Status::Open) => {
            let left = SignedDuration::from_millis(r.paused_left_ms.unwrap_or_default());
            let due = request::resume(cal, left, at).map(|t| Instant(t.as_millisecond()));
            c.due_at = Some(due.or(Some(now)));
            c.paused_left_ms = Some(None);
        }
        (_, Status::Done | Status::Cancelled) => {
            c.closed_at = Some(Some(now));
            if next == Status::Done {
                let in_time = match r.due_at {
                    Some(due) => now <= due,
                    None => r.paused_left_ms.unwrap_or_default() >= 0,
                };
                c.in_time = Some(Some(in_time));
            }
        }
        _ => {}
    }
}

pub async fn set_status(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    version: Option<i64>,
    next: Status,
    now: Instant,
) -> AppResult<StoredRequest> {
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    if r.status == next {
        return Ok(r);
    }
    if !r.status.can_move_to(next) {
        return Err(Invalid::one("status", "invalid_transition").into());
    }
    if r.lead_id.is_some() && next == Status::Done {
        return Err(AppError::InUse(Invalid::one("status", "decide_on_lead")));
    }
    require(allowed(auth, &r).statuses.contains(&next))?;
    let after = move_status(&mut tx, auth, &r, version, next, serde_json::json!({}), now).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a request to `next` in the caller's transaction (the caller has checked that
/// the move is allowed): the clock, the timeline, the audit row, the people told.
pub(crate) async fn move_status(
    tx: &mut Tx,
    auth: &Auth,
    r: &StoredRequest,
    version: Option<i64>,
    next: Status,
    extra: serde_json::Value,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let id = r.id;
    let cal = calendar(tx, ws).await?;
    let mut change = Change {
        status: Some(next),
        ..Change::default()
    };
    clock_change(&cal, r, next, now, &mut change);
    write_versioned(tx, ws, r, version, &change, now).await?;
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    recorded(tx, ws, Some(auth), id, now, ("status", serde_json::json!({
        "from": r.status.as_str(), "to": next.as_str(), "due": after.due_at.map(Instant::to_rfc3339),
    })), serde_json::json!({
            "status": [r.status.as_str(), next.as_str()],
            "due_at": [r.due_at.map(Instant::to_rfc3339), after.due_at.map(Instant::to_rfc3339)],
        })).await?;
    tell(
        tx,
        ws,
        &after,
        &[
            (Some(r.requester_id), Kind::RequestStatus),
            (r.assignee_id, Kind::RequestStatus),
        ],
        Some(&auth.user),
        extra,
        now,
    )
    .await?;
    Ok(after)
}

/// Takes an unassigned request from the queue. Of several people claiming at once,
/// exactly one wins; the others get a 409.
pub async fn claim(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    require(may_claim(auth))?;
    let change = Change {
        assignee_id: Some(Some(auth.user.id)),
        ..Change::default()
    };
    if r.assignee_id.is_some()
        || !requests::update(&mut tx.conn(), ws, id, Guard::Unassigned, &change, now).await?
    {
        return Err(AppError::InUse(Invalid::one(
            "assignee_id",
            "already_claimed",
        )));
    }
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        ws,
        Some(auth),
        id,
        now,
        (
            "claimed",
            serde_json::json!({
                "assignee": after.assignee_name,
            }),
        ),
        serde_json::json!({
            "assignee_id": [null, auth.user.id],
        }),
    )
    .await?;
    tell(
        &mut tx,
        ws,
        &after,
        &[(Some(r.requester_id), Kind::RequestReassigned)],
        Some(&auth.user),
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Hands a request to another inside colleague (its assignee, managers, admins), or
/// back to the queue with `None`.
pub async fn reassign(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    version: Option<i64>,
    to: Option<UserId>,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    require(allowed(auth, &r).reassign)?;
    if r.assignee_id == to {
        return Ok(r);
    }
    if let Some(u) = to {
        match users::get(&mut tx.conn(), ws, u).await {
            Ok(user) if !user.active => {
                return Err(Invalid::one("assignee_id", "inactive_user").into());
            }
            Ok(user) if !matches!(user.role, Role::Inside | Role::Manager | Role::Admin) => {
                return Err(Invalid::one("assignee_id", "not_inside").into());
            }
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(Invalid::one("assignee_id", "unknown_user").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let change = Change {
        assignee_id: Some(to),
        add_reassignment: true,
        ..Change::default()
    };
    write_versioned(&mut tx, ws, &r, version, &change, now).await?;
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        ws,
        Some(auth),
        id,
        now,
        (
            "reassigned",
            serde_json::json!({
                "reason": "hand_over", "from": r.assignee_name, "to": after.assignee_name,
            }),
        ),
        serde_json::json!({
            "assignee_id": [r.assignee_id, to],
        }),
    )
    .await?;
    tell(
        &mut tx,
        ws,
        &after,
        &[
            (to, Kind::RequestAssigned),
            (Some(r.requester_id), Kind::RequestReassigned),
        ],
        Some(&auth.user),
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The requester corrects the description (while the request is open).
pub async fn set_description(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    version: Option<i64>,
    text: &str,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let text = request::description(text)?;
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    require(r.requester_id == auth.user.id || oversees(auth))?;
    if r.status.is_closed() {
        return Err(Invalid::one("description", "closed").into());
    }
    let change = Change {
        description: Some(text.clone()),
        ..Change::default()
    };
    write_versioned(&mut tx, ws, &r, version, &change, now).await?;
    recorded(
        &mut tx,
        ws,
        Some(auth),
        id,
        now,
        ("description", serde_json::json!({})),
        serde_json::json!({
            "description": [r.description, text],
        }),
    )
    .await?;
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// A comment on the timeline. The requester's answer to a request that waits for them
/// restarts its clock.
pub async fn comment(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    text: &str,
    now: Instant,
) -> AppResult<StoredRequest> {
    require(auth.user.role.can_write_records())?;
    let text = request::comment_text(text)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    event(
        &mut tx,
        ws,
        id,
        now,
        Some(auth.user.id),
        "comment",
        serde_json::json!({"text": text}),
    )
    .await?;
    let mut resumed = false;
    if r.status == Status::Waiting && r.requester_id == auth.user.id {
        let cal = calendar(&mut tx, ws).await?;
        let mut change = Change {
            status: Some(Status::InProgress),
            ..Change::default()
        };
        clock_change(&cal, &r, Status::InProgress, now, &mut change);
        resumed = requests::update(
            &mut tx.conn(),
            ws,
            id,
            Guard::Version(r.version),
            &change,
            now,
        )
        .await?;
    }
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    if resumed {
        event(&mut tx, ws, id, now, Some(auth.user.id), "status", serde_json::json!({
            "from": "waiting", "to": "in_progress", "due": after.due_at.map(Instant::to_rfc3339),
        }))
        .await?;
    }
    record_change(
        &mut tx,
        auth,
        "request",
        "requests",
        id.0,
        Action::Update,
        serde_json::json!({
            "comment": [null, text],
        }),
    )
    .await?;
    let excerpt: String = text.chars().take(300).collect();
    tell(
        &mut tx,
        ws,
        &after,
        &[
            (Some(r.requester_id), Kind::RequestComment),
            (r.assignee_id, Kind::RequestComment),
        ],
        Some(&auth.user),
        serde_json::json!({"text": excerpt}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ----- periodic work -----

/// One round of the handoff job at `now`: hands on the requests of people whose
/// absence has begun, then reminds and escalates along the SLA clocks. Each step is a
/// conditional write, so several instances running it at once take every step once.
pub async fn sweep(store: &Store, now: Instant) -> AppResult<u32> {
    Ok(hand_on_absent(store, now).await? + watch_clocks(store, now).await?)
}

async fn hand_on_absent(store: &Store, now: Instant) -> AppResult<u32> {
    // The latest date anywhere on earth, so that no workspace's today is missed.
    let latest = now
        .plus_ms(14 * 3_600_000)
        .timestamp()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let begun = {
        let mut c = store.read().await?;
        absences::begun_unapplied(&mut c.conn(), latest, 500).await?
    };
    let mut moved = 0;
    for (ws, absence) in begun {
        let mut tx = store.begin().await?;
        let cal = calendar(&mut tx, ws).await?;
        let today = now.timestamp().to_zoned(cal.zone.clone()).date();
        if !absence.data.covers(today) {
            continue; // Not yet begun there, or over: nothing to hand on.
        }
        if !absences::mark_applied(&mut tx.conn(), ws, absence.id, now).await? {
            continue;
        }
        let user = absence.data.user_id;
        let pairs: Vec<handoff::Tandem> = tandems::list(&mut tx.conn(), ws)
            .await?
            .into_iter()
            .map(|t| t.data.tandem)
            .collect();
        let deputies: Vec<UserId> = pairs.iter().filter_map(|t| t.deputy_id).collect();
        let away = absent_on(&mut tx, ws, today, &deputies).await?;
        let route = handoff::stand_in(user, &pairs, |u| u == user || away.contains(&u));
        for r in requests::open_assigned_to(&mut tx.conn(), ws, user).await? {
            let change = Change {
                assignee_id: Some(route.assignee()),
                add_reassignment: true,
                ..Change::default()
            };
            if !requests::update(
                &mut tx.conn(),
                ws,
                r.id,
                Guard::AssignedTo(user),
                &change,
                now,
            )
            .await?
            {
                continue;
            }
            let after = requests::get(&mut tx.conn(), ws, r.id).await?;
            recorded(
                &mut tx,
                ws,
                None,
                r.id,
                now,
                (
                    "reassigned",
                    serde_json::json!({
                        "reason": "absence", "from": r.assignee_name, "to": after.assignee_name,
                        "absence": absence.data.kind.as_str(),
                    }),
                ),
                serde_json::json!({
                    "assignee_id": [r.assignee_id, after.assignee_id], "reason": "absence",
                }),
            )
            .await?;
            let extra = serde_json::json!({"from": r.assignee_name});
            tell(
                &mut tx,
                ws,
                &after,
                &[
                    (after.assignee_id, Kind::RequestAssigned),
                    (Some(after.requester_id), Kind::RequestReassigned),
                ],
                None,
                extra,
                now,
            )
            .await?;
            moved += 1;
        }
        tx.commit().await?;
    }
    Ok(moved)
}

/// The people an escalation step tells: for the team lead, the managers of the inside
/// team (the assignee's, or the queue's); for the manager, the managers of the
/// requester's team, else every manager of the workspace.
async fn step_contacts(
    tx: &mut Tx,
    ws: WorkspaceId,
    r: &StoredRequest,
    step: EscalationStep,
) -> AppResult<Vec<UserId>> {
    let everyone = users::list(&mut tx.conn(), ws).await?;
    let team_of = |u: Option<UserId>| {
        everyone
            .iter()
            .find(|x| Some(x.id) == u)
            .and_then(|x| x.team_id)
    };
    let managers_of = |team: Option<TeamId>| -> Vec<UserId> {
        everyone
            .iter()
            .filter(|u| u.active && u.role == Role::Manager && team.is_some() && u.team_id == team)
            .map(|u| u.id)
            .collect()
    };
    let requester_team = team_of(Some(r.requester_id));
    let found = match step {
        EscalationStep::TeamLead => {
            let inside = team_of(r.assignee_id).or(r.queue_team_id);
            let m = managers_of(inside);
            if m.is_empty() {
                managers_of(requester_team)
            } else {
                m
            }
        }
        EscalationStep::Manager => managers_of(requester_team),
        // The inside colleagues whose queue it is now, to take it.
        EscalationStep::Queue => {
            return Ok(everyone
                .iter()
                .filter(|u| u.active && u.role == Role::Inside && Some(u.id) != r.assignee_id)
                .filter(|u| r.queue_team_id.is_none() || u.team_id == r.queue_team_id)
                .map(|u| u.id)
                .collect());
        }
    };
    if !found.is_empty() {
        return Ok(found);
    }
    Ok(everyone
        .iter()
        .filter(|u| u.active && u.role == Role::Manager)
        .map(|u| u.id)
        .collect())
}

async fn watch_clocks(store: &Store, now: Instant) -> AppResult<u32> {
    let running = {
        let mut c = store.read().await?;
        requests::running_before(&mut c.conn(), Instant(requests::PAUSED_KEY - 1), 5_000).await?
    };
    let mut steps = 0;
    let mut calendars: std::collections::HashMap<WorkspaceId, BusinessCalendar> =
        Default::default();
    for (ws, r) in running {
        let Some(due) = r.due_at else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(ws) {
            let mut c = store.read().await?;
            slot.insert(
                workspaces::get(&mut c.conn(), ws)
                    .await?
                    .calendar
                    .calendar(),
            );
        }
        let cal = &calendars[&ws];
        let (mut reminded, mut escalated) = (r.reminded, r.escalated.max(0) as usize);
        loop {
            let clock = handoff::Clock::at(
                cal,
                now.timestamp(),
                due.timestamp(),
                (r.sla_minutes, r.reminder_bp),
                reminded,
                escalated,
                r.escalation.len(),
            );
            let action = handoff::due_action(&clock);
            if action == Due::Nothing {
                break;
            }
            let mut tx = store.begin().await?;
            let guard = Guard::Clock {
                escalated: escalated as i64,
                reminded,
            };
            let mut change = Change::default();
            match action {
                Due::Remind => change.reminded = Some(true),
                Due::Escalate(i) => {
                    change.escalated = Some(i as i64 + 1);
                    if r.escalation[i] == EscalationStep::Queue && r.assignee_id.is_some() {
                        change.assignee_id = Some(None);
                        change.add_reassignment = true;
                    }
                    // A step past due implies the reminder: never remind afterwards.
                    change.reminded = Some(true);
                }
                Due::Nothing => {}
            }
            if !requests::update(&mut tx.conn(), ws, r.id, guard, &change, now).await? {
                break; // Another instance took this step; it will take the next ones.
            }
            let current = requests::get(&mut tx.conn(), ws, r.id).await?;
            match action {
                Due::Remind => {
                    recorded(
                        &mut tx,
                        ws,
                        None,
                        r.id,
                        now,
                        (
                            "reminded",
                            serde_json::json!({
                                "assignee": current.assignee_name,
                            }),
                        ),
                        serde_json::json!({"reminded": [false, true]}),
                    )
                    .await?;
                    let to = match current.assignee_id {
                        Some(a) => vec![a],
                        None => {
                            step_contacts(&mut tx, ws, &current, EscalationStep::TeamLead).await?
                        }
                    };
                    let people: Vec<_> = to
                        .into_iter()
                        .map(|u| (Some(u), Kind::RequestReminder))
                        .collect();
                    tell(
                        &mut tx,
                        ws,
                        &current,
                        &people,
                        None,
                        serde_json::json!({}),
                        now,
                    )
                    .await?;
                    reminded = true;
                }
                Due::Escalate(i) => {
                    let step = r.escalation[i];
                    let contacts = step_contacts(&mut tx, ws, &current, step).await?;
                    let names: Vec<String> = users::list(&mut tx.conn(), ws)
                        .await?
                        .into_iter()
                        .filter(|u| contacts.contains(&u.id))
                        .map(|u| u.name)
                        .collect();
                    recorded(
                        &mut tx,
                        ws,
                        None,
                        r.id,
                        now,
                        (
                            "escalated",
                            serde_json::json!({
                                "step": step.as_str(), "to": names, "from": r.assignee_name,
                            }),
                        ),
                        serde_json::json!({
                            "escalated": [i, i + 1], "step": step.as_str(),
                        }),
                    )
                    .await?;
                    let mut people: Vec<_> = contacts
                        .into_iter()
                        .map(|u| (Some(u), Kind::RequestEscalated))
                        .collect();
                    people.push((Some(current.requester_id), Kind::RequestEscalated));
                    people.push((current.assignee_id, Kind::RequestEscalated));
                    if step == EscalationStep::Queue {
                        // Whoever had it hears that it was taken back.
                        people.push((r.assignee_id, Kind::RequestEscalated));
                    }
                    tell(
                        &mut tx,
                        ws,
                        &current,
                        &people,
                        None,
                        serde_json::json!({"step": step.as_str()}),
                        now,
                    )
                    .await?;
                    escalated = i + 1;
                    reminded = true;
                }
                Due::Nothing => {}
            }
            tx.commit().await?;
            steps += 1;
        }
    }
    Ok(steps)
}

// ----- figures -----

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Figure {
    /// What the row is about: a type, a team or a tandem, by name.
    pub name: String,
    pub done: u64,
    pub in_time: u64,
    /// Basis points; `None` without done requests.
    pub hit_rate_bp: Option<i64>,
    /// Business minutes from request to done.
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    pub reassignments: i64,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    pub total: Figure,
    pub by_type: Vec<Figure>,
    pub by_team: Vec<Figure>,
    pub by_tandem: Vec<Figure>,
}

/// Turnaround (median and p90, in business time) and SLA hit rate of the requests
/// done between `from` and `to` (inclusive), per type, inside team and tandem.
pub async fn figures(
    store: &Store,
    auth: &Auth,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> AppResult<Figures> {
    require(oversees(auth) || auth.user.role == Role::Inside)?;
    if to < from {
        return Err(Invalid::one("to", "before_from").into());
    }
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let cal = workspaces::get(&mut c.conn(), ws)
        .await?
        .calendar
        .calendar();
    let start = |d: jiff::civil::Date| {
        d.to_zoned(cal.zone.clone())
            .map(|z| Instant(z.timestamp().as_millisecond()))
            .unwrap_or_default()
    };
    let end = to.tomorrow().map(start).unwrap_or(Instant(i64::MAX));
    let done = requests::done_between(&mut c.conn(), ws, start(from), end).await?;
    let types = requests::types(&mut c.conn(), ws).await?;
    let everyone = users::list(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    let pairs = tandems::list(&mut c.conn(), ws).await?;
    let figure = |name: String, rows: Vec<&requests::Closed>| {
        let times: Vec<SignedDuration> = rows
            .iter()
            .map(|r| {
                cal.between(
                    Instant(r.started_at).timestamp(),
                    Instant(r.closed_at).timestamp(),
                )
            })
            .collect();
        let in_time = rows.iter().filter(|r| r.in_time == Some(true)).count() as u64;
        let t = handoff::turnaround(times);
        Figure {
            name,
            done: rows.len() as u64,
            in_time,
            hit_rate_bp: handoff::hit_rate(in_time, rows.len() as u64),
            median_minutes: t.map(|t| t.0.as_mins()),
            p90_minutes: t.map(|t| t.1.as_mins()),
            reassignments: rows.iter().map(|r| r.reassignments).sum(),
        }
    };
    let team_of = |u: Option<uuid::Uuid>| {
        everyone
            .iter()
            .find(|x| Some(x.id.0) == u)
            .and_then(|x| x.team_id)
    };
    let mut by_type: Vec<Figure> = types
        .iter()
        .map(|t| {
            figure(
                t.data.name.clone(),
                done.iter().filter(|r| r.type_id == t.id.0).collect(),
            )
        })
        .collect();
    // Requests of types removed since count in the total only.
    by_type.retain(|f| f.done > 0);
    let mut by_team: Vec<Figure> = teams
        .iter()
        .map(|t| {
            figure(
                t.name.clone(),
                done.iter()
                    .filter(|r| team_of(r.assignee_id) == Some(t.id))
                    .collect(),
            )
        })
        .collect();
    by_team.retain(|f| f.done > 0);
    let mut by_tandem: Vec<Figure> = pairs
        .iter()
        .map(|p| {
            let t = &p.data.tandem;
            let rows = done
                .iter()
                .filter(|r| r.requester_id == t.field_id.0 || r.requester_id == t.inside_id.0)
                .collect();
            figure(format!("{} & {}", p.field_name, p.inside_name), rows)
        })
        .collect();
    by_tandem.retain(|f| f.done > 0);
    Ok(Figures {
        from,
        to,
        total: figure(String::new(), done.iter().collect()),
        by_type,
        by_team,
        by_tandem,
    })
}
