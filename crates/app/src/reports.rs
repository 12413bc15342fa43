//! Weekly reports: a rep writes a summary of their week (the page drafts one from their
//! own figures) and decides when to share it. A draft is the author's alone; a published
//! report is read by the author's team and by managers and admins. Trust mode holds:
//! what a report says of activity, the author chose to say.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {metrics::is_manager, record_change},
};
use tandem_domain::{
    Instant, Invalid, ReportId, UserId,
    goals::ReportInput,
    metrics::{Period, PeriodKind},
};
use tandem_store::{
    Store,
    audit::Action,
    reports::{self as store, Report},
    users,
};

/// A week from its key (`2026-W49`).
pub fn parse_week(raw: &str) -> AppResult<Period> {
    Period::parse(raw.trim())
        .filter(|p| p.kind == PeriodKind::Week)
        .ok_or_else(|| Invalid::one("week", "invalid_period").into())
}

/// `auth`'s own report of the week, if written.
pub async fn mine(store: &Store, auth: &Auth, week: &Period) -> AppResult<Option<Report>> {
    let mut c = store.read().await?;
    Ok(store::of(
        &mut c.conn(),
        auth.user.workspace_id,
        auth.user.id,
        &week.key(),
    )
    .await?)
}

/// What to do with the report besides keeping the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// As it is: a draft stays a draft, a published report stays published.
    Keep,
    Publish,
    Withdraw,
}

/// Writes `auth`'s report of the week: new, or the stored one if `version` (when given)
/// is still current.
pub async fn save(
    store: &Store,
    auth: &Auth,
    week: &Period,
    input: ReportInput,
    version: Option<i64>,
    sharing: Sharing,
    now: Instant,
) -> AppResult<Report> {
    let body = input.validate()?;
    let ws = auth.user.workspace_id;
    let key = week.key();
    let mut tx = store.begin().await?;
    let before = store::of(&mut tx.conn(), ws, auth.user.id, &key).await?;
    let published_at = |was: Option<Instant>| match sharing {
        Sharing::Keep => was,
        Sharing::Publish => was.or(Some(now)),
        Sharing::Withdraw => None,
    };
    let id = match &before {
        None => {
            let id = ReportId::new();
            store::insert(
                &mut tx.conn(),
                ws,
                id,
                auth.user.id,
                &key,
                &body,
                published_at(None),
            )
            .await?;
            id
        }
        Some(r) => {
            if version.is_some_and(|v| v != r.version) {
                return Err(AppError::Conflict {
                    current_version: r.version,
                });
            }
            store::update(
                &mut tx.conn(),
                ws,
                r.id,
                r.version,
                &body,
                published_at(r.published_at),
            )
            .await?;
            r.id
        }
    };
    let after = store::get(&mut tx.conn(), ws, id).await?;
    let diff = serde_json::json!({
        "week": [before.as_ref().map(|r| r.week.clone()), after.week],
        "published": [before.as_ref().map(|r| r.published_at.is_some()), after.published_at.is_some()],
    });
    let action = if before.is_some() {
        Action::Update
    } else {
        Action::Create
    };
    record_change(
        &mut tx,
        auth,
        "weekly_report",
        "weekly_reports",
        id.0,
        action,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A published report with its author's name.
pub struct Shared {
    pub report: Report,
    pub author: String,
}

/// The published reports of the week that `auth` may read: their team's and their own;
/// managers and admins read everybody's.
pub async fn shared(store: &Store, auth: &Auth, week: &Period) -> AppResult<Vec<Shared>> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = users::list(&mut c.conn(), ws).await?;
    let authors: Option<Vec<UserId>> = (!is_manager(auth)).then(|| {
        people
            .iter()
            .filter(|u| {
                u.id == auth.user.id || (u.team_id.is_some() && u.team_id == auth.user.team_id)
            })
            .map(|u| u.id)
            .collect()
    });
    let reports = store::published(&mut c.conn(), ws, &week.key(), authors.as_deref()).await?;
    Ok(reports
        .into_iter()
        .map(|r| Shared {
            author: people
                .iter()
                .find(|u| u.id == r.author_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            report: r,
        })
        .collect())
}
