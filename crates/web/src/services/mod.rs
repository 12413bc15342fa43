//! Services: each owns its transaction and its permission checks. The HTML pages and
//! the JSON API call the same functions.

pub mod accounts;
pub mod activities;
pub mod auth;
pub mod contacts;
pub mod deals;
pub mod jobs;
pub mod pipelines;
pub mod search;
pub mod settings;
pub mod tasks;
pub mod users;

use crate::{auth::Auth, error::AppError};

pub(crate) fn require(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub(crate) fn require_admin(auth: &Auth) -> Result<(), AppError> {
    require(auth.user.role.can_administer())
}

/// Writes the audit row of a change and announces it, in the changing transaction.
pub(crate) async fn record_change(
    tx: &mut tandem_store::Tx,
    auth: &Auth,
    entity: &'static str,
    topic: &str,
    id: uuid::Uuid,
    action: tandem_store::audit::Action,
    diff: serde_json::Value,
) -> Result<(), AppError> {
    let ws = auth.user.workspace_id;
    tandem_store::audit::record(
        &mut tx.conn(),
        tandem_store::audit::NewEntry {
            workspace_id: ws,
            entity,
            entity_id: id,
            action,
            actor: Some(auth.user.id),
            diff: &diff,
        },
    )
    .await?;
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: topic.to_string(),
        id: Some(id),
        actor: Some(auth.user.id),
    })
    .await?;
    Ok(())
}

/// A validated list request: page size and cursor checked against the sort.
pub(crate) fn checked_cursor(
    limit: u64,
    cursor: Option<&str>,
    sort: &str,
) -> Result<Option<tandem_domain::cursor::Cursor>, AppError> {
    if !(1..=accounts::MAX_LIMIT).contains(&limit) {
        return Err(tandem_domain::Invalid::one("limit", "out_of_range").into());
    }
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(raw) => match tandem_domain::cursor::Cursor::decode(raw) {
            Some(c) if c.s == sort => Ok(Some(c)),
            _ => Err(tandem_domain::Invalid::one("cursor", "invalid_cursor").into()),
        },
    }
}

/// Applies a JSON merge patch to the current input of a record: returns the `version`
/// the client read and the merged input. Unknown fields are refused by name.
pub(crate) fn merge_patch<I: serde::Serialize + serde::de::DeserializeOwned>(
    current: &I,
    mut patch: serde_json::Map<String, serde_json::Value>,
) -> Result<(i64, I), AppError> {
    use serde_json::Value;
    let version = match patch.remove("version") {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
        Some(_) => return Err(tandem_domain::Invalid::one("version", "invalid_type").into()),
        None => return Err(tandem_domain::Invalid::one("version", "required").into()),
    };
    let mut merged = match serde_json::to_value(current) {
        Ok(Value::Object(m)) => m,
        _ => return Err(AppError::Internal("record did not serialise".into())),
    };
    for (k, v) in patch {
        if !merged.contains_key(&k) {
            return Err(tandem_domain::Invalid::one(k, "unknown_field").into());
        }
        merged.insert(k, v);
    }
    Ok((
        version,
        crate::api::json::from_value(Value::Object(merged))?,
    ))
}
