//! The discount guardrail: a quote over the limit needs the approval of a manager, asked for as a request with its own deadline.

use super::*;

/// Who approves a discount of `needed` for `owner`: a manager of the owner's team whose
/// own limit covers it, else any manager, else an admin (never the owner).
pub(super) async fn approver(
    tx: &mut Tx,
    auth: &Auth,
    owner: UserId,
    needed: i64,
    settings: &QuoteSettings,
) -> AppResult<Option<users::User>> {
    let ws = auth.user.workspace_id;
    let all = users::list(&mut tx.conn(), ws).await?;
    let owner_team = all.iter().find(|u| u.id == owner).and_then(|u| u.team_id);
    let able = |u: &&users::User| u.active && u.id != owner && settings.limit(u.role) >= needed;
    let pick = all
        .iter()
        .filter(able)
        .filter(|u| u.role == Role::Manager && u.team_id.is_some() && u.team_id == owner_team)
        .chain(all.iter().filter(able).filter(|u| u.role == Role::Manager))
        .chain(all.iter().filter(able).filter(|u| u.role == Role::Admin))
        .next()
        .cloned();
    Ok(pick)
}

pub async fn request_approval(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    note: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    crate::requests::types(store, auth).await?;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if q.status != Status::Draft {
        return Err(refused("status", "not_a_draft"));
    }
    if q.content.lines.is_empty() {
        return Err(refused("lines", "no_lines"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let owner = users::get(&mut tx.conn(), ws, q.owner_id).await?;
    let limit = settings.limit(owner.role);
    if quoting::clearance(q.discount_bp, limit, q.approved_bp) == Clearance::Clear {
        return Err(refused("discount", "approval_not_needed"));
    }
    let Some(who) = approver(&mut tx, auth, q.owner_id, q.discount_bp, &settings).await? else {
        return Err(refused("discount", "no_approver"));
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2_000) {
        return Err(Invalid::one("note", "too_long").into());
    }
    let kind = crate::requests::approval_type(&mut tx, auth).await?;
    let locale = auth.user.locale;
    let mut description = match locale {
        Locale::De => format!(
            "Angebot {} an {}: {} Rabatt (Grenze {}), {} netto.",
            q.number,
            q.account_name,
            format::percent(q.discount_bp, locale),
            format::percent(limit, locale),
            Money::new(q.net_minor, &q.content.currency).format(locale)
        ),
        Locale::En => format!(
            "Quote {} to {}: {} discount (limit {}), {} net.",
            q.number,
            q.account_name,
            format::percent(q.discount_bp, locale),
            format::percent(limit, locale),
            Money::new(q.net_minor, &q.content.currency).format(locale)
        ),
    };
    if let Some(n) = note {
        description.push_str("\n\n");
        description.push_str(n);
    }
    let cal = workspaces::get(&mut tx.conn(), ws)
        .await?
        .calendar
        .calendar();
    let r = crate::requests::open(
        &mut tx,
        auth,
        &cal,
        crate::requests::Opening {
            type_id: kind.id,
            assignee: Some(who.id),
            queue_team: None,
            account_id: Some(q.account_id),
            deal_id: q.deal_id,
            lead_id: None,
            description,
            route: "approver",
        },
        kind.data.clone(),
        now,
    )
    .await?;
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::AwaitingApproval),
            approval_request_id: Some(Some(r.id)),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "approval_requested",
        serde_json::json!({
            "discount_bp": q.discount_bp, "limit_bp": limit, "approver": who.name,
            "request_id": r.id.0, "note": note, "due": r.due_at.map(Instant::to_rfc3339),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The quotes that answer a request and are still in play (not declined or expired):
/// a further one is made only on purpose.
pub async fn live_quotes_for_request(
    store: &Store,
    auth: &Auth,
    request: RequestId,
) -> AppResult<Vec<Quote>> {
    let mut c = store.read().await?;
    let f = quotes::Filter {
        request_id: Some(request),
        ..quotes::Filter::default()
    };
    let found = quotes::list(&mut c.conn(), auth.user.workspace_id, &f, None, 20).await?;
    Ok(found
        .items
        .into_iter()
        .filter(|q| !matches!(q.status, Status::Declined | Status::Expired))
        .collect())
}

/// The approver's decision, with a comment (required when refusing).
pub async fn decide(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    approve: bool,
    comment: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    let ws = auth.user.workspace_id;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if !approve && comment.is_none() {
        return Err(Invalid::one("comment", "required").into());
    }
    if comment.is_some_and(|c| c.chars().count() > 2_000) {
        return Err(Invalid::one("comment", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, None).await?;
    if q.status != Status::AwaitingApproval {
        return Err(refused("status", "not_awaiting_approval"));
    }
    let approval = match q.approval_request_id {
        Some(r) => Some(request_store::get(&mut tx.conn(), ws, r).await?),
        None => None,
    };
    require(q.owner_id != auth.user.id && may_decide(auth, approval.as_ref()))?;
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(if approve {
                Status::Approved
            } else {
                Status::Draft
            }),
            approved_bp: Some(if approve {
                Some(q.discount_bp)
            } else {
                q.approved_bp
            }),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    if let Some(r) = approval.filter(|r| !r.status.is_closed()) {
        if let Some(c) = comment {
            request_store::add_event(
                &mut tx.conn(),
                ws,
                r.id,
                now,
                Some(auth.user.id),
                &tandem_domain::request::Event::Comment {
                    text: c.to_string(),
                },
            )
            .await?;
        }
        let extra = serde_json::json!({
            "decision": if approve { "approved" } else { "rejected" },
            "text": comment, "quote": q.number,
        });
        crate::requests::move_status(&mut tx, auth, &r, None, request::Status::Done, extra, now)
            .await?;
    }
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        if approve { "approved" } else { "rejected" },
        serde_json::json!({"discount_bp": q.discount_bp, "comment": comment}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
