//! Leads: storage, lists, their events (engagement and history), the workspace's lead
//! policy, and the rows the campaign report is computed from.

use crate::{Conn, StoreError, StoreResult, list, list::Sort};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    AccountId, CampaignId, ContactId, DealId, Instant, LeadId, RequestId, UserId, WorkspaceId,
    contact::Salutation,
    cursor::Cursor,
    lead::{self, Status},
    lead_record::{LeadData, RejectReason, Source},
    lead_settings::LeadSettings,
    text::fold,
};
use uuid::Uuid;

mod events;
pub use events::*;
mod report;
pub use report::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    pub id: LeadId,
    pub data: LeadData,
    pub status: Status,
    /// The score at the last change.
    pub score: i64,
    pub campaign_name: Option<String>,
    pub owner_name: Option<String>,
    /// The rep it was handed to.
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    /// The acceptance request of the last handoff.
    pub request_id: Option<RequestId>,
    pub handed_over_at: Option<Instant>,
    pub reject_reason: Option<RejectReason>,
    pub reject_comment: Option<String>,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<DealId>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    salutation: String,
    first_name: Option<String>,
    last_name: String,
    name_key: String,
    email: Option<String>,
    phone: Option<String>,
    position: Option<String>,
    company: Option<String>,
    industry: Option<String>,
    employees: Option<i64>,
    website: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: String,
    state: Option<String>,
    source: String,
    campaign_id: Option<Uuid>,
    campaign_name: Option<String>,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    status: String,
    score: i64,
    answers: String,
    consent_email: bool,
    consent_on: Option<String>,
    consent_source: Option<String>,
    notes: Option<String>,
    assignee_id: Option<Uuid>,
    assignee_name: Option<String>,
    request_id: Option<Uuid>,
    handed_over_at: Option<i64>,
    reject_reason: Option<String>,
    reject_comment: Option<String>,
    account_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Lead {
    fn from(r: Row) -> Self {
        Lead {
            id: LeadId(r.id),
            data: LeadData {
                salutation: Salutation::parse(&r.salutation).unwrap_or_default(),
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                phone: r.phone,
                position: r.position,
                company: r.company,
                industry: r.industry,
                employees: r.employees,
                website: r.website,
                postal_code: r.postal_code,
                city: r.city,
                country: r.country,
                state: r.state,
                source: Source::parse(&r.source).unwrap_or_default(),
                campaign_id: r.campaign_id.map(CampaignId),
                owner_id: r.owner_id.map(UserId),
                answers: serde_json::from_str(&r.answers).unwrap_or_default(),
                consent_email: r.consent_email,
                consent_on: r.consent_on.and_then(|d| d.parse().ok()),
                consent_source: r.consent_source,
                notes: r.notes,
            },
            status: Status::parse(&r.status).unwrap_or_default(),
            score: r.score,
            campaign_name: r.campaign_name,
            owner_name: r.owner_name,
            assignee_id: r.assignee_id.map(UserId),
            assignee_name: r.assignee_name,
            request_id: r.request_id.map(RequestId),
            handed_over_at: r.handed_over_at.map(Instant),
            reject_reason: r.reject_reason.as_deref().and_then(RejectReason::parse),
            reject_comment: r.reject_comment,
            account_id: r.account_id.map(AccountId),
            contact_id: r.contact_id.map(ContactId),
            deal_id: r.deal_id.map(DealId),
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        }
    }
}

const COLS: [&str; 38] = [
    "id",
    "salutation",
    "first_name",
    "last_name",
    "name_key",
    "email",
    "phone",
    "position",
    "company",
    "industry",
    "employees",
    "website",
    "postal_code",
    "city",
    "country",
    "state",
    "source",
    "campaign_id",
    "owner_id",
    "status",
    "score",
    "answers",
    "consent_email",
    "consent_on",
    "consent_source",
    "notes",
    "assignee_id",
    "request_id",
    "handed_over_at",
    "reject_reason",
    "reject_comment",
    "account_id",
    "contact_id",
    "deal_id",
    "version",
    "created_at",
    "updated_at",
    "workspace_id",
];

