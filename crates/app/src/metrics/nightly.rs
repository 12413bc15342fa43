//! The figures kept per day: the nightly snapshot and the refresh of today's.

use super::*;

/// How many finished periods of each kind are kept recorded: enough for the trends,
/// the averages and the longest rule.
pub(super) fn recorded(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Week | PeriodKind::Month => tandem_domain::metrics::MAX_RULE_PERIODS as usize,
        PeriodKind::Quarter => 8,
        PeriodKind::Year => 3,
    }
}

/// Once a day: writes today's figures (of the current week) for the workspace, every
/// team and every person — the history pipeline figures are compared against — and
/// records the facts of finished periods: the latest of each kind again every night
/// (so late entries still count), earlier ones once; and the current week, month,
/// quarter and year up to midnight (`refresh_to_date` adds the hours). A run later in
/// a day that finds the snapshots taken records only missing current periods. Returns
/// how many scopes were written.
pub async fn snapshot_all(store: &Store, now: Instant) -> AppResult<u32> {
    let today = local_date(now);
    let mut written = 0;
    let all = {
        let mut c = store.read().await?;
        workspaces::list(&mut c.conn()).await?
    };
    for ws in all {
        // Counted on a reading connection; only the writing holds the writer.
        let (taken, rows, finished, to_date) = {
            let mut c = store.read().await?;
            let taken = tandem_store::metrics::has_snapshot(&mut c.conn(), ws.id, today).await?;
            let to_date = current_records(&mut c.conn(), ws.id, now, taken).await?;
            if taken && to_date.is_empty() {
                continue;
            }
            let (rows, finished) = if taken {
                (vec![], vec![])
            } else {
                (
                    snapshot_rows(&mut c.conn(), ws.id, now).await?,
                    finished_records(&mut c.conn(), ws.id, today).await?,
                )
            };
            (taken, rows, finished, to_date)
        };
        let mut tx = store.begin().await?;
        for (scope, values) in &rows {
            tandem_store::metrics::snapshot(&mut tx.conn(), ws.id, today, scope, values).await?;
            written += 1;
        }
        for (key, b) in &finished {
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, key, b, now).await?;
        }
        // The night's records replace every earlier one; a later run adds what is missing.
        if !taken {
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, None).await?;
        }
        for (period, b) in &to_date {
            let key = tandem_store::metrics::to_date_key(period, day_bounds(today).0);
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, Some(period)).await?;
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, &key, b, now).await?;
        }
        tx.commit().await?;
    }
    Ok(written)
}

/// Today's figures of the current week for the workspace, every team and every active
/// person.
pub(super) async fn snapshot_rows(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    now: Instant,
) -> AppResult<Vec<(String, Vec<(&'static str, Option<i64>)>)>> {
    let week = Period::containing(PeriodKind::Week, local_date(now));
    let people = People::load(c, ws).await?;
    let teams = users::teams(c, ws).await?;
    let mut scopes = vec![Scope::Workspace];
    scopes.extend(teams.iter().map(|t| Scope::Team(t.id)));
    scopes.extend(
        people
            .users
            .iter()
            .filter(|u| u.active)
            .map(|u| Scope::User(u.id)),
    );
    let mut counter = Counter::new(ws, now);
    let mut rows = vec![];
    for scope in scopes {
        let f = counter.facts(c, &people, &scope, &week).await?;
        let values = Metric::ALL.iter().map(|m| (m.key(), m.value(&f))).collect();
        rows.push((scope.key(), values));
    }
    Ok(rows)
}

/// The finished periods to record: the latest of each kind again (late entries), the
/// earlier ones kept once, none before the workspace's first record.
pub(super) async fn finished_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    today: jiff::civil::Date,
) -> AppResult<Vec<(String, Buckets)>> {
    let earliest = tandem_store::metrics::earliest(c, ws).await?;
    let mut out = vec![];
    for kind in PeriodKind::ALL {
        let latest = Period::containing(kind, today).previous();
        let periods = latest.last_n(recorded(kind));
        let keys: Vec<String> = periods.iter().map(Period::key).collect();
        let done = tandem_store::metrics::recorded_periods(c, ws, &keys).await?;
        for p in periods {
            let (from, to) = p.bounds();
            if earliest.is_some_and(|e| e < to) && (p == latest || !done.contains(&p.key())) {
                let b = tandem_store::metrics::facts_by_owner(c, ws, from, to, false).await?;
                out.push((p.key(), b));
            }
        }
    }
    Ok(out)
}

/// The current week, month, quarter and year up to midnight, so that a board counts
/// only the events since on top; with `only_missing`, those not recorded up to
/// midnight yet. Periods that begin today have nothing to record.
pub(super) async fn current_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    now: Instant,
    only_missing: bool,
) -> AppResult<Vec<(String, Buckets)>> {
    let today = local_date(now);
    let midnight = day_bounds(today).0;
    let mut due = vec![];
    for kind in PeriodKind::ALL {
        let period = Period::containing(kind, today);
        if period.bounds().0 >= midnight {
            continue;
        }
        if only_missing {
            let at = tandem_store::metrics::recorded_up_to(c, ws, &period.key(), now).await?;
            if at.is_some_and(|at| at >= midnight) {
                continue;
            }
        }
        due.push(period);
    }
    if due.is_empty()
        || tandem_store::metrics::earliest(c, ws)
            .await?
            .is_none_or(|e| e >= midnight)
    {
        return Ok(vec![]);
    }
    let mut out = vec![];
    for period in due {
        let mut b = Buckets::new();
        let parts = Parts {
            period: true,
            pipeline: false,
        };
        let from = period.bounds().0;
        add_events(c, ws, &period, (from, midnight), parts, &mut b).await?;
        out.push((period.key(), b));
    }
    Ok(out)
}

/// Every hour: brings the records of the current periods up to the start of the hour
/// (the night's record plus the events since), so that a board counts at most the
/// last hour's events on top. Returns how many records were brought up to date.
pub async fn refresh_to_date(store: &Store, now: Instant) -> AppResult<u32> {
    let today = local_date(now);
    let hour = Instant(now.0 - now.0.rem_euclid(tandem_domain::time::HOUR_MS));
    let all = {
        let mut c = store.read().await?;
        workspaces::list(&mut c.conn()).await?
    };
    let mut refreshed = 0;
    for ws in all {
        let mut updated = vec![];
        {
            let mut c = store.read().await?;
            for kind in PeriodKind::ALL {
                let period = Period::containing(kind, today);
                let key = period.key();
                let recorded =
                    tandem_store::metrics::period_to_date(&mut c.conn(), ws.id, &key, hour).await?;
                let Some((since, mut b)) = recorded.filter(|(since, _)| *since < hour) else {
                    continue;
                };
                let parts = Parts {
                    period: false,
                    pipeline: false,
                };
                add_events(&mut c.conn(), ws.id, &period, (since, hour), parts, &mut b).await?;
                updated.push((key, b));
            }
        }
        if updated.is_empty() {
            continue;
        }
        let mut tx = store.begin().await?;
        for (key, b) in &updated {
            tandem_store::metrics::forget_to_date(&mut tx.conn(), ws.id, Some(key)).await?;
            let at = tandem_store::metrics::to_date_key(key, hour);
            tandem_store::metrics::save_period(&mut tx.conn(), ws.id, &at, b, now).await?;
            refreshed += 1;
        }
        tx.commit().await?;
    }
    Ok(refreshed)
}
