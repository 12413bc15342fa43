//! Users and teams of a workspace.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{Instant, Locale, Role, TeamId, UserId, WorkspaceId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub workspace_id: WorkspaceId,
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    pub locale: Locale,
    pub active: bool,
    pub failed_logins: u32,
    pub locked_until: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    workspace_id: Uuid,
    id: Uuid,
    email: String,
    name: String,
    role: String,
    team_id: Option<Uuid>,
    team_name: Option<String>,
    locale: String,
    active: bool,
    failed_logins: i32,
    locked_until: Option<i64>,
    version: i64,
    created_at: i64,
    password_hash: String,
}

impl Row {
    fn into_user(self) -> StoreResult<(User, String)> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Corrupt(format!("role {}", self.role)))?;
        Ok((
            User {
                workspace_id: WorkspaceId(self.workspace_id),
                id: UserId(self.id),
                email: self.email,
                name: self.name,
                role,
                team_id: self.team_id.map(TeamId),
                team_name: self.team_name,
                locale: Locale::parse(&self.locale).unwrap_or_default(),
                active: self.active,
                failed_logins: u32::try_from(self.failed_logins).unwrap_or(0),
                locked_until: self.locked_until.map(Instant),
                version: self.version,
                created_at: Instant(self.created_at),
            },
            self.password_hash,
        ))
    }
}

fn select() -> SelectStatement {
    let mut q = Query::select();
    for col in [
        "workspace_id",
        "id",
        "email",
        "name",
        "role",
        "team_id",
        "locale",
        "active",
        "failed_logins",
        "locked_until",
        "version",
        "created_at",
        "password_hash",
    ] {
        q.column(("users", col));
    }
    q.expr_as(Expr::col(("teams", "name")), "team_name")
        .from("users")
        .left_join(
            "teams",
            Expr::col(("teams", "workspace_id"))
                .equals(("users", "workspace_id"))
                .and(Expr::col(("teams", "id")).equals(("users", "team_id"))),
        )
        .and_where(Expr::col(("users", "deleted_at")).is_null())
        .to_owned()
}

/// Users in the whole installation (the setup page shows while there are none).
pub async fn count_all(c: &mut Conn<'_>) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct N {
        n: i64,
    }
    let q = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .from("users")
        .to_owned();
    Ok(c.one::<N>(&q).await?.n)
}

