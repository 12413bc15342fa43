//! Tandem's use cases, by feature: each function owns its transaction and its
//! permission checks, and the HTML pages, the JSON API, the job runner and the demo
//! generator call the same functions. Nothing here knows HTTP: errors are `AppError`,
//! which the web crate turns into problem+json and error pages in one place.

pub mod actor;
pub mod error;
pub mod i18n;
pub mod json;
pub mod mail;
pub mod passwords;
mod record;

pub use actor::{Auth, SessionInfo};
pub use error::{AppError, AppResult};

pub mod absences;
pub mod accounts;
pub mod activities;
pub mod auth;
pub mod campaigns;
pub mod contacts;
pub mod custom_fields;
pub mod dashboards;
pub mod deals;
pub mod duplicates;
pub mod events;
pub mod goals;
pub mod import_files;
pub mod import_rows;
pub mod imports;
pub mod interventions;
pub mod jobs;
pub mod leads;
pub mod metrics;
pub mod my_day;
pub mod notify;
pub mod pipelines;
pub mod price_lists;
pub mod products;
pub mod quotes;
pub mod reports;
pub mod requests;
pub mod saved_views;
pub mod search;
pub mod settings;
pub mod tandems;
pub mod tasks;
pub mod users;

pub fn require(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn require_admin(auth: &Auth) -> Result<(), AppError> {
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
pub fn checked_cursor(
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

/// For list pages in the browser: the cursor of a link if it still fits the sort, else
/// none (a stale or edited link starts again at the first page instead of failing).
pub fn page_cursor(cursor: Option<&str>, sort: &str) -> Option<String> {
    match checked_cursor(1, cursor, sort) {
        Ok(Some(_)) => cursor.map(str::to_string),
        _ => None,
    }
}

/// Applies a JSON merge patch to the current input of a record: returns the `version`
/// the client read and the merged input. Unknown fields are refused by name.
pub fn merge_patch<I: serde::Serialize + serde::de::DeserializeOwned>(
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
    Ok((version, crate::json::from_value(Value::Object(merged))?))
}

/// Whose records the caller sees, by the workspace's rule for the caller's role (worked
/// out once per request).
pub(crate) async fn seen(
    store: &tandem_store::Store,
    auth: &Auth,
) -> Result<tandem_store::Seen, AppError> {
    if let Some(s) = auth.seen.get() {
        return Ok(s.clone());
    }
    let mut c = store.read().await?;
    seen_on(&mut c.conn(), auth).await
}

/// [`seen`] on a connection the caller holds (a write transaction).
pub(crate) async fn seen_on(
    c: &mut tandem_store::Conn<'_>,
    auth: &Auth,
) -> Result<tandem_store::Seen, AppError> {
    use tandem_domain::role::Scope;
    use tandem_store::Seen;
    if let Some(s) = auth.seen.get() {
        return Ok(s.clone());
    }
    let ws = tandem_store::workspaces::get(c, auth.user.workspace_id).await?;
    let mut seen = match (ws.scope(auth.user.role), auth.user.team_id) {
        (Scope::All, _) => Seen::all(),
        (Scope::Own, _) | (Scope::Team, None) => Seen(Some(vec![auth.user.id])),
        (Scope::Team, Some(team)) => {
            let mut ids: Vec<_> = tandem_store::users::list(c, auth.user.workspace_id)
                .await?
                .into_iter()
                .filter(|u| u.team_id == Some(team))
                .map(|u| u.id)
                .collect();
            if !ids.contains(&auth.user.id) {
                ids.push(auth.user.id);
            }
            Seen(Some(ids))
        }
    };
    // A tandem works on the same customers: partners (and the deputy) see each other's.
    if let Some(ids) = seen.0.as_mut() {
        for t in tandem_store::tandems::list(c, auth.user.workspace_id).await? {
            let t = t.data.tandem;
            let members = [Some(t.field_id), Some(t.inside_id), t.deputy_id];
            if members.contains(&Some(auth.user.id)) {
                for m in members.into_iter().flatten() {
                    if !ids.contains(&m) {
                        ids.push(m);
                    }
                }
            }
        }
    }
    let _ = auth.seen.set(seen.clone());
    Ok(seen)
}

/// 404 unless the caller sees a record with these owners: an invisible record is
/// treated exactly like a missing one.
pub(crate) async fn ensure_sees(
    store: &tandem_store::Store,
    auth: &Auth,
    owners: &[Option<tandem_domain::UserId>],
) -> Result<(), AppError> {
    if seen(store, auth).await?.sees(owners) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// 404 unless the caller sees the account (records filed under an account share its
/// visibility; records without one are everybody's).
pub(crate) async fn ensure_sees_account(
    store: &tandem_store::Store,
    auth: &Auth,
    account: Option<tandem_domain::AccountId>,
) -> Result<(), AppError> {
    let Some(account) = account else {
        return Ok(());
    };
    let seen = seen(store, auth).await?;
    if seen.0.is_none() {
        return Ok(());
    }
    let mut c = store.read().await?;
    let a = tandem_store::accounts::get(&mut c.conn(), auth.user.workspace_id, account).await?;
    if seen.sees(&[a.data.owner_id]) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the caller sees records filed under `account` ([`ensure_sees_account`] on a
/// connection the caller holds).
pub(crate) async fn sees_account_on(
    c: &mut tandem_store::Conn<'_>,
    auth: &Auth,
    account: Option<tandem_domain::AccountId>,
) -> Result<bool, AppError> {
    let Some(account) = account else {
        return Ok(true);
    };
    let seen = seen_on(c, auth).await?;
    if seen.0.is_none() {
        return Ok(true);
    }
    let a = tandem_store::accounts::get(c, auth.user.workspace_id, account).await?;
    Ok(seen.sees(&[a.data.owner_id]))
}

/// The records a write refers to, as the writer sees them: a record that is deleted,
/// of another workspace or not visible to the writer is `None`, so that the write
/// refuses it with the same field error as an unknown id and reveals nothing (a field
/// rep could otherwise put a hidden company on his deal and read its name back).
pub(crate) struct References<'a> {
    auth: &'a Auth,
    seen: tandem_store::Seen,
}

impl<'a> References<'a> {
    pub(crate) async fn of(
        tx: &mut tandem_store::Tx,
        auth: &'a Auth,
    ) -> Result<References<'a>, AppError> {
        Ok(References {
            auth,
            seen: seen_on(&mut tx.conn(), auth).await?,
        })
    }

    pub(crate) async fn account(
        &self,
        tx: &mut tandem_store::Tx,
        id: tandem_domain::AccountId,
    ) -> Result<Option<tandem_store::accounts::Account>, AppError> {
        let ws = self.auth.user.workspace_id;
        Ok(
            live(tandem_store::accounts::get(&mut tx.conn(), ws, id).await)?
                .filter(|a| a.deleted_at.is_none() && self.seen.sees(&[a.data.owner_id])),
        )
    }

    /// A contact is seen with its company (one without a company by everybody).
    pub(crate) async fn contact(
        &self,
        tx: &mut tandem_store::Tx,
        id: tandem_domain::ContactId,
    ) -> Result<Option<tandem_store::contacts::Contact>, AppError> {
        let ws = self.auth.user.workspace_id;
        let Some(c) = live(tandem_store::contacts::get(&mut tx.conn(), ws, id).await)?
            .filter(|c| c.deleted_at.is_none())
        else {
            return Ok(None);
        };
        if let Some(account) = c.data.account_id {
            let a = live(tandem_store::accounts::get(&mut tx.conn(), ws, account).await)?;
            if !a.is_some_and(|a| self.seen.sees(&[a.data.owner_id])) {
                return Ok(None);
            }
        }
        Ok(Some(c))
    }

    pub(crate) async fn deal(
        &self,
        tx: &mut tandem_store::Tx,
        id: tandem_domain::DealId,
    ) -> Result<Option<tandem_store::deals::Deal>, AppError> {
        let ws = self.auth.user.workspace_id;
        Ok(
            live(tandem_store::deals::get(&mut tx.conn(), ws, id).await)?.filter(|d| {
                d.deleted_at.is_none()
                    && self.seen.sees(&[d.data.owner_id, d.data.inside_partner_id])
            }),
        )
    }
}

/// A record, none when it does not exist, or the store's error.
fn live<T>(found: Result<T, tandem_store::StoreError>) -> Result<Option<T>, AppError> {
    match found {
        Ok(r) => Ok(Some(r)),
        Err(tandem_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
