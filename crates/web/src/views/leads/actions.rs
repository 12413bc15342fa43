//! What the lead page changes: the lead's fields and answers, the handoff, accepting or rejecting, the trash.

use super::*;

/// A refused action: the lead page again with the messages, in the right box.
/// A refused decision: the page again with the reason, and what was typed kept.
pub(super) async fn refused_decision(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    typed: DecisionForm,
) -> AppResult<Response> {
    refused_with(state, auth, id, e, None, true, typed).await
}

pub(super) async fn refused(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    edit: Option<LeadFields>,
    decision: bool,
) -> AppResult<Response> {
    refused_with(state, auth, id, e, edit, decision, DecisionForm::default()).await
}

pub(super) async fn refused_with(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    edit: Option<LeadFields>,
    decision: bool,
    typed: DecisionForm,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, invalid) = match e {
        AppError::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, i),
        AppError::InUse(i) => (StatusCode::CONFLICT, i),
        AppError::Conflict { .. } => (StatusCode::CONFLICT, Invalid::one("version", "stale")),
        e => return Err(e.into()),
    };
    let errors = FormErrors::from_invalid(&invalid, tr);
    let (edit_errors, decision_errors) = if decision {
        (FormErrors::default(), errors)
    } else {
        (errors, FormErrors::default())
    };
    let mut page = show_page(state, auth, id, edit, edit_errors, decision_errors).await?;
    if decision {
        page.alerts = invalid.0.iter().map(|f| page.alert(f)).collect();
        for (value, _, selected) in page.reasons.iter_mut() {
            *selected = *value == typed.reason;
        }
        page.typed = typed;
    }
    if status == StatusCode::CONFLICT {
        page.layout.notice = invalid
            .0
            .first()
            .map(|f| tr.error(f.code))
            .unwrap_or_default();
    }
    Ok(render_with(status, page))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(form): Form<LeadFields>,
) -> AppResult<Response> {
    let current = svc::get(&state.store, &auth, id).await?;
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.input(current.data.to_input()) {
        Ok(input) => svc::update(&state.store, &auth, id, version, &input, state.store.now())
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, Some(form), false).await,
    }
}

/// The qualification answers (`answer.<key>` fields).
pub async fn answers(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let current = svc::get(&state.store, &auth, id).await?;
    let mut input = current.data.to_input();
    let mut answers = BTreeMap::new();
    let mut version = current.version;
    for (k, v) in pairs {
        if let Some(key) = k.strip_prefix("answer.") {
            answers.insert(key.to_string(), v);
        } else if k == "version" {
            version = v.parse().unwrap_or(-1);
        }
    }
    // Answers of criteria no longer asked for stay as they were.
    for (k, v) in answers {
        input.answers.insert(k, v);
    }
    input.answers.retain(|_, v| !v.trim().is_empty());
    match svc::update(&state.store, &auth, id, version, &input, state.store.now()).await {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, None, false).await,
    }
}

#[derive(Deserialize, Default)]
pub struct VersionForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) status: String,
}

pub async fn handoff(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    match svc::handoff(
        &state.store,
        &auth,
        id,
        f.version.parse().ok(),
        state.store.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=handed-over"))),
        // What the gate misses: shown by the lead's page, not at the POST address.
        Err(AppError::Invalid(_)) => Ok(see_other(&format!("/leads/{id}?refused=handoff"))),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let next = Status::parse(&f.status).ok_or_else(|| AppError::BadRequest("status".into()))?;
    match svc::set_status(
        &state.store,
        &auth,
        id,
        f.version.parse().ok(),
        next,
        state.store.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

#[derive(Deserialize)]
pub struct EngagementForm {
    #[serde(default)]
    kind: String,
}

/// Marketing logs what a lead did (a webinar attended, a download): it counts towards
/// the score as the policy says, and may make the lead an MQL.
pub async fn engage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(f): Form<EngagementForm>,
) -> AppResult<Response> {
    let result = match tandem_domain::lead::Engagement::parse(&f.kind) {
        Some(kind) => {
            svc::engage(&state.store, &auth, id, kind, None, None, state.store.now()).await
        }
        None => Err(Invalid::one("kind", "invalid_choice").into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=logged"))),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct DecisionForm {
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) comment: String,
    #[serde(default)]
    pub(super) deal_title: String,
    #[serde(default)]
    pub(super) amount: String,
}

pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let amount = match f.amount.trim() {
        "" => None,
        a => match parse_amount(a, "EUR", auth.user.locale) {
            Some(minor) => Some(Money::new(minor, "EUR")),
            None => {
                let e = Invalid::one("amount", "invalid_amount").into();
                return refused_decision(&state, &auth, id, e, f).await;
            }
        },
    };
    let input = svc::AcceptInput {
        deal_title: Some(f.deal_title.clone()).filter(|t| !t.trim().is_empty()),
        amount,
        ..svc::AcceptInput::default()
    };
    match svc::accept(&state.store, &auth, id, &input, state.store.now()).await {
        Ok(a) => Ok(see_other(&format!("/deals/{}?notice=created", a.deal_id))),
        Err(e) => refused_decision(&state, &auth, id, e, f).await,
    }
}

pub async fn reject(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let reason = Some(f.reason.as_str()).filter(|r| !r.is_empty());
    match svc::reject(
        &state.store,
        &auth,
        id,
        reason,
        &f.comment,
        state.store.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=lead-rejected"))),
        Err(e) => refused_decision(&state, &auth, id, e, f).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
) -> AppResult<Response> {
    match svc::delete(&state.store, &auth, id).await {
        Ok(()) => Ok(see_other("/leads?notice=deleted")),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}