fn joined(q: &mut SelectStatement, table: &'static str, alias: &'static str, col: &'static str) {
    q.join_as(
        sea_query::JoinType::LeftJoin,
        table,
        alias,
        Expr::col((alias, "workspace_id"))
            .equals(("leads", "workspace_id"))
            .and(Expr::col((alias, "id")).equals(("leads", col))),
    );
}

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    q.columns(COLS[..37].iter().map(|c| ("leads", *c)))
        .expr_as(Expr::col(("c", "name")), "campaign_name")
        .expr_as(Expr::col(("o", "name")), "owner_name")
        .expr_as(Expr::col(("a", "name")), "assignee_name")
        .from("leads");
    joined(&mut q, "campaigns", "c", "campaign_id");
    joined(&mut q, "users", "o", "owner_id");
    joined(&mut q, "users", "a", "assignee_id");
    q.and_where(Expr::col(("leads", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("leads", "deleted_at")).is_null());
    q
}

/// What global search finds a lead by: name, email, company, town and postal code.
fn search_text(d: &LeadData) -> String {
    fold(&format!(
        "{} {} {} {} {}",
        d.name(),
        d.email.as_deref().unwrap_or(""),
        d.company.as_deref().unwrap_or(""),
        d.city.as_deref().unwrap_or(""),
        d.postal_code.as_deref().unwrap_or(""),
    ))
}

fn values(d: &LeadData) -> Vec<(&'static str, sea_query::Value)> {
    let search = search_text(d);
    vec![
        ("salutation", d.salutation.as_str().into()),
        ("first_name", d.first_name.clone().into()),
        ("last_name", d.last_name.clone().into()),
        ("name_key", fold(&d.name()).into()),
        ("email", d.email.clone().into()),
        ("phone", d.phone.clone().into()),
        ("position", d.position.clone().into()),
        ("company", d.company.clone().into()),
        ("industry", d.industry.clone().into()),
        ("employees", d.employees.into()),
        ("website", d.website.clone().into()),
        ("postal_code", d.postal_code.clone().into()),
        ("city", d.city.clone().into()),
        ("country", d.country.clone().into()),
        ("state", d.state.clone().into()),
        ("source", d.source.as_str().into()),
        ("campaign_id", d.campaign_id.map(|c| c.0).into()),
        ("owner_id", d.owner_id.map(|u| u.0).into()),
        (
            "answers",
            serde_json::to_string(&d.answers)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ),
        ("consent_email", d.consent_email.into()),
        ("consent_on", d.consent_on.map(|d| d.to_string()).into()),
        ("consent_source", d.consent_source.clone().into()),
        ("notes", d.notes.clone().into()),
        ("search_text", search.into()),
    ]
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: LeadId,
    d: &LeadData,
    score: i64,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let mut v = values(d);
    v.push(("status", Status::New.as_str().into()));
    v.push(("score", score.into()));
    list::insert_record(c, "leads", ws, id.0, v, actor).await?;
    crate::search::index(c, ws, "lead", id.0, Some(&search_text(d))).await
}

/// The workflow part of a lead that services change (each `Some` is written).
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub data: Option<LeadData>,
    pub status: Option<Status>,
    pub score: Option<i64>,
    pub assignee_id: Option<Option<UserId>>,
    pub request_id: Option<Option<RequestId>>,
    pub handed_over_at: Option<Option<Instant>>,
    pub reject: Option<Option<(RejectReason, String)>>,
    pub converted: Option<(AccountId, ContactId, DealId)>,
}

