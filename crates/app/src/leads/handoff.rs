//! The handoff of a lead to the field and the field's decision on it: accept into account, contact and deal, or reject with a reason.

use super::*;

/// The field reps in turn order for round robin: whoever got a lead longest ago (or
/// never) first, then by name.
pub(super) async fn reps_in_turn(tx: &mut Tx, auth: &Auth) -> AppResult<Vec<users::User>> {
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
    if !l.status.open_for_handoff() {
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

pub(super) fn handoff_text(auth: &Auth, l: &Lead, score: i64, s: &LeadSettings) -> String {
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
pub(super) async fn for_decision(tx: &mut Tx, auth: &Auth, id: LeadId) -> AppResult<Lead> {
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

pub(super) fn waited(l: &Lead, now: Instant) -> i64 {
    l.handed_over_at.map_or(0, |t| (now.0 - t.0).max(0))
}

/// Closes the lead's acceptance request with the decision (its requester is told).
pub(super) async fn close_request(
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
pub(super) async fn existing_account(
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

pub(super) fn account_input(l: &Lead) -> AccountInput {
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
pub(super) async fn with_default_pipeline(
    tx: &mut Tx,
    auth: &Auth,
    mut d: DealInput,
) -> AppResult<DealInput> {
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
