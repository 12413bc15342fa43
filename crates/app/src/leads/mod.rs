//! Leads from marketing to sales: entering and scoring them, the qualification gate,
//! the handoff to a field rep (territory, else round robin around absent reps) through
//! a request with its acceptance deadline, and the rep's decision — accept (the lead
//! becomes account, contact and deal) or reject with a reason marketing hears of.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {checked_cursor, record_change, require},
};
use tandem_domain::{
    AccountId, FieldError, Instant, Invalid, LeadId, Role, UserId,
    account::AccountInput,
    audit::diff,
    contact::ContactInput,
    deal::DealInput,
    lead::{self, Engagement, Missing, Score, Status},
    lead_record::{LeadData, LeadInput, rejection},
    lead_settings::{LeadSettings, route},
    money::Money,
};
use tandem_store::{
    Page, Sort, Store, StoreError, Tx,
    audit::Action,
    campaigns,
    leads::{self, Change, Filter, Lead, LeadEvent},
    requests as request_store, users, workspaces,
};

/// Marketing, managers and admins work the lead inbox; reps see the leads handed to them.
pub fn may_manage(auth: &Auth) -> bool {
    matches!(
        auth.user.role,
        Role::Marketing | Role::Manager | Role::Admin
    )
}

/// Admins and managers keep the lead policy (it is part of the playbook).
pub fn may_set_policy(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Manager | Role::Admin)
}

/// Marketing, managers and admins see every lead; others the leads handed to them.
pub(crate) fn may_see(auth: &Auth, l: &Lead) -> bool {
    may_manage(auth) || l.assignee_id == Some(auth.user.id)
}

mod changes;
mod handoff;
mod settings_page;

pub use changes::*;
pub use handoff::*;
pub use settings_page::*;

// ----- policy -----

/// The workspace's lead policy: the stored one, or the standard one in the caller's
/// language.
pub async fn settings(store: &Store, auth: &Auth) -> AppResult<LeadSettings> {
    let mut c = store.read().await?;
    policy_of(&mut c.conn(), auth).await
}

async fn policy_of(c: &mut tandem_store::Conn<'_>, auth: &Auth) -> AppResult<LeadSettings> {
    Ok(leads::settings(c, auth.user.workspace_id)
        .await?
        .unwrap_or_else(|| LeadSettings::standard(auth.user.locale == tandem_domain::Locale::De)))
}

pub async fn set_settings(store: &Store, auth: &Auth, s: LeadSettings) -> AppResult<LeadSettings> {
    require(may_set_policy(auth))?;
    let s = s.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let mut errors = vec![];
    for (i, t) in s.territories.iter().enumerate() {
        match users::get(&mut tx.conn(), ws, t.user_id).await {
            Ok(u) if u.active => {}
            Ok(_) | Err(StoreError::NotFound) => errors.push(FieldError::new(
                format!("territories[{i}].user_id"),
                "unknown_user",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let before = policy_of(&mut tx.conn(), auth).await?;
    leads::set_settings(&mut tx.conn(), ws, &s).await?;
    record_change(
        &mut tx,
        auth,
        "lead_settings",
        "lead_settings",
        ws.0,
        Action::Update,
        serde_json::json!({ "lead_settings": [before, s] }),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

// ----- reading -----

pub async fn list(
    store: &Store,
    auth: &Auth,
    f: &Filter,
    sort: Sort,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<Lead>> {
    let cursor = checked_cursor(limit, cursor, sort.as_str())?;
    let mut f = f.clone();
    if !may_manage(auth) {
        f.assignee = Some(auth.user.id);
    }
    let mut c = store.read().await?;
    Ok(leads::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        sort,
        cursor.as_ref(),
        limit,
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: LeadId) -> AppResult<Lead> {
    let mut c = store.read().await?;
    let l = leads::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    if may_see(auth, &l) || request_assignee(&mut c.conn(), auth, &l).await? {
        Ok(l)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the caller holds the lead's acceptance request now (a stand-in, say).
async fn request_assignee(
    c: &mut tandem_store::Conn<'_>,
    auth: &Auth,
    l: &Lead,
) -> AppResult<bool> {
    let Some(rid) = l.request_id else {
        return Ok(false);
    };
    let r = request_store::get(c, auth.user.workspace_id, rid).await?;
    Ok(r.assignee_id == Some(auth.user.id))
}

/// A lead with what its page shows: the score now (with its explanation), what the
/// gate still misses, and its events.
pub struct Detail {
    pub lead: Lead,
    pub score: Score,
    pub missing: Vec<Missing>,
    pub events: Vec<LeadEvent>,
    pub settings: LeadSettings,
    /// The caller may accept or reject it.
    pub may_decide: bool,
    pub may_manage: bool,
}

pub async fn detail(store: &Store, auth: &Auth, id: LeadId, now: Instant) -> AppResult<Detail> {
    let lead = get(store, auth, id).await?;
    let mut c = store.read().await?;
    let ws = auth.user.workspace_id;
    let settings = policy_of(&mut c.conn(), auth).await?;
    let events = leads::events(&mut c.conn(), ws, id).await?;
    let score = score_of(&lead.data, &events, &settings, now);
    let missing = gate(&lead.data, score.total, &settings)
        .err()
        .unwrap_or_default();
    let may_decide = lead.status == Status::HandedOver
        && (matches!(auth.user.role, Role::Manager | Role::Admin)
            || lead.assignee_id == Some(auth.user.id)
            || request_assignee(&mut c.conn(), auth, &lead).await?);
    Ok(Detail {
        may_manage: may_manage(auth),
        lead,
        score,
        missing,
        events,
        settings,
        may_decide,
    })
}

fn score_of(d: &LeadData, events: &[LeadEvent], s: &LeadSettings, now: Instant) -> Score {
    lead::score(
        &d.fit_fields(),
        &s.fit_rules,
        &leads::engagement(events),
        now.0,
        s.half_life_days as f64,
    )
}

fn gate(d: &LeadData, score: i64, s: &LeadSettings) -> Result<(), Vec<Missing>> {
    lead::gate(score, s.threshold, &s.criteria_keys(), &d.answers)
}

/// The gate's refusal as field errors: `score` below the threshold, `answers.<key>`
/// for each unanswered criterion.
pub fn missing_errors(missing: &[Missing]) -> Invalid {
    Invalid(
        missing
            .iter()
            .map(|m| match m {
                Missing::Score { .. } => FieldError::new("score", "below_threshold"),
                Missing::Criterion { key } => FieldError::new(format!("answers.{key}"), "required"),
            })
            .collect(),
    )
}
