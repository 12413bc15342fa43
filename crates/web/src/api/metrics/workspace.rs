//! The workspace's KPI settings through the API.

use super::*;

#[derive(Serialize, ToSchema)]
pub struct WorkspaceSettingsOut {
    pub name: String,
    /// Activity figures of a person are visible to that person only (and as totals of
    /// at least three people); managers see outcomes.
    pub trust_mode: bool,
    /// Contacts not verified for longer than this count as stale.
    pub contact_stale_days: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettingsWrite {
    pub(super) trust_mode: Option<bool>,
    pub(super) contact_stale_days: Option<i64>,
}

pub(super) fn settings_out(w: tandem_store::workspaces::Workspace) -> WorkspaceSettingsOut {
    WorkspaceSettingsOut {
        name: w.name,
        trust_mode: w.trust_mode,
        contact_stale_days: w.contact_stale_days,
    }
}

#[utoipa::path(get, path = "/workspace/settings", tag = "workspace",
    responses((status = 200, body = WorkspaceSettingsOut)))]
pub(super) async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<WorkspaceSettingsOut>> {
    Ok(Json(settings_out(
        settings::workspace(&state.store, &auth).await?,
    )))
}

/// Change the workspace settings (admins).
#[utoipa::path(patch, path = "/workspace/settings", tag = "workspace", request_body = WorkspaceSettingsWrite,
    responses((status = 200, body = WorkspaceSettingsOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn patch_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(body): ApiJson<WorkspaceSettingsWrite>,
) -> AppResult<Json<WorkspaceSettingsOut>> {
    if let Some(days) = body.contact_stale_days {
        settings::set_contact_stale_days(&state.store, &auth, days).await?;
    }
    if let Some(on) = body.trust_mode {
        settings::set_trust_mode(&state.store, &auth, on).await?;
    }
    if body.contact_stale_days.is_none() && body.trust_mode.is_none() {
        tandem_app::require(auth.user.role.can_administer())?;
    }
    Ok(Json(settings_out(
        settings::workspace(&state.store, &auth).await?,
    )))
}
