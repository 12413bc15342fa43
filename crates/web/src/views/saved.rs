//! Saving and deleting list views (the forms above every record list).

use super::{Form, see_other};
use crate::{
    AppState,
    auth::CurrentUser,
    error::{AppError, AppResult},
};
use axum::{
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use tandem_app::saved_views as svc;

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    list: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

fn list_path(list: &str) -> AppResult<&'static str> {
    svc::LISTS
        .iter()
        .find(|l| **l == list)
        .map(|l| match *l {
            "accounts" => "/accounts",
            "contacts" => "/contacts",
            _ => "/deals",
        })
        .ok_or(AppError::NotFound.into())
}

pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<SaveForm>,
) -> AppResult<Response> {
    let base = list_path(&f.list)?;
    svc::save(&state.store, &auth, &f.list, &f.name, &f.query).await?;
    let query = svc::clean_query(&f.query);
    let sep = if query.is_empty() { "" } else { "&" };
    Ok(see_other(&format!("{base}?{query}{sep}notice=view-saved")))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    list: String,
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DeleteForm>,
) -> AppResult<Response> {
    let base = list_path(&f.list)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other(&format!("{base}?notice=view-deleted")))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/views", post(save))
        .route("/views/{id}/delete", post(delete))
}
