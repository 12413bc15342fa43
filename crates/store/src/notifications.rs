//! In-app notifications, each user's preferences, the mail outbox and the workspace's
//! SMTP settings.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Expr, ExprTrait, Order, Query};
use tandem_domain::{
    Instant, NotificationId, RequestId, UserId, WorkspaceId,
    notify::{Kind, MailSettings, Pref},
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub id: NotificationId,
    pub at: Instant,
    pub kind: Kind,
    pub request_id: Option<RequestId>,
    pub data: serde_json::Value,
    pub read_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    at: i64,
    kind: String,
    request_id: Option<Uuid>,
    data: String,
    read_at: Option<i64>,
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    at: Instant,
    kind: Kind,
    request: Option<RequestId>,
    data: &serde_json::Value,
) -> StoreResult<NotificationId> {
    let id = NotificationId(Uuid::now_v7());
    let q = Query::insert()
        .into_table("notifications")
        .columns([
            "workspace_id",
            "id",
            "user_id",
            "at",
            "kind",
            "request_id",
            "data",
        ])
        .values_panic([
            ws.0.into(),
            id.0.into(),
            user.0.into(),
            at.0.into(),
            kind.as_str().into(),
            request.map(|r| r.0).into(),
            data.to_string().into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(id)
}

/// A user's newest notifications.
pub async fn recent(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    limit: u64,
) -> StoreResult<Vec<Notification>> {
    let q = Query::select()
        .columns(["id", "at", "kind", "request_id", "data", "read_at"])
        .from("notifications")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .order_by("at", Order::Desc)
        .order_by("id", Order::Desc)
        .limit(limit)
        .to_owned();
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Notification {
                id: NotificationId(r.id),
                at: Instant(r.at),
                kind: Kind::parse(&r.kind)?,
                request_id: r.request_id.map(RequestId),
                data: serde_json::from_str(&r.data).unwrap_or_default(),
                read_at: r.read_at.map(Instant),
            })
        })
        .collect())
}

pub async fn unread_count(c: &mut Conn<'_>, ws: WorkspaceId, user: UserId) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct N {
        n: i64,
    }
    let q = Query::select()
        .expr_as(Expr::col("id").count(), "n")
        .from("notifications")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("read_at").is_null())
        .to_owned();
    Ok(c.one::<N>(&q).await?.n)
}

/// Marks one notification of the user read (or all of them with `None`); returns how
/// many changed.
pub async fn mark_read(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    id: Option<NotificationId>,
    now: Instant,
) -> StoreResult<u64> {
    let mut q = Query::update();
    q.table("notifications")
        .value("read_at", now.0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("read_at").is_null());
    if let Some(id) = id {
        q.and_where(Expr::col("id").eq(id.0));
    }
    c.exec(&q).await
}

/// Whether the notification exists for this user (read or not).
pub async fn exists(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    id: NotificationId,
) -> StoreResult<bool> {
    #[derive(sqlx::FromRow)]
    struct One {
        id: Uuid,
    }
    let q = Query::select()
        .column("id")
        .from("notifications")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    Ok(c.optional::<One>(&q).await?.is_some_and(|o| o.id == id.0))
}

// ----- preferences -----

/// A user's preferences, one per kind (defaults where the user chose nothing).
pub async fn prefs(c: &mut Conn<'_>, ws: WorkspaceId, user: UserId) -> StoreResult<Vec<Pref>> {
    #[derive(sqlx::FromRow)]
    struct PrefRow {
        kind: String,
        in_app: bool,
        email: bool,
    }
    let q = Query::select()
        .columns(["kind", "in_app", "email"])
        .from("notification_prefs")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("user_id").eq(user.0))
        .to_owned();
    let rows: Vec<PrefRow> = c.all(&q).await?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            rows.iter()
                .find(|r| r.kind == kind.as_str())
                .map_or(Pref::default_for(kind), |r| Pref {
                    kind,
                    in_app: r.in_app,
                    email: r.email,
                })
        })
        .collect())
}

