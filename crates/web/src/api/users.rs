//! Who is calling (`/me`), and the users and teams of the workspace.

use crate::{
    AppState,
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: uuid::Uuid,
    pub workspace_id: uuid::Uuid,
    pub email: String,
    pub name: String,
    /// admin, manager, field, inside, marketing or read_only
    pub role: String,
    pub team_id: Option<uuid::Uuid>,
    /// de or en
    pub locale: String,
}

#[utoipa::path(get, path = "/me", tag = "users",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(CurrentUser(auth): CurrentUser) -> Json<Me> {
    let u = auth.user;
    Json(Me {
        id: u.id.0,
        workspace_id: u.workspace_id.0,
        email: u.email,
        name: u.name,
        role: u.role.as_str().into(),
        team_id: u.team_id.map(|t| t.0),
        locale: u.locale.as_str().into(),
    })
}

/// A colleague in the workspace (for owners and assignments).
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    /// admin, manager, field, inside, marketing or read_only
    pub role: String,
    pub team_id: Option<uuid::Uuid>,
    pub team_name: Option<String>,
    pub active: bool,
}

/// The users of the workspace, by name.
#[utoipa::path(get, path = "/users", tag = "users",
    responses((status = 200, body = Vec<UserOut>), (status = 401, body = Problem)))]
async fn list_users(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Vec<UserOut>>> {
    let users = tandem_app::users::list(&state.store, &auth).await?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserOut {
                id: u.id.0,
                name: u.name,
                email: u.email,
                role: u.role.as_str().into(),
                team_id: u.team_id.map(|t| t.0),
                team_name: u.team_name,
                active: u.active,
            })
            .collect(),
    ))
}

/// A team of the workspace.
#[derive(Serialize, ToSchema)]
pub struct TeamOut {
    pub id: uuid::Uuid,
    pub name: String,
    pub members: i64,
}

/// The teams of the workspace, by name.
#[utoipa::path(get, path = "/teams", tag = "users",
    responses((status = 200, body = Vec<TeamOut>), (status = 401, body = Problem)))]
async fn list_teams(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Json<Vec<TeamOut>>> {
    let teams = tandem_app::users::teams(&state.store, &auth).await?;
    Ok(Json(
        teams
            .into_iter()
            .map(|t| TeamOut {
                id: t.id.0,
                name: t.name,
                members: t.members,
            })
            .collect(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_users))
        .routes(routes!(list_teams))
}
