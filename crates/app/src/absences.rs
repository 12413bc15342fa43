//! Absences: users enter their own; managers those of their team, admins anyone's.
//! Everyone sees who is away when (handoffs depend on it); the kind — sick leave is
//! health data — only the person, their managers and admins.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record_change,
};
use tandem_domain::{
    AbsenceId, Invalid, Role, UserId,
    handoff::{AbsenceInput, AbsenceKind},
};
use tandem_store::{
    Store, StoreError,
    absences::{self, StoredAbsence},
    audit::Action,
    users::{self, User},
};

/// An absence as the caller may see it.
pub struct Seen {
    pub absence: StoredAbsence,
    /// The kind, unless the caller may not know it.
    pub kind: Option<AbsenceKind>,
    pub can_delete: bool,
}

/// Whether the caller may enter, see the kind of, and delete absences of `user`.
fn manages(auth: &Auth, user_id: UserId, team: Option<uuid::Uuid>) -> bool {
    auth.user.id == user_id
        || auth.user.role == Role::Admin
        || (auth.user.role == Role::Manager
            && team.is_some()
            && auth.user.team_id.map(|t| t.0) == team)
}

pub async fn create(
    store: &Store,
    auth: &Auth,
    mut input: AbsenceInput,
) -> AppResult<StoredAbsence> {
    let ws = auth.user.workspace_id;
    input.user_id.get_or_insert(auth.user.id);
    let absence = input.validate()?;
    let user: User = {
        let mut c = store.read().await?;
        match users::get(&mut c.conn(), ws, absence.user_id).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => {
                return Err(Invalid::one("user_id", "unknown_user").into());
            }
            Err(e) => return Err(e.into()),
        }
    };
    if !manages(auth, user.id, user.team_id.map(|t| t.0)) {
        return Err(AppError::Forbidden);
    }
    let id = AbsenceId::new();
    let mut tx = store.begin().await?;
    let overlapping = absences::between(
        &mut tx.conn(),
        ws,
        absence.from,
        absence.to,
        Some(&[user.id]),
    )
    .await?;
    if !overlapping.is_empty() {
        return Err(Invalid::one("from", "overlaps").into());
    }
    absences::insert(&mut tx.conn(), ws, id, &absence, Some(auth.user.id)).await?;
    let diff = serde_json::json!({
        "user_id": [null, user.id],
        "kind": [null, absence.kind.as_str()],
        "from": [null, absence.from.to_string()],
        "to": [null, absence.to.to_string()],
    });
    record_change(
        &mut tx,
        auth,
        "absence",
        "absences",
        id.0,
        Action::Create,
        diff,
    )
    .await?;
    let stored = absences::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(stored)
}

/// The absences touching `from..=to`, everyone's or one user's.
pub async fn list(
    store: &Store,
    auth: &Auth,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    user: Option<UserId>,
) -> AppResult<Vec<Seen>> {
    if to < from {
        return Err(Invalid::one("to", "before_start").into());
    }
    if (to - from).get_days() > 400 {
        return Err(Invalid::one("to", "out_of_range").into());
    }
    let mut c = store.read().await?;
    let users = user.map(|u| vec![u]);
    let found = absences::between(
        &mut c.conn(),
        auth.user.workspace_id,
        from,
        to,
        users.as_deref(),
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|a| {
            let allowed = manages(auth, a.data.user_id, a.team_id);
            Seen {
                kind: allowed.then_some(a.data.kind),
                can_delete: allowed,
                absence: a,
            }
        })
        .collect())
}

pub async fn delete(store: &Store, auth: &Auth, id: AbsenceId) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let a = absences::get(&mut tx.conn(), ws, id).await?;
    if !manages(auth, a.data.user_id, a.team_id) {
        return Err(AppError::Forbidden);
    }
    absences::set_deleted(&mut tx.conn(), ws, id).await?;
    let diff = serde_json::json!({
        "from": [a.data.from.to_string(), null],
        "to": [a.data.to.to_string(), null],
    });
    record_change(
        &mut tx,
        auth,
        "absence",
        "absences",
        id.0,
        Action::Delete,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the absences page shows.
pub struct AbsencesPage {
    /// From a week ago to four months ahead.
    pub absences: Vec<Seen>,
    /// Whom a manager or admin may enter absences for (themselves included); empty for
    /// everyone else, who enters their own.
    pub people: Vec<User>,
}

pub async fn page(store: &Store, auth: &Auth, today: jiff::civil::Date) -> AppResult<AbsencesPage> {
    let from = today.saturating_sub(jiff::Span::new().days(7));
    let to = today.saturating_add(jiff::Span::new().days(120));
    let absences = list(store, auth, from, to, None).await?;
    let people = if matches!(auth.user.role, Role::Admin | Role::Manager) {
        let mut c = store.read().await?;
        users::list(&mut c.conn(), auth.user.workspace_id)
            .await?
            .into_iter()
            .filter(|u| u.active && manages(auth, u.id, u.team_id.map(|t| t.0)))
            .collect()
    } else {
        vec![]
    };
    Ok(AbsencesPage { absences, people })
}
