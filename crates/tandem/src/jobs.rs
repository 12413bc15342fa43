//! The job runner: schedules periodic work, claims due jobs and runs them.

use futures_util::FutureExt;
use std::{panic::AssertUnwindSafe, time::Duration};
use tandem_domain::{
    Instant,
    time::{Clock, DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS},
};
use tandem_store::{Store, StoreResult, jobs, sessions};
use tokio_util::sync::CancellationToken;

pub const SESSIONS_CLEANUP: &str = "sessions.cleanup";
pub const JOBS_PRUNE: &str = "jobs.prune";
/// Requests: hand on those of people whose absence began, remind, escalate.
pub const REQUESTS_SWEEP: &str = "requests.sweep";
/// Sends the mail in the outbox.
pub const MAIL_OUTBOX: &str = "mail.outbox";
/// Sent quotes past their validity date expire.
pub const QUOTES_EXPIRE: &str = "quotes.expire";
/// The day's KPI snapshots (once a day; the job looks every hour) and the current
/// periods' records brought up to the hour.
pub const KPI_SNAPSHOT: &str = "kpis.snapshot";
/// The intervention rules over the completed periods (idempotent; once a day: the
/// periods are weeks and months, and a run over every rep is not cheap yet).
pub const INTERVENTIONS: &str = "interventions.evaluate";

/// Runs until `shutdown`; a job in progress is finished first. The guard is held for
/// as long as the runner runs (`/readyz` reports a runner that has stopped).
pub async fn run(
    store: Store,
    clock: Clock,
    shutdown: CancellationToken,
    _running: jobs::RunnerGuard,
) {
    for (kind, every) in [
        (SESSIONS_CLEANUP, HOUR_MS),
        (JOBS_PRUNE, DAY_MS),
        (REQUESTS_SWEEP, MINUTE_MS),
        (MAIL_OUTBOX, 15 * SECOND_MS),
        (QUOTES_EXPIRE, HOUR_MS),
        (KPI_SNAPSHOT, HOUR_MS),
        (INTERVENTIONS, DAY_MS),
    ] {
        if let Err(e) = jobs::ensure_periodic(&store, kind, every).await {
            tracing::error!(error = %e, kind, "cannot register periodic job");
        }
    }
    loop {
        if let Err(e) = tick_at(&store, clock.now(), &shutdown).await {
            tracing::warn!(error = %e, "job runner tick failed");
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    tracing::info!("job runner stopped");
}

/// One round: requeue jobs of dead runners, schedule due periodic jobs, run what is due.
/// Returns how many jobs ran.
pub async fn tick(store: &Store, shutdown: &CancellationToken) -> StoreResult<u32> {
    tick_at(store, store.now(), shutdown).await
}

/// `tick` as if it were `now` (tests look into the future with it).
pub async fn tick_at(
    store: &Store,
    now: Instant,
    shutdown: &CancellationToken,
) -> StoreResult<u32> {
    jobs::requeue_stale(store, now, 10 * MINUTE_MS).await?;
    jobs::schedule_due_periodic(store, now).await?;
    let mut ran = 0;
    while !shutdown.is_cancelled() {
        let Some(job) = jobs::claim(store, now.max(store.now())).await? else {
            break;
        };
        let result = guarded(handle(store, &job, now)).await;
        match &result {
            Ok(()) => tracing::info!(kind = %job.kind, id = %job.id, "job done"),
            Err(e) => {
                tracing::warn!(kind = %job.kind, id = %job.id, attempt = job.attempts, error = %e, "job failed")
            }
        }
        jobs::finish(store, &job, result).await?;
        ran += 1;
    }
    Ok(ran)
}

/// Runs a job. A panicking job fails like any other (and is given up after its
/// attempts); it must not take the runner, and with it every other job, down.
async fn guarded(job: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    AssertUnwindSafe(job)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(format!("the job panicked: {}", panic_message(&panic))))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// Runs one job as if at `now` (the SLA clocks read it; bookkeeping uses the store's clock).
async fn handle(store: &Store, job: &jobs::Job, clock_now: Instant) -> Result<(), String> {
    let now = store.now();
    match job.kind.as_str() {
        REQUESTS_SWEEP => {
            let steps = tandem_app::requests::sweep(store, clock_now)
                .await
                .map_err(|e| e.to_string())?;
            if steps > 0 {
                tracing::info!(steps, "requests handed on, reminded or escalated");
            }
            Ok(())
        }
        QUOTES_EXPIRE => {
            let expired = tandem_app::quotes::expire_due(store, clock_now)
                .await
                .map_err(|e| e.to_string())?;
            if expired > 0 {
                tracing::info!(expired, "quotes expired");
            }
            Ok(())
        }
        KPI_SNAPSHOT => {
            let n = tandem_app::metrics::snapshot_all(store, clock_now)
                .await
                .map_err(|e| e.to_string())?;
            if n > 0 {
                tracing::info!(scopes = n, "KPI snapshots taken");
            }
            tandem_app::metrics::refresh_to_date(store, clock_now)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        INTERVENTIONS => {
            let n = tandem_app::interventions::evaluate(store, clock_now)
                .await
                .map_err(|e| e.to_string())?;
            if n > 0 {
                tracing::info!(steps = n, "intervention cases opened or updated");
            }
            Ok(())
        }
        tandem_app::imports::JOB_KIND => tandem_app::imports::process(store, &job.payload).await,
        MAIL_OUTBOX => {
            let sent = tandem_app::notify::send_outbox(store).await?;
            if sent > 0 {
                tracing::info!(sent, "mail sent");
            }
            Ok(())
        }
        SESSIONS_CLEANUP => {
            let mut tx = store.begin().await.map_err(|e| e.to_string())?;
            let n = sessions::delete_expired(&mut tx.conn(), now)
                .await
                .map_err(|e| e.to_string())?;
            // Limiter keys quiet for a day start afresh (no throttle waits that long).
            tandem_store::rate_limits::prune(&mut tx.conn(), now.plus_ms(-DAY_MS))
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            tracing::info!(removed = n, "expired sessions removed");
            Ok(())
        }
        JOBS_PRUNE => {
            let mut tx = store.begin().await.map_err(|e| e.to_string())?;
            jobs::prune_finished(&mut tx.conn(), now.plus_ms(-30 * DAY_MS))
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
        other => Err(format!("unknown job kind {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[tokio::test]
    async fn a_panicking_job_fails_with_its_message() {
        let panicked = guarded(async { panic!("VAT id split inside a letter") }).await;
        assert_eq!(
            panicked,
            Err("the job panicked: VAT id split inside a letter".to_string())
        );
        let who = String::from("Klaus");
        let formatted = guarded(async move { panic!("no deputy for {who}") }).await;
        assert_eq!(
            formatted,
            Err("the job panicked: no deputy for Klaus".to_string())
        );
        assert_eq!(guarded(async { Ok(()) }).await, Ok(()));
    }
}
