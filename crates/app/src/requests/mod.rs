//! Requests between field and inside sales: routing to the tandem partner, the deputy
//! or the team queue; the SLA clock in business time (paused while the request waits
//! for its requester); claims, hand-overs, comments and the timeline; and the periodic
//! work — handing on the requests of someone whose absence begins, reminders and
//! escalation. Every change lands on the request's timeline and in the audit log.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {notify, record_change, require, require_admin},
};
use jiff::SignedDuration;
use tandem_domain::{
    Instant, Invalid, RequestId, RequestTypeId, Role, TeamId, UserId, WorkspaceId,
    calendar::BusinessCalendar,
    cursor::Cursor,
    handoff::{self, Due, Route},
    notify::Kind,
    request::{
        self, EscalationStep, Event, RequestInput, RequestTypeData, RequestTypeInput, Status,
    },
};
use tandem_store::{
    Page, Store, StoreError, Tx, absences,
    audit::Action,
    requests::{self, Change, Filter, Guard, StoredRequest, StoredType, TimelineEntry},
    tandems, users, workspaces,
};

mod changes;
mod figures;
mod page;
mod periodic;
mod types;

pub use changes::*;
pub use figures::*;
pub use page::*;
pub use periodic::*;
pub use types::*;

// ----- who may do what -----

fn oversees(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Admin | Role::Manager)
}

/// Requester, assignee, the inside team (the queue is theirs), managers and admins see
/// a request; others get a 404 as for a record that is not there.
fn may_see(auth: &Auth, r: &StoredRequest) -> bool {
    oversees(auth)
        || r.requester_id == auth.user.id
        || r.assignee_id == Some(auth.user.id)
        || auth.user.role == Role::Inside
}

fn may_work_on(auth: &Auth, r: &StoredRequest) -> bool {
    oversees(auth) || r.assignee_id == Some(auth.user.id)
}

fn may_claim(auth: &Auth) -> bool {
    oversees(auth) || auth.user.role == Role::Inside
}

/// What the caller may do with a request (the pages show only these buttons).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Allowed {
    pub claim: bool,
    pub statuses: Vec<Status>,
    pub reassign: bool,
    pub comment: bool,
    /// Correct the description (the requester, managers, admins).
    pub describe: bool,
}

pub fn allowed(auth: &Auth, r: &StoredRequest) -> Allowed {
    if r.status.is_closed() {
        return Allowed::default();
    }
    // A lead handoff is accepted or rejected on the lead, a discount approval granted
    // or refused on its quote: the decision closes the request, nothing else may (a
    // closed approval would leave its quote waiting for good).
    let approval = r.purpose == Some(request::Purpose::Approval);
    let decided_elsewhere = r.lead_id.is_some() || approval;
    let worker = may_work_on(auth, r);
    let requester = r.requester_id == auth.user.id;
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| r.status.can_move_to(*s))
        .filter(|s| !(decided_elsewhere && *s == Status::Done))
        .filter(|s| !(approval && *s == Status::Cancelled))
        .filter(|s| match s {
            Status::Cancelled => worker || requester,
            Status::InProgress if r.status == Status::Waiting => worker || requester,
            _ => worker && (r.assignee_id.is_some() || *s == Status::Cancelled),
        })
        .collect();
    Allowed {
        claim: r.assignee_id.is_none() && may_claim(auth),
        statuses,
        reassign: worker,
        comment: true,
        describe: requester || oversees(auth),
    }
}

// ----- reading -----

