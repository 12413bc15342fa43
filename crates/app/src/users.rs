//! Administration of users and teams.

use crate::passwords::hash_password;
use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    require_admin,
};
use tandem_domain::{Invalid, Role, TeamId, UserId, auth::check_password, validation::Checker};
use tandem_store::{
    Store, Tx,
    audit::{self, Action, NewEntry},
    sessions,
    users::{self, Team, User, UserChange},
};

pub async fn list(store: &Store, auth: &Auth) -> AppResult<Vec<User>> {
    let mut c = store.read().await?;
    Ok(users::list(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn get(store: &Store, auth: &Auth, id: UserId) -> AppResult<User> {
    require_admin(auth)?;
    let mut c = store.read().await?;
    Ok(users::get(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// The name of a colleague (the author of a live event, say).
pub async fn name(store: &Store, auth: &Auth, id: UserId) -> AppResult<String> {
    let mut c = store.read().await?;
    Ok(users::get(&mut c.conn(), auth.user.workspace_id, id)
        .await?
        .name)
}

pub async fn teams(store: &Store, auth: &Auth) -> AppResult<Vec<Team>> {
    let mut c = store.read().await?;
    Ok(users::teams(&mut c.conn(), auth.user.workspace_id).await?)
}

pub struct UserUpdate {
    pub version: i64,
    pub name: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub active: bool,
    /// Set by an admin to reset a forgotten password.
    pub new_password: Option<String>,
}

pub async fn update(store: &Store, auth: &Auth, id: UserId, u: UserUpdate) -> AppResult<()> {
    require_admin(auth)?;
    let ws = auth.user.workspace_id;
    let mut c = Checker::default();
    let name = c.required("name", &u.name, 100);
    let new_password = u.new_password.as_deref().filter(|p| !p.is_empty());
    if let Some(Err(code)) = new_password.map(|p| check_password(p, &[&name])) {
        c.add("password", code);
    }
    c.finish()?;
    let new_hash = match new_password {
        Some(p) => Some(hash_password(p.to_string()).await?),
        None => None,
    };
    let mut tx = store.begin().await?;
    let before = users::get(&mut tx.conn(), ws, id).await?;
    if let Some(team) = u.team_id
        && !users::team_exists(&mut tx.conn(), ws, team).await?
    {
        return Err(Invalid::one("team_id", "unknown_team").into());
    }
    let loses_admin = before.role == Role::Admin && (u.role != Role::Admin || !u.active);
    if loses_admin {
        let admins = users::list(&mut tx.conn(), ws)
            .await?
            .iter()
            .filter(|x| x.role == Role::Admin && x.active)
            .count();
        if admins <= 1 {
            return Err(Invalid::one("role", "last_admin").into());
        }
    }
    users::update(
        &mut tx.conn(),
        ws,
        id,
        u.version,
        UserChange {
            name: &name,
            role: u.role,
            team_id: u.team_id,
            active: u.active,
        },
    )
    .await?;
    if let Some(hash) = &new_hash {
        users::set_fields(
            &mut tx.conn(),
            ws,
            id,
            vec![
                ("password_hash", hash.clone().into()),
                ("failed_logins", 0i32.into()),
                ("locked_until", Option::<i64>::None.into()),
            ],
        )
        .await?;
    }
    if !u.active || new_hash.is_some() {
        sessions::delete_for_user(&mut tx.conn(), ws, id, None).await?;
        super::auth::sessions_ended(&mut tx, ws, id).await?;
    }
    let mut diff = serde_json::Map::new();
    let mut put = |k: &str, a: serde_json::Value, b: serde_json::Value| {
        if a != b {
            diff.insert(k.into(), serde_json::json!([a, b]));
        }
    };
    put("name", before.name.into(), name.into());
    put("role", before.role.as_str().into(), u.role.as_str().into());
    put(
        "team_id",
        serde_json::json!(before.team_id),
        serde_json::json!(u.team_id),
    );
    put("active", before.active.into(), u.active.into());
    if new_hash.is_some() {
        put("password", "***".into(), "*** (reset)".into());
    }
    audit_user(&mut tx, auth, "user", id.0, Action::Update, diff.into()).await?;
    tx.commit().await?;
    Ok(())
}

fn team_name(name: &str) -> AppResult<String> {
    let mut c = Checker::default();
    let name = c.required("name", name, 100);
    c.finish()?;
    Ok(name)
}

pub async fn create_team(store: &Store, auth: &Auth, name: &str) -> AppResult<TeamId> {
    require_admin(auth)?;
    let name = team_name(name)?;
    let mut tx = store.begin().await?;
    let id = users::create_team(
        &mut tx.conn(),
        auth.user.workspace_id,
        &name,
        Some(auth.user.id),
    )
    .await?;
    let diff = serde_json::json!({"name": [null, name]});
    audit_user(&mut tx, auth, "team", id.0, Action::Create, diff).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn rename_team(store: &Store, auth: &Auth, id: TeamId, name: &str) -> AppResult<()> {
    require_admin(auth)?;
    let name = team_name(name)?;
    let mut tx = store.begin().await?;
    users::rename_team(&mut tx.conn(), auth.user.workspace_id, id, &name).await?;
    let diff = serde_json::json!({"name": [null, name]});
    audit_user(&mut tx, auth, "team", id.0, Action::Update, diff).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_team(store: &Store, auth: &Auth, id: TeamId) -> AppResult<()> {
    require_admin(auth)?;
    let mut tx = store.begin().await?;
    users::delete_team(&mut tx.conn(), auth.user.workspace_id, id).await?;
    audit_user(
        &mut tx,
        auth,
        "team",
        id.0,
        Action::Delete,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn audit_user(
    tx: &mut Tx,
    auth: &Auth,
    entity: &'static str,
    id: uuid::Uuid,
    action: Action,
    diff: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        &mut tx.conn(),
        NewEntry {
            workspace_id: auth.user.workspace_id,
            entity,
            entity_id: id,
            action,
            actor: Some(auth.user.id),
            diff: &diff,
        },
    )
    .await?;
    Ok(())
}
