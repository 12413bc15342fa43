//! What the deal page changes: stage moves with their exit criteria, win, lose or reopen, contacts.

use super::*;

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) stage_id: String,
    /// The board the move was made on (without JavaScript), to return to.
    #[serde(default)]
    pub(super) back: String,
}

/// Moves the deal to another stage: from the deal page's stage path, from a board
/// card's menu (returning to the board), or by drag and drop (`X-Requested-With:
/// fetch`: 204, or 422/409 with `{"message"}` in the user's language).
pub async fn move_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    headers: axum::http::HeaderMap,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let fetch = headers
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes() == b"fetch");
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.stage_id.parse::<StageId>() {
        Ok(stage) => svc::change(&state.store, &auth, id, version, |i| {
            i.stage_id = Some(stage);
            i.pipeline_id = None;
        })
        .await
        .map(|_| ()),
        Err(_) => Err(Invalid::one("stage_id", "unknown_stage").into()),
    };
    let board = form.back.starts_with("/board") && !form.back.contains("//");
    match result {
        Ok(()) if fetch => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(()) if board => {
            let sep = if form.back.contains('?') { '&' } else { '?' };
            Ok(see_other(&format!("{}{sep}notice=moved", form.back)))
        }
        Ok(()) => Ok(see_other(&format!("/deals/{id}?notice=moved"))),
        Err(e) if fetch => refused_message(&state, &auth, id, e).await,
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

/// A refused move as `{"message"}` for the board's script: what is missing to leave
/// the stage (422), or that someone else changed the deal first (409).
pub(super) async fn refused_message(
    state: &AppState,
    auth: &Auth,
    id: DealId,
    err: AppError,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, message) = match err {
        AppError::Invalid(Invalid(errors)) => {
            let deal = svc::get(&state.store, auth, id).await?;
            let missing: Vec<String> = errors.iter().map(|e| tr.error(e.code)).collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "{} {}",
                    tr.t1("deal-exit-refused", "stage", &deal.stage_name),
                    missing.join(", ")
                ),
            )
        }
        AppError::Conflict { .. } => (StatusCode::CONFLICT, tr.t("conflict-reload")),
        e => return Err(e.into()),
    };
    Ok((
        status,
        axum::Json(serde_json::json!({ "message": message })),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) lost_reason: String,
    #[serde(default)]
    pub(super) competitor: String,
}

/// Wins, loses or reopens the deal.
pub async fn close(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    Form(form): Form<CloseForm>,
) -> AppResult<Response> {
    let version = form.version.parse().unwrap_or(-1);
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let status = form.status.clone();
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.status = Some(status.clone());
        if status == "lost" {
            i.lost_reason = opt(&form.lost_reason);
            i.competitor = opt(&form.competitor).or(i.competitor.take());
        }
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) contact_id: String,
    #[serde(default)]
    pub(super) role: String,
}

/// Adds a contact with a role (or changes the role of one already on the deal).
pub async fn add_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let version = form.version.parse().unwrap_or(-1);
    let Ok(contact) = form.contact_id.parse::<ContactId>() else {
        return refused(
            &state,
            &auth,
            id,
            Invalid::one("contacts", "unknown_contact").into(),
        )
        .await;
    };
    let role = Some(form.role.clone());
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.contacts.retain(|c| c.contact_id != contact);
        i.contacts.push(DealContactInput {
            contact_id: contact,
            role,
        });
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn remove_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((id, contact)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let contact: ContactId = contact.parse().map_err(|_| AppError::NotFound)?;
    let version = form.version.parse().unwrap_or(-1);
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.contacts.retain(|c| c.contact_id != contact);
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}