pub async fn get(store: &Store, auth: &Auth, id: RequestId) -> AppResult<StoredRequest> {
    let mut c = store.read().await?;
    let r = requests::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    if !may_see(auth, &r) {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

pub async fn timeline(store: &Store, auth: &Auth, id: RequestId) -> AppResult<Vec<TimelineEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(requests::timeline(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// The lists of the requests page and the API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Requested by me or assigned to me.
    #[default]
    Mine,
    Requested,
    Assigned,
    /// Unassigned requests of my team's queue (or of every team for managers).
    Queue,
    /// Everything (managers, admins, inside sales).
    All,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Mine,
        View::Requested,
        View::Assigned,
        View::Queue,
        View::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Requested => "requested",
            View::Assigned => "assigned",
            View::Queue => "queue",
            View::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub view: View,
    pub open_only: bool,
    pub overdue: bool,
    pub deal: Option<tandem_domain::DealId>,
    pub account: Option<tandem_domain::AccountId>,
    pub type_id: Option<RequestTypeId>,
    pub cursor: Option<Cursor>,
    pub limit: u64,
}

pub const OPEN: [Status; 3] = [Status::Open, Status::InProgress, Status::Waiting];

pub async fn list(store: &Store, auth: &Auth, q: &ListQuery) -> AppResult<Page<StoredRequest>> {
    let me = auth.user.id;
    let sees_all = oversees(auth) || auth.user.role == Role::Inside;
    let mut f = Filter {
        deal: q.deal,
        account: q.account,
        type_id: q.type_id,
        statuses: if q.open_only { OPEN.to_vec() } else { vec![] },
        overdue_at: q.overdue.then(Instant::now),
        ..Filter::default()
    };
    match q.view {
        View::Mine => f.involving = Some(me),
        View::Requested => f.requester = Some(me),
        View::Assigned => f.assignee = Some(me),
        View::Queue => {
            f.queue = Some(if oversees(auth) {
                None
            } else {
                auth.user.team_id
            });
            if f.statuses.is_empty() {
                f.statuses = OPEN.to_vec();
            }
        }
        View::All => {}
    }
    // A deal's or account's requests: whoever sees the record's page sees its
    // requests' state (the requester must see who has it); otherwise narrow to mine.
    if q.view == View::All && !sees_all && q.deal.is_none() && q.account.is_none() {
        f.involving = Some(me);
    }
    let mut c = store.read().await?;
    Ok(requests::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        q.cursor.as_ref(),
        q.limit,
    )
    .await?)
}

// ----- the clock -----

async fn calendar(tx: &mut Tx, ws: WorkspaceId) -> AppResult<BusinessCalendar> {
    Ok(workspaces::get(&mut tx.conn(), ws)
        .await?
        .calendar
        .calendar())
}

/// Who is away on `day` among `people`.
pub(crate) async fn absent_on(
    tx: &mut Tx,
    ws: WorkspaceId,
    day: jiff::civil::Date,
    people: &[UserId],
) -> AppResult<Vec<UserId>> {
    Ok(
        absences::between(&mut tx.conn(), ws, day, day, Some(people))
            .await?
            .into_iter()
            .map(|a| a.data.user_id)
            .collect(),
    )
}

/// Where a new request of `requester` goes now, the team whose queue holds it when
/// nobody is assigned (the inside partner's team, or the requester's), and the
/// tandem's own deadline for this type of request, if it has one.
async fn routed(
    tx: &mut Tx,
    ws: WorkspaceId,
    cal: &BusinessCalendar,
    requester: &users::User,
    kind: RequestTypeId,
    now: Instant,
) -> AppResult<(Route, Option<TeamId>, Option<i64>)> {
    let stored = tandems::list(&mut tx.conn(), ws).await?;
    let own = stored.iter().find(|t| {
        t.data.tandem.field_id == requester.id || t.data.tandem.inside_id == requester.id
    });
    let own_sla = own.and_then(|t| t.data.sla_minutes.get(&kind).copied());
    let pairs: Vec<handoff::Tandem> = stored.iter().map(|t| t.data.tandem.clone()).collect();
    let mine = own.map(|t| t.data.tandem.clone());
    let day = now.timestamp().to_zoned(cal.zone.clone()).date();
    let people: Vec<UserId> = mine
        .iter()
        .flat_map(|t| [Some(t.field_id), Some(t.inside_id), t.deputy_id])
        .flatten()
        .collect();
    let away = absent_on(tx, ws, day, &people).await?;
    // Deactivated colleagues count as away.
    let mut gone = away.clone();
    for u in &people {
        if let Ok(user) = users::get(&mut tx.conn(), ws, *u).await
            && !user.active
        {
            gone.push(*u);
        }
    }
    let route = handoff::route(requester.id, &pairs, |u| gone.contains(&u));
    let queue_team = match mine {
        Some(t) => users::get(&mut tx.conn(), ws, t.inside_id).await?.team_id,
        None => requester.team_id,
    };
    Ok((route, queue_team, own_sla))
}