pub async fn set_prefs(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    prefs: &[Pref],
) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("notification_prefs")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("user_id").eq(user.0))
            .to_owned(),
    )
    .await?;
    if prefs.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table("notification_prefs").columns([
        "workspace_id",
        "user_id",
        "kind",
        "in_app",
        "email",
    ]);
    for p in prefs {
        q.values_panic([
            ws.0.into(),
            user.0.into(),
            p.kind.as_str().into(),
            p.in_app.into(),
            p.email.into(),
        ]);
    }
    c.exec(&q).await?;
    Ok(())
}

// ----- mail outbox -----

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Mail {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

pub async fn enqueue_mail(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    to: &str,
    subject: &str,
    body: &str,
    now: Instant,
) -> StoreResult<()> {
    let q = Query::insert()
        .into_table("mail_outbox")
        .columns([
            "id",
            "workspace_id",
            "to_addr",
            "subject",
            "body",
            "created_at",
            "attempts",
        ])
        .values_panic([
            Uuid::now_v7().into(),
            ws.0.into(),
            to.into(),
            subject.into(),
            body.into(),
            now.0.into(),
            0i64.into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Mail not yet sent and tried fewer than `max_attempts` times, oldest first.
pub async fn pending_mail(
    c: &mut Conn<'_>,
    max_attempts: i64,
    limit: u64,
) -> StoreResult<Vec<Mail>> {
    let q = Query::select()
        .columns([
            "id",
            "workspace_id",
            "to_addr",
            "subject",
            "body",
            "attempts",
        ])
        .from("mail_outbox")
        .and_where(Expr::col("sent_at").is_null())
        .and_where(Expr::col("attempts").lt(max_attempts))
        .order_by("created_at", Order::Asc)
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// Claims a mail for sending: counts the attempt if nobody else did since `attempts`
/// was read. `false` means another instance has it.
pub async fn claim_mail(c: &mut Conn<'_>, mail: &Mail) -> StoreResult<bool> {
    let q = Query::update()
        .table("mail_outbox")
        .value("attempts", mail.attempts + 1)
        .and_where(Expr::col("id").eq(mail.id))
        .and_where(Expr::col("attempts").eq(mail.attempts))
        .and_where(Expr::col("sent_at").is_null())
        .to_owned();
    Ok(c.exec(&q).await? == 1)
}

pub async fn mail_done(
    c: &mut Conn<'_>,
    id: Uuid,
    result: Result<Instant, String>,
) -> StoreResult<()> {
    let mut q = Query::update();
    q.table("mail_outbox").and_where(Expr::col("id").eq(id));
    match result {
        Ok(at) => q.value("sent_at", at.0).value("last_error", None::<String>),
        Err(e) => q.value("last_error", e),
    };
    c.exec(&q).await?;
    Ok(())
}

/// The outbox as the admin sees it: newest first.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct OutboxRow {
    pub to_addr: String,
    pub subject: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

pub async fn outbox(c: &mut Conn<'_>, ws: WorkspaceId, limit: u64) -> StoreResult<Vec<OutboxRow>> {
    let q = Query::select()
        .columns([
            "to_addr",
            "subject",
            "created_at",
            "sent_at",
            "attempts",
            "last_error",
        ])
        .from("mail_outbox")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .order_by("created_at", Order::Desc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

// ----- SMTP settings -----

pub async fn mail_settings(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<MailSettings>> {
    #[derive(sqlx::FromRow)]
    struct S {
        smtp: Option<String>,
    }
    let q = Query::select()
        .column("smtp")
        .from("workspaces")
        .and_where(Expr::col("id").eq(ws.0))
        .to_owned();
    let s = c.optional::<S>(&q).await?.ok_or(StoreError::NotFound)?;
    Ok(s.smtp.and_then(|j| serde_json::from_str(&j).ok()))
}

pub async fn set_mail_settings(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    settings: Option<&MailSettings>,
) -> StoreResult<()> {
    let json = settings
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("smtp: {e}")))?;
    let q = Query::update()
        .table("workspaces")
        .value("smtp", json)
        .and_where(Expr::col("id").eq(ws.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}