/// The user signing in with this email, with the stored password hash.
pub async fn by_email(c: &mut Conn<'_>, email: &str) -> StoreResult<Option<(User, String)>> {
    let q = select()
        .and_where(Expr::col(("users", "email")).eq(email.trim().to_lowercase()))
        .to_owned();
    c.optional::<Row>(&q).await?.map(Row::into_user).transpose()
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: UserId) -> StoreResult<User> {
    let q = select()
        .and_where(Expr::col(("users", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("users", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into_user()?.0)
}

pub async fn password_hash(c: &mut Conn<'_>, ws: WorkspaceId, id: UserId) -> StoreResult<String> {
    let q = select()
        .and_where(Expr::col(("users", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("users", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into_user()?.1)
}

pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<User>> {
    let q = select()
        .and_where(Expr::col(("users", "workspace_id")).eq(ws.0))
        .order_by(("users", "name"), Order::Asc)
        .to_owned();
    let rows: Vec<Row> = c.all(&q).await?;
    rows.into_iter().map(|r| Ok(r.into_user()?.0)).collect()
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub locale: Locale,
    pub password_hash: &'a str,
    pub created_by: Option<UserId>,
}

pub async fn create(c: &mut Conn<'_>, ws: WorkspaceId, u: NewUser<'_>) -> StoreResult<UserId> {
    let id = UserId::new();
    let now = c.now().0;
    let q = Query::insert()
        .into_table("users")
        .columns([
            "workspace_id",
            "id",
            "email",
            "name",
            "role",
            "team_id",
            "locale",
            "password_hash",
            "active",
            "failed_logins",
            "version",
            "created_at",
            "updated_at",
            "created_by",
        ])
        .values_panic([
            ws.0.into(),
            id.0.into(),
            u.email.trim().to_lowercase().into(),
            u.name.into(),
            u.role.as_str().into(),
            u.team_id.map(|t| t.0).into(),
            u.locale.as_str().into(),
            u.password_hash.into(),
            true.into(),
            0i32.into(),
            1i64.into(),
            now.into(),
            now.into(),
            u.created_by.map(|a| a.0).into(),
        ])
        .to_owned();
    c.exec(&q).await.map_err(|e| match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("email")
        }
        e => e,
    })?;
    Ok(id)
}

pub struct UserChange<'a> {
    pub name: &'a str,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub active: bool,
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    version: i64,
    ch: UserChange<'_>,
) -> StoreResult<()> {
    let q = Query::update()
        .table("users")
        .value("name", ch.name)
        .value("role", ch.role.as_str())
        .value("team_id", ch.team_id.map(|t| t.0))
        .value("active", ch.active)
        .value("version", Expr::col("version").add(1))
        .value("updated_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("version").eq(version))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    if c.exec(&q).await? == 1 {
        return Ok(());
    }
    let current = get(c, ws, id).await?;
    Err(StoreError::Conflict {
        current: current.version,
    })
}

/// Sets fields that only the user or the sign-in flow change (no version check).
pub async fn set_fields(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    fields: Vec<(&'static str, sea_query::Value)>,
) -> StoreResult<()> {
    let mut q = Query::update();
    q.table("users");
    for (col, val) in fields {
        q.value(col, val);
    }
    q.value("updated_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0));
    match c.exec(&q).await? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub members: i64,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: Uuid,
    name: String,
    members: i64,
    version: i64,
}

pub async fn teams(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<Team>> {
    let q = Query::select()
        .column(("teams", "id"))
        .column(("teams", "name"))
        .column(("teams", "version"))
        .expr_as(
            Expr::cust(
                "(SELECT COUNT(*) FROM users u WHERE u.workspace_id = teams.workspace_id \
                 AND u.team_id = teams.id AND u.deleted_at IS NULL)",
            ),
            "members",
        )
        .from("teams")
        .and_where(Expr::col(("teams", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("teams", "deleted_at")).is_null())
        .order_by(("teams", "name"), Order::Asc)
        .to_owned();
    let rows: Vec<TeamRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| Team {
            id: TeamId(r.id),
            name: r.name,
            members: r.members,
            version: r.version,
        })
        .collect())
}

pub async fn create_team(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    name: &str,
    actor: Option<UserId>,
) -> StoreResult<TeamId> {
    let id = TeamId::new();
    let now = c.now().0;
    let q = Query::insert()
        .into_table("teams")
        .columns([
            "workspace_id",
            "id",
            "name",
            "version",
            "created_at",
            "updated_at",
            "created_by",
        ])
        .values_panic([
            ws.0.into(),
            id.0.into(),
            name.into(),
            1i64.into(),
            now.into(),
            now.into(),
            actor.map(|a| a.0).into(),
        ])
        .to_owned();
    c.exec(&q).await.map_err(|e| match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("name")
        }
        e => e,
    })?;
    Ok(id)
}

pub async fn rename_team(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: TeamId,
    name: &str,
) -> StoreResult<()> {
    let q = Query::update()
        .table("teams")
        .value("name", name)
        .value("version", Expr::col("version").add(1))
        .value("updated_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    match c.exec(&q).await {
        Ok(0) => Err(StoreError::NotFound),
        Ok(_) => Ok(()),
        Err(StoreError::Db(ref db)) if StoreError::is_unique_violation(db) => {
            Err(StoreError::Duplicate("name"))
        }
        Err(e) => Err(e),
    }
}

/// Removes a team; its members stay, without a team.
pub async fn delete_team(c: &mut Conn<'_>, ws: WorkspaceId, id: TeamId) -> StoreResult<()> {
    let now = c.now().0;
    let q = Query::update()
        .table("teams")
        .value("deleted_at", now)
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    if c.exec(&q).await? == 0 {
        return Err(StoreError::NotFound);
    }
    let q = Query::update()
        .table("users")
        .value("team_id", Option::<Uuid>::None)
        .value("updated_at", now)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("team_id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Whether a team exists in this workspace (for validating a user's team).
pub async fn team_exists(c: &mut Conn<'_>, ws: WorkspaceId, id: TeamId) -> StoreResult<bool> {
    Ok(teams(c, ws).await?.iter().any(|t| t.id == id))
}
