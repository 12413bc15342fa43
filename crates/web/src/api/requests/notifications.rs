//! Notifications and their preferences through the API.

use super::*;
use crate::extract::Id;

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: uuid::Uuid,
    pub at: String,
    pub kind: String,
    /// The message, in the user's language.
    pub title: String,
    pub request_id: Option<uuid::Uuid>,
    /// The page to open.
    pub link: Option<String>,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationOut>,
}

/// The caller's newest notifications (50) and how many are unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    responses((status = 200, body = NotificationList)))]
pub(super) async fn list_notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<NotificationList>> {
    let tr = crate::i18n::Tr::new(auth.user.locale);
    let items = notify::recent(&state.store, &auth).await?;
    let unread = notify::unread(&state.store, &auth).await?;
    Ok(Json(NotificationList {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationOut {
                id: n.id.0,
                at: n.at.to_rfc3339(),
                kind: n.kind.as_str().into(),
                title: notify::title(&tr, &n),
                request_id: n.request_id.map(|r| r.0),
                link: n.request_id.map(|r| format!("/requests/{}", r.0)),
                read: n.read_at.is_some(),
            })
            .collect(),
    }))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub(super) async fn read_notification(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<NotificationId>,
) -> AppResult<StatusCode> {
    notify::mark_read(&state.store, &auth, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all notifications read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications",
    responses((status = 204)))]
pub(super) async fn read_all_notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<StatusCode> {
    notify::mark_read(&state.store, &auth, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where the caller wants to hear about one kind of event.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefOut {
    /// `request_assigned`, `request_reassigned`, `request_status`, `request_comment`,
    /// `request_reminder`, `request_escalated`
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefList {
    pub items: Vec<PrefOut>,
}

pub(super) fn prefs_out(prefs: Vec<Pref>) -> PrefList {
    PrefList {
        items: prefs
            .into_iter()
            .map(|p| PrefOut {
                kind: p.kind.as_str().into(),
                in_app: p.in_app,
                email: p.email,
            })
            .collect(),
    }
}

/// The caller's notification preferences, one per kind.
#[utoipa::path(get, path = "/notification-preferences", tag = "notifications",
    responses((status = 200, body = PrefList)))]
pub(super) async fn get_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<PrefList>> {
    Ok(Json(prefs_out(notify::prefs(&state.store, &auth).await?)))
}

/// Replace the caller's preferences; kinds left out keep their defaults.
#[utoipa::path(put, path = "/notification-preferences", tag = "notifications",
    request_body = PrefList,
    responses((status = 200, body = PrefList), (status = 422, body = Problem)))]
pub(super) async fn put_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(body): ApiJson<PrefList>,
) -> AppResult<Json<PrefList>> {
    let mut prefs = vec![];
    for (i, p) in body.items.iter().enumerate() {
        let kind = Kind::parse(&p.kind)
            .ok_or_else(|| Invalid::one(format!("items[{i}].kind"), "invalid_choice"))?;
        if prefs.iter().any(|x: &Pref| x.kind == kind) {
            return Err(Invalid::one(format!("items[{i}].kind"), "duplicate").into());
        }
        prefs.push(Pref {
            kind,
            in_app: p.in_app,
            email: p.email,
        });
    }
    Ok(Json(prefs_out(
        notify::set_prefs(&state.store, &auth, &prefs).await?,
    )))
}
