//! What happens to a quote through the API: approval, decision, sending, revision, acceptance, declining.

use super::*;
use crate::extract::Id;

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The version read; a stale one gets 409.
    pub(super) version: Option<i64>,
    /// A note for the approver (approval requests) or the reason (declines).
    pub(super) note: Option<String>,
}

/// Ask for approval of a discount above the caller's guardrail: a request with its own
/// deadline goes to the approver (team manager, else sales manager).
#[utoipa::path(post, path = "/quotes/{id}/approval", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn request_approval(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::request_approval(
        &state.store,
        &auth,
        id,
        a.version,
        a.note.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approve` or `reject`
    pub(super) decision: String,
    /// Required when rejecting.
    pub(super) comment: Option<String>,
}

/// The approver approves or rejects, with a comment.
#[utoipa::path(post, path = "/quotes/{id}/approval/decision", tag = "quotes",
    params(("id" = uuid::Uuid, Path)), request_body = Decision,
    responses((status = 200, body = QuoteOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn decide(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(d): ApiJson<Decision>,
) -> AppResult<Json<QuoteOut>> {
    let approve = match d.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(Invalid::one("decision", "invalid_choice").into()),
    };
    let q = svc::decide(
        &state.store,
        &auth,
        id,
        approve,
        d.comment.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}

/// Send the quote (within the guardrail or approved): the revision is frozen and the
/// quote request it answers is completed.
#[utoipa::path(post, path = "/quotes/{id}/send", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(super) async fn send(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::send(&state.store, &auth, id, a.version, state.store.now()).await?;
    Ok(Json(q.into()))
}

/// Make a new revision of a sent, declined or expired quote (a draft again).
#[utoipa::path(post, path = "/quotes/{id}/revisions", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(super) async fn revise(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::revise(&state.store, &auth, id, a.version, state.store.now()).await?;
    Ok(Json(q.into()))
}

/// The customer accepted: an order with its own number; the deal is won.
#[utoipa::path(post, path = "/quotes/{id}/accept", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Acceptance,
    responses((status = 201, body = OrderOut, headers(("Location" = String))),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Acceptance>,
) -> AppResult<Response> {
    let o = svc::accept(&state.store, &auth, id, &a, state.store.now()).await?;
    Ok(list::created(
        &format!("/api/v1/orders/{}", o.id.0),
        OrderOut::from(o),
    ))
}

/// The customer declined (`note`: the reason).
#[utoipa::path(post, path = "/quotes/{id}/decline", tag = "quotes", params(("id" = uuid::Uuid, Path)),
    request_body = Action,
    responses((status = 200, body = QuoteOut), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(super) async fn decline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    ApiJson(a): ApiJson<Action>,
) -> AppResult<Json<QuoteOut>> {
    let q = svc::decline(
        &state.store,
        &auth,
        id,
        a.version,
        a.note.as_deref(),
        state.store.now(),
    )
    .await?;
    Ok(Json(q.into()))
}
