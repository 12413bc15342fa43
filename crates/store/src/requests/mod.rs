//! Requests and their types: storage, the queue views, the timeline, and the
//! conditional updates that let exactly one of several racing writers win (a claim, a
//! reminder, an escalation step).

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    AccountId, DealId, Instant, LeadId, RequestId, RequestTypeId, TeamId, UserId, WorkspaceId,
    cursor::{Cursor, CursorKey},
    request::{EscalationStep, Purpose, RequestTypeData, Status},
};
use uuid::Uuid;

mod types;
pub use types::*;
mod timeline;
pub use timeline::*;

/// The sort key of a request whose clock pauses: after every running one.
pub const PAUSED_KEY: i64 = i64::MAX;

fn path_text(steps: &[EscalationStep]) -> String {
    steps
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_path(s: &str) -> Vec<EscalationStep> {
    s.split(',').filter_map(EscalationStep::parse).collect()
}

/// A request as it is stored, with the names the pages show.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRequest {
    pub id: RequestId,
    pub type_id: RequestTypeId,
    pub type_name: String,
    /// What its type is for (a discount approval, a lead handoff …), if special.
    pub purpose: Option<tandem_domain::request::Purpose>,
    pub requester_id: UserId,
    pub requester_name: String,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub queue_team_id: Option<TeamId>,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub deal_id: Option<DealId>,
    pub deal_title: Option<String>,
    /// The lead a lead handoff request is about.
    pub lead_id: Option<LeadId>,
    pub description: String,
    pub status: Status,
    pub sla_minutes: i64,
    pub reminder_bp: i64,
    pub escalation: Vec<EscalationStep>,
    pub started_at: Instant,
    /// Empty while the clock pauses.
    pub due_at: Option<Instant>,
    /// The business time that was left when the clock paused (negative: overdue).
    pub paused_left_ms: Option<i64>,
    pub reminded: bool,
    pub escalated: i64,
    pub reassignments: i64,
    pub closed_at: Option<Instant>,
    pub in_time: Option<bool>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    type_id: Uuid,
    type_name: Option<String>,
    type_purpose: Option<String>,
    requester_id: Uuid,
    requester_name: Option<String>,
    assignee_id: Option<Uuid>,
    assignee_name: Option<String>,
    queue_team_id: Option<Uuid>,
    account_id: Option<Uuid>,
    account_name: Option<String>,
    deal_id: Option<Uuid>,
    deal_title: Option<String>,
    lead_id: Option<Uuid>,
    description: String,
    status: String,
    sla_minutes: i64,
    reminder_bp: i64,
    escalation: String,
    started_at: i64,
    due_at: Option<i64>,
    due_key: i64,
    paused_left_ms: Option<i64>,
    reminded: bool,
    escalated: i64,
    reassignments: i64,
    closed_at: Option<i64>,
    in_time: Option<bool>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for StoredRequest {
    fn from(r: Row) -> Self {
        StoredRequest {
            id: RequestId(r.id),
            type_id: RequestTypeId(r.type_id),
            type_name: r.type_name.unwrap_or_default(),
            purpose: r
                .type_purpose
                .as_deref()
                .and_then(tandem_domain::request::Purpose::parse),
            requester_id: UserId(r.requester_id),
            requester_name: r.requester_name.unwrap_or_default(),
            assignee_id: r.assignee_id.map(UserId),
            assignee_name: r.assignee_name,
            queue_team_id: r.queue_team_id.map(TeamId),
            account_id: r.account_id.map(AccountId),
            account_name: r.account_name,
            deal_id: r.deal_id.map(DealId),
            deal_title: r.deal_title,
            lead_id: r.lead_id.map(LeadId),
            description: r.description,
            status: Status::parse(&r.status).unwrap_or_default(),
            sla_minutes: r.sla_minutes,
            reminder_bp: r.reminder_bp,
            escalation: parse_path(&r.escalation),
            started_at: Instant(r.started_at),
            due_at: r.due_at.map(Instant),
            paused_left_ms: r.paused_left_ms,
            reminded: r.reminded,
            escalated: r.escalated,
            reassignments: r.reassignments,
            closed_at: r.closed_at.map(Instant),
            in_time: r.in_time,
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        }
    }
}

const COLS: [&str; 28] = [
    "id",
    "type_id",
    "requester_id",
    "assignee_id",
    "queue_team_id",
    "account_id",
    "deal_id",
    "lead_id",
    "description",
    "status",
    "sla_minutes",
    "reminder_bp",
    "escalation",
    "started_at",
    "due_at",
    "due_key",
    "paused_left_ms",
    "reminded",
    "escalated",
    "reassignments",
    "closed_at",
    "in_time",
    "version",
    "created_at",
    "updated_at",
    "workspace_id",
    "created_by",
    "deleted_at",
];

fn joined(q: &mut SelectStatement, table: &'static str, alias: &'static str, col: &'static str) {
    q.join_as(
        sea_query::JoinType::LeftJoin,
        table,
        alias,
        Expr::col((alias, "workspace_id"))
            .equals(("requests", "workspace_id"))
            .and(Expr::col((alias, "id")).equals(("requests", col))),
    );
}

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    q.columns(COLS[..25].iter().map(|c| ("requests", *c)))
        .expr_as(Expr::col(("t", "name")), "type_name")
        .expr_as(Expr::col(("t", "purpose")), "type_purpose")
        .expr_as(Expr::col(("r", "name")), "requester_name")
        .expr_as(Expr::col(("a", "name")), "assignee_name")
        .expr_as(Expr::col(("acc", "name")), "account_name")
        .expr_as(Expr::col(("d", "title")), "deal_title")
        .from("requests");
    joined(&mut q, "request_types", "t", "type_id");
    joined(&mut q, "users", "r", "requester_id");
    joined(&mut q, "users", "a", "assignee_id");
    joined(&mut q, "accounts", "acc", "account_id");
    joined(&mut q, "deals", "d", "deal_id");
    q.and_where(Expr::col(("requests", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("requests", "deleted_at")).is_null());
    q
}

/// A new request, as the service decided it.
pub struct NewRequest {
    pub id: RequestId,
    pub type_id: RequestTypeId,
    pub requester_id: UserId,
    pub assignee_id: Option<UserId>,
    pub queue_team_id: Option<TeamId>,
    pub account_id: Option<AccountId>,
    pub deal_id: Option<DealId>,
    pub lead_id: Option<LeadId>,
    pub description: String,
    pub terms: RequestTypeData,
    pub started_at: Instant,
    pub due_at: Instant,
}

pub async fn insert(c: &mut Conn<'_>, ws: WorkspaceId, r: &NewRequest) -> StoreResult<()> {
    let values = vec![
        ("type_id", r.type_id.0.into()),
        ("requester_id", r.requester_id.0.into()),
        ("assignee_id", r.assignee_id.map(|u| u.0).into()),
        ("queue_team_id", r.queue_team_id.map(|t| t.0).into()),
        ("account_id", r.account_id.map(|a| a.0).into()),
        ("deal_id", r.deal_id.map(|d| d.0).into()),
        ("lead_id", r.lead_id.map(|l| l.0).into()),
        ("description", r.description.clone().into()),
        ("status", Status::Open.as_str().into()),
        ("sla_minutes", r.terms.sla_minutes.into()),
        ("reminder_bp", r.terms.reminder_bp.into()),
        ("escalation", path_text(&r.terms.escalation).into()),
        ("started_at", r.started_at.0.into()),
        ("due_at", Some(r.due_at.0).into()),
        ("due_key", r.due_at.0.into()),
        ("paused_left_ms", None::<i64>.into()),
        ("reminded", false.into()),
        ("escalated", 0i64.into()),
        ("reassignments", 0i64.into()),
        ("closed_at", None::<i64>.into()),
        ("in_time", None::<bool>.into()),
    ];
    list::insert_record(c, "requests", ws, r.id.0, values, Some(r.requester_id)).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: RequestId) -> StoreResult<StoredRequest> {
    let mut q = select(ws);
    q.and_where(Expr::col(("requests", "id")).eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(StoredRequest::from)
        .ok_or(StoreError::NotFound)
}

/// Which requests a list shows; every set field narrows it.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Requested by or assigned to this user.
    pub involving: Option<UserId>,
    pub requester: Option<UserId>,
    pub assignee: Option<UserId>,
    /// Unassigned: `Some(Some(team))` in that team's queue or in no team's,
    /// `Some(None)` in any queue.
    pub queue: Option<Option<TeamId>>,
    pub deal: Option<DealId>,
    pub account: Option<AccountId>,
    pub type_id: Option<RequestTypeId>,
    pub statuses: Vec<Status>,
    /// Only requests whose running clock is past due at this instant.
    pub overdue_at: Option<Instant>,
}

/// A page of requests by due time (paused ones last), then id.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    cursor: Option<&Cursor>,
    limit: u64,
) -> StoreResult<list::Page<StoredRequest>> {
    let mut q = select(ws);
    let col = |c: &'static str| Expr::col(("requests", c));
    if let Some(u) = f.involving {
        q.cond_where(
            Cond::any()
                .add(col("requester_id").eq(u.0))
                .add(col("assignee_id").eq(u.0)),
        );
    }
    if let Some(u) = f.requester {
        q.and_where(col("requester_id").eq(u.0));
    }
    if let Some(u) = f.assignee {
        q.and_where(col("assignee_id").eq(u.0));
    }
    if let Some(team) = f.queue {
        q.and_where(col("assignee_id").is_null());
        if let Some(t) = team {
            q.cond_where(
                Cond::any()
                    .add(col("queue_team_id").eq(t.0))
                    .add(col("queue_team_id").is_null()),
            );
        }
    }
    if let Some(d) = f.deal {
        q.and_where(col("deal_id").eq(d.0));
    }
    if let Some(a) = f.account {
        q.and_where(col("account_id").eq(a.0));
    }
    if let Some(t) = f.type_id {
        q.and_where(col("type_id").eq(t.0));
    }
    if !f.statuses.is_empty() {
        q.and_where(col("status").is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(at) = f.overdue_at {
        q.and_where(col("due_key").lt(at.0))
            .and_where(col("status").is_in([Status::Open.as_str(), Status::InProgress.as_str()]));
    }
    list::keyset_on(&mut q, "requests", "due_key", false, cursor, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(list::page(
        rows.into_iter().map(|r| {
            let (key, id) = (CursorKey::Int(r.due_key), r.id);
            (StoredRequest::from(r), key, id)
        }),
        "due",
        limit,
    ))
}

/// The running clocks the SLA job looks at: open or in progress, not yet escalated
/// to the end of their path (or not yet reminded), with a due time before `horizon`.
pub async fn running_before(
    c: &mut Conn<'_>,
    horizon: Instant,
    limit: u64,
) -> StoreResult<Vec<(WorkspaceId, StoredRequest)>> {
    #[derive(sqlx::FromRow)]
    struct Key {
        workspace_id: Uuid,
        id: Uuid,
    }
    let q = Query::select()
        .columns(["workspace_id", "id"])
        .from("requests")
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").is_in([Status::Open.as_str(), Status::InProgress.as_str()]))
        .and_where(Expr::col("due_key").lt(horizon.0))
        .order_by("due_key", Order::Asc)
        .limit(limit)
        .to_owned();
    let keys: Vec<Key> = c.all(&q).await?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let ws = WorkspaceId(k.workspace_id);
        if let Ok(r) = get(c, ws, RequestId(k.id)).await {
            out.push((ws, r));
        }
    }
    Ok(out)
}

/// What a change sets; `None` leaves a column as it is.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub status: Option<Status>,
    pub assignee_id: Option<Option<UserId>>,
    pub queue_team_id: Option<Option<TeamId>>,
    pub description: Option<String>,
    /// The due time; `Some(None)` pauses the clock.
    pub due_at: Option<Option<Instant>>,
    pub paused_left_ms: Option<Option<i64>>,
    pub reminded: Option<bool>,
    pub escalated: Option<i64>,
    pub add_reassignment: bool,
    pub closed_at: Option<Option<Instant>>,
    pub in_time: Option<Option<bool>>,
}

/// The condition a change needs to hold at the moment it is written.
pub enum Guard {
    /// The version the writer read (an edit by a person: 409 when it moved on).
    Version(i64),
    /// Nobody has claimed it yet (a claim: exactly one of several wins).
    Unassigned,
    /// Still at this escalation step and reminder state (the SLA job: one instance
    /// takes each step once).
    Clock { escalated: i64, reminded: bool },
    /// Still assigned to this user and open (the absence job).
    AssignedTo(UserId),
}

/// Writes `change` if `guard` holds; `Ok(false)` when it did not (someone else won).
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RequestId,
    guard: Guard,
    change: &Change,
    now: Instant,
) -> StoreResult<bool> {
    let mut q = Query::update();
    q.table("requests");
    if let Some(s) = change.status {
        q.value("status", s.as_str());
    }
    if let Some(a) = change.assignee_id {
        q.value("assignee_id", a.map(|u| u.0));
    }
    if let Some(t) = change.queue_team_id {
        q.value("queue_team_id", t.map(|t| t.0));
    }
    if let Some(d) = &change.description {
        q.value("description", d.clone());
    }
    if let Some(due) = change.due_at {
        q.value("due_at", due.map(|d| d.0))
            .value("due_key", due.map_or(PAUSED_KEY, |d| d.0));
    }
    if let Some(p) = change.paused_left_ms {
        q.value("paused_left_ms", p);
    }
    if let Some(r) = change.reminded {
        q.value("reminded", r);
    }
    if let Some(e) = change.escalated {
        q.value("escalated", e);
    }
    if change.add_reassignment {
        q.value("reassignments", Expr::col("reassignments").add(1));
    }
    if let Some(cl) = change.closed_at {
        q.value("closed_at", cl.map(|c| c.0));
    }
    if let Some(t) = change.in_time {
        q.value("in_time", t);
    }
    q.value("version", Expr::col("version").add(1))
        .value("updated_at", std::cmp::max(now.0, c.now().0))
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("deleted_at").is_null());
    match guard {
        Guard::Version(v) => {
            q.and_where(Expr::col("version").eq(v));
        }
        Guard::Unassigned => {
            q.and_where(Expr::col("assignee_id").is_null());
        }
        Guard::Clock {
            escalated,
            reminded,
        } => {
            q.and_where(Expr::col("escalated").eq(escalated))
                .and_where(Expr::col("reminded").eq(reminded));
        }
        Guard::AssignedTo(u) => {
            q.and_where(Expr::col("assignee_id").eq(u.0));
        }
    }
    if change.status.is_none() {
        // Nothing but a status move may touch a closed request.
        q.and_where(
            Expr::col("status").is_not_in([Status::Done.as_str(), Status::Cancelled.as_str()]),
        );
    }
    Ok(c.exec(&q).await? == 1)
}

/// The open requests assigned to a user (the absence job hands them on).
pub async fn open_assigned_to(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
) -> StoreResult<Vec<StoredRequest>> {
    let f = Filter {
        assignee: Some(user),
        statuses: vec![Status::Open, Status::InProgress, Status::Waiting],
        ..Filter::default()
    };
    Ok(list(c, ws, &f, None, 1_000).await?.items)
}
