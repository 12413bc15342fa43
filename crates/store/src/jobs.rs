//! The job queue: jobs are rows, enqueued in the transaction that causes them; periodic
//! work is a row with `next_run_at` that the runner turns into a job when it is due.

use crate::{Backend, Conn, Store, StoreResult};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};
use tandem_domain::{Instant, JobId, WorkspaceId, jobs::backoff_ms};
use uuid::Uuid;

/// Whether this process's job runner is still running, for `/readyz`. The runner holds
/// a [`RunnerGuard`]; when its task ends for any reason, panics included, the guard is
/// dropped and the runner counts as stopped.
#[derive(Clone, Debug, Default)]
pub struct RunnerHealth(Arc<AtomicBool>);

impl RunnerHealth {
    /// Marks the runner as running until the returned guard is dropped.
    pub fn start(&self) -> RunnerGuard {
        self.0.store(true, Ordering::SeqCst);
        RunnerGuard(self.0.clone())
    }

    pub fn is_running(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct RunnerGuard(Arc<AtomicBool>);

impl Drop for RunnerGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub workspace_id: Option<WorkspaceId>,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at: Instant,
    pub last_error: Option<String>,
    pub created_at: Instant,
    pub finished_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    workspace_id: Option<Uuid>,
    kind: String,
    payload: String,
    status: String,
    attempts: i32,
    max_attempts: i32,
    run_at: i64,
    last_error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

impl From<Row> for Job {
    fn from(r: Row) -> Self {
        Job {
            id: JobId(r.id),
            workspace_id: r.workspace_id.map(WorkspaceId),
            kind: r.kind,
            payload: serde_json::from_str(&r.payload).unwrap_or_default(),
            status: r.status,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            max_attempts: u32::try_from(r.max_attempts).unwrap_or(0),
            run_at: Instant(r.run_at),
            last_error: r.last_error,
            created_at: Instant(r.created_at),
            finished_at: r.finished_at.map(Instant),
        }
    }
}

const COLS: [&str; 11] = [
    "id",
    "workspace_id",
    "kind",
    "payload",
    "status",
    "attempts",
    "max_attempts",
    "run_at",
    "last_error",
    "created_at",
    "finished_at",
];

pub async fn enqueue(
    c: &mut Conn<'_>,
    workspace_id: Option<WorkspaceId>,
    kind: &str,
    payload: &serde_json::Value,
    run_at: Instant,
) -> StoreResult<JobId> {
    let id = JobId::new();
    let q = Query::insert()
        .into_table("jobs")
        .columns([
            "id",
            "workspace_id",
            "kind",
            "payload",
            "status",
            "attempts",
            "max_attempts",
            "run_at",
            "created_at",
        ])
        .values_panic([
            id.0.into(),
            workspace_id.map(|w| w.0).into(),
            kind.into(),
            payload.to_string().into(),
            "queued".into(),
            0i32.into(),
            5i32.into(),
            run_at.0.into(),
            c.now().0.into(),
        ])
        .to_owned();
    c.exec(&q).await?;
    Ok(id)
}

/// Registers a periodic job; keeps the schedule of one that exists already.
pub async fn ensure_periodic(store: &Store, kind: &str, interval_ms: i64) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    #[derive(sqlx::FromRow)]
    struct P {
        interval_ms: i64,
    }
    let existing: Option<P> = tx
        .conn()
        .optional(
            &Query::select()
                .column("interval_ms")
                .from("periodic_jobs")
                .and_where(Expr::col("kind").eq(kind))
                .to_owned(),
        )
        .await?;
    match existing {
        Some(p) if p.interval_ms == interval_ms => {}
        Some(_) => {
            tx.conn()
                .exec(
                    &Query::update()
                        .table("periodic_jobs")
                        .value("interval_ms", interval_ms)
                        .and_where(Expr::col("kind").eq(kind))
                        .to_owned(),
                )
                .await?;
        }
        None => {
            tx.conn()
                .exec(
                    &Query::insert()
                        .into_table("periodic_jobs")
                        .columns(["kind", "interval_ms", "next_run_at"])
                        .values_panic([kind.into(), interval_ms.into(), store.now().0.into()])
                        .to_owned(),
                )
                .await?;
        }
    }
    tx.commit().await
}

/// Turns due periodic rows into jobs. The compare-and-set on `next_run_at` makes sure
/// only one instance schedules each run.
pub async fn schedule_due_periodic(store: &Store, now: Instant) -> StoreResult<u32> {
    #[derive(sqlx::FromRow)]
    struct P {
        kind: String,
        interval_ms: i64,
        next_run_at: i64,
    }
    let due: Vec<P> = store
        .read()
        .await?
        .conn()
        .all(
            &Query::select()
                .columns(["kind", "interval_ms", "next_run_at"])
                .from("periodic_jobs")
                .and_where(Expr::col("next_run_at").lte(now.0))
                .to_owned(),
        )
        .await?;
    let mut scheduled = 0;
    for p in due {
        let mut tx = store.begin().await?;
        let claimed = tx
            .conn()
            .exec(
                &Query::update()
                    .table("periodic_jobs")
                    .value("next_run_at", now.0 + Ord::max(p.interval_ms, 1_000))
                    .and_where(Expr::col("kind").eq(p.kind.as_str()))
                    .and_where(Expr::col("next_run_at").eq(p.next_run_at))
                    .to_owned(),
            )
            .await?;
        if claimed == 1 {
            enqueue(&mut tx.conn(), None, &p.kind, &serde_json::json!({}), now).await?;
            scheduled += 1;
        }
        tx.commit().await?;
    }
    Ok(scheduled)
}

/// Claims the next due job, marking it running. `SKIP LOCKED` on PostgreSQL lets any
/// number of runners share the queue; SQLite has a single writer anyway.
pub async fn claim(store: &Store, now: Instant) -> StoreResult<Option<Job>> {
    let mut tx = store.begin().await?;
    let mut select = Query::select();
    select
        .column("id")
        .from("jobs")
        .and_where(Expr::col("status").eq("queued"))
        .and_where(Expr::col("run_at").lte(now.0))
        .order_by("run_at", Order::Asc)
        .limit(1);
    if store.backend() == Backend::Postgres {
        select.lock_with_behavior(
            sea_query::LockType::Update,
            sea_query::LockBehavior::SkipLocked,
        );
    }
    #[derive(sqlx::FromRow)]
    struct Id {
        id: Uuid,
    }
    let Some(Id { id }) = tx.conn().optional(&select).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    tx.conn()
        .exec(
            &Query::update()
                .table("jobs")
                .value("status", "running")
                .value("locked_at", now.0)
                .value("attempts", Expr::col("attempts").add(1))
                .and_where(Expr::col("id").eq(id))
                .to_owned(),
        )
        .await?;
    let job: Row = tx
        .conn()
        .one(
            &Query::select()
                .columns(COLS)
                .from("jobs")
                .and_where(Expr::col("id").eq(id))
                .to_owned(),
        )
        .await?;
    tx.commit().await?;
    Ok(Some(job.into()))
}

pub async fn finish(store: &Store, job: &Job, result: Result<(), String>) -> StoreResult<()> {
    let now = store.now();
    let mut q = Query::update();
    q.table("jobs").and_where(Expr::col("id").eq(job.id.0));
    match result {
        Ok(()) => {
            q.value("status", "done").value("finished_at", now.0);
        }
        Err(e) if job.attempts >= job.max_attempts => {
            q.value("status", "failed")
                .value("finished_at", now.0)
                .value("last_error", e);
        }
        Err(e) => {
            q.value("status", "queued")
                .value("run_at", now.0 + backoff_ms(job.attempts))
                .value("last_error", e);
        }
    }
    let mut tx = store.begin().await?;
    tx.conn().exec(&q).await?;
    tx.commit().await
}

/// Jobs left running by a runner that died are queued again after `stale_ms`; one that
/// has used up its attempts (it may be what killed the runner) fails for good instead.
pub async fn requeue_stale(store: &Store, now: Instant, stale_ms: i64) -> StoreResult<u64> {
    let stale = || {
        Cond::all()
            .add(Expr::col("status").eq("running"))
            .add(Expr::col("locked_at").lt(now.0 - stale_ms))
    };
    let mut tx = store.begin().await?;
    tx.conn()
        .exec(
            &Query::update()
                .table("jobs")
                .value("status", "failed")
                .value("finished_at", now.0)
                .value("last_error", "the runner stopped during this job")
                .cond_where(stale())
                .and_where(Expr::col("attempts").gte(Expr::col("max_attempts")))
                .to_owned(),
        )
        .await?;
    let n = tx
        .conn()
        .exec(
            &Query::update()
                .table("jobs")
                .value("status", "queued")
                .cond_where(stale())
                .to_owned(),
        )
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// The latest jobs of a workspace and of the installation, for the admin page.
pub async fn recent(c: &mut Conn<'_>, ws: WorkspaceId, limit: u64) -> StoreResult<Vec<Job>> {
    let rows: Vec<Row> = c
        .all(
            &Query::select()
                .columns(COLS)
                .from("jobs")
                .cond_where(
                    sea_query::Cond::any()
                        .add(Expr::col("workspace_id").is_null())
                        .add(Expr::col("workspace_id").eq(ws.0)),
                )
                .order_by("created_at", Order::Desc)
                .limit(limit)
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Removes finished jobs older than `before`, so the queue table stays small.
pub async fn prune_finished(c: &mut Conn<'_>, before: Instant) -> StoreResult<u64> {
    c.exec(
        &Query::delete()
            .from_table("jobs")
            .and_where(Expr::col("status").eq("done"))
            .and_where(Expr::col("finished_at").lt(before.0))
            .to_owned(),
    )
    .await
}