/// Writes a change if the lead still has `version` (else `Conflict` or `NotFound`).
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: LeadId,
    version: i64,
    ch: &Change,
) -> StoreResult<()> {
    let mut v = ch.data.as_ref().map(values).unwrap_or_default();
    if let Some(s) = ch.status {
        v.push(("status", s.as_str().into()));
    }
    if let Some(s) = ch.score {
        v.push(("score", s.into()));
    }
    if let Some(a) = ch.assignee_id {
        v.push(("assignee_id", a.map(|u| u.0).into()));
    }
    if let Some(r) = ch.request_id {
        v.push(("request_id", r.map(|r| r.0).into()));
    }
    if let Some(at) = ch.handed_over_at {
        v.push(("handed_over_at", at.map(|t| t.0).into()));
    }
    if let Some(r) = &ch.reject {
        v.push(("reject_reason", r.as_ref().map(|(k, _)| k.as_str()).into()));
        v.push(("reject_comment", r.as_ref().map(|(_, t)| t.clone()).into()));
    }
    if let Some((a, ct, d)) = ch.converted {
        v.push(("account_id", Some(a.0).into()));
        v.push(("contact_id", Some(ct.0).into()));
        v.push(("deal_id", Some(d.0).into()));
    }
    list::update_record(c, "leads", ws, id.0, version, v).await?;
    match &ch.data {
        Some(d) => crate::search::index(c, ws, "lead", id.0, Some(&search_text(d))).await,
        None => Ok(()),
    }
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: LeadId) -> StoreResult<()> {
    list::set_deleted(c, "leads", ws, id.0, true).await?;
    crate::search::index(c, ws, "lead", id.0, None).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: LeadId) -> StoreResult<Lead> {
    let mut q = select(ws);
    q.and_where(Expr::col(("leads", "id")).eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(Lead::from)
        .ok_or(StoreError::NotFound)
}

/// Which leads a list shows; every set field narrows it.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub statuses: Vec<Status>,
    pub campaign: Option<CampaignId>,
    pub source: Option<Source>,
    pub assignee: Option<UserId>,
    pub owner: Option<UserId>,
    pub email: Option<String>,
}

/// A page of leads (newest first by default).
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    sort: Sort,
    cursor: Option<&Cursor>,
    limit: u64,
) -> StoreResult<list::Page<Lead>> {
    let mut q = select(ws);
    list::search_words(&mut q, "leads", f.q.as_deref());
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("leads", "status")).is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(cid) = f.campaign {
        q.and_where(Expr::col(("leads", "campaign_id")).eq(cid.0));
    }
    if let Some(s) = f.source {
        q.and_where(Expr::col(("leads", "source")).eq(s.as_str()));
    }
    if let Some(u) = f.assignee {
        q.and_where(Expr::col(("leads", "assignee_id")).eq(u.0));
    }
    if let Some(u) = f.owner {
        q.and_where(Expr::col(("leads", "owner_id")).eq(u.0));
    }
    if let Some(e) = &f.email {
        q.and_where(Expr::col(("leads", "email")).eq(e.to_lowercase()));
    }
    list::keyset(&mut q, "leads", sort, cursor, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(list::page(
        rows.into_iter().map(|r| {
            let key = sort.key(
                r.name_key.clone(),
                Instant(r.created_at),
                Instant(r.updated_at),
            );
            let id = r.id;
            (Lead::from(r), key, id)
        }),
        sort.as_str(),
        limit,
    ))
}

/// Leads per status (for the inbox's tabs).
pub async fn count_by_status(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<(Status, i64)>> {
    #[derive(sqlx::FromRow)]
    struct N {
        status: String,
        n: i64,
    }
    let q = Query::select()
        .column("status")
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .from("leads")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .group_by_col("status")
        .to_owned();
    let rows: Vec<N> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Status::parse(&r.status).map(|s| (s, r.n)))
        .collect())
}

/// The stored lead policy, `None` until an admin saves one.
pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<LeadSettings>> {
    crate::workspaces::json(c, ws, "lead_settings").await
}

pub async fn set_settings(c: &mut Conn<'_>, ws: WorkspaceId, s: &LeadSettings) -> StoreResult<()> {
    crate::workspaces::set_json(c, ws, "lead_settings", serde_json::to_string(s)).await
}

/// When each of these reps was last handed a lead (never: not in the map).
pub async fn last_handoffs(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    reps: &[UserId],
) -> StoreResult<std::collections::HashMap<UserId, i64>> {
    #[derive(sqlx::FromRow)]
    struct L {
        assignee_id: Uuid,
        last: i64,
    }
    if reps.is_empty() {
        return Ok(Default::default());
    }
    let q = Query::select()
        .column("assignee_id")
        .expr_as(Expr::cust("CAST(MAX(handed_over_at) AS BIGINT)"), "last")
        .from("leads")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("assignee_id").is_in(reps.iter().map(|u| u.0)))
        .and_where(Expr::col("handed_over_at").is_not_null())
        .group_by_col("assignee_id")
        .to_owned();
    let rows: Vec<L> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| (UserId(r.assignee_id), r.last))
        .collect())
}
