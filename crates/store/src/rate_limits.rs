//! Rate limits and sign-in throttles in the database, so that every instance on one
//! PostgreSQL database counts the same attempts, and so that parallel attempts are
//! each counted: an attempt is taken by one conditional update of its key's row, which
//! the database serialises per row.

use crate::{Conn, StoreResult};
use sea_query::{Cond, Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use tandem_domain::{Instant, auth::Throttle};

/// Takes one attempt for `key` under `rule`; false when the key must wait. The attempt
/// counts either way only when it was allowed.
pub async fn take(c: &mut Conn<'_>, key: &str, now: Instant, rule: Throttle) -> StoreResult<bool> {
    c.exec(
        &Query::insert()
            .into_table("rate_limits")
            .columns(["key", "hits", "window_start", "next_at"])
            .values_panic([key.into(), 0i64.into(), now.0.into(), now.0.into()])
            .on_conflict(OnConflict::column("key").do_nothing().to_owned())
            .to_owned(),
    )
    .await?;
    let hits = Expr::col(("rate_limits", "hits"));
    let started = Expr::col(("rate_limits", "window_start"));
    let mut q = Query::update();
    q.table("rate_limits").and_where(Expr::col("key").eq(key));
    match rule {
        Throttle::Window { limit, window_ms } => {
            let expired = started.clone().lte(now.0 - window_ms);
            q.value(
                "hits",
                Expr::case(expired.clone(), 1i64).finally(hits.clone().add(1i64)),
            )
            .value(
                "window_start",
                Expr::case(expired.clone(), now.0).finally(started),
            )
            .cond_where(Cond::any().add(expired).add(hits.lt(i64::from(limit))));
        }
        Throttle::Backoff { free, cap_ms } => {
            // The wait before the next attempt grows with the attempts made so far:
            // none for the first `free`, then 1 s, 2 s, 4 s … up to `cap_ms`.
            q.value("hits", hits.clone().add(1i64))
                .value("window_start", now.0)
                .value("next_at", backoff(hits, now, free, cap_ms))
                .and_where(Expr::col(("rate_limits", "next_at")).lte(now.0));
        }
    }
    Ok(c.exec(&q).await? == 1)
}

/// `now` plus the wait after the attempt that makes `hits + 1`, as a CASE over `hits`.
fn backoff(hits: Expr, now: Instant, free: u32, cap_ms: i64) -> SimpleExpr {
    let free = i64::from(free);
    let mut case = Expr::case(hits.clone().lt(free - 1), now.0);
    let mut wait = 1_000i64;
    let mut step = free - 1;
    while wait < cap_ms {
        case = case.case(hits.clone().lte(step), now.0 + wait);
        wait *= 2;
        step += 1;
    }
    case.finally(now.0 + cap_ms).into()
}

/// Forgets `key` (a successful sign-in clears its throttle).
pub async fn clear(c: &mut Conn<'_>, key: &str) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("rate_limits")
            .and_where(Expr::col("key").eq(key))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Forgets keys that have been quiet since `before` and may try again.
pub async fn prune(c: &mut Conn<'_>, before: Instant) -> StoreResult<u64> {
    c.exec(
        &Query::delete()
            .from_table("rate_limits")
            .and_where(Expr::col("window_start").lt(before.0))
            .and_where(Expr::col("next_at").lt(before.0))
            .to_owned(),
    )
    .await
}

/// The attempts counted for `key` (none when it has no row).
pub async fn hits(c: &mut Conn<'_>, key: &str) -> StoreResult<Option<i64>> {
    #[derive(sqlx::FromRow)]
    struct Hits {
        hits: i64,
    }
    let q = Query::select()
        .column("hits")
        .from("rate_limits")
        .and_where(Expr::col("key").eq(key))
        .to_owned();
    Ok(c.optional::<Hits>(&q).await?.map(|h| h.hits))
}
