//! Workspace settings (admins).

use crate::{
    actor::Auth,
    error::AppResult,
    {record_change, require_admin},
};
use tandem_domain::Invalid;
use tandem_store::{Store, audit::Action, workspaces};

pub async fn workspace(store: &Store, auth: &Auth) -> AppResult<workspaces::Workspace> {
    let mut c = store.read().await?;
    Ok(workspaces::get(&mut c.conn(), auth.user.workspace_id).await?)
}

/// After how many days contact data counts as stale: 1 to 3650.
pub async fn set_contact_stale_days(store: &Store, auth: &Auth, days: i64) -> AppResult<()> {
    require_admin(auth)?;
    if !(1..=3650).contains(&days) {
        return Err(Invalid::one("contact_stale_days", "out_of_range").into());
    }
    let before = workspace(store, auth).await?;
    let mut tx = store.begin().await?;
    workspaces::set_contact_stale_days(&mut tx.conn(), auth.user.workspace_id, days).await?;
    let diff = serde_json::json!({"contact_stale_days": [before.contact_stale_days, days]});
    audited(&mut tx, auth, diff).await?;
    tx.commit().await?;
    Ok(())
}

/// Trust mode: a person's activity figures are that person's alone.
pub async fn set_trust_mode(store: &Store, auth: &Auth, on: bool) -> AppResult<()> {
    require_admin(auth)?;
    let before = workspace(store, auth).await?;
    let mut tx = store.begin().await?;
    workspaces::set_trust_mode(&mut tx.conn(), auth.user.workspace_id, on).await?;
    audited(
        &mut tx,
        auth,
        serde_json::json!({"trust_mode": [before.trust_mode, on]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Which records each role sees (own, team or all). Roles not given keep their scope.
pub async fn set_visibility(
    store: &Store,
    auth: &Auth,
    scopes: &[(tandem_domain::Role, tandem_domain::role::Scope)],
) -> AppResult<()> {
    require_admin(auth)?;
    let before = workspace(store, auth).await?;
    let all: Vec<_> = tandem_domain::Role::ALL
        .iter()
        .map(|r| {
            let scope = scopes
                .iter()
                .find(|(x, _)| x == r)
                .map_or_else(|| before.scope(*r), |(_, s)| *s);
            (*r, scope)
        })
        .collect();
    let mut diff = serde_json::Map::new();
    for (role, scope) in &all {
        let old = before.scope(*role);
        if old != *scope {
            diff.insert(
                format!("visibility.{}", role.as_str()),
                serde_json::json!([old.as_str(), scope.as_str()]),
            );
        }
    }
    let mut tx = store.begin().await?;
    workspaces::set_visibility(&mut tx.conn(), auth.user.workspace_id, &all).await?;
    audited(&mut tx, auth, serde_json::Value::Object(diff)).await?;
    tx.commit().await?;
    Ok(())
}

/// The workspace's business calendar (admins): working hours, Land, closure days.
pub async fn set_calendar(
    store: &Store,
    auth: &Auth,
    input: &tandem_domain::calendar::SettingsInput,
) -> AppResult<tandem_domain::calendar::Settings> {
    require_admin(auth)?;
    let settings = input.validate()?;
    let before = workspace(store, auth).await?;
    let mut tx = store.begin().await?;
    workspaces::set_calendar(&mut tx.conn(), auth.user.workspace_id, &settings).await?;
    let diff = serde_json::json!({"calendar": [before.calendar, settings]});
    audited(&mut tx, auth, diff).await?;
    tx.commit().await?;
    Ok(settings)
}

/// Audits and announces a change of the workspace's settings, in its transaction.
async fn audited(tx: &mut tandem_store::Tx, auth: &Auth, diff: serde_json::Value) -> AppResult<()> {
    let ws = auth.user.workspace_id.0;
    record_change(tx, auth, "workspace", "settings", ws, Action::Update, diff).await
}
