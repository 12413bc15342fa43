//! Deals: storage with contacts and roles, the stage history (entered/left), close-date
//! slips, keyset-paged lists and the trash.

pub use crate::list::Sort;
use crate::{Conn, StoreResult, list, search};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use std::collections::HashMap;
use tandem_domain::{
    AccountId, ContactId, DealId, Instant, PipelineId, StageId, UserId, WorkspaceId,
    cursor::Cursor,
    deal::{ContactRole, DealContact, DealData, DealStatus, ForecastCategory, Source, slipped},
    money::Money,
    text::fold,
};
use uuid::Uuid;

mod stages;
pub use stages::*;
mod totals;
pub use totals::*;
mod board;
pub use board::*;
mod listing;
pub use listing::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Deal {
    pub id: DealId,
    pub data: DealData,
    /// The names of `data.contacts`, in the same order.
    pub contact_names: Vec<String>,
    pub account_name: String,
    pub owner_name: Option<String>,
    pub partner_name: Option<String>,
    pub stage_name: String,
    pub stage_probability_bp: i64,
    pub stage_rotting_days: Option<i64>,
    pub stage_entered_at: Instant,
    pub closed_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub created_by: Option<UserId>,
    pub deleted_at: Option<Instant>,
}

impl Deal {
    /// The probability that counts (status, override or the stage's default).
    pub fn probability_bp(&self) -> i64 {
        self.data.probability(self.stage_probability_bp)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    name_key: String,
    account_id: Uuid,
    account_name: Option<String>,
    pipeline_id: Uuid,
    stage_id: Uuid,
    stage_name: Option<String>,
    stage_probability_bp: Option<i64>,
    stage_rotting_days: Option<i64>,
    amount_minor: Option<i64>,
    currency: Option<String>,
    probability_bp: Option<i64>,
    forecast_category: Option<String>,
    expected_close: Option<String>,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    inside_partner_id: Option<Uuid>,
    partner_name: Option<String>,
    next_step: Option<String>,
    next_step_due: Option<String>,
    source: Option<String>,
    status: String,
    lost_reason: Option<String>,
    competitor: Option<String>,
    notes: Option<String>,
    stage_entered_at: i64,
    closed_at: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    created_by: Option<Uuid>,
    deleted_at: Option<i64>,
    custom: String,
}

impl Row {
    fn into_deal(self) -> (Deal, String) {
        let amount = match (self.amount_minor, self.currency) {
            (Some(minor), Some(currency)) => Some(Money { minor, currency }),
            _ => None,
        };
        (
            Deal {
                id: DealId(self.id),
                data: DealData {
                    title: self.title,
                    account_id: AccountId(self.account_id),
                    pipeline_id: PipelineId(self.pipeline_id),
                    stage_id: StageId(self.stage_id),
                    amount,
                    probability_bp: self.probability_bp,
                    forecast_category: self
                        .forecast_category
                        .as_deref()
                        .and_then(ForecastCategory::parse),
                    expected_close: self.expected_close.and_then(|d| d.parse().ok()),
                    owner_id: self.owner_id.map(UserId),
                    inside_partner_id: self.inside_partner_id.map(UserId),
                    next_step: self.next_step,
                    next_step_due: self.next_step_due.and_then(|d| d.parse().ok()),
                    source: self.source.as_deref().and_then(Source::parse),
                    status: DealStatus::parse(&self.status).unwrap_or_default(),
                    lost_reason: self.lost_reason,
                    competitor: self.competitor,
                    contacts: vec![],
                    notes: self.notes,
                    custom: serde_json::from_str(&self.custom).unwrap_or_default(),
                },
                contact_names: vec![],
                account_name: self.account_name.unwrap_or_default(),
                owner_name: self.owner_name,
                partner_name: self.partner_name,
                stage_name: self.stage_name.unwrap_or_default(),
                stage_probability_bp: self.stage_probability_bp.unwrap_or_default(),
                stage_rotting_days: self.stage_rotting_days,
                stage_entered_at: Instant(self.stage_entered_at),
                closed_at: self.closed_at.map(Instant),
                version: self.version,
                created_at: Instant(self.created_at),
                updated_at: Instant(self.updated_at),
                created_by: self.created_by.map(UserId),
                deleted_at: self.deleted_at.map(Instant),
            },
            self.name_key,
        )
    }
}

const COLS: [&str; 28] = [
    "id",
    "title",
    "name_key",
    "account_id",
    "pipeline_id",
    "stage_id",
    "amount_minor",
    "currency",
    "probability_bp",
    "forecast_category",
    "expected_close",
    "owner_id",
    "inside_partner_id",
    "next_step",
    "next_step_due",
    "source",
    "status",
    "lost_reason",
    "competitor",
    "notes",
    "stage_entered_at",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "deleted_at",
    "custom",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in COLS {
        q.column(("deals", col));
    }
    let same_ws =
        |t: &'static str| Expr::col((t, "workspace_id")).equals(("deals", "workspace_id"));
    q.expr_as(Expr::col(("accounts", "name")), "account_name")
        .expr_as(Expr::col(("owner", "name")), "owner_name")
        .expr_as(Expr::col(("partner", "name")), "partner_name")
        .expr_as(Expr::col(("stages", "name")), "stage_name")
        .expr_as(
            Expr::col(("stages", "probability_bp")),
            "stage_probability_bp",
        )
        .expr_as(Expr::col(("stages", "rotting_days")), "stage_rotting_days")
        .from("deals")
        .left_join(
            "accounts",
            same_ws("accounts").and(Expr::col(("accounts", "id")).equals(("deals", "account_id"))),
        )
        .left_join(
            "stages",
            same_ws("stages").and(Expr::col(("stages", "id")).equals(("deals", "stage_id"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "owner",
            same_ws("owner").and(Expr::col(("owner", "id")).equals(("deals", "owner_id"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "partner",
            same_ws("partner")
                .and(Expr::col(("partner", "id")).equals(("deals", "inside_partner_id"))),
        )
        .and_where(Expr::col(("deals", "workspace_id")).eq(ws.0))
        .to_owned()
}

fn search_text(d: &DealData) -> String {
    fold(&format!(
        "{} {}",
        d.title,
        d.competitor.as_deref().unwrap_or("")
    ))
}

fn values(d: &DealData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("title", d.title.clone().into()),
        ("name_key", fold(&d.title).into()),
        ("search_text", search_text(d).into()),
        ("account_id", d.account_id.0.into()),
        ("pipeline_id", d.pipeline_id.0.into()),
        ("stage_id", d.stage_id.0.into()),
        ("amount_minor", d.amount.as_ref().map(|m| m.minor).into()),
        (
            "currency",
            d.amount.as_ref().map(|m| m.currency.clone()).into(),
        ),
        ("probability_bp", d.probability_bp.into()),
        (
            "forecast_category",
            d.forecast_category.map(|f| f.as_str().to_string()).into(),
        ),
        (
            "expected_close",
            d.expected_close.map(|x| x.to_string()).into(),
        ),
        ("owner_id", d.owner_id.map(|o| o.0).into()),
        ("inside_partner_id", d.inside_partner_id.map(|o| o.0).into()),
        ("next_step", d.next_step.clone().into()),
        (
            "next_step_due",
            d.next_step_due.map(|x| x.to_string()).into(),
        ),
        ("source", d.source.map(|s| s.as_str().to_string()).into()),
        ("status", d.status.as_str().into()),
        ("lost_reason", d.lost_reason.clone().into()),
        ("competitor", d.competitor.clone().into()),
        ("notes", d.notes.clone().into()),
        (
            "custom",
            serde_json::to_string(&d.custom)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ),
    ]
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    deal_id: Uuid,
    contact_id: Uuid,
    role: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

/// Fills in the contacts (with names) of the given deals.
async fn load_contacts(c: &mut Conn<'_>, ws: WorkspaceId, deals: &mut [Deal]) -> StoreResult<()> {
    if deals.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = deals.iter().map(|d| d.id.0).collect();
    let q = Query::select()
        .column(("deal_contacts", "deal_id"))
        .column(("deal_contacts", "contact_id"))
        .column(("deal_contacts", "role"))
        .column(("contacts", "first_name"))
        .column(("contacts", "last_name"))
        .from("deal_contacts")
        .left_join(
            "contacts",
            Expr::col(("contacts", "workspace_id"))
                .equals(("deal_contacts", "workspace_id"))
                .and(Expr::col(("contacts", "id")).equals(("deal_contacts", "contact_id"))),
        )
        .and_where(Expr::col(("deal_contacts", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deal_contacts", "deal_id")).is_in(ids))
        .order_by(("deal_contacts", "position"), Order::Asc)
        .to_owned();
    let rows: Vec<ContactRow> = c.all(&q).await?;
    let mut by_deal: HashMap<Uuid, Vec<ContactRow>> = HashMap::new();
    for r in rows {
        by_deal.entry(r.deal_id).or_default().push(r);
    }
    for d in deals {
        for r in by_deal.remove(&d.id.0).unwrap_or_default() {
            d.data.contacts.push(DealContact {
                contact_id: ContactId(r.contact_id),
                role: ContactRole::parse(&r.role).unwrap_or(ContactRole::Influencer),
            });
            let name = format!(
                "{} {}",
                r.first_name.unwrap_or_default(),
                r.last_name.unwrap_or_default()
            );
            d.contact_names.push(name.trim().to_string());
        }
    }
    Ok(())
}

async fn write_contacts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    contacts: &[DealContact],
) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("deal_contacts")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("deal_id").eq(id.0))
            .to_owned(),
    )
    .await?;
    if contacts.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table("deal_contacts").columns([
        "workspace_id",
        "deal_id",
        "contact_id",
        "role",
        "position",
    ]);
    for (i, dc) in contacts.iter().enumerate() {
        q.values_panic([
            ws.0.into(),
            id.0.into(),
            dc.contact_id.0.into(),
            dc.role.as_str().into(),
            (i as i64).into(),
        ]);
    }
    c.exec(&q).await?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: DealId) -> StoreResult<Deal> {
    let q = select(ws)
        .and_where(Expr::col(("deals", "id")).eq(id.0))
        .to_owned();
    let mut deal = [c.one::<Row>(&q).await?.into_deal().0];
    load_contacts(c, ws, &mut deal).await?;
    let [deal] = deal;
    Ok(deal)
}

/// A deal's past, for importing deals that did not start today (demo data, imports):
/// when it was created, the stages it went through (stage, entered, left) and when it
/// was closed. The last visit is the deal's current stage.
pub struct Past {
    pub created_at: Instant,
    pub visits: Vec<(StageId, Instant, Option<Instant>)>,
    pub closed_at: Option<Instant>,
}

/// Inserts many deals with their pasts at once (imports, demo data). The search index
/// is not touched: call `search::index_missing` for the table afterwards.
pub async fn insert_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    items: Vec<(DealId, DealData, Option<UserId>, Past)>,
) -> StoreResult<()> {
    let mut records = vec![];
    let mut contacts = vec![];
    let mut visits = vec![];
    let mut datas = Vec::with_capacity(items.len());
    for (id, data, actor, past) in items {
        let entered = past.visits.last().map_or(past.created_at, |v| v.1);
        let mut vals = values(&data);
        vals.push(("stage_entered_at", entered.0.into()));
        vals.push(("closed_at", past.closed_at.map(|c| c.0).into()));
        for (i, dc) in data.contacts.iter().enumerate() {
            contacts.push(vec![
                ws.0.into(),
                id.0.into(),
                dc.contact_id.0.into(),
                dc.role.as_str().into(),
                (i as i64).into(),
            ]);
        }
        for (stage, entered, left) in &past.visits {
            visits.push(vec![
                ws.0.into(),
                Uuid::now_v7().into(),
                id.0.into(),
                stage.0.into(),
                entered.0.into(),
                left.map(|l| l.0).into(),
                actor.map(|a| a.0).into(),
            ]);
        }
        records.push(list::NewRecord {
            id: id.0,
            values: vals,
            actor,
            at: past.created_at,
        });
        datas.push(data);
    }
    list::insert_records(c, "deals", ws, records).await?;
    list::insert_rows(
        c,
        "deal_contacts",
        &["workspace_id", "deal_id", "contact_id", "role", "position"],
        contacts,
    )
    .await?;
    list::insert_rows(
        c,
        "deal_stage_history",
        &[
            "workspace_id",
            "id",
            "deal_id",
            "stage_id",
            "entered_at",
            "left_at",
            "actor_id",
        ],
        visits,
    )
    .await?;
    add_totals(c, ws, datas.iter().map(|d| (d, 1))).await
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    data: &DealData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let now = c.now();
    let mut vals = values(data);
    vals.push(("stage_entered_at", now.0.into()));
    let closed = data.status != DealStatus::Open;
    vals.push(("closed_at", closed.then_some(now.0).into()));
    list::insert_record(c, "deals", ws, id.0, vals, actor).await?;
    adjust_totals(c, ws, data, 1).await?;
    write_contacts(c, ws, id, &data.contacts).await?;
    enter_stage(c, ws, id, data.stage_id, now, actor).await?;
    if closed {
        leave_stage(c, ws, id, now).await?;
    }
    search::index(c, ws, "deal", id.0, Some(&search_text(data))).await
}

/// Writes new data if the stored version is still `before.version`, and keeps the
/// stage history and the close-date slips.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    before: &Deal,
    data: &DealData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let now = c.now();
    let id = before.id;
    let old = &before.data;
    let stage_changed = old.stage_id != data.stage_id;
    let was_open = old.status == DealStatus::Open;
    let is_open = data.status == DealStatus::Open;
    let mut vals = values(data);
    if stage_changed || (!was_open && is_open) {
        vals.push(("stage_entered_at", now.0.into()));
    }
    if was_open != is_open {
        vals.push(("closed_at", (!is_open).then_some(now.0).into()));
    }
    list::update_record(c, "deals", ws, id.0, before.version, vals).await?;
    if before.deleted_at.is_none() {
        adjust_totals(c, ws, old, -1).await?;
        adjust_totals(c, ws, data, 1).await?;
    }
    if old.contacts != data.contacts {
        write_contacts(c, ws, id, &data.contacts).await?;
    }
    if was_open && (stage_changed || !is_open) {
        leave_stage(c, ws, id, now).await?;
    }
    if is_open && (stage_changed || !was_open) {
        enter_stage(c, ws, id, data.stage_id, now, actor).await?;
    }
    if is_open && slipped(old.expected_close, data.expected_close) {
        c.exec(
            &Query::insert()
                .into_table("deal_close_slips")
                .columns([
                    "workspace_id",
                    "id",
                    "deal_id",
                    "from_date",
                    "to_date",
                    "at",
                    "actor_id",
                ])
                .values_panic([
                    ws.0.into(),
                    Uuid::now_v7().into(),
                    id.0.into(),
                    old.expected_close.map(|d| d.to_string()).into(),
                    data.expected_close.map(|d| d.to_string()).into(),
                    now.0.into(),
                    actor.map(|a| a.0).into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    let text = search_text(data);
    if text != search_text(old) {
        search::index(c, ws, "deal", id.0, Some(&text)).await?;
    }
    Ok(())
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    deleted: bool,
) -> StoreResult<()> {
    let before = get(c, ws, id).await?;
    list::set_deleted(c, "deals", ws, id.0, deleted).await?;
    if before.deleted_at.is_some() != deleted {
        adjust_totals(c, ws, &before.data, if deleted { -1 } else { 1 }).await?;
    }
    if deleted {
        search::index(c, ws, "deal", id.0, None).await
    } else {
        search::reindex(c, "deals", "deal", ws, id.0).await
    }
}
