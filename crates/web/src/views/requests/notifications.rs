//! The notification centre and the notification settings.

use super::*;
use crate::extract::Id;

pub struct NoticeLine {
    pub id: String,
    pub at: String,
    pub title: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub(super) struct NotificationsPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) items: Vec<NoticeLine>,
    pub(super) unread: i64,
}

pub async fn notifications(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let items = notify::recent(&state.store, &auth)
        .await?
        .iter()
        .map(|n| NoticeLine {
            id: n.id.0.to_string(),
            at: tr.instant(&n.at),
            title: notify::title(&tr, n),
            unread: n.read_at.is_none(),
        })
        .collect();
    let unread = notify::unread(&state.store, &auth).await?;
    Ok(render(NotificationsPage {
        layout: Layout::new(&auth, "notifications", tr.t("notifications-title")),
        items,
        unread,
        tr,
    }))
}

/// The unread count for the bell (fetched by the page script).
pub async fn unread(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<serde_json::Value>> {
    let n = notify::unread(&state.store, &auth).await?;
    Ok(Json(serde_json::json!({ "unread": n })))
}

/// Opens a notification: marks it read and goes to its request.
pub async fn open_notification(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<tandem_domain::NotificationId>,
) -> AppResult<Response> {
    notify::mark_read(&state.store, &auth, Some(id)).await?;
    let target = notify::recent(&state.store, &auth)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .and_then(|n| match n.request_id {
            Some(r) => Some(format!("/requests/{}", r.0)),
            // Only paths of Tandem itself, never another site.
            None => n.data["path"]
                .as_str()
                .filter(|p| p.starts_with('/') && !p.starts_with("//"))
                .map(String::from),
        })
        .unwrap_or_else(|| "/notifications".to_string());
    Ok(see_other(&target))
}

pub async fn read_all(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    notify::mark_read(&state.store, &auth, None).await?;
    Ok(see_other("/notifications"))
}

#[derive(Template)]
#[template(path = "notification_prefs.html")]
pub(super) struct PrefsPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) prefs: Vec<(String, String, bool, bool)>,
}

pub async fn prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let prefs = notify::prefs(&state.store, &auth)
        .await?
        .into_iter()
        .map(|p| {
            let k = p.kind.as_str();
            (
                k.to_string(),
                tr.t(&format!("pref-{}", k.replace('_', "-"))),
                p.in_app,
                p.email,
            )
        })
        .collect();
    Ok(render(PrefsPage {
        layout: Layout::new(&auth, "profile", tr.t("prefs-title")).with_notice(n.notice.as_deref()),
        prefs,
        tr,
    }))
}

/// The preference form: `in_app` and `email` as repeated checkbox values (kinds).
pub async fn save_prefs(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let has = |channel: &str, k: Kind| pairs.iter().any(|(n, v)| n == channel && v == k.as_str());
    let prefs: Vec<Pref> = Kind::ALL
        .into_iter()
        .map(|kind| Pref {
            kind,
            in_app: has("in_app", kind),
            email: has("email", kind),
        })
        .collect();
    notify::set_prefs(&state.store, &auth, &prefs).await?;
    Ok(see_other("/profile/notifications?notice=saved"))
}
