//! A quote goes out and comes back: sending (which completes the quote request), revisions, acceptance into an order (which wins the deal), declining and expiry.

use super::*;

/// Sends the quote: only within the guardrail or an approval. Freezes the revision and
/// completes the quote request it answers (its requester is told).
pub async fn send(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    match q.status {
        Status::Draft | Status::Approved => {}
        Status::AwaitingApproval => return Err(refused("status", "awaiting_approval")),
        _ => return Err(refused("status", "already_sent")),
    }
    if q.content.lines.is_empty() {
        return Err(refused("lines", "no_lines"));
    }
    if q.content.valid_until < format::local_date(now) {
        return Err(refused("valid_until", "in_the_past"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let owner = users::get(&mut tx.conn(), ws, q.owner_id).await?;
    let limit = settings
        .limit(owner.role)
        .max(settings.limit(auth.user.role));
    if quoting::clearance(q.discount_bp, limit, q.approved_bp) == Clearance::NeedsApproval {
        return Err(refused("discount", "approval_required"));
    }
    let today = format::local_date(now);
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Sent),
            quote_date: Some(today),
            sent_at: Some(Some(now)),
            ..Change::default()
        },
    )
    .await?;
    quotes::add_revision(
        &mut tx.conn(),
        ws,
        id,
        &quotes::Revision {
            revision: q.revision,
            quote_date: today,
            content: q.content.clone(),
            sent_at: now,
            sent_by: Some(auth.user.id),
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "sent",
        serde_json::json!({"revision": q.revision, "gross_minor": q.gross_minor}),
    )
    .await?;
    if let Some(rid) = q.request_id {
        let r = request_store::get(&mut tx.conn(), ws, rid).await?;
        if !r.status.is_closed() {
            request_store::add_event(
                &mut tx.conn(),
                ws,
                rid,
                now,
                Some(auth.user.id),
                &tandem_domain::request::Event::QuoteSent {
                    number: q.number.clone(),
                    quote_id: q.id,
                },
            )
            .await?;
            crate::requests::move_status(
                &mut tx,
                auth,
                &r,
                None,
                request::Status::Done,
                serde_json::json!({"quote": q.number}),
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(after)
}

/// A new revision of a sent (declined, expired) quote: a draft with the same content;
/// the sent one stays readable.
pub async fn revise(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if !q.status.can_revise() {
        return Err(refused("status", "cannot_revise"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let today = format::local_date(now);
    let mut content = q.content.clone();
    if content.valid_until < today {
        content.valid_until = today
            .checked_add(jiff::Span::new().days(settings.validity_days))
            .unwrap_or(today);
    }
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Draft),
            revision: Some(q.revision + 1),
            content: Some(&content),
            quote_date: Some(today),
            approved_bp: Some(None),
            approval_request_id: Some(None),
            sent_at: Some(None),
            closed_at: Some(None),
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
        "revised",
        serde_json::json!({"revision": [q.revision, q.revision + 1]}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// What the customer's acceptance brings: the delivery date and their order reference.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    pub version: Option<i64>,
    /// ISO date of the promised delivery.
    #[serde(default)]
    pub delivery_date: String,
    /// The customer's order number, if they gave one.
    pub customer_reference: Option<String>,
}

/// The customer accepted: the quote becomes an order with its own number, and its deal
/// is won with the order's net amount — all or nothing.
pub async fn accept(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    input: &Acceptance,
    now: Instant,
) -> AppResult<OrderRecord> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let today = format::local_date(now);
    let delivery = match tandem_domain::validation::date(input.delivery_date.trim()) {
        _ if input.delivery_date.trim().is_empty() => {
            return Err(Invalid::one("delivery_date", "required").into());
        }
        Ok(d) if d < today => return Err(Invalid::one("delivery_date", "in_the_past").into()),
        Ok(d) => d,
        Err(code) => return Err(Invalid::one("delivery_date", code).into()),
    };
    let reference = input
        .customer_reference
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_string();
    if reference.chars().count() > 100 {
        return Err(Invalid::one("customer_reference", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, input.version).await?;
    match q.status {
        Status::Sent if q.content.valid_until < today => {
            return Err(refused("valid_until", "quote_expired"));
        }
        Status::Sent => {}
        Status::Expired => return Err(refused("valid_until", "quote_expired")),
        Status::Accepted => return Err(refused("status", "already_accepted")),
        _ => return Err(refused("status", "not_sent")),
    }
    let settings = settings_in(&mut tx, auth).await?;
    let year = today.year();
    let seq = tandem_store::sequences::next(
        &mut tx.conn(),
        ws,
        "order",
        if settings.order_pattern.yearly() {
            i64::from(year)
        } else {
            0
        },
    )
    .await?;
    let number = settings.order_pattern.format(year, seq);
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Accepted),
            closed_at: Some(Some(now)),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    let order_id = OrderId::new();
    quotes::insert_order(
        &mut tx.conn(),
        ws,
        &NewOrder {
            id: order_id,
            number: &number,
            quote: &after,
            order_date: today,
            delivery_date: delivery,
            customer_reference: &reference,
            actor: auth.user.id,
        },
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "order",
        "orders",
        order_id.0,
        Action::Create,
        serde_json::json!({
            "number": [null, number], "quote_id": [null, q.id.0],
            "net_minor": [null, q.net_minor], "delivery_date": [null, delivery.to_string()],
        }),
    )
    .await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "accepted",
        serde_json::json!({"order": number, "delivery_date": delivery.to_string()}),
    )
    .await?;
    if let Some(deal) = q.deal_id {
        crate::deals::win_in(
            &mut tx,
            auth,
            deal,
            Money::new(q.net_minor, &q.content.currency),
        )
        .await?;
    }
    let order = quotes::get_order(&mut tx.conn(), ws, order_id).await?;
    tx.commit().await?;
    Ok(order)
}

pub async fn decline(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    reason: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 1_000) {
        return Err(Invalid::one("reason", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if q.status != Status::Sent {
        return Err(refused("status", "not_sent"));
    }
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Declined),
            closed_at: Some(Some(now)),
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
        "declined",
        serde_json::json!({"reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The job: sent quotes whose validity ended yesterday or earlier expire. Each quote
/// is a conditional write, so parallel runs expire it once.
pub async fn expire_due(store: &Store, now: Instant) -> AppResult<u32> {
    let today = format::local_date(now);
    let mut done = 0;
    let all = {
        let mut c = store.read().await?;
        tandem_store::workspaces::list(&mut c.conn()).await?
    };
    for ws in all {
        let due = {
            let mut c = store.read().await?;
            quotes::expired(&mut c.conn(), ws.id, today).await?
        };
        for q in due {
            let mut tx = store.begin().await?;
            let change = Change {
                status: Some(Status::Expired),
                closed_at: Some(Some(now)),
                ..Change::default()
            };
            match quotes::update(&mut tx.conn(), ws.id, q.id, q.version, &change).await {
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            let data = serde_json::json!({"valid_until": q.content.valid_until.to_string()});
            quotes::add_event(
                &mut tx.conn(),
                ws.id,
                q.id,
                now,
                None,
                "expired",
                q.revision,
                &data,
            )
            .await?;
            tandem_store::audit::record(
                &mut tx.conn(),
                tandem_store::audit::NewEntry {
                    workspace_id: ws.id,
                    entity: "quote",
                    entity_id: q.id.0,
                    action: Action::Update,
                    actor: None,
                    diff: &serde_json::json!({"status": ["sent", "expired"]}),
                },
            )
            .await?;
            tx.commit().await?;
            done += 1;
        }
    }
    Ok(done)
}
