//! Saved list views: a user names the filters, sort and columns of a list to return
//! to them with one click.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
};
use tandem_domain::Invalid;
use tandem_store::{
    Store,
    saved_views::{self, SavedView},
};

/// The lists that know saved views.
pub const LISTS: [&str; 3] = ["accounts", "contacts", "deals"];

pub async fn list(store: &Store, auth: &Auth, list: &str) -> AppResult<Vec<SavedView>> {
    let mut c = store.read().await?;
    Ok(saved_views::list(&mut c.conn(), auth.user.workspace_id, auth.user.id, list).await?)
}

/// The part of a list's query string worth saving: without the page and notices.
pub fn clean_query(raw: &str) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, v)| !matches!(k.as_ref(), "cursor" | "notice") && !v.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// Saves the view (a view of the same name is replaced).
pub async fn save(
    store: &Store,
    auth: &Auth,
    list: &str,
    name: &str,
    query: &str,
) -> AppResult<()> {
    let name = name.trim();
    let mut errors = vec![];
    if !LISTS.contains(&list) {
        errors.push(tandem_domain::FieldError::new("list", "invalid_choice"));
    }
    if name.is_empty() {
        errors.push(tandem_domain::FieldError::new("name", "required"));
    } else if name.chars().count() > 80 {
        errors.push(tandem_domain::FieldError::new("name", "too_long"));
    }
    if query.len() > 2000 {
        errors.push(tandem_domain::FieldError::new("query", "too_long"));
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut tx = store.begin().await?;
    saved_views::save(
        &mut tx.conn(),
        auth.user.workspace_id,
        auth.user.id,
        list,
        name,
        &clean_query(query),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes one of the user's own views.
pub async fn delete(store: &Store, auth: &Auth, id: uuid::Uuid) -> AppResult<()> {
    let mut tx = store.begin().await?;
    saved_views::delete(&mut tx.conn(), auth.user.workspace_id, auth.user.id, id)
        .await
        .map_err(|e| match e {
            tandem_store::StoreError::NotFound => AppError::NotFound,
            e => e.into(),
        })?;
    tx.commit().await?;
    Ok(())
}
