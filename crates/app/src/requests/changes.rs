//! Everything that moves a request: asking, taking over, answering, handing on, reassigning, completing, withdrawing, commenting.

use super::*;

pub(super) async fn event(
    tx: &mut Tx,
    ws: WorkspaceId,
    id: RequestId,
    now: Instant,
    actor: Option<UserId>,
    event: Event,
) -> AppResult<()> {
    requests::add_event(&mut tx.conn(), ws, id, now, actor, &event).await?;
    Ok(())
}

/// One change of a request: its timeline entry, the audit row and the
/// live event — by `auth`, or by the system (a job) with `None`.
pub(super) async fn recorded(
    tx: &mut Tx,
    ws: WorkspaceId,
    auth: Option<&Auth>,
    id: RequestId,
    now: Instant,
    what: Event,
    diff: serde_json::Value,
) -> AppResult<()> {
    event(tx, ws, id, now, auth.map(|a| a.user.id), what).await?;
    match auth {
        Some(auth) => {
            record_change(tx, auth, "request", "requests", id.0, Action::Update, diff).await
        }
        None => record_system(tx, ws, id, diff).await,
    }
}

/// Audit row and live event of a change made by the system (a job), not a person.
pub(super) async fn record_system(
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
pub(super) async fn visible(tx: &mut Tx, auth: &Auth, id: RequestId) -> AppResult<StoredRequest> {
    let r = requests::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if may_see(auth, &r) {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

/// A person's change: written if the request still has the version they read (the
/// stored one when they sent none), else 409 with the current version.
pub(super) async fn write_versioned(
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
        Event::Created {
            route: o.route.into(),
            assignee: r.assignee_name.clone(),
            due: r.due_at.map(Instant::to_rfc3339),
        },
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
pub(super) async fn tell(
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
pub(super) fn clock_change(
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
    let after = set_status_in(&mut tx, auth, r, version, next, now).await?;
    tx.commit().await?;
    Ok(after)
}

async fn set_status_in(
    tx: &mut Tx,
    auth: &Auth,
    r: StoredRequest,
    version: Option<i64>,
    next: Status,
    now: Instant,
) -> AppResult<StoredRequest> {
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
    move_status(tx, auth, &r, version, next, serde_json::json!({}), now).await
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
    let what = Event::Status {
        from: r.status.as_str().into(),
        to: next.as_str().into(),
        due: after.due_at.map(Instant::to_rfc3339),
    };
    recorded(
        tx,
        ws,
        Some(auth),
        id,
        now,
        what,
        serde_json::json!({
            "status": [r.status.as_str(), next.as_str()],
            "due_at": [r.due_at.map(Instant::to_rfc3339), after.due_at.map(Instant::to_rfc3339)],
        }),
    )
    .await?;
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
        Event::Claimed {
            assignee: after.assignee_name.clone(),
        },
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
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    let after = reassign_in(&mut tx, auth, r, version, to, now).await?;
    tx.commit().await?;
    Ok(after)
}

async fn reassign_in(
    tx: &mut Tx,
    auth: &Auth,
    r: StoredRequest,
    version: Option<i64>,
    to: Option<UserId>,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let id = r.id;
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
    write_versioned(tx, ws, &r, version, &change, now).await?;
    let after = requests::get(&mut tx.conn(), ws, id).await?;
    recorded(
        tx,
        ws,
        Some(auth),
        id,
        now,
        Event::Reassigned {
            reason: "hand_over".into(),
            from: r.assignee_name.clone(),
            to: after.assignee_name.clone(),
            absence: None,
        },
        serde_json::json!({
            "assignee_id": [r.assignee_id, to],
        }),
    )
    .await?;
    tell(
        tx,
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
    let mut tx = store.begin().await?;
    let r = visible(&mut tx, auth, id).await?;
    let after = set_description_in(&mut tx, auth, r, version, text, now).await?;
    tx.commit().await?;
    Ok(after)
}

async fn set_description_in(
    tx: &mut Tx,
    auth: &Auth,
    r: StoredRequest,
    version: Option<i64>,
    text: &str,
    now: Instant,
) -> AppResult<StoredRequest> {
    let ws = auth.user.workspace_id;
    let id = r.id;
    let text = request::description(text)?;
    require(r.requester_id == auth.user.id || oversees(auth))?;
    if r.status.is_closed() {
        return Err(Invalid::one("description", "closed").into());
    }
    let change = Change {
        description: Some(text.clone()),
        ..Change::default()
    };
    write_versioned(tx, ws, &r, version, &change, now).await?;
    recorded(
        tx,
        ws,
        Some(auth),
        id,
        now,
        Event::Description {},
        serde_json::json!({
            "description": [r.description, text],
        }),
    )
    .await?;
    Ok(requests::get(&mut tx.conn(), ws, id).await?)
}

/// A change through the API (description, assignee, status) in one transaction: when
/// one part is refused, nothing is changed.
pub async fn change(
    store: &Store,
    auth: &Auth,
    id: RequestId,
    c: tandem_domain::request::RequestChange,
    now: Instant,
) -> AppResult<StoredRequest> {
    let status = match c.status.as_deref() {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| Invalid::one("status", "invalid_choice"))?),
    };
    let mut tx = store.begin().await?;
    let mut r = visible(&mut tx, auth, id).await?;
    let mut version = c.version;
    if let Some(text) = c.description {
        r = set_description_in(&mut tx, auth, r, Some(version), &text, now).await?;
        version = r.version;
    }
    if let Some(to) = c.assignee_id {
        r = reassign_in(&mut tx, auth, r, Some(version), to, now).await?;
        version = r.version;
    }
    if let Some(next) = status {
        r = set_status_in(&mut tx, auth, r, Some(version), next, now).await?;
    }
    tx.commit().await?;
    Ok(r)
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
        Event::Comment { text: text.clone() },
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
        event(
            &mut tx,
            ws,
            id,
            now,
            Some(auth.user.id),
            Event::Status {
                from: Status::Waiting.as_str().into(),
                to: Status::InProgress.as_str().into(),
                due: after.due_at.map(Instant::to_rfc3339),
            },
        )
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
