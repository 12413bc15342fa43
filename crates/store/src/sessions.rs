//! Browser sessions and API tokens. Only hashes of their secrets are stored.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Expr, ExprTrait, Order, Query};
use tandem_domain::{Instant, TokenId, UserId, WorkspaceId};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: Instant,
    pub expires_at: Instant,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    workspace_id: Uuid,
    user_id: Uuid,
    csrf_token: String,
    created_at: i64,
    expires_at: i64,
}

pub async fn create(
    c: &mut Conn<'_>,
    token_hash: &str,
    ws: WorkspaceId,
    user: UserId,
    csrf_token: &str,
    created_at: Instant,
    expires_at: Instant,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("sessions")
        .columns([
            "token_hash",
            "workspace_id",
            "user_id",
            "csrf_token",
            "created_at",
            "expires_at",
        ])
        .values_panic([
            token_hash.into(),
            ws.0.into(),
            user.0.into(),
            csrf_token.into(),
            created_at.0.into(),
            expires_at.0.into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// The live session with this token hash.
pub async fn get(
    c: &mut Conn<'_>,
    token_hash: &str,
    now: Instant,
) -> StoreResult<Option<SessionRecord>> {
    let q = Query::select()
        .columns([
            "workspace_id",
            "user_id",
            "csrf_token",
            "created_at",
            "expires_at",
        ])
        .from("sessions")
        .and_where(Expr::col("token_hash").eq(token_hash))
        .and_where(Expr::col("expires_at").gt(now.0))
        .to_owned();
    Ok(c.optional::<SessionRow>(&q).await?.map(|r| SessionRecord {
        workspace_id: WorkspaceId(r.workspace_id),
        user_id: UserId(r.user_id),
        csrf_token: r.csrf_token,
        created_at: Instant(r.created_at),
        expires_at: Instant(r.expires_at),
    }))
}

pub async fn extend(c: &mut Conn<'_>, token_hash: &str, expires_at: Instant) -> StoreResult<()> {
    let q = Query::update()
        .table("sessions")
        .value("expires_at", expires_at.0)
        .and_where(Expr::col("token_hash").eq(token_hash))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

pub async fn delete(c: &mut Conn<'_>, token_hash: &str) -> StoreResult<()> {
    let q = Query::delete()
        .from_table("sessions")
        .and_where(Expr::col("token_hash").eq(token_hash))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Ends every session of a user (after a password change or deactivation), except one.
pub async fn delete_for_user(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    keep: Option<&str>,
) -> StoreResult<u64> {
    let mut q = Query::delete();
    q.from_table("sessions")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0));
    if let Some(keep) = keep {
        q.and_where(Expr::col("token_hash").ne(keep));
    }
    c.exec(&q).await
}

/// Removes expired sessions; returns how many.
pub async fn delete_expired(c: &mut Conn<'_>, now: Instant) -> StoreResult<u64> {
    let q = Query::delete()
        .from_table("sessions")
        .and_where(Expr::col("expires_at").lte(now.0))
        .to_owned();
    c.exec(&q).await
}

#[derive(Clone, Debug)]
pub struct ApiToken {
    pub id: TokenId,
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: Instant,
    pub last_used_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    workspace_id: Uuid,
    user_id: Uuid,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: TokenId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            user_id: UserId(r.user_id),
            name: r.name,
            created_at: Instant(r.created_at),
            last_used_at: r.last_used_at.map(Instant),
        }
    }
}

const TOKEN_COLS: [&str; 6] = [
    "id",
    "workspace_id",
    "user_id",
    "name",
    "created_at",
    "last_used_at",
];

pub async fn create_token(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    name: &str,
    token_hash: &str,
) -> StoreResult<TokenId> {
    let id = TokenId::new();
    let q = Query::insert()
        .into_table("api_tokens")
        .columns([
            "workspace_id",
            "id",
            "user_id",
            "name",
            "token_hash",
            "created_at",
        ])
        .values_panic([
            ws.0.into(),
            id.0.into(),
            user.0.into(),
            name.into(),
            token_hash.into(),
            c.now().0.into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(id)
}

/// The unrevoked token with this hash.
pub async fn token_by_hash(c: &mut Conn<'_>, token_hash: &str) -> StoreResult<Option<ApiToken>> {
    let q = Query::select()
        .columns(TOKEN_COLS)
        .from("api_tokens")
        .and_where(Expr::col("token_hash").eq(token_hash))
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned();
    Ok(c.optional::<TokenRow>(&q).await?.map(Into::into))
}

pub async fn touch_token(c: &mut Conn<'_>, ws: WorkspaceId, id: TokenId) -> StoreResult<()> {
    let q = Query::update()
        .table("api_tokens")
        .value("last_used_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

pub async fn tokens_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
) -> StoreResult<Vec<ApiToken>> {
    let q = Query::select()
        .columns(TOKEN_COLS)
        .from("api_tokens")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("revoked_at").is_null())
        .order_by("created_at", Order::Desc)
        .to_owned();
    let rows: Vec<TokenRow> = c.all(&q).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn revoke_token(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    id: TokenId,
) -> StoreResult<()> {
    let q = Query::update()
        .table("api_tokens")
        .value("revoked_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned();
    match c.exec(&q).await? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
