//! Creating and changing leads, their engagement and their qualification.

use super::*;

/// Checks the ids a lead names: its campaign and its owner.
pub(super) async fn checked(tx: &mut Tx, auth: &Auth, input: &LeadInput) -> AppResult<LeadData> {
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
pub(super) async fn recorded(
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
pub(super) async fn stepped(
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
pub(super) async fn rescored(
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

pub(super) async fn engagement_in(
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
pub(super) async fn settle(
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
pub(super) async fn for_change(tx: &mut Tx, auth: &Auth, id: LeadId) -> AppResult<Lead> {
    let l = leads::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if !may_see(auth, &l) {
        return Err(AppError::NotFound);
    }
    require(may_manage(auth))?;
    Ok(l)
}

pub(super) fn conflict_unless(l: &Lead, version: Option<i64>) -> AppResult<()> {
    match version {
        Some(v) if v != l.version => Err(AppError::Conflict {
            current_version: l.version,
        }),
        _ => Ok(()),
    }
}

pub(super) fn refused(field: &str, code: &'static str) -> AppError {
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
