//! `GET /me`: who the token or session belongs to.

use crate::{AppState, auth::CurrentUser, error::Problem};
use axum::Json;
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}
